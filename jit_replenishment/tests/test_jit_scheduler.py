# Copyright 2026 JIT Replenishment Suite
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from unittest.mock import patch

from freezegun import freeze_time

from odoo import Command
from odoo.exceptions import AccessError, ValidationError
from odoo.tests import Form, new_test_user, tagged
from odoo.tools import mute_logger

from .common import NOW, JitCase
from .test_jit_compute import DAILY

ORDERPOINT = "odoo.addons.jit_replenishment.models.stock_warehouse_orderpoint"


@tagged("post_install", "-at_install")
@freeze_time(NOW)
class TestJitScheduler(JitCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.manager = new_test_user(
            cls.env,
            login="jit_manager",
            groups="stock.group_stock_manager,jit_replenishment.group_jit_manager",
        )
        cls.user = new_test_user(
            cls.env, login="jit_user", groups="stock.group_stock_user"
        )

    # --- approval ------------------------------------------------------
    def test_change_above_threshold_waits_for_approval(self):
        """Current min 10 / max 20, computed 27.01 / 55.01: +170% > 50%."""
        self.profile.approval_threshold = 0.5
        self.profile.approver_id = self.manager
        self.orderpoint.write({"product_min_qty": 10, "product_max_qty": 20})
        self._deliveries(self.product, DAILY)
        run = self.orderpoint._jit_recompute()
        op = self.orderpoint
        self.assertEqual(op.jit_state, "waiting")
        self.assertEqual((op.product_min_qty, op.product_max_qty), (10, 20))
        self.assertAlmostEqual(op.jit_min_qty, 27.01, places=2)
        self.assertEqual(run.waiting_count, 1)
        self.assertEqual(op.jit_approval_run_id, run)
        # One activity for the approver, on the run.
        self.assertEqual(len(run.activity_ids), 1)
        self.assertEqual(run.activity_ids.user_id, self.manager)
        self.assertIn("1 JIT change", run.activity_ids.summary)
        # A second run does not stack a second activity.
        second = op._jit_recompute()
        self.assertFalse(second.activity_ids)
        self.assertEqual(op.jit_approval_run_id, run)
        # A JIT user may not approve; a manager may.
        with self.assertRaises(AccessError):
            op.with_user(self.user).action_jit_approve()
        op.with_user(self.manager).action_jit_approve()
        self.assertEqual(op.jit_state, "applied")
        self.assertAlmostEqual(op.product_min_qty, 27.01, places=2)
        self.assertAlmostEqual(op.product_max_qty, 55.01, places=2)
        self.assertFalse(run.activity_ids)

    def test_change_below_threshold_is_applied(self):
        # 27.01 vs 25: +8% < 50%; 55.01 vs 50: +10% < 50% -> applied.
        self.profile.approval_threshold = 0.5
        self.orderpoint.write({"product_min_qty": 25, "product_max_qty": 50})
        self._deliveries(self.product, DAILY)
        self.orderpoint._jit_recompute()
        self.assertEqual(self.orderpoint.jit_state, "applied")
        self.assertAlmostEqual(self.orderpoint.product_min_qty, 27.01, places=2)

    def test_reject_keeps_manual_values(self):
        self.profile.approval_threshold = 0.5
        self.orderpoint.write({"product_min_qty": 10, "product_max_qty": 20})
        self._deliveries(self.product, DAILY)
        self.orderpoint._jit_recompute()
        self.orderpoint.with_user(self.manager).action_jit_reject()
        self.assertEqual(self.orderpoint.jit_state, "rejected")
        self.assertEqual(self.orderpoint.product_min_qty, 10)

    # --- scheduler -----------------------------------------------------
    def _only_jit_rules(self, prefix, count, cron=False):
        """self.orderpoint and `count` more JIT rules with DAILY's history;
        with `cron`, every other JIT rule (demo data has some) is disabled."""
        products = [self._product(f"{prefix} {i}") for i in range(count)]
        ops = self.orderpoint | self.env["stock.warehouse.orderpoint"].concat(
            *[self._orderpoint(p) for p in products]
        )
        for product in [self.product, *products]:
            self._deliveries(product, DAILY)
        if cron:
            others = self.env["stock.warehouse.orderpoint"].search(
                [("jit_enabled", "=", True)]
            )
            (others - ops).jit_enabled = False
        return ops

    def test_cron_batches_progress_and_resume(self):
        """Five rules, batches of two: three calls finish one run."""
        ops = self._only_jit_rules("Cron", 4, cron=True)
        Orderpoint = self.env["stock.warehouse.orderpoint"]
        progress = []
        with patch.object(
            type(self.env["ir.cron"]),
            "_notify_progress",
            lambda _self, done, remaining, deactivate=False: progress.append(
                (done, remaining)
            ),
        ):
            for _i in range(3):
                Orderpoint._cron_jit_recompute(batch_size=2)
        # 5 rules in batches of 2: (done, remaining) = (2, 3), (2, 1), (1, 0)
        self.assertEqual(progress, [(2, 3), (2, 1), (1, 0)])
        run = self.env["jit.run"].search([("origin", "=", "cron")])
        self.assertEqual(len(run), 1, "the three calls resumed one run")
        self.assertEqual(run.state, "done")
        self.assertEqual(run.rule_count, 5)
        self.assertEqual((run.rule_total, run.rule_done), (5, 5))
        self.assertEqual(len(run.line_ids), 5)
        for op in ops:
            self.assertEqual(op.jit_state, "applied")
            self.assertAlmostEqual(op.product_min_qty, 27.01, places=2)
        # Re-running after the end starts a new run with the same results.
        Orderpoint._cron_jit_recompute(batch_size=1000)
        self.assertAlmostEqual(ops[0].product_min_qty, 27.01, places=2)

    def test_cron_run_of_an_exact_number_of_batches_closes(self):
        """4 rules in batches of 2: the second call reaches the last rule and
        closes the run (nothing left), so the next night starts a new run and
        computes every rule again instead of closing a finished one."""
        self._only_jit_rules("Exact", 3, cron=True)
        Orderpoint = self.env["stock.warehouse.orderpoint"]
        self.assertEqual(Orderpoint._cron_jit_recompute(batch_size=2), 2)
        self.assertEqual(Orderpoint._cron_jit_recompute(batch_size=2), 0)
        first = self.env["jit.run"].search([("origin", "=", "cron")])
        self.assertEqual(first.state, "done")
        self.assertEqual(first.rule_count, 4)
        # Next night: a new run, all four rules again.
        self.assertEqual(Orderpoint._cron_jit_recompute(batch_size=4), 0)
        second = self.env["jit.run"].search([("origin", "=", "cron")]) - first
        self.assertEqual(second.state, "done")
        self.assertEqual(second.rule_count, 4)

    def test_batch_size_setting(self):
        """The setting sets the rules per cron call; 0 is refused with the
        value named, and the setting keeps its value."""
        self._only_jit_rules("Size", 2, cron=True)
        Param = self.env["ir.config_parameter"].sudo()
        self.env["res.config.settings"].create({"jit_batch_size": 2}).execute()
        self.assertEqual(Param.get_param("jit_replenishment.batch_size"), "2")
        Orderpoint = self.env["stock.warehouse.orderpoint"]
        # 3 rules, 2 per call: one left after the first call.
        self.assertEqual(Orderpoint._cron_jit_recompute(), 1)
        with self.assertRaisesRegex(ValidationError, r"at least 1 \(got 0\)"):
            self.env["res.config.settings"].create({"jit_batch_size": 0})
        self.assertEqual(Param.get_param("jit_replenishment.batch_size"), "2")

    @mute_logger(ORDERPOINT)
    def test_failing_rule_does_not_stop_the_batch(self):
        ops = self._only_jit_rules("Batch", 3)
        bad = ops[2]
        original = type(ops)._jit_lead_times

        def broken(records, rules, *args):
            if bad.id in rules["id"]:
                raise ValueError("vendor data broken for this rule")
            return original(records, rules, *args)

        with patch.object(type(ops), "_jit_lead_times", broken):
            run = ops._jit_recompute()
        self.assertEqual(bad.jit_state, "failed")
        self.assertEqual(bad.jit_last_run_id, run)
        self.assertIn("vendor data broken", bad.jit_message)
        good = ops - bad
        self.assertEqual(set(good.mapped("jit_state")), {"applied"})
        self.assertEqual(run.failed_count, 1)
        self.assertEqual(run.applied_count, 3)

    # --- multi-company ---------------------------------------------------
    def test_multi_company_isolation(self):
        company_b = self.env["res.company"].create({"name": "JIT Company B"})
        # stock creates the warehouse of a new company only when the thread is
        # flagged as testing (odoo-bin --test-enable), not under pytest-odoo.
        warehouse_b = self.env["stock.warehouse"].with_company(company_b).search(
            [("company_id", "=", company_b.id)], limit=1
        ) or self.env["stock.warehouse"].with_company(company_b).create(
            {"name": "JIT B", "code": "JITB", "company_id": company_b.id}
        )
        product = self._product("Shared widget")
        op_a = self._orderpoint(product)
        self._deliveries(product, DAILY)
        op_b = (
            self.env["stock.warehouse.orderpoint"]
            .with_company(company_b)
            .create(
                {
                    "product_id": product.id,
                    "warehouse_id": warehouse_b.id,
                    "location_id": warehouse_b.lot_stock_id.id,
                    "company_id": company_b.id,
                    "jit_enabled": True,
                }
            )
        )
        self.env["stock.warehouse.orderpoint"]._cron_jit_recompute()
        self.assertAlmostEqual(op_a.jit_adu, 4.0)
        # Company B's warehouse saw no consumption of it.
        self.assertEqual(op_b.jit_state, "no_history")
        self.assertEqual(op_b.jit_profile_used_id.company_id, company_b)
        runs = self.env["jit.run"].search([("origin", "=", "cron")])
        self.assertEqual(runs.company_id, self.company | company_b)
        # A user of company A only sees company A's profiles and runs.
        user_a = new_test_user(
            self.env,
            login="jit_user_a",
            groups="stock.group_stock_user",
            company_id=self.company.id,
            company_ids=[Command.set(self.company.ids)],
        )
        profiles = self.env["jit.profile"].with_user(user_a).search([])
        self.assertNotIn(company_b, profiles.company_id)
        self.assertEqual(
            self.env["jit.run"].with_user(user_a).search([]).company_id, self.company
        )

    # --- profiles --------------------------------------------------------
    def test_profile_validation(self):
        bad_values = [
            ({"window_days": 0}, "window"),
            ({"window_days": -5}, "window"),
            ({"service_level": 1.0}, "service level"),
            ({"service_level": 0.0}, "service level"),
            ({"min_clamp": -1.0}, "cannot be negative"),
            ({"min_clamp": 50.0, "max_clamp": 20.0}, "above the highest maximum"),
        ]
        for vals, message in bad_values:
            with self.subTest(vals=vals):
                count = self.env["jit.profile"].search_count([])
                with self.assertRaises(ValidationError) as caught:
                    self.env["jit.profile"].create({"name": "Bad", **vals})
                self.assertIn(message, str(caught.exception))
                # The message names the value that was refused.
                self.assertIn(str(list(vals.values())[0]), str(caught.exception))
                self.assertEqual(self.env["jit.profile"].search_count([]), count)
                with self.assertRaises(ValidationError):
                    self.profile.write(vals)
                self.assertEqual(self.profile.window_days, 10)
                self.assertEqual(self.profile.service_level, 0.95)

    def test_profile_resolution_most_specific_wins(self):
        categ_parent = self.env["product.category"].create({"name": "JIT parent"})
        categ_child = self.env["product.category"].create(
            {"name": "JIT child", "parent_id": categ_parent.id}
        )
        p_categ = self.profile.copy({"name": "Category profile"})
        p_product = self.profile.copy({"name": "Product profile"})
        p_rule = self.profile.copy({"name": "Rule profile"})
        categ_parent.jit_profile_id = p_categ
        product = self._product("Resolved", categ_id=categ_child.id)
        op = self._orderpoint(product, jit_profile_id=False)
        self._deliveries(product, DAILY)
        op._jit_recompute()
        self.assertEqual(op.jit_profile_used_id, p_categ)
        product.product_tmpl_id.jit_profile_id = p_product
        op._jit_recompute()
        self.assertEqual(op.jit_profile_used_id, p_product)
        op.jit_profile_id = p_rule
        op._jit_recompute()
        self.assertEqual(op.jit_profile_used_id, p_rule)
        # Nothing set anywhere: the company default.
        other = self._product("Defaulted")
        op2 = self._orderpoint(other, jit_profile_id=False)
        op2._jit_recompute()
        self.assertEqual(op2.jit_profile_used_id, self.company.jit_profile_id)

    def test_pilot_enable_from_products(self):
        product = self._product("Pilot product")
        manual = self._product("Not in pilot")
        manual_op = self._orderpoint(manual, jit_enabled=False)
        manual_op.write({"product_min_qty": 2, "product_max_qty": 4})
        self._deliveries(product, DAILY)
        product.product_tmpl_id.with_user(self.manager).action_jit_enable()
        ops = self.env["stock.warehouse.orderpoint"].search(
            [("product_id", "=", product.id)]
        )
        self.assertEqual(ops.warehouse_id, self.warehouse | self.other_wh)
        self.assertTrue(all(ops.mapped("jit_enabled")))
        main = ops.filtered(lambda o: o.warehouse_id == self.warehouse)
        self.assertEqual(main.trigger, "auto")
        self.assertGreater(main.product_min_qty, 0)
        self.assertEqual((manual_op.product_min_qty, manual_op.product_max_qty), (2, 4))
        self.assertFalse(manual_op.jit_enabled)

    def test_recompute_now_action(self):
        """By a user who may write reordering rules (a stock user may not:
        test_jit_rights)."""
        self._deliveries(self.product, DAILY)
        action = self.orderpoint.with_user(self.manager).action_jit_recompute()
        self.assertEqual(action["tag"], "display_notification")
        self.assertAlmostEqual(self.orderpoint.product_min_qty, 27.01, places=2)

    def test_profile_form(self):
        with Form(self.env["jit.profile"].with_user(self.manager)) as form:
            form.name = "Form profile"
            form.window_days = 30
            form.service_level = 0.9
        self.assertEqual(form.record.company_id, self.company)

    def test_run_retention(self):
        self.company.jit_run_retention_days = 30
        with freeze_time("2026-01-01 12:00:00"):
            old = self.orderpoint._jit_recompute()
        new = self.orderpoint._jit_recompute()
        self.env["jit.run"]._cron_gc_runs()
        self.assertFalse(old.exists())
        self.assertTrue(new.exists())


@tagged("post_install", "-at_install")
@freeze_time(NOW)
class TestJitPull(JitCase):
    def test_delivery_below_min_creates_draft_rfq(self):
        """min 27.01 / max 55.01 after the recompute; stock 30 on hand; a
        delivery of 10 leaves a forecast of 20 < 27.01 -> an RFQ to the vendor
        for 55.01 - 20 = 35.01, which Odoo rounds
        down to the rule's multiple of 1 so as not to exceed the max: 35."""
        self._deliveries(self.product, DAILY)
        self.orderpoint.trigger = "auto"
        self.orderpoint._jit_recompute()
        self.env["stock.quant"]._update_available_quantity(self.product, self.stock, 30)
        self.env["stock.quant"]._update_available_quantity(
            self.product, self.stock, sum(DAILY)
        )
        picking = self._delivery(self.product, 10)
        # Confirmation alone must not order (forecast 20 is checked when the
        # scheduler or the validation runs): disable Odoo's own trigger.
        self.env["ir.config_parameter"].sudo().set_param("stock.no_auto_scheduler", "1")
        picking.action_confirm()
        lines = self.env["purchase.order.line"].search(
            [("product_id", "=", self.product.id)]
        )
        self.assertFalse(lines)
        # The JIT pull trigger reads the same parameter: on again for the
        # validation.
        self.env["ir.config_parameter"].sudo().set_param("stock.no_auto_scheduler", "")
        picking.move_ids.quantity = 10
        picking.move_ids.picked = True
        picking.button_validate()
        self.assertEqual(picking.state, "done")
        line = self.env["purchase.order.line"].search(
            [("product_id", "=", self.product.id)]
        )
        self.assertEqual(len(line), 1)
        self.assertEqual(line.order_id.state, "draft")
        self.assertEqual(line.order_id.partner_id, self.vendor)
        self.assertEqual(line.product_qty, 35)

    def test_delivery_above_min_orders_nothing(self):
        self._deliveries(self.product, DAILY)
        self.orderpoint.trigger = "auto"
        self.orderpoint._jit_recompute()
        self.env["stock.quant"]._update_available_quantity(
            self.product, self.stock, 200 + sum(DAILY)
        )
        self.env["ir.config_parameter"].sudo().set_param("stock.no_auto_scheduler", "1")
        self._moves([(self.product, 10, 0, self.stock, self.customers)])
        self.assertFalse(
            self.env["purchase.order.line"].search(
                [("product_id", "=", self.product.id)]
            )
        )
