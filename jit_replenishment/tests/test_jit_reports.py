# Copyright 2026 JIT Replenishment Suite
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Issue 14: carrying-cost rates, daily inventory snapshots, carrying cost and
turnover reports, on a small hand-checked history.

History (NOW = Tue 2026-03-10 12:00 UTC; yesterday, Mon 03-09, is the last
recorded day; moves and valuation layers at 10:00 UTC of their day):

Product A (standard cost 10, category "CC Std" without own rates):
  Mon 03-02  receive 100          stock 100 @ 10 = 1000
  Wed 03-04  deliver 30           stock  70 @ 10 =  700   COGS 30 x 10 = 300
  Thu 03-05  cost 10 -> 12        stock  70 @ 12 =  840   (revaluation layer +140)
  Fri 03-06  deliver 20           stock  50 @ 12 =  600   COGS 20 x 12 = 240
Product B (standard cost 2, category "CC Costly": own rates, capital 36.5 %):
  Sat 03-07  receive 10           stock  10 @ 2 = 20
Company rates: capital 12, storage 6, insurance 1.5, obsolescence 0.5 (20 %).
"""

from datetime import date, datetime, time, timedelta

from freezegun import freeze_time

from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import new_test_user, tagged

from ..services import inventory_snapshot
from .common import NOW, JitCase

D = date(2026, 3, 1)  # backfills start on Sunday 03-01 (no stock yet)


def day(n):
    """2026-03-n."""
    return date(2026, 3, n)


def forget_snapshots(env):
    """Start from no recorded day (the database may hold some)."""
    for table in (
        "jit_inventory_snapshot",
        "jit_inventory_flow",
        "jit_rule_stockout",
        "jit_inventory_rollup",
    ):
        env.cr.execute(f"DELETE FROM {table}")  # noqa: S608
    env["res.company"].search([]).jit_snapshot_date = False


@tagged("post_install", "-at_install")
@freeze_time(NOW)
class TestJitReports(JitCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        forget_snapshots(cls.env)
        cls.company.partner_id.tz = "UTC"
        cls.company.write(
            {
                "jit_cc_capital_rate": 12.0,
                "jit_cc_storage_rate": 6.0,
                "jit_cc_insurance_rate": 1.5,
                "jit_cc_obsolescence_rate": 0.5,
            }
        )
        Categ = cls.env["product.category"]
        cls.categ_std = Categ.create(
            {
                "name": "CC Std",
                "property_cost_method": "standard",
                "property_valuation": "manual_periodic",
            }
        )
        cls.categ_costly = Categ.create(
            {
                "name": "CC Costly",
                "property_cost_method": "standard",
                "property_valuation": "manual_periodic",
                "jit_cc_override": True,
                "jit_cc_capital_rate": 36.5,
                "jit_cc_storage_rate": 0.0,
                "jit_cc_insurance_rate": 0.0,
                "jit_cc_obsolescence_rate": 0.0,
            }
        )
        cls.prod_a = cls._product(
            "CC Product A", categ_id=cls.categ_std.id, standard_price=10.0
        )
        cls.prod_b = cls._product(
            "CC Product B", categ_id=cls.categ_costly.id, standard_price=2.0
        )
        cls.rule_a = cls._orderpoint(cls.prod_a)
        cls._at(day(2), lambda: cls._done(cls.prod_a, 100, cls.suppliers, cls.stock))
        cls._at(day(4), lambda: cls._done(cls.prod_a, 30, cls.stock, cls.customers))
        cls._at(day(5), lambda: setattr(cls.prod_a, "standard_price", 12.0))
        cls._at(day(6), lambda: cls._done(cls.prod_a, 20, cls.stock, cls.customers))
        cls._at(day(7), lambda: cls._done(cls.prod_b, 10, cls.suppliers, cls.stock))
        # A second company with its own stock of A: 5 @ 7 from 03-03.
        cls.company_2 = cls.env["res.company"].create({"name": "CC Company 2"})
        cls.company_2.partner_id.tz = "UTC"
        cls.wh_2 = cls.env["stock.warehouse"].search(
            [("company_id", "=", cls.company_2.id)], limit=1
        )
        cls.prod_a.with_company(cls.company_2).standard_price = 7.0
        cls._at(
            day(3),
            lambda: cls._done(
                cls.prod_a, 5, cls.suppliers, cls.wh_2.lot_stock_id, cls.company_2
            ),
        )
        cls.accountant = new_test_user(
            cls.env,
            login="jit_cc_accountant",
            groups="base.group_user,account.group_account_readonly",
            company_id=cls.company.id,
            company_ids=[cls.company.id],
        )

    @classmethod
    def _done(cls, product, qty, src, dst, company=None):
        company = company or cls.company
        move = (
            cls.env["stock.move"]
            .with_company(company)
            .create(
                {
                    "name": product.name,
                    "product_id": product.id,
                    "product_uom_qty": qty,
                    "product_uom": product.uom_id.id,
                    "location_id": src.id,
                    "location_dest_id": dst.id,
                    "company_id": company.id,
                }
            )
        )
        move._action_confirm()
        move.quantity = qty
        move.picked = True
        move._action_done()

    @classmethod
    def _at(cls, when, func):
        """Run func and date what it made (done moves, their lines, valuation
        layers) at 10:00 UTC on day `when`."""
        cr = cls.env.cr
        cls.env.flush_all()
        marks = {}
        for table in ("stock_move", "stock_move_line", "stock_valuation_layer"):
            cr.execute(f"SELECT COALESCE(MAX(id), 0) FROM {table}")  # noqa: S608
            marks[table] = cr.fetchone()[0]
        func()
        cls.env.flush_all()
        stamp = datetime.combine(when, time(10))
        cr.execute(
            "UPDATE stock_move SET date = %s WHERE id > %s",
            (stamp, marks["stock_move"]),
        )
        cr.execute(
            "UPDATE stock_move_line SET date = %s WHERE id > %s",
            (stamp, marks["stock_move_line"]),
        )
        cr.execute(
            "UPDATE stock_valuation_layer SET create_date = %s WHERE id > %s",
            (stamp, marks["stock_valuation_layer"]),
        )
        cls.env.invalidate_all()

    # helpers ----------------------------------------------------------
    def _rows(self, company=None, products=None):
        """Snapshot rows as comparable tuples (no ids)."""
        products = products or (self.prod_a | self.prod_b)
        rows = self.env["jit.inventory.snapshot"].search(
            [
                ("company_id", "=", (company or self.company).id),
                ("product_id", "in", products.ids),
            ]
        )
        return sorted(
            (
                r.warehouse_id.id,
                r.product_id.id,
                r.date_from,
                r.date_to,
                round(r.qty, 6),
                round(r.value, 6),
            )
            for r in rows
        )

    def _flows(self, company=None):
        rows = self.env["jit.inventory.flow"].search(
            [
                ("company_id", "=", (company or self.company).id),
                ("product_id", "in", (self.prod_a | self.prod_b).ids),
            ]
        )
        return sorted(
            (r.warehouse_id.id, r.product_id.id, r.date, r.consumed_qty, r.cogs)
            for r in rows
        )

    def _report(self, env, groupby, fields, domain=()):
        return env["jit.inventory.report"].read_group(
            [("product_id", "in", (self.prod_a | self.prod_b).ids), *domain],
            fields,
            groupby,
            lazy=False,
        )

    # rates --------------------------------------------------------------
    def test_bad_rates_refused(self):
        """A rate outside 0..100 % is refused, naming field and value; nothing
        changes."""
        with (
            self.assertRaisesRegex(ValidationError, r"Capital Cost.*101"),
            self.env.cr.savepoint(),
        ):
            self.company.write({"jit_cc_capital_rate": 101.0})
        self.env.invalidate_all()
        self.assertEqual(self.company.jit_cc_capital_rate, 12.0)
        with (
            self.assertRaisesRegex(ValidationError, r"Obsolescence.*-0\.5"),
            self.env.cr.savepoint(),
        ):
            self.categ_costly.write({"jit_cc_obsolescence_rate": -0.5})
        self.env.invalidate_all()
        self.assertEqual(self.categ_costly.jit_cc_obsolescence_rate, 0.0)
        # Bounds are allowed.
        self.categ_costly.write({"jit_cc_storage_rate": 100.0})
        self.categ_costly.write({"jit_cc_storage_rate": 0.0})

    # snapshots ----------------------------------------------------------
    def test_snapshot_rows(self):
        """Backfill from 03-01: a row per change of quantity or value and per
        week start (Mon 03-09), valued from the valuation layers."""
        inventory_snapshot.backfill(self.env, self.company, D)
        wh, a, b = self.warehouse.id, self.prod_a.id, self.prod_b.id
        self.assertEqual(
            self._rows(),
            sorted(
                [
                    (wh, a, day(2), day(4), 100.0, 1000.0),  # 100 x 10
                    (wh, a, day(4), day(5), 70.0, 700.0),  # 70 x 10
                    (wh, a, day(5), day(6), 70.0, 840.0),  # 70 x (1000-300+140)/70
                    (wh, a, day(6), day(9), 50.0, 600.0),  # 50 x 12
                    (wh, a, day(9), False, 50.0, 600.0),  # cut at the week start
                    (wh, b, day(7), day(9), 10.0, 20.0),  # 10 x 2
                    (wh, b, day(9), False, 10.0, 20.0),
                ]
            ),
        )
        self.assertEqual(self.company.jit_snapshot_date, day(9))
        # Consumption rows: the two deliveries at the day's unit cost.
        self.assertEqual(
            self._flows(),
            [(wh, a, day(4), 30.0, 300.0), (wh, a, day(6), 20.0, 240.0)],
        )

    def test_snapshot_idempotent(self):
        """Running the daily job twice the same day, or the same backfill
        twice, changes nothing."""
        self.env["jit.inventory.snapshot"]._cron_jit_snapshot()
        query = "SELECT * FROM jit_inventory_snapshot ORDER BY id"
        self.env.cr.execute(query)
        first = self.env.cr.fetchall()
        self.env["jit.inventory.snapshot"]._cron_jit_snapshot()
        inventory_snapshot.record_until_yesterday(self.env, self.company)
        self.env.cr.execute(query)
        self.assertEqual(self.env.cr.fetchall(), first)
        self.assertTrue(first)
        inventory_snapshot.backfill(self.env, self.company, D)
        rows, flows = self._rows(), self._flows()
        inventory_snapshot.backfill(self.env, self.company, D)
        self.assertEqual((self._rows(), self._flows()), (rows, flows))
        # A partial backfill (from 03-05, keeping the days before) too.
        inventory_snapshot.backfill(self.env, self.company, day(5))
        self.assertEqual((self._rows(), self._flows()), (rows, flows))

    def test_backfill_equals_daily_job(self):
        """The daily job run each night from 03-02 to 03-10 records exactly
        what a backfill from 03-01 records."""
        for n in range(2, 11):
            with freeze_time(datetime.combine(day(n), time(1))):
                inventory_snapshot.record_until_yesterday(self.env, self.company)
        self.assertEqual(self.company.jit_snapshot_date, day(9))
        daily = (self._rows(), self._flows())
        self.assertEqual(len(daily[0]), 7)
        inventory_snapshot.backfill(self.env, self.company, D)
        self.assertEqual((self._rows(), self._flows()), daily)

    def test_consumption_agrees_with_rules(self):
        """The reports' consumption is the rules' consumption: same days, same
        quantities as the rule's consumption analysis (jit.consumption.report)."""
        inventory_snapshot.backfill(self.env, self.company, D)
        report = self.env["jit.consumption.report"].search(
            [("orderpoint_id", "=", self.rule_a.id)]
        )
        self.assertEqual(
            sorted((r.date, r.consumption) for r in report),
            [(day(4), 30.0), (day(6), 20.0)],
        )
        self.assertEqual(
            [(f[2], f[3]) for f in self._flows()],
            sorted((r.date, r.consumption) for r in report),
        )

    # reports -------------------------------------------------------------
    def test_carrying_cost_and_turnover(self):
        """Figures of A and B over March (value x days from test_snapshot_rows)."""
        inventory_snapshot.backfill(self.env, self.company, D)
        fields = [
            "value_days",
            "cost_capital",
            "cost_storage",
            "cost_insurance",
            "cost_obsolescence",
            "cost_total",
            "cogs",
            "avg_value",
            "turnover",
            "days_of_inventory",
        ]
        groups = {
            g["product_id"][0]: g
            for g in self._report(self.env, ["product_id"], fields)
        }
        a, b = groups[self.prod_a.id], groups[self.prod_b.id]
        # A: 1000 x 2 + 700 x 1 + 840 x 1 + 600 x 3 + 600 x 1 (03-09) = 5940
        self.assertAlmostEqual(a["value_days"], 5940.0)
        # components: 5940 x rate / 100 / 365
        self.assertAlmostEqual(a["cost_capital"], 5940 * 12 / 36500)  # 1.95288
        self.assertAlmostEqual(a["cost_storage"], 5940 * 6 / 36500)  # 0.97644
        self.assertAlmostEqual(a["cost_insurance"], 5940 * 1.5 / 36500)  # 0.24411
        self.assertAlmostEqual(a["cost_obsolescence"], 5940 * 0.5 / 36500)  # 0.08137
        self.assertAlmostEqual(a["cost_total"], 5940 * 20 / 36500)  # 3.25479
        # average value: 5940 over the 8 days 03-02..03-09 = 742.5
        self.assertAlmostEqual(a["avg_value"], 742.5)
        # COGS 300 + 240 = 540; turnover 365 x 540 / 5940 = 33.18 a year;
        # days of inventory 5940 / 540 = 11
        self.assertAlmostEqual(a["cogs"], 540.0)
        self.assertAlmostEqual(a["turnover"], 365 * 540 / 5940)
        self.assertAlmostEqual(a["days_of_inventory"], 11.0)
        # B: its category's own rate, 36.5 % capital only:
        # 20 x 3 days (03-07..03-09) = 60; 60 x 36.5 / 36500 = 0.06
        self.assertAlmostEqual(b["value_days"], 60.0)
        self.assertAlmostEqual(b["cost_capital"], 0.06)
        self.assertAlmostEqual(b["cost_storage"], 0.0)
        self.assertAlmostEqual(b["cost_total"], 0.06)
        self.assertAlmostEqual(b["turnover"], 0.0)  # nothing consumed

    def test_report_by_week_and_month(self):
        """Rows never span two weeks: A's week of 03-02 holds 2000 + 700 + 840
        + 1800 = 5340, the week of 03-09 600; March holds both (5940)."""
        inventory_snapshot.backfill(self.env, self.company, D)
        weeks = self._report(
            self.env,
            ["date:week"],
            ["value_days", "cost_total"],
            [("product_id", "=", self.prod_a.id)],
        )
        self.assertEqual([round(g["value_days"], 6) for g in weeks], [5340.0, 600.0])
        self.assertAlmostEqual(weeks[0]["cost_total"], 5340 * 20 / 36500)
        months = self._report(
            self.env,
            ["date:month", "categ_id"],
            ["value_days", "cost_total", "turnover"],
        )
        by_categ = {g["categ_id"][0]: g for g in months}
        self.assertAlmostEqual(by_categ[self.categ_std.id]["value_days"], 5940.0)
        self.assertAlmostEqual(
            by_categ[self.categ_std.id]["turnover"], 365 * 540 / 5940
        )
        self.assertAlmostEqual(by_categ[self.categ_costly.id]["cost_total"], 0.06)

    def test_multi_company_isolation(self):
        """Company 2's stock of A (5 @ 7 from 03-03) is recorded for company 2
        only; company 1's job and users never see it."""
        inventory_snapshot.backfill(self.env, self.company, D)
        self.assertFalse(self._rows(self.company_2))
        self.assertFalse(self.company_2.jit_snapshot_date)
        inventory_snapshot.backfill(self.env, self.company_2, D)
        wh2, a = self.wh_2.id, self.prod_a.id
        self.assertEqual(
            self._rows(self.company_2),
            [
                (wh2, a, day(3), day(9), 5.0, 35.0),  # 5 x 7, company 2's cost
                (wh2, a, day(9), False, 5.0, 35.0),
            ],
        )
        # Company 1's rows did not move.
        self.assertEqual(len(self._rows()), 7)
        # The accountant of company 1 sees company 1's figures only:
        # A in company 1 = 5940 (company 2's 5 x 7 x 7 days = 245 left out).
        env = self.env(user=self.accountant)
        groups = self._report(env, ["product_id"], ["value_days"])
        by_product = {g["product_id"][0]: g["value_days"] for g in groups}
        self.assertAlmostEqual(by_product[self.prod_a.id], 5940.0)
        with self.assertRaises(AccessError):
            self.env["jit.inventory.snapshot"].with_user(self.accountant).search(
                [("company_id", "=", self.company_2.id)]
            ).read(["value"])
            self.env["jit.inventory.snapshot"].with_user(self.accountant).browse(
                self.env["jit.inventory.snapshot"]
                .search([("company_id", "=", self.company_2.id)], limit=1)
                .id
            ).read(["value"])

    def test_accountant_reads_without_stock_rights(self):
        """An accountant (account readonly, no inventory group) opens the
        reports and the snapshots behind them."""
        inventory_snapshot.backfill(self.env, self.company, D)
        self.assertFalse(self.accountant.has_group("stock.group_stock_user"))
        self.assertFalse(self.accountant.has_group("jit_replenishment.group_jit_user"))
        env = self.env(user=self.accountant)
        groups = env["jit.inventory.report"].web_read_group(
            [("product_id", "=", self.prod_a.id)],
            ["cost_total:sum", "turnover:sum"],
            ["categ_id"],
        )["groups"]
        self.assertAlmostEqual(groups[0]["cost_total"], 5940 * 20 / 36500)
        self.assertAlmostEqual(groups[0]["turnover"], 365 * 540 / 5940)
        snaps = env["jit.inventory.snapshot"].search(
            [("product_id", "=", self.prod_a.id), ("date_to", "=", False)]
        )
        self.assertEqual(snaps.mapped("value"), [600.0])
        # Drill-down: the moves behind the stock (+100 -30 -20 = 50) and
        # behind a day's consumption.
        moves = env["stock.move"].search(snaps.action_view_moves()["domain"])
        self.assertEqual(sorted(moves.mapped("quantity")), [20.0, 30.0, 100.0])
        flow = env["jit.inventory.flow"].search(
            [("date", "=", day(4)), ("product_id", "=", self.prod_a.id)]
        )
        moves = env["stock.move"].search(flow.action_view_moves()["domain"])
        self.assertEqual(moves.mapped("quantity"), [30.0])
        # The moves open in a list that says when and from where to where
        # (Odoo's own move list shows the date in debug mode only).
        action = flow.action_view_moves()
        self.assertEqual(action["views"][0][1], "list")
        arch = env["stock.move"].get_views([action["views"][0]])["views"]["list"]
        for fname in ("date", "reference", "location_id", "location_dest_id"):
            self.assertIn(f'name="{fname}"', arch["arch"], fname)

    def test_snapshot_cron_records_yesterday_only_first_time(self):
        """First run: yesterday alone, rebuilt from today's quants."""
        with freeze_time(NOW + timedelta(days=1)):
            inventory_snapshot.record_until_yesterday(self.env, self.company)
        wh, a, b = self.warehouse.id, self.prod_a.id, self.prod_b.id
        self.assertEqual(
            self._rows(),
            [(wh, a, day(10), False, 50.0, 600.0), (wh, b, day(10), False, 10.0, 20.0)],
        )

    def test_dead_stock(self):
        """Stock held now with its days without consumption up to 03-09: A was
        last consumed 03-06 (3 days, 600 at risk); B never, held since 03-07
        (2 days, 20 at risk)."""
        inventory_snapshot.backfill(self.env, self.company, D)
        rows = self.env["jit.dead.stock.report"].search(
            [("product_id", "in", (self.prod_a | self.prod_b).ids)]
        )
        self.assertEqual(
            sorted(
                (r.product_id.id, r.last_consumption or D, r.idle_days, r.value)
                for r in rows
            ),
            sorted(
                [
                    (self.prod_a.id, day(6), 3, 600.0),
                    (self.prod_b.id, D, 2, 20.0),  # D: never consumed
                ]
            ),
        )
        idle = self.env["jit.dead.stock.report"].search(
            [
                ("product_id", "in", (self.prod_a | self.prod_b).ids),
                ("idle_days", ">=", 3),
            ]
        )
        self.assertEqual(idle.product_id, self.prod_a)
        moves = self.env["stock.move"].search(idle.action_view_records()["domain"])
        self.assertEqual(sorted(moves.mapped("quantity")), [20.0, 30.0, 100.0])

    def test_rollup_agrees_with_product_rows(self):
        """Grouped without products, the report reads the per-category
        rollup; it gives what the product rows give (A's category: 5940 value
        x days, COGS 540; B's: 60), and the daily job keeps it up to date."""
        for n in range(2, 11):
            with freeze_time(datetime.combine(day(n), time(1))):
                inventory_snapshot.record_until_yesterday(self.env, self.company)
        fields = ["value_days", "cost_total", "cogs", "avg_value", "turnover"]
        groupby = ["date:week", "categ_id", "warehouse_id"]
        domain = [("categ_id", "in", (self.categ_std | self.categ_costly).ids)]
        report = self.env["jit.inventory.report"]
        rollup = report.read_group(domain, fields, groupby, lazy=False)
        detail = report.with_context(jit_report_detail=True).read_group(
            domain, fields, groupby, lazy=False
        )
        self.assertTrue(
            self.env["jit.inventory.report.categ"]._jit_serves(
                domain, fields, groupby, False
            )
        )
        key = lambda g: (g["date:week"], g["categ_id"][0])  # noqa: E731
        self.assertEqual(
            [key(g) for g in sorted(rollup, key=key)],
            [key(g) for g in sorted(detail, key=key)],
        )
        for got, want in zip(
            sorted(rollup, key=key), sorted(detail, key=key), strict=True
        ):
            for name in fields:
                self.assertAlmostEqual(got[name], want[name], msg=name)
        by_categ = {
            g["categ_id"][0]: g
            for g in report.read_group(domain, fields, ["categ_id"], lazy=False)
        }
        self.assertAlmostEqual(by_categ[self.categ_std.id]["value_days"], 5940.0)
        self.assertAlmostEqual(by_categ[self.categ_std.id]["cogs"], 540.0)
        self.assertAlmostEqual(by_categ[self.categ_costly.id]["value_days"], 60.0)
        # A product in the domain or the groups: the product rows answer.
        self.assertFalse(
            self.env["jit.inventory.report.categ"]._jit_serves(
                [("product_id", "=", self.prod_a.id)], fields, ["categ_id"], False
            )
        )

    def test_backfill_wizard(self):
        """The wizard refuses a day that is not over (naming it) and records
        the others; a backfill after a gap fills it and keeps the history."""
        wizard = self.env["jit.snapshot.backfill"].create(
            {"company_id": self.company.id, "date_from": NOW.date()}
        )
        with self.assertRaisesRegex(UserError, "2026-03-10"):
            wizard.action_backfill()
        self.assertFalse(self.company.jit_snapshot_date)
        wizard.date_from = D
        action = wizard.action_backfill()
        self.assertEqual(action["params"]["type"], "success")
        self.assertEqual(len(self._rows()), 7)
        # The answer opens the carrying cost of the days just recorded (the
        # report behind the dialog would still show "no snapshot yet").
        report = action["params"]["next"]
        self.assertEqual(report["res_model"], "jit.inventory.report")
        self.assertEqual(report["domain"], [("date", ">=", D)])
        self.assertNotIn("search_default_filter_date", report["context"])
        # Up to 03-05 only, then a backfill from 03-08: 03-06..03-07 are filled.
        with freeze_time(datetime.combine(day(6), time(1))):
            inventory_snapshot.backfill(self.env, self.company, D)
        self.assertEqual(self.company.jit_snapshot_date, day(5))
        inventory_snapshot.backfill(self.env, self.company, day(8))
        self.assertEqual(len(self._rows()), 7)
        self.assertEqual(self._flows()[0][2], day(4))  # 03-04 kept
