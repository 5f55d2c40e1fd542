# Copyright 2026 JIT Replenishment Suite
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""The nightly SLA job: contracts in batches (resumable cursor, a savepoint
per batch, bisection down to the failing contract), each batch scored by
`compute`: metrics (sla_metrics), score and standing (sla_standing), rows
(sla_scores), notifications (notify); then the vendors' measured lead
times (lead_time_measure)."""

import logging

import numpy as np

from odoo import fields

from . import notify, pg, sla_metrics, sla_scores, sla_standing

_logger = logging.getLogger(__name__)


def run_cron(Score):
    """One call of the cron: the next batch of contracts after the cursor
    kept in a system parameter; ir.cron calls again while the progress API
    reports work remaining and commits in between, so a crash loses at most
    one batch. The call that finishes the contracts measures lead times and
    resets the cursor. Safe to re-run."""
    env = Score.env
    Param = env["ir.config_parameter"].sudo()
    try:
        cursor = int(Param.get_param(Score._sla_cursor_param) or 0)
    except ValueError:
        cursor = 0
    size = Score._sla_batch_size
    Contract = env["jit.sla.contract"].sudo()
    todo = Contract.search([("id", ">", cursor)], order="id", limit=size + 1)
    batch = todo[:size]
    if batch:
        compute_guarded(Score.sudo(), batch, fields.Date.today())
    if len(todo) > size:
        Param.set_param(Score._sla_cursor_param, str(batch[-1].id))
        remaining = Contract.search_count([("id", ">", batch[-1].id)])
        env["ir.cron"]._notify_progress(done=len(batch), remaining=remaining)
        return remaining
    try:
        with env.cr.savepoint():
            Score.sudo()._compute_measured_lead_times()
    except Exception as exc:  # noqa: BLE001 - logged, the SLA figures are kept
        if pg.is_concurrency_error(exc):
            raise
        env.invalidate_all()
        _logger.exception("JIT SLA: measuring vendor lead times failed")
    Param.set_param(Score._sla_cursor_param, "0")
    env["ir.cron"]._notify_progress(done=len(batch), remaining=0)
    return 0


def compute_guarded(Score, contracts, today):
    """Compute a batch in a savepoint; on failure split it until the
    failing contracts are isolated and log the error on them."""
    env = Score.env

    def failed(contract, exc):
        contract.message_post(
            body=env._(
                "The SLA computation failed: %(error)s",
                error=f"{type(exc).__name__}: {exc}"[:500],
            ),
            subtype_xmlid="mail.mt_note",
        )

    pg.bisect_savepoint(
        env,
        contracts,
        lambda batch: Score._sla_compute(batch, today),
        failed,
        label="SLA contract",
    )


def compute(Score, contracts, today):
    """Score the last complete and the current period of the contracts:
    one query per metric family for all of them, arithmetic in jit_core,
    one upsert, then the vendors' standing and the breach notifications.
    Returns the score rows written."""
    env = Score.env
    contracts = contracts.filtered("active")
    if not contracts:
        return Score.browse()
    n = len(contracts)
    window = Score._sla_order_window_days
    keys = sla_metrics.periods(contracts, today)
    due = sla_metrics.fetch_due(env, keys, today, window)
    lead = sla_metrics.fetch_lead_times(env, keys, today, window)
    conf = sla_metrics.fetch_latency(env, keys)
    rates = sla_metrics.rates(due)
    score, active = sla_standing.score(contracts, keys, due, lead, conf, rates)
    previous, standing, counts = sla_standing.standings(
        Score, contracts, keys, active, due["lines_due"], score
    )
    dropped, notify_drop, drop_from, notified = sla_standing.drops(
        env, keys, counts, previous, standing
    )
    late = np.array([bool(lines) for lines in due["late_lines"]], dtype=bool)
    figures = {
        **{name: due[name] for name in sla_scores.DUE_FIGURES},
        "on_time_rate": rates[0],
        "fill_rate": rates[1],
        "promise_accuracy": rates[2],
        **{name: lead[name] for name in sla_scores.LEAD_FIGURES},
        "confirmations": conf["confirmations"],
        "confirmation_latency_hours": conf["latency"],
        "score": score,
        "standing": standing,
        "previous_standing": previous,
        "breach": dropped | late | (notified != ""),
    }
    rows = sla_scores.upsert(Score, keys, active, figures)
    sla_scores.drop_inactive(Score, keys, ~active)
    sla_standing.update_vendors(env, keys, counts, score, standing, n)
    notify.sla_breaches(
        Score, rows, keys, notify_drop, drop_from, due["late_lines"], contracts
    )
    return Score.browse(list(rows.values()))
