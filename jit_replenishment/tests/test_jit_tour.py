# Copyright 2026 JIT Replenishment Suite
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Browser tour (headless Chromium): the buyer's path through the JIT
screens, from a product to the approved rule and its consumption chart."""

from datetime import datetime, time, timedelta

from odoo import Command, fields
from odoo.tests import HttpCase, new_test_user, tagged

from .common import tour_profile
from .test_jit_compute import DAILY


@tagged("post_install", "-at_install")
class TestJitBuyerTour(HttpCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env = cls.env(context=dict(cls.env.context, tracking_disable=True))
        company = cls.env.company
        company.write({"po_lead": 0.0, "days_to_purchase": 0.0})
        cls.user = new_test_user(
            cls.env,
            login="jit_tour_manager",
            groups="stock.group_stock_manager,jit_replenishment.group_jit_manager",
        )
        profile = tour_profile(cls.env, "Tour 10 days")
        vendor = cls.env["res.partner"].create({"name": "JIT Tour Vendor"})
        cls.product = cls.env["product.product"].create(
            {
                "name": "JIT Tour Spacer",
                "is_storable": True,
                "route_ids": [
                    Command.link(cls.env.ref("purchase_stock.route_warehouse0_buy").id)
                ],
                "seller_ids": [Command.create({"partner_id": vendor.id, "delay": 4})],
                "jit_profile_id": profile.id,
            }
        )
        warehouse = cls.env["stock.warehouse"].search(
            [("company_id", "=", company.id)], limit=1
        )
        cls.rule = cls.env["stock.warehouse.orderpoint"].create(
            {
                "product_id": cls.product.id,
                "warehouse_id": warehouse.id,
                "location_id": warehouse.lot_stock_id.id,
                "product_min_qty": 10,
                "product_max_qty": 20,
            }
        )
        cls._history(warehouse.lot_stock_id)

    @classmethod
    def _history(cls, stock):
        """DAILY's deliveries on the ten days before today (real time: the
        browser and the server share today's date)."""
        customers = cls.env.ref("stock.stock_location_customers")
        today = fields.Date.context_today(cls.env["res.users"])
        specs = [(qty, len(DAILY) - i) for i, qty in enumerate(DAILY) if qty]
        moves = cls.env["stock.move"].create(
            [
                {
                    "name": "tour",
                    "product_id": cls.product.id,
                    "product_uom_qty": qty,
                    "product_uom": cls.product.uom_id.id,
                    "location_id": stock.id,
                    "location_dest_id": customers.id,
                }
                for qty, _offset in specs
            ]
        )
        moves._action_confirm(merge=False)
        for move in moves:
            move.quantity = move.product_uom_qty
        moves.picked = True
        moves._action_done()
        cls.env.flush_all()
        for move, (_qty, offset) in zip(moves, specs, strict=True):
            day = datetime.combine(today - timedelta(days=offset), time(12))
            cls.env.cr.execute(
                "UPDATE stock_move SET date = %s WHERE id = %s", (day, move.id)
            )
        moves.invalidate_recordset(["date"])

    def test_buyer_path(self):
        self.start_tour(
            "/odoo/action-stock.product_template_action_product/"
            f"{self.product.product_tmpl_id.id}",
            "jit_replenishment_buyer_path",
            login="jit_tour_manager",
        )
        self.assertTrue(self.rule.jit_enabled)
        self.assertEqual(self.rule.jit_state, "applied")
        self.assertEqual(self.rule.product_min_qty, self.rule.jit_min_qty)
        self.assertGreater(self.rule.product_min_qty, 10)
        self.assertFalse(self.rule.jit_approval_run_id)
