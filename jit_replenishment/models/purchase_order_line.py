# Copyright 2026 JIT Replenishment Suite
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import api, fields, models

from ..services import purchase_events


class PurchaseOrderLine(models.Model):
    _inherit = "purchase.order.line"

    jit_original_date = fields.Datetime(
        string="Originally Planned",
        readonly=True,
        copy=False,
        help="The planned arrival when the line was created; never changed.",
    )
    jit_promised_date = fields.Datetime(
        string="Promised Date",
        readonly=True,
        copy=False,
        help="The latest date the vendor promised (history in the order's events).",
    )
    jit_promised_qty = fields.Float(
        string="Promised Qty",
        readonly=True,
        copy=False,
        digits="Product Unit of Measure",
    )

    @api.model_create_multi
    def create(self, vals_list):
        for vals in vals_list:
            if vals.get("date_planned") and not vals.get("jit_original_date"):
                vals["jit_original_date"] = vals["date_planned"]
        lines = super().create(vals_list)
        # Lines whose planned date was computed rather than given.
        for line in lines.filtered(
            lambda ln: ln.date_planned and not ln.jit_original_date
        ):
            line.jit_original_date = line.date_planned
        # An order is automated only when every product line comes from a
        # JIT rule (the scheduler keeps JIT procurements on their own RFQs).
        jit_orders = lines.filtered(
            lambda ln: ln.orderpoint_id.jit_enabled and not ln.order_id.jit_managed
        ).order_id.filtered(
            lambda o: all(
                ln.orderpoint_id.jit_enabled
                for ln in o.order_line
                if not ln.display_type
            )
        )
        if jit_orders:
            jit_orders.jit_managed = True
        return lines

    def write(self, vals):
        res = super().write(vals)
        if "date_planned" in vals or "product_qty" in vals:
            # Only a change the vendor made is a new promise; a buyer's
            # reschedule leaves the promise (and the SLA's due date) alone.
            purchase_events.lines_off_promise(
                self.filtered("jit_promised_date")
            )._jit_record_promise()
        return res

    def _jit_record_promise(self):
        """Record the lines' current date and quantity as the vendor's new
        promise, for the orders whose change comes from a vendor channel."""
        purchase_events.record_promise(self)

    def _jit_set_promise(self):
        purchase_events.set_promise(self)

    def _jit_promise_vals(self, channel):
        return purchase_events.promise_vals(self, channel)
