# Copyright 2026 JIT Replenishment Suite
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import numpy as np

from odoo import api, fields, models

from ..services import vendors


class ProductSupplierinfo(models.Model):
    """Vendor price lines rank the vendors of a product: the lowest sequence
    is the primary vendor, the next ones are the backups, in order."""

    _inherit = "product.supplierinfo"

    jit_lt_mean = fields.Float(
        string="Measured Lead Time (days)",
        readonly=True,
        digits=(16, 2),
        help="Mean days from order confirmation to receipt, measured on this "
        "vendor's receipts of this product (outliers filtered).",
    )
    jit_lt_sigma = fields.Float(
        string="Measured Lead Time σ", readonly=True, digits=(16, 2)
    )
    jit_lt_p90 = fields.Float(
        string="Measured Lead Time p90", readonly=True, digits=(16, 2)
    )
    jit_lt_samples = fields.Integer(string="Receipts Measured", readonly=True)
    jit_lt_computed_at = fields.Datetime(string="Measured At", readonly=True)

    @api.model
    def _jit_choose_lines(
        self,
        products,
        companies,
        day,
        forced=None,
        quantity=np.nan,
        need_days=np.inf,
        exclude=(),
        only=None,
    ):
        """The vendor price line of each need, and its vendor's order
        minimum: THE vendor choice of the recompute (lead time, MOQ), the
        scheduler (the RFQ's vendor) and the fallback (the backup vendor).
        Arguments, rules and result: services/vendors.py, choose_lines."""
        return vendors.choose_lines(
            self.env,
            products,
            companies,
            day,
            forced=forced,
            quantity=quantity,
            need_days=need_days,
            exclude=exclude,
            only=only,
        )
