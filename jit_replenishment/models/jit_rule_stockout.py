# Copyright 2026 JIT Replenishment Suite
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import fields, models


class JitRuleStockout(models.Model):
    """A day a JIT rule closed with no stock, as the rules count stock-out
    days (written by the daily snapshot job for the days it records)."""

    _name = "jit.rule.stockout"
    _description = "JIT Stock-out Day"
    _log_access = False
    _order = "date desc, id desc"
    _rec_name = "orderpoint_id"

    orderpoint_id = fields.Many2one(
        "stock.warehouse.orderpoint",
        string="Reordering Rule",
        required=True,
        readonly=True,
        ondelete="cascade",
        index=True,
    )
    company_id = fields.Many2one("res.company", required=True, readonly=True)
    warehouse_id = fields.Many2one("stock.warehouse", readonly=True)
    product_id = fields.Many2one("product.product", readonly=True)
    date = fields.Date(required=True, readonly=True, index=True)

    _sql_constraints = [
        (
            "rule_day_uniq",
            "UNIQUE (orderpoint_id, date)",
            "One stock-out row per rule and day.",
        )
    ]
