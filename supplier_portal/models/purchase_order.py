# Copyright 2026 JIT Replenishment Suite
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import math
from datetime import date, datetime, timedelta

from markupsafe import Markup
from pytz import UTC

from odoo import api, fields, models
from odoo.exceptions import UserError
from odoo.tools import float_compare

from ..services.tolerance import within_tolerance

ANSWER_KINDS = ("confirm", "reject", "propose")
# The only keys an answer may carry: anything else is refused.
ANSWER_KEYS = {"line_id", "answer", "quantity", "date", "comment", "reason"}


class PurchaseOrder(models.Model):
    _inherit = "purchase.order"

    # Bounds of a vendor's answer.
    _vendor_max_qty_factor = 10
    _vendor_max_days_ahead = 365
    _vendor_max_text = 2000

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

    def _vendor_answer(self, answers, channel, token_link=False):
        """Validate every answer, then apply them all (or none): the order's
        row is locked first, so a fallback running at the same time either
        happened before (refused) or waits."""
        self.ensure_one()
        self._jit_lock()
        self._vendor_check_answerable()
        parsed = self._vendor_parse_answers(answers)
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

    def _vendor_parse_answers(self, answers):
        if not isinstance(answers, (list, tuple)) or not answers:
            raise UserError(
                self.env._("No answer given, got %(value)r.", value=answers)
            )
        lines = {
            ln.id: ln for ln in self.order_line.filtered(lambda ln: not ln.display_type)
        }
        parsed = []
        seen = set()
        for answer in answers:
            if not isinstance(answer, dict):
                raise UserError(
                    self.env._("An answer must be a dict, got %(value)r.", value=answer)
                )
            unknown = set(answer) - ANSWER_KEYS
            if unknown:
                raise UserError(
                    self.env._(
                        "Unknown field(s) in an answer: %(fields)s (allowed: "
                        "%(allowed)s).",
                        fields=", ".join(sorted(map(str, unknown))),
                        allowed=", ".join(sorted(ANSWER_KEYS)),
                    )
                )
            line = lines.get(self._vendor_parse_id(answer.get("line_id")))
            if not line:
                raise UserError(
                    self.env._(
                        "Line %(line)s is not a line of order %(order)s.",
                        line=answer.get("line_id"),
                        order=self.name,
                    )
                )
            if line.id in seen:
                raise UserError(
                    self.env._(
                        "Line %(line)s (%(product)s) is answered twice.",
                        line=line.id,
                        product=line.product_id.display_name,
                    )
                )
            seen.add(line.id)
            kind = answer.get("answer")
            if kind not in ANSWER_KINDS:
                raise UserError(
                    self.env._(
                        "%(product)s: answer %(value)r is not one of confirm, "
                        "reject, propose.",
                        product=line.product_id.display_name,
                        value=kind,
                    )
                )
            if line.vendor_answer != "pending":
                raise UserError(
                    self.env._(
                        "%(product)s is already answered (%(state)s).",
                        product=line.product_id.display_name,
                        state=dict(
                            line._fields["vendor_answer"]._description_selection(
                                self.env
                            )
                        )[line.vendor_answer],
                    )
                )
            values = {
                "comment": self._vendor_parse_text(
                    line, self.env._("comment"), answer.get("comment")
                )
            }
            if kind == "reject":
                values["reason"] = self._vendor_parse_text(
                    line, self.env._("reason"), answer.get("reason")
                )
                if not values["reason"]:
                    raise UserError(
                        self.env._(
                            "%(product)s: give a reason to reject it.",
                            product=line.product_id.display_name,
                        )
                    )
            elif kind == "propose":
                values.update(self._vendor_parse_proposal(line, answer))
            parsed.append((line, kind, values))
        return parsed

    def _vendor_parse_id(self, value):
        if isinstance(value, int) and not isinstance(value, bool):
            return value
        if isinstance(value, str) and value.strip().isdigit():
            return int(value)
        return None

    def _vendor_parse_text(self, line, label, value):
        if value is None or value is False:
            return ""
        if not isinstance(value, str):
            raise UserError(
                self.env._(
                    "%(product)s: the %(field)s must be text, got %(value)r.",
                    product=line.product_id.display_name,
                    field=label,
                    value=value,
                )
            )
        value = value.strip()
        if len(value) > self._vendor_max_text:
            raise UserError(
                self.env._(
                    "%(product)s: the %(field)s is too long (%(length)s "
                    "characters, at most %(max)s).",
                    product=line.product_id.display_name,
                    field=label,
                    length=len(value),
                    max=self._vendor_max_text,
                )
            )
        return value

    def _vendor_parse_proposal(self, line, answer):
        product = line.product_id.display_name
        qty = self._vendor_parse_qty(line, answer.get("quantity"))
        day = self._vendor_parse_day(line, answer.get("date"))
        planned_day = self._vendor_local_day(line.date_planned)
        same_qty = qty is None or not float_compare(
            qty, line.product_qty, precision_rounding=line.product_uom.rounding
        )
        if same_qty and (day is None or day == planned_day):
            raise UserError(
                self.env._(
                    "%(product)s: the proposal keeps the ordered quantity "
                    "(%(qty)s) and date (%(date)s); confirm the line instead.",
                    product=product,
                    qty=line.product_qty,
                    date=planned_day,
                )
            )
        return {
            "quantity": line.product_qty if qty is None else qty,
            "day": planned_day if day is None else day,
            "planned_day": planned_day,
        }

    def _vendor_parse_qty(self, line, value):
        product = line.product_id.display_name
        if value is None or value is False or value == "":
            return None
        qty = None
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            qty = float(value)
        elif isinstance(value, str):
            try:
                qty = float(value.strip())
            except ValueError:
                qty = None
        if qty is None or not math.isfinite(qty):
            raise UserError(
                self.env._(
                    "%(product)s: quantity %(value)r is not a number.",
                    product=product,
                    value=value,
                )
            )
        if qty <= 0:
            raise UserError(
                self.env._(
                    "%(product)s: quantity %(value)s must be more than zero "
                    "(to deliver nothing, reject the line).",
                    product=product,
                    value=value,
                )
            )
        limit = self._vendor_max_qty_factor * line.product_qty
        if qty > limit:
            raise UserError(
                self.env._(
                    "%(product)s: quantity %(value)s is more than %(factor)s times "
                    "the ordered %(ordered)s.",
                    product=product,
                    value=value,
                    factor=self._vendor_max_qty_factor,
                    ordered=line.product_qty,
                )
            )
        return qty

    def _vendor_parse_day(self, line, value):
        product = line.product_id.display_name
        if value is None or value is False or value == "":
            return None
        day = None
        if isinstance(value, str):
            try:
                day = datetime.strptime(value.strip(), "%Y-%m-%d").date()
            except ValueError:
                day = None
        elif isinstance(value, date) and not isinstance(value, datetime):
            day = value
        if day is None:
            raise UserError(
                self.env._(
                    "%(product)s: date %(value)r is not a date (YYYY-MM-DD).",
                    product=product,
                    value=value,
                )
            )
        today = fields.Date.context_today(self)
        if day < today:
            raise UserError(
                self.env._(
                    "%(product)s: date %(value)s is in the past (today is %(today)s).",
                    product=product,
                    value=day,
                    today=today,
                )
            )
        latest = today + timedelta(days=self._vendor_max_days_ahead)
        if day > latest:
            raise UserError(
                self.env._(
                    "%(product)s: date %(value)s is more than a year ahead (at "
                    "most %(latest)s).",
                    product=product,
                    value=day,
                    latest=latest,
                )
            )
        return day

    def _vendor_local_day(self, when):
        """The day of a UTC datetime in the order's time zone (the one the
        portal's dates are entered in)."""
        return UTC.localize(when).astimezone(self.get_order_timezone()).date()

    def _vendor_apply(self, parsed, channel, token_link):
        now = fields.Datetime.now()
        vendor = self.partner_id.commercial_partner_id.with_company(self.company_id)
        events = []
        summary = []
        for line, kind, values in parsed:
            common = {
                "vendor_answer_channel": channel,
                "vendor_answered_at": now,
                "vendor_comment": values["comment"] or False,
                "buyer_answer": False,
                "buyer_answered_at": False,
            }
            product = line.product_id.display_name
            if kind == "confirm":
                line.write({**common, "vendor_answer": "confirmed"})
                events.append(
                    line._vendor_event_vals(
                        "line_confirmed", channel, note=values["comment"]
                    )
                )
                summary.append(self.env._("%(product)s: confirmed", product=product))
                continue
            if kind == "reject":
                line.write(
                    {
                        **common,
                        "vendor_answer": "rejected",
                        "vendor_reject_reason": values["reason"],
                    }
                )
                events.append(
                    line._vendor_event_vals(
                        "line_rejected", channel, note=values["reason"]
                    )
                )
                summary.append(
                    self.env._(
                        "%(product)s: rejected (%(reason)s)",
                        product=product,
                        reason=values["reason"],
                    )
                )
                continue
            qty = values["quantity"]
            when = (
                line.date_planned
                if values["day"] == values["planned_day"]
                else line._convert_to_middle_of_day(values["day"])
            )
            line.write(
                {
                    **common,
                    "vendor_answer": "proposed",
                    "vendor_proposed_qty": qty,
                    "vendor_proposed_date": when,
                }
            )
            events.append(
                line._vendor_event_vals(
                    "proposal", channel, qty=qty, date=when, note=values["comment"]
                )
            )
            summary.append(
                self.env._(
                    "%(product)s: proposes %(qty)s on %(date)s",
                    product=product,
                    qty=qty,
                    date=values["day"],
                )
            )
            if within_tolerance(
                line.product_qty,
                qty,
                values["planned_day"],
                values["day"],
                vendor.vendor_qty_tolerance,
                vendor.vendor_days_tolerance,
            ):
                # Both written at once: the quantity alone would recompute
                # the planned date from the vendor's lead time.
                line.write(
                    {
                        "product_qty": qty,
                        "date_planned": when,
                        "vendor_answer": "confirmed",
                        "buyer_answer": "auto",
                        "buyer_answered_at": now,
                    }
                )
                events.append(
                    line._vendor_event_vals("proposal_accepted", "auto", qty=qty)
                )
                summary[-1] += self.env._(" (within tolerance: accepted)")
        self.env["jit.purchase.event"]._record(events)
        self._vendor_post(summary, token_link)

    def _vendor_post(self, summary, token_link):
        """The answers in the chatter, for the buyer (HTML-escaped)."""
        user = self.env.user
        author = self.partner_id if user._is_public() else user.partner_id
        title = (
            self.env._("Vendor answer (access link):")
            if token_link
            else self.env._("Vendor answer:")
        )
        body = Markup("<p>%s</p><ul>%s</ul>") % (
            title,
            Markup().join(Markup("<li>%s</li>") % item for item in summary),
        )
        self.message_post(body=body, author_id=author.id, subtype_xmlid="mail.mt_note")

    def _vendor_answer_complete(self, channel):
        """Once every line is answered: all confirmed confirms the order (its
        own path: events, SLA, locks), all rejected rejects it (the fallback
        re-issues it); proposals to review or a mix go to the buyer."""
        answers = set(
            self.order_line.filtered(lambda ln: not ln.display_type).mapped(
                "vendor_answer"
            )
        )
        if "proposed" in answers:
            self._vendor_ask_buyer()
        elif "pending" in answers or not answers:
            return
        elif answers == {"confirmed"}:
            self.with_context(jit_channel=channel).button_confirm()
        elif answers == {"rejected"}:
            reasons = self.order_line.filtered("vendor_reject_reason").mapped(
                "vendor_reject_reason"
            )
            self.with_context(jit_channel=channel).action_jit_vendor_reject(
                "; ".join(dict.fromkeys(reasons))
            )
        else:
            self._vendor_ask_buyer()

    def _vendor_ask_buyer(self):
        """One open activity per order for the buyer, whatever the answers."""
        activity_type = self.env.ref("supplier_portal.mail_activity_type_vendor_answer")
        if self.activity_ids.filtered(lambda a: a.activity_type_id == activity_type):
            return
        self.activity_schedule(
            "supplier_portal.mail_activity_type_vendor_answer",
            user_id=(self.user_id or self.env.ref("base.user_admin")).id,
            summary=self.env._("Review the vendor's answer"),
            note=self.env._(
                "%(vendor)s answered %(order)s with counter-proposals or "
                "rejected lines: accept or decline the proposals on the order "
                "lines, or settle the rejected lines.",
                vendor=self.partner_id.display_name,
                order=self.name,
            ),
        )

    def _vendor_after_buyer_answer(self, accepted=None, declined=None):
        for order in self:
            items = []
            for line in accepted or []:
                if line.order_id == order:
                    items.append(
                        order.env._(
                            "%(product)s: your proposal (%(qty)s) is accepted.",
                            product=line.product_id.display_name,
                            qty=line.vendor_proposed_qty,
                        )
                    )
            for line in declined or []:
                if line.order_id == order:
                    items.append(
                        order.env._(
                            "%(product)s: your proposal (%(qty)s) is declined; "
                            "please confirm the line as ordered, reject it or "
                            "propose again.",
                            product=line.product_id.display_name,
                            qty=line.vendor_proposed_qty,
                        )
                    )
            # A comment: the vendor reads it on the order's portal page.
            order.message_post(
                body=Markup("<ul>%s</ul>")
                % Markup().join(Markup("<li>%s</li>") % item for item in items),
                subtype_xmlid="mail.mt_comment",
            )
            if not order.vendor_to_review:
                order.activity_feedback(
                    ["supplier_portal.mail_activity_type_vendor_answer"]
                )
            answered = order.order_line.filtered("vendor_answered_at")
            channel = (
                max(
                    answered, key=lambda ln: ln.vendor_answered_at
                ).vendor_answer_channel
                if answered
                else "buyer"
            )
            order._vendor_answer_complete(channel)

    def _vendor_answer_summary(self):
        self.ensure_one()
        return {
            "order": self.name,
            "state": self.state,
            "vendor_state": self.jit_vendor_state or False,
            "lines": [
                {
                    "id": line.id,
                    "product": line.product_id.display_name,
                    "answer": line.vendor_answer,
                    "buyer_answer": line.buyer_answer or False,
                    "quantity": line.product_qty,
                    "date_planned": fields.Datetime.to_string(line.date_planned),
                }
                for line in self.order_line.filtered(lambda ln: not ln.display_type)
            ],
        }
