# Copyright 2026 JIT Replenishment Suite
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import numpy as np

from odoo import api, fields, models
from odoo.exceptions import ValidationError

from ..services.forecast import weekly_orders

FORECAST_WEEKS_PARAM = "supplier_portal.forecast_weeks"


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

    # ------------------------------------------------------------------
    # the vendor's forecast
    # ------------------------------------------------------------------
    @api.model
    def vendor_forecast(self):
        """API: the forecast of the calling user's company (the same rows as
        the portal page: code, name, unit, weeks)."""
        weeks = self._vendor_forecast_weeks()
        return {
            "weeks": weeks,
            "rows": self.env.user.partner_id._vendor_forecast(weeks),
        }

    @api.model
    def _vendor_forecast_weeks(self):
        """Weeks shown on the forecast page (system parameter, 1 to 52)."""
        raw = (
            self.env["ir.config_parameter"].sudo().get_param(FORECAST_WEEKS_PARAM, "8")
        )
        try:
            weeks = int(raw)
        except ValueError:
            weeks = 0
        if not 1 <= weeks <= 52:
            raise ValidationError(
                self.env._(
                    "System parameter %(param)s must be a number of weeks from 1 "
                    "to 52, got %(value)r.",
                    param=FORECAST_WEEKS_PARAM,
                    value=raw,
                )
            )
        return weeks

    def _vendor_forecast_rules(self, with_sellers=False):
        """The JIT rules whose vendor, as the scheduler chooses it, is this
        vendor's company, read as superuser."""
        vendor = self.commercial_partner_id
        sellers = (
            self.env["product.supplierinfo"]
            .sudo()
            .search([("partner_id", "child_of", vendor.id)])
        )
        products = sellers.product_id | sellers.product_tmpl_id.product_variant_ids
        rules = (
            self.env["stock.warehouse.orderpoint"]
            .sudo()
            .search(
                [("jit_enabled", "=", True), ("product_id", "in", products.ids)],
                order="product_id, id",
            )
        )
        # The one vendor choice of the suite (the scheduler's):
        # product.supplierinfo's _jit_choose_lines, per rule.
        chosen = rules._jit_vendor_lines()
        vendor_of_line = {
            line.id: line.partner_id.commercial_partner_id
            for line in sellers.browse(set(chosen.values()) - {0})
        }
        mine = rules.filtered(lambda r: vendor_of_line.get(chosen[r.id]) == vendor)
        return (mine, sellers) if with_sellers else mine

    def _vendor_forecast(self, weeks):
        """Rows of the forecast of this vendor (its commercial partner): one
        per product whose JIT rules rank this vendor first, with the vendor's
        own code and name, the unit and the expected order quantity per week
        (all warehouses together). Nothing else: no price, stock or other
        vendor. Read as superuser: call it only for the signed-in vendor."""
        mine, sellers = self._vendor_forecast_rules(with_sellers=True)
        if not mine:
            return []
        quantities = weekly_orders(
            mine.mapped("qty_forecast"),
            mine.mapped("jit_adu"),
            mine.mapped("jit_min_qty"),
            mine.mapped("jit_max_qty"),
            mine.mapped("qty_multiple"),
            weeks,
        )
        rows = {}
        for rule, qty in zip(mine, quantities, strict=True):
            product = rule.product_id
            row = rows.get(product)
            if row is None:
                seller = sellers.filtered(
                    lambda s, p=product: (
                        s.product_id == p
                        or (not s.product_id and s.product_tmpl_id == p.product_tmpl_id)
                    )
                )[:1]
                row = rows[product] = {
                    "code": seller.product_code or product.default_code or "",
                    "name": seller.product_name or product.display_name,
                    "uom": product.uom_id.name,
                    "weeks": np.zeros(weeks),
                }
            row["weeks"] += qty
        return [
            {**row, "weeks": [float(q) for q in row["weeks"]]} for row in rows.values()
        ]
