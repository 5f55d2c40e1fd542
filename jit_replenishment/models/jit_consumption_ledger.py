# Copyright 2026 JIT Replenishment Suite
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import api, fields, models
from odoo.tools import SQL


class JitConsumptionLedger(models.Model):
    """What the recompute counts as consumption, kept per product and
    boundary (README, "The consumption ledger"): one row per (boundary,
    product) holding an entry per done move that counts, brought up to date
    from the moves written since (services/ledger.py). A cache of
    stock.move: every row can be dropped and is rebuilt from the moves."""

    _name = "jit.consumption.ledger"
    _description = "JIT Consumption Ledger"
    _log_access = False

    boundary_id = fields.Many2one(
        "stock.location",
        required=True,
        ondelete="cascade",
        help="The location tree whose consumption this row counts: the "
        "warehouse's view location, or a rule's own location outside it.",
    )
    product_id = fields.Many2one(
        "product.product", required=True, ondelete="cascade", index=True
    )
    entries = fields.Binary(
        attachment=False,
        help="One packed record per counted move (services/ledger.py, ENTRY).",
    )
    horizon = fields.Datetime(
        required=True, help="The entries are complete from this instant on (UTC)."
    )
    synced_at = fields.Datetime(
        required=True,
        help="Moves written from this instant on (UTC) are read again.",
    )
    definition = fields.Char(
        required=True,
        help="The locations and units the entries were counted with; a row "
        "whose definition changed is rebuilt.",
    )

    _sql_constraints = [
        (
            "boundary_product_unique",
            "unique(boundary_id, product_id)",
            "One ledger row per boundary and product.",
        )
    ]

    def init(self):
        # Entries are packed numbers: compressing them gains nothing and
        # costs every read and write. A row stays in the table's own page up
        # to 8 kB (about 400 entries), beyond that it is stored aside as is.
        # Half of each page is left free so that a night's rewrite of a row
        # stays on its page (no index entry to add: a HOT update).
        self.env.cr.execute(
            SQL(
                "ALTER TABLE jit_consumption_ledger"
                " ALTER COLUMN entries SET STORAGE EXTERNAL,"
                " SET (toast_tuple_target = 8160, fillfactor = 50)"
            )
        )

    @api.model
    def _rebuild_all(self):
        """Drop every row: the next recompute rebuilds them from the moves
        (after done moves were inserted or changed by SQL without setting
        their write_date; from `odoo shell`)."""
        self.env.cr.execute(SQL("DELETE FROM jit_consumption_ledger"))
