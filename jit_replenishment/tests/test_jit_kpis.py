# Copyright 2026 JIT Replenishment Suite
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Issue 14: JIT KPIs and the multi-location view on a hand-checked history.

Product K, JIT rule in WH/Stock since Thu 03-05 (the pilot), profile target
95 %; NOW = Tue 2026-03-10, snapshots backfilled from Sun 03-01 (moves at
10:00 UTC):
  03-01 receive 10                                   closing 10
  03-02 deliver 10 (due 03-02, on time)              closing  0  stock-out
  03-03                                              closing  0  stock-out
  03-04 receive 10                                   closing 10
  03-06 deliver 4 (deadline 03-05: late)             closing  6
  03-07 deliver 6 (due 03-07, on time)               closing  0  stock-out
  03-08, 03-09                                       closing  0  stock-out x 2
Orders of the rule: 03-03 normal (before); 03-06 urgent, 03-08 cancelled,
03-08 normal (with JIT).
"""

from datetime import date, datetime, time

from freezegun import freeze_time

from odoo import Command
from odoo.tests import tagged

from ..services import inventory_snapshot
from .common import NOW, JitCase
from .test_jit_reports import forget_snapshots


def day(n):
    return date(2026, 3, n)


@tagged("post_install", "-at_install")
@freeze_time(NOW)
class TestJitKpis(JitCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        forget_snapshots(cls.env)
        cls.company.partner_id.tz = "UTC"
        cls.prod_k = cls._product("KPI Product K", standard_price=5.0)
        cls.rule_k = cls._orderpoint(cls.prod_k)
        cls.rule_k.write({"jit_pilot_date": day(5)})
        moves = [
            (1, 10, cls.suppliers, cls.stock, None),
            (2, 10, cls.stock, cls.customers, None),
            (4, 10, cls.suppliers, cls.stock, None),
            (6, 4, cls.stock, cls.customers, day(5)),
            (7, 6, cls.stock, cls.customers, None),
        ]
        for n, qty, src, dst, deadline in moves:
            cls._at(day(n), cls.prod_k, qty, src, dst, deadline)
        cls.orders = {}
        for n, name, priority in (
            (3, "before", "0"),
            (6, "urgent", "1"),
            (8, "cancelled", "0"),
            (8, "normal", "0"),
        ):
            cls.orders[name] = cls.env["purchase.order"].create(
                {
                    "partner_id": cls.vendor.id,
                    "priority": priority,
                    "date_order": datetime.combine(day(n), time(9)),
                    "order_line": [
                        Command.create(
                            {
                                "product_id": cls.prod_k.id,
                                "product_qty": 5,
                                "orderpoint_id": cls.rule_k.id,
                            }
                        )
                    ],
                }
            )
        cls.orders["cancelled"].button_cancel()

    @classmethod
    def _at(cls, when, product, qty, src, dst, deadline):
        stamp = datetime.combine(when, time(10))
        move = cls.env["stock.move"].create(
            {
                "name": product.name,
                "product_id": product.id,
                "product_uom_qty": qty,
                "product_uom": product.uom_id.id,
                "location_id": src.id,
                "location_dest_id": dst.id,
                "date_deadline": deadline and datetime.combine(deadline, time(10)),
            }
        )
        move._action_confirm()
        move.quantity = qty
        move.picked = True
        move._action_done()
        cls.env.flush_all()
        cls.env.cr.execute(
            "UPDATE stock_move SET date = %s WHERE id = %s", (stamp, move.id)
        )
        cls.env.cr.execute(
            "UPDATE stock_valuation_layer SET create_date = %s"
            " WHERE stock_move_id = %s",
            (stamp, move.id),
        )
        cls.env.invalidate_all()

    def _kpis(self, groupby):
        return self.env["jit.kpi.report"].read_group(
            [("orderpoint_id", "=", self.rule_k.id)],
            [
                "days_tracked",
                "stockout_days",
                "stockout_rate",
                "service_level",
                "target_service_level",
                "service_gap",
                "demanded_qty",
                "on_time_qty",
                "fill_rate",
                "orders",
                "reorder_accuracy",
            ],
            groupby,
            lazy=False,
        )

    def test_pilot_date_set_when_jit_enabled(self):
        rule = self._orderpoint(self._product("KPI Pilot"))
        self.assertEqual(rule.jit_pilot_date, NOW.date())
        rule.write({"jit_enabled": False})
        rule.write({"jit_enabled": True})
        self.assertEqual(rule.jit_pilot_date, NOW.date())  # the first day stays

    def test_stockout_days_as_the_rules_count_them(self):
        inventory_snapshot.backfill(self.env, self.company, day(1))
        days = self.env["jit.rule.stockout"].search(
            [("orderpoint_id", "=", self.rule_k.id)]
        )
        self.assertEqual(
            sorted(days.mapped("date")), [day(2), day(3), day(7), day(8), day(9)]
        )

    def test_kpis_before_and_with_jit(self):
        inventory_snapshot.backfill(self.env, self.company, day(1))
        phases = {g["phase"]: g for g in self._kpis(["phase"])}
        before, after = phases["before"], phases["after"]
        # Before (03-01..03-04): 4 days, stock-outs 03-02, 03-03 -> 2/4 = 0.5
        self.assertEqual(before["days_tracked"], 4)
        self.assertEqual(before["stockout_days"], 2)
        self.assertAlmostEqual(before["stockout_rate"], 0.5)
        self.assertAlmostEqual(before["service_level"], 0.5)
        # demand 10 due 03-02, done 03-02 -> fill rate 10/10 = 1
        self.assertAlmostEqual(before["fill_rate"], 1.0)
        # one normal order -> accuracy 1/1
        self.assertEqual(before["orders"], 1)
        self.assertAlmostEqual(before["reorder_accuracy"], 1.0)
        # With JIT (03-05..03-09): 5 days, stock-outs 03-07, 03-08, 03-09
        # -> 3/5 = 0.6; service level 0.4 against the target 0.95: -0.55
        self.assertEqual(after["days_tracked"], 5)
        self.assertEqual(after["stockout_days"], 3)
        self.assertAlmostEqual(after["stockout_rate"], 0.6)
        self.assertAlmostEqual(after["service_level"], 0.4)
        self.assertAlmostEqual(after["target_service_level"], 0.95)
        self.assertAlmostEqual(after["service_gap"], 0.4 - 0.95)
        # demand 4 (due 03-05, done 03-06: late) + 6 (on time) = 10;
        # fill rate 6/10 = 0.6
        self.assertAlmostEqual(after["demanded_qty"], 10.0)
        self.assertAlmostEqual(after["on_time_qty"], 6.0)
        self.assertAlmostEqual(after["fill_rate"], 0.6)
        # orders: urgent, cancelled, normal -> 1/3
        self.assertEqual(after["orders"], 3)
        self.assertAlmostEqual(after["reorder_accuracy"], 1 / 3)
        # Whole period: 5 stock-out days of 9 -> 0.5556; fill 16/20 = 0.8
        total = self._kpis([])[0]
        self.assertAlmostEqual(total["stockout_rate"], 5 / 9)
        self.assertAlmostEqual(total["fill_rate"], 0.8)
        self.assertAlmostEqual(total["reorder_accuracy"], 2 / 4)

    def test_kpi_drill_down(self):
        """Each KPI row opens the rule, delivery move or order behind it."""
        inventory_snapshot.backfill(self.env, self.company, day(1))
        rows = self.env["jit.kpi.report"].search(
            [("orderpoint_id", "=", self.rule_k.id), ("orders", "=", 1)]
        )
        opened = {
            self.env[a["res_model"]].browse(a["res_id"])
            for a in (r.action_view_records() for r in rows)
        }
        self.assertEqual(
            set().union(*[set(o) for o in opened]),
            set(
                self.env["purchase.order"].browse([o.id for o in self.orders.values()])
            ),
        )

    def test_warehouse_overview(self):
        """Per warehouse: stock value now, JIT rules by state, open RFQs by
        the vendor's answer, stock-outs on the last recorded day."""
        inventory_snapshot.backfill(self.env, self.company, day(1))
        rows = self.env["jit.warehouse.overview"].search(
            [("warehouse_id", "=", self.warehouse.id)]
        )
        by_kind = {}
        for row in rows:
            by_kind.setdefault(row.indicator, 0)
            by_kind[row.indicator] += row.count
        snaps = self.env["jit.inventory.snapshot"].search(
            [("warehouse_id", "=", self.warehouse.id), ("date_to", "=", False)]
        )
        value = sum(r.value for r in rows if r.indicator == "value")
        self.assertAlmostEqual(value, sum(snaps.mapped("value")))
        out = self.env["jit.rule.stockout"].search(
            [("warehouse_id", "=", self.warehouse.id), ("date", "=", day(9))]
        )
        self.assertIn(self.rule_k, out.orderpoint_id)
        self.assertEqual(by_kind["stockout"], len(out))
        rules = self.env["stock.warehouse.orderpoint"].search(
            [("warehouse_id", "=", self.warehouse.id), ("jit_enabled", "=", True)]
        )
        self.assertEqual(by_kind["rule"], len(rules))
        # the three open RFQs of K (one cancelled) are among the open orders
        self.assertGreaterEqual(by_kind["order"], 3)

    def test_target_service_level_on_every_row_of_a_jit_rule(self):
        """The target is the rule's profile service level (0.95 here), on
        each row of the rule, also before any snapshot day is recorded
        (rows of demand and orders only): the "With JIT" group shows it."""
        self.assertAlmostEqual(self.rule_k.jit_profile_id.service_level, 0.95)
        rows = self.env["jit.kpi.report"].search_read(
            [("orderpoint_id", "=", self.rule_k.id)], ["target_service_level"]
        )
        # 3 deliveries + 4 order lines, no snapshot (hence no tracked row)
        self.assertEqual(len(rows), 7)
        for row in rows:
            self.assertAlmostEqual(row["target_service_level"], 0.95)
        after = {g["phase"]: g for g in self._kpis(["phase"])}["after"]
        self.assertAlmostEqual(after["target_service_level"], 0.95)
