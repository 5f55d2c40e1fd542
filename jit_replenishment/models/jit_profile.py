# Copyright 2026 JIT Replenishment Suite
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import api, fields, models
from odoo.exceptions import ValidationError


class JitProfile(models.Model):
    """How JIT computes a reordering rule: window, service level, policy knobs.

    A profile is assigned to a reordering rule, a product, a product category
    (inherited by sub-categories) or the company (the default); the most
    specific one wins.
    """

    _name = "jit.profile"
    _description = "JIT Profile"
    _inherit = ["mail.thread"]
    _order = "sequence, name, id"
    _check_company_auto = True

    name = fields.Char(required=True, tracking=True, translate=True)
    sequence = fields.Integer(default=10)
    active = fields.Boolean(default=True, tracking=True)
    company_id = fields.Many2one(
        "res.company",
        required=True,
        index=True,
        default=lambda self: self.env.company,
    )
    window_days = fields.Integer(
        string="Window (days)",
        default=90,
        required=True,
        tracking=True,
        help="Number of past days of consumption used to measure demand.",
    )
    service_level = fields.Float(
        default=0.95,
        required=True,
        tracking=True,
        digits=(16, 4),
        help="Probability of not running out during a replenishment cycle, "
        "strictly between 0 and 1 (e.g. 0.95).",
    )
    review_period_days = fields.Float(
        string="Review Period (days)",
        default=7.0,
        required=True,
        tracking=True,
        help="Days of demand covered by one order: order quantity = "
        "max(review period x average daily usage, minimum order quantity).",
    )
    spike_factor = fields.Float(
        default=3.0,
        tracking=True,
        help="A day above mean + factor x standard deviation is clipped as a "
        "spike. 0 disables the filter.",
    )
    spike_cap = fields.Float(
        string="Spike Cap",
        tracking=True,
        help="A day above this quantity is clipped as a spike. 0 disables the cap.",
    )
    exclude_stockout_days = fields.Boolean(
        string="Exclude Stock-out Days",
        tracking=True,
        help="Days that ended with no stock are left out of the demand "
        "statistics (censored demand).",
    )
    min_usable_days = fields.Integer(
        string="Minimum Usable Days",
        default=14,
        required=True,
        tracking=True,
        help="Days of the window needed to estimate demand (the window's days, "
        "minus stock-out days when they are excluded); at most the window. A "
        "rule with fewer usable days is not applied (Insufficient Data) unless "
        "a seed ADU applies (the product's initial ADU, or its category's "
        "average for a new product).",
    )
    min_clamp = fields.Float(
        string="Lowest Minimum",
        tracking=True,
        help="The computed minimum and maximum are never below this quantity.",
    )
    max_clamp = fields.Float(
        string="Highest Maximum",
        tracking=True,
        help="The computed minimum and maximum are never above this quantity. "
        "0 means no ceiling.",
    )
    approval_threshold = fields.Float(
        string="Approval Threshold",
        default=0.5,
        tracking=True,
        help="A change of the minimum or maximum larger than this fraction of "
        "the current value (0.5 = 50%) waits for a JIT Manager's approval. "
        "0 applies every change directly.",
    )
    approver_id = fields.Many2one(
        "res.users",
        string="Approver",
        check_company=True,
        domain=lambda self: [
            ("groups_id", "in", self.env.ref("jit_replenishment.group_jit_manager").ids)
        ],
        help="JIT Manager who receives the approval activities. Empty: the "
        "first JIT Manager (by name) of the rule's company, else the "
        "administrator.",
    )
    orderpoint_count = fields.Integer(compute="_compute_orderpoint_count")

    def _compute_orderpoint_count(self):
        counts = dict(
            self.env["stock.warehouse.orderpoint"]._read_group(
                [("jit_profile_used_id", "in", self.ids)],
                ["jit_profile_used_id"],
                ["__count"],
            )
        )
        for profile in self:
            profile.orderpoint_count = counts.get(profile, 0)

    @api.constrains(
        "window_days",
        "service_level",
        "review_period_days",
        "spike_factor",
        "spike_cap",
        "min_clamp",
        "max_clamp",
        "approval_threshold",
        "min_usable_days",
    )
    def _check_parameters(self):
        for profile in self:
            if profile.window_days <= 0:
                raise ValidationError(
                    self.env._(
                        "Profile %(name)s: the window must be at least one day, "
                        "got %(value)s.",
                        name=profile.name,
                        value=profile.window_days,
                    )
                )
            if profile.min_usable_days < 1:
                raise ValidationError(
                    self.env._(
                        "Profile %(name)s: the minimum usable days must be at "
                        "least one day, got %(value)s.",
                        name=profile.name,
                        value=profile.min_usable_days,
                    )
                )
            if not 0 < profile.service_level < 1:
                raise ValidationError(
                    self.env._(
                        "Profile %(name)s: the service level must be strictly "
                        "between 0 and 1, got %(value)s.",
                        name=profile.name,
                        value=profile.service_level,
                    )
                )
            for fname in (
                "review_period_days",
                "spike_factor",
                "spike_cap",
                "min_clamp",
                "max_clamp",
                "approval_threshold",
            ):
                if profile[fname] < 0:
                    raise ValidationError(
                        self.env._(
                            "Profile %(name)s: %(field)s cannot be negative, "
                            "got %(value)s.",
                            name=profile.name,
                            field=profile._fields[fname].get_description(self.env)[
                                "string"
                            ],
                            value=profile[fname],
                        )
                    )
            if profile.max_clamp and profile.min_clamp > profile.max_clamp:
                raise ValidationError(
                    self.env._(
                        "Profile %(name)s: the lowest minimum (%(min)s) is above "
                        "the highest maximum (%(max)s).",
                        name=profile.name,
                        min=profile.min_clamp,
                        max=profile.max_clamp,
                    )
                )

    def action_view_orderpoints(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "stock.action_orderpoint_replenish"
        )
        action["domain"] = [("jit_profile_used_id", "=", self.id)]
        action["context"] = {"search_default_filter_jit": 1}
        return action
