# Copyright 2026 JIT Replenishment Suite
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import time
from datetime import timedelta

from odoo import api, fields, models, tools
from odoo.exceptions import UserError
from odoo.tools import SQL, format_datetime
from odoo.tools.sql import escape_psql


class JitRun(models.Model):
    """One recompute of JIT reordering rules (nightly, manual or pull)."""

    _name = "jit.run"
    _description = "JIT Run"
    _inherit = ["mail.thread", "mail.activity.mixin"]
    _order = "started_at desc, id desc"
    _check_company_auto = True

    # A running run without progress for longer than this (or than the
    # job's time limit, if longer) crashed: a batch takes seconds.
    _stale_after = timedelta(hours=1)

    name = fields.Char(compute="_compute_name", search="_search_name")
    company_id = fields.Many2one(
        "res.company", required=True, index=True, default=lambda self: self.env.company
    )
    origin = fields.Selection(
        [("cron", "Scheduler"), ("manual", "Manual"), ("install", "Install")],
        required=True,
        default="manual",
    )
    user_id = fields.Many2one("res.users", default=lambda self: self.env.user)
    started_at = fields.Datetime(required=True, default=fields.Datetime.now)
    finished_at = fields.Datetime()
    state = fields.Selection(
        [("running", "Running"), ("done", "Done"), ("failed", "Failed")],
        default="running",
        required=True,
    )
    line_ids = fields.One2many("jit.run.line", "run_id", string="Rules")
    rule_count = fields.Integer(string="Rules Computed", readonly=True)
    applied_count = fields.Integer(string="Applied", readonly=True)
    waiting_count = fields.Integer(string="Waiting Approval", readonly=True)
    no_history_count = fields.Integer(string="No History", readonly=True)
    no_lead_time_count = fields.Integer(string="No Lead Time", readonly=True)
    insufficient_count = fields.Integer(string="Insufficient Data", readonly=True)
    failed_count = fields.Integer(string="Failed", readonly=True)
    duration = fields.Float(string="Duration (s)", readonly=True, digits=(16, 2))
    # Wall clock at the start, to the microsecond (started_at keeps whole
    # seconds, which made every short run last 0 s).
    started_clock = fields.Float(readonly=True, default=lambda self: time.time())
    rule_total = fields.Integer(
        string="Rules To Compute",
        readonly=True,
        help="JIT rules of the company when a scheduled run started.",
    )
    rule_done = fields.Integer(
        string="Rules Reached", readonly=True, help="Progress of a scheduled run."
    )
    last_rule_id = fields.Integer(
        readonly=True,
        help="Rules are computed in id order; a resumed run starts after this.",
    )

    @api.depends("started_at", "origin")
    def _compute_name(self):
        origins = dict(self._fields["origin"]._description_selection(self.env))
        for run in self:
            run.name = f"{origins.get(run.origin, '')} {run.started_at or ''}".strip()

    def _elapsed(self, now):
        """Seconds since the run started (to the microsecond when known)."""
        self.ensure_one()
        if self.started_clock:
            return max(time.time() - self.started_clock, 0.0)
        return (now - self.started_at).total_seconds()

    def _jit_describe(self):
        """The run in a buyer's words: 'Nightly run of Nov 27, 2026, 2:00:00 AM'."""
        self.ensure_one()
        when = format_datetime(self.env, self.started_at, dt_format="MMM d, y, HH:mm")
        if self.origin == "cron":
            return self.env._("Nightly run of %(when)s", when=when)
        if self.origin == "install":
            return self.env._("Run at install, %(when)s", when=when)
        return self.env._(
            "Recompute by %(user)s on %(when)s",
            user=self.user_id.name or "-",
            when=when,
        )

    def _search_name(self, operator, value):
        """The name is the origin's label and the start (UTC), as shown:
        'Manual 2026-03-10 12:00:00'."""
        negative = operator in ("not ilike", "not like", "!=")
        if operator not in ("ilike", "like", "=", "not ilike", "not like", "!="):
            raise UserError(
                self.env._(
                    "JIT runs cannot be searched by name with %(operator)s.",
                    operator=operator,
                )
            )
        if not isinstance(value, str):
            return [("id", "not in" if negative else "in", [])]
        labels = self._fields["origin"]._description_selection(self.env)
        name = SQL(
            "(CASE origin %s END || ' ' || "
            "to_char(started_at, 'YYYY-MM-DD HH24:MI:SS'))",
            SQL(" ").join(SQL("WHEN %s THEN %s", key, label) for key, label in labels),
        )
        if operator in ("=", "!="):
            condition = SQL("%s = %s", name, value)
        else:
            condition = SQL("%s ILIKE %s", name, f"%{escape_psql(value)}%")
        self.flush_model(["origin", "started_at"])
        self.env.cr.execute(SQL("SELECT id FROM jit_run WHERE %s", condition))
        ids = [row[0] for row in self.env.cr.fetchall()]
        return [("id", "not in" if negative else "in", ids)]

    @api.model_create_multi
    def create(self, vals_list):
        # A run is a log: no "created" message and no follower (approvers
        # get activities).
        runs = super(
            JitRun,
            self.with_context(mail_create_nolog=True, mail_create_nosubscribe=True),
        ).create(vals_list)
        return runs.with_env(self.env)

    def _todo_domain(self):
        """JIT rules of this run's company that the run has not reached yet
        (rules are taken in id order, so this is an index range)."""
        self.ensure_one()
        return [
            ("jit_enabled", "=", True),
            ("company_id", "=", self.company_id.id),
            ("id", ">", self.last_rule_id),
        ]

    def _close(self, state="done"):
        """Count the lines by state and mark the runs done (or failed)."""
        counts = {
            (run.id, state): count
            for run, state, count in self.env["jit.run.line"]._read_group(
                [("run_id", "in", self.ids)], ["run_id", "state"], ["__count"]
            )
        }
        now = fields.Datetime.now()
        for run in self:
            by_state = {
                line_state: count
                for (run_id, line_state), count in counts.items()
                if run_id == run.id
            }
            by_state.update(
                {
                    key: by_state.get(key, 0)
                    for key in (
                        "applied",
                        "waiting",
                        "no_history",
                        "no_lead_time",
                        "insufficient",
                        "failed",
                    )
                }
            )
            run.write(
                {
                    "state": state,
                    "finished_at": now,
                    "duration": run._elapsed(now),
                    "rule_count": sum(by_state.values()),
                    "applied_count": by_state["applied"],
                    "waiting_count": by_state["waiting"],
                    "no_history_count": by_state["no_history"],
                    "no_lead_time_count": by_state["no_lead_time"],
                    "insufficient_count": by_state["insufficient"],
                    "failed_count": by_state["failed"],
                }
            )

    @api.model
    def _fail_stale_runs(self):
        """Close as failed the running runs whose last progress is older
        than the job could take (the process died: a crash, a restart, the
        job's time limit); the next scheduled call starts a new run."""
        limit = tools.config.get("limit_time_real_cron") or 0
        if limit <= 0:
            limit = tools.config.get("limit_time_real") or 0
        timeout = max(self._stale_after, timedelta(seconds=max(limit, 0)))
        self.search(
            [
                ("state", "=", "running"),
                ("write_date", "<", fields.Datetime.now() - timeout),
            ]
        )._close(state="failed")

    def _close_approval_activities(self, feedback):
        """Mark done the approval activities of runs with nothing left waiting."""
        waiting = (
            self.env["stock.warehouse.orderpoint"]
            .sudo()
            ._read_group(
                [
                    ("jit_approval_run_id", "in", self.ids),
                    ("jit_state", "=", "waiting"),
                ],
                ["jit_approval_run_id"],
            )
        )
        still_waiting = {run for (run,) in waiting}
        finished = self - self.browse([r.id for r in still_waiting])
        finished.sudo().activity_ids.action_feedback(feedback=feedback)

    @api.model
    def _cron_gc_runs(self):
        """Delete runs older than each company's retention, except runs that
        still have rules waiting for approval (their activities are the
        approvers' to-do)."""
        waiting = (
            self.env["stock.warehouse.orderpoint"]
            .sudo()
            ._read_group(
                [("jit_approval_run_id", "!=", False), ("jit_state", "=", "waiting")],
                ["jit_approval_run_id"],
            )
        )
        keep = [run.id for (run,) in waiting]
        companies = self.env["res.company"].search([])
        for company in companies:
            limit = fields.Datetime.now() - timedelta(
                days=max(company.jit_run_retention_days, 1)
            )
            self.search(
                [
                    ("company_id", "=", company.id),
                    ("started_at", "<", limit),
                    ("id", "not in", keep),
                ]
            ).unlink()


