# Copyright 2026 JIT Replenishment Suite
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Every JIT button answers in headless Chromium (tours in
static/tests/tours/jit_clicks_tour.js), each clicked by a user of the group
that uses it: Reject / Approve (form and list), SLA "Compute Now",
"Backfill" and the reports' drill-downs (JIT Manager), the Simulate
wizard's "Enable JIT" (JIT Buyer), "Consumption Locations" (settings
administrator)."""

from datetime import datetime, time, timedelta

from odoo import Command, fields
from odoo.tests import HttpCase, new_test_user, tagged

from .common import tour_profile
from .test_jit_compute import DAILY


@tagged("post_install", "-at_install")
class TestJitClicksTour(HttpCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env = cls.env(context=dict(cls.env.context, tracking_disable=True))
        company = cls.env.company
        company.write({"po_lead": 0.0, "days_to_purchase": 0.0})
        new_test_user(
            cls.env,
            login="jit_clicks_manager",
            groups="stock.group_stock_user,jit_replenishment.group_jit_manager",
        )
        new_test_user(
            cls.env,
            login="jit_clicks_buyer",
            groups="stock.group_stock_user,jit_replenishment.group_jit_buyer",
        )
        new_test_user(
            cls.env,
            login="jit_clicks_admin",
            groups="base.group_system,stock.group_stock_manager",
        )
        profile = tour_profile(cls.env, "Clicks 10 days")
        cls.vendor = cls.env["res.partner"].create({"name": "Clicks Vendor"})
        cls.env["jit.sla.contract"].create(
            {"partner_id": cls.vendor.id, "company_id": company.id}
        )
        cls.warehouse = cls.env["stock.warehouse"].search(
            [("company_id", "=", company.id)], limit=1
        )
        cls.waiting_rule, cls.applied_rule = (
            cls._rule(cls._product("Clicks Waiting Bolt", profile), 10, 20),
            cls._rule(cls._product("Clicks Applied Nut", profile), 0, 0),
        )
        cls.washer = cls._product("Clicks Washer", profile)
        cls.env.flush_all()
        (cls.waiting_rule | cls.applied_rule)._jit_recompute()

    @classmethod
    def _product(cls, name, profile):
        """A bought product, 300 received twelve days ago, then DAILY's
        deliveries on the ten days before today (real time: the browser and
        the server share today's date)."""
        product = cls.env["product.product"].create(
            {
                "name": name,
                "is_storable": True,
                "standard_price": 2.0,
                "route_ids": [
                    Command.link(cls.env.ref("purchase_stock.route_warehouse0_buy").id)
                ],
                "seller_ids": [
                    Command.create({"partner_id": cls.vendor.id, "delay": 4})
                ],
                "jit_profile_id": profile.id,
            }
        )
        stock = cls.warehouse.lot_stock_id
        specs = [
            (300, 12, cls.env.ref("stock.stock_location_suppliers"), stock),
            *(
                (
                    qty,
                    len(DAILY) - i,
                    stock,
                    cls.env.ref("stock.stock_location_customers"),
                )
                for i, qty in enumerate(DAILY)
                if qty
            ),
        ]
        moves = cls.env["stock.move"].create(
            [
                {
                    "name": "clicks",
                    "product_id": product.id,
                    "product_uom_qty": qty,
                    "product_uom": product.uom_id.id,
                    "location_id": source.id,
                    "location_dest_id": dest.id,
                }
                for qty, _offset, source, dest in specs
            ]
        )
        moves._action_confirm(merge=False)
        for move in moves:
            move.quantity = move.product_uom_qty
        moves.picked = True
        moves._action_done()
        cls.env.flush_all()
        today = fields.Date.context_today(cls.env["res.users"])
        for move, (_qty, offset, _source, _dest) in zip(moves, specs, strict=True):
            day = datetime.combine(today - timedelta(days=offset), time(12))
            cls.env.cr.execute(
                "UPDATE stock_move SET date = %s WHERE id = %s", (day, move.id)
            )
        moves.invalidate_recordset(["date"])
        return product

    @classmethod
    def _rule(cls, product, min_qty, max_qty):
        return cls.env["stock.warehouse.orderpoint"].create(
            {
                "product_id": product.id,
                "warehouse_id": cls.warehouse.id,
                "location_id": cls.warehouse.lot_stock_id.id,
                "product_min_qty": min_qty,
                "product_max_qty": max_qty,
                "jit_enabled": True,
            }
        )

    def test_manager_buttons_answer(self):
        """1 Reject / Approve, 2 SLA Compute Now, 4 Backfill, 5 drill-downs."""
        self.assertEqual(self.waiting_rule.jit_state, "waiting")
        self.assertEqual(self.applied_rule.jit_state, "applied")
        self.start_tour(
            "/odoo/action-jit_replenishment.action_jit_orderpoints",
            "jit_replenishment_clicks_manager",
            login="jit_clicks_manager",
        )
        self.assertEqual(self.waiting_rule.jit_state, "rejected")
        self.assertEqual(self.applied_rule.jit_state, "applied")
        self.assertTrue(
            self.env["jit.inventory.snapshot"].search_count(
                [("product_id", "=", self.applied_rule.product_id.id)]
            )
        )

    def test_simulate_enable_jit_answers(self):
        """3 The Simulate wizard's Enable JIT, from a product's Actions menu."""
        self.start_tour(
            "/odoo/action-stock.product_template_action_product/"
            f"{self.washer.product_tmpl_id.id}",
            "jit_replenishment_clicks_simulate",
            login="jit_clicks_buyer",
        )
        rule = self.env["stock.warehouse.orderpoint"].search(
            [("product_id", "=", self.washer.id)]
        )
        self.assertTrue(rule.jit_enabled)
        self.assertTrue(rule.jit_last_computed)

    def test_settings_consumption_locations_answer(self):
        """6 The settings' Consumption Locations."""
        self.start_tour(
            "/odoo/settings",
            "jit_replenishment_clicks_settings",
            login="jit_clicks_admin",
        )
