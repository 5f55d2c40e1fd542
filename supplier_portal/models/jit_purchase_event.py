# Copyright 2026 JIT Replenishment Suite
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import fields, models

from .purchase_order_line import TOKEN_CHANNEL


class JitPurchaseEvent(models.Model):
    _inherit = "jit.purchase.event"

    # Answers through the RFQ mail's access link, without an account.
    channel = fields.Selection(
        selection_add=[(TOKEN_CHANNEL, "Token Link")],
        ondelete={TOKEN_CHANNEL: "set null"},
    )
    # Per-line answers of the vendor and of the buyer (the order-level
    # "confirmed" / "rejected" events stay jit_replenishment's).
    event_type = fields.Selection(
        selection_add=[
            ("line_confirmed", "Line Confirmed by Vendor"),
            ("line_rejected", "Line Rejected by Vendor"),
            ("proposal", "Counter-proposal"),
            ("proposal_accepted", "Counter-proposal Accepted"),
            ("proposal_declined", "Counter-proposal Declined"),
        ],
        ondelete={
            "line_confirmed": "cascade",
            "line_rejected": "cascade",
            "proposal": "cascade",
            "proposal_accepted": "cascade",
            "proposal_declined": "cascade",
        },
    )