class JitRunLine(models.Model):
    """What one run did to one rule, with the inputs of the formula."""

    _name = "jit.run.line"
    _description = "JIT Run Line"
    _order = "run_id desc, id"
    # Written only by the run (which has its own create/write date and
    # user): no per-line audit columns, two foreign-key checks fewer per
    # line in the nightly bulk insert.
    _log_access = False

    run_id = fields.Many2one("jit.run", required=True, ondelete="cascade", index=True)
    # Not stored: every stored many2one is one more foreign-key check per line
    # in the nightly bulk insert (100,000 lines a night).
    company_id = fields.Many2one(related="run_id.company_id")
    orderpoint_id = fields.Many2one(
        "stock.warehouse.orderpoint", string="Rule", ondelete="cascade", index=True
    )
    product_id = fields.Many2one(related="orderpoint_id.product_id")
    profile_id = fields.Many2one("jit.profile", readonly=True)
    state = fields.Selection(
        [
            ("applied", "Applied"),
            ("waiting", "Waiting Approval"),
            ("rejected", "Rejected (held)"),
            ("frozen", "Frozen"),
            ("no_history", "No History"),
            ("no_lead_time", "No Lead Time"),
            ("insufficient", "Insufficient Data"),
            ("failed", "Failed"),
        ],
        readonly=True,
    )
    old_min_qty = fields.Float(readonly=True, digits="Product Unit of Measure")
    old_max_qty = fields.Float(readonly=True, digits="Product Unit of Measure")
    new_min_qty = fields.Float(readonly=True, digits="Product Unit of Measure")
    new_max_qty = fields.Float(readonly=True, digits="Product Unit of Measure")
    adu = fields.Float(string="ADU", readonly=True, digits=(16, 4))
    sigma_demand = fields.Float(string="σ Daily Demand", readonly=True, digits=(16, 4))
    lead_time = fields.Float(string="Lead Time (days)", readonly=True, digits=(16, 2))
    sigma_lead_time = fields.Float(string="σ Lead Time", readonly=True, digits=(16, 2))
    z = fields.Float(string="z", readonly=True, digits=(16, 4))
    booked_share = fields.Float(
        readonly=True,
        digits=(16, 4),
        help="Share of the consumption booked at least the lead time ahead.",
    )
    safety_stock = fields.Float(readonly=True, digits="Product Unit of Measure")
    spike_days = fields.Integer(readonly=True)
    message = fields.Char(readonly=True)
