# Copyright 2026 JIT Replenishment Suite
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Reordering rules with JIT: fields, computes, actions, and the
overridable entry points of the recompute
(stock_warehouse_orderpoint_recompute.py)."""

import logging

from odoo import fields, models
from odoo.exceptions import UserError
from odoo.tools import SQL, float_compare

from ..services import approvals, recompute

_logger = logging.getLogger(__name__)

JIT_STATES = [
    ("applied", "Applied"),
    ("waiting", "Waiting Approval"),
    ("rejected", "Rejected"),
    ("frozen", "Frozen"),
    ("no_history", "No History"),
    ("no_lead_time", "No Lead Time"),
    ("insufficient", "Insufficient Data"),
    ("failed", "Failed"),
]

JIT_ADU_SOURCES = [
    ("history", "Consumption history"),
    ("seed", "Seed"),
]

# Written by the recompute and by approvals only, never typed on a JIT rule.
JIT_MANAGED_FIELDS = ("product_min_qty", "product_max_qty")


class StockWarehouseOrderpoint(models.Model):
    _inherit = "stock.warehouse.orderpoint"

    # Rules per batch: one query for the moves, one jit_core call, one bulk
    # write (default of the setting jit_replenishment.batch_size).
    _jit_batch_size = 1000
    # Receipts needed before a measured lead time replaces the vendor delay.
    _jit_min_lead_time_samples = 3

    jit_enabled = fields.Boolean(
        string="JIT",
        index=True,
        copy=False,
        help="Minimum and maximum are computed from consumption by the JIT "
        "scheduler instead of being typed by hand.",
    )
    jit_profile_id = fields.Many2one(
        "jit.profile",
        string="JIT Profile",
        check_company=True,
        help="Profile for this rule only. Empty: the product's, else its "
        "category's, else the company default.",
    )
    jit_profile_used_id = fields.Many2one(
        "jit.profile",
        string="Profile Used",
        readonly=True,
        copy=False,
    )
    jit_adu = fields.Float(
        string="ADU",
        readonly=True,
        copy=False,
        digits=(16, 4),
        help="Average daily usage over the profile's window (zero days counted).",
    )
    jit_sigma = fields.Float(
        string="σ Daily Demand", readonly=True, copy=False, digits=(16, 4)
    )
    jit_lead_time = fields.Float(
        string="Lead Time (days)", readonly=True, copy=False, digits=(16, 2)
    )
    jit_lead_time_sigma = fields.Float(
        string="σ Lead Time", readonly=True, copy=False, digits=(16, 2)
    )
    jit_lead_time_source = fields.Selection(
        [
            ("vendor", "Route: vendor delay + purchase lead days"),
            ("measured", "Route: measured receipts + purchase lead days"),
            ("route", "Route delays (no purchase)"),
        ],
        string="Lead Time Source",
        readonly=True,
        copy=False,
    )
    jit_safety_stock = fields.Float(
        string="Safety Stock",
        readonly=True,
        copy=False,
        digits="Product Unit of Measure",
    )
    jit_min_qty = fields.Float(
        string="Computed Min",
        readonly=True,
        copy=False,
        digits="Product Unit of Measure",
    )
    jit_max_qty = fields.Float(
        string="Computed Max",
        readonly=True,
        copy=False,
        digits="Product Unit of Measure",
    )
    jit_spike_days = fields.Integer(string="Spike Days", readonly=True, copy=False)
    jit_usable_days = fields.Integer(
        string="Usable Days",
        readonly=True,
        copy=False,
        help="Days of the window the demand was measured on (stock-out days "
        "left out when the profile excludes them).",
    )
    jit_booked_share = fields.Float(
        string="Booked Ahead",
        readonly=True,
        copy=False,
        digits=(16, 4),
        help="Share of the consumption whose move existed at least the lead "
        "time before it was done. Odoo's forecast already subtracts such "
        "demand, so the minimum covers only the rest of the lead-time demand: "
        "min = safety stock + ADU x lead time x (1 - booked share).",
    )
    jit_adu_source = fields.Selection(
        JIT_ADU_SOURCES,
        string="ADU Source",
        readonly=True,
        copy=False,
        help="Seed: the product has too little history; its initial ADU, or "
        "its category's average, stands in for it.",
    )
    jit_last_computed = fields.Datetime(
        string="Last Computed", readonly=True, copy=False
    )
    # Computed from the run lines (not stored: one foreign-key check fewer
    # per rule in the nightly write-back).
    jit_last_run_id = fields.Many2one(
        "jit.run", string="Last Run", compute="_compute_jit_last_run_id"
    )
    jit_state = fields.Selection(
        JIT_STATES, string="JIT State", readonly=True, copy=False
    )
    jit_message = fields.Char(string="JIT Message", readonly=True, copy=False)
    jit_approval_run_id = fields.Many2one(
        "jit.run",
        string="Approval Requested By",
        readonly=True,
        copy=False,
        ondelete="set null",
        index="btree_not_null",
        help="The run whose change of this rule waits for approval; cleared "
        "once the change is settled (approved, rejected, applied or frozen).",
    )
    jit_rejected_min_qty = fields.Float(
        string="Rejected Min",
        readonly=True,
        copy=False,
        digits="Product Unit of Measure",
        help="Computed minimum of the last rejected proposal: the rejection "
        "holds until the computed values move away from it by more than the "
        "approval threshold.",
    )
    jit_rejected_max_qty = fields.Float(
        string="Rejected Max",
        readonly=True,
        copy=False,
        digits="Product Unit of Measure",
    )
    jit_freeze_until = fields.Date(
        string="Frozen Until",
        copy=False,
        help="Until this day (included) the recompute leaves the minimum and "
        "maximum of this JIT rule as they are; it still computes and shows "
        "its proposal.",
    )

    def _compute_jit_last_run_id(self):
        last = {}
        if self.ids:
            self.env["jit.run.line"].flush_model(["orderpoint_id", "run_id"])
            self.env.cr.execute(
                SQL(
                    "SELECT orderpoint_id, MAX(run_id) FROM jit_run_line"
                    " WHERE orderpoint_id = ANY(%s) GROUP BY orderpoint_id",
                    self.ids,
                )
            )
            last = dict(self.env.cr.fetchall())
        for op in self:
            op.jit_last_run_id = last.get(op.id, False)

    def _compute_lead_days(self):
        """Odoo's lead days date of JIT rules uses the same vendor line as
        the JIT scheduler and recompute (chosen for the batch at once)."""
        jit = self.filtered(
            lambda op: op.jit_enabled and op.product_id and op.company_id
        )
        records = self
        if jit and "jit_vendor_lines" not in self.env.context:
            records = self.with_context(jit_vendor_lines=jit._jit_vendor_lines())
        return super(StockWarehouseOrderpoint, records)._compute_lead_days()

    def _get_lead_days_values(self):
        values = super()._get_lead_days_values()
        if self.jit_enabled:
            lines = self.env.context.get("jit_vendor_lines")
            if lines is None:
                lines = self._jit_vendor_lines()
            if lines.get(self.id):
                values["supplierinfo"] = self.env["product.supplierinfo"].browse(
                    lines[self.id]
                )
        return values

    def _jit_vendor_lines(self):
        """{rule id: its vendor line id (0: none)}, as the recompute chooses
        it (today's prices, any quantity)."""
        if not self:
            return {}
        chosen = self.env["product.supplierinfo"]._jit_choose_lines(
            [op.product_id.id for op in self],
            [op.company_id.id for op in self],
            fields.Date.context_today(self),
            forced=[op.supplier_id.id or 0 for op in self],
        )
        return dict(zip(self.ids, chosen["line"].tolist(), strict=True))

    def write(self, vals):
        if not self.env.su:
            self._jit_check_managed_fields(vals)
        res = super().write(vals)
        if "jit_enabled" in vals and not vals["jit_enabled"]:
            self._jit_settle_approvals(self.env._("JIT turned off"))
        return res

    def _jit_check_managed_fields(self, vals):
        """Min and max of a JIT rule are written by the recompute and by
        approvals: a user's other value (a form, the list, a bulk edit) is
        refused, unless the same write turns JIT off."""
        typed = [fname for fname in JIT_MANAGED_FIELDS if fname in vals]
        if not typed or ("jit_enabled" in vals and not vals["jit_enabled"]):
            return
        for op in self.filtered("jit_enabled"):
            for fname in typed:
                if float_compare(
                    vals[fname],
                    op[fname],
                    precision_rounding=op.product_uom.rounding or 0.01,
                ):
                    raise UserError(
                        self.env._(
                            "%(field)s of the JIT rule %(rule)s is computed by JIT; "
                            "%(value)s was not saved. Set Frozen Until to keep the "
                            "current values, or turn JIT off to type your own.",
                            field=self._fields[fname]._description_string(self.env),
                            rule=op.display_name,
                            value=vals[fname],
                        )
                    )

    # ------------------------------------------------------------------
    # actions
    # ------------------------------------------------------------------
    def action_jit_recompute(self):
        """Recompute the selected JIT rules now (writes their min/max: the
        user must be allowed to write them)."""
        rules = self.filtered("jit_enabled")
        if not rules:
            raise UserError(self.env._("None of the selected rules has JIT enabled."))
        rules.check_access("write")
        runs = rules._jit_recompute(origin="manual")
        return {
            "type": "ir.actions.client",
            "tag": "display_notification",
            "params": {
                "type": "success",
                "title": self.env._("JIT recomputed"),
                "message": self.env._(
                    "%(rules)s rule(s): %(applied)s applied, %(waiting)s waiting "
                    "for approval, %(no_history)s without history, "
                    "%(no_lead_time)s without lead time, "
                    "%(insufficient)s with insufficient data, %(failed)s failed.",
                    rules=sum(runs.mapped("rule_count")),
                    applied=sum(runs.mapped("applied_count")),
                    waiting=sum(runs.mapped("waiting_count")),
                    no_history=sum(runs.mapped("no_history_count")),
                    no_lead_time=sum(runs.mapped("no_lead_time_count")),
                    insufficient=sum(runs.mapped("insufficient_count")),
                    failed=sum(runs.mapped("failed_count")),
                ),
                "next": {"type": "ir.actions.act_window_close"},
            },
        }

    def _jit_compute_guarded(self, run):
        """Compute a batch inside a savepoint; failing rules are isolated by
        bisection, their error logged on each of them."""
        recompute.compute_guarded(self, run, logger=_logger)

    def _jit_check_manager(self):
        approvals.check_manager(self)

    def action_jit_approve(self):
        return approvals.approve(self)

    def action_jit_reject(self):
        """The rejection holds until the computed values move away from the
        rejected proposal by more than the approval threshold."""
        return approvals.reject(self)

    def action_view_jit_runs(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "jit_replenishment.action_jit_run_line"
        )
        action["domain"] = [("orderpoint_id", "=", self.id)]
        return action

    def action_view_jit_consumption(self):
        self.ensure_one()
        return self.product_id.action_view_jit_consumption()
