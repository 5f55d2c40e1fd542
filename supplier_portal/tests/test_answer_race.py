# Copyright 2026 JIT Replenishment Suite
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""A vendor's answer racing the fallback job, both committed in two threads:
exactly one of them wins (jit_replenishment's race fixture, with the
confirmation going through the portal's answer path)."""

from odoo.exceptions import UserError
from odoo.tests import tagged

# The fixture without tests: jit_replenishment's own races run there, once.
from odoo.addons.jit_replenishment.tests.test_jit_concurrency import (
    JitFallbackRaceCase,
)


@tagged("post_install", "-at_install")
class TestVendorAnswerRace(JitFallbackRaceCase):
    def _vendor_confirm_all(self, env):
        order = env["purchase.order"].browse(self.ids["order"])
        return order._vendor_answer(
            [{"line_id": line.id, "answer": "confirm"} for line in order.order_line],
            "portal",
        )

    def test_vendor_answer_after_fallback_is_refused(self):
        with self._slow("_jit_reissue"):
            results = self._race(self._fallback, self._vendor_confirm_all)
        self.assertIs(results[1], True)
        self.assertIsInstance(results[2], UserError)
        self.assertIn("re-issued", str(results[2]))
        self.assertEqual(self._replacements(), (1, "cancel"))

    def test_vendor_answer_first_wins_over_the_fallback(self):
        with self._slow("_jit_record_confirmation"):
            results = self._race(self._vendor_confirm_all, self._fallback)
        self.assertEqual(results[1]["state"], "purchase")
        self.assertIs(results[2], False)
        self.assertEqual(self._replacements(), (0, "purchase"))
