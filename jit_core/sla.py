"""Supplier SLA: a 0-100 score per vendor and period, a standing with hysteresis.

Everything is vectorised: one element per (vendor, period).

Score
-----
Five components, each mapped to [0, 1]:

========== ==========================================================
on_time    min(on_time_rate / target_on_time, 1)
fill       min(fill_rate / target_fill, 1)
latency    1 while latency <= max_latency, then linear down to 0 at
           twice the maximum: clip(2 - latency / max_latency, 0, 1)
promise    promise_accuracy
lead_time  lead-time stability: 1 - min(lt_sigma / lt_tolerance, 1);
           1 when lt_sigma == 0 (even with a zero tolerance)
========== ==========================================================

score = 100 * sum(w_i * c_i) / sum(w_i), over the components that were
measured. A NaN input means "not measured in this period" (no confirmation
to time, no receipt to measure): that component and its weight are left out,
the other weights are renormalised. Nothing measured (or only components of
weight 0) gives NaN.

Example (weights 0.35/0.25/0.10/0.15/0.15, targets 1): on-time 0.8, fill 1,
latency 36 h for a 24 h maximum (2 - 1.5 = 0.5), promise accuracy 0.5,
sigma 1 day for a 2-day tolerance (1 - 0.5 = 0.5):
100 * (0.35*0.8 + 0.25*1 + 0.10*0.5 + 0.15*0.5 + 0.15*0.5) / 1 = 73.

Standing
--------
Thresholds good_above (G), blocked_below (B) and a margin (M), previous
standing -> new standing for a score s:

============= ============================= ==================== =============
previous      good                          watch                blocked
============= ============================= ==================== =============
'' (new)      s >= G                        B <= s < G           s < B
good          s >= G - M                    s < G - M            never directly
watch         s >= G + M                    B <= s < G + M       s < B
blocked       never directly                s >= B + M           s < B + M
============= ============================= ==================== =============

So a good vendor keeps its standing down to G - M, a watched vendor must
reach G + M to be trusted again, and a blocked vendor comes back to watch at
B + M (and to good one period later at the earliest). A standing moves one
level at most per call: a good vendor, whatever its score, falls to watch
first (blocked one period later at the earliest). A score that moves within
[G - M, G + M) or within [B, B + M) never changes the standing.
"""

from __future__ import annotations

import numpy as np

from ._validate import as_float_array, broadcast, fail, first_bad

COMPONENTS = ("on_time", "fill", "latency", "promise", "lead_time")
STANDINGS = ("good", "watch", "blocked")
PERIODS = ("week", "month")

# Rank of a standing: higher is better; a new vendor ('') has no rank.
_RANK = {"blocked": 0, "watch": 1, "good": 2}


def _rate(name: str, value: object) -> np.ndarray:
    arr = as_float_array(name, value, ndim=1, allow_nan=True)
    fail(name, "must be in [0, 1] or NaN", arr, (arr < 0) | (arr > 1))
    return arr


def _non_negative(name: str, value: object, *, allow_nan: bool) -> np.ndarray:
    arr = as_float_array(name, value, ndim=1, allow_nan=allow_nan)
    fail(name, "must be >= 0", arr, arr < 0)
    return arr


def _target(name: str, value: object) -> np.ndarray:
    arr = as_float_array(name, value, ndim=1)
    fail(name, "must be in (0, 1]", arr, (arr <= 0) | (arr > 1))
    return arr


