# Copyright 2026 JIT Replenishment Suite
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Daily inventory snapshots, stored as ranges cut at week and month ends.

Written in bulk SQL by services/inventory_snapshot.py (never through the ORM
one record at a time); read by the reports. See README "Inventory
snapshots" for the storage design.
"""

import logging
from datetime import timedelta

from odoo import api, fields, models, tools
from odoo.tools import SQL

from ..services import consumption_adapter, inventory_snapshot, pg

_logger = logging.getLogger(__name__)


class JitInventorySnapshot(models.Model):
    """Quantity on hand and value of a product in a warehouse, valid from
    date_from (included) to date_to (excluded; empty while it still holds).
    A row never spans two ISO weeks or two months, so that summing value x
    days by week or month needs no splitting."""

    _name = "jit.inventory.snapshot"
    _description = "JIT Inventory Snapshot"
    _log_access = False
    _order = "date_from desc, id desc"
    _rec_name = "product_id"

    company_id = fields.Many2one("res.company", required=True, readonly=True)
    warehouse_id = fields.Many2one("stock.warehouse", required=True, readonly=True)
    product_id = fields.Many2one("product.product", required=True, readonly=True)
    categ_id = fields.Many2one(
        "product.category",
        string="Product Category",
        readonly=True,
        help="The product's category when the row was recorded.",
    )
    date_from = fields.Date(string="From", required=True, readonly=True)
    date_to = fields.Date(
        string="Until",
        readonly=True,
        help="First day this row no longer holds; empty: it holds up to the "
        "last recorded day.",
    )
    qty = fields.Float(
        string="On Hand", readonly=True, digits="Product Unit of Measure"
    )
    unit_cost = fields.Float(readonly=True, digits="Product Price")
    currency_id = fields.Many2one(related="company_id.currency_id")
    value = fields.Monetary(readonly=True)

    def init(self):
        cr = self.env.cr
        # One open row per key; the daily step looks keys up by company.
        cr.execute(
            SQL(
                "CREATE UNIQUE INDEX IF NOT EXISTS jit_inventory_snapshot_open_uniq"
                " ON %s (company_id, warehouse_id, product_id)"
                " WHERE date_to IS NULL",
                SQL.identifier(self._table),
            )
        )
        tools.create_index(
            cr,
            "jit_inventory_snapshot_company_date_idx",
            self._table,
            ["company_id", "date_from"],
        )
        tools.create_index(
            cr,
            "jit_inventory_snapshot_key_idx",
            self._table,
            ["product_id", "warehouse_id", "date_from"],
        )
        tools.create_index(
            cr,
            "jit_inventory_snapshot_categ_idx",
            self._table,
            ["categ_id", "date_from"],
        )

    @api.model
    def _cron_jit_snapshot(self):
        """Daily job: record every company's days up to yesterday; a company
        that fails is logged and left for the next run, the others go on."""
        for company in self.env["res.company"].search([]):
            try:
                with self.env.cr.savepoint():
                    inventory_snapshot.record_until_yesterday(self.env, company)
            except Exception as exc:
                if pg.is_concurrency_error(exc):
                    raise
                _logger.exception(
                    "JIT inventory snapshot failed for company %s", company.name
                )
                self.env.invalidate_all()

    def action_view_moves(self):
        """The done moves in or out of this row's warehouse of its product up
        to the row's end: the history its quantity comes from."""
        self.ensure_one()
        end = self.date_to or self.company_id.jit_snapshot_date + timedelta(days=1)
        bounds = consumption_adapter.window(
            self.env, self.company_id, end - timedelta(days=1), end - timedelta(days=1)
        )["bounds"]
        return _moves_action(self, [("date", "<", bounds[-1])])

    def action_view_valuation(self):
        """The valuation layers behind this row's value (its product in its
        company; inventory administrators)."""
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "stock_account.stock_valuation_layer_action"
        )
        action["domain"] = [
            ("product_id", "=", self.product_id.id),
            ("company_id", "=", self.company_id.id),
        ]
        action["context"] = {}
        return action


def _moves_action(row, domain):
    """Done moves of row's product crossing row's warehouse, within domain."""
    view = row.warehouse_id.view_location_id.id
    return {
        "type": "ir.actions.act_window",
        "name": row.env._("Moves of %(product)s", product=row.product_id.display_name),
        "res_model": "stock.move",
        "view_mode": "list,form",
        "views": [
            (
                row.env.ref("jit_replenishment.stock_move_view_list_jit_history").id,
                "list",
            ),
            (False, "form"),
        ],
        "domain": [
            ("product_id", "=", row.product_id.id),
            ("state", "=", "done"),
            *domain,
            "|",
            ("location_id", "child_of", view),
            ("location_dest_id", "child_of", view),
        ],
        "context": {"create": False},
    }


class JitInventoryFlow(models.Model):
    """What left a warehouse per day, as the reordering rules count it
    (consumption), valued at the day's unit cost (cost of goods consumed);
    one row per warehouse, product and day with consumption."""

    _name = "jit.inventory.flow"
    _description = "JIT Daily Consumption"
    _log_access = False
    _order = "date desc, id desc"
    _rec_name = "product_id"

    company_id = fields.Many2one("res.company", required=True, readonly=True)
    warehouse_id = fields.Many2one("stock.warehouse", required=True, readonly=True)
    product_id = fields.Many2one("product.product", required=True, readonly=True)
    categ_id = fields.Many2one(
        "product.category", string="Product Category", readonly=True
    )
    date = fields.Date(required=True, readonly=True)
    consumed_qty = fields.Float(
        string="Consumed", readonly=True, digits="Product Unit of Measure"
    )
    currency_id = fields.Many2one(related="company_id.currency_id")
    cogs = fields.Monetary(string="Cost of Goods Consumed", readonly=True)

    _sql_constraints = [
        (
            "key_uniq",
            "UNIQUE (company_id, warehouse_id, product_id, date)",
            "One consumption row per warehouse, product and day.",
        )
    ]

    def action_view_moves(self):
        """The done moves of this row's product in or out of its warehouse
        on its day (the company's local day)."""
        self.ensure_one()
        bounds = consumption_adapter.window(
            self.env, self.company_id, self.date, self.date
        )["bounds"]
        return _moves_action(
            self, [("date", ">=", bounds[0]), ("date", "<", bounds[-1])]
        )

    def init(self):
        tools.create_index(
            self.env.cr,
            "jit_inventory_flow_company_date_idx",
            self._table,
            ["company_id", "date"],
        )
