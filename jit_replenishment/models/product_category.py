# Copyright 2026 JIT Replenishment Suite
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import fields, models


class ProductCategory(models.Model):
    _inherit = "product.category"

    jit_profile_id = fields.Many2one(
        "jit.profile",
        string="JIT Profile",
        company_dependent=True,
        help="JIT profile of the products of this category and its "
        "sub-categories, unless a product or a reordering rule has its own.",
    )

    def action_jit_enable(self):
        """Pilot: enable JIT on every product of these categories."""
        products = self.env["product.product"].search(
            [("categ_id", "child_of", self.ids), ("is_storable", "=", True)]
        )
        return products.action_jit_enable()
