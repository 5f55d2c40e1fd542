# Copyright 2026 JIT Replenishment Suite
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""One definition of consumption (services/consumption.py): the recompute,
the consumption report and the pull trigger agree on the same moves."""

from datetime import timedelta

import numpy as np
from freezegun import freeze_time

from odoo.tests import tagged
from odoo.tools import SQL

from ..services import consumption, inputs, pull_trigger
from .common import NOW, TODAY, JitCase


@tagged("post_install", "-at_install")
@freeze_time(NOW)
class TestJitConsumptionDefinition(JitCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.adjustment = cls.product.with_company(cls.company).property_stock_inventory
        production = cls.product.with_company(cls.company).property_stock_production
        p, stock, customers = cls.product, cls.stock, cls.customers
        other_stock = cls.other_wh.lot_stock_id
        # (product, qty, days ago, source, destination[, unit])
        specs = {
            "delivery": (p, 10, 5, stock, customers),
            "delivery_shelf": (p, 8, 2, cls.shelf, customers),
            "return_same_day": (p, 3, 2, customers, stock),
            "return_alone": (p, 4, 4, customers, stock),
            "scrap": (p, 2, 3, stock, cls.scrap),
            "adjustment_in": (p, 5, 3, cls.adjustment, stock),
            "internal": (p, 6, 1, stock, cls.shelf),
            "other_warehouse": (p, 7, 1, other_stock, customers),
            "dozen": (p, 1, 1, stock, customers, cls.dozen),
            # a consumption scan undone (services/scan.py): the return from
            # production is linked to the scan's move
            "scan": (p, 9, 3, stock, production),
            "scan_undone": (p, 9, 3, production, stock),
            # a loss booked to the inventory location, then returned
            "loss": (p, 6, 4, stock, cls.adjustment),
            "loss_returned": (p, 6, 4, cls.adjustment, stock),
            # a manufacturing order's output: supply, not a return
            "mo_output": (p, 11, 2, production, stock),
        }
        moves = cls._moves(list(specs.values()))
        cls.moves = dict(zip(specs, moves, strict=True))
        for back, origin in (("scan_undone", "scan"), ("loss_returned", "loss")):
            cls.moves[back].origin_returned_move_id = cls.moves[origin]
        cls.env.flush_all()

    def _recompute_days(self, consuming_only=None):
        """{day: net consumption} as the recompute counts it (from the
        ledger), or (`consuming_only` given) counted directly from the done
        moves, as the reports do."""
        ops = self.orderpoint
        rules = ops._jit_read_rules()
        days = ops._jit_window(self.company, NOW, 10, tail=not consuming_only)
        if consuming_only is None:
            entries = ops._jit_consumption_entries(rules, days)
        else:
            moves = ops._jit_done_moves(rules, days, consuming_only=consuming_only)
            entries = consumption.entries_from_moves(rules, moves)
        buckets, _booked = ops._jit_consumption(rules, days, entries, np.zeros(1), [0])
        return {
            days["start_day"] + timedelta(days=i): qty
            for i, qty in enumerate(buckets[0].tolist())
            if qty
        }

    def test_recompute_report_and_trigger_agree(self):
        """Net per day (days ago: quantity):
        5: delivery 10                                   -> 10
        4: customer return 4 (no delivery that day);
           a loss of 6 returned from the inventory
           location (a return of it): 6 - 6              -> -4
        3: scrap 2; a positive adjustment of 5 is supply;
           a scan of 9 to production undone: 9 - 9      -> 2
        2: delivery 8 from a shelf, return 3; an MO's
           output of 11 from production is supply        -> 5
        1: 1 dozen = 12 units; internal move 6 and the
           other warehouse's delivery 7 are not ours     -> 12
        total 25 over 10 days -> ADU 2.5."""
        expected = {
            TODAY - timedelta(days=5): 10.0,
            TODAY - timedelta(days=4): -4.0,
            TODAY - timedelta(days=3): 2.0,
            TODAY - timedelta(days=2): 5.0,
            TODAY - timedelta(days=1): 12.0,
        }
        # 1. the recompute (both ways it reads the moves)
        self.assertEqual(self._recompute_days(), expected)
        self.assertEqual(self._recompute_days(consuming_only=True), expected)
        self.assertEqual(self._recompute_days(consuming_only=False), expected)
        self.orderpoint._jit_recompute()
        self.assertAlmostEqual(self.orderpoint.jit_adu, 2.5)
        # 2. the consumption report
        rows = self.env["jit.consumption.report"].search(
            [("orderpoint_id", "=", self.orderpoint.id)]
        )
        self.assertEqual({row.date: row.consumption for row in rows}, expected)
        # 3. the pull trigger: the moves it counts as consumption of the rule
        # are exactly the positive ones above.
        self.orderpoint.write({"trigger": "auto"})
        all_moves = self.env["stock.move"].union(*self.moves.values())
        self.env.flush_all()
        self.env.cr.execute(
            pull_trigger.consuming_pairs_sql(
                all_moves.ids, all_moves.product_id.ids, all_moves.company_id.ids
            )
        )
        counted = {
            move_id
            for move_id, rule_id in self.env.cr.fetchall()
            if rule_id == self.orderpoint.id
        }
        positive = {"delivery", "delivery_shelf", "scrap", "dozen", "scan", "loss"}
        self.assertEqual(counted, {self.moves[name].id for name in positive})
        # ... and the report's positive part is the sum of those moves.
        self.env.cr.execute(
            SQL(
                "SELECT SUM(product_qty) FROM stock_move WHERE id = ANY(%s)",
                list(counted),
            )
        )
        self.assertEqual(self.env.cr.fetchone()[0], 10 + 8 + 2 + 12 + 9 + 6)

    def test_trigger_ignores_moves_that_are_not_consumption(self):
        """A rule below its minimum is pulled by a delivery, never by a
        return, a positive adjustment, an internal move or another
        warehouse's delivery."""
        self.orderpoint.write({"trigger": "auto", "product_min_qty": 1000})
        Orderpoint = self.env["stock.warehouse.orderpoint"]
        for name in (
            "return_alone",
            "adjustment_in",
            "internal",
            "other_warehouse",
            "scan_undone",
            "loss_returned",
            "mo_output",
        ):
            self.assertFalse(Orderpoint._jit_pulled_by(self.moves[name]), name)
        self.assertEqual(
            Orderpoint._jit_pulled_by(self.moves["scrap"]), self.orderpoint
        )
        self.assertEqual(
            Orderpoint._jit_pulled_by(self.moves["delivery_shelf"]), self.orderpoint
        )

    def _copy_queries(self, read):
        """The COPY queries `read(ops, rules, days)` sends."""
        ops = self.orderpoint
        queries = []
        self.patch(
            type(ops),
            "_jit_copy_rows",
            lambda _self, query, row: queries.append(query) or np.zeros(0, row),
        )
        rules = ops._jit_read_rules()
        days = ops._jit_window(self.company, NOW, 10, tail=True)
        read(ops, rules, days)
        return queries

    def _plan(self, query, settings):
        self.env.cr.execute(settings)
        self.env.cr.execute(SQL("EXPLAIN %s", query))
        plan = "\n".join(row[0] for row in self.env.cr.fetchall())
        self.env.cr.execute(
            "RESET enable_seqscan; RESET enable_bitmapscan; RESET enable_indexscan"
        )
        return plan

    def test_done_moves_copy_is_an_index_only_scan(self):
        """The covering index (hooks.py) holds every column the done-moves
        COPY reads (stock-outs, a ledger key's first build): with the other
        scans off, PostgreSQL can still plan it as an index-only scan of
        that index (a column missing from its INCLUDE list would make that
        impossible). The ledger's index of written moves, which could serve
        it with a read of each row, is dropped for the test (rolled back)."""

        def read(ops, rules, days):
            for consuming_only in (True, False):
                ops._jit_done_moves(rules, days, consuming_only=consuming_only)
            inputs.move_rows(ops, rules["product_id"], True, start=days["bounds"][0])

        queries = self._copy_queries(read)
        self.assertEqual(len(queries), 3)
        self.env.cr.execute("DROP INDEX stock_move_jit_done_written_idx")
        for query in queries:
            plan = self._plan(
                query,
                "SET LOCAL enable_seqscan = off; SET LOCAL enable_bitmapscan = off;"
                " SET LOCAL enable_indexscan = off",
            )
            self.assertIn(
                "Index Only Scan using stock_move_jit_done_covering_idx", plan
            )

    def test_ledger_catch_up_reads_the_written_moves_index(self):
        """The ledger's catch-up (moves written since a key's synced_at)
        is a range of the index on (product, write_date) of done moves, not
        a read of each move of the product. (On a few test moves PostgreSQL
        may prefer Odoo's index on product_id: the other indexes leading
        with the product are dropped for the test, rolled back.)"""

        def read(ops, rules, days):
            inputs.move_rows(ops, rules["product_id"], False, since=[NOW])

        (query,) = self._copy_queries(read)
        self.env.cr.execute(
            "DROP INDEX stock_move__product_id_index, stock_move_jit_done_covering_idx"
        )
        plan = self._plan(
            query, "SET LOCAL enable_seqscan = off; SET LOCAL enable_bitmapscan = off"
        )
        self.assertIn("Index Scan using stock_move_jit_done_written_idx", plan)
        self.assertIn(
            "Index Cond: ((product_id = k.product_id) AND (write_date >=", plan
        )
