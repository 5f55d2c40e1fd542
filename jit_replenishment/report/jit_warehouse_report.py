# Copyright 2026 JIT Replenishment Suite
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""The managers' multi-location view and the slow-moving / dead stock list."""

from odoo import fields, models
from odoo.tools import SQL

from ..services import pg

INDICATORS = [
    ("value", "Stock Value"),
    ("rule", "JIT Rules"),
    ("order", "Open RFQs / POs"),
    ("stockout", "Stock-outs (last recorded day)"),
]


class JitWarehouseOverview(models.Model):
    """Per warehouse: stock value (current snapshot), JIT rules by state,
    open RFQs and purchase orders by the vendor's answer, and JIT rules out
    of stock on the last recorded day."""

    _name = "jit.warehouse.overview"
    _description = "JIT Warehouse Overview"
    _auto = False
    _order = "warehouse_id, indicator, label"

    company_id = fields.Many2one("res.company", readonly=True)
    warehouse_id = fields.Many2one("stock.warehouse", readonly=True)
    indicator = fields.Selection(INDICATORS, readonly=True)
    label = fields.Char(string="Detail", readonly=True)
    count = fields.Integer(readonly=True)
    currency_id = fields.Many2one(related="company_id.currency_id")
    value = fields.Monetary(string="Stock Value", readonly=True)

    def _query(self):
        rule_states = self.env["stock.warehouse.orderpoint"]._fields["jit_state"]
        vendor_states = self.env["purchase.order"]._fields["jit_vendor_state"]
        labels = SQL(", ").join(
            SQL("(%s, %s, %s)", kind, key, label)
            for kind, field in (("rule", rule_states), ("order", vendor_states))
            for key, label in field.selection
        )
        return SQL(
            """
            WITH labels(kind, key, label) AS (VALUES %(labels)s),
            rows AS (
                SELECT s.company_id, s.warehouse_id, 'value' AS indicator,
                       '' AS label, COUNT(*) AS count, SUM(s.value) AS value
                  FROM jit_inventory_snapshot s
                 WHERE s.date_to IS NULL
                 GROUP BY 1, 2
                UNION ALL
                SELECT op.company_id, op.warehouse_id, 'rule',
                       COALESCE(l.label, 'Not computed yet'), COUNT(*), 0.0
                  FROM stock_warehouse_orderpoint op
                  LEFT JOIN labels l ON l.kind = 'rule' AND l.key = op.jit_state
                 WHERE op.jit_enabled AND op.active
                 GROUP BY 1, 2, 4
                UNION ALL
                SELECT po.company_id, pt.warehouse_id, 'order',
                       (CASE WHEN po.state IN ('draft', 'sent', 'to approve')
                             THEN 'RFQ: ' ELSE 'PO: ' END)
                       || COALESCE(l.label, 'No answer'),
                       COUNT(*), 0.0
                  FROM purchase_order po
                  JOIN stock_picking_type pt ON pt.id = po.picking_type_id
                  LEFT JOIN labels l
                    ON l.kind = 'order' AND l.key = po.jit_vendor_state
                 WHERE po.state IN ('draft', 'sent', 'to approve')
                    OR (po.state = 'purchase' AND po.receipt_status <> 'full')
                 GROUP BY 1, 2, 4
                UNION ALL
                SELECT s.company_id, s.warehouse_id, 'stockout', '', COUNT(*), 0.0
                  FROM jit_rule_stockout s
                  JOIN res_company co ON co.id = s.company_id
                 WHERE s.date = co.jit_snapshot_date
                 GROUP BY 1, 2
            )
            SELECT ROW_NUMBER() OVER (ORDER BY warehouse_id, indicator, label) AS id,
                   company_id, warehouse_id, indicator, label, count, value
              FROM rows
             WHERE warehouse_id IS NOT NULL
            """,
            labels=labels,
        )

    def init(self):
        pg.replace_view(self.env, self._table, self._query())


class JitDeadStockReport(models.Model):
    """Stock held now (current snapshot) with the last day it was consumed
    (as the rules count consumption) and the days since: slow-moving and
    dead stock, valued (value at risk)."""

    _name = "jit.dead.stock.report"
    _description = "JIT Slow-Moving and Dead Stock"
    _auto = False
    _order = "idle_days desc, value desc"
    _rec_name = "product_id"

    company_id = fields.Many2one("res.company", readonly=True)
    warehouse_id = fields.Many2one("stock.warehouse", readonly=True)
    product_id = fields.Many2one("product.product", readonly=True)
    categ_id = fields.Many2one(
        "product.category", string="Product Category", readonly=True
    )
    qty = fields.Float(
        string="On Hand", readonly=True, digits="Product Unit of Measure"
    )
    currency_id = fields.Many2one(related="company_id.currency_id")
    value = fields.Monetary(string="Value at Risk", readonly=True)
    last_consumption = fields.Date(string="Last Consumed", readonly=True)
    idle_days = fields.Integer(
        string="Days Without Consumption",
        readonly=True,
        aggregator="max",
        help="Days from the last consumption (else from the first recorded "
        "day of this stock) to the last recorded day.",
    )

    def _query(self):
        return SQL(
            """
            SELECT s.id, s.company_id, s.warehouse_id, s.product_id, s.categ_id,
                   s.qty, s.value, last.day AS last_consumption,
                   co.jit_snapshot_date - COALESCE(last.day, first.day)
                       AS idle_days
              FROM jit_inventory_snapshot s
              JOIN res_company co ON co.id = s.company_id
              LEFT JOIN LATERAL (
                    SELECT MAX(f.date) AS day FROM jit_inventory_flow f
                     WHERE f.company_id = s.company_id
                       AND f.warehouse_id = s.warehouse_id
                       AND f.product_id = s.product_id
                       AND f.consumed_qty > 0) last ON TRUE
              LEFT JOIN LATERAL (
                    SELECT MIN(h.date_from) AS day FROM jit_inventory_snapshot h
                     WHERE h.company_id = s.company_id
                       AND h.warehouse_id = s.warehouse_id
                       AND h.product_id = s.product_id) first ON TRUE
             WHERE s.date_to IS NULL
            """
        )

    def init(self):
        pg.replace_view(self.env, self._table, self._query())

    def action_view_records(self):
        """The moves this stock comes from."""
        self.ensure_one()
        return self.env["jit.inventory.snapshot"].browse(self.id).action_view_moves()
