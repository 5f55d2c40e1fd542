# Copyright 2026 JIT Replenishment Suite
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import io
import logging
import random
from datetime import datetime, timedelta
from datetime import time as dtime

import numpy as np
import psycopg2
import pytz

from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError
from odoo.tools import SQL, float_compare

import jit_core

from ..services import proposal
from ..services.pg import is_concurrency_error

_logger = logging.getLogger(__name__)

# Usages of the destination locations that consume stock: deliveries,
# manufacturing and scrap / inventory losses (scrap is an "inventory" location).
CONSUMING_USAGES = ("customer", "production", "inventory")

# Rule actions whose lead days depend on the vendor line's delay alone (not
# on the product): rules routing through only these share one computation.
SIMPLE_ROUTE_ACTIONS = {"pull", "pull_push", "push", "buy"}

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

# One done move as it comes out of _jit_done_moves (big-endian, as in
# PostgreSQL's binary COPY format; a timestamp is sent as microseconds since
# 2000-01-01).
MOVE_ROW = np.dtype(
    [
        ("product", ">i4"),
        ("date", ">i8"),
        ("created", ">i8"),
        ("src", ">i4"),
        ("dst", ">i4"),
        ("uom", ">i4"),
        ("qty", ">f8"),
    ]
)

# PostgreSQL's binary timestamps count microseconds from this instant.
PG_EPOCH = datetime(2000, 1, 1)
MICROSECONDS_PER_DAY = 86_400_000_000

# The first 11 bytes of PostgreSQL's binary COPY output.
COPY_SIGNATURE = b"PGCOPY\n\xff\r\n\x00"

