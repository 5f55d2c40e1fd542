# Copyright 2026 JIT Replenishment Suite
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import fields, models

from odoo.addons.stock.models.stock_rule import ProcurementException


def _jit_orderpoint(values):
    """The JIT reordering rule a procurement comes from, if any."""
    orderpoint = values.get("orderpoint_id")
    return orderpoint if orderpoint and orderpoint.jit_enabled else None


class StockRule(models.Model):
    _inherit = "stock.rule"

    def _run_buy(self, procurements):
        """For JIT rules, the vendor line is the one product.supplierinfo's
        _jit_choose_lines picks (the rule's own line first, never an expired
        line or a blocked vendor, on time for the need date if any can be);
        a JIT procurement with no valid vendor line fails with a message
        instead of going to Odoo's fallback vendor. Odoo's own choice applies
        to other procurements."""
        jit = [
            (procurement, rule)
            for procurement, rule in procurements
            if _jit_orderpoint(procurement.values)
            and not procurement.values.get("supplierinfo_id")
        ]
        errors = self._jit_set_supplierinfo(jit) if jit else []
        failed = {id(procurement) for procurement, _msg in errors}
        rest = [pr for pr in procurements if id(pr[0]) not in failed]
        res = None
        if rest:
            try:
                res = super()._run_buy(rest)
            except ProcurementException as exc:
                errors += exc.procurement_exceptions
        if errors:
            raise ProcurementException(errors)
        return res

    def _jit_set_supplierinfo(self, jit):
        """Set the vendor line of each JIT (procurement, rule) to the one
        _jit_choose_lines picks for its quantity and date; returns the
        procurement errors of those without a valid line."""
        today = fields.Date.context_today(self)
        needs = []
        for procurement, rule in jit:
            company = rule.company_id or procurement.company_id
            product = procurement.product_id
            need = fields.Datetime.to_datetime(
                procurement.values["date_planned"]
            ).date()
            needs.append(
                (
                    product.id,
                    company.id,
                    max(need, today),
                    procurement.values["orderpoint_id"].supplier_id.id or 0,
                    procurement.product_uom._compute_quantity(
                        procurement.product_qty, product.uom_id, round=False
                    ),
                    (need - today).days,
                )
            )
        products, companies, days, forced, qty, need_days = zip(*needs, strict=True)
        Supplierinfo = self.env["product.supplierinfo"]
        chosen = Supplierinfo._jit_choose_lines(
            products, companies, days, forced=forced, quantity=qty, need_days=need_days
        )
        errors = []
        for (procurement, _rule), line in zip(
            jit, chosen["line"].tolist(), strict=True
        ):
            if line:
                procurement.values["supplierinfo_id"] = Supplierinfo.browse(line)
                continue
            errors.append(
                (
                    procurement,
                    self.env._(
                        "JIT rule for %(product)s: no valid vendor line "
                        "(the vendors are archived or blocked, their prices "
                        "expired, are for another company or need a larger "
                        "quantity than %(qty)s).",
                        product=procurement.product_id.display_name,
                        qty=procurement.product_qty,
                    ),
                )
            )
        return errors

    def _make_po_get_domain(self, company_id, values, partner):
        """JIT procurements go to JIT RFQs, others to other RFQs: a JIT RFQ
        is sent, confirmed and re-issued automatically, which must not
        happen to lines that did not come from a JIT rule."""
        domain = super()._make_po_get_domain(company_id, values, partner)
        return (*domain, ("jit_managed", "=", bool(_jit_orderpoint(values))))

    def _prepare_purchase_order(self, company_id, origins, values):
        vals = super()._prepare_purchase_order(company_id, origins, values)
        # The procurements of one order share its domain (JIT or not).
        vals["jit_managed"] = bool(_jit_orderpoint(values[0]))
        return vals
