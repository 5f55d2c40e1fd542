from odoo.tests import TransactionCase, tagged


@tagged("post_install", "-at_install")
class TestDemo(TransactionCase):
    """What `make run` shows first: the demo must hold something to see on
    every JIT screen (the test database is installed with demo data)."""

    def test_demo_rules_runs_sla_and_waiting_rfq(self):
        bolt = self.env.ref("jit_replenishment.product_jit_bolt_demo")
        rule = self.env["stock.warehouse.orderpoint"].search(
            [("product_id", "=", bolt.id), ("jit_enabled", "=", True)]
        )
        self.assertEqual(len(rule), 1)
        self.assertGreater(rule.jit_adu, 0)
        self.assertGreater(rule.product_min_qty, 0)
        self.assertTrue(rule.jit_last_run_id, "the demo rule was computed by a run")

        vendor = self.env.ref("base.res_partner_1")
        scores = self.env["jit.sla.score"].search([("partner_id", "=", vendor.id)])
        self.assertTrue(scores, "the bolt's vendor has SLA figures")
        # Ten weekly orders with two late receipts: not every line on time.
        self.assertLess(min(scores.mapped("on_time_rate")), 1.0)
        self.assertTrue(all(s.lines_due > 0 for s in scores))

        waiting = self.env["purchase.order"].search(
            [
                ("jit_managed", "=", True),
                ("state", "=", "sent"),
                ("jit_vendor_state", "=", "pending"),
                ("partner_id", "=", self.env.ref("base.res_partner_12").id),
            ]
        )
        self.assertEqual(len(waiting), 1, "an RFQ waits for the vendor's answer")
        self.assertTrue(waiting.jit_confirmation_deadline)
