# Copyright 2026 JIT Replenishment Suite
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import fields, models
from odoo.exceptions import UserError

from odoo.addons.jit_replenishment.models.jit_purchase_event import CHANNELS

# The RFQ mail's access link, without an account (next to jit_replenishment's
# "portal" for a signed-in vendor and "api").
TOKEN_CHANNEL = "token"
ANSWER_CHANNELS = [*CHANNELS, (TOKEN_CHANNEL, "Token Link")]
VENDOR_ANSWERS = [
    ("pending", "Awaiting Vendor"),
    ("confirmed", "Confirmed"),
    ("proposed", "Counter-proposal to Review"),
    ("rejected", "Rejected"),
]
BUYER_ANSWERS = [
    ("auto", "Accepted (within tolerance)"),
    ("accepted", "Accepted by Buyer"),
    ("declined", "Declined by Buyer"),
]


class PurchaseOrderLine(models.Model):
    _inherit = "purchase.order.line"

    vendor_answer = fields.Selection(
        VENDOR_ANSWERS,
        string="Vendor Answer",
        default="pending",
        readonly=True,
        copy=False,
        help="The vendor's answer to this line, from the portal or the API.",
    )
    vendor_answer_channel = fields.Selection(
        ANSWER_CHANNELS, string="Answered Through", readonly=True, copy=False
    )
    vendor_answered_at = fields.Datetime(
        string="Answered At", readonly=True, copy=False
    )
    vendor_proposed_qty = fields.Float(
        string="Proposed Qty",
        readonly=True,
        copy=False,
        digits="Product Unit of Measure",
    )
    vendor_proposed_date = fields.Datetime(
        string="Proposed Date", readonly=True, copy=False
    )
    vendor_comment = fields.Text(string="Vendor Comment", readonly=True, copy=False)
    vendor_reject_reason = fields.Text(
        string="Rejection Reason", readonly=True, copy=False
    )
    buyer_answer = fields.Selection(
        BUYER_ANSWERS,
        string="Answer to Proposal",
        readonly=True,
        copy=False,
    )
    buyer_answered_at = fields.Datetime(
        string="Proposal Answered At", readonly=True, copy=False
    )

    # ------------------------------------------------------------------
    # buyer's answers to counter-proposals
    # ------------------------------------------------------------------
    def action_vendor_proposal_accept(self):
        """The buyer takes the vendor's proposed quantity and date."""
        lines = self._vendor_proposals_to_answer()
        now = fields.Datetime.now()
        events = []
        for line in lines:
            line.write(
                {
                    "product_qty": line.vendor_proposed_qty,
                    "date_planned": line.vendor_proposed_date,
                    "vendor_answer": "confirmed",
                    "buyer_answer": "accepted",
                    "buyer_answered_at": now,
                }
            )
            events.append(line._vendor_event_vals("proposal_accepted", "buyer"))
        self.env["jit.purchase.event"]._record(events)
        lines.order_id._vendor_after_buyer_answer(accepted=lines)
        return True

    def action_vendor_proposal_decline(self):
        """The buyer keeps the ordered quantity and date: the line waits for
        the vendor again, who sees the decline on the portal."""
        lines = self._vendor_proposals_to_answer()
        lines.write(
            {
                "vendor_answer": "pending",
                "buyer_answer": "declined",
                "buyer_answered_at": fields.Datetime.now(),
            }
        )
        self.env["jit.purchase.event"]._record(
            [
                line._vendor_event_vals(
                    "proposal_declined",
                    "buyer",
                    qty=line.vendor_proposed_qty,
                    date=line.vendor_proposed_date,
                )
                for line in lines
            ]
        )
        lines.order_id._vendor_after_buyer_answer(declined=lines)
        return True

    def _vendor_proposals_to_answer(self):
        # Buyers only: portal users have no write access to order lines.
        self.check_access("write")
        orders = self.order_id
        orders._jit_lock()
        orders._jit_check_not_reissued()
        closed = orders.filtered(lambda o: o.state not in ("draft", "sent"))
        if closed:
            raise UserError(
                self.env._(
                    "Order %(order)s is %(state)s: its counter-proposals can no "
                    "longer be answered.",
                    order=closed[0].name,
                    state=closed[0]._vendor_state_label(),
                )
            )
        lines = self.filtered(lambda ln: ln.vendor_answer == "proposed")
        if not lines:
            raise UserError(
                self.env._(
                    "No counter-proposal to answer on %(lines)s.",
                    lines=", ".join(self.mapped("product_id.display_name")),
                )
            )
        return lines

    def _vendor_event_vals(self, event_type, channel, qty=None, date=None, note=None):
        """An answer as a purchase event: the quantity and date it is about
        (the line's own unless a proposal says otherwise)."""
        self.ensure_one()
        return self.order_id._jit_event_vals(
            event_type,
            channel=channel,
            line_id=self.id,
            product_id=self.product_id.id,
            original_date=self.jit_original_date or self.date_planned,
            promised_date=date or self.date_planned,
            promised_qty=qty if qty is not None else self.product_qty,
            note=note or False,
        )
