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
        """The vendor price line of each need, and its vendor's order minimum:
        the one rule used by the recompute (lead time, MOQ), the scheduler
        (the RFQ's vendor) and the fallback (the backup vendor).

        Needs are arrays: `products`, `companies` (ids), `day` (date of the
        need's prices), `forced` (the rule's own vendor line id, 0: none),
        `quantity` (in the product's unit, nan: any), `need_days` (days until
        the goods are needed, inf: any time). Vendors (commercial partners) in
        `exclude` are skipped; with `only`, only those are considered.

        A line is valid for a need when it is for the product (its template,
        not another variant), for the need's company or none, dated around
        `day` and of an active vendor; its vendor must not be blocked (SLA
        standing of the company). jit_core.choose_vendor_line ranks them: the
        rule's own line first, then Odoo's seller order (sequence, higher
        minimum, price, id); a vendor's line is its cheapest one that serves
        the quantity; the order minimum is the smallest minimum of the chosen
        vendor's valid lines, in the product's unit.

        Returns a dict of arrays per need: `line` (id, 0: none), `partner`
        (the line's vendor), `moq`, `delay`, `lt_samples`, `lt_mean`,
        `lt_sigma` (the line's measured lead time).
        """
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
