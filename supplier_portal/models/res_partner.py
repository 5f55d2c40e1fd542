# Copyright 2026 JIT Replenishment Suite
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import api, fields, models
from odoo.exceptions import ValidationError


class ResPartner(models.Model):
    _inherit = "res.partner"

    vendor_qty_tolerance = fields.Float(
        string="Accepted Quantity Change (%)",
        company_dependent=True,
        digits=(16, 2),
        help="A counter-proposal from this vendor that changes a line's "
        "quantity by at most this percentage (up or down) is accepted "
        "without the buyer. 0: every quantity change waits for the buyer.",
    )
    vendor_days_tolerance = fields.Integer(
        string="Accepted Date Change (days)",
        company_dependent=True,
        help="A counter-proposal from this vendor that moves a line's date "
        "by at most this many days (earlier or later) is accepted without "
        "the buyer. 0: every date change waits for the buyer.",
    )

    @api.constrains("vendor_qty_tolerance", "vendor_days_tolerance")
    def _check_vendor_tolerance(self):
        for partner in self:
            if partner.vendor_qty_tolerance < 0:
                raise ValidationError(
                    self.env._(
                        "Vendor %(name)s: the accepted quantity change cannot be "
                        "negative, got %(value)s %%.",
                        name=partner.display_name,
                        value=partner.vendor_qty_tolerance,
                    )
                )
            if partner.vendor_days_tolerance < 0:
                raise ValidationError(
                    self.env._(
                        "Vendor %(name)s: the accepted date change cannot be "
                        "negative, got %(value)s days.",
                        name=partner.display_name,
                        value=partner.vendor_days_tolerance,
                    )
                )
