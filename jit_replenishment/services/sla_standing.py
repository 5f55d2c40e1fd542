# Copyright 2026 JIT Replenishment Suite
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""THE vendor's SLA score and standing (Good / Watch / Blocked).

From the figures of sla_metrics: the weighted score of each key (jit_core),
the standing with hysteresis (the last complete period from the stored
history, the running one from the last complete one, moved only with enough
lines due), the drops to notify, and the vendor's company-dependent score and
standing that the vendor choice reads.
"""

import numpy as np

from odoo.tools import SQL

import jit_core

from . import pg
from .sla_metrics import keys_cte

STANDINGS = [("good", "Good"), ("watch", "Watch"), ("blocked", "Blocked")]
WEIGHT_FIELDS = (
    "weight_on_time",
    "weight_fill",
    "weight_latency",
    "weight_promise",
    "weight_lead_time",
)


def score(contracts, keys, due, lead, conf, rates):
    """Score of each key (NaN where nothing counts) and the keys scored:
    something was due and at least one measured component weighs."""
    n = len(contracts)
    on_time, fill, accuracy = rates
    weights = np.array([[c[f] for f in WEIGHT_FIELDS] for c in contracts], dtype=float)
    targets = np.array([[c.target_on_time_rate, c.target_fill_rate] for c in contracts])
    active = due["active"]
    scores = np.full(2 * n, np.nan)
    if active.any():
        sel = np.flatnonzero(active)
        pos = sel % n
        scores[sel] = jit_core.sla_score(
            on_time[sel],
            fill[sel],
            conf["latency"][sel],
            np.array(contracts.mapped("max_confirmation_hours"))[pos],
            accuracy[sel],
            lead["lt_sigma"][sel],
            keys["tol"][sel].astype(float),
            weights[pos],
            target_on_time=targets[pos, 0],
            target_fill=targets[pos, 1],
        )
        # Only unmeasured components carry weight (e.g. only latency
        # weighs and nothing was confirmed): nothing to score.
        active = active & ~np.isnan(scores)
    return scores, active


def standings(Score, contracts, keys, active, lines_due, scores):
    """Hysteresis: the last complete period from the stored history, then the
    current period from the last complete one (if it was scored). The running
    period moves the standing only with enough lines due in it (the contract's
    minimum); otherwise it carries the standing over.

    Returns (previous, standing, counts); `counts` are the keys whose standing
    is judged on their own score."""
    n = len(contracts)
    counts = active.copy()
    counts[n:] &= lines_due[n:] >= np.array(
        contracts.mapped("min_partial_lines"), dtype=np.int64
    )
    older = previous_standing(Score.env, keys, n)
    thresholds = {
        "good_above": Score._sla_good_above,
        "blocked_below": Score._sla_blocked_below,
        "margin": Score._sla_margin,
    }
    prev_active, cur_active = active[:n], active[n:]
    previous = np.full(2 * n, "", dtype="<U7")
    standing = np.full(2 * n, "", dtype="<U7")
    previous[:n] = older
    standing[:n] = np.where(
        prev_active,
        jit_core.standing(older, np.nan_to_num(scores[:n]), **thresholds),
        "",
    )
    previous[n:] = np.where(prev_active, standing[:n], older)
    standing[n:] = np.where(
        counts[n:],
        jit_core.standing(previous[n:], np.nan_to_num(scores[n:]), **thresholds),
        np.where(cur_active, previous[n:], ""),
    )
    return previous, standing, counts


def drops(env, keys, counts, previous, standing):
    """A drop: below the previous period's standing, or below the standing
    this period had at the last run (the running period got worse). Notified
    once per period, again only if it drops further.

    Returns (dropped, notify_drop, drop_from, notified)."""
    n2 = len(standing)
    stored, notified = stored_standing(env, keys)
    dropped = np.zeros(n2, dtype=bool)
    notify_drop = np.zeros(n2, dtype=bool)
    drop_from = previous.copy()
    if counts.any():
        dropped[counts] = jit_core.standing_dropped(previous[counts], standing[counts])
        was = np.flatnonzero(counts & (stored != ""))
        worse = jit_core.standing_dropped(stored[was], standing[was])
        dropped[was[worse]] = True
        drop_from[was[worse]] = stored[was[worse]]
        seen = dropped & (notified != "")
        notify_drop = dropped & (notified == "")
        notify_drop[seen] = jit_core.standing_dropped(notified[seen], standing[seen])
    return dropped, notify_drop, drop_from, notified


def previous_standing(env, keys, n_contracts):
    """Standing of each contract's latest scored period before its last
    complete period ('' when there is none)."""
    env.cr.execute(
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
            keys=keys_cte(keys),
            n=n_contracts,
        )
    )
    previous = np.full(n_contracts, "", dtype="<U7")
    for idx, standing in env.cr.fetchall():
        previous[idx] = standing
    return previous


def stored_standing(env, keys):
    """Standing and notified standing stored for each key's period by an
    earlier run ('' when the period has no row yet)."""
    env.cr.execute(
        SQL(
            """
            WITH k AS (%(keys)s)
            SELECT k.idx, s.standing, s.notified_standing
              FROM k
              JOIN jit_sla_score s ON s.partner_id = k.partner_id
                                  AND s.company_id = k.company_id
                                  AND s.period_start = k.pstart
            """,
            keys=keys_cte(keys),
        )
    )
    n = len(keys["partner"])
    stored = np.full(n, "", dtype="<U7")
    notified = np.full(n, "", dtype="<U7")
    for idx, standing, notified_standing in env.cr.fetchall():
        stored[idx] = standing or ""
        notified[idx] = notified_standing or ""
    return stored, notified


def update_vendors(env, keys, counts, scores, standing, n):
    """Each vendor's score and standing (company-dependent) from its most
    recent period that counts (scored, and for the running period with
    enough lines due); vendors with nothing scored keep theirs."""
    pick = np.where(counts[n:], np.arange(n, 2 * n), np.arange(n))
    pick = pick[counts[pick]]
    if not pick.size:
        return
    partner_ids = [int(p) for p in keys["partner"][pick]]
    # Company-dependent fields are jsonb {company id: value}: one UPDATE
    # sets each vendor's value for its company.
    env.flush_all()
    env.cr.execute(
        SQL(
            """
            UPDATE res_partner p
               SET jit_sla_score = COALESCE(p.jit_sla_score, '{}'::jsonb)
                       || jsonb_build_object(v.company_id::text, v.score),
                   jit_sla_standing = COALESCE(p.jit_sla_standing, '{}'::jsonb)
                       || jsonb_build_object(v.company_id::text, v.standing)
              FROM %s
             WHERE p.id = v.id
            """,
            pg.unnest_rows(
                {
                    "id": ("int4", partner_ids),
                    "company_id": ("int4", keys["company"][pick]),
                    "score": ("float8", [round(float(s), 1) for s in scores[pick]]),
                    "standing": ("varchar", standing[pick]),
                }
            ),
        )
    )
    partners = env["res.partner"].browse(partner_ids)
    partners.invalidate_recordset(["jit_sla_score", "jit_sla_standing"])
    partners.modified(["jit_sla_score", "jit_sla_standing"])


def reset_vendors(contracts):
    """Without an active contract a vendor has no standing and no score."""
    for contract in contracts:
        contract.partner_id._jit_vendor().with_company(
            contract.company_id
        ).sudo().write({"jit_sla_standing": False, "jit_sla_score": 0.0})
