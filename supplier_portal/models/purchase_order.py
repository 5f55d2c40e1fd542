# Copyright 2026 JIT Replenishment Suite
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import api, fields, models
from odoo.exceptions import UserError
from odoo.http import request

from ..services import answers, split, validation
from .purchase_order_line import TOKEN_CHANNEL


class PurchaseOrder(models.Model):
    _inherit = "purchase.order"

    # Bounds of a vendor's answer.
    _vendor_max_qty_factor = 10
    _vendor_max_days_ahead = 365
    _vendor_max_text = 2000

    jit_confirmation_channel = fields.Selection(
        selection_add=[(TOKEN_CHANNEL, "Token Link")],
        ondelete={TOKEN_CHANNEL: "set null"},
    )
    vendor_split_from_id = fields.Many2one(
        "purchase.order",
        string="Split From",
        readonly=True,
        copy=False,
        index="btree_not_null",
        help="The vendor's order these lines left when the vendor confirmed "
        "the others: the only order number the vendor knows.",
    )
    vendor_to_review = fields.Boolean(
        string="Counter-proposals to Review",
        compute="_compute_vendor_to_review",
        help="The vendor proposed other quantities or dates beyond the "
        "accepted changes: accept or decline them.",
    )

    @api.depends("order_line.vendor_answer")
    def _compute_vendor_to_review(self):
        for order in self:
            order.vendor_to_review = "proposed" in order.order_line.mapped(
                "vendor_answer"
            )

    @api.model
    def _vendor_listed_domain(self):
        """Orders the vendor's portal lists and home counters show: not the
        parts split off its orders (services/split.py), which are the buyer's
        bookkeeping under a number the vendor never received."""
        return [("vendor_split_from_id", "=", False)]

    @api.model
    def _vendor_waiting_domain(self):
        """Orders waiting for the vendor's answer (portal filter and counter):
        sent, not re-issued nor rejected, with a line not answered yet."""
        return [
            ("state", "=", "sent"),
            ("jit_replacement_order_id", "=", False),
            ("jit_vendor_state", "!=", "rejected"),
            ("order_line.vendor_answer", "=", "pending"),
        ]

    # ------------------------------------------------------------------
    # buyer's buttons
    # ------------------------------------------------------------------
    def action_vendor_proposals_accept(self):
        return self.order_line.filtered(
            lambda ln: ln.vendor_answer == "proposed"
        ).action_vendor_proposal_accept()

    def action_vendor_proposals_decline(self):
        return self.order_line.filtered(
            lambda ln: ln.vendor_answer == "proposed"
        ).action_vendor_proposal_decline()

    # ------------------------------------------------------------------
    # public API of the vendor (XML-RPC / JSON-RPC, by its portal user)
    # ------------------------------------------------------------------
    def vendor_confirm(self, line_ids=None):
        """Confirm the given lines (default: every line waiting for an answer)
        as they are ordered. Returns the order's answer status."""
        order = self._vendor_api_order()
        return order._vendor_answer(order._vendor_bulk(line_ids, "confirm"), "api")

    def vendor_reject(self, reason, line_ids=None):
        """Reject the given lines (default: every line waiting for an answer),
        with a reason. Returns the order's answer status."""
        order = self._vendor_api_order()
        return order._vendor_answer(
            order._vendor_bulk(line_ids, "reject", reason=reason), "api"
        )

    def vendor_counter_propose(self, line_id, quantity=None, date=None, comment=None):
        """Propose another quantity and/or date (YYYY-MM-DD) for one line.
        Returns the order's answer status."""
        order = self._vendor_api_order()
        return order._vendor_answer(
            [
                {
                    "line_id": line_id,
                    "answer": "propose",
                    "quantity": quantity,
                    "date": date,
                    "comment": comment,
                }
            ],
            "api",
        )

    def vendor_answer(self, answers):
        """Several answers at once, all or nothing: a list of dicts with
        line_id, answer (confirm / reject / propose), and quantity, date,
        comment, reason as they apply."""
        return self._vendor_api_order()._vendor_answer(answers, "api")

    def vendor_answer_status(self):
        """Where the order and each of its lines stand."""
        return self._vendor_api_order()._vendor_answer_summary()

    def _vendor_api_order(self):
        if len(self) != 1:
            raise UserError(
                self.env._(
                    "Answer one order at a time, got %(count)s.", count=len(self)
                )
            )
        # Record rules decide: a vendor reaches its own orders only.
        self.check_access("read")
        # Writes below are the whitelisted answers; the user stays the vendor.
        return self.sudo()

    def _vendor_bulk(self, line_ids, kind, **extra):
        if line_ids is None or line_ids is False:
            lines = self._vendor_pending_lines()
            if not lines:
                # A closed or re-issued order says why first.
                self._vendor_check_answerable()
                raise UserError(
                    self.env._(
                        "Order %(order)s has no line waiting for your answer.",
                        order=self.name,
                    )
                )
            line_ids = lines.ids
        if not isinstance(line_ids, (list, tuple)):
            raise UserError(
                self.env._("Line ids must be a list, got %(value)r.", value=line_ids)
            )
        return [{"line_id": lid, "answer": kind, **extra} for lid in line_ids]

    # ------------------------------------------------------------------
    # the vendor's answers (portal and API)
    # ------------------------------------------------------------------
    def _vendor_pending_lines(self):
        return self.order_line.filtered(
            lambda ln: not ln.display_type and ln.vendor_answer == "pending"
        )

    def _vendor_state_label(self):
        self.ensure_one()
        if self.state == "draft":
            return self.env._("not sent yet")
        if self.state == "cancel":
            return self.env._("cancelled")
        return self.env._("already confirmed")

    def _vendor_answer(self, answers_, channel, token_link=False):
        """Validate every answer, then apply them all (or none): the order's
        row is locked first, so a fallback running at the same time either
        happened before (refused) or waits."""
        self.ensure_one()
        self._jit_lock()
        self._vendor_check_answerable()
        parsed = self._vendor_parse_answers(answers_)
        self._vendor_apply(parsed, channel, token_link)
        self._vendor_answer_complete(channel)
        return self._vendor_answer_summary()

    def _vendor_check_answerable(self):
        self._jit_check_not_reissued()
        if self.state != "sent":
            raise UserError(
                self.env._(
                    "Order %(order)s is %(state)s: it can no longer be answered.",
                    order=self.name,
                    state=self._vendor_state_label(),
                )
            )
        if self.jit_vendor_state == "rejected":
            raise UserError(
                self.env._(
                    "Order %(order)s was rejected on %(date)s: it can no longer "
                    "be answered.",
                    order=self.name,
                    date=self.jit_rejected_at,
                )
            )

    def _vendor_parse_answers(self, answers_):
        return validation.parse_answers(self, answers_)

    def _vendor_local_day(self, when):
        return validation.local_day(self, when)

    def _vendor_apply(self, parsed, channel, token_link):
        answers.apply(self, parsed, channel, token_link)

    def _vendor_answer_complete(self, channel):
        answers.complete(self, channel)

    def _vendor_ask_buyer(self):
        answers.ask_buyer(self)

    def _vendor_after_buyer_answer(self, accepted=None, declined=None):
        answers.after_buyer_answer(self, accepted or [], declined or [])

    def _vendor_last_channel(self):
        self.ensure_one()
        return answers.last_channel(self)

    def _vendor_answer_summary(self):
        self.ensure_one()
        return answers.summary(self)

    def _vendor_split(self, lines):
        """Move `lines` to a new order of this vendor (see services.split)."""
        self.ensure_one()
        return split.split_off(self, lines)

    def _jit_send_mail(self, template_xmlid, mark_sent=False):
        """The fallback's "request withdrawn" mail never goes out for a part
        split off an order: the vendor never saw that order's number. The
        vendor is told on its own order which of its lines went elsewhere
        (see services.split)."""
        parts = self.filtered("vendor_split_from_id")
        if template_xmlid == split.WITHDRAWN_TEMPLATE and parts:
            split.tell_lines_withdrawn(parts)
            return super(PurchaseOrder, self - parts)._jit_send_mail(
                template_xmlid, mark_sent
            )
        return super()._jit_send_mail(template_xmlid, mark_sent)

    # ------------------------------------------------------------------
    # the request's channel, Odoo's own portal routes
    # ------------------------------------------------------------------
    def _vendor_request_channel(self):
        """The channel of the current portal request on this order: "portal"
        for a user who may read it (signed in), "token" for the RFQ mail's
        access link (public user, or a user who reaches it only by token)."""
        self.ensure_one()
        # The request's user: Odoo's portal routes run as superuser.
        order = self.with_user(request.env.user if request else self.env.user)
        if order.env.user._is_public() or not order.has_access("read"):
            return TOKEN_CHANNEL
        return "portal"

    def _jit_vendor_channel(self):
        # The access link is a vendor channel too (jit_replenishment knows
        # the signed-in portal and the API).
        if self.env.context.get("jit_channel") == TOKEN_CHANNEL:
            return TOKEN_CHANNEL
        return super()._jit_vendor_channel()

    def _vendor_awaits_line_answers(self):
        """JIT RFQs whose vendor answers line by line on the portal: Odoo's
        Accept/Decline stand for "every pending line" there."""
        return self.filtered(
            lambda o: (
                o.jit_managed
                and o.state == "sent"
                and not o.jit_replacement_order_id
                and o.jit_vendor_state != "rejected"
                and o._vendor_pending_lines()
            )
        )

    def _confirm_reception_mail(self):
        """Odoo's *Accept* (an old link: the page shows the per-line answers
        instead) on a JIT RFQ confirms every line still waiting."""
        for order in self._vendor_awaits_line_answers():
            order._vendor_answer_all("confirm")
        return super()._confirm_reception_mail()

    def _decline_reception_mail(self):
        """Odoo's *Decline* (an old link) on a JIT RFQ rejects every line
        still waiting."""
        for order in self._vendor_awaits_line_answers():
            order._vendor_answer_all(
                "reject",
                reason=order.env._("Declined with the portal's Decline button"),
            )
        return super()._decline_reception_mail()

    def _vendor_answer_all(self, kind, **extra):
        """Every pending line answered `kind`, through the request's channel."""
        channel = self._vendor_request_channel()
        return self._vendor_answer(
            self._vendor_bulk(None, kind, **extra),
            channel,
            token_link=channel == TOKEN_CHANNEL,
        )

    def _vendor_date_updates_open(self):
        """Whether Odoo's per-line date update is accepted on this order (its
        portal page shows the date pickers only then)."""
        self.ensure_one()
        return validation.date_updates_open(self)

    def _vendor_date_updates(self, dates):
        """Odoo's per-line date update, validated: [(line, datetime)]."""
        self.ensure_one()
        self._jit_lock()
        return validation.date_updates(self, dates)

    # ------------------------------------------------------------------
    # fallback: what the vendor confirmed stays with it
    # ------------------------------------------------------------------
    def _jit_reissue(self):
        """The fallback re-issues only the lines the vendor did not confirm:
        with some lines confirmed, the others are split off and re-issued,
        and the order is confirmed for the confirmed ones."""
        self.ensure_one()
        lines = self.order_line.filtered(lambda ln: not ln.display_type)
        confirmed = lines.filtered(lambda ln: ln.vendor_answer == "confirmed")
        if not confirmed or confirmed == lines:
            return super()._jit_reissue()
        return split.reissue_unconfirmed(self, lambda part: part._jit_reissue())
