# Copyright 2026 JIT Replenishment Suite
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Carrying-cost rates: per company, overridable per product category."""

from odoo import api, fields, models
from odoo.exceptions import ValidationError

from ..services.carrying_cost import RATE_FIELDS


class JitCarryingCostRates(models.AbstractModel):
    """The four annual carrying-cost rates, in percent of inventory value."""

    _name = "jit.carrying.cost.rates"
    _description = "JIT Carrying-Cost Rates"

    jit_cc_capital_rate = fields.Float(
        string="Capital Cost (%/year)",
        digits=(16, 2),
        help="Cost of the money tied up in stock, as a yearly percentage of "
        "the inventory value.",
    )
    jit_cc_storage_rate = fields.Float(
        string="Storage Cost (%/year)",
        digits=(16, 2),
        help="Warehouse space, handling and staff, as a yearly percentage of "
        "the inventory value.",
    )
    jit_cc_insurance_rate = fields.Float(
        string="Insurance (%/year)",
        digits=(16, 2),
        help="Insurance and taxes on stock, as a yearly percentage of the "
        "inventory value.",
    )
    jit_cc_obsolescence_rate = fields.Float(
        string="Obsolescence (%/year)",
        digits=(16, 2),
        help="Shrinkage, damage and obsolescence, as a yearly percentage of "
        "the inventory value.",
    )

    @api.constrains(*RATE_FIELDS)
    def _check_jit_cc_rates(self):
        for record in self:
            for name in RATE_FIELDS:
                value = record[name]
                if not 0.0 <= value <= 100.0:
                    raise ValidationError(
                        self.env._(
                            "%(field)s must be between 0 and 100%% a year, not "
                            "%(value)s (%(record)s).",
                            field=record._fields[name].get_description(self.env)[
                                "string"
                            ],
                            value=value,
                            record=record.display_name,
                        )
                    )


class ResCompany(models.Model):
    _name = "res.company"
    _inherit = ["res.company", "jit.carrying.cost.rates"]

    # Defaults: a common textbook split of a ~25 % yearly carrying cost.
    jit_cc_capital_rate = fields.Float(default=lambda self: 10.0)
    jit_cc_storage_rate = fields.Float(default=lambda self: 8.0)
    jit_cc_insurance_rate = fields.Float(default=lambda self: 2.0)
    jit_cc_obsolescence_rate = fields.Float(default=lambda self: 5.0)
    jit_snapshot_date = fields.Date(
        string="Inventory Snapshots Up To",
        readonly=True,
        copy=False,
        help="Last day recorded by the daily inventory snapshot.",
    )


class ProductCategory(models.Model):
    _name = "product.category"
    _inherit = ["product.category", "jit.carrying.cost.rates"]

    jit_cc_override = fields.Boolean(
        string="Own Carrying-Cost Rates",
        help="Use this category's carrying-cost rates (for it and its "
        "sub-categories without their own) instead of the company's.",
    )
