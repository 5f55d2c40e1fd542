# Copyright 2026 JIT Replenishment Suite
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import api, fields, models
from odoo.exceptions import ValidationError

EVENT_TYPES = [
    ("sent", "RFQ Sent"),
    ("reminder", "Reminder Sent"),
    ("confirmed", "Confirmed"),
    ("rejected", "Rejected"),
    ("promise", "Promise"),
    ("received", "Received"),
    ("fallback", "Re-issued to Backup"),
]
CHANNELS = [
    ("buyer", "Buyer"),
    ("portal", "Portal"),
    ("api", "API"),
    ("auto", "Automatic"),
    ("system", "Scheduler"),
]


class JitPurchaseEvent(models.Model):
    """Append-only history of a purchase: what happened, when, through which
    channel. Dates are never overwritten: a new promise is a new event."""

    _name = "jit.purchase.event"
    _description = "JIT Purchase Event"
    _order = "date desc, id desc"

    order_id = fields.Many2one(
        "purchase.order", required=True, ondelete="cascade", index=True
    )
    line_id = fields.Many2one("purchase.order.line", ondelete="cascade", index=True)
    partner_id = fields.Many2one(
        "res.partner", string="Vendor", index=True, readonly=True
    )
    company_id = fields.Many2one("res.company", readonly=True, index=True)
    product_id = fields.Many2one("product.product", readonly=True)
    event_type = fields.Selection(EVENT_TYPES, required=True, readonly=True)
    channel = fields.Selection(CHANNELS, readonly=True)
    date = fields.Datetime(required=True, readonly=True, default=fields.Datetime.now)
    user_id = fields.Many2one("res.users", readonly=True, default=lambda s: s.env.user)
    original_date = fields.Datetime(
        readonly=True, help="The line's planned date when the RFQ was created."
    )
    promised_date = fields.Datetime(readonly=True)
    promised_qty = fields.Float(readonly=True, digits="Product Unit of Measure")
    actual_date = fields.Datetime(readonly=True)
    actual_qty = fields.Float(readonly=True, digits="Product Unit of Measure")
    note = fields.Char(readonly=True)

    @api.model
    def _record(self, vals_list):
        """Create events in one call (system records, whoever triggers them)."""
        return self.sudo().create(vals_list) if vals_list else self.browse()

    def write(self, vals):
        # History is append-only; only the ORM's own bookkeeping may write.
        if set(vals) - {"write_date", "write_uid"}:
            raise ValidationError(
                self.env._("Purchase events are history and cannot be changed.")
            )
        return super().write(vals)
