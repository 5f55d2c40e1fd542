# Copyright 2026 JIT Replenishment Suite
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import api, fields, models
from odoo.exceptions import ValidationError

from ..services import sla_feedback, sla_standing
from ..services.sla_metrics import PERIODS
from ..services.sla_standing import WEIGHT_FIELDS


class JitSlaContract(models.Model):
    """What a vendor promised: service targets and how its score is weighted."""

    _name = "jit.sla.contract"
    _description = "JIT Supplier SLA Contract"
    _inherit = ["mail.thread"]
    _order = "partner_id, id"
    _check_company_auto = True

    active = fields.Boolean(default=True, tracking=True)
    partner_id = fields.Many2one(
        "res.partner",
        string="Vendor",
        required=True,
        index=True,
        tracking=True,
        check_company=True,
        ondelete="cascade",
    )
    company_id = fields.Many2one(
        "res.company",
        required=True,
        index=True,
        default=lambda self: self.env.company,
    )
    user_id = fields.Many2one(
        "res.users",
        string="Responsible Buyer",
        tracking=True,
        default=lambda self: self.env.user,
        domain="[('share', '=', False)]",
        help="Notified of breaches when the vendor has no purchase order yet "
        "(otherwise the buyer of the vendor's latest purchase order is).",
    )
    target_on_time_rate = fields.Float(
        string="Target On-time Rate",
        default=0.95,
        required=True,
        tracking=True,
        digits=(16, 4),
        help="Share of the due quantity received by the promised date, in "
        "(0, 1]. Reaching it gives the on-time component full marks.",
    )
    target_fill_rate = fields.Float(
        default=0.98,
        required=True,
        tracking=True,
        digits=(16, 4),
        help="Share of the ordered quantity received, in (0, 1]. Reaching it "
        "gives the fill-rate component full marks.",
    )
    max_confirmation_hours = fields.Float(
        string="Max Confirmation Delay (hours)",
        default=24.0,
        required=True,
        tracking=True,
        help="Hours from sending an RFQ to its confirmation with full marks; "
        "the latency component falls to 0 at twice this delay.",
    )
    lt_tolerance_days = fields.Integer(
        string="Lead Time Tolerance (days)",
        default=2,
        required=True,
        tracking=True,
        help="A line whose promised quantity is not received within this many "
        "days after the promised date is a breach. Also the window (before "
        "and after the promised date) of promise accuracy, and the lead-time "
        "standard deviation at which stability scores 0.",
    )
    period = fields.Selection(
        PERIODS,
        string="Evaluation Period",
        default="month",
        required=True,
        tracking=True,
        help="Week: ISO weeks, Monday to Sunday. Month: calendar months.",
    )
    min_partial_lines = fields.Integer(
        string="Minimum Lines in a Running Period",
        default=5,
        required=True,
        tracking=True,
        help="The running (incomplete) period moves the vendor's standing only "
        "once at least this many lines were due in it; until then the standing "
        "of the last complete period holds.",
    )
    lt_window_days = fields.Integer(
        string="Lead Time Window (days)",
        default=365,
        required=True,
        tracking=True,
        help="Receipts of the last this many days measure the vendor's lead "
        "times; a vendor price line with no receipt in the window goes back to "
        "its stated delay.",
    )
    weight_on_time = fields.Float(string="Weight: On Time", default=0.35)
    weight_fill = fields.Float(string="Weight: Fill Rate", default=0.25)
    weight_latency = fields.Float(string="Weight: Confirmation", default=0.10)
    weight_promise = fields.Float(string="Weight: Promise Accuracy", default=0.15)
    weight_lead_time = fields.Float(string="Weight: Lead Time Stability", default=0.15)
    score_ids = fields.One2many("jit.sla.score", "contract_id", string="Periods")

    @api.depends("partner_id")
    def _compute_display_name(self):
        for contract in self:
            contract.display_name = self.env._(
                "SLA %(vendor)s", vendor=contract.partner_id.display_name or ""
            )

    @api.model_create_multi
    def create(self, vals_list):
        for vals in vals_list:
            self._sla_vendor_vals(vals)
        return super().create(vals_list)

    def write(self, vals):
        self._sla_vendor_vals(vals)
        archived = (
            self.filtered("active") if "active" in vals and not vals["active"] else None
        )
        res = super().write(vals)
        if archived:
            archived._sla_reset_vendors()
        return res

    def unlink(self):
        self.filtered("active")._sla_reset_vendors()
        return super().unlink()

    def _sla_vendor_vals(self, vals):
        """A contract is the vendor's (the commercial partner), whichever of
        its contacts was picked."""
        if vals.get("partner_id"):
            vals["partner_id"] = (
                self.env["res.partner"].browse(vals["partner_id"])._jit_vendor().id
            )

    def _sla_reset_vendors(self):
        """Without an active contract a vendor has no standing and no score."""
        sla_standing.reset_vendors(self)

    @api.constrains("partner_id", "company_id", "active")
    def _check_one_active_per_vendor(self):
        active = self.filtered("active")
        if not active:
            return
        groups = self.with_context(active_test=True)._read_group(
            [
                ("partner_id", "in", active.partner_id.ids),
                ("company_id", "in", active.company_id.ids),
            ],
            ["partner_id", "company_id"],
            ["__count"],
        )
        for partner, company, count in groups:
            if count > 1:
                raise ValidationError(
                    self.env._(
                        "Vendor %(vendor)s already has an active SLA contract in "
                        "company %(company)s: archive it before activating "
                        "another one.",
                        vendor=partner.display_name,
                        company=company.name,
                    )
                )

    @api.constrains(
        "target_on_time_rate",
        "target_fill_rate",
        "max_confirmation_hours",
        "lt_tolerance_days",
        "min_partial_lines",
        "lt_window_days",
        *WEIGHT_FIELDS,
    )
    def _check_ranges(self):
        for contract in self:
            for fname, low in (("min_partial_lines", 0), ("lt_window_days", 1)):
                if contract[fname] < low:
                    raise ValidationError(
                        self.env._(
                            "%(field)s must be at least %(low)s, got %(value)s.",
                            field=self._fields[fname]._description_string(self.env),
                            low=low,
                            value=contract[fname],
                        )
                    )
            for fname in ("target_on_time_rate", "target_fill_rate"):
                value = contract[fname]
                if not 0 < value <= 1:
                    raise ValidationError(
                        self.env._(
                            "%(field)s must be above 0 and at most 1 (a share: "
                            "0.95 is 95%%), got %(value)s.",
                            field=self._fields[fname]._description_string(self.env),
                            value=value,
                        )
                    )
            if contract.max_confirmation_hours <= 0:
                raise ValidationError(
                    self.env._(
                        "The maximum confirmation delay must be positive, got "
                        "%(value)s hours.",
                        value=contract.max_confirmation_hours,
                    )
                )
            if contract.lt_tolerance_days < 0:
                raise ValidationError(
                    self.env._(
                        "The lead time tolerance cannot be negative, got "
                        "%(value)s days.",
                        value=contract.lt_tolerance_days,
                    )
                )
            weights = [contract[f] for f in WEIGHT_FIELDS]
            for fname, value in zip(WEIGHT_FIELDS, weights, strict=True):
                if value < 0:
                    raise ValidationError(
                        self.env._(
                            "%(field)s cannot be negative, got %(value)s.",
                            field=self._fields[fname]._description_string(self.env),
                            value=value,
                        )
                    )
            if not sum(weights) > 0:
                raise ValidationError(
                    self.env._(
                        "At least one score weight must be positive, got %(weights)s.",
                        weights=", ".join(str(w) for w in weights),
                    )
                )

    def action_compute_sla(self):
        """Compute the SLA figures of these contracts now (as the nightly job)."""
        self.check_access("write")
        self.env["jit.sla.score"].sudo()._sla_compute(
            self.sudo().filtered("active"), fields.Date.today()
        )
        return sla_feedback.compute_notification(self)

    def action_view_scores(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "jit_replenishment.action_jit_sla_score_graph"
        )
        action["domain"] = [
            ("partner_id", "=", self.partner_id.id),
            ("company_id", "=", self.company_id.id),
        ]
        action["context"] = {
            "search_default_partner_id": self.partner_id.id,
            # One point per period, no zero score on the days between.
            "fill_temporal": False,
        }
        return action
