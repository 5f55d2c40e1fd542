# Copyright 2026 JIT Replenishment Suite
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import api, fields, models

from ..services import lead_time_measure, notify, sla_job
from ..services.sla_metrics import PERIODS
from ..services.sla_standing import STANDINGS


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
    # entry points (the machinery is in services/)
    # ------------------------------------------------------------------
    @api.model
    def _cron_compute_sla(self):
        """Nightly: score the last complete and the current period of every
        active contract, one batch of contracts per call, then (in the call
        that finishes the contracts) measure vendor lead times. Resumable and
        safe to re-run (services/sla_job.py)."""
        return sla_job.run_cron(self)

    def _sla_compute(self, contracts, today):
        """Score the last complete and the current period of the contracts,
        update the vendors' standing, notify breaches; returns the rows."""
        return sla_job.compute(self, contracts, today)

    def _sla_breach_message(self, row, dropped, dropped_from, late_lines):
        """(HTML body, activity summary) of a breach notification."""
        return notify.sla_breach_message(row, dropped, dropped_from, late_lines)

    @api.model
    def _compute_measured_lead_times(self):
        """Measure each vendor price line's lead time on the receipts of its
        window (services/lead_time_measure.py); returns the lines measured.

        With the system parameter jit_replenishment.lt_writeback set, the
        measured mean (rounded up to whole days) becomes the price line's
        delay once at least _lt_writeback_min_samples receipts are measured.
        """
        return lead_time_measure.measure(self)

    @api.model
    def _lt_writeback_enabled(self):
        return lead_time_measure.writeback_enabled(self.env, self._lt_writeback_param)
