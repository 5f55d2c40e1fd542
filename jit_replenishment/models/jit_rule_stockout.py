# Copyright 2026 JIT Replenishment Suite
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import api, fields, models


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


class StockWarehouseOrderpoint(models.Model):
    _inherit = "stock.warehouse.orderpoint"

    jit_pilot_date = fields.Date(
        string="In JIT Pilot Since",
        readonly=True,
        copy=False,
        help="Day JIT was enabled on the rule: the KPI reports compare the "
        "days before and after it.",
    )

    @api.model_create_multi
    def create(self, vals_list):
        today = fields.Date.context_today(self)
        for vals in vals_list:
            if vals.get("jit_enabled") and not vals.get("jit_pilot_date"):
                vals["jit_pilot_date"] = today
        return super().create(vals_list)

    def write(self, vals):
        if vals.get("jit_enabled") and "jit_pilot_date" not in vals:
            joining = self.filtered(lambda op: not op.jit_pilot_date)
            res = super().write(vals)
            if joining:
                super(StockWarehouseOrderpoint, joining).write(
                    {"jit_pilot_date": fields.Date.context_today(self)}
                )
            return res
        return super().write(vals)
