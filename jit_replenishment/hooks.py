# Copyright 2026 JIT Replenishment Suite
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""The two indexes of the consumption ledger on stock_move.

A plain CREATE INDEX holds a lock that blocks every stock write until it
ends (minutes on tens of millions of moves). It is built CONCURRENTLY
instead, which cannot run inside a transaction and waits for every older
transaction, the install's own included: so it runs after the install has
committed, on its own autocommit connection.

The covering index holds every column the done-moves COPY reads
(services/inputs.py, done_moves: a ledger key's first build, stock-outs),
so that the COPY is an index-only scan: a column added there is added to
INCLUDE here, and the index is rebuilt by a migration (`rebuild_move_index`).
The second index finds the done moves written since a ledger key was last
brought up to date (services/ledger.py): a handful a day per product."""

import logging

from odoo import sql_db
from odoo.tools import SQL

_logger = logging.getLogger(__name__)

MOVE_INDEX = "stock_move_jit_done_covering_idx"
WRITTEN_INDEX = "stock_move_jit_done_written_idx"
CREATE_MOVE_INDEX = """
    CREATE INDEX CONCURRENTLY IF NOT EXISTS stock_move_jit_done_covering_idx
        ON stock_move (product_id, date)
        INCLUDE (id, location_id, location_dest_id, product_uom, quantity,
                 create_date, origin_returned_move_id)
        WHERE state = 'done'
"""
CREATE_WRITTEN_INDEX = """
    CREATE INDEX CONCURRENTLY IF NOT EXISTS stock_move_jit_done_written_idx
        ON stock_move (product_id, write_date)
        WHERE state = 'done'
"""


def create_move_index(dbname):
    """Build the indexes without blocking writes; an interrupted build
    leaves an invalid index, dropped and reported so that it is built again
    by hand (the statement is in the log)."""
    with sql_db.db_connect(dbname).cursor() as cr:
        cnx = cr._cnx
        cnx.autocommit = True
        try:
            for name, statement in (
                (MOVE_INDEX, CREATE_MOVE_INDEX),
                (WRITTEN_INDEX, CREATE_WRITTEN_INDEX),
            ):
                try:
                    cr.execute(SQL(statement))
                except Exception:  # noqa: BLE001 - the install is committed
                    _logger.exception(
                        "JIT: could not build %s; run:%s", name, statement
                    )
                    cr.execute(
                        SQL(
                            "DROP INDEX CONCURRENTLY IF EXISTS %s", SQL.identifier(name)
                        )
                    )
        finally:
            cnx.autocommit = False


def rebuild_move_index(dbname):
    """Drop the index (without blocking writes) and build it again: for a
    database whose index misses a column of today's definition."""
    with sql_db.db_connect(dbname).cursor() as cr:
        cnx = cr._cnx
        cnx.autocommit = True
        try:
            cr.execute(
                SQL("DROP INDEX CONCURRENTLY IF EXISTS %s", SQL.identifier(MOVE_INDEX))
            )
        finally:
            cnx.autocommit = False
    create_move_index(dbname)


def post_init_hook(env):
    dbname = env.cr.dbname
    env.cr.postcommit.add(lambda: create_move_index(dbname))


def uninstall_hook(env):
    for name in (MOVE_INDEX, WRITTEN_INDEX):
        env.cr.execute(SQL("DROP INDEX IF EXISTS %s", SQL.identifier(name)))
