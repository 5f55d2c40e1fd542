# Copyright 2026 JIT Replenishment Suite
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import logging

from odoo import Command, api, fields, models
from odoo.exceptions import UserError
from odoo.http import request
from odoo.tools import SQL

from ..services.pg import is_concurrency_error

_logger = logging.getLogger(__name__)

API_PATHS = ("/xmlrpc", "/jsonrpc", "/json/")
# Confirmation channels that are the vendor's own answer (the mail's
# acknowledgement link and the token link land in the portal).
JIT_VENDOR_CHANNELS = ("portal", "api")


class PurchaseOrder(models.Model):
    _inherit = "purchase.order"

    # Orders handled per cron call.
    _jit_followup_batch = 200

    jit_managed = fields.Boolean(
        string="JIT Order",
        readonly=True,
        copy=False,
        index=True,
        help="Created for a JIT reordering rule (or re-issued from one): sent, "
        "reminded and re-issued to backup vendors automatically.",
    )
    jit_rfq_sent_at = fields.Datetime(string="RFQ Sent", readonly=True, copy=False)
    jit_confirmation_deadline = fields.Datetime(
        string="Confirm Before", readonly=True, copy=False
    )
    jit_reminder_sent_at = fields.Datetime(
        string="Reminder Sent", readonly=True, copy=False
    )
    jit_vendor_state = fields.Selection(
        [
            ("pending", "Awaiting Vendor"),
            ("confirmed", "Confirmed"),
            ("rejected", "Rejected by Vendor"),
        ],
        string="Vendor Status",
        readonly=True,
        copy=False,
    )
    jit_confirmed_at = fields.Datetime(string="Confirmed At", readonly=True, copy=False)
    jit_confirmation_channel = fields.Selection(
        [
            ("buyer", "Buyer"),
            ("portal", "Portal"),
            ("api", "API"),
            ("auto", "Automatic"),
        ],
        string="Confirmed Through",
        readonly=True,
        copy=False,
    )
    jit_rejected_at = fields.Datetime(string="Rejected At", readonly=True, copy=False)
    jit_rejection_reason = fields.Char(
        string="Rejection Reason", readonly=True, copy=False
    )
    # What the buyer reads on the JIT tab (not stored).
    jit_vendor_answer = fields.Char(
        string="Vendor Response",
        compute="_compute_jit_answer",
        help="The vendor's own answer (portal, link in the mail, API); empty "
        "when the order was confirmed without one.",
    )
    jit_confirmation_note = fields.Char(
        string="Confirmation",
        compute="_compute_jit_answer",
        help="Who confirmed the order: the vendor, the buyer, or the scheduler "
        "for a trusted vendor.",
    )
    jit_original_order_id = fields.Many2one(
        "purchase.order",
        string="Re-issued From",
        readonly=True,
        copy=False,
        index="btree_not_null",
    )
    jit_replacement_order_id = fields.Many2one(
        "purchase.order",
        string="Re-issued As",
        readonly=True,
        copy=False,
        index="btree_not_null",
    )
    jit_fallback_reason = fields.Selection(
        [("timeout", "Not confirmed in time"), ("rejected", "Rejected by vendor")],
        readonly=True,
        copy=False,
    )
    jit_fallback_at = fields.Datetime(string="Re-issued At", readonly=True, copy=False)
    jit_send_blocked = fields.Char(
        string="Not Sent Automatically",
        readonly=True,
        copy=False,
        help="Why the scheduler did not (or could not) mail this RFQ; the buyer "
        "has an activity and sends it by hand.",
    )
    jit_reminder_due_at = fields.Datetime(
        string="Reminder Due", readonly=True, copy=False
    )
    jit_fallback_exhausted = fields.Boolean(
        string="No Backup Left",
        readonly=True,
        copy=False,
        help="The vendor did not confirm and no backup vendor is left; the "
        "buyer has an activity.",
    )
    jit_event_ids = fields.One2many("jit.purchase.event", "order_id", string="History")

    # ------------------------------------------------------------------
    # events
    # ------------------------------------------------------------------
    def write(self, vals):
        to_sent = self.browse()
        if vals.get("state") == "sent":
            to_sent = self.filtered(lambda o: o.state == "draft")
        res = super().write(vals)
        if to_sent:
            to_sent._jit_mark_sent()
        return res

    def _jit_mark_sent(self):
        """An RFQ went to the vendor: start the confirmation clock."""
        now = fields.Datetime.now()
        events = []
        for order in self:
            vals = {"jit_rfq_sent_at": now}
            if order.jit_managed:
                company = order.company_id
                vendor = order.partner_id._jit_vendor().with_company(company)
                deadline = company._jit_add_working_hours(
                    now, vendor.jit_confirmation_hours
                )
                vals.update(
                    jit_confirmation_deadline=deadline,
                    jit_reminder_due_at=company._jit_add_working_hours(
                        deadline, -vendor.jit_reminder_hours
                    ),
                    jit_vendor_state="pending",
                )
            order.write(vals)
            events.append(order._jit_event_vals("sent", channel="system"))
        self.env["jit.purchase.event"]._record(events)

    def _jit_event_vals(self, event_type, **vals):
        # Who acted: the request's user (the portal runs Odoo's controllers
        # as superuser on the vendor's behalf), else the environment's.
        user = request.env.user if request else self.env.user
        return {
            "order_id": self.id,
            "partner_id": self.partner_id._jit_vendor().id,
            "company_id": self.company_id.id,
            "event_type": event_type,
            "user_id": user.id,
            **vals,
        }

    def _jit_channel(self):
        """Where a confirmation comes from: the context says so when the
        caller knows (portal, scheduler); a web-client request is the buyer's;
        without an HTTP request (Odoo hides it while serving XML-RPC and
        JSON-RPC, and scripts have none) it is the external API."""
        channel = self.env.context.get("jit_channel")
        if channel:
            return channel
        if not request:
            return "api"
        path = request.httprequest.path
        if path.startswith(API_PATHS):
            return "api"
        if path.startswith("/my/"):
            return "portal"
        return "buyer"

    def _jit_vendor_channel(self):
        """The channel of a change to this order if the vendor made it (a
        promise), else False: the portal, the API called by one of the
        vendor's own users, or a buyer who explicitly records what the vendor
        promised (context jit_vendor_promise). A buyer's own change is not."""
        self.ensure_one()
        if self.env.context.get("jit_vendor_promise"):
            return "buyer"
        channel = self._jit_channel()
        if channel == "portal":
            return channel
        vendor = self.partner_id._jit_vendor()
        if channel == "api" and self.env.user.partner_id._jit_vendor() == vendor:
            return channel
        return False

    def _jit_lock(self):
        """Lock the orders' rows until the end of the transaction, then
        re-read them: a concurrent fallback or confirmation is seen."""
        if not self:
            return
        self.flush_recordset()
        self.env.cr.execute(
            SQL(
                "SELECT id FROM purchase_order WHERE id = ANY(%s) "
                "ORDER BY id FOR UPDATE",
                list(self.ids),
            )
        )
        self.invalidate_recordset()

    def _jit_check_not_reissued(self):
        reissued = self.filtered("jit_replacement_order_id")
        if reissued:
            order = reissued[0]
            raise UserError(
                self.env._(
                    "Order %(order)s can no longer be confirmed: it was re-issued "
                    "to %(vendor)s as %(new)s on %(date)s (%(reason)s).",
                    order=order.name,
                    vendor=order.jit_replacement_order_id.partner_id.display_name,
                    new=order.jit_replacement_order_id.name,
                    date=order.jit_fallback_at,
                    reason=order._jit_reason_label(order.jit_fallback_reason),
                )
            )

    def _jit_reason_label(self, reason):
        """The translated label of a fallback reason code."""
        return dict(
            self._fields["jit_fallback_reason"]._description_selection(self.env)
        ).get(reason, reason or "")

    @api.depends("jit_vendor_state", "jit_confirmation_channel")
    def _compute_jit_answer(self):
        notes = {
            "portal": self.env._("Confirmed by vendor, in the portal"),
            "api": self.env._("Confirmed by vendor, through the API"),
            "buyer": self.env._("Confirmed by buyer"),
            "auto": self.env._("Confirmed automatically (trusted vendor)"),
        }
        for order in self:
            state = order.jit_vendor_state
            by_vendor = order.jit_confirmation_channel in JIT_VENDOR_CHANNELS
            order.jit_confirmation_note = (
                state == "confirmed" and notes.get(order.jit_confirmation_channel)
            ) or False
            order.jit_vendor_answer = {
                "pending": self.env._("Awaiting vendor"),
                "rejected": self.env._("Rejected by vendor"),
                "confirmed": by_vendor and self.env._("Confirmed by vendor"),
            }.get(state) or False

    def button_confirm(self):
        self._jit_lock()
        self._jit_check_not_reissued()
        channel = self._jit_channel()
        pending = self.filtered(lambda o: o.state in ("draft", "sent"))
        res = super().button_confirm()
        pending.filtered(
            lambda o: o.state in ("to approve", "purchase", "done")
        )._jit_record_confirmation(channel)
        return res

    def _jit_record_confirmation(self, channel):
        now = fields.Datetime.now()
        # An RFQ the vendor already accepted keeps its acceptance (time and
        # channel): the buyer's confirmation of the order is not the vendor's.
        first = self.filtered(lambda o: o.jit_vendor_state != "confirmed")
        first.write(
            {
                "jit_vendor_state": "confirmed",
                "jit_confirmed_at": now,
                "jit_confirmation_channel": channel,
            }
        )
        events = []
        for order in self:
            events.append(order._jit_event_vals("confirmed", channel=channel))
            for line in order.order_line.filtered(lambda ln: not ln.display_type):
                events.append(line._jit_promise_vals(channel))
        self.order_line.filtered(lambda ln: not ln.display_type)._jit_set_promise()
        self.env["jit.purchase.event"]._record(events)

    def action_jit_vendor_reject(self, reason=""):
        """The vendor declines the RFQ (portal or API): recorded, and the
        fallback job re-issues it to the next backup vendor."""
        self._jit_lock()
        self._jit_check_not_reissued()
        confirmed = self.filtered(lambda o: o.state in ("purchase", "done"))
        if confirmed:
            raise UserError(
                self.env._(
                    "Order %(order)s is already confirmed and cannot be rejected.",
                    order=confirmed[0].name,
                )
            )
        now = fields.Datetime.now()
        channel = self._jit_channel()
        self.write(
            {
                "jit_vendor_state": "rejected",
                "jit_rejected_at": now,
                "jit_rejection_reason": reason or False,
            }
        )
        self.env["jit.purchase.event"]._record(
            [o._jit_event_vals("rejected", channel=channel, note=reason) for o in self]
        )
        self.env.ref("jit_replenishment.ir_cron_jit_fallback").sudo()._trigger()
        return True

    def _confirm_reception_mail(self):
        """Odoo's portal *Accept* on a sent JIT RFQ is the vendor's
        confirmation: the order is confirmed through the portal channel."""
        rfqs = self.filtered(
            lambda o: (
                o.jit_managed
                and o.state == "sent"
                and not o.mail_reception_confirmed
                and not o.jit_replacement_order_id
            )
        )
        res = super()._confirm_reception_mail()
        if rfqs:
            rfqs.with_context(jit_channel="portal").button_confirm()
        return res

    def _decline_reception_mail(self):
        """Odoo's portal *Decline* on a sent JIT RFQ is the vendor's rejection:
        the fallback job re-issues it to the next backup vendor."""
        rfqs = self.filtered(
            lambda o: (
                o.jit_managed
                and o.state == "sent"
                and not o.mail_reception_declined
                and o.jit_vendor_state == "pending"
            )
        )
        res = super()._decline_reception_mail()
        if rfqs:
            rfqs.with_context(jit_channel="portal").action_jit_vendor_reject()
        return res

    def action_jit_record_vendor_promise(self):
        """The buyer records what the vendor promised (by phone, by mail):
        the current dates and quantities of the confirmed lines that differ
        from the last promise become the vendor's new promise."""
        self.check_access("write")
        lines = self.filtered(
            lambda o: o.state in ("purchase", "done")
        ).order_line.filtered(
            lambda ln: (
                not ln.display_type
                and (
                    ln.jit_promised_date != ln.date_planned
                    or ln.jit_promised_qty != ln.product_qty
                )
            )
        )
        lines.with_context(jit_vendor_promise=True)._jit_record_promise()
        return {
            "type": "ir.actions.client",
            "tag": "display_notification",
            "params": {
                "type": "success" if lines else "info",
                "message": self.env._(
                    "%(count)s line(s) recorded as promised by the vendor.",
                    count=len(lines),
                ),
                "next": {"type": "ir.actions.act_window_close"},
            },
        }

    def action_jit_retry_send(self):
        """Hand the RFQs back to the sending job (after fixing what stopped
        it, e.g. the vendor's email address)."""
        self.check_access("write")
        self.filtered(lambda o: o.state == "draft").write({"jit_send_blocked": False})
        return True

    # ------------------------------------------------------------------
    # automated sending, reminders
    # ------------------------------------------------------------------
    def _jit_send_mail(self, template_xmlid, mark_sent=False):
        """Post a template on each order; recipients get it through the mail
        queue (never sent inline)."""
        template = self.env.ref(template_xmlid)
        ctx = {"mail_notify_force_send": False}
        if mark_sent:
            ctx["mark_rfq_as_sent"] = True
        for order in self:
            try:
                with self.env.cr.savepoint():
                    order._jit_post_template(template, ctx)
            except UserError as exc:
                # Typically no wkhtmltopdf to print the attached RFQ: the mail
                # still goes, with its portal link and without the PDF.
                _logger.warning(
                    "%s: %s mailed without attachment: %s",
                    order.name,
                    template.name,
                    exc,
                )
                self.env.invalidate_all()
                order._jit_post_template(template, ctx, attachment_ids=[])

    def _jit_post_template(self, template, ctx, **composer_values):
        self.with_context(**ctx).message_post_with_source(
            template,
            subtype_xmlid="mail.mt_comment",
            email_layout_xmlid="mail.mail_notification_layout_with_responsible_signature",
            **composer_values,
        )

    @api.model
    def _cron_jit_send_rfqs(self):
        """Send draft JIT RFQs to the vendors that take them by mail (the
        company's or the vendor's setting), then confirm them for trusted
        vendors (good standing, setting on); remind vendors whose deadline is
        near. One savepoint per order: an order that fails is logged on it
        (message and activity for the buyer) and the others go on.
        Idempotent: a sent order is no longer a draft, an order that could
        not be sent is marked, a reminded one has its reminder date."""
        size = self._jit_followup_batch
        drafts = self._jit_auto_send_drafts(limit=size + 1)
        more = len(drafts) > size
        sent = drafts[:size]._jit_auto_send()
        trusted = sent.filtered(
            lambda o: (
                (
                    vendor := o.partner_id._jit_vendor().with_company(o.company_id)
                ).jit_auto_confirm
                and vendor.jit_sla_standing == "good"
            )
        )
        for order in trusted:
            order._jit_guarded(
                order.with_context(jit_channel="auto").button_confirm,
                self.env._("Automatic confirmation failed"),
            )
        reminded = self._jit_send_reminders()
        self.env["ir.cron"]._notify_progress(
            done=len(sent) + len(reminded), remaining=int(more)
        )
        return sent

    @api.model
    def _jit_auto_send_drafts(self, domain=(), limit=None):
        """Draft JIT RFQs the scheduler mails (oldest first): of a company that
        sends to every vendor, or of a vendor that opted in. The setting is in
        the query, so drafts left to the buyer never fill a batch."""
        base = [
            ("jit_managed", "=", True),
            ("state", "=", "draft"),
            ("jit_send_blocked", "=", False),
            *domain,
        ]
        orders = self.browse()
        for company in self.env["res.company"].sudo().search([]):
            if limit is not None and len(orders) >= limit:
                break
            company_domain = [*base, ("company_id", "=", company.id)]
            if not company.jit_rfq_auto_send:
                company_domain.append(
                    ("partner_id.commercial_partner_id.jit_rfq_auto_send", "=", True)
                )
            orders |= self.with_company(company).search(
                company_domain,
                limit=None if limit is None else limit - len(orders),
                order="id",
            )
        return orders.with_env(self.env)

    def _jit_auto_send(self):
        """Mail these RFQs (one savepoint each) and return those sent. An RFQ
        whose vendor has no email address is left unsent, marked, with an
        activity for the buyer."""
        template = "jit_replenishment.mail_template_jit_rfq"
        unreachable = self.filtered(lambda o: not o.partner_id.email)
        for order in unreachable:
            reason = self.env._(
                "%(vendor)s has no email address: the RFQ was not sent.",
                vendor=order.partner_id.display_name,
            )
            order.jit_send_blocked = reason
            order._jit_notify_buyer(self.env._("Send the RFQ by hand"), reason)
        sent = self.browse()
        for order in self - unreachable:
            if order._jit_guarded(
                lambda o=order: o._jit_send_mail(template, mark_sent=True),
                self.env._("Sending the RFQ failed"),
                block_sending=True,
            ):
                sent |= order
        return sent

    def _jit_guarded(self, call, summary, block_sending=False):
        """Run `call` in a savepoint; on a data error, log it on the order
        (message and activity for the buyer) and return False. Concurrency
        errors propagate: the job is retried as a whole."""
        self.ensure_one()
        try:
            with self.env.cr.savepoint():
                call()
            return True
        except Exception as exc:  # noqa: BLE001 - logged on the order
            if is_concurrency_error(exc):
                raise
            self.env.invalidate_all()
            _logger.warning("JIT: %s on %s: %s", summary, self.name, exc)
            error = f"{type(exc).__name__}: {exc}"[:500]
            if block_sending:
                self.jit_send_blocked = error
            self._jit_notify_buyer(
                summary,
                self.env._("%(what)s: %(error)s", what=summary, error=error),
            )
            return False

    def _jit_notify_buyer(self, summary, note):
        """A note on the order and an activity for its buyer (else the admin)."""
        self.ensure_one()
        self.message_post(body=note, subtype_xmlid="mail.mt_note")
        self.activity_schedule(
            "mail.mail_activity_data_todo",
            user_id=(self.user_id or self.env.ref("base.user_admin")).id,
            summary=summary,
            note=note,
        )

    def _jit_send_reminders(self):
        now = fields.Datetime.now()
        due = self.search(
            [
                ("jit_managed", "=", True),
                ("state", "=", "sent"),
                ("jit_vendor_state", "=", "pending"),
                ("jit_reminder_sent_at", "=", False),
                ("jit_confirmation_deadline", ">", now),
                ("jit_reminder_due_at", "<=", now),
            ],
            limit=self._jit_followup_batch,
            order="id",
        )
        for order in due:
            order._jit_guarded(
                lambda o=order: o._jit_send_mail(
                    "jit_replenishment.mail_template_jit_reminder"
                ),
                self.env._("Sending the reminder failed"),
            )
        due.write({"jit_reminder_sent_at": now})
        self.env["jit.purchase.event"]._record(
            [o._jit_event_vals("reminder", channel="system") for o in due]
        )
        return due

    # ------------------------------------------------------------------
    # fallback to backup vendors
    # ------------------------------------------------------------------
    @api.model
    def _cron_jit_fallback(self, batch_size=None):
        """Re-issue sent JIT RFQs that their vendor rejected or did not confirm
        by the deadline. Rows are locked (SKIP LOCKED): two jobs at once, or a
        confirmation racing the deadline, never yield two replacements."""
        batch_size = batch_size or self._jit_followup_batch
        now = fields.Datetime.now()
        self.flush_model()
        self.env.cr.execute(
            SQL(
                """
                SELECT id FROM purchase_order
                 WHERE jit_managed
                   AND state IN ('draft', 'sent')
                   AND jit_replacement_order_id IS NULL
                   AND NOT COALESCE(jit_fallback_exhausted, FALSE)
                   AND (jit_vendor_state = 'rejected'
                        OR (jit_vendor_state = 'pending'
                            AND jit_confirmation_deadline < %s))
                 ORDER BY id
                 LIMIT %s
                   FOR UPDATE SKIP LOCKED
                """,
                now,
                batch_size,
            )
        )
        orders = self.browse([row[0] for row in self.env.cr.fetchall()])
        done = self.browse()
        for order in orders:
            try:
                with self.env.cr.savepoint():
                    order._jit_reissue()
                    done |= order
            except Exception as exc:  # noqa: BLE001 - logged, the others go on
                if is_concurrency_error(exc):
                    raise
                _logger.exception("JIT fallback of %s failed", order.name)
        # A full batch may leave more orders due; failed ones are retried at
        # the next scheduled run, not in a loop now.
        self.env["ir.cron"]._notify_progress(
            done=len(done), remaining=int(len(orders) == batch_size)
        )
        return done

    def _jit_tried_vendors(self):
        vendors = self.env["res.partner"]
        order = self
        while order:
            vendors |= order.partner_id.commercial_partner_id
            order = order.jit_original_order_id
        return vendors

    def _jit_next_vendor(self):
        """The next backup vendor, as product.supplierinfo's _jit_choose_lines
        picks it for each product line (vendors already tried in this chain
        excluded, need date of the earliest line): the vendor chosen for the
        first line that has valid lines for every product of the order.
        Returns the vendor price line chosen for the first line (its partner
        is the new vendor), or an empty recordset."""
        self.ensure_one()
        lines = self.order_line.filtered(
            lambda ln: ln.product_id and not ln.display_type
        )
        Supplierinfo = self.env["product.supplierinfo"]
        if not lines:
            return Supplierinfo
        today = fields.Date.context_today(self)
        need = min(lines.mapped("date_planned")).date()
        tried = self._jit_tried_vendors().ids
        args = {
            "products": [ln.product_id.id for ln in lines],
            "companies": self.company_id.id,
            "day": max(need, today),
            "forced": [ln.orderpoint_id.supplier_id.id or 0 for ln in lines],
            "quantity": [ln.product_uom_qty for ln in lines],
            "need_days": (need - today).days,
            "exclude": tried,
        }
        first = Supplierinfo._jit_choose_lines(**args)
        if not first["line"].all():
            return Supplierinfo
        for line_id in dict.fromkeys(first["line"].tolist()):
            vendor = Supplierinfo.browse(line_id).partner_id.commercial_partner_id
            same = Supplierinfo._jit_choose_lines(**args, only=vendor.ids)
            if same["line"].all():
                return Supplierinfo.browse(int(same["line"][0]))
        return Supplierinfo

    def _jit_reissue(self):
        self.ensure_one()
        reason = "rejected" if self.jit_vendor_state == "rejected" else "timeout"
        label = self._jit_reason_label(reason)
        vendor = self._jit_next_vendor().partner_id
        now = fields.Datetime.now()
        if not vendor:
            super().write({"jit_fallback_exhausted": True})
            self.activity_schedule(
                "mail.mail_activity_data_todo",
                user_id=(self.user_id or self.env.ref("base.user_admin")).id,
                summary=self.env._("No backup vendor left"),
                note=self.env._(
                    "%(vendor)s did not confirm %(order)s (%(reason)s) and no other "
                    "vendor can supply all its products. Nothing was cancelled.",
                    vendor=self.partner_id.display_name,
                    order=self.name,
                    reason=label,
                ),
            )
            return self.browse()
        new = self._jit_replacement(vendor, now)
        self.button_cancel()
        super().write(
            {
                "jit_replacement_order_id": new.id,
                "jit_fallback_reason": reason,
                "jit_fallback_at": now,
            }
        )
        self.env["jit.purchase.event"]._record(
            [
                self._jit_event_vals(
                    "fallback",
                    channel="system",
                    note=self.env._(
                        "%(reason)s, re-issued as %(new)s", reason=label, new=new.name
                    ),
                )
            ]
        )
        self.message_post(
            body=self.env._(
                "Re-issued to %(vendor)s as %(new)s: %(reason)s.",
                vendor=vendor.display_name,
                new=new._get_html_link(),
                reason=label,
            ),
            subtype_xmlid="mail.mt_note",
        )
        new.message_post(
            body=self.env._(
                "Re-issued from %(old)s of %(vendor)s: %(reason)s.",
                old=self._get_html_link(),
                vendor=self.partner_id.display_name,
                reason=label,
            ),
            subtype_xmlid="mail.mt_note",
        )
        # The withdrawn vendor and the buyer are told; the new vendor gets
        # the RFQ (now, or by the sending job if it does not take it by mail).
        self._jit_send_mail("jit_replenishment.mail_template_jit_withdrawn")
        self._jit_send_template_to_buyer()
        new._jit_auto_send_drafts([("id", "=", new.id)])._jit_auto_send()
        return new

    def _jit_replacement(self, vendor, now):
        """The replacement RFQ for `vendor`, made as a buyer picking that
        vendor in the form would make it: currency, payment terms, fiscal
        position and buyer from the vendor (the form's onchange), taxes
        mapped by that fiscal position and prices, discounts, descriptions
        and planned dates from the vendor's price lines (the lines' computes).
        Kept from the withdrawn RFQ: quantities, units, the JIT rules and
        destination moves, delivery address, operation type, group, origin."""
        draft = self.new(
            {
                "partner_id": vendor.id,
                "company_id": self.company_id.id,
                "user_id": self.user_id.id,
                "date_order": now,
            }
        )
        draft.onchange_partner_id()
        lines = []
        for line in self.order_line:
            if line.display_type:
                vals = {"display_type": line.display_type, "name": line.name}
            else:
                vals = {
                    "product_id": line.product_id.id,
                    "product_qty": line.product_qty,
                    "product_uom": line.product_uom.id,
                    "orderpoint_id": line.orderpoint_id.id,
                    "move_dest_ids": [Command.set(line.move_dest_ids.ids)],
                    "propagate_cancel": line.propagate_cancel,
                    "analytic_distribution": line.analytic_distribution,
                }
            lines.append(Command.create({"sequence": line.sequence, **vals}))
        new = self.create(
            {
                "partner_id": vendor.id,
                "company_id": self.company_id.id,
                "currency_id": draft.currency_id.id,
                "payment_term_id": draft.payment_term_id.id,
                "fiscal_position_id": draft.fiscal_position_id.id,
                "user_id": draft.user_id.id,
                "picking_type_id": self.picking_type_id.id,
                "dest_address_id": self.dest_address_id.id,
                "group_id": self.group_id.id,
                "origin": self.origin,
                "date_order": now,
                "jit_managed": True,
                "jit_original_order_id": self.id,
                "order_line": lines,
            }
        )
        products = new.order_line.filtered("product_id")
        products._compute_tax_id()
        products._compute_price_unit_and_date_planned_and_name()
        return new

    def _jit_send_template_to_buyer(self):
        template = self.env.ref("jit_replenishment.mail_template_jit_fallback_buyer")
        for order in self.filtered("user_id"):
            template.send_mail(order.id, force_send=False)


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
            self.filtered(
                lambda ln: (
                    ln.jit_promised_date
                    and (
                        ln.jit_promised_date != ln.date_planned
                        or ln.jit_promised_qty != ln.product_qty
                    )
                )
            )._jit_record_promise()
        return res

    def _jit_record_promise(self):
        """Record the lines' current date and quantity as the vendor's new
        promise, for the orders whose change comes from a vendor channel."""
        events = []
        promised = self.browse()
        for order in self.order_id:
            channel = order._jit_vendor_channel()
            if channel:
                lines = self.filtered(lambda ln, o=order: ln.order_id == o)
                events += [line._jit_promise_vals(channel) for line in lines]
                promised |= lines
        if promised:
            self.env["jit.purchase.event"]._record(events)
            promised._jit_set_promise()

    def _jit_set_promise(self):
        for line in self:
            line.write(
                {
                    "jit_promised_date": line.date_planned,
                    "jit_promised_qty": line.product_qty,
                }
            )

    def _jit_promise_vals(self, channel):
        return self.order_id._jit_event_vals(
            "promise",
            channel=channel,
            line_id=self.id,
            product_id=self.product_id.id,
            original_date=self.jit_original_date or self.date_planned,
            promised_date=self.date_planned,
            promised_qty=self.product_qty,
        )
