# Copyright 2026 JIT Replenishment Suite
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Issue 16: two requests with the same idempotency key at the same time (a
device that resends after a lost connection while the first request still
runs) make one move. Real, separately committed transactions, as in
test_jit_concurrency."""

import time
import uuid
from unittest.mock import patch

from odoo import SUPERUSER_ID, api
from odoo.modules.registry import Registry
from odoo.service.model import retrying
from odoo.tests import BaseCase, get_db_name, new_test_user, tagged

from ..services import scan as scan_service
from .common import RaceMixin

HOLD = 1.0  # seconds the first request keeps its transaction open


@tagged("post_install", "-at_install")
class TestJitScanConcurrency(RaceMixin, BaseCase):
    def setUp(self):
        super().setUp()
        self.registry = Registry(get_db_name())
        self.tag = uuid.uuid4().hex[:8]
        with self.registry.cursor() as cr:
            env = api.Environment(cr, SUPERUSER_ID, {})
            product = env["product.product"].create(
                {
                    "name": f"Race scan {self.tag}",
                    "is_storable": True,
                    "barcode": f"RACE-{self.tag}",
                }
            )
            warehouse = env["stock.warehouse"].search(
                [("company_id", "=", env.company.id)], limit=1
            )
            env["stock.quant"]._update_available_quantity(
                product, warehouse.lot_stock_id, 10
            )
            user = new_test_user(
                env,
                login=f"race_scan_{self.tag}",
                groups="jit_replenishment.group_jit_consumption",
            )
            self.ids = {
                "product": product.id,
                "location": warehouse.lot_stock_id.id,
                "user": user.id,
            }
        self.addCleanup(self._cleanup)

    def _cleanup(self):
        with self.registry.cursor() as cr:
            env = api.Environment(cr, SUPERUSER_ID, {})
            # Done moves stay (stock history): archive what the test made.
            env["product.product"].browse(self.ids["product"]).active = False
            env["res.users"].browse(self.ids["user"]).active = False

    def _scan(self, key):
        def call(env):
            result = (
                env["jit.consumption"]
                .with_user(self.ids["user"])
                .scan(f"RACE-{self.tag}", 2, self.ids["location"], key)
            )
            return result["id"], result["move_id"]

        return call

    def _in_transaction(self, func, results, index, start):
        """Run func in its own transaction, as Odoo serves a request: a
        serialization failure (REPEATABLE READ) is retried from the start."""
        try:
            with self.registry.cursor() as cr:
                env = api.Environment(cr, SUPERUSER_ID, {})
                start.wait(timeout=10)
                results[index] = retrying(lambda: func(env), env)
        except Exception as exc:  # noqa: BLE001 - the test inspects it
            results[index] = exc

    def _slow_move(self):
        """The first request holds its transaction HOLD s after its move."""
        original = scan_service.make_move

        def slow(*args, **kwargs):
            move = original(*args, **kwargs)
            time.sleep(HOLD)
            return move

        return patch.object(scan_service, "make_move", slow)

    def _moves(self):
        with self.registry.cursor() as cr:
            env = api.Environment(cr, SUPERUSER_ID, {})
            return (
                env["stock.move"].search_count(
                    [("product_id", "=", self.ids["product"])]
                ),
                env["jit.consumption"].search_count(
                    [("product_id", "=", self.ids["product"])]
                ),
            )

    def test_same_key_at_once_makes_one_move(self):
        """The second request waits on the first one's key, then (its
        snapshot predates the first commit) fails to serialize; the retry
        returns the first request's scan and move."""
        key = f"race-{self.tag}"
        with self._slow_move():
            results = self._race(self._scan(key), self._scan(key))
        self.assertIsInstance(results[1], tuple, results[1])
        self.assertEqual(results[2], results[1])
        self.assertEqual(self._moves(), (1, 1))

    def test_different_keys_at_once_make_two_moves(self):
        with self._slow_move():
            results = self._race(
                self._scan(f"a-{self.tag}"), self._scan(f"b-{self.tag}")
            )
        self.assertNotEqual(results[1], results[2])
        self.assertEqual(self._moves(), (2, 2))
