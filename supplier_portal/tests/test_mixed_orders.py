# Copyright 2026 JIT Replenishment Suite
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""An order the vendor confirms in part: the confirmed lines stay with the
vendor (their order is confirmed), the others go to the backup vendor through
jit_replenishment's fallback; the fallback never re-issues a confirmed line."""

from datetime import datetime, timedelta

from freezegun import freeze_time

from odoo.tests import TransactionCase, tagged

from .common import SupplierPortalCommon

NOW = datetime(2026, 3, 10, 12, 0, 0)


@tagged("post_install", "-at_install")
@freeze_time(NOW)
class TestMixedOrders(SupplierPortalCommon, TransactionCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._setup_supplier_portal()
        cls.vendor_c = cls.env["res.partner"].create(
            {"name": "Cobalt Backup", "is_company": True, "email": "c@example.com"}
        )
        # Acme first (its lines come first), Cobalt the backup.
        cls.env["product.supplierinfo"].create(
            [
                {
                    "partner_id": cls.vendor_c.id,
                    "product_tmpl_id": product.product_tmpl_id.id,
                    "sequence": 50,
                    "delay": 3,
                }
                for product in (cls.bracket, cls.hinge)
            ]
        )

    def _told_vendor(self, text):
        """Messages addressed to Acme whose subject or body names `text`."""
        return (
            self.env["mail.message"]
            .search([("partner_ids", "in", self.vendor_a.ids)])
            .filtered(lambda m: text in (m.subject or "") or text in str(m.body))
        )

    def test_mixed_answer_confirms_the_confirmed_lines_and_reissues_the_rest(self):
        order = self._rfq(jit=True)
        bracket, hinge = order.order_line
        # The buyer's own price and date: the moved line keeps them.
        hinge.write({"price_unit": 12.5, "date_planned": NOW + timedelta(days=21)})
        order.with_user(self.alice).vendor_answer(
            [
                {"line_id": bracket.id, "answer": "confirm"},
                {"line_id": hinge.id, "answer": "reject", "reason": "No hinges"},
            ]
        )
        # The vendor's order keeps the confirmed line and is confirmed.
        self.assertEqual(order.state, "purchase")
        self.assertEqual(order.order_line, bracket)
        self.assertEqual(order.jit_confirmation_channel, "api")
        # The rejected line left on an order of its own, rejected by the
        # vendor: the fallback job's work.
        split = hinge.order_id
        self.assertNotEqual(split, order)
        self.assertEqual(split.partner_id, self.vendor_a)
        self.assertTrue(split.jit_managed)
        self.assertEqual(split.jit_vendor_state, "rejected")
        self.assertEqual(split.jit_rejection_reason, "No hinges")
        self.assertEqual(hinge.vendor_answer, "rejected")
        self.assertEqual(hinge.price_unit, 12.5)
        self.assertEqual(hinge.date_planned, NOW + timedelta(days=21))
        self.assertEqual(
            split.jit_confirmation_deadline, order.jit_confirmation_deadline
        )
        self.env["purchase.order"]._cron_jit_fallback()
        new = split.jit_replacement_order_id
        self.assertEqual(new.partner_id, self.vendor_c)
        self.assertEqual(new.order_line.product_id, self.hinge)
        self.assertEqual(new.order_line.product_qty, 20)
        self.assertEqual(split.state, "cancel")
        # Acme never saw the split-off order's number, and it rejected the
        # hinge itself: nothing to withdraw, no mail naming that order.
        self.assertFalse(self._told_vendor(split.name))
        # The confirmed line was never re-issued.
        self.assertEqual(order.state, "purchase")
        self.assertFalse(order.jit_replacement_order_id)
        self.assertNotIn(
            self.bracket,
            self.env["purchase.order"]
            .search([("partner_id", "=", self.vendor_c.id)])
            .order_line.product_id,
        )
        # Nothing left for the buyer to settle by hand.
        review = self.env.ref("supplier_portal.mail_activity_type_vendor_answer")
        self.assertFalse(
            (order | split).activity_ids.filtered(
                lambda a: a.activity_type_id == review
            )
        )

    def test_deadline_fallback_keeps_the_lines_the_vendor_confirmed(self):
        order = self._rfq(jit=True)
        bracket, hinge = order.order_line
        order.with_user(self.alice).vendor_confirm(line_ids=[bracket.id])
        self.assertEqual(order.state, "sent")
        with freeze_time(order.jit_confirmation_deadline + timedelta(minutes=1)):
            self.env["purchase.order"]._cron_jit_fallback()
        # Acme keeps the bracket it confirmed: its order is confirmed.
        self.assertEqual(order.state, "purchase")
        self.assertEqual(order.order_line, bracket)
        self.assertFalse(order.jit_replacement_order_id)
        # The unanswered hinge went to Cobalt, alone.
        split = hinge.order_id
        self.assertEqual(split.state, "cancel")
        self.assertEqual(split.jit_fallback_reason, "timeout")
        new = split.jit_replacement_order_id
        self.assertEqual(new.partner_id, self.vendor_c)
        self.assertEqual(new.order_line.product_id, self.hinge)
        self.assertNotIn(
            self.bracket,
            self.env["purchase.order"]
            .search([("partner_id", "=", self.vendor_c.id)])
            .order_line.product_id,
        )
        # Acme is told about ITS order, by the number it knows, and which of
        # its lines went elsewhere; never about the split-off order's number.
        self.assertFalse(self._told_vendor(split.name))
        told = self._told_vendor(order.name)
        self.assertEqual(len(told), 1)
        self.assertEqual((told.model, told.res_id), ("purchase.order", order.id))
        self.assertIn(self.hinge.display_name, str(told.body))
        self.assertNotIn(self.bracket.display_name, str(told.body))

    def test_buyer_answer_settling_a_mix_splits_the_order(self):
        self.vendor_a.vendor_qty_tolerance = 0
        order = self._rfq(jit=True)
        bracket, hinge = order.order_line
        order.with_user(self.alice).vendor_answer(
            [
                {"line_id": bracket.id, "answer": "propose", "quantity": 150},
                {"line_id": hinge.id, "answer": "reject", "reason": "Discontinued"},
            ]
        )
        self.assertEqual(order.state, "sent")
        bracket.with_user(self.buyer).action_vendor_proposal_accept()
        self.assertEqual(order.state, "purchase")
        self.assertEqual(order.order_line, bracket)
        self.assertEqual(bracket.product_qty, 150)
        self.assertEqual(hinge.order_id.jit_vendor_state, "rejected")

    def test_all_rejected_still_reissues_the_whole_order(self):
        order = self._rfq(jit=True)
        order.with_user(self.alice).vendor_reject("Closed")
        self.env["purchase.order"]._cron_jit_fallback()
        self.assertEqual(order.state, "cancel")
        new = order.jit_replacement_order_id
        self.assertEqual(new.partner_id, self.vendor_c)
        self.assertEqual(len(new.order_line), 2)
        self.assertEqual(
            order.order_line.mapped("product_id"), self.bracket | self.hinge
        )
