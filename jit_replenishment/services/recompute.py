# Copyright 2026 JIT Replenishment Suite
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""The recompute job: runs, batches, savepoints and bisection, progress, and
the computation of one batch (inputs → jit_core → states → write-back).

Every step of a batch goes through the orderpoint model's overridable entry
points (`_jit_read_rules`, `_jit_done_moves`, `_jit_lead_times`, ...), which
delegate to the services: inputs.py, consumption.py, lead_times.py,
approvals.py, write_back.py."""

import numpy as np

from odoo import fields
from odoo.tools import SQL

import jit_core

from . import feedback, ledger, pg


def cron(Orderpoint, batch_size):
    """Nightly recompute, one batch per call, resumable (see
    stock.warehouse.orderpoint._cron_jit_recompute). Returns the number of
    rules left (an estimate; 0 exactly when none)."""
    Run = Orderpoint.env["jit.run"].sudo()
    Run._fail_stale_runs()
    runs = Run.search([("origin", "=", "cron"), ("state", "=", "running")])
    if not runs:
        companies = Orderpoint._read_group(
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
        todo = Orderpoint.search(run._todo_domain(), limit=wanted + 1, order="id")
        batch = todo[:wanted]
        if batch:
            batch._jit_compute_guarded(run)
            run.write(
                {"last_rule_id": batch[-1].id, "rule_done": run.rule_done + len(batch)}
            )
            done += len(batch)
        if len(todo) > wanted:
            more = True
            break
        run._close()
    # The count of rules left is an estimate (rules may be enabled or
    # disabled during the run); only "none left" must be exact.
    remaining = 0
    if not more:
        ledger.prune_if_stale(Orderpoint.env, sum(runs.mapped("rule_total")))
    if more:
        left = sum(r.rule_total - r.rule_done for r in runs if r.state == "running")
        remaining = max(left, 1)
    Orderpoint.env["ir.cron"]._notify_progress(done=done, remaining=remaining)
    return remaining


def recompute(ops, origin, batch_size):
    """Recompute `ops` now, in batches; returns the runs (one per company).
    Runs and their lines are system records: created with sudo, whoever asks
    for the recompute (a JIT user may recompute, not edit runs)."""
    Run = ops.env["jit.run"].sudo()
    runs = Run
    for company in ops.company_id:
        rules = ops.filtered(lambda op, c=company: op.company_id == c)
        run = Run.create({"origin": origin, "company_id": company.id})
        for start in range(0, len(rules), batch_size):
            rules[start : start + batch_size]._jit_compute_guarded(run)
        run._close()
        runs |= run
    return runs


def compute_guarded(ops, run, logger=None):
    """Compute a batch inside a savepoint; failing rules are isolated by
    bisection (pg.bisect_savepoint), their error logged on each of them; the
    results of all others are kept."""
    pg.bisect_savepoint(
        ops.env,
        ops,
        lambda batch: batch._jit_compute(run),
        lambda op, exc: op._jit_mark_failed(run, exc),
        label="rule",
        logger=logger,
    )


def mark_failed(ops, run, exc):
    """Write the error on the rules and their run lines (state failed)."""
    message = f"{type(exc).__name__}: {exc}"[:500]
    ops.write(
        {
            "jit_state": "failed",
            "jit_message": message,
            "jit_last_computed": fields.Datetime.now(),
        }
    )
    ops.env["jit.run.line"].sudo().create(
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
            for op in ops
        ]
    )


def compute(ops, run):
    """Compute min/max of the JIT rules `ops` (all of run's company): SQL
    in, jit_core arithmetic, one bulk write out, then approvals."""
    if not ops:
        return
    ops.flush_model()
    # PostgreSQL's JIT compiler spends ~20 ms per batch compiling queries
    # that run in a few (the ledger's catch-up probes); this transaction only.
    ops.env.cr.execute(SQL("SET LOCAL jit = off"))
    now = fields.Datetime.now()
    rules = ops._jit_read_rules()
    profiles = ops._jit_resolve_profiles(rules)
    window = int(max(p.window_days for p in profiles.values()))
    # Stock-outs need every move across the rule's location tree, up to
    # now (today's moves too: stock is rebuilt back from today's quants).
    need_stockout = any(p.exclude_stockout_days for p in profiles.values())
    days = ops._jit_window(run.company_id, now, window, tail=need_stockout)
    entries = ops._jit_consumption_entries(rules, days)
    lead = ops._jit_lead_times(rules, now.date(), run)
    windows = {pid: p.window_days for pid, p in profiles.items()}
    rule_window = np.array(
        [windows[p] for p in rules["profile_id"].tolist()], dtype=np.int64
    )
    buckets, booked = ops._jit_consumption(
        rules, days, entries, lead["lead_time"], window - rule_window
    )
    stockout = None
    if need_stockout:
        moves = ops._jit_done_moves(rules, days, consuming_only=False)
        stockout = ops._jit_stockout_mask(rules, days, moves)
    out, seeds = levels(ops, rules, profiles, buckets, stockout, lead, booked, days)
    state, message = states(ops, rules, profiles, out, seeds, lead, now.date())
    ops._jit_write_back(
        run,
        rules,
        results(rules, out, lead, booked, state, message),
        {
            "old_min_qty": ("float8", rules["min"]),
            "old_max_qty": ("float8", rules["max"]),
            "z": ("float8", out["z"]),
        },
        now,
    )
    waiting = state == "waiting"
    newly_waiting = waiting & (rules["state"] != "waiting")
    if newly_waiting.any():
        ops.browse(rules["id"][newly_waiting].tolist())._jit_request_approval(run)
    settled = ~waiting & (rules["approval_run_id"] > 0)
    if settled.any():
        ops.browse(rules["id"][settled].tolist())._jit_settle_approvals(
            ops.env._("Settled by the recompute")
        )


def profile_rows(rules, profiles, buckets, stockout):
    """Each rule's profile parameters as per-row arrays (one assignment per
    profile), the days its minimum asks for, whether its window holds
    consumption, and the stock-out days its profile leaves out."""
    n = len(rules["id"])
    names = ("window_days", "spike_factor", "spike_cap", "service_level")
    names += ("review_period_days", "min_usable_days", "approval_threshold")
    row = {name: np.zeros(n) for name in names}
    row["min_clamp"], row["max_clamp"] = np.full(n, np.nan), np.full(n, np.nan)
    row["consumed"] = np.zeros(n, dtype=bool)
    excluded = np.zeros(n, dtype=bool)
    for profile_id, profile in profiles.items():
        idx = np.flatnonzero(rules["profile_id"] == profile_id)
        for name in names:
            row[name][idx] = profile[name]
        row["min_clamp"][idx] = profile.min_clamp or np.nan
        row["max_clamp"][idx] = profile.max_clamp or np.nan
        row["consumed"][idx] = buckets[idx, -profile.window_days :].sum(axis=1) > 0
        excluded[idx] = profile.exclude_stockout_days
    row["window_days"] = row["window_days"].astype(np.int64)
    row["minimum"] = np.minimum(row["min_usable_days"], row["window_days"])
    row["stockout"] = None if stockout is None else stockout & excluded[:, None]
    return row


def levels(ops, rules, profiles, buckets, stockout, lead, booked, days):
    """ADU, σ, spikes, usable days, seeds, safety stock, min, max and z per
    rule: the one nightly sequence of jit_core (recompute_levels) over the
    batch, each rule under its profile. Rules without enough history (or
    without any consumption) take a seed ADU where one exists (one query for
    the batch, _jit_seeds). Returns (out, seeds)."""
    row = profile_rows(rules, profiles, buckets, stockout)
    found = {}

    def seed(usable):
        wanted = (usable < row["minimum"]) | ~row["consumed"]
        found.update(ops._jit_seeds(rules, wanted, days["bounds"][0]))
        return found["adu"]

    result = jit_core.recompute_levels(
        buckets,
        lead_time=lead["lead_time"],
        lead_time_sigma=lead["sigma"],
        service_level=row["service_level"],
        review_period_days=row["review_period_days"],
        window_days=row["window_days"],
        spike_factor=row["spike_factor"],
        spike_cap=row["spike_cap"],
        stockout_mask=row["stockout"],
        moq=lead["moq"],
        multiple=rules["qty_multiple"],
        min_clamp=row["min_clamp"],
        max_clamp=row["max_clamp"],
        booked_share=booked,
        rounding=rules["uom_rounding"],
        seed=seed,
    )
    out = {
        "adu": result.adu,
        "sigma": result.sigma,
        "spikes": result.spikes,
        "usable": result.days_counted,
        "minimum": row["minimum"].astype(np.int64),
        "consumed": row["consumed"],
        "threshold": row["approval_threshold"],
        "enough": result.days_counted >= row["minimum"],
        "seeded": result.seeded,
        "ss": result.safety_stock,
        "min": result.min_qty,
        "max": result.max_qty,
        "z": result.z,
        "new_min": result.new_min,
        "new_max": result.new_max,
    }
    return out, found


def states(ops, rules, profiles, out, seeds, lead, today):
    """The state and message of each rule: not applied without enough
    history or consumption (and no seed), or without lead time; waiting when
    a change exceeds the approval threshold; then freezes and rejections
    hold (_jit_holds)."""
    new_min, new_max = out["new_min"], out["new_max"]
    # A negative manual value (Odoo allows one) counts as 0: a first
    # computation, applied directly.
    waiting = jit_core.needs_approval(
        np.maximum(rules["min"], 0), new_min, out["threshold"]
    ) | jit_core.needs_approval(np.maximum(rules["max"], 0), new_max, out["threshold"])
    out["insufficient"] = ~out["seeded"] & ~out["enough"]
    out["no_history"] = ~out["seeded"] & out["enough"] & ~out["consumed"]
    kept = out["insufficient"] | out["no_history"]
    # A rule without lead time is not applied either: its route or vendor
    # lines need fixing (its message says which).
    no_lead_time = lead["unknown"] & ~kept
    waiting &= ~kept & ~no_lead_time
    state = np.select(
        [out["no_history"], out["insufficient"], no_lead_time, waiting],
        ["no_history", "insufficient", "no_lead_time", "waiting"],
        "applied",
    ).astype(object)
    messages = ops._jit_messages(
        rules, profiles, out, seeds, out["insufficient"], out["no_history"], lead
    )
    return ops._jit_holds(
        rules, state, messages, new_min, new_max, out["threshold"], today
    )


def results(rules, out, lead, booked, state, message):
    """The columns written on the rules (write_back.RESULT_COLUMNS)."""
    apply = state == "applied"
    return {
        "jit_profile_used_id": rules["profile_id"],
        "jit_adu": out["adu"],
        "jit_sigma": out["sigma"],
        "jit_lead_time": lead["lead_time"],
        "jit_lead_time_sigma": lead["sigma"],
        "jit_lead_time_source": lead["source"],
        "jit_safety_stock": out["ss"],
        "jit_min_qty": out["new_min"],
        "jit_max_qty": out["new_max"],
        "jit_spike_days": out["spikes"],
        "jit_usable_days": out["usable"],
        "jit_booked_share": booked,
        "jit_adu_source": np.select(
            [out["seeded"], out["no_history"]], ["seed", None], "history"
        ).astype(object),
        "jit_state": state,
        "jit_message": message,
        "product_min_qty": np.where(apply, out["new_min"], rules["min"]),
        "product_max_qty": np.where(apply, out["new_max"], rules["max"]),
    }


def notification(env, runs):
    """The notification that answers "Recompute now": rules per state."""
    return feedback.notify(
        env, env._("JIT recomputed"), feedback.run_summary(env, runs)
    )
