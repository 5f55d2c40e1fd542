# Copyright 2026 JIT Replenishment Suite
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Reordering rules with JIT: fields, computes, actions, and the thin,
overridable entry points of the recompute; each delegates to the service
that holds its rule of the business (jit_replenishment/services)."""

import logging

from odoo import api, fields, models
from odoo.exceptions import UserError
from odoo.tools import SQL, float_compare

from ..services import (
    approvals,
    consumption,
    demo_data,
    feedback,
    inputs,
    lead_times,
    ledger,
    messages,
    pg,
    proposal,
    pull_trigger,
    recompute,
    vendors,
    write_back,
)

_logger = logging.getLogger(__name__)

# Where these lived before services/ (kept for code that imports them here).
CONSUMING_USAGES = consumption.CONSUMING_USAGES
RESULT_COLUMNS = write_back.RESULT_COLUMNS

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

    # Rules per batch: one read of their ledger rows, one jit_core call, one
    # bulk write (default of the setting jit_replenishment.batch_size; 2,000
    # measured 14% faster than 1,000 at 100,000 rules, 5,000 no faster).
    _jit_batch_size = 2000
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
    # --- what the buyer reads on the list and the form (not stored) ------
    jit_pilot_date = fields.Date(
        string="In JIT Pilot Since",
        readonly=True,
        copy=False,
        help="Day JIT was enabled on the rule: the KPI reports compare the "
        "days before and after it.",
    )
    jit_proposal_shown = fields.Boolean(
        string="Proposal Differs",
        compute="_compute_jit_proposal",
        help="The computed minimum and maximum are not the rule's: they wait "
        "for approval, were rejected, or the rule is frozen.",
    )
    jit_change_summary = fields.Char(
        string="Change",
        compute="_compute_jit_proposal",
        help="Change of the proposed minimum and maximum from the current ones.",
    )
    jit_change_reason = fields.Char(
        string="Why",
        compute="_compute_jit_change_reason",
        help="What moved between the previous run and the last one: average "
        "daily usage (ADU), its spread (σ), lead time or profile.",
    )
    jit_approval_note = fields.Char(
        string="Proposed By",
        compute="_compute_jit_approval_note",
        help="The JIT run whose proposal waits for approval, and when it ran.",
    )
    jit_profile_summary = fields.Char(
        string="Profile",
        compute="_compute_jit_profile_summary",
        help="The JIT profile this rule uses and where it comes from (the "
        "rule, the product, the product category or the company default).",
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

    @api.depends(
        "jit_state", "jit_min_qty", "jit_max_qty", "product_min_qty", "product_max_qty"
    )
    def _compute_jit_proposal(self):
        for op in self:
            shown = op.jit_enabled and op.jit_state in proposal.PROPOSAL_STATES
            op.jit_proposal_shown = shown
            op.jit_change_summary = (
                f"{proposal.change_percent(op.product_min_qty, op.jit_min_qty)}"
                f" / {proposal.change_percent(op.product_max_qty, op.jit_max_qty)}"
                if shown
                else False
            )

    def _compute_jit_change_reason(self):
        lines = proposal.last_two_lines(self.env, self.ids)
        for op in self:
            last, previous = lines.get(op.id, (None, None))
            op.jit_change_reason = (
                proposal.describe_change(self.env, last, previous) if last else False
            )

    @api.depends("jit_approval_run_id")
    def _compute_jit_approval_note(self):
        for op in self:
            run = op.jit_approval_run_id
            op.jit_approval_note = run._jit_describe() if run else False

    @api.depends("jit_profile_id", "jit_profile_used_id", "product_id")
    def _compute_jit_profile_summary(self):
        for op in self:
            profile, where = proposal.profile_origin(op)
            op.jit_profile_summary = (
                self.env._("%(name)s, %(where)s", name=profile.name, where=where)
                if profile
                else False
            )

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
        return vendors.rule_lines(self)

    @api.model_create_multi
    def create(self, vals_list):
        today = fields.Date.context_today(self)
        for vals in vals_list:
            if vals.get("jit_enabled") and not vals.get("jit_pilot_date"):
                vals["jit_pilot_date"] = today
        return super().create(vals_list)

    def write(self, vals):
        if not self.env.su:
            self._jit_check_managed_fields(vals)
        rekeyed = any(fname in vals for fname in ledger.KEY_FIELDS)
        products = set(self.product_id.ids) if rekeyed else set()
        joining = self.browse()
        if vals.get("jit_enabled") and "jit_pilot_date" not in vals:
            joining = self.filtered(lambda op: not op.jit_pilot_date)
        res = super().write(vals)
        if joining:
            # The day a rule joined the pilot (KPIs before / with JIT).
            super(StockWarehouseOrderpoint, joining).write(
                {"jit_pilot_date": fields.Date.context_today(self)}
            )
        if "jit_enabled" in vals and not vals["jit_enabled"]:
            self._jit_settle_approvals(self.env._("JIT turned off"))
        if rekeyed:
            # Ledger rows no rule reads any more go (services/ledger.py).
            self.flush_recordset(list(ledger.KEY_FIELDS))
            ledger.prune(self.env, products | set(self.product_id.ids))
        return res

    def unlink(self):
        products = self.product_id.ids
        res = super().unlink()
        ledger.prune(self.env, products)
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
        return recompute.notification(self.env, runs)

    def _jit_compute_guarded(self, run):
        """Compute a batch inside a savepoint; failing rules are isolated by
        bisection, their error logged on each of them."""
        recompute.compute_guarded(self, run, logger=_logger)

    def _jit_check_manager(self):
        approvals.check_manager(self)

    def action_jit_approve(self):
        approved = approvals.approve(self)
        return feedback.settled(
            self,
            approved,
            self.env._("JIT changes approved"),
            self.env._(
                "%(count)s rule(s) approved: their new minimum and maximum apply now.",
                count=len(approved),
            ),
            self.env._("Nothing approved"),
        )

    def action_jit_reject(self):
        """The rejection holds until the computed values move away from the
        rejected proposal by more than the approval threshold."""
        rejected = approvals.reject(self)
        return feedback.settled(
            self,
            rejected,
            self.env._("JIT changes rejected"),
            self.env._(
                "%(count)s rule(s) rejected: they keep their current minimum and "
                "maximum.",
                count=len(rejected),
            ),
            self.env._("Nothing rejected"),
        )

    def action_view_jit_runs(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "jit_replenishment.action_jit_run_line"
        )
        action["domain"] = [("orderpoint_id", "=", self.id)]
        return action

    def action_view_jit_consumption(self):
        """This rule's consumption with its ADU, min and max on one chart;
        the product shows in the search facets and the title."""
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "jit_replenishment.action_jit_consumption_chart"
        )
        action["name"] = action["display_name"] = self.env._(
            "Consumption of %(product)s", product=self.product_id.display_name
        )
        action["domain"] = [("orderpoint_id", "=", self.id)]
        action["context"] = {
            "search_default_product_id": self.product_id.id,
            "search_default_filter_last_90_days": 1,
        }
        return action

    # --- the job ----------------------------------------------------------
    @api.model
    def _cron_jit_recompute(self, batch_size=None):
        """Nightly recompute, one batch per call, resumable.

        The cron's open run is resumed: rules it has not reached yet are
        computed, one batch per call. ir.cron calls again while the progress
        API reports work remaining, committing in between, so a crash loses at
        most one batch and a re-run finishes the same run.
        """
        return recompute.cron(self, batch_size or self._jit_get_batch_size())

    @api.model
    def _jit_get_batch_size(self):
        """Rules per batch: the setting, or the default when it is unset or
        not a positive integer (the settings form refuses such values)."""
        value = (
            self.env["ir.config_parameter"]
            .sudo()
            .get_param("jit_replenishment.batch_size")
        )
        try:
            size = int(value)
        except (TypeError, ValueError):
            size = 0
        return size if size > 0 else self._jit_batch_size

    def _jit_recompute(self, origin="manual"):
        """Recompute these rules now, in batches; returns the runs (one per
        company)."""
        return recompute.recompute(self, origin, self._jit_get_batch_size())

    def _jit_mark_failed(self, run, exc):
        recompute.mark_failed(self, run, exc)

    def _jit_compute(self, run):
        """Compute min/max of these JIT rules (all of run's company)."""
        recompute.compute(self, run)

    # --- inputs -------------------------------------------------------------
    def _jit_read_rules(self):
        return inputs.read_rules(self.env, self.ids)

    def _jit_resolve_profiles(self, rules):
        return inputs.resolve_profiles(self.env, rules)

    @api.model
    def _jit_window(self, company, now, window_days, tail=False):
        return inputs.window(company, now, window_days, tail=tail)

    def _jit_done_moves(self, rules, days, consuming_only):
        return inputs.done_moves(self, rules, days, consuming_only)

    def _jit_copy_rows(self, query, row):
        """The rows of `query` through binary COPY (pg.copy_rows)."""
        return pg.copy_rows(self.env.cr, query, row)

    def _jit_consumption_entries(self, rules, days):
        """The rules' consumption entries, from the ledger (ledger.py)."""
        return ledger.rule_entries(self, rules, days)

    def _jit_consumption(self, rules, days, entries, lead_time, first_day):
        """Daily consumption and booked share (services/consumption.py)."""
        return consumption.daily_consumption(rules, days, entries, lead_time, first_day)

    def _jit_stockout_mask(self, rules, days, moves):
        return inputs.stockout_mask(self.env, rules, days, moves)

    def _jit_seeds(self, rules, wanted, new_since):
        return inputs.seeds(self.env, rules, wanted, new_since)

    def _jit_lead_times(self, rules, today, run=None):
        """Lead time, its σ, source and the MOQ per rule (lead_times.py)."""
        return lead_times.lead_times(
            self, rules, today, run, min_samples=self._jit_min_lead_time_samples
        )

    # --- results ------------------------------------------------------------
    def _jit_messages(
        self, rules, profiles, out, seeds, insufficient, no_history, lead
    ):
        return messages.messages(
            self.env, rules, profiles, out, seeds, insufficient, no_history, lead
        )

    def _jit_holds(self, rules, state, message, new_min, new_max, threshold, today):
        return approvals.holds(
            self.env, rules, state, message, new_min, new_max, threshold, today
        )

    def _jit_write_back(self, run, rules, results, extra, now):
        write_back.write_back(self, run, rules, results, extra, now)

    @staticmethod
    def _jit_sql_array(values):
        """A PostgreSQL array literal for a bound parameter (pg.sql_array)."""
        return pg.sql_array(values)

    # --- approvals ----------------------------------------------------------
    def _jit_request_approval(self, run):
        approvals.request_approval(self, run)

    def _jit_settle_approvals(self, feedback):
        approvals.settle_approvals(self, feedback)

    # --- pull trigger -------------------------------------------------------
    @api.model
    def _jit_pulled_by(self, moves):
        """The JIT rules these validated moves may have brought below their
        minimum (pull_trigger.py)."""
        return pull_trigger.pulled_by(self, moves)

    def _jit_procure_if_below_min(self):
        return pull_trigger.procure_if_below_min(self)

    # --- demo data ----------------------------------------------------------
    @api.model
    def _jit_demo_load(self, product_ids):
        return demo_data.demo_load(self, product_ids)
