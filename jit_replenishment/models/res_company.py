# Copyright 2026 JIT Replenishment Suite
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from datetime import timedelta

from odoo import fields, models


class ResCompany(models.Model):
    _inherit = "res.company"

    jit_profile_id = fields.Many2one(
        "jit.profile",
        string="Default JIT Profile",
        check_company=True,
        help="Used for JIT reordering rules whose rule, product and category "
        "have no profile.",
    )
    jit_run_retention_days = fields.Integer(
        string="Keep JIT Runs (days)",
        default=90,
        help="JIT runs older than this are deleted by the daily clean-up.",
    )

    jit_rfq_auto_send = fields.Boolean(
        string="Send JIT RFQs Automatically to Every Vendor",
        help="Mail the RFQs of JIT rules to every vendor by the scheduler. Off: "
        "only to the vendors whose own setting is on.",
    )

    jit_scan_undo_minutes = fields.Integer(
        string="Undo Consumption Scans For (minutes)",
        default=5,
        help="A consumption scan can be undone (a return move) by its user "
        "for this many minutes.",
    )

    _sql_constraints = [
        (
            "jit_scan_undo_minutes_positive",
            "CHECK(jit_scan_undo_minutes >= 0)",
            "The undo delay of consumption scans cannot be negative.",
        )
    ]

    def _jit_add_working_hours(self, start, hours):
        """`start` (naive UTC) plus `hours` working hours of the company's
        working schedule (public holidays excluded); calendar hours when the
        company has no schedule. Negative hours count backwards."""
        self.ensure_one()
        calendar = self.resource_calendar_id
        end = (
            calendar.plan_hours(hours, start, compute_leaves=True)
            if calendar and hours
            else False
        )
        return end or start + timedelta(hours=hours)

    def _jit_default_profile(self):
        """The company's default JIT profile, created on first need."""
        self.ensure_one()
        if not self.jit_profile_id:
            profile = (
                self.env["jit.profile"]
                .sudo()
                .create({"name": self.env._("Standard"), "company_id": self.id})
            )
            self.sudo().jit_profile_id = profile
        return self.jit_profile_id
