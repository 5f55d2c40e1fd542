# Copyright 2026 JIT Replenishment Suite
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""The consumption ledger (services/ledger.py): the covering index on
stock_move gained the move's id, and a second index finds the done moves
written since a ledger key was brought up to date. Both are built
concurrently once the update has committed (hooks.py); the ledger fills
itself on the next recompute."""

from odoo.addons.jit_replenishment import hooks


def migrate(cr, version):
    if not version:
        return
    dbname = cr.dbname
    cr.postcommit.add(lambda: hooks.rebuild_move_index(dbname))
