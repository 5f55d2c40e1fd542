# Copyright 2026 JIT Replenishment Suite
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Issue 16: the scan page in headless Chromium, as a JIT Consumption user."""

from odoo.tests import HttpCase, new_test_user, tagged


@tagged("post_install", "-at_install")
class TestJitScanTour(HttpCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.operator = new_test_user(
            cls.env,
            login="jit_scan_tour",
            groups="jit_replenishment.group_jit_consumption",
        )
        warehouse = cls.env["stock.warehouse"].search(
            [("company_id", "=", cls.env.company.id)], limit=1
        )
        cls.shelf = cls.env["stock.location"].create(
            {
                "name": "Tour Shelf",
                "barcode": "TOUR-SHELF",
                "location_id": warehouse.lot_stock_id.id,
                "usage": "internal",
            }
        )
        cls.bolt, cls.nut = cls.env["product.product"].create(
            [
                {"name": "Tour Bolt", "barcode": "TOUR-BOLT", "is_storable": True},
                {"name": "Tour Nut", "barcode": "TOUR-NUT", "is_storable": True},
            ]
        )
        for product in (cls.bolt, cls.nut):
            cls.env["stock.quant"]._update_available_quantity(product, cls.shelf, 20)

    def _on_hand(self, product):
        return product.with_context(location=self.shelf.id).qty_available

    def test_scan_two_products_and_undo_one(self):
        self.start_tour(
            "/odoo/action-jit_replenishment.action_jit_consumption_scan",
            "jit_consumption_scan",
            login="jit_scan_tour",
        )
        scans = self.env["jit.consumption"].search(
            [("user_id", "=", self.operator.id)], order="id"
        )
        self.assertEqual(
            [(s.kind, s.product_id, s.quantity) for s in scans],
            [
                ("scan", self.bolt, 2.0),
                ("scan", self.nut, 1.0),
                ("undo", self.bolt, 2.0),
            ],
        )
        self.assertEqual(scans[2].undo_of_id, scans[0])
        # 20 - 2 + 2 bolts, 20 - 1 nuts; the unknown barcode made nothing.
        self.assertEqual(self._on_hand(self.bolt), 20)
        self.assertEqual(self._on_hand(self.nut), 19)
