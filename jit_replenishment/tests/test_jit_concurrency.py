# Copyright 2026 JIT Replenishment Suite
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Races between real, separately committed transactions.

TransactionCase runs everything in one transaction, which cannot show a race,
so these tests commit their fixtures through the registry's own cursors, run
two transactions in two threads and clean up afterwards.
"""

import time
import uuid
from datetime import timedelta
from unittest.mock import patch

from odoo import SUPERUSER_ID, Command, api, fields
from odoo.exceptions import UserError
from odoo.modules.registry import Registry
from odoo.service.model import retrying
from odoo.tests import BaseCase, get_db_name, tagged

from .common import RaceMixin

HOLD = 1.0  # seconds a transaction keeps its lock while the other one runs


class JitFallbackRaceCase(RaceMixin, BaseCase):
    """The race fixture and helpers, without tests: other addons' race tests
    subclass it (so these tests run once, here)."""

    def setUp(self):
        super().setUp()
        self.registry = Registry(get_db_name())
        tag = uuid.uuid4().hex[:8]
        with self.registry.cursor() as cr:
            env = api.Environment(cr, SUPERUSER_ID, {})
            vendor, backup = env["res.partner"].create(
                [
                    {"name": f"Race vendor {tag}", "email": "race@example.com"},
                    {"name": f"Race backup {tag}", "email": "backup@example.com"},
                ]
            )
            product = env["product.product"].create(
                {
                    "name": f"Race product {tag}",
                    "is_storable": True,
                    "seller_ids": [
                        Command.create(
                            {"partner_id": vendor.id, "sequence": 1, "delay": 1}
                        ),
                        Command.create(
                            {"partner_id": backup.id, "sequence": 2, "delay": 1}
                        ),
                    ],
                }
            )
            orderpoint = self._jit_rule(env, product)
            order = env["purchase.order"].create(
                {
                    "partner_id": vendor.id,
                    "order_line": [
                        Command.create(
                            {
                                "product_id": product.id,
                                "product_qty": 5,
                                "orderpoint_id": orderpoint.id,
                            }
                        )
                    ],
                }
            )
            order.write({"state": "sent"})
            # The deadline has just passed.
            order.write(
                {
                    "jit_confirmation_deadline": fields.Datetime.now()
                    - timedelta(minutes=1)
                }
            )
            self.ids = {
                "order": order.id,
                "product": product.id,
                "orderpoint": orderpoint.id,
                "partners": [vendor.id, backup.id],
            }
        self.addCleanup(self._cleanup)

    def _cleanup(self):
        with self.registry.cursor() as cr:
            env = api.Environment(cr, SUPERUSER_ID, {})
            orders = env["purchase.order"].search(
                [("partner_id", "in", self.ids["partners"])]
            )
            orders.button_cancel()
            orders.unlink()
            env["stock.warehouse.orderpoint"].browse(self.ids["orderpoint"]).unlink()
            # Cancelled stock moves keep the product: archive it.
            env["product.product"].browse(
                self.ids["product"]
            ).product_tmpl_id.active = False

    def _in_transaction(self, func, results, key, start):
        """Run func in its own transaction, as Odoo serves a request: a
        serialization failure (REPEATABLE READ) is retried from the start."""
        try:
            with self.registry.cursor() as cr:
                env = api.Environment(cr, SUPERUSER_ID, {})
                start.wait(timeout=10)
                results[key] = retrying(lambda: func(env), env)
        except Exception as exc:  # noqa: BLE001 - the test inspects it
            results[key] = exc

    def _replacements(self):
        with self.registry.cursor() as cr:
            env = api.Environment(cr, SUPERUSER_ID, {})
            order = env["purchase.order"].browse(self.ids["order"])
            return (
                env["purchase.order"].search_count(
                    [("jit_original_order_id", "=", order.id)]
                ),
                order.state,
            )

    def _slow(self, method):
        """Patch `method` of purchase.order to hold its transaction HOLD s."""
        model_class = self.registry["purchase.order"]
        original = getattr(model_class, method)

        def slow(records, *args, **kwargs):
            result = original(records, *args, **kwargs)
            time.sleep(HOLD)
            return result

        return patch.object(model_class, method, slow)

    def _fallback(self, env):
        """Did this fallback job re-issue our order? (Other orders of the
        database may be due too: only ours counts.)"""
        return self.ids["order"] in env["purchase.order"]._cron_jit_fallback().ids

    def _confirm(self, env):
        return env["purchase.order"].browse(self.ids["order"]).button_confirm()


@tagged("post_install", "-at_install")
class TestJitFallbackConcurrency(JitFallbackRaceCase):
    def test_two_fallback_jobs_at_once_make_one_replacement(self):
        with self._slow("_jit_reissue"):
            results = self._race(self._fallback, self._fallback)
        # The first job re-issued the order; the second skipped the locked row.
        self.assertEqual(sorted(results.values()), [False, True])
        self.assertEqual(self._replacements(), (1, "cancel"))

    def test_confirmation_after_fallback_is_refused(self):
        with self._slow("_jit_reissue"):
            results = self._race(self._fallback, self._confirm)
        self.assertIs(results[1], True)
        self.assertIsInstance(results[2], UserError)
        self.assertIn("re-issued", str(results[2]))
        self.assertEqual(self._replacements(), (1, "cancel"))

    def test_confirmation_first_wins_over_the_deadline(self):
        with self._slow("_jit_record_confirmation"):
            results = self._race(self._confirm, self._fallback)
        self.assertTrue(results[1])
        self.assertIs(results[2], False)
        self.assertEqual(self._replacements(), (0, "purchase"))
