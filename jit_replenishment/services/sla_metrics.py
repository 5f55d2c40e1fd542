# Copyright 2026 JIT Replenishment Suite
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""THE supplier SLA figures, measured from the purchase history.

A key is one (vendor, company, period) to score: per contract, its last
complete period (key i) and its running one (key n + i). Each metric family
is one query over all the keys (README, "SLA figures", defines them):

- due lines: confirmed lines whose promised day (the latest 'promise' event,
  else the planned date) falls in the period and before today; quantities due,
  received on time, ordered and received, promise accuracy, late lines;
- lead times: confirmation to receipt of the due lines (jit_core's filter);
- confirmation latency: last 'sent' event to the first 'confirmed' one.

The arithmetic (rates, score) is in jit_core; the standing in sla_standing.
"""

from datetime import timedelta

import numpy as np

from odoo.tools import SQL

import jit_core

from . import consumption, pg

PERIODS = [("week", "Week"), ("month", "Month")]
# Received quantities below a due quantity by less than this count as complete.
QTY_EPSILON = 1e-6


def periods(contracts, today):
    """The keys to score: per contract, the last complete period (key i) and
    the current one (key n + i), as arrays."""
    n = len(contracts)
    kinds = np.array(contracts.mapped("period") or [], dtype=object)
    cur_start, cur_end = jit_core.period_bounds(np.full(n, today), kinds)
    prev_start, prev_end = jit_core.period_bounds(
        cur_start - np.timedelta64(1, "D"), kinds
    )
    vendors = [c.partner_id._jit_vendor().id for c in contracts]
    return {
        "contract": np.tile(np.array(contracts.ids, dtype=np.int64), 2),
        "partner": np.tile(np.array(vendors, dtype=np.int64), 2),
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


def keys_cte(keys):
    """SQL for the evaluated (vendor, company, period) keys."""
    columns = {
        "idx": ("int4", np.arange(len(keys["partner"]))),
        "partner_id": ("int4", keys["partner"]),
        "company_id": ("int4", keys["company"]),
        "pstart": ("date", keys["start"]),
        "pend": ("date", keys["end"]),
        "tol": ("int4", keys["tol"]),
    }
    return SQL("SELECT * FROM %s", pg.unnest_rows(columns, alias="k"))


def due_lines_cte(env, keys, today, order_window_days):
    """Lines due in each key's period: confirmed purchase lines of the
    vendor whose promised day (latest 'promise' event, else the planned
    date) falls in the period and before today, of orders confirmed at
    most `order_window_days` before the earliest period. Quantities are in
    the product's unit; a promised quantity in the line's unit."""
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
                       * %(qty)s AS qty
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
        keys=keys_cte(keys),
        vendor=pg.vendor_sql("rp"),
        qty=consumption.quantity_sql("m", "mu", "pu"),
        today=today,
        since=keys["start"].min().item() - timedelta(days=order_window_days),
    )


def fetch_due(env, keys, today, order_window_days):
    """Due-line family: quantities due / on time / ordered / received,
    promise accuracy counts and the lines late beyond tolerance."""
    env.cr.execute(
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
            cte=due_lines_cte(env, keys, today, order_window_days),
            today=today,
            eps=QTY_EPSILON,
        )
    )
    n = len(keys["partner"])
    counts = ("lines_due", "lines_accurate")
    sums = ("qty_due", "qty_on_time", "qty_ordered", "qty_received")
    out = {name: np.zeros(n, dtype=np.int64) for name in counts}
    out.update({name: np.zeros(n) for name in sums})
    out["active"] = np.zeros(n, dtype=bool)
    out["late_lines"] = [[] for _ in range(n)]
    for idx, *values, late in env.cr.fetchall():
        out["active"][idx] = True
        for name, value in zip(counts + sums, values, strict=True):
            out[name][idx] = value
        out["late_lines"][idx] = list(late)
    return out


def fetch_lead_times(env, keys, today, order_window_days):
    """Lead-time family: confirmation -> receipt of the due lines, in days
    per key (mean, sigma, p90 after the outlier filter of jit_core)."""
    env.cr.execute(
        SQL(
            """
            %(cte)s
            SELECT d.idx, d.date_approve, r.date
              FROM due d
              JOIN rec r ON r.line_id = d.line_id
             WHERE d.date_approve IS NOT NULL AND r.date >= d.date_approve
               AND r.qty > 0
            """,
            cte=due_lines_cte(env, keys, today, order_window_days),
        )
    )
    rows = env.cr.fetchall()
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


def fetch_latency(env, keys):
    """Confirmation family: mean hours from the last 'sent' event before
    an order's first 'confirmed' event to that event, for the orders
    confirmed in each key's period (orders never sent are left out)."""
    env.cr.execute(
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
            keys=keys_cte(keys),
            vendor=pg.vendor_sql("rp"),
            since=keys["start"].min().item() if len(keys["start"]) else None,
        )
    )
    n = len(keys["partner"])
    count = np.zeros(n, dtype=np.int64)
    latency = np.full(n, np.nan)
    for idx, confirmations, hours in env.cr.fetchall():
        count[idx] = confirmations
        latency[idx] = float(hours)
    return {"confirmations": count, "latency": latency}


def rates(due):
    """On-time rate, fill rate and promise accuracy of each key (NaN where
    nothing was due), clipped to [0, 1]: rounding in SQL sums may push a
    rate a hair above 1."""
    with np.errstate(divide="ignore", invalid="ignore"):
        on_time = np.where(
            due["qty_due"] > 0, due["qty_on_time"] / due["qty_due"], np.nan
        )
        fill = np.where(
            due["qty_ordered"] > 0, due["qty_received"] / due["qty_ordered"], np.nan
        )
        accuracy = np.where(
            due["lines_due"] > 0, due["lines_accurate"] / due["lines_due"], np.nan
        )
    return tuple(np.clip(a, 0.0, 1.0) for a in (on_time, fill, accuracy))
