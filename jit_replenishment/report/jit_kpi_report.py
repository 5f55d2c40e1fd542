# Copyright 2026 JIT Replenishment Suite
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""JIT KPIs per rule and period, before and after the rule joined the pilot."""

from odoo import api, fields, models
from odoo.tools import SQL

from ..services import pg

PHASES = [("before", "Before JIT"), ("after", "With JIT")]


def _local_day(timestamp):
    """The company's day (partner `cp`'s timezone) of a UTC timestamp."""
    return SQL(
        "(%s AT TIME ZONE 'UTC' AT TIME ZONE COALESCE(cp.tz, 'UTC'))::date", timestamp
    )


class JitKpiReport(models.Model):
    """Rows of four kinds, each with a date, for the JIT rules:

    - days tracked (one row per rule, month and phase, over the recorded
      snapshot days);
    - stock-out days (jit.rule.stockout: the rules' own definition);
    - customer demand: each delivery move leaving the rule's warehouse, due
      on its deadline (else its transfer's scheduled date), its quantity and
      the quantity done by the end of that day (on time);
    - orders placed by the rule (purchase order lines of the rule), and
      those neither urgent (starred) nor cancelled.

    Every row carries the target service level of its rule's profile (so
    that a rule shows its target before any snapshot day is recorded); a
    group shows the average over its rows. Rates are fractions (0.95),
    shown as percentages; they are computed per group from the sums
    (jit.report.ratio)."""

    _name = "jit.kpi.report"
    _inherit = ["jit.report.ratio"]
    _description = "JIT KPIs"
    _auto = False
    _order = "date desc, id desc"
    _rec_name = "orderpoint_id"
    _jit_ratio_fields = (
        "stockout_rate",
        "service_level",
        "service_gap",
        "fill_rate",
        "reorder_accuracy",
    )
    _jit_ratio_sums = {
        "tracked": "sum(days_tracked)",
        "stockouts": "sum(stockout_days)",
        "demanded": "sum(demanded_qty)",
        "on_time": "sum(on_time_qty)",
        "orders": "sum(orders)",
        "accurate": "sum(accurate_orders)",
        "target": "avg(target_service_level)",
    }

    orderpoint_id = fields.Many2one(
        "stock.warehouse.orderpoint", string="Reordering Rule", readonly=True
    )
    company_id = fields.Many2one("res.company", readonly=True)
    warehouse_id = fields.Many2one("stock.warehouse", readonly=True)
    product_id = fields.Many2one("product.product", readonly=True)
    categ_id = fields.Many2one(
        "product.category", string="Product Category", readonly=True
    )
    date = fields.Date(readonly=True)
    phase = fields.Selection(PHASES, readonly=True)
    res_model = fields.Char(readonly=True)
    res_id = fields.Integer(readonly=True, aggregator=None)
    days_tracked = fields.Integer(readonly=True)
    stockout_days = fields.Integer(string="Stock-out Days", readonly=True)
    demanded_qty = fields.Float(
        string="Demanded", readonly=True, digits="Product Unit of Measure"
    )
    on_time_qty = fields.Float(
        string="Delivered on Time", readonly=True, digits="Product Unit of Measure"
    )
    orders = fields.Integer(string="Orders Placed", readonly=True)
    accurate_orders = fields.Integer(
        string="Orders Neither Urgent nor Cancelled", readonly=True
    )
    target_service_level = fields.Float(
        string="Target Service Level", readonly=True, aggregator="avg", digits=(16, 3)
    )
    stockout_rate = fields.Float(
        string="Stock-out Rate",
        readonly=True,
        digits=(16, 3),
        help="Stock-out days / days tracked.",
    )
    service_level = fields.Float(
        string="Service Level",
        readonly=True,
        digits=(16, 3),
        help="Share of the days tracked without stock-out (1 - stock-out rate).",
    )
    service_gap = fields.Float(
        string="Service Level vs Target",
        readonly=True,
        digits=(16, 3),
        help="Service level achieved minus the profile's target.",
    )
    fill_rate = fields.Float(
        readonly=True, digits=(16, 3), help="Delivered on time / demanded."
    )
    reorder_accuracy = fields.Float(
        readonly=True,
        digits=(16, 3),
        help="Orders placed by the rule neither urgent nor cancelled / orders.",
    )

    def _query(self):
        rule_sql = SQL(
            """
            SELECT op.id, op.company_id, op.warehouse_id, op.product_id,
                   pt.categ_id, COALESCE(op.jit_pilot_date, op.create_date::date)
                       AS pilot, wv.parent_path AS wh_path,
                   prof.service_level AS target
              FROM stock_warehouse_orderpoint op
              JOIN stock_warehouse wh ON wh.id = op.warehouse_id
              JOIN stock_location wv ON wv.id = wh.view_location_id
              JOIN product_product pp ON pp.id = op.product_id
              JOIN product_template pt ON pt.id = pp.product_tmpl_id
              LEFT JOIN jit_profile prof
                ON prof.id = COALESCE(op.jit_profile_used_id, op.jit_profile_id)
             WHERE op.jit_enabled AND op.active
            """
        )
        columns = SQL(
            "r.company_id, r.warehouse_id, r.product_id, r.categ_id, r.id"
            " AS orderpoint_id"
        )
        ratios = SQL(", ").join(
            SQL("NULL::float8 AS %s", SQL.identifier(name))
            for name in self._jit_ratio_fields
        )
        return SQL(
            """
            SELECT u.*, %(ratios)s FROM (
            WITH r AS (%(rules)s),
            span AS (SELECT company_id, MIN(date_from) AS first
                       FROM jit_inventory_snapshot GROUP BY company_id)
            SELECT 8 * (r.id::bigint * 100000 + (p.day_from - DATE '2000-01-01'))
                       + CASE WHEN p.phase = 'before' THEN 0 ELSE 1 END AS id,
                   %(columns)s, p.day_from AS date, p.phase,
                   'stock.warehouse.orderpoint' AS res_model, r.id AS res_id,
                   p.day_to - p.day_from AS days_tracked, 0 AS stockout_days,
                   0.0 AS demanded_qty, 0.0 AS on_time_qty, 0 AS orders,
                   0 AS accurate_orders, r.target AS target_service_level
              FROM r
              JOIN res_company co ON co.id = r.company_id
              JOIN span ON span.company_id = r.company_id
             CROSS JOIN LATERAL generate_series(
                    date_trunc('month', span.first)::date,
                    co.jit_snapshot_date, INTERVAL '1 month') m(month)
             CROSS JOIN LATERAL (
                    SELECT GREATEST(m.month::date, span.first) AS lo,
                           LEAST((m.month + INTERVAL '1 month')::date,
                                 co.jit_snapshot_date + 1) AS hi) b
             CROSS JOIN LATERAL (
                    VALUES ('before', b.lo, LEAST(b.hi, r.pilot)),
                           ('after', GREATEST(b.lo, r.pilot), b.hi)
                   ) p(phase, day_from, day_to)
             WHERE p.day_to > p.day_from
            UNION ALL
            SELECT 8 * s.id::bigint + 2, %(columns)s, s.date,
                   CASE WHEN s.date < r.pilot THEN 'before' ELSE 'after' END,
                   'stock.warehouse.orderpoint', r.id, 0, 1, 0.0, 0.0, 0, 0,
                   r.target
              FROM jit_rule_stockout s
              JOIN r ON r.id = s.orderpoint_id
            UNION ALL
            SELECT 8 * (sm.id::bigint * 100000 + r.id) + 3, %(columns)s, d.due,
                   CASE WHEN d.due < r.pilot THEN 'before' ELSE 'after' END,
                   'stock.move', sm.id, 0, 0, sm.product_qty,
                   CASE WHEN sm.state = 'done' AND %(done_day)s <= d.due
                        THEN sm.quantity / mu.factor * pu.factor ELSE 0.0 END,
                   0, 0, r.target
              FROM r
              JOIN res_company co ON co.id = r.company_id
              JOIN res_partner cp ON cp.id = co.partner_id
              JOIN stock_move sm ON sm.product_id = r.product_id
              JOIN stock_location src ON src.id = sm.location_id
              JOIN stock_location dst ON dst.id = sm.location_dest_id
              LEFT JOIN stock_picking sp ON sp.id = sm.picking_id
              JOIN uom_uom mu ON mu.id = sm.product_uom
              JOIN product_product pp ON pp.id = sm.product_id
              JOIN product_template pt ON pt.id = pp.product_tmpl_id
              JOIN uom_uom pu ON pu.id = pt.uom_id
             CROSS JOIN LATERAL (
                    SELECT %(due_day)s AS due) d
             WHERE sm.state NOT IN ('draft', 'cancel')
               AND dst.usage = 'customer'
               AND starts_with(src.parent_path, r.wh_path)
            UNION ALL
            SELECT 8 * (pol.id::bigint * 100000 + r.id) + 4, %(columns)s, d.day,
                   CASE WHEN d.day < r.pilot THEN 'before' ELSE 'after' END,
                   'purchase.order', po.id, 0, 0, 0.0, 0.0, 1,
                   (po.priority IS DISTINCT FROM '1' AND po.state <> 'cancel')::int,
                   r.target
              FROM r
              JOIN res_company co ON co.id = r.company_id
              JOIN res_partner cp ON cp.id = co.partner_id
              JOIN purchase_order_line pol ON pol.orderpoint_id = r.id
              JOIN purchase_order po ON po.id = pol.order_id
             CROSS JOIN LATERAL (SELECT %(order_day)s AS day) d
            ) u
            """,
            ratios=ratios,
            rules=rule_sql,
            columns=columns,
            done_day=_local_day(SQL("sm.date")),
            due_day=_local_day(
                SQL("COALESCE(sm.date_deadline, sp.scheduled_date, sm.date)")
            ),
            order_day=_local_day(SQL("COALESCE(po.date_order, po.create_date)")),
        )

    def init(self):
        pg.replace_view(self.env, self._table, self._query())

    @api.model
    def _jit_ratios(self, sums):
        rate = self._jit_div(sums["stockouts"], sums["tracked"])
        level = 1.0 - rate if sums["tracked"] else 0.0
        return {
            "stockout_rate": rate,
            "service_level": level,
            "service_gap": level - (sums["target"] or 0.0) if sums["tracked"] else 0.0,
            "fill_rate": self._jit_div(sums["on_time"], sums["demanded"]),
            "reorder_accuracy": self._jit_div(sums["accurate"], sums["orders"]),
        }

    def action_view_records(self):
        """The record behind the row: the rule, the delivery move or the
        purchase order."""
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "res_model": self.res_model,
            "res_id": self.res_id,
            "view_mode": "form",
            "views": [(False, "form")],
        }
