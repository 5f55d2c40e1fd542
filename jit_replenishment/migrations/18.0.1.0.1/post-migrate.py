# Copyright 2026 JIT Replenishment Suite
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""The covering index on stock_move gained origin_returned_move_id (an
undone consumption scan is a return, services/consumption.py): rebuild it
concurrently once the update has committed (hooks.py)."""

from odoo.addons.jit_replenishment import hooks


def migrate(cr, version):
    if not version:
        return
    dbname = cr.dbname
    cr.postcommit.add(lambda: hooks.rebuild_move_index(dbname))
