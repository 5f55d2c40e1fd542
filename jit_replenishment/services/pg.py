# Copyright 2026 JIT Replenishment Suite
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""What the jobs must never swallow.

A job that isolates failing records (savepoint, log, go on) only isolates
genuine data errors. A concurrency error (serialization failure, deadlock,
lock not available) says nothing about the record: the whole transaction is
doomed and must be retried, which ir.cron (and Odoo's RPC layer) does when
the error reaches it. Every catch-all of the suite asks this one predicate.
"""

from psycopg2.extensions import TransactionRollbackError

from odoo.service.model import PG_CONCURRENCY_EXCEPTIONS_TO_RETRY

CONCURRENCY_ERRORS = (*PG_CONCURRENCY_EXCEPTIONS_TO_RETRY, TransactionRollbackError)


def is_concurrency_error(exc):
    """True for an error that must propagate so that the transaction is
    retried (never logged on a record as if the record were at fault)."""
    return isinstance(exc, CONCURRENCY_ERRORS)