def sla_components(
    on_time_rate: object,
    fill_rate: object,
    latency_hours: object,
    max_latency_hours: object,
    promise_accuracy: object,
    lt_sigma: object,
    lt_tolerance: object,
    *,
    target_on_time: object = 1.0,
    target_fill: object = 1.0,
) -> np.ndarray:
    """The five components in [0, 1] (NaN: not measured), shape (..., 5).

    See the module docstring for the mapping of each component.
    """
    on_time = _rate("on_time_rate", on_time_rate)
    fill = _rate("fill_rate", fill_rate)
    promise = _rate("promise_accuracy", promise_accuracy)
    latency = _non_negative("latency_hours", latency_hours, allow_nan=True)
    max_latency = as_float_array("max_latency_hours", max_latency_hours, ndim=1)
    fail("max_latency_hours", "must be > 0", max_latency, max_latency <= 0)
    sigma = _non_negative("lt_sigma", lt_sigma, allow_nan=True)
    tolerance = _non_negative("lt_tolerance", lt_tolerance, allow_nan=False)
    t_on_time = _target("target_on_time", target_on_time)
    t_fill = _target("target_fill", target_fill)
    (
        on_time,
        fill,
        promise,
        latency,
        max_latency,
        sigma,
        tolerance,
        t_on_time,
        t_fill,
    ) = broadcast(
        on_time_rate=on_time,
        fill_rate=fill,
        promise_accuracy=promise,
        latency_hours=latency,
        max_latency_hours=max_latency,
        lt_sigma=sigma,
        lt_tolerance=tolerance,
        target_on_time=t_on_time,
        target_fill=t_fill,
    )
    # NaN propagates through minimum / clip, which is what "not measured" needs.
    # Tiny divisors overflow to inf, which the caps turn into 1 or 0.
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        c_on_time = np.minimum(on_time / t_on_time, 1.0)
        c_fill = np.minimum(fill / t_fill, 1.0)
        c_latency = np.clip(2.0 - latency / max_latency, 0.0, 1.0)
        ratio = np.where(sigma == 0, 0.0, sigma / tolerance)  # tol 0 < sigma: inf
    c_lead = np.where(np.isnan(sigma), np.nan, 1.0 - np.minimum(ratio, 1.0))
    return np.stack([c_on_time, c_fill, c_latency, promise, c_lead], axis=-1)


def sla_score(
    on_time_rate: object,
    fill_rate: object,
    latency_hours: object,
    max_latency_hours: object,
    promise_accuracy: object,
    lt_sigma: object,
    lt_tolerance: object,
    weights: object,
    *,
    target_on_time: object = 1.0,
    target_fill: object = 1.0,
) -> np.ndarray:
    """Weighted 0-100 score of the measured components (see module docstring).

    `weights` has shape (5,) (one set for all) or (n, 5) (one set per row), in
    the order of COMPONENTS; weights are >= 0 and each set sums to > 0. Rows
    where nothing with a positive weight was measured score NaN.
    """
    comp = sla_components(
        on_time_rate,
        fill_rate,
        latency_hours,
        max_latency_hours,
        promise_accuracy,
        lt_sigma,
        lt_tolerance,
        target_on_time=target_on_time,
        target_fill=target_fill,
    )
    w = as_float_array("weights", weights)
    if w.ndim not in (1, 2) or w.shape[-1] != len(COMPONENTS):
        raise ValueError(
            f"weights must have shape (5,) or (n, 5) "
            f"({', '.join(COMPONENTS)}), got shape {w.shape}"
        )
    fail("weights", "must be >= 0", w, w < 0)
    total = w.sum(axis=-1)
    fail("weights", "must not all be 0 (sum of a set)", total, total <= 0)
    try:
        w = np.broadcast_to(w, comp.shape)
    except ValueError as exc:
        raise ValueError(
            f"weights of shape {w.shape} do not match {comp.shape[0]} rows"
        ) from exc
    measured = ~np.isnan(comp)
    w_used = np.where(measured, w, 0.0)
    denom = w_used.sum(axis=-1)
    num = np.where(measured, w * np.nan_to_num(comp), 0.0).sum(axis=-1)
    with np.errstate(divide="ignore", invalid="ignore"):
        score = np.where(denom > 0, 100.0 * num / denom, np.nan)
    # Guard against 100.00000000000001 from the division.
    return np.clip(score, 0.0, 100.0)


def _standing_codes(name: str, value: object) -> np.ndarray:
    """Standings as strings; None / False / '' mean no standing yet."""
    arr = np.asarray(value, dtype=object)
    if arr.ndim > 1:
        raise ValueError(
            f"{name} must be a scalar or a 1-D array, got shape {arr.shape}"
        )
    flat = [("" if v is None or v is False else v) for v in arr.reshape(-1)]
    for i, v in enumerate(flat):
        if v != "" and v not in _RANK:
            where = "" if arr.ndim == 0 else f" (index {i})"
            raise ValueError(
                f"{name} must be one of '', 'good', 'watch', 'blocked', "
                f"got {v!r}{where}"
            )
    return np.array(flat, dtype="<U7").reshape(arr.shape)


