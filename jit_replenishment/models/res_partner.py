# Copyright 2026 JIT Replenishment Suite
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import api, fields, models
from odoo.exceptions import ValidationError

from ..services import pg
from ..services.sla_standing import STANDINGS


class ResPartner(models.Model):
    _inherit = "res.partner"

    # --- how JIT purchase orders are sent to this vendor -----------------
    jit_rfq_auto_send = fields.Boolean(
        string="Send JIT RFQs Automatically",
        company_dependent=True,
        help="RFQs created for JIT rules are mailed to this vendor by the "
        "scheduler, with a portal link and the RFQ as PDF. Off by default: "
        "on for this vendor, or for every vendor with the company setting.",
    )
    jit_auto_confirm = fields.Boolean(
        string="Auto-confirm JIT RFQs (trusted)",
        company_dependent=True,
        help="Confirm JIT RFQs right after sending them, as long as the "
        "vendor's SLA standing is Good.",
    )
    jit_confirmation_hours = fields.Integer(
        string="Confirmation Deadline (hours)",
        default=48,
        company_dependent=True,
        help="A sent JIT RFQ not confirmed within this many working hours "
        "(the company's working schedule) is cancelled and re-issued to the "
        "next backup vendor.",
    )
    jit_reminder_hours = fields.Integer(
        string="Reminder Before Deadline (hours)",
        default=12,
        company_dependent=True,
        help="A reminder is mailed this many working hours before the deadline.",
    )
    # --- supplier SLA (computed by the SLA job) --------------------------
    jit_sla_contract_ids = fields.One2many(
        "jit.sla.contract", "partner_id", string="SLA Contracts"
    )
    jit_sla_score_ids = fields.One2many(
        "jit.sla.score", "partner_id", string="SLA Periods"
    )
    jit_sla_standing = fields.Selection(
        STANDINGS,
        string="SLA Standing",
        company_dependent=True,
        help="Good: trusted; Watch: under observation; Blocked: skipped when "
        "the scheduler chooses a vendor.",
    )
    jit_sla_score = fields.Float(
        string="SLA Score", company_dependent=True, digits=(16, 1)
    )
    jit_is_vendor = fields.Boolean(
        string="Is a Vendor",
        compute="_compute_jit_is_vendor",
        help="Has a vendor price line (product Purchase tab) or a purchase order, "
        "or is marked as a vendor: its SLA and JIT purchase settings apply.",
    )

    def _compute_jit_is_vendor(self):
        used = set()
        for model in ("product.supplierinfo", "purchase.order"):
            used.update(
                partner.commercial_partner_id.id
                for (partner,) in self.env[model]
                .sudo()
                ._read_group([("partner_id", "child_of", self.ids)], ["partner_id"])
            )
        for partner in self:
            partner.jit_is_vendor = bool(
                partner.supplier_rank
                or partner.commercial_partner_id.id in used
                or partner.jit_sla_contract_ids
            )

    def _jit_vendor(self):
        """The vendor of these contacts: their commercial partner. Every
        vendor setting and SLA figure of the suite is written and read there
        (services/pg.py: vendor_of, vendor_sql)."""
        return pg.vendor_of(self)

    @api.model
    def _jit_vendor_sql(self, alias):
        """SQL of _jit_vendor for the res_partner row aliased `alias`."""
        return pg.vendor_sql(alias)

    @api.constrains("jit_confirmation_hours", "jit_reminder_hours")
    def _check_jit_hours(self):
        for partner in self:
            if partner.jit_confirmation_hours < 0:
                raise ValidationError(
                    self.env._(
                        "Vendor %(name)s: the confirmation deadline cannot be "
                        "negative, got %(value)s hours.",
                        name=partner.display_name,
                        value=partner.jit_confirmation_hours,
                    )
                )
            if partner.jit_reminder_hours < 0:
                raise ValidationError(
                    self.env._(
                        "Vendor %(name)s: the reminder delay cannot be negative, "
                        "got %(value)s hours.",
                        name=partner.display_name,
                        value=partner.jit_reminder_hours,
                    )
                )
