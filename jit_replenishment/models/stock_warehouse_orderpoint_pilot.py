# Copyright 2026 JIT Replenishment Suite
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""The day a reordering rule joined the JIT pilot (KPIs before / with JIT).

Kept apart from stock_warehouse_orderpoint.py (issue 11 reorganises it)."""

from odoo import api, fields, models


class StockWarehouseOrderpoint(models.Model):
    _inherit = "stock.warehouse.orderpoint"  # pylint: disable=consider-merging-classes-inherited

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
