# Copyright 2026 JIT Replenishment Suite
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import fields, models
from odoo.tools import SQL

from ..services import consumption, pg

# Days of history shown by the report.
HISTORY_DAYS = 365


class JitConsumptionReport(models.Model):
    """Daily consumption of each JIT reordering rule, next to its current ADU,
    minimum and maximum (a read-only SQL view).

    Consumption is the one definition of services/consumption.py (the
    recompute and the pull trigger use it too): done moves leaving the
    rule's warehouse (its view location's tree; the rule's own location tree
    if the rule lies outside its warehouse) for a customer, production or
    inventory-loss/scrap location, minus returns into it (from customers, or
    returns of moves from production / inventory locations: an undone scan),
    in the product's unit.
    Days are the company's days (its partner's timezone, UTC when unset), as
    in the scheduler. Days without any such move have no row.
    """

    _name = "jit.consumption.report"
    _description = "JIT Consumption Analysis"
    _auto = False
    _rec_name = "orderpoint_id"
    _order = "date desc, orderpoint_id"

    _depends = {
        "stock.warehouse.orderpoint": [
            "active",
            "company_id",
            "jit_adu",
            "jit_enabled",
            "location_id",
            "product_id",
            "product_max_qty",
            "product_min_qty",
            "warehouse_id",
        ],
        "stock.move": [
            "date",
            "location_dest_id",
            "location_id",
            "origin_returned_move_id",
            "product_id",
            "product_uom",
            "quantity",
            "state",
        ],
        "stock.location": ["parent_path", "usage"],
        "stock.warehouse": ["view_location_id"],
        "product.product": ["product_tmpl_id"],
        "product.template": ["uom_id"],
        "uom.uom": ["factor"],
        "res.company": ["partner_id"],
        "res.partner": ["tz"],
    }

    orderpoint_id = fields.Many2one(
        "stock.warehouse.orderpoint", string="Reordering Rule", readonly=True
    )
    product_id = fields.Many2one("product.product", string="Product", readonly=True)
    warehouse_id = fields.Many2one("stock.warehouse", string="Warehouse", readonly=True)
    company_id = fields.Many2one("res.company", string="Company", readonly=True)
    date = fields.Date(readonly=True)
    consumption = fields.Float(
        readonly=True,
        digits="Product Unit of Measure",
        help="Quantity consumed that day from the rule's warehouse (deliveries, "
        "manufacturing, scrap and inventory losses), minus customer returns and "
        "undone consumption, in the product's unit of measure.",
    )
    adu = fields.Float(
        string="ADU",
        readonly=True,
        digits=(16, 4),
        aggregator="avg",
        help="Current average daily usage computed by JIT for the rule.",
    )
    min_qty = fields.Float(
        string="Min",
        readonly=True,
        digits="Product Unit of Measure",
        aggregator="avg",
        help="Current minimum quantity of the rule.",
    )
    max_qty = fields.Float(
        string="Max",
        readonly=True,
        digits="Product Unit of Measure",
        aggregator="avg",
        help="Current maximum quantity of the rule.",
    )

    def _query(self):
        """The view's SELECT: each done move's signed quantity (the one
        definition, services/consumption.py) summed per rule and local day."""
        tree = SQL("tree.path")
        sign = consumption.sign_sql("sm", "src", "dst", tree)
        return SQL(
            """
            SELECT op.id::bigint * 100000
                       + (local.day - DATE '1970-01-01') AS id,
                   op.id AS orderpoint_id,
                   op.product_id AS product_id,
                   op.warehouse_id AS warehouse_id,
                   op.company_id AS company_id,
                   local.day AS date,
                   SUM(%(sign)s * %(qty)s) AS consumption,
                   op.jit_adu AS adu,
                   op.product_min_qty AS min_qty,
                   op.product_max_qty AS max_qty
              FROM stock_warehouse_orderpoint op
              JOIN stock_location rule_loc ON rule_loc.id = op.location_id
              JOIN stock_warehouse wh ON wh.id = op.warehouse_id
              JOIN stock_location wv ON wv.id = wh.view_location_id
             CROSS JOIN LATERAL (SELECT %(boundary)s AS path) tree
              JOIN stock_move sm
                ON sm.product_id = op.product_id
               AND sm.state = 'done'
               AND sm.date >= (NOW() AT TIME ZONE 'UTC')::date - %(days)s
              JOIN res_company co ON co.id = op.company_id
              JOIN res_partner cp ON cp.id = co.partner_id
             CROSS JOIN LATERAL (SELECT %(day)s AS day) local
              JOIN stock_location src ON src.id = sm.location_id
              JOIN stock_location dst ON dst.id = sm.location_dest_id
              JOIN uom_uom move_uom ON move_uom.id = sm.product_uom
              JOIN product_product pp ON pp.id = sm.product_id
              JOIN product_template pt ON pt.id = pp.product_tmpl_id
              JOIN uom_uom product_uom ON product_uom.id = pt.uom_id
             WHERE op.jit_enabled
               AND op.active
               AND %(sign)s <> 0
             GROUP BY op.id, local.day
            """,
            days=HISTORY_DAYS,
            sign=sign,
            qty=consumption.quantity_sql("sm", "move_uom", "product_uom"),
            boundary=consumption.boundary_sql("rule_loc", "wv"),
            day=consumption.local_day_sql(SQL("sm.date"), SQL("cp.tz")),
        )

    def init(self):
        pg.replace_view(self.env, self._table, self._query())
