# Copyright 2026 JIT Replenishment Suite
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Per-category rollup of the carrying-cost and turnover report: what makes
a year of 100,000 products open in seconds when grouped by period,
warehouse or category (see README, "Inventory snapshots")."""

import re

from odoo import api, fields, models
from odoo.osv import expression
from odoo.tools import SQL

from ..services import pg
from ..services.carrying_cost import COMPONENTS, cost_columns, effective_rates_sql

# Fields of jit.inventory.report that the rollup holds as well.
ROLLUP_FIELDS = frozenset(
    {
        "id",
        "__count",
        "company_id",
        "currency_id",
        "warehouse_id",
        "categ_id",
        "date",
        "date_end",
        "value_days",
        "avg_value",
        "consumed_qty",
        "cogs",
        "turnover",
        "days_of_inventory",
        "cost_total",
        *COMPONENTS.values(),
    }
)
_SPEC = re.compile(r"^(\w+)(?::(\w+)(?:\((\w+)\))?)?$")


class JitInventoryRollup(models.Model):
    """Sums of jit.inventory.report per company, warehouse, category and
    week/month piece, refreshed by the snapshot job for the pieces it
    records (services/inventory_snapshot.refresh_rollup)."""

    _name = "jit.inventory.rollup"
    _description = "JIT Inventory Rollup"
    _log_access = False

    company_id = fields.Many2one("res.company", required=True, readonly=True)
    warehouse_id = fields.Many2one("stock.warehouse", readonly=True)
    categ_id = fields.Many2one("product.category", readonly=True)
    date = fields.Date(required=True, readonly=True, index=True)
    date_end = fields.Date(readonly=True)
    value_days = fields.Float(readonly=True)
    consumed_qty = fields.Float(readonly=True)
    cogs = fields.Float(readonly=True)


class JitInventoryReportCateg(models.Model):
    """The rollup with the carrying cost at today's rates, as the fields of
    jit.inventory.report (it answers that report's read_group when no
    product is involved)."""

    _name = "jit.inventory.report.categ"
    _inherit = ["jit.report.ratio"]
    _description = "JIT Carrying Cost and Turnover per Category"
    _auto = False
    _order = "date desc, id desc"
    _jit_ratio_fields = ("avg_value", "turnover", "days_of_inventory")
    _jit_ratio_sums = {
        "value_days": "sum(value_days)",
        "cogs": "sum(cogs)",
        "from": "min(date)",
        "to": "max(date_end)",
    }

    company_id = fields.Many2one("res.company", readonly=True)
    currency_id = fields.Many2one(related="company_id.currency_id")
    warehouse_id = fields.Many2one("stock.warehouse", readonly=True)
    categ_id = fields.Many2one(
        "product.category", string="Product Category", readonly=True
    )
    date = fields.Date(readonly=True)
    date_end = fields.Date(string="Until", readonly=True)
    value_days = fields.Monetary(string="Value x Days", readonly=True)
    avg_value = fields.Monetary(string="Average Inventory Value", readonly=True)
    cost_capital = fields.Monetary(string="Capital Cost", readonly=True)
    cost_storage = fields.Monetary(string="Storage Cost", readonly=True)
    cost_insurance = fields.Monetary(string="Insurance Cost", readonly=True)
    cost_obsolescence = fields.Monetary(string="Obsolescence Cost", readonly=True)
    cost_total = fields.Monetary(string="Carrying Cost", readonly=True)
    consumed_qty = fields.Float(string="Consumed", readonly=True)
    cogs = fields.Monetary(string="Cost of Goods Consumed", readonly=True)
    turnover = fields.Float(string="Turnover (per year)", readonly=True)
    days_of_inventory = fields.Float(string="Days of Inventory", readonly=True)

    def _query(self):
        return SQL(
            """
            SELECT g.id, g.company_id, g.warehouse_id, g.categ_id, g.date,
                   g.date_end, g.value_days, NULL::float8 AS avg_value, %(costs)s,
                   g.consumed_qty, g.cogs, NULL::float8 AS turnover,
                   NULL::float8 AS days_of_inventory
              FROM jit_inventory_rollup g
              JOIN res_company co ON co.id = g.company_id
              LEFT JOIN (%(rates)s) r
                ON r.company_id = g.company_id AND r.categ_id = g.categ_id
            """,
            costs=cost_columns(SQL("g.value_days"), "co", "r"),
            rates=effective_rates_sql(),
        )

    def init(self):
        pg.replace_view(self.env, self._table, self._query())

    @api.model
    def _jit_ratios(self, sums):
        return self.env["jit.inventory.report"]._jit_ratios(sums)

    @api.model
    def _jit_serves(self, domain, fields, groupby, orderby):
        """Whether a read_group of jit.inventory.report with these
        arguments reads only fields the rollup holds."""
        names = set()
        for spec in fields:
            match = _SPEC.match(spec.strip())
            if not match:
                return False
            names.add(match.group(3) or match.group(1))
        names.update(g.split(":")[0] for g in groupby or ())
        for leaf in domain or ():
            if expression.is_leaf(leaf) and not expression.is_boolean(leaf):
                names.add(leaf[0].split(".")[0])
        for term in (orderby or "").split(","):
            if term.strip():
                names.add(term.split()[0].split(":")[0])
        return names <= ROLLUP_FIELDS
