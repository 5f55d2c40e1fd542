# Copyright 2026 JIT Replenishment Suite
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import api, fields, models

from ..services import fallback, notify, purchase_events, rfq_sending

# Confirmation channels that are the vendor's own answer: the portal (also
# Odoo's acknowledgement link), the API, the RFQ mail's token link
# (supplier_portal).
JIT_VENDOR_CHANNELS = ("portal", "api", "token")


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
    # CRUD and Odoo overrides
    # ------------------------------------------------------------------
    def write(self, vals):
        to_sent = self.browse()
        if vals.get("state") == "sent":
            to_sent = self.filtered(lambda o: o.state == "draft")
        res = super().write(vals)
        if to_sent:
            to_sent._jit_mark_sent()
        return res

    @api.depends("jit_vendor_state", "jit_confirmation_channel")
    def _compute_jit_answer(self):
        notes = {
            "portal": self.env._("Confirmed by vendor, in the portal"),
            "api": self.env._("Confirmed by vendor, through the API"),
            "token": self.env._("Confirmed by vendor, through the link in the mail"),
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

    # ------------------------------------------------------------------
    # actions
    # ------------------------------------------------------------------
    def action_jit_vendor_reject(self, reason=""):
        """The vendor declines the RFQ (portal or API): recorded, and the
        fallback job re-issues it to the next backup vendor."""
        purchase_events.reject(self, reason)
        return True

    def action_jit_record_vendor_promise(self):
        """The buyer records what the vendor promised (by phone, by mail):
        the current dates and quantities of the confirmed lines that differ
        from the last promise become the vendor's new promise."""
        self.check_access("write")
        lines = purchase_events.lines_off_promise(
            self.filtered(
                lambda o: o.state in ("purchase", "done")
            ).order_line.filtered(lambda ln: not ln.display_type)
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
    # history and vendor answers (services/purchase_events.py)
    # ------------------------------------------------------------------
    def _jit_event_vals(self, event_type, **vals):
        return purchase_events.event_vals(self, event_type, **vals)

    def _jit_channel(self):
        """Where a confirmation comes from (buyer, portal, api, auto)."""
        return purchase_events.channel(self.env)

    def _jit_vendor_channel(self):
        """The channel of a change if the vendor made it (a promise), else False."""
        return purchase_events.vendor_channel(self)

    def _jit_record_confirmation(self, channel):
        purchase_events.record_confirmation(self, channel)

    # ------------------------------------------------------------------
    # sending and reminders (services/rfq_sending.py, services/notify.py)
    # ------------------------------------------------------------------
    @api.model
    def _cron_jit_send_rfqs(self):
        """Send draft JIT RFQs to the vendors that take them by mail, confirm
        them for trusted vendors, remind vendors whose deadline is near. One
        savepoint per order; idempotent."""
        return rfq_sending.run_cron(self)

    @api.model
    def _jit_auto_send_drafts(self, domain=(), limit=None):
        return rfq_sending.auto_send_drafts(self, domain, limit)

    def _jit_auto_send(self):
        return rfq_sending.auto_send(self)

    def _jit_mark_sent(self):
        """An RFQ went to the vendor: start the confirmation clock."""
        rfq_sending.mark_sent(self)

    def _jit_send_reminders(self):
        return rfq_sending.send_reminders(self)

    def _jit_send_mail(self, template_xmlid, mark_sent=False):
        notify.send_mail(self, template_xmlid, mark_sent)

    def _jit_post_template(self, template, ctx, **composer_values):
        notify.post_template(self, template, ctx, **composer_values)

    def _jit_guarded(self, call, summary, block_sending=False):
        return notify.guarded(self, call, summary, block_sending)

    def _jit_notify_buyer(self, summary, note):
        notify.notify_buyer(self, summary, note)

    def _jit_send_template_to_buyer(self):
        notify.send_template_to_buyer(self)

    # ------------------------------------------------------------------
    # fallback to backup vendors (services/fallback.py)
    # ------------------------------------------------------------------
    @api.model
    def _cron_jit_fallback(self, batch_size=None):
        """Re-issue sent JIT RFQs that their vendor rejected or did not
        confirm by the deadline (rows locked, one savepoint each)."""
        return fallback.run_cron(self, batch_size)

    def _jit_lock(self):
        fallback.lock(self)

    def _jit_check_not_reissued(self):
        fallback.check_not_reissued(self)

    def _jit_reason_label(self, reason):
        return fallback.reason_label(self, reason)

    def _jit_tried_vendors(self):
        return fallback.tried_vendors(self)

    def _jit_next_vendor(self):
        return fallback.next_vendor(self)

    def _jit_reissue(self):
        return fallback.reissue(self)

    def _jit_replacement(self, vendor, now):
        return fallback.replacement(self, vendor, now)

    def _jit_write_fallback(self, vals):
        """Write the fallback bookkeeping without this module's write hook."""
        return super().write(vals)
