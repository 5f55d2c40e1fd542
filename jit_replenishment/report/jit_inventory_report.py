# Copyright 2026 JIT Replenishment Suite
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Carrying cost and turnover (one SQL view over the snapshots and the daily
consumption) and slow-moving / dead stock (over the current snapshot)."""

from odoo import api, fields, models
from odoo.tools import SQL

from ..services import pg
from ..services.carrying_cost import COMPONENTS, cost_columns, effective_rates_sql


class JitInventoryReport(models.Model):
    """One row per snapshot row (inventory held: value x days and its
    carrying cost) and one per day of consumption (cost of goods consumed).

    Carrying cost of a row = value x days x rate / 100 / 365 per component:
    summed over a period it is the period's average inventory value x rate x
    days / 365. Turnover and days of inventory are computed per group."""

    _name = "jit.inventory.report"
    _inherit = ["jit.report.ratio"]
    _description = "JIT Carrying Cost and Turnover"
    _auto = False
    _order = "date desc, id desc"
    _rec_name = "product_id"
    _jit_ratio_fields = ("avg_value", "turnover", "days_of_inventory")
    _jit_ratio_sums = {
        "value_days": "sum(value_days)",
        "cogs": "sum(cogs)",
        "from": "min(date)",
        "to": "max(date_end)",
    }

    _depends = {
        "jit.inventory.snapshot": [
            "company_id",
            "warehouse_id",
            "product_id",
            "categ_id",
            "date_from",
            "date_to",
            "qty",
            "value",
        ],
        "jit.inventory.flow": [
            "company_id",
            "warehouse_id",
            "product_id",
            "categ_id",
            "date",
            "consumed_qty",
            "cogs",
        ],
        "res.company": [
            "jit_snapshot_date",
            "jit_cc_capital_rate",
            "jit_cc_storage_rate",
            "jit_cc_insurance_rate",
            "jit_cc_obsolescence_rate",
        ],
        "product.category": [
            "parent_path",
            "jit_cc_override",
            "jit_cc_capital_rate",
            "jit_cc_storage_rate",
            "jit_cc_insurance_rate",
            "jit_cc_obsolescence_rate",
        ],
    }

    company_id = fields.Many2one("res.company", readonly=True)
    currency_id = fields.Many2one(related="company_id.currency_id")
    warehouse_id = fields.Many2one("stock.warehouse", readonly=True)
    product_id = fields.Many2one("product.product", readonly=True)
    categ_id = fields.Many2one(
        "product.category", string="Product Category", readonly=True
    )
    date = fields.Date(readonly=True, help="First day of the row.")
    date_end = fields.Date(
        string="Until", readonly=True, help="First day after the row."
    )
    days = fields.Integer(readonly=True, aggregator=None)
    qty = fields.Float(
        string="On Hand",
        readonly=True,
        digits="Product Unit of Measure",
        aggregator=None,
    )
    value = fields.Monetary(string="Stock Value", readonly=True, aggregator=None)
    value_days = fields.Monetary(
        string="Value x Days",
        readonly=True,
        help="Inventory value times the days it was held (sum).",
    )
    avg_value = fields.Monetary(
        string="Average Inventory Value",
        readonly=True,
        help="Value x days divided by the days of the group's period (from its "
        "first to its last recorded day).",
    )
    cost_capital = fields.Monetary(string="Capital Cost", readonly=True)
    cost_storage = fields.Monetary(string="Storage Cost", readonly=True)
    cost_insurance = fields.Monetary(string="Insurance Cost", readonly=True)
    cost_obsolescence = fields.Monetary(string="Obsolescence Cost", readonly=True)
    cost_total = fields.Monetary(string="Carrying Cost", readonly=True)
    consumed_qty = fields.Float(
        string="Consumed", readonly=True, digits="Product Unit of Measure"
    )
    cogs = fields.Monetary(
        string="Cost of Goods Consumed",
        readonly=True,
        help="Consumption (as the reordering rules count it) at the day's unit cost.",
    )
    turnover = fields.Float(
        string="Turnover (per year)",
        readonly=True,
        digits=(16, 2),
        help="365 x cost of goods consumed / (value x days): how many times a "
        "year the average inventory is consumed.",
    )
    days_of_inventory = fields.Float(
        string="Days of Inventory",
        readonly=True,
        digits=(16, 1),
        help="Value x days / cost of goods consumed: the days the average "
        "inventory lasts at the period's consumption.",
    )

    def _query(self):
        # float8 arithmetic (the stored columns are numeric), no CTE and the
        # same column types in both branches, so that PostgreSQL flattens the
        # UNION ALL and computes only the columns a read_group asks for.
        zero_costs = SQL(", ").join(
            SQL("0.0::float8 AS %s", SQL.identifier(name))
            for name in (*COMPONENTS.values(), "cost_total")
        )
        return SQL(
            """
            SELECT s.id * 2 AS id, s.company_id, s.warehouse_id, s.product_id,
                   s.categ_id, s.date_from AS date, e.date_end, e.days,
                   s.qty::float8 AS qty, s.value::float8 AS value,
                   v.value_days, NULL::float8 AS avg_value, %(costs)s,
                   0.0::float8 AS consumed_qty, 0.0::float8 AS cogs,
                   NULL::float8 AS turnover, NULL::float8 AS days_of_inventory
              FROM jit_inventory_snapshot s
              JOIN res_company co ON co.id = s.company_id
              LEFT JOIN (%(rates)s) r
                ON r.company_id = s.company_id AND r.categ_id = s.categ_id
             CROSS JOIN LATERAL (
                    SELECT COALESCE(s.date_to, co.jit_snapshot_date + 1) AS date_end,
                           COALESCE(s.date_to, co.jit_snapshot_date + 1)
                               - s.date_from AS days) e
             CROSS JOIN LATERAL (
                    SELECT s.value::float8 * e.days AS value_days) v
            UNION ALL
            SELECT f.id * 2 + 1, f.company_id, f.warehouse_id, f.product_id,
                   f.categ_id, f.date, f.date + 1, 0, NULL::float8, NULL::float8,
                   0.0::float8, NULL::float8, %(zero_costs)s,
                   f.consumed_qty::float8, f.cogs::float8, NULL::float8,
                   NULL::float8
              FROM jit_inventory_flow f
            """,
            rates=effective_rates_sql(),
            costs=cost_columns(SQL("v.value_days"), "co", "r"),
            zero_costs=zero_costs,
        )

    def init(self):
        pg.replace_view(self.env, self._table, self._query())

    @api.model
    def read_group(
        self, domain, fields, groupby, offset=0, limit=None, orderby=False, lazy=True
    ):
        """Groups that need no product come from the per-category rollup
        (jit.inventory.report.categ: the same figures, a row per warehouse,
        category and week/month piece), the others from the product rows."""
        rollup = self.env["jit.inventory.report.categ"]
        if not self.env.context.get("jit_report_detail") and rollup._jit_serves(
            domain, fields, groupby, orderby
        ):
            return rollup.read_group(
                domain, fields, groupby, offset, limit, orderby, lazy
            )
        return super().read_group(domain, fields, groupby, offset, limit, orderby, lazy)

    @api.model
    def _jit_ratios(self, sums):
        span = sums["to"] - sums["from"] if sums["from"] and sums["to"] else None
        return {
            "avg_value": self._jit_div(sums["value_days"], span and span.days),
            "turnover": self._jit_div(sums["cogs"], sums["value_days"], 365.0),
            "days_of_inventory": self._jit_div(sums["value_days"], sums["cogs"]),
        }

    def action_view_records(self):
        """The records behind the row: the moves its stock comes from (held
        stock) or the moves of the day (consumption)."""
        self.ensure_one()
        if self.id % 2 == 0:
            return (
                self.env["jit.inventory.snapshot"]
                .browse(self.id // 2)
                .action_view_moves()
            )
        return (
            self.env["jit.inventory.flow"]
            .browse((self.id - 1) // 2)
            .action_view_moves()
        )
