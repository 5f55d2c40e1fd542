# Copyright 2026 JIT Replenishment Suite
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from datetime import date, timedelta

from freezegun import freeze_time

from odoo.tests import new_test_user, tagged

from .. import hooks
from .common import NOW, TODAY, JitCase
from .test_jit_compute import DAILY


@tagged("post_install", "-at_install")
@freeze_time(NOW)
class TestJitApprovals(JitCase):
    """Approvals that settle: rejection holds, pointers and activities are
    cleared, runs with waiting rules survive the clean-up; freeze until."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.manager = new_test_user(
            cls.env,
            login="jit_a_manager",
            groups="stock.group_stock_manager",
        )
        cls.profile.write({"approval_threshold": 0.5, "approver_id": cls.manager.id})

    def _waiting(self, op=None):
        """min 10 / max 20 against computed 27.01 / 55.01 (+170%): waits."""
        op = op or self.orderpoint
        op.write({"product_min_qty": 10, "product_max_qty": 20})
        self._deliveries(op.product_id, DAILY)
        run = op._jit_recompute()
        self.assertEqual(op.jit_state, "waiting")
        return run

    def _open_activities(self, runs=None):
        domain = [("res_model", "=", "jit.run")]
        if runs is not None:
            domain.append(("res_id", "in", runs.ids))
        return self.env["mail.activity"].search(domain)

    # --- point 8 -----------------------------------------------------------
    def test_rejection_holds_until_values_move_past_threshold(self):
        """Rejected 27.01 / 55.01; the next nights compute the same: the
        rule stays rejected, 10 / 20 kept, no new activity. Then demand
        doubles (40 more yesterday, the window's last day: ADU 8) and the
        proposal moves by more than 50% of the rejected one: it waits again."""
        self._waiting()
        self.orderpoint.with_user(self.manager).action_jit_reject()
        self.assertAlmostEqual(self.orderpoint.jit_rejected_min_qty, 27.01, places=2)
        for _night in range(2):
            run = self.orderpoint._jit_recompute()
            self.assertEqual(self.orderpoint.jit_state, "rejected")
            self.assertEqual(
                (self.orderpoint.product_min_qty, self.orderpoint.product_max_qty),
                (10, 20),
            )
            self.assertFalse(self.orderpoint.jit_approval_run_id)
            self.assertFalse(self._open_activities(run))
            self.assertIn("reject", self.orderpoint.jit_message.lower())
            self.assertEqual(run.line_ids.state, "rejected")
            self.assertEqual(run.rule_count, 1)
        self._moves([(self.product, 40, 1, self.stock, self.customers)])
        run = self.orderpoint._jit_recompute()
        self.assertEqual(self.orderpoint.jit_state, "waiting")
        self.assertGreater(self.orderpoint.jit_min_qty, 27.01 * 1.5)
        self.assertEqual(self.orderpoint.jit_approval_run_id, run)
        self.assertEqual(len(self._open_activities(run)), 1)

    def test_settled_rule_clears_pointer_and_activity(self):
        """Waiting, then the threshold is lifted: the next run applies the
        change, the pointer is cleared and the run's activity is done."""
        run = self._waiting()
        self.assertEqual(len(self._open_activities(run)), 1)
        self.profile.approval_threshold = 0.0
        self.orderpoint._jit_recompute()
        self.assertEqual(self.orderpoint.jit_state, "applied")
        self.assertFalse(self.orderpoint.jit_approval_run_id)
        self.assertFalse(self._open_activities(run))

    def test_approve_and_reject_clear_the_pointer(self):
        run = self._waiting()
        other = self._orderpoint(self._product("Second waiting"))
        self._waiting(other)
        self.assertEqual(other.jit_approval_run_id.activity_ids.user_id, self.manager)
        self.orderpoint.with_user(self.manager).action_jit_approve()
        self.assertFalse(self.orderpoint.jit_approval_run_id)
        self.assertFalse(self._open_activities(run))
        other.with_user(self.manager).action_jit_reject()
        self.assertFalse(other.jit_approval_run_id)
        self.assertFalse(self._open_activities())

    def test_cleanup_keeps_runs_with_waiting_rules(self):
        self.company.jit_run_retention_days = 30
        old = self._waiting()
        done = self._orderpoint(self._product("GC no history"))._jit_recompute()
        (old | done).write({"started_at": NOW - timedelta(days=60)})
        self.env["jit.run"]._cron_gc_runs()
        self.assertTrue(old.exists())
        self.assertEqual(self.orderpoint.jit_approval_run_id, old)
        self.assertEqual(len(self._open_activities(old)), 1)
        self.assertFalse(done.exists())
        # Once settled, the run goes at the next clean-up.
        self.orderpoint.with_user(self.manager).action_jit_approve()
        self.env["jit.run"]._cron_gc_runs()
        self.assertFalse(old.exists())

    def test_one_activity_per_approver_per_run(self):
        """Three waiting rules, batches of one rule: one activity on the
        run for the approver, counting the three."""
        ops = self.orderpoint
        for i in range(2):
            ops |= self._orderpoint(self._product(f"Approval batch {i}"))
        ops.write({"product_min_qty": 10, "product_max_qty": 20})
        for op in ops:
            self._deliveries(op.product_id, DAILY)
        self.env["ir.config_parameter"].sudo().set_param(
            "jit_replenishment.batch_size", "1"
        )
        run = ops._jit_recompute()
        self.assertEqual(set(ops.mapped("jit_state")), {"waiting"})
        activity = self._open_activities(run)
        self.assertEqual(len(activity), 1)
        self.assertEqual(activity.user_id, self.manager)
        self.assertIn("3 JIT change", activity.summary)

    def test_default_approver_matches_its_help(self):
        """No approver on the profile: the first JIT Manager of the rule's
        company by name (not a superuser) gets the activity, as its help
        says."""
        self.profile.approver_id = False
        first = new_test_user(
            self.env,
            login="jit_a_first",
            name="AAAA First manager",
            groups="stock.group_stock_manager",
        )
        run = self._waiting()
        self.assertEqual(self._open_activities(run).user_id, first)
        help_ = self.env["jit.profile"]._fields["approver_id"].help
        self.assertNotIn("last changed", help_)
        self.assertIn("first JIT Manager", help_)

    # --- point 9: freeze until --------------------------------------------
    def test_frozen_rule_keeps_its_values_until_the_date(self):
        """Applied 27.01 / 55.01, frozen until in 5 days; demand doubles:
        the proposal is computed and shown, min/max stay; after the date the
        recompute applies again."""
        self.profile.approval_threshold = 0.0
        self._deliveries(self.product, DAILY)
        self.orderpoint._jit_recompute()
        until = TODAY + timedelta(days=5)
        self.orderpoint.jit_freeze_until = until
        self._moves([(self.product, 40, 1, self.stock, self.customers)])
        run = self.orderpoint._jit_recompute()
        op = self.orderpoint
        self.assertEqual(op.jit_state, "frozen")
        self.assertAlmostEqual(op.product_min_qty, 27.01, places=2)
        self.assertAlmostEqual(op.product_max_qty, 55.01, places=2)
        self.assertGreater(op.jit_min_qty, 40)
        self.assertIn("2026-03-15", op.jit_message)
        self.assertEqual(run.line_ids.state, "frozen")
        with freeze_time(NOW + timedelta(days=6)):
            op._jit_recompute()
            self.assertEqual(op.jit_state, "applied")
            self.assertEqual(op.product_min_qty, op.jit_min_qty)

    def test_freezing_a_waiting_rule_settles_it(self):
        run = self._waiting()
        self.orderpoint.jit_freeze_until = date(2026, 4, 1)
        self.orderpoint._jit_recompute()
        self.assertEqual(self.orderpoint.jit_state, "frozen")
        self.assertEqual(
            (self.orderpoint.product_min_qty, self.orderpoint.product_max_qty),
            (10, 20),
        )
        self.assertFalse(self.orderpoint.jit_approval_run_id)
        self.assertFalse(self._open_activities(run))

    # --- point 13 ------------------------------------------------------------
    def test_negative_manual_min_does_not_fail_the_rule(self):
        """A manual min of -5 (Odoo allows it) on a rule switched to JIT: it
        is computed (the negative value counts as 0, so no approval), not
        failed for good."""
        self.profile.approval_threshold = 0.0
        self.orderpoint.write({"product_min_qty": -5, "product_max_qty": 10})
        self._deliveries(self.product, DAILY)
        run = self.orderpoint._jit_recompute()
        self.assertEqual(self.orderpoint.jit_state, "applied")
        self.assertAlmostEqual(self.orderpoint.product_min_qty, 27.01, places=2)
        self.assertEqual(run.line_ids.old_min_qty, -5)

    def test_run_has_no_chatter_noise(self):
        """A run posts no message and adds no follower."""
        self._deliveries(self.product, DAILY)
        run = (
            self.orderpoint.with_context(tracking_disable=False)
            .with_user(self.manager)
            ._jit_recompute()
        )
        self.assertFalse(run.message_ids)
        self.assertFalse(run.message_follower_ids)

    def test_runs_are_searchable_by_name(self):
        manual = self.orderpoint._jit_recompute(origin="manual")
        install = self.orderpoint._jit_recompute(origin="install")
        Run = self.env["jit.run"]
        with self.assertNoLogs("odoo", level="ERROR"):
            found = Run.search([("name", "ilike", "manual")])
            by_date = Run.search([("name", "ilike", "2026-03-10")])
            excluded = Run.search([("name", "not ilike", "manual")])
            names = Run.name_search("Install")
        self.assertIn(manual, found)
        self.assertNotIn(install, found)
        self.assertIn(install, excluded)
        self.assertNotIn(manual, excluded)
        self.assertLessEqual(manual | install, by_date)
        self.assertIn(install.id, [row[0] for row in names])

    def test_stale_running_run_is_closed_as_failed(self):
        """A scheduled run with no progress for longer than the job may take
        crashed: the next cron call marks it failed and starts a new run."""
        self._deliveries(self.product, DAILY)
        others = self.env["stock.warehouse.orderpoint"].search(
            [("jit_enabled", "=", True), ("id", "!=", self.orderpoint.id)]
        )
        others.jit_enabled = False
        stale = self.env["jit.run"].create(
            {"origin": "cron", "company_id": self.company.id, "rule_total": 1}
        )
        self.env.flush_all()
        # Started and last written a day ago.
        self.env.cr.execute(
            "UPDATE jit_run SET started_at = %s, write_date = %s WHERE id = %s",
            (NOW - timedelta(days=1), NOW - timedelta(days=1), stale.id),
        )
        stale.invalidate_recordset()
        self.env["stock.warehouse.orderpoint"]._cron_jit_recompute()
        self.assertEqual(stale.state, "failed")
        self.assertTrue(stale.finished_at)
        fresh = self.env["jit.run"].search([("origin", "=", "cron")]) - stale
        self.assertEqual(fresh.state, "done")
        self.assertEqual(fresh.rule_count, 1)

    def test_pull_trigger_respects_no_auto_scheduler(self):
        """With stock.no_auto_scheduler set (as Odoo's own trigger reads it),
        a validated delivery that brings the rule below its min orders
        nothing."""
        self._deliveries(self.product, DAILY)
        self.orderpoint.trigger = "auto"
        self.orderpoint._jit_recompute()
        self.env["stock.quant"]._update_available_quantity(
            self.product, self.stock, 30 + sum(DAILY)
        )
        self.env["ir.config_parameter"].sudo().set_param("stock.no_auto_scheduler", "1")
        picking = self._delivery(self.product, 10)
        picking.action_confirm()
        picking.move_ids.quantity = 10
        picking.move_ids.picked = True
        picking.button_validate()
        self.assertEqual(picking.state, "done")
        self.assertFalse(
            self.env["purchase.order.line"].search(
                [("product_id", "=", self.product.id)]
            )
        )


@tagged("post_install", "-at_install")
class TestJitMoveIndex(JitCase):
    """Point 11: the covering index on stock_move is built without blocking
    writes (CONCURRENTLY, after the install commits), dropped on
    uninstall."""

    INDEX = "stock_move_jit_done_covering_idx"

    def _index_valid(self):
        self.env.cr.execute(
            """
            SELECT i.indisvalid FROM pg_index i
              JOIN pg_class c ON c.oid = i.indexrelid
             WHERE c.relname = %s
            """,
            (self.INDEX,),
        )
        row = self.env.cr.fetchone()
        return row and row[0]

    def test_index_built_at_install(self):
        self.assertTrue(self._index_valid())

    def test_registry_init_does_not_build_it_in_the_transaction(self):
        self.env.cr.execute(f"DROP INDEX {self.INDEX}")  # rolled back
        self.env["stock.warehouse.orderpoint"].init()
        self.assertIsNone(self._index_valid())

    def test_post_init_defers_a_concurrent_build(self):
        callbacks = []
        self.patch(
            type(self.env.cr.postcommit), "add", lambda _s, f: callbacks.append(f)
        )
        hooks.post_init_hook(self.env)
        self.assertEqual(len(callbacks), 1)
        self.assertIn("CONCURRENTLY", hooks.CREATE_MOVE_INDEX)

    def test_uninstall_hook_drops_it(self):
        hooks.uninstall_hook(self.env)
        self.assertIsNone(self._index_valid())
