# Copyright 2026 JIT Replenishment Suite
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""The consumption ledger (services/ledger.py) counts what the moves count:
after every kind of change it equals the direct count of the done moves
(consumption.entries_from_moves), each move once."""

import sys
import time
import uuid
from datetime import timedelta

import numpy as np
from freezegun import freeze_time

from odoo import SUPERUSER_ID, api, fields
from odoo.modules.registry import Registry
from odoo.tests import BaseCase, get_db_name, tagged

from ..services import consumption, ledger
from ..services.pg import is_concurrency_error
from .common import NOW, JitCase, RaceMixin


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

    def _longest(self):
        """The longest window of any JIT profile: what a row keeps."""
        self.env.cr.execute("SELECT MAX(window_days) FROM jit_profile")
        return self.env.cr.fetchone()[0]

    def test_first_read_builds_one_row_per_boundary(self):
        """Window of 10 days ending yesterday (days ago 10 .. 1 = index 0 ..
        9): delivery 10 (9 days ago, index 1), shelf delivery 4 (index 3),
        return -3 (index 5), delivery 6 (index 8), scrap 2 (index 9); the
        delivery of 5, 15 days ago, is outside. The other warehouse's rule
        counts nothing of WH/Stock. The row keeps the moves of the longest
        profile window (the delivery of 5 too when it reaches 15 days)."""
        buckets = self._assert_same()
        expected = [0, 10, 0, 4, 0, -3, 0, 0, 6, 2]
        self.assertEqual(buckets[0].tolist(), expected)
        self.assertEqual(buckets[1].tolist(), [0] * 10)
        entries, horizon, _synced = self._row()
        longest = self._longest()
        self.assertEqual(
            len(np.frombuffer(entries, dtype=ledger.ENTRY)), 5 + (longest >= 15)
        )
        self.assertEqual(horizon, NOW.replace(hour=0) - timedelta(days=longest))
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
        # 5 + 2 new moves, and the delivery of 5 when the row reaches it
        self.assertEqual(len(ids), 7 + (self._longest() >= 15))

    def test_moves_read_again_unchanged_write_nothing(self):
        """In a test every move is read again (all are written in its
        transaction): a second read finds them as counted and writes no
        row; after a change, the changed key alone is written."""
        self._assert_same()
        module = sys.modules[type(self.rules)._jit_consumption_entries.__module__]
        written = []
        original = module.ledger._write
        self.patch(
            module.ledger,
            "_write",
            lambda env, keys, mask, *args: (
                written.append(int(mask.sum())) or original(env, keys, mask, *args)
            ),
        )
        self._assert_same()
        self.assertEqual(written, [])
        self.moves[3].quantity = 5  # the delivery of 6, in WH
        self.env.flush_all()
        self.assertEqual(self._assert_same()[0][8], 5)
        self.assertEqual(written, [1])

    def test_differ_compares_entries_per_key(self):
        """Key 0: the same entries in another order; key 1: another
        quantity; key 2: one entry more; key 3: none on either side."""
        entries = np.zeros(3, dtype=ledger.ENTRY)
        entries["move"], entries["qty"] = [1, 2, 3], [1.0, 2.0, 3.0]
        old = (np.array([0, 0, 1]), entries)
        changed = entries.copy()
        changed["qty"][2] = 4.0
        new_entries = np.concatenate([changed[[1, 0, 2]], entries[:1]])
        new = (np.array([0, 0, 1, 2]), new_entries)
        self.assertEqual(
            ledger._differ(4, old, new).tolist(), [False, True, True, False]
        )

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
        """A window 10 days longer than any profile's reaches back before
        what the row holds: it is rebuilt from there. The delivery of 5, 15
        days ago, is at index window - 15."""
        self._assert_same()
        window = self._longest() + 10
        buckets = self._assert_same(window=window)
        self.assertEqual(buckets[0][window - 15], 5)
        self.assertEqual(buckets[0].sum(), 10 + 4 - 3 + 6 + 2 + 5)
        _entries, horizon, _synced = self._row()
        self.assertEqual(horizon, NOW.replace(hour=0) - timedelta(days=window))

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

    def test_rows_no_rule_reads_are_pruned(self):
        """The other warehouse's rule turned off: its row goes as the rule is
        written; WH's row stays. A rule turned off by SQL (no write): the
        nightly scan drops its row."""
        self._assert_same()
        self.other.jit_enabled = False
        self.assertIsNone(self._row(self.other_wh))
        self.assertIsNotNone(self._row())
        self.env.cr.execute(
            "UPDATE stock_warehouse_orderpoint SET jit_enabled = false WHERE id = %s",
            (self.orderpoint.id,),
        )
        self.assertGreaterEqual(ledger.prune(self.env), 1)
        self.assertIsNone(self._row())

    def test_rows_of_a_deleted_rule_are_pruned(self):
        self._assert_same()
        self.other.unlink()
        self.assertIsNone(self._row(self.other_wh))
        self.assertIsNotNone(self._row())

    def test_watermark_is_the_oldest_open_transaction(self):
        """Moves of a transaction still open are stamped with its start:
        seen from a later transaction, the watermark is that start (less the
        5-minute margin)."""
        start = self.env.cr.now()
        with self.env.registry.cursor() as cr:
            later = self.env(cr=cr)
            self.assertEqual(ledger._watermark(later), start - timedelta(minutes=5))

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


@tagged("post_install", "-at_install")
class TestJitLedgerRace(RaceMixin, BaseCase):
    """Two jobs read the same rule's entries at once, in separately
    committed transactions: the one that writes the ledger row second gives
    up its write (the row is a cache) instead of failing, and both count
    the same consumption."""

    def setUp(self):
        super().setUp()
        self.registry = Registry(get_db_name())
        tag = uuid.uuid4().hex[:8]
        with self.registry.cursor() as cr:
            env = api.Environment(cr, SUPERUSER_ID, {})
            product = env["product.product"].create(
                {"name": f"Ledger race {tag}", "is_storable": True}
            )
            orderpoint = self._jit_rule(env, product)
            move = env["stock.move"].create(
                {
                    "name": "race",
                    "product_id": product.id,
                    "product_uom_qty": 6,
                    "product_uom": product.uom_id.id,
                    "location_id": orderpoint.location_id.id,
                    "location_dest_id": env.ref("stock.stock_location_customers").id,
                }
            )
            move._action_confirm()
            move.quantity = 6
            move.picked = True
            move._action_done()
            move.date = fields.Datetime.now() - timedelta(days=1)
            self.ids = {"product": product.id, "orderpoint": orderpoint.id}
        self.addCleanup(self._cleanup)

    def _cleanup(self):
        with self.registry.cursor() as cr:
            env = api.Environment(cr, SUPERUSER_ID, {})
            env["stock.warehouse.orderpoint"].browse(self.ids["orderpoint"]).unlink()
            # Done moves keep the product: archive it (its ledger row goes
            # with the rule's next rebuild; the test drops it).
            cr.execute(
                "DELETE FROM jit_consumption_ledger WHERE product_id = %s",
                (self.ids["product"],),
            )
            env["product.product"].browse(
                self.ids["product"]
            ).product_tmpl_id.active = False

    def _in_transaction(self, func, results, key, start):
        """func in its own transaction; no retry: an error is the result."""
        try:
            with self.registry.cursor() as cr:
                env = api.Environment(cr, SUPERUSER_ID, {})
                start.wait(timeout=10)
                results[key] = func(env)
        except Exception as exc:  # noqa: BLE001 - the test inspects it
            results[key] = exc

    def _read_entries(self, hold):
        def read(env):
            ops = env["stock.warehouse.orderpoint"].browse(self.ids["orderpoint"])
            rules = ops._jit_read_rules()
            days = ops._jit_window(ops.company_id, fields.Datetime.now(), 10)
            entries = ops._jit_consumption_entries(rules, days)
            time.sleep(hold)  # keep the row locked while the other one writes
            return entries["qty"].tolist()

        return read

    def test_two_jobs_at_once_count_the_same(self):
        # The ledger module the addon runs (the test may import it under
        # another name): its writes given up are counted.
        Orderpoint = self.registry["stock.warehouse.orderpoint"]
        module = sys.modules[Orderpoint._jit_consumption_entries.__module__].ledger
        given_up = []

        def concurrency_error(exc):
            given_up.append(type(exc).__name__)
            return is_concurrency_error(exc)

        self.patch(module, "is_concurrency_error", concurrency_error)
        results = self._race(self._read_entries(1.0), self._read_entries(0.0))
        self.assertEqual(results, {1: [6.0], 2: [6.0]})
        self.assertEqual(given_up, ["SerializationFailure"])
        with self.registry.cursor() as cr:
            cr.execute(
                "SELECT count(*) FROM jit_consumption_ledger WHERE product_id = %s",
                (self.ids["product"],),
            )
            self.assertEqual(cr.fetchone()[0], 1)
