# Copyright 2026 JIT Replenishment Suite
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""The consumption ledger (services/ledger.py) counts what the moves count:
after every kind of change it equals the direct count of the done moves
(consumption.entries_from_moves), each move once."""

from datetime import timedelta

import numpy as np
from freezegun import freeze_time

from odoo.tests import tagged

from ..services import consumption, ledger
from .common import NOW, JitCase


@tagged("post_install", "-at_install")
@freeze_time(NOW)
class TestJitLedger(JitCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        p, stock, customers = cls.product, cls.stock, cls.customers
        # (product, qty, days ago, source, destination)
        cls.moves = cls._moves(
            [
                (p, 10, 9, stock, customers),
                (p, 4, 7, cls.shelf, customers),
                (p, 3, 5, customers, stock),  # a return, alone on its day
                (p, 6, 2, stock, customers),
                (p, 2, 1, stock, cls.scrap),
                (p, 5, 15, stock, customers),  # before a 10-day window
            ]
        )
        cls.other = cls._orderpoint(cls.product, warehouse=cls.other_wh)
        cls.rules = cls.orderpoint | cls.other

    def _counts(self, window=10):
        """(ledger buckets, direct buckets) of both rules over `window`."""
        ops = self.rules
        rules = ops._jit_read_rules()
        days = ops._jit_window(self.company, NOW, window)
        n, zero = len(rules["id"]), np.zeros(len(rules["id"]), dtype=np.int64)
        ledger_buckets, _ = ops._jit_consumption(
            rules, days, ops._jit_consumption_entries(rules, days), np.zeros(n), zero
        )
        moves = ops._jit_done_moves(rules, days, consuming_only=False)
        direct, _ = ops._jit_consumption(
            rules, days, consumption.entries_from_moves(rules, moves), np.zeros(n), zero
        )
        return ledger_buckets, direct

    def _row(self, warehouse=None):
        """The ledger row of the product in `warehouse`'s boundary."""
        boundary = (warehouse or self.warehouse).view_location_id
        self.env.cr.execute(
            "SELECT entries, horizon, synced_at FROM jit_consumption_ledger"
            " WHERE boundary_id = %s AND product_id = %s",
            (boundary.id, self.product.id),
        )
        return self.env.cr.fetchone()

    def _assert_same(self, window=10):
        ledger_buckets, direct = self._counts(window)
        np.testing.assert_array_equal(ledger_buckets, direct)
        return ledger_buckets

    def test_first_read_builds_one_row_per_boundary(self):
        """Window of 10 days ending yesterday (days ago 10 .. 1 = index 0 ..
        9): delivery 10 (9 days ago, index 1), shelf delivery 4 (index 3),
        return -3 (index 5), delivery 6 (index 8), scrap 2 (index 9); the
        delivery of 5, 15 days ago, is outside. The other warehouse's rule
        counts nothing of WH/Stock."""
        buckets = self._assert_same()
        expected = [0, 10, 0, 4, 0, -3, 0, 0, 6, 2]
        self.assertEqual(buckets[0].tolist(), expected)
        self.assertEqual(buckets[1].tolist(), [0] * 10)
        entries, horizon, _synced = self._row()
        self.assertEqual(len(np.frombuffer(entries, dtype=ledger.ENTRY)), 5)
        self.assertEqual(horizon, NOW.replace(hour=0) - timedelta(days=10))
        self.assertIsNotNone(self._row(self.other_wh))

    def test_moves_written_since_are_counted_once(self):
        """A new delivery of 7 yesterday, a return of the delivery of 6
        (-6, 2 days ago), and the delivery of 10 moved by the ORM to 8 days
        ago: the ledger equals the direct count, each move once."""
        self._assert_same()
        p, stock, customers = self.product, self.stock, self.customers
        self._moves([(p, 7, 1, stock, customers), (p, 6, 2, customers, stock)])
        self.moves[0].date = NOW.replace(hour=10) - timedelta(days=8)
        self.env.flush_all()
        buckets = self._assert_same()
        self.assertEqual(buckets[0].tolist(), [0, 0, 10, 4, 0, -3, 0, 0, 0, 9])
        entries, _horizon, _synced = self._row()
        ids = np.frombuffer(entries, dtype=ledger.ENTRY)["move"]
        self.assertEqual(len(ids), len(set(ids.tolist())))
        self.assertEqual(len(ids), 7)

    def test_only_moves_written_since_the_last_sync_are_read(self):
        """A move changed by SQL without its write_date is not read again
        (the ledger reads what was written since it was brought up to date);
        once its write_date is set, as a script must, it is."""
        self._assert_same()
        move = self.moves[3]  # the delivery of 6, index 8
        self.env.cr.execute(
            "UPDATE jit_consumption_ledger SET synced_at = %s WHERE product_id = %s",
            (move.write_date + timedelta(seconds=1), self.product.id),
        )
        self.env.cr.execute(
            "UPDATE stock_move SET quantity = 1 WHERE id = %s", (move.id,)
        )
        ledger_buckets, direct = self._counts()
        self.assertEqual(ledger_buckets[0][8], 6)
        self.assertEqual(direct[0][8], 1)
        self.env.cr.execute(
            "UPDATE stock_move SET write_date = %s WHERE id = %s",
            (move.write_date + timedelta(seconds=2), move.id),
        )
        self.assertEqual(self._assert_same()[0][8], 1)

    def test_rebuilt_when_a_location_moves(self):
        """The shelf leaves WH for the other warehouse: its delivery of 4
        (index 3) now counts there, not in WH."""
        self._assert_same()
        self.shelf.location_id = self.other_wh.lot_stock_id
        buckets = self._assert_same()
        self.assertEqual(buckets[0][3], 0)
        self.assertEqual(buckets[1][3], 4)

    def test_reaches_back_when_the_window_grows(self):
        """A 20-day window reaches the delivery of 5, 15 days ago (index 5
        of 20), which the 10-day ledger row did not hold."""
        self._assert_same()
        buckets = self._assert_same(window=20)
        self.assertEqual(buckets[0][5], 5)
        self.assertEqual(buckets[0].sum(), 10 + 4 - 3 + 6 + 2 + 5)
        _entries, horizon, _synced = self._row()
        self.assertEqual(horizon, NOW.replace(hour=0) - timedelta(days=20))

    def test_rules_sharing_a_boundary_share_one_row(self):
        """A second rule of the product on the shelf (inside WH) counts at
        WH's boundary too: one ledger row serves both rules, each gets the
        same entries as the direct count."""
        shelf_rule = self._orderpoint(self.product, location_id=self.shelf.id)
        self.rules |= shelf_rule
        buckets = self._assert_same()
        self.assertEqual(buckets[0].tolist(), buckets[2].tolist())
        self.assertEqual(buckets[2].sum(), 10 + 4 - 3 + 6 + 2)
        self.env.cr.execute(
            "SELECT count(*) FROM jit_consumption_ledger WHERE product_id = %s",
            (self.product.id,),
        )
        self.assertEqual(self.env.cr.fetchone()[0], 2)  # WH and the other WH

    def test_watermark_is_the_oldest_open_transaction(self):
        """Moves of a transaction still open are stamped with its start:
        seen from a later transaction, the watermark is that start."""
        start = self.env.cr.now()
        with self.env.registry.cursor() as cr:
            later = self.env(cr=cr)
            self.assertEqual(ledger._watermark(later), start)

    def test_the_recompute_reads_the_ledger(self):
        """Once built, a recompute reads the moves written since (one COPY
        by write_date), not the window's moves, and writes the same min/max
        as the first run."""
        self.rules._jit_compute(self._run())
        first = self.orderpoint.read(["jit_adu", "product_min_qty"])
        queries = []
        original = type(self.orderpoint)._jit_copy_rows

        def spy(ops, query, row):
            queries.append(ops.env.cr.mogrify(query.code, query.params).decode())
            return original(ops, query, row)

        self.patch(type(self.orderpoint), "_jit_copy_rows", spy)
        self.rules._jit_compute(self._run())
        self.assertEqual(len(queries), 1)
        self.assertIn("sm.write_date >= k.since", queries[0])
        self.assertNotIn("sm.date >=", queries[0])
        self.assertEqual(self.orderpoint.read(["jit_adu", "product_min_qty"]), first)
        # 10 + 4 - 3 + 6 + 2 = 19 over 10 days
        self.assertAlmostEqual(first[0]["jit_adu"], 1.9)

    def _run(self):
        return (
            self.env["jit.run"]
            .sudo()
            .create({"origin": "manual", "company_id": self.company.id})
        )
