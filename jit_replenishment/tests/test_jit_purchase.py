# Copyright 2026 JIT Replenishment Suite
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from datetime import timedelta

from freezegun import freeze_time

from odoo import Command
from odoo.exceptions import UserError
from odoo.tests import tagged

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
        # The vendor promises a later date: a new promise, history kept.
        later = original + timedelta(days=2)
        line.date_planned = later
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
