# Copyright 2026 JIT Replenishment Suite
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import logging
import math
from datetime import timedelta

import numpy as np
from markupsafe import Markup, escape

from odoo import api, fields, models
from odoo.exceptions import ValidationError
from odoo.tools import SQL

import jit_core

from ..services import sla_feedback
from ..services.pg import is_concurrency_error
from .res_partner import STANDINGS

_logger = logging.getLogger(__name__)

PERIODS = [("week", "Week"), ("month", "Month")]
WEIGHT_FIELDS = (
    "weight_on_time",
    "weight_fill",
    "weight_latency",
    "weight_promise",
    "weight_lead_time",
)
# Received quantities below a due quantity by less than this count as complete.
QTY_EPSILON = 1e-6


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
        for contract in self:
            contract.partner_id._jit_vendor().with_company(
                contract.company_id
            ).sudo().write({"jit_sla_standing": False, "jit_sla_score": 0.0})

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
        action["context"] = {"search_default_partner_id": self.partner_id.id}
        return action


class JitSlaScore(models.Model):
    """One vendor's figures for one evaluation period (written by the SLA job).

    Rows are keyed by (vendor, company, period start): recomputing a period
    updates its row. A period in which nothing was due is not scored.
    """

    _name = "jit.sla.score"
    _description = "JIT Supplier SLA Score"
    _order = "period_start desc, score desc, id"
    _check_company_auto = True

    # Tunables of the job and of the standing (see jit_core.sla.standing).
    _sla_batch_size = 1000
    _sla_good_above = 85.0
    _sla_blocked_below = 60.0
    _sla_margin = 5.0
    _sla_order_window_days = 365
    _lt_window_days = 365
    _lt_writeback_param = "jit_replenishment.lt_writeback"
    _lt_writeback_min_samples = 3
    _sla_cursor_param = "jit_replenishment.sla_cursor"

    partner_id = fields.Many2one(
        "res.partner",
        string="Vendor",
        required=True,
        index=True,
        readonly=True,
        ondelete="cascade",
    )
    company_id = fields.Many2one(
        "res.company", required=True, index=True, readonly=True
    )
    contract_id = fields.Many2one(
        "jit.sla.contract", check_company=True, ondelete="set null", readonly=True
    )
    period = fields.Selection(PERIODS, required=True, default="month", readonly=True)
    period_start = fields.Date(required=True, index=True, readonly=True)
    period_end = fields.Date(required=True, readonly=True)
    is_latest = fields.Boolean(
        string="Latest Period",
        readonly=True,
        index=True,
        help="The vendor's most recent scored period in this company.",
    )
    lines_due = fields.Integer(string="Lines Due", readonly=True)
    lines_accurate = fields.Integer(string="Lines as Promised", readonly=True)
    qty_due = fields.Float(digits="Product Unit of Measure", readonly=True)
    qty_on_time = fields.Float(digits="Product Unit of Measure", readonly=True)
    qty_ordered = fields.Float(digits="Product Unit of Measure", readonly=True)
    qty_received = fields.Float(digits="Product Unit of Measure", readonly=True)
    on_time_rate = fields.Float(digits=(16, 4), readonly=True, aggregator="avg")
    fill_rate = fields.Float(digits=(16, 4), readonly=True, aggregator="avg")
    lt_samples = fields.Integer(string="Receipts Measured", readonly=True)
    lt_mean = fields.Float(
        string="Lead Time Mean (days)", digits=(16, 2), readonly=True, aggregator="avg"
    )
    lt_sigma = fields.Float(
        string="Lead Time σ (days)", digits=(16, 2), readonly=True, aggregator="avg"
    )
    lt_p90 = fields.Float(
        string="Lead Time p90 (days)", digits=(16, 2), readonly=True, aggregator="avg"
    )
    confirmations = fields.Integer(readonly=True)
    confirmation_latency_hours = fields.Float(
        string="Confirmation Latency (hours)",
        digits=(16, 2),
        readonly=True,
        aggregator="avg",
    )
    promise_accuracy = fields.Float(digits=(16, 4), readonly=True, aggregator="avg")
    score = fields.Float(digits=(16, 1), readonly=True, aggregator="avg")
    standing = fields.Selection(STANDINGS, readonly=True)
    previous_standing = fields.Selection(STANDINGS, readonly=True)
    breach = fields.Boolean(
        readonly=True,
        help="The standing dropped, or a line was not received within the "
        "tolerance after its promised date.",
    )
    notified_standing = fields.Selection(
        STANDINGS,
        readonly=True,
        help="Lowest standing of this period already notified as a breach: a "
        "standing drop is notified once, unless it drops further.",
    )
    late_line_ids = fields.Many2many(
        "purchase.order.line",
        "jit_sla_score_late_line_rel",
        "score_id",
        "line_id",
        string="Late Lines Notified",
        readonly=True,
    )

    _sql_constraints = [
        (
            "partner_company_period_uniq",
            "UNIQUE(partner_id, company_id, period_start)",
            "A vendor has one SLA score per company and period.",
        ),
    ]

    @api.depends("partner_id", "period_start", "period_end")
    def _compute_display_name(self):
        for row in self:
            row.display_name = f"{row.partner_id.display_name or ''} " + (
                f"{row.period_start} → {row.period_end}" if row.period_start else ""
            )

    # ------------------------------------------------------------------
    # scheduler
    # ------------------------------------------------------------------
    @api.model
    def _cron_compute_sla(self):
        """Nightly: score the last complete and the current period of every
        active contract, one batch of contracts per call, then (in the call
        that finishes the contracts) measure vendor lead times.

        Resumable like the recompute: the last contract done is kept in a
        system parameter; ir.cron calls again while the progress API reports
        work remaining and commits in between, so a crash loses at most one
        batch and the next call goes on from there. Safe to re-run."""
        Param = self.env["ir.config_parameter"].sudo()
        try:
            cursor = int(Param.get_param(self._sla_cursor_param) or 0)
        except ValueError:
            cursor = 0
        size = self._sla_batch_size
        Contract = self.env["jit.sla.contract"].sudo()
        todo = Contract.search([("id", ">", cursor)], order="id", limit=size + 1)
        batch = todo[:size]
        if batch:
            self.sudo()._sla_compute_guarded(batch, fields.Date.today())
        if len(todo) > size:
            Param.set_param(self._sla_cursor_param, str(batch[-1].id))
            remaining = Contract.search_count([("id", ">", batch[-1].id)])
            self.env["ir.cron"]._notify_progress(done=len(batch), remaining=remaining)
            return remaining
        try:
            with self.env.cr.savepoint():
                self.sudo()._compute_measured_lead_times()
        except Exception as exc:  # noqa: BLE001 - logged, the SLA figures are kept
            if is_concurrency_error(exc):
                raise
            self.env.invalidate_all()
            _logger.exception("JIT SLA: measuring vendor lead times failed")
        Param.set_param(self._sla_cursor_param, "0")
        self.env["ir.cron"]._notify_progress(done=len(batch), remaining=0)
        return 0

    def _sla_compute_guarded(self, contracts, today):
        """Compute a batch in a savepoint; on failure split it until the
        failing contracts are isolated and log the error on them."""
        try:
            with self.env.cr.savepoint():
                self._sla_compute(contracts, today)
        except Exception as exc:  # noqa: BLE001 - logged on the contract
            if is_concurrency_error(exc):
                raise  # not the contracts' fault: ir.cron retries the job
            self.env.invalidate_all()
            if len(contracts) == 1:
                _logger.warning("JIT SLA contract %s failed: %s", contracts.id, exc)
                contracts.message_post(
                    body=self.env._(
                        "The SLA computation failed: %(error)s",
                        error=f"{type(exc).__name__}: {exc}"[:500],
                    ),
                    subtype_xmlid="mail.mt_note",
                )
                return
            half = len(contracts) // 2
            self._sla_compute_guarded(contracts[:half], today)
            self._sla_compute_guarded(contracts[half:], today)

    @api.model
    def _sla_periods(self, contracts, today):
        """The periods to score: per contract, the last complete period
        (key i) and the current one (key n + i)."""
        n = len(contracts)
        kinds = np.array(contracts.mapped("period") or [], dtype=object)
        cur_start, cur_end = jit_core.period_bounds(np.full(n, today), kinds)
        prev_start, prev_end = jit_core.period_bounds(
            cur_start - np.timedelta64(1, "D"), kinds
        )
        return {
            "contract": np.tile(np.array(contracts.ids, dtype=np.int64), 2),
            "partner": np.tile(
                np.array(
                    [c.partner_id._jit_vendor().id for c in contracts], dtype=np.int64
                ),
                2,
            ),
            "company": np.tile(
                np.array([c.company_id.id for c in contracts], dtype=np.int64), 2
            ),
            "period": np.tile(kinds, 2),
            "start": np.concatenate([prev_start, cur_start]),
            "end": np.concatenate([prev_end, cur_end]),
            "tol": np.tile(
                np.array(contracts.mapped("lt_tolerance_days"), dtype=np.int64), 2
            ),
        }

    @staticmethod
    def _sla_keys_cte(keys):
        """SQL for the evaluated (vendor, company, period) keys."""
        return SQL(
            """
            SELECT * FROM unnest(%s::int[], %s::int[], %s::int[], %s::date[],
                                 %s::date[], %s::int[])
                AS k(idx, partner_id, company_id, pstart, pend, tol)
            """,
            list(range(len(keys["partner"]))),
            [int(v) for v in keys["partner"]],
            [int(v) for v in keys["company"]],
            [d.item() for d in keys["start"]],
            [d.item() for d in keys["end"]],
            [int(v) for v in keys["tol"]],
        )

    def _sla_due_lines_cte(self, keys, today):
        """Lines due in each key's period: confirmed purchase lines of the
        vendor whose promised day (latest 'promise' event, else the planned
        date) falls in the period and before today, of orders confirmed at
        most _sla_order_window_days before the earliest period. Quantities
        are in the product's unit; a promised quantity in the line's unit."""
        return SQL(
            """
            WITH k AS (%(keys)s),
            due AS (
                SELECT k.idx, k.tol, l.id AS line_id, po.date_approve,
                       COALESCE(pr.promised_date, l.date_planned)::date AS pday,
                       COALESCE(
                           NULLIF(pr.promised_qty, 0) * l.product_uom_qty
                               / NULLIF(l.product_qty, 0),
                           l.product_uom_qty
                       ) AS qty_due,
                       l.product_uom_qty AS qty_ordered
                  FROM purchase_order_line l
                  JOIN purchase_order po ON po.id = l.order_id
                  JOIN res_partner rp ON rp.id = po.partner_id
                  LEFT JOIN LATERAL (
                        SELECT e.promised_date, e.promised_qty
                          FROM jit_purchase_event e
                         WHERE e.line_id = l.id
                           AND e.event_type = 'promise'
                           AND e.promised_date IS NOT NULL
                         ORDER BY e.date DESC, e.id DESC
                         LIMIT 1
                  ) pr ON TRUE
                  JOIN k ON k.partner_id = %(vendor)s
                        AND k.company_id = po.company_id
                        AND COALESCE(pr.promised_date, l.date_planned)::date
                            BETWEEN k.pstart AND k.pend
                 WHERE po.state IN ('purchase', 'done')
                   AND po.date_approve >= %(since)s
                   AND l.display_type IS NULL
                   AND l.product_uom_qty > 0
                   AND COALESCE(pr.promised_date, l.date_planned)::date < %(today)s
            ),
            rec AS (
                -- Done quantities in the product's unit: receipts from the
                -- vendor count, returns to the vendor count negative.
                SELECT m.purchase_line_id AS line_id, m.date,
                       CASE WHEN src.usage = 'supplier' THEN 1 ELSE -1 END
                           * m.quantity / mu.factor * pu.factor AS qty
                  FROM stock_move m
                  JOIN stock_location src ON src.id = m.location_id
                  JOIN stock_location dst ON dst.id = m.location_dest_id
                  JOIN uom_uom mu ON mu.id = m.product_uom
                  JOIN product_product pp ON pp.id = m.product_id
                  JOIN product_template pt ON pt.id = pp.product_tmpl_id
                  JOIN uom_uom pu ON pu.id = pt.uom_id
                 WHERE m.state = 'done'
                   AND (src.usage = 'supplier') <> (dst.usage = 'supplier')
                   AND m.purchase_line_id IN (SELECT line_id FROM due)
            )
            """,
            keys=self._sla_keys_cte(keys),
            vendor=self.env["res.partner"]._jit_vendor_sql("rp"),
            today=today,
            since=keys["start"].min().item()
            - timedelta(days=self._sla_order_window_days),
        )

    def _sla_fetch_due(self, keys, today):
        """Due-line family: quantities due / on time / ordered / received,
        promise accuracy counts and the lines late beyond tolerance."""
        self.env.cr.execute(
            SQL(
                """
                %(cte)s,
                per_line AS (
                    SELECT d.idx, d.line_id, d.qty_due, d.qty_ordered,
                           d.pday + d.tol < %(today)s AS tol_elapsed,
                           COALESCE(SUM(r.qty) FILTER (
                               WHERE r.date::date <= d.pday), 0) AS rec_on_time,
                           COALESCE(SUM(r.qty) FILTER (
                               WHERE r.date::date <= d.pday + d.tol), 0) AS rec_in_tol,
                           COALESCE(SUM(r.qty) FILTER (
                               WHERE r.date::date BETWEEN d.pday - d.tol
                                                      AND d.pday + d.tol), 0)
                               AS rec_in_window,
                           COALESCE(SUM(r.qty), 0) AS rec_total
                      FROM due d
                      LEFT JOIN rec r ON r.line_id = d.line_id
                     GROUP BY d.idx, d.line_id, d.qty_due, d.qty_ordered, d.pday,
                              d.tol
                )
                SELECT idx,
                       COUNT(*),
                       COUNT(*) FILTER (WHERE rec_in_window >= qty_due - %(eps)s),
                       SUM(qty_due),
                       SUM(LEAST(rec_on_time, qty_due)),
                       SUM(qty_ordered),
                       SUM(LEAST(rec_total, qty_ordered)),
                       COALESCE(ARRAY_AGG(line_id ORDER BY line_id) FILTER (
                           WHERE tol_elapsed AND rec_in_tol < qty_due - %(eps)s),
                           '{}')
                  FROM per_line
                 GROUP BY idx
                """,
                cte=self._sla_due_lines_cte(keys, today),
                today=today,
                eps=QTY_EPSILON,
            )
        )
        n = len(keys["partner"])
        out = {
            "active": np.zeros(n, dtype=bool),
            "lines_due": np.zeros(n, dtype=np.int64),
            "lines_accurate": np.zeros(n, dtype=np.int64),
            "qty_due": np.zeros(n),
            "qty_on_time": np.zeros(n),
            "qty_ordered": np.zeros(n),
            "qty_received": np.zeros(n),
            "late_lines": [[] for _ in range(n)],
        }
        for (
            idx,
            lines,
            accurate,
            due,
            on_time,
            ordered,
            received,
            late,
        ) in self.env.cr.fetchall():
            out["active"][idx] = True
            out["lines_due"][idx] = lines
            out["lines_accurate"][idx] = accurate
            out["qty_due"][idx] = due
            out["qty_on_time"][idx] = on_time
            out["qty_ordered"][idx] = ordered
            out["qty_received"][idx] = received
            out["late_lines"][idx] = list(late)
        return out

    def _sla_fetch_lead_times(self, keys, today):
        """Lead-time family: confirmation -> receipt of the due lines, in days
        per key (mean, sigma, p90 after the outlier filter of jit_core)."""
        self.env.cr.execute(
            SQL(
                """
                %(cte)s
                SELECT d.idx, d.date_approve, r.date
                  FROM due d
                  JOIN rec r ON r.line_id = d.line_id
                 WHERE d.date_approve IS NOT NULL AND r.date >= d.date_approve
                   AND r.qty > 0
                """,
                cte=self._sla_due_lines_cte(keys, today),
            )
        )
        rows = self.env.cr.fetchall()
        n = len(keys["partner"])
        out = {
            "lt_mean": np.full(n, np.nan),
            "lt_sigma": np.full(n, np.nan),
            "lt_p90": np.full(n, np.nan),
            "lt_samples": np.zeros(n, dtype=np.int64),
        }
        if rows:
            idx, ordered, received = zip(*rows, strict=True)
            stats = jit_core.lead_time_stats(
                np.array(ordered, dtype="datetime64[s]"),
                np.array(received, dtype="datetime64[s]"),
                np.array(idx, dtype=np.int64),
            )
            out["lt_mean"][stats.keys] = stats.mean
            out["lt_sigma"][stats.keys] = stats.sigma
            out["lt_p90"][stats.keys] = stats.p90
            out["lt_samples"][stats.keys] = stats.count
        return out

    def _sla_fetch_latency(self, keys):
        """Confirmation family: mean hours from the last 'sent' event before
        an order's first 'confirmed' event to that event, for the orders
        confirmed in each key's period (orders never sent are left out)."""
        self.env.cr.execute(
            SQL(
                """
                WITH k AS (%(keys)s),
                conf AS (
                    SELECT DISTINCT ON (e.order_id) e.order_id, e.date
                      FROM jit_purchase_event e
                     WHERE e.event_type = 'confirmed' AND e.date >= %(since)s
                     ORDER BY e.order_id, e.date, e.id
                )
                SELECT k.idx, COUNT(*),
                       AVG(EXTRACT(EPOCH FROM c.date - s.sent) / 3600.0)
                  FROM conf c
                  JOIN purchase_order po ON po.id = c.order_id
                  JOIN res_partner rp ON rp.id = po.partner_id
                  JOIN k ON k.partner_id = %(vendor)s
                        AND k.company_id = po.company_id
                        AND c.date::date BETWEEN k.pstart AND k.pend
                  JOIN LATERAL (
                        SELECT MAX(e.date) AS sent
                          FROM jit_purchase_event e
                         WHERE e.order_id = c.order_id
                           AND e.event_type = 'sent'
                           AND e.date <= c.date
                  ) s ON s.sent IS NOT NULL
                 GROUP BY k.idx
                """,
                keys=self._sla_keys_cte(keys),
                vendor=self.env["res.partner"]._jit_vendor_sql("rp"),
                since=keys["start"].min().item() if len(keys["start"]) else None,
            )
        )
        n = len(keys["partner"])
        count = np.zeros(n, dtype=np.int64)
        latency = np.full(n, np.nan)
        for idx, confirmations, hours in self.env.cr.fetchall():
            count[idx] = confirmations
            latency[idx] = float(hours)
        return {"confirmations": count, "latency": latency}

    def _sla_previous_standing(self, keys, n_contracts):
        """Standing of each contract's latest scored period before its last
        complete period ('' when there is none)."""
        self.env.cr.execute(
            SQL(
                """
                WITH k AS (%(keys)s)
                SELECT DISTINCT ON (k.idx) k.idx, s.standing
                  FROM k
                  JOIN jit_sla_score s ON s.partner_id = k.partner_id
                                      AND s.company_id = k.company_id
                                      AND s.period_start < k.pstart
                 WHERE k.idx < %(n)s AND s.standing IS NOT NULL
                 ORDER BY k.idx, s.period_start DESC
                """,
                keys=self._sla_keys_cte(keys),
                n=n_contracts,
            )
        )
        previous = np.full(n_contracts, "", dtype="<U7")
        for idx, standing in self.env.cr.fetchall():
            previous[idx] = standing
        return previous

    def _sla_stored(self, keys):
        """Standing and notified standing stored for each key's period by an
        earlier run ('' when the period has no row yet)."""
        self.env.cr.execute(
            SQL(
                """
                WITH k AS (%(keys)s)
                SELECT k.idx, s.standing, s.notified_standing
                  FROM k
                  JOIN jit_sla_score s ON s.partner_id = k.partner_id
                                      AND s.company_id = k.company_id
                                      AND s.period_start = k.pstart
                """,
                keys=self._sla_keys_cte(keys),
            )
        )
        n = len(keys["partner"])
        stored = np.full(n, "", dtype="<U7")
        notified = np.full(n, "", dtype="<U7")
        for idx, standing, notified_standing in self.env.cr.fetchall():
            stored[idx] = standing or ""
            notified[idx] = notified_standing or ""
        return stored, notified

    def _sla_compute(self, contracts, today):
        """Score the last complete and the current period of the contracts:
        one query per metric family for all of them, arithmetic in jit_core,
        one upsert, then the vendors' standing and the breach notifications."""
        contracts = contracts.filtered("active")
        if not contracts:
            return self.browse()
        n = len(contracts)
        keys = self._sla_periods(contracts, today)
        due = self._sla_fetch_due(keys, today)
        lead = self._sla_fetch_lead_times(keys, today)
        conf = self._sla_fetch_latency(keys)

        with np.errstate(divide="ignore", invalid="ignore"):
            on_time = np.where(
                due["qty_due"] > 0, due["qty_on_time"] / due["qty_due"], np.nan
            )
            fill = np.where(
                due["qty_ordered"] > 0,
                due["qty_received"] / due["qty_ordered"],
                np.nan,
            )
            accuracy = np.where(
                due["lines_due"] > 0,
                due["lines_accurate"] / due["lines_due"],
                np.nan,
            )
        # Rounding in SQL sums may push a rate a hair above 1.
        on_time, fill, accuracy = (
            np.clip(a, 0.0, 1.0) for a in (on_time, fill, accuracy)
        )
        weights = np.array(
            [[c[f] for f in WEIGHT_FIELDS] for c in contracts], dtype=float
        )
        targets = np.array(
            [[c.target_on_time_rate, c.target_fill_rate] for c in contracts]
        )
        active = due["active"]
        score = np.full(2 * n, np.nan)
        if active.any():
            sel = np.flatnonzero(active)
            contract_pos = sel % n
            score[sel] = jit_core.sla_score(
                on_time[sel],
                fill[sel],
                conf["latency"][sel],
                np.array(contracts.mapped("max_confirmation_hours"))[contract_pos],
                accuracy[sel],
                lead["lt_sigma"][sel],
                keys["tol"][sel].astype(float),
                weights[contract_pos],
                target_on_time=targets[contract_pos, 0],
                target_fill=targets[contract_pos, 1],
            )
            # Only unmeasured components carry weight (e.g. only latency
            # weighs and nothing was confirmed): nothing to score.
            active = active & ~np.isnan(score)

        # Hysteresis: last complete period from the stored history, then the
        # current period from the last complete one (if it was scored). The
        # running period moves the standing only with enough lines due in it
        # (the contract's minimum); otherwise it carries the standing over.
        # `counts`: the rows whose standing is judged on their own score.
        counts = active.copy()
        counts[n:] &= due["lines_due"][n:] >= np.array(
            contracts.mapped("min_partial_lines"), dtype=np.int64
        )
        older = self._sla_previous_standing(keys, n)
        thresholds = {
            "good_above": self._sla_good_above,
            "blocked_below": self._sla_blocked_below,
            "margin": self._sla_margin,
        }
        prev_active, cur_active = active[:n], active[n:]
        previous = np.full(2 * n, "", dtype="<U7")
        standing = np.full(2 * n, "", dtype="<U7")
        previous[:n] = older
        standing[:n] = np.where(
            prev_active,
            jit_core.standing(older, np.nan_to_num(score[:n]), **thresholds),
            "",
        )
        previous[n:] = np.where(prev_active, standing[:n], older)
        standing[n:] = np.where(
            counts[n:],
            jit_core.standing(previous[n:], np.nan_to_num(score[n:]), **thresholds),
            np.where(cur_active, previous[n:], ""),
        )
        # A drop: below the previous period's standing, or below the standing
        # this period had at the last run (the running period got worse).
        # Notified once per period, again only if it drops further.
        stored, notified = self._sla_stored(keys)
        dropped = np.zeros(2 * n, dtype=bool)
        notify_drop = np.zeros(2 * n, dtype=bool)
        drop_from = previous.copy()
        if counts.any():
            dropped[counts] = jit_core.standing_dropped(
                previous[counts], standing[counts]
            )
            was = np.flatnonzero(counts & (stored != ""))
            worse = jit_core.standing_dropped(stored[was], standing[was])
            dropped[was[worse]] = True
            drop_from[was[worse]] = stored[was[worse]]
            seen = dropped & (notified != "")
            notify_drop = dropped & (notified == "")
            notify_drop[seen] = jit_core.standing_dropped(
                notified[seen], standing[seen]
            )
        late = np.array([bool(lines) for lines in due["late_lines"]], dtype=bool)

        figures = {
            "lines_due": due["lines_due"],
            "lines_accurate": due["lines_accurate"],
            "qty_due": due["qty_due"],
            "qty_on_time": due["qty_on_time"],
            "qty_ordered": due["qty_ordered"],
            "qty_received": due["qty_received"],
            "on_time_rate": on_time,
            "fill_rate": fill,
            "promise_accuracy": accuracy,
            "lt_samples": lead["lt_samples"],
            "lt_mean": lead["lt_mean"],
            "lt_sigma": lead["lt_sigma"],
            "lt_p90": lead["lt_p90"],
            "confirmations": conf["confirmations"],
            "confirmation_latency_hours": conf["latency"],
            "score": score,
            "standing": standing,
            "previous_standing": previous,
            "breach": dropped | late | (notified != ""),
        }
        rows = self._sla_upsert(keys, active, figures)
        self._sla_drop_inactive(keys, ~active)
        self._sla_update_vendors(keys, counts, score, standing, n)
        self._sla_notify(
            rows, keys, notify_drop, drop_from, due["late_lines"], contracts
        )
        return self.browse(list(rows.values()))

    def _sla_upsert(self, keys, active, figures):
        """Insert or update the rows of the active keys in one statement;
        returns {key index: row id}."""
        sel = np.flatnonzero(active)
        if not sel.size:
            return {}
        sql_types = {
            "lines_due": "int4",
            "lines_accurate": "int4",
            "lt_samples": "int4",
            "confirmations": "int4",
            "standing": "varchar",
            "previous_standing": "varchar",
            "breach": "bool",
        }
        cols = {
            "idx": ("int4", sel),
            "contract_id": ("int4", keys["contract"][sel]),
            "partner_id": ("int4", keys["partner"][sel]),
            "company_id": ("int4", keys["company"][sel]),
            "period": ("varchar", keys["period"][sel]),
            "period_start": ("date", keys["start"][sel]),
            "period_end": ("date", keys["end"][sel]),
        }
        for name, values in figures.items():
            cols[name] = (sql_types.get(name, "float8"), values[sel])
        names = [c for c in cols if c != "idx"]
        now = fields.Datetime.now()
        self.env.flush_all()
        self.env.cr.execute(
            SQL(
                """
                INSERT INTO jit_sla_score AS s
                       (create_uid, create_date, write_uid, write_date,
                        is_latest, %(names)s)
                SELECT %(uid)s, %(now)s, %(uid)s, %(now)s, FALSE, %(names)s
                  FROM unnest(%(arrays)s) AS v(%(all_names)s)
                    ON CONFLICT (partner_id, company_id, period_start)
                    DO UPDATE SET write_uid = EXCLUDED.write_uid,
                                  write_date = EXCLUDED.write_date,
                                  %(assignments)s
                RETURNING s.id, s.partner_id, s.company_id,
                          s.period_start
                """,
                names=SQL(", ").join(SQL.identifier(c) for c in names),
                all_names=SQL(", ").join(SQL.identifier(c) for c in cols),
                uid=self.env.uid,
                now=now,
                arrays=SQL(", ").join(
                    SQL("%s::" + typ + "[]", self._sla_sql_list(values))
                    for typ, values in cols.values()
                ),
                assignments=SQL(", ").join(
                    SQL("%s = EXCLUDED.%s", SQL.identifier(c), SQL.identifier(c))
                    for c in names
                    if c not in ("partner_id", "company_id", "period_start")
                ),
            )
        )
        # (vendor, company, period start) is unique among the keys: one
        # active contract per vendor and company, periods do not overlap.
        index = {
            (
                int(keys["partner"][i]),
                int(keys["company"][i]),
                keys["start"][i].item(),
            ): i
            for i in sel
        }
        rows = {
            index[partner, company, start]: row_id
            for row_id, partner, company, start in self.env.cr.fetchall()
        }
        self._sla_mark_latest(keys["partner"][sel], keys["company"][sel])
        self.invalidate_model()
        return rows

    def _sla_mark_latest(self, partners, companies):
        """Flag each vendor's most recent period per company."""
        self.env.cr.execute(
            SQL(
                """
                WITH v AS (
                    SELECT DISTINCT partner_id, company_id
                      FROM unnest(%s::int[], %s::int[]) AS v(partner_id, company_id)
                ), latest AS (
                    SELECT DISTINCT ON (s.partner_id, s.company_id) s.id
                      FROM jit_sla_score s
                      JOIN v USING (partner_id, company_id)
                     ORDER BY s.partner_id, s.company_id, s.period_start DESC
                )
                UPDATE jit_sla_score s
                   SET is_latest = s.id IN (SELECT id FROM latest)
                  FROM v
                 WHERE s.partner_id = v.partner_id AND s.company_id = v.company_id
                   AND s.is_latest IS DISTINCT FROM (s.id IN (SELECT id FROM latest))
                """,
                [int(p) for p in partners],
                [int(c) for c in companies],
            )
        )

    def _sla_drop_inactive(self, keys, inactive):
        """A period that no longer has anything due is not scored: remove a
        row an earlier run may have written for it."""
        sel = np.flatnonzero(inactive)
        if not sel.size:
            return
        self.env.flush_all()
        self.env.cr.execute(
            SQL(
                """
                DELETE FROM jit_sla_score s
                 USING unnest(%s::int[], %s::int[], %s::date[])
                       AS v(partner_id, company_id, period_start)
                 WHERE s.partner_id = v.partner_id
                   AND s.company_id = v.company_id
                   AND s.period_start = v.period_start
                RETURNING s.partner_id, s.company_id
                """,
                [int(p) for p in keys["partner"][sel]],
                [int(c) for c in keys["company"][sel]],
                self._sla_sql_list(keys["start"][sel]),
            )
        )
        removed = self.env.cr.fetchall()
        if removed:
            partners, companies = zip(*removed, strict=True)
            self._sla_mark_latest(partners, companies)
        self.invalidate_model()

    def _sla_update_vendors(self, keys, active, score, standing, n):
        """Each vendor's score and standing (company-dependent) from its most
        recent period that counts (`active`: scored, and for the running period
        with enough lines due); vendors with nothing scored keep theirs."""
        pick = np.where(active[n:], np.arange(n, 2 * n), np.arange(n))
        pick = pick[active[pick]]
        if not pick.size:
            return
        partner_ids = [int(p) for p in keys["partner"][pick]]
        # Company-dependent fields are jsonb {company id: value}: one UPDATE
        # sets each vendor's value for its company.
        self.env.flush_all()
        self.env.cr.execute(
            SQL(
                """
                UPDATE res_partner p
                   SET jit_sla_score = COALESCE(p.jit_sla_score, '{}'::jsonb)
                           || jsonb_build_object(v.company_id::text, v.score),
                       jit_sla_standing = COALESCE(p.jit_sla_standing, '{}'::jsonb)
                           || jsonb_build_object(v.company_id::text, v.standing)
                  FROM unnest(%s::int[], %s::int[], %s::float8[], %s::varchar[])
                       AS v(id, company_id, score, standing)
                 WHERE p.id = v.id
                """,
                partner_ids,
                [int(c) for c in keys["company"][pick]],
                [round(float(s), 1) for s in score[pick]],
                [str(s) for s in standing[pick]],
            )
        )
        partners = self.env["res.partner"].browse(partner_ids)
        partners.invalidate_recordset(["jit_sla_score", "jit_sla_standing"])
        partners.modified(["jit_sla_score", "jit_sla_standing"])

    def _sla_buyers(self, partner_ids, company_ids):
        """Buyer of each vendor's latest purchase order in the company."""
        self.env.cr.execute(
            SQL(
                """
                SELECT DISTINCT ON (v.partner_id, v.company_id)
                       v.partner_id, v.company_id, po.user_id
                  FROM unnest(%(partner_ids)s::int[], %(company_ids)s::int[])
                       AS v(partner_id, company_id)
                  JOIN res_partner rp ON %(vendor)s = v.partner_id
                  JOIN purchase_order po ON po.partner_id = rp.id
                                        AND po.company_id = v.company_id
                  JOIN res_users u ON u.id = po.user_id AND u.active
                 ORDER BY v.partner_id, v.company_id, po.date_order DESC, po.id DESC
                """,
                partner_ids=partner_ids,
                company_ids=company_ids,
                vendor=self.env["res.partner"]._jit_vendor_sql("rp"),
            )
        )
        return {(p, c): u for p, c, u in self.env.cr.fetchall()}

    def _sla_notify(self, rows, keys, notify_drop, drop_from, late_lines, contracts):
        """One message on the vendor's chatter and one activity for the buyer
        per breach not notified yet: a standing drop (`notify_drop`, from the
        standing `drop_from`) and the lines newly found late beyond tolerance,
        together when both happen."""
        if not rows:
            return
        ids = list(rows.values())
        self.env.cr.execute(
            SQL(
                "SELECT score_id, line_id FROM jit_sla_score_late_line_rel"
                " WHERE score_id = ANY(%s)",
                ids,
            )
        )
        notified = {}
        for score_id, line_id in self.env.cr.fetchall():
            notified.setdefault(score_id, set()).add(line_id)
        todo = []  # (key index, row id, standing dropped, new late line ids)
        for idx, row_id in rows.items():
            new_drop = bool(notify_drop[idx])
            new_late = sorted(set(late_lines[idx]) - notified.get(row_id, set()))
            if new_drop or new_late:
                todo.append((idx, row_id, new_drop, new_late))
        if not todo:
            return
        buyers = self._sla_buyers(
            [int(keys["partner"][t[0]]) for t in todo],
            [int(keys["company"][t[0]]) for t in todo],
        )
        contract_by_id = {c.id: c for c in contracts}
        Line = self.env["purchase.order.line"]
        rows_by_id = self.browse([t[1] for t in todo])
        for idx, row_id, new_drop, new_late in todo:
            row = rows_by_id.browse(row_id)
            partner = row.partner_id.with_company(row.company_id)
            contract = contract_by_id[int(keys["contract"][idx])]
            buyer = buyers.get((partner.id, row.company_id.id)) or contract.user_id.id
            body, summary = self._sla_breach_message(
                row, new_drop, str(drop_from[idx]), Line.browse(new_late)
            )
            partner.message_post(body=body, subtype_xmlid="mail.mt_note")
            if buyer:
                partner.activity_schedule(
                    "mail.mail_activity_data_todo",
                    summary=summary,
                    note=body,
                    user_id=buyer,
                )
        drops = self.browse([t[1] for t in todo if t[2]])  # one write per standing
        for standing in set(drops.mapped("standing")):
            drops.filtered(lambda r, s=standing: r.standing == s).write(
                {"notified_standing": standing}
            )
        pairs = [(t[1], line) for t in todo for line in t[3]]
        if pairs:
            self.env.cr.execute(
                SQL(
                    """
                    INSERT INTO jit_sla_score_late_line_rel (score_id, line_id)
                    SELECT * FROM unnest(%s::int[], %s::int[])
                    ON CONFLICT DO NOTHING
                    """,
                    [p[0] for p in pairs],
                    [p[1] for p in pairs],
                )
            )
            self.browse([p[0] for p in pairs]).invalidate_recordset(["late_line_ids"])

    def _sla_breach_message(self, row, dropped, dropped_from, late_lines):
        """(HTML body, activity summary) of a breach notification; the vendor
        `dropped` from standing `dropped_from` ('' for a new vendor)."""
        labels = dict(self._fields["standing"]._description_selection(self.env))
        parts = []
        period = self.env._(
            "%(start)s to %(end)s", start=row.period_start, end=row.period_end
        )
        if dropped:
            parts.append(
                self.env._(
                    "SLA standing dropped from %(old)s to %(new)s (score %(score)s) "
                    "for the period %(period)s.",
                    old=labels.get(dropped_from) or self.env._("no standing"),
                    new=labels.get(row.standing, row.standing),
                    score=f"{row.score:.1f}",
                    period=period,
                )
            )
        if late_lines:
            tolerance = row.contract_id.lt_tolerance_days
            parts.append(
                self.env._(
                    "Not received within %(days)s day(s) of the promised date: "
                    "%(lines)s.",
                    days=tolerance,
                    lines=", ".join(
                        f"{line.order_id.name} / {line.product_id.display_name}"
                        for line in late_lines
                    ),
                )
            )
        body = Markup("<br/>").join(escape(p) for p in parts)
        summary = (
            self.env._("SLA standing dropped")
            if dropped
            else self.env._("SLA breach: late receipt")
        )
        return body, summary

    @staticmethod
    def _sla_sql_list(values):
        array = np.asarray(values)
        if array.dtype.kind == "M":
            return [d.item() for d in array.astype("datetime64[D]")]
        if array.dtype.kind == "f":
            return [None if math.isnan(v) else float(v) for v in array]
        if array.dtype.kind in "iu":
            return [int(v) for v in array]
        if array.dtype.kind == "b":
            return [bool(v) for v in array]
        return [None if v in (None, "") else str(v) for v in array]

    # ------------------------------------------------------------------
    # measured lead times
    # ------------------------------------------------------------------
    @api.model
    def _compute_measured_lead_times(self):
        """Measure each vendor price line's lead time on the receipts of the
        window (the vendor's active contract's, else _lt_window_days):
        confirmation (date_approve) to the done receipt, in days, for the
        line's vendor (or its contacts), product (or template variants) and
        company. One query, one jit_core call, one UPDATE; a line measured
        before that has no receipt in its window any more is reset (back to
        its stated delay).

        With the system parameter jit_replenishment.lt_writeback set, the
        measured mean (rounded up to whole days) becomes the price line's
        delay once at least _lt_writeback_min_samples receipts are measured.
        """
        now = fields.Datetime.now()
        Partner = self.env["res.partner"]
        self.env.flush_all()
        self.env.cr.execute(
            SQL(
                """
                SELECT si.id, po.date_approve, m.date
                  FROM stock_move m
                  JOIN stock_location sl ON sl.id = m.location_id
                  JOIN purchase_order_line l ON l.id = m.purchase_line_id
                  JOIN purchase_order po ON po.id = l.order_id
                  JOIN res_partner rp ON rp.id = po.partner_id
                  JOIN product_product pp ON pp.id = m.product_id
                  JOIN res_partner sp ON %(sp_vendor)s = %(rp_vendor)s
                  LEFT JOIN jit_sla_contract c
                         ON c.partner_id = %(rp_vendor)s
                        AND c.company_id = po.company_id
                        AND c.active
                  JOIN product_supplierinfo si
                    ON si.partner_id = sp.id
                   AND (si.product_id = pp.id
                        OR (si.product_id IS NULL
                            AND si.product_tmpl_id = pp.product_tmpl_id))
                   AND (si.company_id IS NULL OR si.company_id = po.company_id)
                 WHERE m.state = 'done'
                   AND sl.usage = 'supplier'
                   AND po.state IN ('purchase', 'done')
                   AND po.date_approve IS NOT NULL
                   AND m.date >= po.date_approve
                   AND m.date >= %(now)s - make_interval(
                           days => COALESCE(c.lt_window_days, %(window)s))
                """,
                now=now,
                window=self._lt_window_days,
                sp_vendor=Partner._jit_vendor_sql("sp"),
                rp_vendor=Partner._jit_vendor_sql("rp"),
            )
        )
        rows = self.env.cr.fetchall()
        self._lt_expire([r[0] for r in rows], now)
        if not rows:
            return 0
        si_ids, ordered, received = zip(*rows, strict=True)
        stats = jit_core.lead_time_stats(
            np.array(ordered, dtype="datetime64[s]"),
            np.array(received, dtype="datetime64[s]"),
            np.array(si_ids, dtype=np.int64),
        )
        writeback = self._lt_writeback_enabled()
        self.env.cr.execute(
            SQL(
                """
                UPDATE product_supplierinfo si
                   SET jit_lt_mean = v.mean,
                       jit_lt_sigma = v.sigma,
                       jit_lt_p90 = v.p90,
                       jit_lt_samples = v.samples,
                       jit_lt_computed_at = %(now)s,
                       delay = CASE WHEN %(writeback)s AND v.samples >= %(min)s
                                    THEN CEIL(v.mean - 1e-9)::int
                                    ELSE si.delay END,
                       write_date = %(now)s,
                       write_uid = %(uid)s
                  FROM unnest(%(ids)s::int[], %(mean)s::float8[],
                              %(sigma)s::float8[], %(p90)s::float8[],
                              %(samples)s::int[]) AS v(id, mean, sigma, p90, samples)
                 WHERE si.id = v.id
                """,
                now=now,
                writeback=writeback,
                min=self._lt_writeback_min_samples,
                uid=self.env.uid,
                ids=[int(i) for i in stats.keys],
                mean=[round(float(v), 4) for v in stats.mean],
                sigma=[round(float(v), 4) for v in stats.sigma],
                p90=[round(float(v), 4) for v in stats.p90],
                samples=[int(v) for v in stats.count],
            )
        )
        infos = self.env["product.supplierinfo"].browse([int(i) for i in stats.keys])
        fnames = [
            "jit_lt_mean",
            "jit_lt_sigma",
            "jit_lt_p90",
            "jit_lt_samples",
            "jit_lt_computed_at",
            "delay",
        ]
        infos.invalidate_recordset(fnames)
        infos.modified(fnames)
        return len(stats.keys)

    @api.model
    def _lt_expire(self, measured_ids, now):
        """Reset the measured lead time of the vendor lines that have no
        receipt in their window any more: they are back to the stated delay."""
        self.env.cr.execute(
            SQL(
                """
                UPDATE product_supplierinfo
                   SET jit_lt_mean = NULL, jit_lt_sigma = NULL, jit_lt_p90 = NULL,
                       jit_lt_samples = 0, jit_lt_computed_at = %(now)s,
                       write_date = %(now)s, write_uid = %(uid)s
                 WHERE COALESCE(jit_lt_samples, 0) > 0
                   AND id <> ALL(%(ids)s::int[])
                RETURNING id
                """,
                now=now,
                uid=self.env.uid,
                ids=sorted({int(i) for i in measured_ids}),
            )
        )
        expired = self.env["product.supplierinfo"].browse(
            [r[0] for r in self.env.cr.fetchall()]
        )
        fnames = [
            "jit_lt_mean",
            "jit_lt_sigma",
            "jit_lt_p90",
            "jit_lt_samples",
            "jit_lt_computed_at",
        ]
        expired.invalidate_recordset(fnames)
        expired.modified(fnames)

    @api.model
    def _lt_writeback_enabled(self):
        value = (
            self.env["ir.config_parameter"]
            .sudo()
            .get_param(self._lt_writeback_param, "False")
        )
        return str(value).strip().lower() in ("1", "true", "yes", "on")
