# Copyright 2026 JIT Replenishment Suite
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import fields, models

import jit_core


class StockRule(models.Model):
    _inherit = "stock.rule"

    def _run_buy(self, procurements):
        """For JIT rules, choose the vendor by rank (vendor line sequence),
        skipping blocked vendors in favour of the next one that can deliver by
        the need date; Odoo's own choice applies otherwise."""
        for procurement, rule in procurements:
            orderpoint = procurement.values.get("orderpoint_id")
            if (
                orderpoint
                and orderpoint.jit_enabled
                and not orderpoint.supplier_id
                and not procurement.values.get("supplierinfo_id")
            ):
                seller = rule._jit_choose_seller(procurement)
                if seller:
                    procurement.values["supplierinfo_id"] = seller
        return super()._run_buy(procurements)

    def _jit_choose_seller(self, procurement):
        company = self.company_id or procurement.company_id
        product = procurement.product_id.with_company(company)
        need = fields.Datetime.from_string(procurement.values["date_planned"]).date()
        today = fields.Date.context_today(self)
        sellers = product._get_filtered_sellers(
            quantity=procurement.product_qty,
            date=max(need, today),
            uom_id=procurement.product_uom,
        ).sorted(lambda s: (s.sequence, s.id))
        if not sellers:
            return sellers
        blocked = [
            s.partner_id.commercial_partner_id.with_company(company).jit_sla_standing
            == "blocked"
            for s in sellers
        ]
        chosen = jit_core.choose_vendor(
            [0] * len(sellers),
            sellers.mapped("sequence"),
            blocked,
            sellers.mapped("delay"),
            (need - today).days,
        )[0]
        return sellers[int(chosen)] if chosen >= 0 else sellers.browse()
