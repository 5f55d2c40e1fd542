# Copyright 2026 JIT Replenishment Suite
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""The reports' screens as Chromium shows them: the Slow-Moving Stock list
says what it lists and why it may be empty; the JIT KPI pivot shows its
rates as percentages."""

from lxml import etree

from odoo.tests import TransactionCase, tagged


@tagged("post_install", "-at_install")
class TestJitReportScreens(TransactionCase):
    def test_slow_moving_action_explains_an_empty_list(self):
        action = self.env.ref("jit_replenishment.action_jit_dead_stock_report")
        self.assertTrue(action.help, "no help: an empty list says nothing")
        help_tree = etree.fromstring(f"<div>{action.help}</div>")
        self.assertTrue(
            help_tree.xpath("//p[hasclass('o_view_nocontent_smiling_face')]")
        )
        text = " ".join(help_tree.itertext())
        self.assertIn("90 days", text)  # the default filter's idle threshold
        self.assertIn("consum", text)

    def test_kpi_rates_shown_as_percentages(self):
        rates = {
            "stockout_rate",
            "fill_rate",
            "service_level",
            "target_service_level",
            "service_gap",
            "reorder_accuracy",
        }
        arch = self.env["jit.kpi.report"].get_view(
            self.env.ref("jit_replenishment.jit_kpi_report_view_pivot").id, "pivot"
        )["arch"]
        widgets = {
            node.get("name"): node.get("widget")
            for node in etree.fromstring(arch).iter("field")
        }
        self.assertEqual(
            {name: widgets.get(name) for name in rates},
            dict.fromkeys(rates, "percentage"),
        )
        for xmlid, rate in (
            ("jit_kpi_report_view_graph", "fill_rate"),
            ("jit_kpi_report_view_graph_stockout", "stockout_rate"),
        ):
            arch = self.env["jit.kpi.report"].get_view(
                self.env.ref(f"jit_replenishment.{xmlid}").id, "graph"
            )["arch"]
            (node,) = etree.fromstring(arch).xpath(f"//field[@name='{rate}']")
            self.assertEqual(node.get("widget"), "percentage", xmlid)
