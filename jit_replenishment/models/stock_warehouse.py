# Copyright 2026 JIT Replenishment Suite
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import api, fields, models
from odoo.exceptions import ValidationError

from ..services import scan as scan_service


class StockWarehouse(models.Model):
    _inherit = "stock.warehouse"

    jit_consumption_location_id = fields.Many2one(
        "stock.location",
        string="Consumption Location",
        check_company=True,
        domain="[('usage', 'in', ('production', 'inventory'))]",
        help="Where consumption scanned in this warehouse goes (a production "
        'location or a "consumed" inventory location): the JIT reorder '
        "rules count moves to it as consumption. Empty: the company's "
        "production location.",
    )

    jit_consumption_destination_id = fields.Many2one(
        "stock.location",
        string="Scans Go To",
        compute="_compute_jit_consumption_destination_id",
        help="Where consumption scans of this warehouse go now: its "
        "Consumption Location, else the company's production location.",
    )

    @api.depends("jit_consumption_location_id", "company_id")
    def _compute_jit_consumption_destination_id(self):
        destinations = scan_service.consumption_locations(self)
        for warehouse in self:
            warehouse.jit_consumption_destination_id = destinations[warehouse.id]

    @api.constrains("jit_consumption_location_id")
    def _check_jit_consumption_location(self):
        for warehouse in self:
            location = warehouse.jit_consumption_location_id
            if location and location.usage not in ("production", "inventory"):
                raise ValidationError(
                    self.env._(
                        "Consumption Location: %(location)s of warehouse "
                        "%(warehouse)s must be a production or inventory "
                        "location (it is %(usage)s).",
                        location=location.complete_name,
                        warehouse=warehouse.name,
                        usage=location.usage,
                    )
                )
