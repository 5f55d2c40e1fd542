# Copyright 2026 JIT Replenishment Suite
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import models

from ..services import pull_trigger


class StockMove(models.Model):
    _inherit = "stock.move"

    def _action_done(self, cancel_backorder=False):
        moves = super()._action_done(cancel_backorder=cancel_backorder)
        moves._jit_record_receipts()
        moves._jit_pull_trigger()
        return moves

    def _jit_record_receipts(self):
        """Each done receipt of a purchase line is an event (actual date and
        quantity, in the line's unit), the base of SLA figures."""
        receipts = self.filtered(
            lambda m: (
                m.state == "done"
                and m.purchase_line_id
                and m.location_dest_id.usage == "internal"
                and m.location_id.usage == "supplier"
            )
        )
        self.env["jit.purchase.event"]._record(
            [
                move.purchase_line_id.order_id._jit_event_vals(
                    "received",
                    channel="system",
                    line_id=move.purchase_line_id.id,
                    product_id=move.product_id.id,
                    date=move.date,
                    actual_date=move.date,
                    actual_qty=move.product_uom._compute_quantity(
                        move.quantity, move.purchase_line_id.product_uom
                    ),
                    promised_date=move.purchase_line_id.jit_promised_date,
                    original_date=move.purchase_line_id.jit_original_date,
                )
                for move in receipts
            ]
        )

    def _jit_pull_trigger(self):
        """Pull: a validated consumption that brings a JIT rule's forecast
        below its minimum procures that rule now, through Odoo's normal
        procurement (the RFQ lands where the scheduler would put it). Off,
        like Odoo's own trigger, when stock.no_auto_scheduler is set
        (services/pull_trigger.py)."""
        pull_trigger.trigger(self)
