# Copyright 2026 JIT Replenishment Suite
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from freezegun import freeze_time

from odoo import Command
from odoo.exceptions import UserError
from odoo.tests import tagged

from .common import NOW, JitCase


@tagged("post_install", "-at_install")
@freeze_time(NOW)
class TestJitSimulate(JitCase):
    """The Simulate JIT wizard on a history worked out by hand.

    Profile: window 3 days, service level 0.5 (z = 0: no safety stock), review
    period 3 days, no spike filter. Both products: vendor delay 2 days (lead
    time 2), cost 10, 10 received 20 days ago, 2 delivered every day of the
    last 8 (window 3 + period 5). The replay starts with 10 - 3 x 2 = 4.

    JIT, each night: ADU 2, sigma 0 -> min = ROP = 2 x 2 = 4; order quantity
    3 x 2 = 6, max 10. day 0: 4 - 2 = 2 < 4 -> order 10 - 2 = 8 (due day 2);
    day 1: 0 (a stock-out day: closed empty); day 2: +8 -> 6; day 3: 4 (not
    below 4); day 4: 2 -> order 8. Closing [2, 0, 6, 4, 2]: 1 stock-out day,
    average 14 / 5 = 2.8 units = 28.0, 2 orders.

    Actual, product Thin (no other receipt): [2, 0, 0, 0, 0] (lost sales): 4
    stock-out days, 2 / 5 = 0.4 units = 4.0, no order. JIT has fewer stock-outs
    but more stock: it does not win.
    Actual, product Fat (20 received on day 2): [2, 0, 18, 16, 14]: 1
    stock-out day, 50 / 5 = 10 units = 100.0, 1 order. JIT: as many stock-outs
    for 28.0 instead of 100.0: it wins."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.sim_profile = cls.env["jit.profile"].create(
            {
                "name": "Simulated",
                "company_id": cls.company.id,
                "window_days": 3,
                "min_usable_days": 3,
                "service_level": 0.5,
                "review_period_days": 3,
                "spike_factor": 0.0,
                "approval_threshold": 0.0,
            }
        )
        cls.thin = cls._product("Sim Thin", delay=2, standard_price=10.0)
        cls.fat = cls._product("Sim Fat", delay=2, standard_price=10.0)
        # Thin has a hand-set rule (the actual practice), Fat none.
        cls.thin_rule = cls._orderpoint(
            cls.thin, jit_enabled=False, product_min_qty=1, product_max_qty=5
        )
        for product in (cls.thin, cls.fat):
            cls._moves([(product, 10, 20, cls.suppliers, cls.stock)])
            cls._deliveries(product, [2] * 8)
        cls._moves([(cls.fat, 20, 3, cls.suppliers, cls.stock)])
        cls.buyer = cls.env["res.users"].create(
            {
                "name": "Sim Buyer",
                "login": "sim-buyer",
                "groups_id": [
                    Command.set(
                        [
                            cls.env.ref("stock.group_stock_user").id,
                            cls.env.ref("jit_replenishment.group_jit_buyer").id,
                        ]
                    )
                ],
            }
        )

    def _wizard(self, **vals):
        return (
            self.env["jit.simulate"]
            .with_user(self.buyer)
            .create(
                {
                    "product_ids": [Command.set((self.thin | self.fat).ids)],
                    "warehouse_id": self.warehouse.id,
                    "profile_id": self.sim_profile.id,
                    "period_days": 5,
                    **vals,
                }
            )
        )

    def test_comparison_is_the_hand_checked_one(self):
        rules_before = self.env["stock.warehouse.orderpoint"].search_count([])
        wizard = self._wizard()
        wizard.action_simulate()
        lines = {line.product_id: line for line in wizard.line_ids}
        thin, fat = lines[self.thin], lines[self.fat]
        self.assertEqual((thin.actual_stockout_days, thin.jit_stockout_days), (4, 1))
        self.assertAlmostEqual(thin.actual_avg_value, 4.0)
        self.assertAlmostEqual(thin.jit_avg_value, 28.0)
        self.assertEqual((thin.actual_orders, thin.jit_orders), (0, 2))
        self.assertEqual((thin.wins, thin.selected), (False, False))
        self.assertEqual(thin.orderpoint_id, self.thin_rule)
        self.assertEqual((fat.actual_stockout_days, fat.jit_stockout_days), (1, 1))
        self.assertAlmostEqual(fat.actual_avg_value, 100.0)
        self.assertAlmostEqual(fat.jit_avg_value, 28.0)
        self.assertEqual((fat.actual_orders, fat.jit_orders), (1, 2))
        self.assertEqual((fat.wins, fat.selected), (True, True))
        self.assertFalse(fat.orderpoint_id)
        # Totals: 5 / 2 stock-out days, 104 / 56 of average stock value.
        self.assertEqual(
            (wizard.actual_stockout_days, wizard.jit_stockout_days), (5, 2)
        )
        self.assertAlmostEqual(wizard.actual_avg_value, 104.0)
        self.assertAlmostEqual(wizard.jit_avg_value, 56.0)
        self.assertEqual(wizard.win_count, 1)
        self.assertTrue(wizard.chart)  # a PNG, matplotlib is in the test extra
        # The temporary rule of Fat was rolled back.
        self.assertEqual(
            self.env["stock.warehouse.orderpoint"].search_count([]), rules_before
        )

    def test_enable_jit_for_the_winners_in_one_click(self):
        wizard = self._wizard()
        wizard.action_simulate()
        action = wizard.action_enable_jit()
        self.assertEqual(action["params"]["type"], "success")
        fat_rule = self.env["stock.warehouse.orderpoint"].search(
            [("product_id", "=", self.fat.id)]
        )
        self.assertEqual(len(fat_rule), 1)
        self.assertTrue(fat_rule.jit_enabled)
        self.assertEqual(fat_rule.jit_profile_id, self.sim_profile)
        self.assertEqual(fat_rule.location_id, self.stock)
        self.assertEqual(fat_rule.jit_state, "applied")  # computed at once
        # The recompute sets what the replay's nights used: ADU 2 over the
        # last 3 days, lead time 2 -> min 4, max 4 + 3 x 2 = 10.
        self.assertEqual(
            (fat_rule.product_min_qty, fat_rule.product_max_qty), (4.0, 10.0)
        )
        self.assertFalse(self.thin_rule.jit_enabled)  # not ticked: unchanged
        self.assertEqual(self.thin_rule.product_max_qty, 5)
        # The answer says what the recompute did and opens the rules (the
        # wizard may have been opened from the menu, over an empty screen).
        self.assertEqual(
            action["params"]["message"],
            "JIT is on for 1 product(s) with profile Simulated. "
            "1 rule(s) recomputed: 1 applied.",
        )
        rules = action["params"]["next"]
        self.assertEqual(rules["res_model"], "stock.warehouse.orderpoint")
        self.assertEqual(
            self.env["stock.warehouse.orderpoint"].search(rules["domain"]), fat_rule
        )

    def test_enable_jit_on_an_existing_rule(self):
        wizard = self._wizard()
        wizard.action_simulate()
        wizard.line_ids.selected = False
        wizard.line_ids.filtered(lambda ln: ln.product_id == self.thin).selected = True
        wizard.action_enable_jit()
        self.assertTrue(self.thin_rule.jit_enabled)
        self.assertEqual(self.thin_rule.jit_profile_id, self.sim_profile)
        self.assertFalse(
            self.env["stock.warehouse.orderpoint"].search(
                [("product_id", "=", self.fat.id)]
            )
        )

    def test_category_and_bad_input(self):
        category = self.env["product.category"].create({"name": "Sim category"})
        self.fat.categ_id = category
        wizard = self._wizard(product_ids=[Command.clear()], categ_id=category.id)
        wizard.action_simulate()
        self.assertEqual(wizard.line_ids.product_id, self.fat)
        with self.assertRaisesRegex(UserError, "Select at least one product"):
            wizard.line_ids.selected = False
            wizard.action_enable_jit()
        empty = self._wizard(product_ids=[Command.clear()])
        with self.assertRaisesRegex(UserError, "Choose storable products"):
            empty.action_simulate()
        with self.assertRaisesRegex(UserError, "between 1 and 730 days, got 0"):
            self._wizard(period_days=0)
