# Copyright 2026 JIT Replenishment Suite
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""What the buyer reads on the JIT screens (issue 13): proposals next to the
current values, the reason of a change, a notification for every action."""

import time

from freezegun import freeze_time
from lxml import etree

from odoo import Command
from odoo.tests import new_test_user, tagged

from .common import NOW, TODAY, JitCase
from .test_jit_compute import DAILY


@tagged("post_install", "-at_install")
@freeze_time(NOW)
class TestJitScreens(JitCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.manager = new_test_user(
            cls.env,
            login="jit_screens_manager",
            groups="stock.group_stock_user,jit_replenishment.group_jit_manager",
        )
        cls.buyer = new_test_user(
            cls.env,
            login="jit_screens_buyer",
            groups="stock.group_stock_user,jit_replenishment.group_jit_buyer",
        )
        cls.profile.write({"approval_threshold": 0.5})

    def _waiting(self):
        """min 10 / max 20 against computed 27.01 / 55.01: waits."""
        op = self.orderpoint
        op.write({"product_min_qty": 10, "product_max_qty": 20})
        self._deliveries(op.product_id, DAILY)
        run = op._jit_recompute()
        self.assertEqual(op.jit_state, "waiting")
        return run

    # --- point 1: the proposal only where it differs ---------------------
    def test_proposal_shown_only_where_it_differs(self):
        """Applied: nothing to propose. Waiting: 10 -> 27.01 is +170%
        ((27.01 - 10) / 10 = 1.701), 20 -> 55.01 is +175% (35.01 / 20)."""
        self._deliveries(self.product, DAILY)
        self.orderpoint._jit_recompute()
        self.assertEqual(self.orderpoint.jit_state, "applied")
        self.assertFalse(self.orderpoint.jit_proposal_shown)
        self.assertFalse(self.orderpoint.jit_change_summary)
        self.orderpoint.write({"product_min_qty": 10, "product_max_qty": 20})
        self.orderpoint._jit_recompute()
        self.assertEqual(self.orderpoint.jit_state, "waiting")
        self.assertTrue(self.orderpoint.jit_proposal_shown)
        self.assertEqual(self.orderpoint.jit_change_summary, "+170% / +175%")

    def test_jit_rules_list_has_figures_and_groupings(self):
        """The JIT Rules menu's list offers ADU, sigma, lead time and safety
        stock as optional columns (hidden by default), shows the proposal
        only where it differs, and its search groups by JIT state and vendor."""
        action = self.env.ref("jit_replenishment.action_jit_orderpoints")
        views = self.env["stock.warehouse.orderpoint"].get_views(
            [(action.view_id.id, "list"), (action.search_view_id.id, "search")]
        )["views"]
        arch = etree.fromstring(views["list"]["arch"])
        for fname in ("jit_adu", "jit_sigma", "jit_lead_time", "jit_safety_stock"):
            (node,) = arch.xpath(f"//field[@name='{fname}']")
            self.assertEqual(node.get("optional"), "hide", fname)
        for fname in ("jit_min_qty", "jit_max_qty", "jit_change_summary"):
            (node,) = arch.xpath(f"//field[@name='{fname}']")
            self.assertEqual(node.get("invisible"), "not jit_proposal_shown", fname)
        search = etree.fromstring(views["search"]["arch"])
        groupbys = {node.get("context") for node in search.xpath("//filter[@context]")}
        self.assertIn("{'group_by': 'jit_state'}", groupbys)
        self.assertIn("{'group_by': 'product_supplier_id'}", groupbys)

    # --- point 2: why it changed, who proposed it -------------------------
    def test_waiting_rule_explains_its_change_and_run(self):
        """First night applied at lead time 4 days; the vendor now needs 12
        days: the proposal waits and says that the lead time moved (ADU and
        sigma did not). Approved: the run pointer and its note are cleared."""
        self._deliveries(self.product, DAILY)
        self.orderpoint._jit_recompute()
        self.assertEqual(self.orderpoint.jit_state, "applied")
        self.product.seller_ids.delay = 12
        run = self.orderpoint._jit_recompute()
        op = self.orderpoint
        self.assertEqual(op.jit_state, "waiting")
        self.assertEqual(op.jit_change_reason, "lead time 4.0 days → 12.0 days")
        self.assertEqual(op.jit_approval_run_id, run)
        self.assertEqual(op.jit_approval_note, run._jit_describe())
        self.assertIn("Recompute by", op.jit_approval_note)
        self.assertIn("2026", op.jit_approval_note)
        op.with_user(self.manager).action_jit_approve()
        self.assertFalse(op.jit_approval_run_id)
        self.assertFalse(op.jit_approval_note)
        self.assertFalse(op.jit_proposal_shown)

    def test_first_computation_says_so(self):
        run = self._waiting()
        self.assertTrue(run)
        self.assertTrue(
            self.orderpoint.jit_change_reason.startswith("First computation: ADU 4.00"),
            self.orderpoint.jit_change_reason,
        )

    # --- point 3: every action answers -------------------------------------
    def test_approve_and_reject_answer_with_counts(self):
        self._waiting()
        other = self._orderpoint(self._product("JIT Other"))
        result = (self.orderpoint | other).with_user(self.manager).action_jit_approve()
        self.assertEqual(result["tag"], "display_notification")
        self.assertEqual(
            result["params"]["message"],
            "1 rule(s) approved: their new minimum and maximum apply now. "
            "1 selected rule(s) were not waiting for approval.",
        )
        self.orderpoint.write({"product_min_qty": 10, "product_max_qty": 20})
        self.orderpoint._jit_recompute()
        result = self.orderpoint.with_user(self.manager).action_jit_reject()
        self.assertEqual(
            result["params"]["message"],
            "1 rule(s) rejected: they keep their current minimum and maximum.",
        )

    def test_approve_and_reject_refuse_when_no_rule_waits(self):
        """The list's Approve / Reject apply to any selection: with no rule
        waiting they refuse in a warning that names how many were selected
        and not waiting, and change nothing."""
        self._deliveries(self.product, DAILY)
        self.orderpoint._jit_recompute()
        self.assertEqual(self.orderpoint.jit_state, "applied")
        other = self._orderpoint(self._product("JIT Other"))
        rules = (self.orderpoint | other).with_user(self.manager)
        for action, title in (
            (rules.action_jit_approve, "Nothing approved"),
            (rules.action_jit_reject, "Nothing rejected"),
        ):
            result = action()
            self.assertEqual(result["params"]["type"], "warning")
            self.assertEqual(result["params"]["title"], title)
            self.assertEqual(
                result["params"]["message"],
                "None of the 2 selected rule(s) is waiting for approval: "
                "2 rule(s) not waiting, nothing changed.",
            )
        self.assertEqual(self.orderpoint.jit_state, "applied")
        self.assertFalse(self.orderpoint.jit_rejected_min_qty)

    def test_enable_on_products_answers_and_opens_rules(self):
        """A product without any move: its rule is created and recomputed,
        and the notification says it is still without history."""
        fresh = self._product("JIT Fresh")
        result = fresh.product_tmpl_id.with_user(self.buyer).action_jit_enable()
        self.assertEqual(result["tag"], "display_notification")
        message = result["params"]["message"]
        self.assertIn("JIT enabled on 2 rule(s) of 1 product(s)", message)
        self.assertIn("(2 rule(s) created)", message)
        self.assertIn("2 still without history", message)
        self.assertEqual(
            result["params"]["next"]["res_model"], "stock.warehouse.orderpoint"
        )

    def test_recompute_now_answers_with_counts(self):
        self._deliveries(self.product, DAILY)
        result = self.orderpoint.with_user(self.buyer).action_jit_recompute()
        self.assertEqual(
            result["params"]["message"], "1 rule(s) recomputed: 1 applied."
        )

    def test_sla_compute_now_says_why_there_is_no_figure(self):
        vendor = self.env["res.partner"].create({"name": "Idle Vendor"})
        contract = self.env["jit.sla.contract"].create(
            {"partner_id": vendor.id, "company_id": self.company.id}
        )
        result = contract.with_user(self.manager).action_compute_sla()
        self.assertEqual(result["tag"], "display_notification")
        self.assertEqual(result["params"]["type"], "warning")
        self.assertIn(
            "Idle Vendor: no SLA figures, because no purchase line was due",
            result["params"]["message"],
        )

    def test_no_action_twice_in_list_and_actions_menu(self):
        """Recompute, Approve and Reject are list and form buttons; the
        Actions menu does not repeat them."""
        bound = self.env["ir.actions.server"].search(
            [
                ("binding_model_id.model", "=", "stock.warehouse.orderpoint"),
                ("code", "ilike", "action_jit_"),
            ]
        )
        self.assertFalse(bound, bound.mapped("name"))

    # --- point 4: the profile in one line; no figures without history -----
    def test_profile_summary_says_where_it_comes_from(self):
        self.assertEqual(
            self.orderpoint.jit_profile_summary, "Test 10 days, set on this rule"
        )
        categ = self.env["product.category"].create(
            {"name": "JIT Screens Categ", "jit_profile_id": self.profile.id}
        )
        product = self._product("JIT Categ Product", categ_id=categ.id)
        op = self._orderpoint(product, jit_profile_id=False)
        self.assertEqual(
            op.jit_profile_summary,
            "Test 10 days, from the product category JIT Screens Categ",
        )
        categ.jit_profile_id = False
        op.invalidate_recordset(["jit_profile_summary"])
        default = self.company._jit_default_profile()
        self.assertEqual(op.jit_profile_summary, f"{default.name}, company default")

    def test_rule_form_hides_figures_without_history(self):
        arch = etree.fromstring(
            self.env["stock.warehouse.orderpoint"].get_views([(False, "form")])[
                "views"
            ]["form"]["arch"]
        )
        (results,) = arch.xpath("//group[@name='jit_results']")
        self.assertIn("no_history", results.get("invisible"))
        self.assertFalse(results.xpath(".//field[@name='jit_max_qty']"))

    # --- point 5: the chart of one rule -------------------------------------
    def test_consumption_chart_series_and_action(self):
        """DAILY's last day (yesterday) consumed 10: the chart's consumption
        series says 10 that day, 0 on a day without moves (day 2: 0), and
        ADU, Min and Max are the rule's."""
        self._deliveries(self.product, DAILY)
        self.orderpoint._jit_recompute()
        op = self.orderpoint
        rows = self.env["jit.consumption.chart"].search(
            [("orderpoint_id", "=", op.id), ("date", "=", TODAY.replace(day=9))]
        )
        values = {row.series: row.quantity for row in rows}
        self.assertEqual(values["consumption"], 10)
        self.assertAlmostEqual(values["adu"], op.jit_adu, places=4)
        self.assertEqual(values["min"], op.product_min_qty)
        self.assertEqual(values["max"], op.product_max_qty)
        quiet = self.env["jit.consumption.chart"].search(
            [
                ("orderpoint_id", "=", op.id),
                ("date", "=", TODAY.replace(day=1)),
                ("series", "=", "consumption"),
            ]
        )
        self.assertEqual(quiet.quantity, 0)
        action = op.with_user(self.buyer).action_view_jit_consumption()
        self.assertEqual(action["res_model"], "jit.consumption.chart")
        self.assertEqual(action["name"], f"Consumption of {self.product.display_name}")
        self.assertEqual(
            action["context"]["search_default_product_id"], self.product.id
        )

    # --- point 6: a run's real duration -----------------------------------
    def test_run_duration_is_measured(self):
        """Started 1.5 s before it closes (the clock keeps microseconds, the
        start date only whole seconds): the duration is 1.5 s, not 0."""
        run = self.env["jit.run"].create({"company_id": self.company.id})
        run.started_clock = time.time() - 1.5
        run._close()
        self.assertAlmostEqual(run.duration, 1.5, places=2)

    # --- point 7: vendors without supplier rank -----------------------------
    def test_vendor_tab_for_price_lines_and_orders(self):
        priced = self.env["res.partner"].create({"name": "Priced Vendor"})
        ordered = self.env["res.partner"].create({"name": "Ordered Vendor"})
        stranger = self.env["res.partner"].create({"name": "Just a contact"})
        self.product.product_tmpl_id.seller_ids = [
            Command.create({"partner_id": priced.id})
        ]
        self.env["purchase.order"].create(
            {
                "partner_id": ordered.id,
                "order_line": [Command.create({"product_id": self.product.id})],
            }
        )
        (priced | ordered).supplier_rank = 0
        self.assertEqual(
            (priced | ordered | stranger).mapped("jit_is_vendor"), [True, True, False]
        )
        arch = etree.fromstring(
            self.env["res.partner"].get_views([(False, "form")])["views"]["form"][
                "arch"
            ]
        )
        (page,) = arch.xpath("//page[@name='jit_sla']")
        self.assertEqual(page.get("invisible"), "not jit_is_vendor")
        # No score next to a blank standing.
        (score,) = arch.xpath("//field[@name='jit_sla_score']")
        self.assertEqual(score.get("invisible"), "not jit_sla_standing")

    # --- point 8: the vendor's answer, not the buyer's ---------------------
    def test_purchase_answer_says_who_confirmed(self):
        def rfq():
            return self.env["purchase.order"].create(
                {
                    "partner_id": self.vendor.id,
                    "jit_managed": True,
                    "order_line": [
                        Command.create(
                            {"product_id": self.product.id, "product_qty": 5}
                        )
                    ],
                }
            )

        by_buyer = rfq()
        by_buyer.with_context(jit_channel="buyer").button_confirm()
        self.assertFalse(by_buyer.jit_vendor_answer)
        self.assertEqual(by_buyer.jit_confirmation_note, "Confirmed by buyer")
        by_vendor = rfq()
        by_vendor.with_context(jit_channel="portal").button_confirm()
        self.assertEqual(by_vendor.jit_vendor_answer, "Confirmed by vendor")
        self.assertEqual(
            by_vendor.jit_confirmation_note, "Confirmed by vendor, in the portal"
        )
        pending = rfq()
        pending.write({"state": "sent", "jit_vendor_state": "pending"})
        self.assertEqual(pending.jit_vendor_answer, "Awaiting vendor")
        labels = self.env["purchase.order"].fields_get(
            ["jit_rejection_reason"], ["string"]
        )
        self.assertEqual(labels["jit_rejection_reason"]["string"], "Rejection Reason")

    def test_purchase_events_leave_empty_quantities_blank(self):
        arch = etree.fromstring(
            self.env["purchase.order"].get_views([(False, "form")])["views"]["form"][
                "arch"
            ]
        )
        for fname in ("promised_qty", "actual_qty"):
            (node,) = arch.xpath(
                f"//field[@name='jit_event_ids']//field[@name='{fname}']"
            )
            self.assertEqual(node.get("invisible"), f"not {fname}")

    # --- point 9: settings in a buyer's words --------------------------------
    def test_settings_help_has_no_jargon(self):
        arch = self.env["res.config.settings"].get_views([(False, "form")])["views"][
            "form"
        ]["arch"]
        block = etree.fromstring(arch).xpath("//block[@name='jit_setting_container']")[
            0
        ]
        text = etree.tostring(block, encoding="unicode").lower()
        for jargon in ("savepoint", "bulk write", "query", "sla job"):
            self.assertNotIn(jargon, text)
        helps = self.env["res.config.settings"].fields_get(["jit_batch_size"], ["help"])
        self.assertNotIn("savepoint", helps["jit_batch_size"]["help"])