def standing(
    previous: object,
    score: object,
    good_above: float = 85.0,
    blocked_below: float = 60.0,
    margin: float = 5.0,
) -> np.ndarray:
    """New standing per row from the previous one and the score (hysteresis).

    See the table in the module docstring. Requires 0 <= blocked_below,
    good_above <= 100, margin >= 0 and blocked_below + margin <= good_above -
    margin (the two hysteresis bands do not overlap).
    """
    g = float(as_float_array("good_above", good_above, ndim=0))
    b = float(as_float_array("blocked_below", blocked_below, ndim=0))
    m = float(as_float_array("margin", margin, ndim=0))
    if not 0 <= b <= 100:
        raise ValueError(f"blocked_below must be in [0, 100], got {b!r}")
    if not 0 <= g <= 100:
        raise ValueError(f"good_above must be in [0, 100], got {g!r}")
    if m < 0:
        raise ValueError(f"margin must be >= 0, got {m!r}")
    if b + m > g - m:
        raise ValueError(
            f"blocked_below + margin must be <= good_above - margin, got "
            f"{b!r} + {m!r} > {g!r} - {m!r}"
        )
    prev = _standing_codes("previous", previous)
    s = as_float_array("score", score, ndim=1)
    fail("score", "must be in [0, 100]", s, (s < 0) | (s > 100))
    prev, s = broadcast(previous=prev, score=s)

    # Threshold to be good, and threshold under which one is blocked, per row.
    good_at = np.select(
        [prev == "good", prev == "watch", prev == "blocked"],
        [g - m, g + m, np.inf],
        default=g,
    )
    # Never two levels at once: a good vendor cannot fall straight to blocked.
    blocked_under = np.select(
        [prev == "blocked", prev == "good"], [b + m, -np.inf], default=b
    )
    return np.where(
        s < blocked_under, "blocked", np.where(s >= good_at, "good", "watch")
    ).astype("<U7")


def _rank(codes: np.ndarray) -> np.ndarray:
    return np.select([codes == name for name in _RANK], list(_RANK.values()), default=3)


def standing_dropped(previous: object, current: object) -> np.ndarray:
    """True where the standing got worse (good > watch > blocked).

    A new vendor (previous '') counts as dropped only when it starts blocked:
    that alone changes which vendors the scheduler may choose.
    """
    prev = _standing_codes("previous", previous)
    cur = _standing_codes("current", current)
    fail("current", "must not be empty", cur, cur == "")
    prev, cur = broadcast(previous=prev, current=cur)
    p, c = _rank(prev), _rank(cur)
    return np.where(prev == "", c == 0, c < p)


def period_bounds(dates: object, period: object) -> tuple[np.ndarray, np.ndarray]:
    """(first day, last day) of the period containing each date, inclusive.

    period is 'week' (ISO week, Monday to Sunday) or 'month', as a scalar or
    one per date. Dates are anything numpy reads as datetime64 (day precision).
    """
    try:
        d = np.asarray(dates, dtype="datetime64[D]")
    except (TypeError, ValueError) as exc:
        raise ValueError(f"dates must be dates, got {dates!r}") from exc
    if d.ndim > 1:
        raise ValueError(f"dates must be a scalar or a 1-D array, got shape {d.shape}")
    bad = np.isnat(d)
    if np.any(bad):
        raise ValueError(f"dates must not be NaT, got NaT{first_bad(bad)[1]}")
    p = np.asarray(period, dtype=object)
    if p.ndim > 1:
        raise ValueError(f"period must be a scalar or a 1-D array, got shape {p.shape}")
    bad = np.array([v not in PERIODS for v in p.reshape(-1)], dtype=bool)
    if np.any(bad):
        flat, where = first_bad(bad.reshape(p.shape))
        raise ValueError(
            f"period must be 'week' or 'month', got {p.reshape(-1)[flat]!r}{where}"
        )
    d, p = broadcast(dates=d, period=p)
    # 1970-01-01 was a Thursday: (days + 3) % 7 is 0 on Mondays.
    days = d.astype(np.int64)
    week_start = d - ((days + 3) % 7).astype("timedelta64[D]")
    month = d.astype("datetime64[M]")
    month_start = month.astype("datetime64[D]")
    month_end = (month + 1).astype("datetime64[D]") - np.timedelta64(1, "D")
    is_week = p == "week"
    start = np.where(is_week, week_start, month_start)
    end = np.where(is_week, week_start + np.timedelta64(6, "D"), month_end)
    return start.astype("datetime64[D]"), end.astype("datetime64[D]")
