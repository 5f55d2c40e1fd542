# Copyright 2026 JIT Replenishment Suite
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import fields, models
from odoo.tools import SQL

from ..services import pg
from .jit_consumption_report import HISTORY_DAYS

SERIES = [
    ("consumption", "Consumption"),
    ("adu", "ADU"),
    ("min", "Min"),
    ("max", "Max"),
]


class JitConsumptionChart(models.Model):
    """One JIT rule's daily consumption, ADU, minimum and maximum as four
    series of one measure, so that one line chart draws them together
    (Odoo's graph view draws one measure, split by a group: here the series).

    Consumption is jit.consumption.report's (one definition), 0 on the days
    without consumption; ADU, Min and Max are the rule's current values,
    drawn flat over the period.
    """

    _name = "jit.consumption.chart"
    _description = "JIT Consumption Chart"
    _auto = False
    _rec_name = "orderpoint_id"
    _order = "date, orderpoint_id, series"

    _depends = {
        "jit.consumption.report": ["consumption", "date", "orderpoint_id"],
        "stock.warehouse.orderpoint": [
            "active",
            "company_id",
            "jit_adu",
            "jit_enabled",
            "product_id",
            "product_max_qty",
            "product_min_qty",
            "warehouse_id",
        ],
    }

    orderpoint_id = fields.Many2one(
        "stock.warehouse.orderpoint", string="Reordering Rule", readonly=True
    )
    product_id = fields.Many2one("product.product", string="Product", readonly=True)
    warehouse_id = fields.Many2one("stock.warehouse", string="Warehouse", readonly=True)
    company_id = fields.Many2one("res.company", string="Company", readonly=True)
    date = fields.Date(readonly=True)
    series = fields.Selection(SERIES, readonly=True)
    quantity = fields.Float(
        readonly=True,
        digits="Product Unit of Measure",
        help="Consumption of the day, or the rule's current ADU, minimum or "
        "maximum, in the product's unit of measure.",
    )

    def _query(self):
        return SQL(
            """
            SELECT op.id::bigint * 10000000
                       + (d.day::date - DATE '1970-01-01') * 4 + s.idx AS id,
                   op.id AS orderpoint_id,
                   op.product_id AS product_id,
                   op.warehouse_id AS warehouse_id,
                   op.company_id AS company_id,
                   d.day::date AS date,
                   s.series AS series,
                   CASE s.series
                        WHEN 'consumption' THEN COALESCE(r.consumption, 0)
                        WHEN 'adu' THEN COALESCE(op.jit_adu, 0)
                        WHEN 'min' THEN op.product_min_qty
                        ELSE op.product_max_qty
                   END AS quantity
              FROM stock_warehouse_orderpoint op
             CROSS JOIN generate_series(
                    (NOW() AT TIME ZONE 'UTC')::date - %(days)s,
                    (NOW() AT TIME ZONE 'UTC')::date,
                    INTERVAL '1 day'
                   ) AS d(day)
             CROSS JOIN (VALUES (0, 'consumption'), (1, 'adu'), (2, 'min'), (3, 'max'))
                   AS s(idx, series)
              LEFT JOIN jit_consumption_report r
                ON s.idx = 0 AND r.orderpoint_id = op.id AND r.date = d.day::date
             WHERE op.jit_enabled AND op.active
            """,
            days=HISTORY_DAYS,
        )

    def init(self):
        pg.replace_view(self.env, self._table, self._query())