# Columns written back in bulk by _jit_write_back, with their SQL types.
RESULT_COLUMNS = {
    "jit_profile_used_id": "int4",
    "jit_adu": "float8",
    "jit_sigma": "float8",
    "jit_lead_time": "float8",
    "jit_lead_time_sigma": "float8",
    "jit_lead_time_source": "varchar",
    "jit_safety_stock": "float8",
    "jit_min_qty": "float8",
    "jit_max_qty": "float8",
    "jit_spike_days": "int4",
    "jit_usable_days": "int4",
    "jit_booked_share": "float8",
    "jit_adu_source": "varchar",
    "jit_state": "varchar",
    "jit_message": "varchar",
    "product_min_qty": "float8",
    "product_max_qty": "float8",
}


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
    # --- what the buyer reads on the list and the form (not stored) ------
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
        return self._jit_notify(
            self.env._("JIT recomputed"), self._jit_run_summary(runs)
        )

    def _jit_run_summary(self, runs):
        """What these runs did, in one sentence (zero counts left out)."""
        counts = [
            (sum(runs.mapped(fname)), label)
            for fname, label in (
                ("applied_count", self.env._("applied")),
                ("waiting_count", self.env._("waiting for approval")),
                ("no_history_count", self.env._("still without history")),
                ("no_lead_time_count", self.env._("without lead time")),
                ("insufficient_count", self.env._("with too little data")),
                ("failed_count", self.env._("failed")),
            )
        ]
        return self.env._(
            "%(rules)s rule(s) recomputed: %(details)s.",
            rules=sum(runs.mapped("rule_count")),
            details=", ".join(f"{n} {label}" for n, label in counts if n)
            or self.env._("nothing to do"),
        )

    @api.model
    def _jit_notify(self, title, message, kind="success", next_action=None):
        """A notification that closes the dialog (or opens next_action)."""
        return {
            "type": "ir.actions.client",
            "tag": "display_notification",
            "params": {
                "type": kind,
                "title": title,
                "message": message,
                "sticky": False,
                "next": next_action or {"type": "ir.actions.act_window_close"},
            },
        }

    def _jit_check_manager(self):
        if not self.env.user.has_group("jit_replenishment.group_jit_manager"):
            raise AccessError(
                self.env._("Only a JIT Manager can approve or reject JIT changes.")
            )
        self.check_access("write")

    def action_jit_approve(self):
        self._jit_check_manager()
        waiting = self.filtered(lambda op: op.jit_state == "waiting")
        message = self.env._("Approved by %(user)s", user=self.env.user.name)
        # sudo: min/max of JIT rules are the machinery's (write access checked).
        for op in waiting.sudo():
            op.write(
                {
                    "product_min_qty": op.jit_min_qty,
                    "product_max_qty": op.jit_max_qty,
                    "jit_state": "applied",
                    "jit_message": message,
                }
            )
        waiting._jit_settle_approvals(self.env._("Approved"))
        return self._jit_notify_settled(
            waiting,
            self.env._("JIT changes approved"),
            self.env._(
                "%(count)s rule(s) approved: their new minimum and maximum apply now.",
                count=len(waiting),
            ),
        )

    def action_jit_reject(self):
        """The rejection holds until the computed values move away from the
        rejected proposal by more than the approval threshold."""
        self._jit_check_manager()
        waiting = self.filtered(lambda op: op.jit_state == "waiting")
        message = self.env._(
            "Rejected by %(user)s; the current minimum and maximum stay until the "
            "computed values move by more than the approval threshold.",
            user=self.env.user.name,
        )
        for op in waiting:
            op.write(
                {
                    "jit_state": "rejected",
                    "jit_rejected_min_qty": op.jit_min_qty,
                    "jit_rejected_max_qty": op.jit_max_qty,
                    "jit_message": message,
                }
            )
        waiting._jit_settle_approvals(self.env._("Rejected"))
        return self._jit_notify_settled(
            waiting,
            self.env._("JIT changes rejected"),
            self.env._(
                "%(count)s rule(s) rejected: they keep their current minimum and "
                "maximum.",
                count=len(waiting),
            ),
        )

    def _jit_notify_settled(self, settled, title, message):
        """Notification of an approval or rejection of `settled` among self."""
        skipped = len(self) - len(settled)
        text = message
        if skipped:
            text += " " + self.env._(
                "%(count)s selected rule(s) were not waiting for approval.",
                count=skipped,
            )
        return self._jit_notify(title, text, "success" if settled else "warning")

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

    # ------------------------------------------------------------------
    # scheduler
    # ------------------------------------------------------------------
    @api.model
    def _cron_jit_recompute(self, batch_size=None):
        """Nightly recompute, one batch per call, resumable.

        The cron's open run is resumed: rules it has not reached yet are
        computed, one batch per call. ir.cron calls again while the progress
        API reports work remaining, committing in between, so a crash loses at
        most one batch and a re-run finishes the same run.
        """
        batch_size = batch_size or self._jit_get_batch_size()
        Run = self.env["jit.run"].sudo()
        Run._fail_stale_runs()
        runs = Run.search([("origin", "=", "cron"), ("state", "=", "running")])
        if not runs:
            companies = self._read_group(
                [("jit_enabled", "=", True)], ["company_id"], ["__count"]
            )
            runs = Run.create(
                [
                    {"origin": "cron", "company_id": company.id, "rule_total": count}
                    for company, count in companies
                ]
            )
        done = 0
        more = False
        for run in runs:
            wanted = batch_size - done
            # One rule beyond the batch tells whether the run goes on.
            todo = self.search(run._todo_domain(), limit=wanted + 1, order="id")
            batch = todo[:wanted]
            if batch:
                batch._jit_compute_guarded(run)
                run.write(
                    {
                        "last_rule_id": batch[-1].id,
                        "rule_done": run.rule_done + len(batch),
                    }
                )
                done += len(batch)
            if len(todo) > wanted:
                more = True
                break
            run._close()
        # The count of rules left is an estimate (rules may be enabled or
        # disabled during the run); only "none left" must be exact.
        remaining = (
            max(
                sum(r.rule_total - r.rule_done for r in runs if r.state == "running"), 1
            )
            if more
            else 0
        )
        self.env["ir.cron"]._notify_progress(done=done, remaining=remaining)
        return remaining

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
        """Recompute these rules now, in batches; returns the runs (one per company).

        Runs and their lines are system records: created with sudo, whoever
        asks for the recompute (a JIT user may recompute, not edit runs)."""
        Run = self.env["jit.run"].sudo()
        runs = Run
        for company in self.company_id:
            rules = self.filtered(lambda op, c=company: op.company_id == c)
            run = Run.create({"origin": origin, "company_id": company.id})
            size = self._jit_get_batch_size()
            for start in range(0, len(rules), size):
                rules[start : start + size]._jit_compute_guarded(run)
            run._close()
            runs |= run
        return runs

    def _jit_compute_guarded(self, run):
        """Compute a batch inside a savepoint; on failure, split it in halves
        until the failing rules are isolated, log the error on each of them and
        keep the results of all others."""
        try:
            with self.env.cr.savepoint():
                self._jit_compute(run)
        except Exception as exc:  # noqa: BLE001 - logged on the rule, run goes on
            if is_concurrency_error(exc):
                raise  # not the rules' fault: ir.cron retries the transaction
            self.env.invalidate_all()
            if len(self) == 1:
                _logger.warning("JIT rule %s failed: %s", self.id, exc)
                self._jit_mark_failed(run, exc)
                return
            half = len(self) // 2
            self[:half]._jit_compute_guarded(run)
            self[half:]._jit_compute_guarded(run)

    def _jit_mark_failed(self, run, exc):
        message = f"{type(exc).__name__}: {exc}"[:500]
        now = fields.Datetime.now()
        self.write(
            {
                "jit_state": "failed",
                "jit_message": message,
                "jit_last_computed": now,
            }
        )
        self.env["jit.run.line"].sudo().create(
            [
                {
                    "run_id": run.id,
                    "orderpoint_id": op.id,
                    "state": "failed",
                    "old_min_qty": op.product_min_qty,
                    "old_max_qty": op.product_max_qty,
                    "new_min_qty": op.product_min_qty,
                    "new_max_qty": op.product_max_qty,
                    "message": message,
                }
                for op in self
            ]
        )

    # ------------------------------------------------------------------
    # computation: SQL in, jit_core arithmetic, bulk write out
    # ------------------------------------------------------------------
    def _jit_compute(self, run):
        """Compute min/max of these JIT rules (all of run's company)."""
        if not self:
            return
        self.flush_model()
        now = fields.Datetime.now()
        rules = self._jit_read_rules()
        profiles = self._jit_resolve_profiles(rules)
        n = len(rules["id"])
        window = int(max(p.window_days for p in profiles.values()))
        # Stock-outs need every move across the rule's location tree, up to
        # now (today's moves too: stock is rebuilt back from today's
        # quants); then consumption is read from the same rows.
        need_stockout = any(p.exclude_stockout_days for p in profiles.values())
        days = self._jit_window(run.company_id, now, window, tail=need_stockout)
        moves = self._jit_done_moves(rules, days, consuming_only=not need_stockout)
        lead = self._jit_lead_times(rules, now.date())
        windows = {pid: p.window_days for pid, p in profiles.items()}
        rule_window = np.array(
            [windows[p] for p in rules["profile_id"].tolist()], dtype=np.int64
        )
        buckets, booked = self._jit_consumption(
            rules, days, moves, lead["lead_time"], window - rule_window
        )
        stockout = None
        if need_stockout:
            stockout = self._jit_stockout_mask(rules, days, moves)

        out = {
            "adu": np.zeros(n),
            "sigma": np.zeros(n),
            "spikes": np.zeros(n, dtype=np.int64),
            "ss": np.zeros(n),
            "min": np.zeros(n),
            "max": np.zeros(n),
            "z": np.zeros(n),
            "usable": np.zeros(n, dtype=np.int64),
            "minimum": np.zeros(n, dtype=np.int64),
            "enough": np.zeros(n, dtype=bool),
            "consumed": np.zeros(n, dtype=bool),
            "threshold": np.zeros(n),
        }
        profile_of = rules["profile_id"]
        for profile_id, profile in profiles.items():
            idx = np.flatnonzero(profile_of == profile_id)
            if not idx.size:
                continue
            sub = buckets[idx, -profile.window_days :]
            stats = jit_core.demand_stats(
                sub,
                spike_factor=profile.spike_factor or None,
                spike_cap=profile.spike_cap or None,
                stockout_mask=None
                if stockout is None or not profile.exclude_stockout_days
                else stockout[idx, -profile.window_days :],
            )
            out["adu"][idx] = stats.adu
            out["sigma"][idx] = stats.sigma
            out["spikes"][idx] = stats.spikes
            out["usable"][idx] = stats.days_counted
            out["minimum"][idx] = min(profile.min_usable_days, profile.window_days)
            out["consumed"][idx] = sub.sum(axis=1) > 0
            out["threshold"][idx] = profile.approval_threshold
        out["enough"] = out["usable"] >= out["minimum"]
        # Rules without enough history (or without any consumption) take a
        # seed ADU where one exists; sigma = ADU (coefficient of variation 1).
        seeds = self._jit_seeds(
            rules, ~out["enough"] | ~out["consumed"], days["bounds"][0]
        )
        seeded = seeds["adu"] > 0
        out["adu"] = np.where(seeded, seeds["adu"], out["adu"])
        out["sigma"] = np.where(seeded, seeds["adu"], out["sigma"])
        for profile_id, profile in profiles.items():
            idx = np.flatnonzero(profile_of == profile_id)
            if not idx.size:
                continue
            policy = jit_core.compute_policy(
                out["adu"][idx],
                out["sigma"][idx],
                lead["lead_time"][idx],
                lead["sigma"][idx],
                profile.service_level,
                profile.review_period_days,
                moq=lead["moq"][idx],
                multiple=rules["qty_multiple"][idx],
                min_clamp=profile.min_clamp or None,
                max_clamp=profile.max_clamp or None,
                booked_share=booked[idx],
            )
            out["ss"][idx] = policy.safety_stock
            out["min"][idx] = policy.min_qty
            out["max"][idx] = policy.max_qty
            out["z"][idx] = policy.z

        rounding = rules["uom_rounding"]
        new_min = jit_core.round_up_to_multiple(out["min"], rounding)
        new_max = np.maximum(
            jit_core.round_up_to_multiple(out["max"], rounding), new_min
        )
        old_min, old_max = rules["min"], rules["max"]
        # A negative manual value (Odoo allows one) counts as 0: a first
        # computation, applied directly.
        waiting = jit_core.needs_approval(
            np.maximum(old_min, 0), new_min, out["threshold"]
        ) | jit_core.needs_approval(np.maximum(old_max, 0), new_max, out["threshold"])
        insufficient = ~seeded & ~out["enough"]
        no_history = ~seeded & out["enough"] & ~out["consumed"]
        kept = insufficient | no_history
        # A rule without lead time is not applied either: its route or
        # vendor lines need fixing (its message says which).
        no_lead_time = lead["unknown"] & ~kept
        waiting &= ~kept & ~no_lead_time
        state = np.select(
            [no_history, insufficient, no_lead_time, waiting],
            ["no_history", "insufficient", "no_lead_time", "waiting"],
            "applied",
        ).astype(object)
        state, message = self._jit_holds(
            rules,
            state,
            self._jit_messages(
                rules, profiles, out, seeds, insufficient, no_history, lead
            ),
            new_min,
            new_max,
            out["threshold"],
            now.date(),
        )
        apply = state == "applied"
        results = {
            "jit_profile_used_id": rules["profile_id"],
            "jit_adu": out["adu"],
            "jit_sigma": out["sigma"],
            "jit_lead_time": lead["lead_time"],
            "jit_lead_time_sigma": lead["sigma"],
            "jit_lead_time_source": lead["source"],
            "jit_safety_stock": out["ss"],
            "jit_min_qty": new_min,
            "jit_max_qty": new_max,
            "jit_spike_days": out["spikes"],
            "jit_usable_days": out["usable"],
            "jit_booked_share": booked,
            "jit_adu_source": np.select(
                [seeded, no_history], ["seed", None], "history"
            ).astype(object),
            "jit_state": state,
            "jit_message": message,
            "product_min_qty": np.where(apply, new_min, old_min),
            "product_max_qty": np.where(apply, new_max, old_max),
        }
        self._jit_write_back(
            run,
            rules,
            results,
            {
                "old_min_qty": ("float8", old_min),
                "old_max_qty": ("float8", old_max),
                "z": ("float8", out["z"]),
            },
            now,
        )
        waiting = state == "waiting"
        newly_waiting = waiting & (rules["state"] != "waiting")
        if newly_waiting.any():
            self.browse(rules["id"][newly_waiting].tolist())._jit_request_approval(run)
        self.browse(rules["id"][~waiting].tolist()).filtered(
            "jit_approval_run_id"
        )._jit_settle_approvals(self.env._("Settled by the recompute"))

    def _jit_holds(self, rules, state, message, new_min, new_max, threshold, today):
        """The computed states and messages once freezes and rejections
        hold: a rule frozen until today or later keeps its min/max (state
        frozen); a rejected rule whose new proposal would wait for approval
        but lies within the threshold of the rejected proposal stays rejected
        and keeps its min/max (a proposal moved further waits again)."""
        self.env.cr.execute(
            SQL(
                """
                SELECT op.jit_freeze_until,
                       COALESCE(op.jit_rejected_min_qty, 0),
                       COALESCE(op.jit_rejected_max_qty, 0)
                  FROM unnest(%s::int[]) WITH ORDINALITY AS r(id, idx)
                  JOIN stock_warehouse_orderpoint op ON op.id = r.id
                 ORDER BY r.idx
                """,
                self._jit_sql_array(rules["id"]),
            )
        )
        rows = self.env.cr.fetchall()
        until = [row[0] for row in rows]
        rejected_min = np.array([row[1] for row in rows], dtype=float)
        rejected_max = np.array([row[2] for row in rows], dtype=float)
        moved = np.zeros(len(rows), dtype=bool)
        for rejected, new in ((rejected_min, new_min), (rejected_max, new_max)):
            moved |= jit_core.needs_approval(rejected, new, threshold)
            moved |= (rejected == 0) & (new > 0)
        held = (state == "waiting") & (rules["state"] == "rejected") & ~moved
        frozen = np.array([day is not None and day >= today for day in until])
        state = np.where(frozen, "frozen", np.where(held, "rejected", state))
        message = np.array(message, dtype=object)
        for i in np.flatnonzero(held & ~frozen):
            message[i] = self.env._(
                "The rejected proposal (min %(min)s, max %(max)s) holds: the "
                "computed values stay within the approval threshold of it.",
                min=rejected_min[i],
                max=rejected_max[i],
            )
        for i in np.flatnonzero(frozen):
            message[i] = self.env._(
                "Frozen until %(date)s: the minimum and maximum stay; the "
                "computed values are shown.",
                date=until[i],
            )
        return state, message

    @api.model
    def _jit_window(self, company, now, window_days, tail=False):
        """The days measured: the `window_days` complete days before today
        in the company's timezone (its partner's, as Odoo's own lead-days
        date; UTC when unset). Today is never counted: it is not over.

        Returns the first and last local day, the number of days, and the
        UTC instants where each local day starts, plus the end of the last
        one (and, with `tail`, the end of today: stock-outs are rebuilt
        back from today's quants through today's moves), as datetimes and
        as microseconds since 2000-01-01 (PostgreSQL's binary timestamps)."""
        tz = pytz.timezone(company.partner_id.tz or "UTC")
        today = pytz.utc.localize(now).astimezone(tz).date()
        start_day = today - timedelta(days=window_days)
        bounds = [
            tz.localize(datetime.combine(start_day + timedelta(days=i), dtime.min))
            .astimezone(pytz.utc)
            .replace(tzinfo=None)
            for i in range(window_days + 1 + bool(tail))
        ]
        return {
            "start_day": start_day,
            "end_day": today - timedelta(days=1),
            "n_days": window_days,
            "bounds": bounds,
            "bounds_us": np.array(
                [(b - PG_EPOCH) // timedelta(microseconds=1) for b in bounds],
                dtype=np.int64,
            ),
        }

    def _jit_seeds(self, rules, wanted, new_since):
        """Seed ADU of the `wanted` rules (not enough history, or no
        consumption), one query: the product's typed initial ADU when > 0;
        else, for a new product (created since `new_since`, the window's
        start), the average ADU of the JIT rules of the same company whose
        product has the same category and unit and whose ADU was last
        computed from enough history (state applied, waiting or rejected);
        else 0 (no seed). Returns the ADU, its kind ('product', 'category'
        or None) and the category's name, per rule."""
        n = len(rules["id"])
        seeds = {
            "adu": np.zeros(n),
            "kind": np.full(n, None, dtype=object),
            "category": np.full(n, None, dtype=object),
        }
        if not wanted.any():
            return seeds
        self.env.cr.execute(
            SQL(
                """
                WITH r AS (
                    SELECT op.id, op.company_id, pt.categ_id, pt.uom_id,
                           COALESCE(pt.jit_initial_adu, 0) AS initial,
                           pp.create_date >= %(since)s AS is_new
                      FROM stock_warehouse_orderpoint op
                      JOIN product_product pp ON pp.id = op.product_id
                      JOIN product_template pt ON pt.id = pp.product_tmpl_id
                     WHERE op.id = ANY(%(ids)s::int[])
                ), avg AS (
                    SELECT pt.categ_id, pt.uom_id, op.company_id,
                           AVG(op.jit_adu) AS adu
                      FROM stock_warehouse_orderpoint op
                      JOIN product_product pp ON pp.id = op.product_id
                      JOIN product_template pt ON pt.id = pp.product_tmpl_id
                     WHERE (pt.categ_id, pt.uom_id, op.company_id) IN (
                            SELECT categ_id, uom_id, company_id FROM r
                             WHERE initial <= 0 AND is_new)
                       AND op.jit_enabled AND op.active
                       AND op.jit_adu_source = 'history' AND op.jit_adu > 0
                       AND op.jit_state IN ('applied', 'waiting', 'rejected')
                     GROUP BY 1, 2, 3
                )
                SELECT r.id, r.initial, r.is_new, avg.adu, categ.complete_name
                  FROM r
                  JOIN product_category categ ON categ.id = r.categ_id
                  LEFT JOIN avg USING (categ_id, uom_id, company_id)
                """,
                ids=self._jit_sql_array(rules["id"][wanted]),
                since=new_since,
            )
        )
        position = {rule_id: i for i, rule_id in enumerate(rules["id"].tolist())}
        for rule_id, initial, is_new, average, category in self.env.cr.fetchall():
            i = position[rule_id]
            if initial > 0:
                seeds["adu"][i], seeds["kind"][i] = initial, "product"
            elif is_new and average:
                seeds["adu"][i], seeds["kind"][i] = average, "category"
                seeds["category"][i] = category
        return seeds

    def _jit_messages(
        self, rules, profiles, out, seeds, insufficient, no_history, lead
    ):
        """Why a rule was not applied, or where its seed ADU came from, next
        to its lead time's message (_jit_lead_times; None when all is well)."""
        messages = lead["message"].copy()
        for i in np.flatnonzero(insufficient | no_history | (seeds["adu"] > 0)):
            profile = profiles[rules["profile_id"][i]]
            values = {
                "usable": out["usable"][i],
                "minimum": out["minimum"][i],
                "adu": round(seeds["adu"][i], 4),
            }
            if seeds["kind"][i] == "product":
                text = self.env._(
                    "Seed: the initial ADU typed on the product (%(adu)s a day), "
                    "until the window holds consumption and at least "
                    "%(minimum)s usable days (%(usable)s now).",
                    **values,
                )
            elif seeds["kind"][i] == "category":
                text = self.env._(
                    "Seed: the average ADU of the JIT rules of category "
                    "%(category)s (%(adu)s a day), until the window holds "
                    "consumption and at least %(minimum)s usable days "
                    "(%(usable)s now).",
                    category=seeds["category"][i],
                    **values,
                )
            elif insufficient[i]:
                text = (
                    self.env._(
                        "Not applied: %(usable)s usable days in the window, at "
                        "least %(minimum)s needed (stock-out days excluded).",
                        **values,
                    )
                    if profile.exclude_stockout_days
                    else self.env._(
                        "Not applied: %(usable)s usable days in the window, at "
                        "least %(minimum)s needed.",
                        **values,
                    )
                )
            else:
                text = self.env._(
                    "Not applied: no consumption in the window (%(days)s days) "
                    "and no seed ADU.",
                    days=profile.window_days,
                )
            messages[i] = f"{text} {messages[i]}" if messages[i] else text
        return messages

    def _jit_read_rules(self):
        """One query: what the computation needs of each rule, as arrays
        (its vendor line is chosen in _jit_lead_times). The product side is
        read per rule through
        its primary keys (LATERAL ... OFFSET 0 keeps PostgreSQL from hashing
        the whole product table for a batch of a thousand rules)."""
        self.env.cr.execute(
            SQL(
                """
                SELECT op.id, op.product_id, op.company_id, loc.parent_path,
                       op.product_min_qty, op.product_max_qty,
                       COALESCE(op.qty_multiple, 0), COALESCE(op.jit_state, ''),
                       op.jit_profile_id, p.profile, p.categ_path, p.rounding,
                       p.factor, wv.parent_path, COALESCE(op.supplier_id, 0)
                  FROM stock_warehouse_orderpoint op
                  JOIN stock_location loc ON loc.id = op.location_id
                  JOIN stock_warehouse wh ON wh.id = op.warehouse_id
                  JOIN stock_location wv ON wv.id = wh.view_location_id
                 CROSS JOIN LATERAL (
                        SELECT (pt.jit_profile_id ->> op.company_id::text)::int
                                   AS profile,
                               categ.parent_path AS categ_path, uom.rounding,
                               uom.factor
                          FROM product_product pp
                          JOIN product_template pt ON pt.id = pp.product_tmpl_id
                          JOIN product_category categ ON categ.id = pt.categ_id
                          JOIN uom_uom uom ON uom.id = pt.uom_id
                         WHERE pp.id = op.product_id
                        OFFSET 0) p
                 WHERE op.id = ANY(%(ids)s::int[])
                 ORDER BY op.id
                """,
                ids=self._jit_sql_array(np.array(self.ids, dtype=np.int64)),
            )
        )
        rows = self.env.cr.fetchall()
        cols = list(zip(*rows, strict=True))
        return {
            "id": np.array(cols[0], dtype=np.int64),
            "product_id": np.array(cols[1], dtype=np.int64),
            "company_id": np.array(cols[2], dtype=np.int64),
            "path": list(cols[3]),
            "min": np.array(cols[4], dtype=float),
            "max": np.array(cols[5], dtype=float),
            "qty_multiple": np.array(cols[6], dtype=float),
            "state": np.array(cols[7], dtype=object),
            "rule_profile": list(cols[8]),
            "product_profile": list(cols[9]),
            "categ_path": list(cols[10]),
            "uom_rounding": np.array(cols[11], dtype=float),
            "uom_factor": np.array(cols[12], dtype=float),
            # Consumption is counted at the warehouse's boundary (its view
            # location's tree), unless the rule lies outside its warehouse.
            "wh_path": np.array(
                [
                    wh if path.startswith(wh) else path
                    for path, wh in zip(cols[3], cols[13], strict=True)
                ],
                dtype=object,
            ),
            "supplier_id": np.array(cols[14], dtype=np.int64),
        }

    def _jit_resolve_profiles(self, rules):
        """Most specific profile wins: rule, product, category (nearest
        ancestor), company default. Sets rules['profile_id']; returns the
        profiles by id. Rules with no profile at all fail explicitly."""
        companies = self.env["res.company"].browse(set(rules["company_id"].tolist()))
        company_default = {c.id: c._jit_default_profile().id for c in companies}
        categ_ids = {
            int(c) for path in rules["categ_path"] for c in path.strip("/").split("/")
        }
        categ_profile = {}
        for company in companies:
            categs = (
                self.env["product.category"].with_company(company).browse(categ_ids)
            )
            for categ in categs:
                categ_profile[company.id, categ.id] = categ.jit_profile_id.id
        memo = {}
        resolved = []
        for rule_p, product_p, path, company in zip(
            rules["rule_profile"],
            rules["product_profile"],
            rules["categ_path"],
            rules["company_id"].tolist(),
            strict=True,
        ):
            profile = rule_p or product_p
            if not profile:
                key = (company, path)
                if key not in memo:
                    memo[key] = next(
                        (
                            categ_profile[company, int(c)]
                            for c in reversed(path.strip("/").split("/"))
                            if categ_profile.get((company, int(c)))
                        ),
                        company_default.get(company) or 0,
                    )
                profile = memo[key]
            resolved.append(profile or 0)
        rules["profile_id"] = np.array(resolved, dtype=np.int64)
        if not rules["profile_id"].all():
            missing = rules["id"][rules["profile_id"] == 0][:5].tolist()
            raise UserError(
                self.env._(
                    "No JIT profile applies to rules %(ids)s: set one on the rule, "
                    "the product, its category or the company (JIT settings).",
                    ids=missing,
                )
            )
        profiles = (
            self.env["jit.profile"]
            .browse(set(resolved))
            .with_context(active_test=False)
        )
        return {p.id: p for p in profiles}

    def _jit_lookups(self):
        """Locations and units as arrays indexed by id, with one extra slot
        at the end of the location arrays for ids unknown here (created after
        this was read): parent_path, whether a location consumes (customer,
        production, inventory loss), whether it is a customer location, and
        each unit's factor."""
        self.env.cr.execute(SQL("SELECT id, parent_path, usage FROM stock_location"))
        rows = self.env.cr.fetchall()
        size = max((row[0] for row in rows), default=0) + 1
        paths = np.full(size + 1, "", dtype=object)
        usages = np.full(size + 1, "", dtype=object)
        for loc_id, path, usage in rows:
            paths[loc_id] = path or ""
            usages[loc_id] = usage
        self.env.cr.execute(SQL("SELECT id, factor FROM uom_uom"))
        uoms = self.env.cr.fetchall()
        factors = np.zeros(max((row[0] for row in uoms), default=0) + 1)
        for uom_id, factor in uoms:
            factors[uom_id] = factor
        return {
            "size": size,
            "path": paths,
            "consuming": np.isin(usages, CONSUMING_USAGES),
            "customer": usages == "customer",
            "uom_factor": factors,
        }

    @staticmethod
    def _jit_loc(lookups, ids):
        """Location ids as indexes into the lookup arrays of _jit_lookups."""
        return np.minimum(ids, lookups["size"])

    @staticmethod
    def _jit_tree_test(lookups, tree_paths, rule):
        """A test `inside(loc)`: whether location loc[i] lies in the location
        tree (parent_path prefix) tree_paths[rule[i]]. One row of lookups per
        distinct tree: a batch has a handful."""
        trees, tree_of_rule = np.unique(tree_paths, return_inverse=True)
        paths = lookups["path"]
        table = np.zeros((len(trees), paths.size), dtype=bool)
        for t, tree in enumerate(trees):
            table[t, :-1] = [path.startswith(tree) for path in paths[:-1]]
        tree = tree_of_rule[rule]
        return lambda loc: table[tree, loc]

    @staticmethod
    def _jit_rule_qty(rules, moves, row, rule, sign):
        """Move rows, rules, days and signed quantities, in the rule's
        product unit, of the (move row, rule) pairs whose sign is not 0."""
        keep = sign != 0
        row, rule = row[keep], rule[keep]
        factors = moves["lookups"]["uom_factor"]
        qty = (
            sign[keep]
            * moves["qty"][row]
            / factors[moves["uom"][row]]
            * rules["uom_factor"][rule]
        )
        return row, rule, moves["day"][row], qty

    def _jit_done_moves(self, rules, days, consuming_only):
        """The done moves of the batch's products over `days` (_jit_window:
        the window, and today with its tail), one binary row each (product,
        done and creation timestamps, source, destination, unit, quantity),
        parsed by numpy: no per-row Python object, no join.

        With `consuming_only`, only moves to a consuming location or from a
        customer come back (a superset of what any rule counts as
        consumption); the location trees are applied in numpy."""
        lookups = self._jit_lookups()
        where = SQL()
        if consuming_only:
            where = SQL(
                "AND (sm.location_dest_id = ANY(%s::int[])"
                " OR sm.location_id = ANY(%s::int[]))",
                self._jit_sql_array(np.flatnonzero(lookups["consuming"])),
                self._jit_sql_array(np.flatnonzero(lookups["customer"])),
            )
        rows = self._jit_copy_rows(
            SQL(
                """
                SELECT sm.product_id, sm.date, COALESCE(sm.create_date, sm.date),
                       sm.location_id, sm.location_dest_id, sm.product_uom,
                       COALESCE(sm.quantity, 0)::float8
                  FROM stock_move sm
                 WHERE sm.product_id = ANY(%(products)s::int[])
                   AND sm.state = 'done'
                   AND sm.date >= %(start_dt)s AND sm.date < %(end_dt)s
                   %(where)s
                """,
                start_dt=days["bounds"][0],
                end_dt=days["bounds"][-1],
                products=self._jit_sql_array(np.unique(rules["product_id"])),
                where=where,
            ),
            MOVE_ROW,
        )
        moves = {name: rows[name].astype(np.int64) for name in MOVE_ROW.names}
        moves["qty"] = rows["qty"].astype(float)
        # The local day of each move, counted from the window's first day
        # (the last index, n_days, is today): the timestamp arrives raw and
        # is placed among the UTC starts of the local days, no date
        # arithmetic per row.
        done = moves.pop("date")
        moves["day"] = np.searchsorted(days["bounds_us"], done, side="right") - 1
        # Days from the move's creation to its completion (booked share).
        moves["ahead"] = (done - moves.pop("created")) / MICROSECONDS_PER_DAY
        moves["lookups"] = lookups
        return moves

    def _jit_copy_rows(self, query, row):
        """The rows of `query` (columns NOT NULL, of the fixed-size types of
        the numpy dtype `row`) through COPY ... TO STDOUT in PostgreSQL's
        binary format, read by numpy without a Python object per row.

        Binary COPY frames each row as a 16-bit field count and each field
        as a 32-bit length followed by its big-endian value; the frame is
        checked before the values are trusted."""
        fields_ = [(f"len{i}", ">i4", name) for i, name in enumerate(row.names)]
        framed = np.dtype(
            [("count", ">i2")]
            + [
                item
                for length, kind, name in fields_
                for item in ((length, kind), (name, row[name]))
            ]
        )
        copy = SQL("COPY (%s) TO STDOUT WITH (FORMAT binary)", query)
        cr = self.env.cr
        buffer = io.BytesIO()
        # As Odoo's own COPY (models.py): no asynchronous wait callback
        # (gevent) while the COPY runs.
        callback = psycopg2.extensions.get_wait_callback()
        psycopg2.extensions.set_wait_callback(None)
        try:
            cr.copy_expert(cr.mogrify(copy.code, copy.params).decode(), buffer)
        finally:
            psycopg2.extensions.set_wait_callback(callback)
        cr.sql_log_count += 1
        data = buffer.getbuffer()
        if bytes(data[:11]) != COPY_SIGNATURE or bytes(data[-2:]) != b"\xff\xff":
            raise ValueError("unexpected COPY output from PostgreSQL")
        # signature, flags, header extension length, header extension
        header = 19 + int.from_bytes(data[15:19], "big")
        rows = np.frombuffer(data[header:-2], dtype=framed)
        expected = [row[name].itemsize for name in row.names]
        lengths = [rows[length] for length, _kind, _name in fields_]
        if (rows["count"] != len(row.names)).any() or any(
            (length != size).any()
            for length, size in zip(lengths, expected, strict=True)
        ):
            raise ValueError("unexpected COPY row layout from PostgreSQL")
        return rows

    def _jit_consumption(self, rules, days, moves, lead_time, first_day):
        """Daily consumption per rule over the window, in the product's unit,
        from the batch's done moves (_jit_done_moves), and the share of it
        booked a lead time ahead. Consumption = done moves leaving the
        rule's warehouse (its view location's tree) for a customer,
        production or inventory-loss/scrap location, minus returns from
        customers into it (netted over the window: a day may be negative);
        moves between locations of the warehouse (pick, pack, shelves) are
        not consumption, so a two- or three-step delivery counts once.

        Booked share: of the consumption (returns left out) in each rule's
        own window (from day `first_day[rule]`), the share whose move was
        created at least `lead_time[rule]` days before it was done."""
        n = len(rules["id"])
        n_days = days["n_days"]
        first_day = np.asarray(first_day, dtype=np.int64)
        lookups = moves["lookups"]
        row, rule = jit_core.match_keys(moves["product"], rules["product_id"])
        inside = self._jit_tree_test(lookups, rules["wh_path"], rule)
        src = self._jit_loc(lookups, moves["src"][row])
        dst = self._jit_loc(lookups, moves["dst"][row])
        sign = (inside(src) & lookups["consuming"][dst]).astype(float) - (
            inside(dst) & lookups["customer"][src]
        )
        row, rule, day, qty = self._jit_rule_qty(rules, moves, row, rule, sign)
        window = day < n_days  # today (the tail) is not over
        buckets = jit_core.daily_buckets(
            rule[window], day[window], qty[window], n, n_days
        )
        used = window & (qty > 0) & (day >= first_day[rule])
        booked = jit_core.booked_share(
            rule[used], qty[used], moves["ahead"][row[used]], lead_time, n
        )
        return buckets, booked

    def _jit_stockout_mask(self, rules, days, moves):
        """Days that closed with no stock in the rule's location tree, rebuilt
        backwards from today's quants and the daily net flows across the
        tree's boundary (`moves`: all done moves of the batch's products,
        today's included)."""
        n = len(rules["id"])
        n_cols = len(days["bounds"]) - 1  # the window's days and today
        lookups = moves["lookups"]
        row, rule = jit_core.match_keys(moves["product"], rules["product_id"])
        inside = self._jit_tree_test(lookups, rules["path"], rule)
        sign = inside(self._jit_loc(lookups, moves["dst"][row])).astype(float) - inside(
            self._jit_loc(lookups, moves["src"][row])
        )
        _row, rule, day, qty = self._jit_rule_qty(rules, moves, row, rule, sign)
        net = np.bincount(
            rule * n_cols + day, weights=qty, minlength=n * n_cols
        ).reshape(n, n_cols)
        self.env.cr.execute(
            SQL(
                """
                SELECT r.idx, SUM(q.quantity)
                  FROM unnest(%(products)s::int[], %(trees)s::varchar[])
                       WITH ORDINALITY AS r(product_id, tree, idx)
                  JOIN stock_quant q ON q.product_id = r.product_id
                  JOIN stock_location l ON l.id = q.location_id
                 WHERE starts_with(l.parent_path, r.tree)
                 GROUP BY 1
                """,
                products=self._jit_sql_array(rules["product_id"]),
                trees=self._jit_sql_array(np.array(rules["path"], dtype=object)),
            )
        )
        on_hand = np.zeros(n)
        for idx, qty in self.env.cr.fetchall():
            on_hand[idx - 1] = qty  # WITH ORDINALITY counts from 1
        return jit_core.stockout_mask(on_hand, net)[:, : days["n_days"]]

    def _jit_lead_times(self, rules, today):
        """Lead time per rule, from the rules of its route as Odoo's own
        _get_lead_days adds them up for the replenishment report: the pull
        rules' delays (resupply from another warehouse), and for a buy route
        the vendor line's delay, the company's purchase lead days and days to
        purchase (manufacture routes, when installed, add their own). The
        vendor line is product.supplierinfo's _jit_choose_lines; once enough
        of its receipts were measured, their mean and σ replace its stated
        delay. MOQ: the chosen vendor's order minimum, in the product's unit.

        A rule with no route, or a buy route and no valid vendor line, has no
        lead time (`unknown`, with a message): it is not applied."""
        n = len(rules["id"])
        vendor = self.env["product.supplierinfo"]._jit_choose_lines(
            rules["product_id"],
            rules["company_id"],
            today,
            forced=rules["supplier_id"],
        )
        has_line = vendor["line"] > 0
        route = self._jit_route_delays(rules, vendor["line"], vendor["delay"])
        buy = route["buy"]
        measured = (
            buy & has_line & (vendor["lt_samples"] >= self._jit_min_lead_time_samples)
        )
        lead_time = route["total"] + np.where(
            measured, vendor["lt_mean"] - route["vendor"], 0.0
        )
        no_route = ~route["routed"]
        no_vendor = route["routed"] & buy & ~has_line
        message = np.full(n, None, dtype=object)
        if no_route.any():
            message[no_route] = self.env._(
                "No lead time: no route replenishes this product in this "
                "location (set a route on the product or the rule)."
            )
        if no_vendor.any():
            message[no_vendor] = self.env._(
                "No lead time: the product is bought but has no valid vendor "
                "line (vendors archived or blocked, prices expired or for "
                "another company)."
            )
        return {
            "lead_time": np.where(no_route | no_vendor, 0.0, lead_time),
            "sigma": np.where(measured, vendor["lt_sigma"], 0.0),
            "moq": np.where(buy & has_line, vendor["moq"], 0.0),
            "source": np.where(
                no_route | no_vendor,
                None,
                np.where(measured, "measured", np.where(buy, "vendor", "route")),
            ).astype(object),
            "unknown": no_route | no_vendor,
            "message": message,
        }

    def _jit_route_delays(self, rules, lines, line_delays):
        """Odoo's own _get_lead_days over each rule's route (the rules Odoo's
        rule_ids holds), with `lines` as the vendor line (`line_delays` their
        delays), without the
        visibility days (a forecast horizon, not a delay). Rules whose route
        only pulls and buys share one call per route and vendor delay; others
        (e.g. manufacture) get one call each. Returns arrays: `total` days,
        `vendor` (the vendor's part of it), `buy` (the route buys), `routed`
        (a route applies)."""
        n = len(rules["id"])
        ops = self.browse(rules["id"].tolist()).with_context(
            jit_vendor_lines=dict(
                zip(rules["id"].tolist(), lines.tolist(), strict=True)
            )
        )
        Supplierinfo = self.env["product.supplierinfo"]
        out = {
            "total": np.zeros(n),
            "vendor": np.zeros(n),
            "buy": np.zeros(n, dtype=bool),
            "routed": np.zeros(n, dtype=bool),
        }
        Rule = self.env["stock.rule"].with_context(
            bypass_delay_description=True, global_visibility_days=0
        )
        memo = {}
        for i, (route_rules, line, delay) in enumerate(
            zip(
                self._jit_route_rules(ops),
                lines.tolist(),
                line_delays.tolist(),
                strict=True,
            )
        ):
            if not route_rules:
                continue
            out["routed"][i] = True
            actions = route_rules[1]
            out["buy"][i] = "buy" in actions
            if "buy" in actions and not line:
                continue
            op = ops[i]
            if actions <= SIMPLE_ROUTE_ACTIONS:
                key = (route_rules[0], delay if line else None)
            else:
                key = (route_rules[0], op.id)
            if key not in memo:
                if actions <= SIMPLE_ROUTE_ACTIONS:
                    values = {"supplierinfo": Supplierinfo.browse(line)} if line else {}
                else:
                    values = op._get_lead_days_values()
                delays, _desc = Rule.browse(route_rules[0])._get_lead_days(
                    op.product_id.with_prefetch(), **values
                )
                memo[key] = (delays["total_delay"], delays["purchase_delay"])
            out["total"][i], out["vendor"][i] = memo[key]
        return out

    def _jit_route_rules(self, ops):
        """The route of each rule as Odoo's _compute_rules finds it
        (_get_rules_from_location of its location and route), computed once
        per distinct (location, route, product and category routes), as
        Odoo's own compute caches it: (rule ids, set of actions) per rule,
        None when no rule applies."""
        self.env.cr.execute(
            SQL(
                """
                SELECT op.id, op.product_id, op.location_id,
                       COALESCE(op.route_id, 0),
                       ARRAY(SELECT r.route_id
                               FROM stock_route_product r
                              WHERE r.product_id = pp.product_tmpl_id
                             UNION
                             SELECT r.route_id
                               FROM stock_route_categ r
                               JOIN product_category c ON c.id = r.categ_id
                              WHERE starts_with(categ.parent_path, c.parent_path)
                             ORDER BY 1)
                  FROM stock_warehouse_orderpoint op
                  JOIN product_product pp ON pp.id = op.product_id
                  JOIN product_template pt ON pt.id = pp.product_tmpl_id
                  JOIN product_category categ ON categ.id = pt.categ_id
                 WHERE op.id = ANY(%s::int[])
                """,
                self._jit_sql_array(np.array(ops.ids, dtype=np.int64)),
            )
        )
        rows = {row[0]: row[1:] for row in self.env.cr.fetchall()}
        found = {}
        result = []
        for op_id in ops.ids:
            product, location, route, routes = rows[op_id]
            key = (location, route, tuple(routes))
            if key not in found:
                # One product stands for its key (its routes are the key's).
                route_rules = (
                    self.env["product.product"]
                    .browse(product)
                    ._get_rules_from_location(
                        self.env["stock.location"].browse(location),
                        route_ids=self.env["stock.route"].browse(route),
                    )
                )
                found[key] = route_rules and (
                    tuple(route_rules.ids),
                    frozenset(route_rules.mapped("action")),
                )
            result.append(found[key] or None)
        return result

    def _jit_write_back(self, run, rules, results, extra, now):
        """One statement for the batch: UPDATE the rules with `results` and
        INSERT their run lines (the same arrays, plus `extra`: old min/max
        and z), then tell the ORM what changed."""
        names = list(RESULT_COLUMNS)
        arrays = {
            "id": ("int4", rules["id"]),
            **{name: (RESULT_COLUMNS[name], results[name]) for name in names},
            **extra,
        }
        line_columns = {
            "orderpoint_id": "id",
            "profile_id": "jit_profile_used_id",
            "state": "jit_state",
            "old_min_qty": "old_min_qty",
            "old_max_qty": "old_max_qty",
            "new_min_qty": "jit_min_qty",
            "new_max_qty": "jit_max_qty",
            "adu": "jit_adu",
            "sigma_demand": "jit_sigma",
            "lead_time": "jit_lead_time",
            "sigma_lead_time": "jit_lead_time_sigma",
            "z": "z",
            "safety_stock": "jit_safety_stock",
            "spike_days": "jit_spike_days",
            "message": "jit_message",
            "booked_share": "jit_booked_share",
        }
        ident = SQL.identifier
        self.env.cr.execute(
            SQL(
                """
                WITH v AS (
                    SELECT * FROM unnest(%(arrays)s) AS v(%(names)s)
                ), rules AS (
                    UPDATE stock_warehouse_orderpoint op
                       SET %(assignments)s,
                           jit_last_computed = %(now)s,
                           write_date = %(now)s,
                           write_uid = %(uid)s
                      FROM v
                     WHERE op.id = v.id
                )
                INSERT INTO jit_run_line (run_id, %(line_names)s)
                SELECT %(run)s, %(line_values)s FROM v
                """,
                arrays=SQL(", ").join(
                    SQL("%s::" + typ + "[]", self._jit_sql_array(values))
                    for typ, values in arrays.values()
                ),
                names=SQL(", ").join(ident(name) for name in arrays),
                assignments=SQL(", ").join(
                    SQL("%s = v.%s", ident(name), ident(name)) for name in names
                ),
                now=now,
                uid=self.env.uid,
                run=run.id,
                line_names=SQL(", ").join(ident(c) for c in line_columns),
                line_values=SQL(", ").join(
                    SQL("v.%s", ident(v)) for v in line_columns.values()
                ),
            )
        )
        # Only the cache needs refreshing: min and max are written together
        # and consistent (max >= min), so Odoo's computes that keep them so
        # have nothing to recompute, and the quantities to order are not
        # stored.
        self.browse(rules["id"].tolist()).invalidate_recordset(
            [*names, "jit_last_computed", "jit_last_run_id"]
        )
        self.env["jit.run.line"].invalidate_model()
        run.invalidate_recordset(["line_ids"])

    @staticmethod
    def _jit_sql_array(values):
        """A PostgreSQL array literal ('{1.5,2,NULL}') for a bound parameter:
        one string for PostgreSQL to parse, instead of an ARRAY[...]
        expression of a thousand constants."""
        array = np.asarray(values)
        if array.dtype.kind == "f":
            # Python's repr is the shortest exact form ('nan' and 'inf' are
            # valid float8 input too).
            items = map(repr, array.astype(float).tolist())
        elif array.dtype.kind in "iub":
            items = map(str, array.astype(np.int64).tolist())
        else:
            items = [
                "NULL"
                if v is None
                else '"' + str(v).replace("\\", "\\\\").replace('"', '\\"') + '"'
                for v in array
            ]
        return "{" + ",".join(items) + "}"

    # ------------------------------------------------------------------
    # approvals
    # ------------------------------------------------------------------
    def _jit_request_approval(self, run):
        """Rules newly waiting: remember the run that asked, and give each
        approver one activity on that run (not one per rule, nor per batch:
        a later batch of the same run updates it). The approver is the
        profile's, else the first JIT Manager (by name) of the rule's
        company, else the administrator."""
        self.sudo().write({"jit_approval_run_id": run.id})
        waiting = self.sudo().search(
            [("jit_approval_run_id", "=", run.id), ("jit_state", "=", "waiting")]
        )
        managers = (
            self.env["res.users"]
            .sudo()
            .search(
                [
                    (
                        "groups_id",
                        "in",
                        self.env.ref("jit_replenishment.group_jit_manager").ids,
                    ),
                    ("share", "=", False),
                ],
                order="name, id",
            )
            .filtered(lambda u: not u._is_superuser())
        )
        by_approver = {}
        for op in waiting:
            approver = op.jit_profile_used_id.approver_id or next(
                (u for u in managers if op.company_id in u.company_ids),
                self.env.ref("base.user_admin"),
            )
            by_approver.setdefault(approver, self.browse())
            by_approver[approver] |= op
        todo = self.env.ref("mail.mail_activity_data_todo")
        activities = run.sudo().activity_ids.filtered(
            lambda a: a.activity_type_id == todo
        )
        for approver, rules in by_approver.items():
            names = ", ".join(rules[:10].product_id.mapped("display_name"))
            vals = {
                "summary": self.env._(
                    "Approve %(count)s JIT change(s)", count=len(rules)
                ),
                "note": self.env._(
                    "Min/max changes above the approval threshold wait for you "
                    "under Inventory > JIT > Rules (filter Waiting Approval): "
                    "%(names)s%(more)s.",
                    names=names,
                    more="…" if len(rules) > 10 else "",
                ),
            }
            activity = activities.filtered(lambda a, u=approver: a.user_id == u)[:1]
            if activity:
                activity.write(vals)
            else:
                run.sudo().activity_schedule(
                    "mail.mail_activity_data_todo", user_id=approver.id, **vals
                )

    def _jit_settle_approvals(self, feedback):
        """These rules' changes are settled (approved, rejected, applied by a
        later run, frozen, JIT turned off): clear their approval pointer and
        mark done the activities of the runs with nothing left waiting."""
        pending = self.filtered("jit_approval_run_id")
        if not pending:
            return
        runs = pending.jit_approval_run_id
        pending.sudo().write({"jit_approval_run_id": False})
        runs._close_approval_activities(feedback)

    # ------------------------------------------------------------------
    # pull trigger
    # ------------------------------------------------------------------
    @api.model
    def _jit_pulled_by(self, moves):
        """The JIT rules (automatic trigger) that these validated consumption
        moves may have brought below their minimum, found with one query:
        rules of the moves' products in the warehouse each move left (its
        view location's tree, so a move out of Output in a two-step delivery
        counts) whose forecast may be below the minimum. On hand in the
        rule's location tree minus every pending move out of it is a lower
        bound of Odoo's forecast: a rule whose bound is at or above its
        minimum cannot need ordering, and its exact (costly) forecast is not
        computed."""
        if not moves:
            return self.browse()
        for model in ("stock.warehouse.orderpoint", "stock.move", "stock.quant"):
            self.env[model].flush_model()
        self.env.cr.execute(
            SQL(
                """
                WITH m AS (
                    SELECT DISTINCT m.product_id, l.parent_path AS path
                      FROM stock_move m
                      JOIN stock_location l ON l.id = m.location_id
                     WHERE m.id = ANY(%(moves)s::int[])
                ), r AS (
                    SELECT op.id, op.product_id, op.product_min_qty,
                           loc.parent_path AS tree
                      FROM stock_warehouse_orderpoint op
                      JOIN stock_location loc ON loc.id = op.location_id
                      JOIN stock_warehouse wh ON wh.id = op.warehouse_id
                      JOIN stock_location wv ON wv.id = wh.view_location_id
                     WHERE op.product_id = ANY(%(products)s::int[])
                       AND op.company_id = ANY(%(companies)s::int[])
                       AND op.jit_enabled AND op.active AND op.trigger = 'auto'
                       AND EXISTS (
                            SELECT 1 FROM m
                             WHERE m.product_id = op.product_id
                               AND starts_with(m.path, wv.parent_path))
                )
                SELECT r.id
                  FROM r
                 WHERE COALESCE((
                        SELECT SUM(q.quantity)
                          FROM stock_quant q
                          JOIN stock_location l ON l.id = q.location_id
                         WHERE q.product_id = r.product_id
                           AND starts_with(l.parent_path, r.tree)), 0)
                     - COALESCE((
                        SELECT SUM(sm.product_qty)
                          FROM stock_move sm
                          JOIN stock_location src ON src.id = sm.location_id
                          JOIN stock_location dst ON dst.id = sm.location_dest_id
                         WHERE sm.product_id = r.product_id
                           AND sm.state IN ('waiting', 'confirmed',
                                            'partially_available', 'assigned')
                           AND starts_with(src.parent_path, r.tree)
                           AND NOT starts_with(dst.parent_path, r.tree)), 0)
                     < r.product_min_qty
                """,
                moves=self._jit_sql_array(np.array(moves.ids, dtype=np.int64)),
                products=self._jit_sql_array(
                    np.array(moves.product_id.ids, dtype=np.int64)
                ),
                companies=self._jit_sql_array(
                    np.array(moves.company_id.ids, dtype=np.int64)
                ),
            )
        )
        return self.browse([row[0] for row in self.env.cr.fetchall()])

    def _jit_procure_if_below_min(self):
        """Procure the JIT rules whose forecast fell below their minimum."""
        below = self.filtered(
            lambda op: op.qty_forecast < op.product_min_qty and op.qty_to_order > 0
        )
        for company in below.company_id:
            below.filtered(
                lambda op, c=company: op.company_id == c
            )._procure_orderpoint_confirm(company_id=company, raise_user_error=False)
        return below

    # ------------------------------------------------------------------
    # demo data
    # ------------------------------------------------------------------
    @api.model
    def _jit_demo_load(self, product_ids):
        """Demo: a year of consumption for all but the last product, one JIT
        rule per product in the main warehouse, computed at once."""
        products = self.env["product.product"].browse(product_ids)
        warehouse = self.env.ref("stock.warehouse0")
        stock = warehouse.lot_stock_id
        customers = self.env.ref("stock.stock_location_customers")
        suppliers = self.env.ref("stock.stock_location_suppliers")
        rng = random.Random(18)  # deterministic demo
        today = fields.Date.today()
        vals_list, dates = [], []
        for rank, product in enumerate(products[:-1]):
            base = 40 if rank == 0 else 6
            days = [
                0 if rng.random() < 0.15 else max(1, round(rng.gauss(base, base / 3)))
                for _day in range(365)
            ]
            receipt = sum(days) + 3 * base
            plan = [(receipt, 365, suppliers, stock)] + [
                (qty, 364 - i, stock, customers) for i, qty in enumerate(days) if qty
            ]
            for qty, offset, src, dst in plan:
                vals_list.append(
                    {
                        "name": product.display_name,
                        "product_id": product.id,
                        "product_uom_qty": qty,
                        "product_uom": product.uom_id.id,
                        "location_id": src.id,
                        "location_dest_id": dst.id,
                    }
                )
                dates.append(
                    datetime.combine(
                        today - timedelta(days=offset), datetime.min.time()
                    )
                    + timedelta(hours=9)
                )
        moves = self.env["stock.move"].create(vals_list)
        moves._action_confirm(merge=False)
        for move in moves:
            move.quantity = move.product_uom_qty
        moves.picked = True
        moves._action_done()
        self.env.flush_all()  # the ORM's pending writes must not overwrite ours
        self.env.cr.execute(
            """
            UPDATE stock_move m SET date = v.date
              FROM unnest(%s::int[], %s::timestamp[]) AS v(id, date)
             WHERE m.id = v.id
            """,
            (moves.ids, dates),
        )
        self.env.cr.execute(
            """
            UPDATE stock_move_line l SET date = m.date
              FROM stock_move m WHERE m.id = l.move_id AND m.id = ANY(%s)
            """,
            (moves.ids,),
        )
        moves.invalidate_recordset(["date"])
        orderpoints = self.create(
            [
                {
                    "product_id": product.id,
                    "warehouse_id": warehouse.id,
                    "location_id": stock.id,
                    "trigger": "auto",
                    "jit_enabled": True,
                }
                for product in products
            ]
        )
        orderpoints._jit_recompute(origin="install")
        return orderpoints
