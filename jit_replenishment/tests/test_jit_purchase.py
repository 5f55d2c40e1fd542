# Copyright 2026 JIT Replenishment Suite
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from datetime import datetime, timedelta
from unittest.mock import patch

from freezegun import freeze_time
from psycopg2 import errors as pg_errors

from odoo import Command
from odoo.exceptions import UserError
from odoo.tests import HttpCase, new_test_user, tagged

from ..services.pg import is_concurrency_error
from .common import NOW, JitCase


class JitPurchaseCase(JitCase):
    """A product with a primary and two backup vendors, and its JIT rule."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.buyer = cls.env["res.users"].create(
            {
                "name": "JIT Buyer",
                "login": "jit_buyer",
                "email": "buyer@example.com",
                "groups_id": [
                    Command.set(
                        [
                            cls.env.ref("purchase.group_purchase_manager").id,
                            cls.env.ref("stock.group_stock_user").id,
                        ]
                    )
                ],
            }
        )
        cls.vendor.email = "primary@example.com"
        cls.backup = cls.env["res.partner"].create(
            {"name": "JIT Backup", "email": "backup@example.com"}
        )
        cls.backup2 = cls.env["res.partner"].create(
            {"name": "JIT Backup 2", "email": "backup2@example.com"}
        )
        # Deadlines count working hours of the company's schedule; without a
        # schedule they are calendar hours, which these tests count in
        # (test_deadline_counts_working_hours gives the company one).
        cls.company.resource_calendar_id = False
        # Automatic sending is opt-in: these vendors opted in.
        for vendor in cls.vendor | cls.backup | cls.backup2:
            vendor.with_company(cls.company).jit_rfq_auto_send = True
        cls.product.seller_ids.sequence = 1
        cls.env["product.supplierinfo"].create(
            [
                {
                    "partner_id": cls.backup.id,
                    "product_tmpl_id": cls.product.product_tmpl_id.id,
                    "sequence": 2,
                    "delay": 3,
                    "price": 11.0,
                },
                {
                    "partner_id": cls.backup2.id,
                    "product_tmpl_id": cls.product.product_tmpl_id.id,
                    "sequence": 3,
                    "delay": 2,
                    "price": 12.0,
                },
            ]
        )

    def _jit_po(self, vendor=None, qty=10.0):
        """A draft JIT RFQ for self.product (line linked to the JIT rule)."""
        order = self.env["purchase.order"].create(
            {
                "partner_id": (vendor or self.vendor).id,
                "user_id": self.buyer.id,
                "order_line": [
                    Command.create(
                        {
                            "product_id": self.product.id,
                            "product_qty": qty,
                            "orderpoint_id": self.orderpoint.id,
                            "date_planned": NOW + timedelta(days=7),
                        }
                    )
                ],
            }
        )
        self.assertTrue(order.jit_managed)
        return order

    def _send(self, order):
        order._jit_send_mail("jit_replenishment.mail_template_jit_rfq", mark_sent=True)
        self.assertEqual(order.state, "sent")

    def _queued(self, order, template_xmlid):
        """Mails queued (state outgoing) on the order from one template."""
        template = self.env.ref(template_xmlid)
        messages = self.env["mail.message"].search(
            [("model", "=", "purchase.order"), ("res_id", "=", order.id)]
        )
        subject = template._render_field("subject", order.ids)[order.id]
        return self.env["mail.mail"].search(
            [
                "|",
                ("mail_message_id", "in", messages.ids),
                "&",
                ("model", "=", "purchase.order"),
                ("res_id", "=", order.id),
                ("subject", "=", subject),
            ]
        )


@tagged("post_install", "-at_install")
@freeze_time(NOW)
class TestJitPurchaseEvents(JitPurchaseCase):
    def test_sent_confirmed_promised_received_history(self):
        order = self._jit_po()
        line = order.order_line
        original = line.date_planned
        self.assertEqual(line.jit_original_date, original)
        self._send(order)
        self.assertEqual(order.jit_rfq_sent_at, NOW)
        # Default vendor deadline: 48 hours after sending.
        self.assertEqual(order.jit_confirmation_deadline, NOW + timedelta(hours=48))
        self.assertEqual(order.jit_vendor_state, "pending")
        with freeze_time(NOW + timedelta(hours=5)):
            order.button_confirm()
        self.assertEqual(order.state, "purchase")
        # Called outside any web request, as a script or the external API
        # would (the web client's request makes it "buyer").
        self.assertEqual(order.jit_confirmation_channel, "api")
        self.assertEqual(order.jit_confirmed_at, NOW + timedelta(hours=5))
        self.assertEqual(line.jit_promised_date, original)
        self.assertEqual(line.jit_promised_qty, 10)
        # The vendor promises a later date on the portal: a new promise,
        # history kept.
        later = original + timedelta(days=2)
        line.with_context(jit_channel="portal").date_planned = later
        self.assertEqual(line.jit_promised_date, later)
        self.assertEqual(line.jit_original_date, original)
        promises = order.jit_event_ids.filtered(lambda e: e.event_type == "promise")
        self.assertEqual(sorted(promises.mapped("promised_date")), [original, later])
        self.assertEqual(set(promises.mapped("original_date")), {original})
        # Receipt of 6 out of 10, two days later.
        with freeze_time(NOW + timedelta(days=2)):
            picking = order.picking_ids
            picking.move_ids.quantity = 6
            picking.move_ids.picked = True
            picking.with_context(cancel_backorder=False)._action_done()
        received = order.jit_event_ids.filtered(lambda e: e.event_type == "received")
        self.assertEqual(received.actual_qty, 6)
        self.assertEqual(received.actual_date, NOW + timedelta(days=2))
        self.assertEqual(received.promised_date, later)
        types = order.jit_event_ids.mapped("event_type")
        for event in ("sent", "confirmed", "promise", "received"):
            self.assertIn(event, types)

    def test_events_are_append_only(self):
        order = self._jit_po()
        self._send(order)
        with self.assertRaises(UserError):
            order.jit_event_ids[:1].write({"note": "rewrite history"})


@tagged("post_install", "-at_install")
@freeze_time(NOW)
class TestJitVendorChoice(JitPurchaseCase):
    def _procure(self):
        self._deliveries(self.product, [4, 0, 6, 2, 8, 0, 4, 6, 0, 10])
        self.orderpoint.trigger = "auto"
        self.orderpoint._jit_recompute()
        self.orderpoint._procure_orderpoint_confirm(company_id=self.company)
        return (
            self.env["purchase.order.line"]
            .search([("product_id", "=", self.product.id)])
            .order_id
        )

    def test_primary_vendor_by_rank(self):
        # Odoo alone would pick the cheapest; JIT takes the rank (sequence).
        self.product.seller_ids.filtered(
            lambda s: s.partner_id == self.vendor
        ).price = 99
        order = self._procure()
        self.assertEqual(order.partner_id, self.vendor)
        self.assertTrue(order.jit_managed)

    def test_blocked_vendor_is_skipped(self):
        self.vendor.with_company(self.company).jit_sla_standing = "blocked"
        order = self._procure()
        self.assertEqual(order.partner_id, self.backup)

    def test_next_vendor_that_can_deliver_in_time(self):
        # Primary blocked; a procurement of the rule needed in 5 days:
        # backup 1 needs 30 days, more than the need date allows; backup 2
        # (2 days) can deliver in time. (The rule's own procurement is planned
        # at its lead days, which use the line it computes with: backup 1.)
        self.vendor.with_company(self.company).jit_sla_standing = "blocked"
        self.product.seller_ids.filtered(
            lambda s: s.partner_id == self.backup
        ).delay = 30
        group = self.env["procurement.group"]
        group.run(
            [
                group.Procurement(
                    self.product,
                    10,
                    self.unit,
                    self.stock,
                    "JIT need",
                    "JIT need",
                    self.company,
                    {
                        "orderpoint_id": self.orderpoint,
                        "warehouse_id": self.warehouse,
                        "date_planned": NOW + timedelta(days=5),
                    },
                )
            ]
        )
        order = (
            self.env["purchase.order.line"]
            .search([("product_id", "=", self.product.id)])
            .order_id
        )
        self.assertEqual(order.partner_id, self.backup2)


@tagged("post_install", "-at_install")
@freeze_time(NOW)
class TestJitFallback(JitPurchaseCase):
    def test_timeout_reissues_to_backup(self):
        order = self._jit_po(qty=10)
        self._send(order)
        Order = self.env["purchase.order"]
        # Before the deadline nothing happens.
        with freeze_time(NOW + timedelta(hours=47)):
            self.assertFalse(Order._cron_jit_fallback())
        with freeze_time(NOW + timedelta(hours=49)):
            Order._cron_jit_fallback()
        self.assertEqual(order.state, "cancel")
        new = order.jit_replacement_order_id
        self.assertEqual(new.partner_id, self.backup)
        self.assertEqual(new.jit_original_order_id, order)
        self.assertEqual(order.jit_fallback_reason, "timeout")
        self.assertEqual(order.jit_fallback_at, NOW + timedelta(hours=49))
        self.assertEqual(new.order_line.product_id, self.product)
        self.assertEqual(new.order_line.product_qty, 10)
        self.assertEqual(new.order_line.price_unit, 11.0)
        self.assertEqual(new.order_line.orderpoint_id, self.orderpoint)
        self.assertTrue(new.jit_managed)
        # Mails: the withdrawn vendor, the buyer, the new vendor's RFQ.
        withdrawn = self._queued(order, "jit_replenishment.mail_template_jit_withdrawn")
        self.assertEqual(withdrawn.recipient_ids, self.vendor)
        buyer_mail = self.env["mail.mail"].search(
            [
                ("model", "=", "purchase.order"),
                ("res_id", "=", order.id),
                ("email_to", "ilike", "buyer@example.com"),
            ]
        )
        self.assertEqual(len(buyer_mail), 1)
        self.assertIn(new.name, buyer_mail.subject)
        rfq = self._queued(new, "jit_replenishment.mail_template_jit_rfq")
        self.assertEqual(rfq.recipient_ids, self.backup)
        self.assertEqual(set(rfq.mapped("state")), {"outgoing"})
        self.assertEqual(new.state, "sent")
        # A second run does not re-issue again.
        with freeze_time(NOW + timedelta(hours=50)):
            Order._cron_jit_fallback()
        self.assertEqual(
            Order.search_count([("jit_original_order_id", "=", order.id)]), 1
        )
        # The original vendor's late confirmation is refused, clearly.
        with self.assertRaises(UserError) as caught:
            order.button_confirm()
        self.assertIn(new.name, str(caught.exception))
        self.assertIn("re-issued", str(caught.exception))

    def test_rejection_reissues_to_backup(self):
        order = self._jit_po()
        self._send(order)
        order.with_context(jit_channel="portal").action_jit_vendor_reject(
            "No capacity this month"
        )
        self.assertEqual(order.jit_vendor_state, "rejected")
        rejected = order.jit_event_ids.filtered(lambda e: e.event_type == "rejected")
        self.assertEqual(rejected.channel, "portal")
        self.assertEqual(rejected.note, "No capacity this month")
        self.env["purchase.order"]._cron_jit_fallback()
        self.assertEqual(order.jit_fallback_reason, "rejected")
        self.assertEqual(order.jit_replacement_order_id.partner_id, self.backup)

    def test_chain_skips_tried_vendors(self):
        order = self._jit_po()
        self._send(order)
        order.action_jit_vendor_reject()
        self.env["purchase.order"]._cron_jit_fallback()
        second = order.jit_replacement_order_id
        second.action_jit_vendor_reject()
        self.env["purchase.order"]._cron_jit_fallback()
        self.assertEqual(second.jit_replacement_order_id.partner_id, self.backup2)

    def test_no_backup_left(self):
        self.product.seller_ids.filtered(lambda s: s.partner_id != self.vendor).unlink()
        order = self._jit_po()
        self._send(order)
        with freeze_time(NOW + timedelta(hours=49)):
            self.env["purchase.order"]._cron_jit_fallback()
            self.env["purchase.order"]._cron_jit_fallback()
        self.assertEqual(order.state, "sent", "nothing is cancelled")
        self.assertFalse(order.jit_replacement_order_id)
        self.assertTrue(order.jit_fallback_exhausted)
        activities = order.activity_ids
        self.assertEqual(len(activities), 1, "one activity, not one per run")
        self.assertEqual(activities.user_id, self.buyer)
        # The vendor may still confirm late: nothing was re-issued.
        order.button_confirm()
        self.assertEqual(order.state, "purchase")


@tagged("post_install", "-at_install")
@freeze_time(NOW)
class TestJitSending(JitPurchaseCase):
    def test_cron_sends_rfq_and_reminder_once(self):
        order = self._jit_po()
        Order = self.env["purchase.order"]
        Order._cron_jit_send_rfqs()
        self.assertEqual(order.state, "sent")
        rfq = self._queued(order, "jit_replenishment.mail_template_jit_rfq")
        self.assertEqual(len(rfq), 1)
        self.assertEqual(rfq.recipient_ids, self.vendor)
        self.assertTrue(rfq.attachment_ids, "the RFQ PDF is attached")
        # Deadline 48 h, reminder 12 h before: nothing at +35 h, one at +37 h.
        with freeze_time(NOW + timedelta(hours=35)):
            Order._cron_jit_send_rfqs()
        self.assertFalse(order.jit_reminder_sent_at)
        with freeze_time(NOW + timedelta(hours=37)):
            Order._cron_jit_send_rfqs()
            Order._cron_jit_send_rfqs()
        self.assertEqual(order.jit_reminder_sent_at, NOW + timedelta(hours=37))
        reminders = self._queued(order, "jit_replenishment.mail_template_jit_reminder")
        self.assertEqual(len(reminders), 1)

    def test_vendor_without_auto_send_is_left_to_the_buyer(self):
        self.vendor.with_company(self.company).jit_rfq_auto_send = False
        order = self._jit_po()
        self.env["purchase.order"]._cron_jit_send_rfqs()
        self.assertEqual(order.state, "draft")

    def test_auto_confirm_only_for_trusted_vendors(self):
        vendor = self.vendor.with_company(self.company)
        vendor.jit_auto_confirm = True
        vendor.jit_sla_standing = "watch"
        watched = self._jit_po()
        self.env["purchase.order"]._cron_jit_send_rfqs()
        self.assertEqual(watched.state, "sent")
        vendor.jit_sla_standing = "good"
        trusted = self._jit_po()
        self.env["purchase.order"]._cron_jit_send_rfqs()
        self.assertEqual(trusted.state, "purchase")
        self.assertEqual(trusted.jit_confirmation_channel, "auto")
        vendor.jit_auto_confirm = False
        untrusted = self._jit_po()
        self.env["purchase.order"]._cron_jit_send_rfqs()
        self.assertEqual(untrusted.state, "sent")

    def test_template_speaks_the_vendor_language(self):
        self.env["res.lang"]._activate_lang("fr_FR")
        self.vendor.lang = "fr_FR"
        template = self.env.ref("jit_replenishment.mail_template_jit_rfq")
        order = self._jit_po()
        self.assertEqual(template._render_lang(order.ids)[order.id], "fr_FR")


@tagged("post_install", "-at_install")
@freeze_time(NOW)
class TestJitVendorSignals(JitPurchaseCase):
    """Issue 9: only the vendor's own answers count, mails come from the
    buyer, automation is opt-in and never acts on a vendor it cannot reach."""

    # --- 9.2 promises ---
    def test_only_a_vendor_change_is_a_promise(self):
        order = self._jit_po()
        self._send(order)
        order.button_confirm()
        line = order.order_line
        agreed = line.date_planned

        def promises():
            return order.jit_event_ids.filtered(lambda e: e.event_type == "promise")

        self.assertEqual(len(promises()), 1, "the confirmed terms")
        # The buyer reschedules (web client, API or script): not a promise.
        buyer = line.with_user(self.buyer)
        buyer.date_planned = agreed + timedelta(days=3)
        buyer.with_context(jit_channel="buyer").date_planned = agreed + timedelta(4)
        self.assertEqual(len(promises()), 1)
        self.assertEqual(line.jit_promised_date, agreed)
        # The vendor through the portal: a promise.
        line.with_context(jit_channel="portal").date_planned = agreed + timedelta(5)
        self.assertEqual(line.jit_promised_date, agreed + timedelta(days=5))
        self.assertEqual(promises().sorted("id")[-1].channel, "portal")
        # The vendor's own user through the API: a promise.
        vendor_user = new_test_user(
            self.env,
            login="jit_vendor_api",
            groups="base.group_portal",
            partner_id=self.vendor.id,
        )
        line.with_user(vendor_user).sudo().date_planned = agreed + timedelta(days=6)
        self.assertEqual(line.jit_promised_date, agreed + timedelta(days=6))
        self.assertEqual(promises().sorted("id")[-1].channel, "api")
        # The buyer records what the vendor said on the phone.
        buyer.date_planned = agreed + timedelta(days=7)
        self.assertEqual(line.jit_promised_date, agreed + timedelta(days=6))
        order.with_user(self.buyer).action_jit_record_vendor_promise()
        self.assertEqual(line.jit_promised_date, agreed + timedelta(days=7))
        self.assertEqual(promises().sorted("id")[-1].channel, "buyer")
        self.assertEqual(len(promises()), 4)

    # --- 9.6 auto-send default, Odoo's portal buttons, working hours -------------
    def test_auto_send_is_opt_in(self):
        vendor = self.env["res.partner"].create(
            {"name": "New Vendor", "email": "new@example.com"}
        )
        self.assertFalse(vendor.with_company(self.company).jit_rfq_auto_send)
        order = self._jit_po(vendor)
        Order = self.env["purchase.order"]
        Order._cron_jit_send_rfqs()
        self.assertEqual(order.state, "draft")
        # The company opts in for every vendor.
        self.company.jit_rfq_auto_send = True
        Order._cron_jit_send_rfqs()
        self.assertEqual(order.state, "sent")

    def test_portal_accept_is_the_vendor_confirmation(self):
        order = self._jit_po()
        self._send(order)
        # Odoo's own Accept button on the portal (the controller runs it sudo).
        order.sudo()._confirm_reception_mail()
        self.assertTrue(order.mail_reception_confirmed)
        self.assertEqual(order.jit_vendor_state, "confirmed")
        self.assertEqual(order.jit_confirmation_channel, "portal")
        confirmed = order.jit_event_ids.filtered(lambda e: e.event_type == "confirmed")
        self.assertEqual(confirmed.channel, "portal")
        with freeze_time(NOW + timedelta(days=5)):
            self.env["purchase.order"]._cron_jit_fallback()
        self.assertNotEqual(order.state, "cancel")
        self.assertFalse(order.jit_replacement_order_id)

    def test_portal_decline_is_the_vendor_rejection(self):
        order = self._jit_po()
        self._send(order)
        order.sudo()._decline_reception_mail()
        self.assertTrue(order.mail_reception_declined)
        self.assertEqual(order.jit_vendor_state, "rejected")
        rejected = order.jit_event_ids.filtered(lambda e: e.event_type == "rejected")
        self.assertEqual(rejected.channel, "portal")
        self.env["purchase.order"]._cron_jit_fallback()
        self.assertEqual(order.jit_fallback_reason, "rejected")
        self.assertEqual(order.jit_replacement_order_id.partner_id, self.backup)

    def test_deadline_counts_working_hours(self):
        """Company schedule Mon-Fri 8-12 and 13-17 (UTC), deadline 24 hours.
        Sent Friday 2026-03-13 18:00: the 24 working hours are Monday,
        Tuesday and Wednesday -> deadline Wed 18 17:00. Calendar hours would
        cancel on Saturday 18:00 (and so on Sunday morning)."""
        self.company.resource_calendar_id = self.env["resource.calendar"].create(
            {"name": "JIT 40 hours UTC", "tz": "UTC"}
        )
        self.vendor.with_company(self.company).jit_confirmation_hours = 24
        order = self._jit_po()
        with freeze_time(datetime(2026, 3, 13, 18)):
            self._send(order)
        self.assertEqual(order.jit_confirmation_deadline, datetime(2026, 3, 18, 17))
        Order = self.env["purchase.order"]
        with freeze_time(datetime(2026, 3, 15, 9)):
            Order._cron_jit_fallback()
        self.assertEqual(order.state, "sent", "no cancellation on Sunday morning")
        with freeze_time(datetime(2026, 3, 18, 17, 30)):
            Order._cron_jit_fallback()
        self.assertEqual(order.state, "cancel")

    # --- 9.9 send job ---
    def test_manual_drafts_do_not_block_the_send_job(self):
        manual = self.env["res.partner"].create(
            {"name": "Manual Vendor", "email": "manual@example.com"}
        )
        drafts = [self._jit_po(manual) for _i in range(3)]
        auto = self._jit_po()
        with patch.object(type(auto), "_jit_followup_batch", 2):
            self.env["purchase.order"]._cron_jit_send_rfqs()
        self.assertEqual(auto.state, "sent")
        self.assertEqual({d.state for d in drafts}, {"draft"})

    def test_failing_order_is_logged_and_skipped(self):
        vendor = self.vendor.with_company(self.company)
        vendor.jit_auto_confirm = True
        vendor.jit_sla_standing = "good"
        failing, fine = self._jit_po(), self._jit_po()
        Order = type(failing)
        original = Order.button_confirm

        def button_confirm(orders):
            if failing in orders:
                raise UserError(orders.env._("Approval rules refuse this order"))
            return original(orders)

        with patch.object(Order, "button_confirm", button_confirm):
            self.env["purchase.order"]._cron_jit_send_rfqs()
        self.assertEqual(fine.state, "purchase")
        self.assertEqual(failing.state, "sent", "sent, not confirmed")
        self.assertIn("Approval rules refuse this order", failing.message_ids[0].body)
        self.assertEqual(failing.activity_ids.user_id, self.buyer)

    # --- 9.11 vendors without email ---
    def test_vendor_without_email_is_left_unsent(self):
        self.vendor.email = False
        order = self._jit_po()
        Order = self.env["purchase.order"]
        Order._cron_jit_send_rfqs()
        Order._cron_jit_send_rfqs()
        self.assertEqual(order.state, "draft")
        self.assertFalse(order.jit_rfq_sent_at)
        self.assertEqual(len(order.activity_ids), 1, "one activity, not one per run")
        self.assertEqual(order.activity_ids.user_id, self.buyer)
        self.assertIn("email", order.activity_ids.note)
        # Address fixed, the buyer hands the RFQ back to the job.
        self.vendor.email = "primary@example.com"
        order.with_user(self.buyer).action_jit_retry_send()
        Order._cron_jit_send_rfqs()
        self.assertEqual(order.state, "sent")

    # --- 9.12 sender ---
    def test_mails_go_out_from_the_buyer(self):
        order = self._jit_po()
        self.env["purchase.order"]._cron_jit_send_rfqs()
        rfq = self._queued(order, "jit_replenishment.mail_template_jit_rfq")
        self.assertIn("buyer@example.com", rfq.email_from)
        order.user_id = False
        self.company.email = "purchase@company.example.com"
        with freeze_time(NOW + timedelta(hours=49)):
            self.env["purchase.order"]._cron_jit_fallback()
        withdrawn = self._queued(order, "jit_replenishment.mail_template_jit_withdrawn")
        self.assertIn("purchase@company.example.com", withdrawn.email_from)

    # --- 9.13 translatable messages ---
    def test_chatter_speaks_words_not_codes(self):
        order = self._jit_po()
        self._send(order)
        with freeze_time(NOW + timedelta(hours=49)):
            self.env["purchase.order"]._cron_jit_fallback()
        new = order.jit_replacement_order_id
        for record in (order, new):
            body = record.message_ids.filtered(lambda m: "Re-issued" in m.body)[0].body
            self.assertIn("Not confirmed in time", body)
            self.assertNotIn("timeout", body)
        note = order.jit_event_ids.filtered(lambda e: e.event_type == "fallback").note
        self.assertNotIn("timeout", note)
        self.assertIn(new.name, note)


@tagged("post_install", "-at_install")
@freeze_time(NOW)
class TestJitConcurrencyErrorsPropagate(JitPurchaseCase):
    """9.10: the jobs isolate data errors, never concurrency errors (ir.cron
    retries those); one predicate decides for all of them."""

    def _serialization_failure(self, *args, **kwargs):
        raise pg_errors.SerializationFailure("could not serialize access")

    def test_predicate(self):
        for exc in (
            pg_errors.SerializationFailure(),
            pg_errors.DeadlockDetected(),
            pg_errors.LockNotAvailable(),
        ):
            self.assertTrue(is_concurrency_error(exc), exc)
        for exc in (ValueError(), UserError("x"), pg_errors.CheckViolation()):
            self.assertFalse(is_concurrency_error(exc), exc)

    def test_sla_job(self):
        self.env["jit.sla.contract"].create({"partner_id": self.vendor.id})
        Score = self.env["jit.sla.score"]
        with (
            patch.object(type(Score), "_sla_compute", self._serialization_failure),
            self.assertRaises(pg_errors.SerializationFailure),
        ):
            Score._cron_compute_sla()
        with (
            patch.object(
                type(Score),
                "_compute_measured_lead_times",
                self._serialization_failure,
            ),
            self.assertRaises(pg_errors.SerializationFailure),
        ):
            Score._cron_compute_sla()

    def test_fallback_job(self):
        order = self._jit_po()
        self._send(order)
        order.action_jit_vendor_reject()
        Order = self.env["purchase.order"]
        with (
            patch.object(type(Order), "_jit_reissue", self._serialization_failure),
            self.assertRaises(pg_errors.SerializationFailure),
        ):
            Order._cron_jit_fallback()

    def test_recompute(self):
        self._deliveries(self.product, [4, 0, 6, 2, 8, 0, 4, 6, 0, 10])
        Orderpoint = self.env["stock.warehouse.orderpoint"]
        calls = []

        def compute(rules, run):
            calls.append(len(rules))
            raise pg_errors.DeadlockDetected("deadlock detected")

        with (
            patch.object(type(Orderpoint), "_jit_compute", compute),
            self.assertRaises(pg_errors.DeadlockDetected),
        ):
            (
                self.orderpoint | self._orderpoint(self._product("Other"))
            )._jit_recompute()
        self.assertEqual(calls, [2], "no bisection, no retry inside the job")


@tagged("post_install", "-at_install")
class TestJitPortalButtons(JitPurchaseCase, HttpCase):
    """9.6 through Odoo's own controller: the vendor's portal user clicks
    Accept (or Decline) in the RFQ mail's portal page."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.portal_user = new_test_user(
            cls.env,
            login="jit_vendor_portal",
            password="jit_vendor_portal",
            groups="base.group_portal",
            partner_id=cls.vendor.id,
        )

    def _click(self, order, confirm_type):
        self.authenticate("jit_vendor_portal", "jit_vendor_portal")
        response = self.url_open(order.get_confirm_url(confirm_type=confirm_type))
        self.assertEqual(response.status_code, 200)
        order.invalidate_recordset()

    def test_accept_and_decline_on_the_portal_page(self):
        accepted, declined = self._jit_po(), self._jit_po()
        self._send(accepted)
        self._send(declined)
        self._click(accepted, "reception")
        self.assertEqual(accepted.state, "purchase")
        self.assertEqual(accepted.jit_vendor_state, "confirmed")
        self.assertEqual(accepted.jit_confirmation_channel, "portal")
        self._click(declined, "decline")
        self.assertEqual(declined.jit_vendor_state, "rejected")
        event = declined.jit_event_ids.filtered(lambda e: e.event_type == "rejected")
        self.assertEqual(event.channel, "portal")
        self.assertEqual(event.user_id, self.portal_user, "the vendor, not OdooBot")
