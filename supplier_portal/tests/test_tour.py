# Copyright 2026 JIT Replenishment Suite
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Browser tour (headless Chromium): the vendor answers on the portal, the
buyer accepts the counter-proposal and the order is confirmed."""

from odoo.tests import HttpCase, tagged

from .common import SupplierPortalCommon


@tagged("post_install", "-at_install")
class TestSupplierPortalTour(SupplierPortalCommon, HttpCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._setup_supplier_portal()
        cls.buyer.groups_id |= cls.env.ref("stock.group_stock_user")

    def test_vendor_answers_and_buyer_accepts(self):
        order = self._rfq()
        bracket, hinge = order.order_line
        ordered_day = bracket.date_planned.date()
        self.start_tour(
            f"/my/purchase/{order.id}",
            "supplier_portal_vendor_answer",
            login="sp_alice",
        )
        self.assertEqual(bracket.vendor_answer, "proposed")
        self.assertEqual(bracket.vendor_comment, "Tooling change in week 2")
        self.assertEqual(hinge.vendor_answer, "confirmed")
        self.assertEqual(order.state, "sent")
        self.start_tour(
            f"/odoo/action-purchase.purchase_rfq/{order.id}",
            "supplier_portal_buyer_accepts",
            login="sp_buyer",
        )
        self.assertEqual(order.state, "purchase")
        self.assertEqual(bracket.buyer_answer, "accepted")
        self.assertGreater(bracket.date_planned.date(), ordered_day)
