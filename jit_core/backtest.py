"""Backtest: replay a daily demand history per SKU under JIT policies.

Each night of the replay the levels are recomputed as the nightly recompute
does (`nightly_levels`: jit_core.nightly.recompute_levels, the recompute's
own sequence), from the consumption of the trailing window; each day:

1. receipts due that day arrive (start of day);
2. the day's demand is served from stock (lost sales: what stock cannot
   serve is lost; backorders: stock goes negative and the shortfall is
   served when stock arrives);
3. at night the levels are recomputed (every `recompute_every` days) and,
   as Odoo's reorder rule does, an order is placed when the inventory
   position (on hand + on order) is below the minimum: max - position,
   rounded up to the rule's multiple and at least the MOQ. It arrives
   `lead time` days later (at least 1; fixed: the SKU's mean lead time
   rounded; sampled: a normal draw per SKU and day from `seed`, the same
   draws for every policy).

The actual practice is replayed the same way with the recorded receipts in
place of the policy's orders. A stock-out day is a day that closed with no
stock (as jit_core.stockout_mask). Vectorised across SKUs and policies: one
loop over days, each step a few numpy operations on all rows at once.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import numpy as np

from ._validate import as_float_array, check_non_negative, fail
from .backtest_types import BacktestResult, History, Outcome, Policy
from .nightly import recompute_levels
from .policy import round_up_to_multiple

__all__ = [
    "BacktestResult",
    "History",
    "Outcome",
    "Policy",
    "backtest",
    "nightly_levels",
]

STOCKOUT_TOLERANCE = 1e-9


def _per_row(policies: Sequence[Policy], n: int, name: str, none: float) -> np.ndarray:
    """One value per (policy, SKU) row of a profile parameter; 0 -> `none`."""
    values = [getattr(p, name) or none for p in policies]
    return np.repeat(np.asarray(values, dtype=float), n)


def nightly_levels(
    consumption: np.ndarray,
    stockout: np.ndarray | None,
    policies: Sequence[Policy],
    lead_time: np.ndarray,
    lead_time_sigma: np.ndarray,
    moq: object = 0.0,
    multiple: object = 0.0,
    rounding: object = 0.0,
) -> tuple[np.ndarray, np.ndarray]:
    """(min, max) per row as the nightly recompute sets them from the
    window's consumption: the recompute's own sequence
    (jit_core.nightly.recompute_levels: demand statistics with the profile's
    spike filter and stock-out days left out when it excludes them, policy,
    the unit's rounding; max >= min).

    `consumption` is (k * n, window_days): n SKUs under each of the k
    `policies` (which share window_days); lead times, moq, multiple and
    rounding are per SKU (n,) or scalars."""
    n = consumption.shape[0] // len(policies)
    mask = None
    if stockout is not None and any(p.exclude_stockout_days for p in policies):
        keep = np.repeat([p.exclude_stockout_days for p in policies], n)
        mask = stockout & keep[:, None]

    def per_sku(value):
        return np.tile(
            np.broadcast_to(np.asarray(value, dtype=float), (n,)), len(policies)
        )

    levels = recompute_levels(
        consumption,
        lead_time=per_sku(lead_time),
        lead_time_sigma=per_sku(lead_time_sigma),
        service_level=_per_row(policies, n, "service_level", 0.0),
        review_period_days=_per_row(policies, n, "review_period_days", 0.0),
        spike_factor=_per_row(policies, n, "spike_factor", 0.0),
        spike_cap=_per_row(policies, n, "spike_cap", 0.0),
        stockout_mask=mask,
        moq=per_sku(moq),
        multiple=per_sku(multiple),
        min_clamp=_per_row(policies, n, "min_clamp", np.nan),
        max_clamp=_per_row(policies, n, "max_clamp", np.nan),
        rounding=per_sku(rounding),
    )
    return levels.new_min, levels.new_max


def _check_history(h: History) -> tuple[int, int]:
    demand = check_non_negative("demand", as_float_array("demand", h.demand, ndim=2))
    if demand.ndim != 2:
        raise ValueError(
            f"demand must be a 2-D (n_skus, days) array, got {demand.shape}"
        )
    n, t = demand.shape
    receipts = check_non_negative("receipts", as_float_array("receipts", h.receipts))
    if receipts.shape != (n, t):
        raise ValueError(f"receipts must have shape {(n, t)}, got {receipts.shape}")
    for name in ("opening", "unit_cost", "lead_time", "lead_time_sigma"):
        arr = check_non_negative(name, as_float_array(name, getattr(h, name), ndim=1))
        if arr.shape not in ((), (n,)):
            raise ValueError(f"{name} must have {n} values, got shape {arr.shape}")
    return n, t


def _lead_days(h: History, n_days: int, sampled: bool, seed: int) -> np.ndarray:
    """(n, n_days) integer lead time of an order placed on each day."""
    mean = np.broadcast_to(np.asarray(h.lead_time, dtype=float), (h.shape[0],))
    if sampled:
        rng = np.random.default_rng(seed)
        sigma = np.broadcast_to(
            np.asarray(h.lead_time_sigma, dtype=float), (h.shape[0],)
        )
        draws = mean[:, None] + sigma[:, None] * rng.standard_normal(
            (h.shape[0], n_days)
        )
    else:
        draws = np.broadcast_to(mean[:, None], (h.shape[0], n_days))
    return np.maximum(np.rint(draws), 1).astype(np.int64)


def _replay(
    demand, opening, receipts, lost_sales, order_step, n_days, keep_daily
) -> dict:
    """The day loop. Arrays are day-major, (n_days, rows), so that each day
    is one contiguous row. `order_step(t, on_hand, on_order, consumed,
    closing)` returns the quantity ordered at the close of day t and its lead
    days; without it, `receipts` (n_days, rows) arrive as recorded."""
    rows = demand.shape[1]
    horizon = n_days + int(order_step.max_lead if order_step else 0) + 1
    arrivals = np.zeros((horizon, rows))
    if receipts is not None:
        arrivals[:n_days] = receipts
    on_hand = np.array(opening, dtype=float)
    on_order = np.zeros(rows)
    closing = np.empty((n_days, rows))
    consumed = np.empty((n_days, rows))
    served = np.empty((n_days, rows))
    orders = np.zeros(rows, dtype=np.int64)
    arange = np.arange(rows)
    for t in range(n_days):
        arrived = arrivals[t]
        on_hand += arrived
        on_order -= arrived
        want = demand[t]
        np.minimum(np.maximum(on_hand, 0.0), want, out=served[t])
        consumed[t] = served[t] if lost_sales else want
        on_hand -= consumed[t]
        closing[t] = on_hand
        if order_step is not None:
            qty, lead = order_step(t, on_hand, on_order, consumed, closing)
            placed = np.flatnonzero(qty > 0)
            orders[placed] += 1
            on_order += qty
            arrivals[t + lead[placed], arange[placed]] += qty[placed]
    out = {"closing": closing, "consumed": consumed, "served": served, "orders": orders}
    if keep_daily:
        out["received"] = arrivals[:n_days]
    return out


class _PolicyOrders:
    """The nightly recompute + reorder rule of the stacked (policy, SKU) rows."""

    def __init__(self, h, policies, past, start, lead_days, recompute_every, progress):
        n = h.shape[0]
        self.h, self.policies, self.n = h, policies, n
        self.past = past  # (n, start) consumption before the replay
        self.past_out = (
            np.cumsum(h.receipts[:, :start] - past, axis=1)
            + np.asarray(h.opening)[:, None]
            <= STOCKOUT_TOLERANCE
        )
        self.lead_days = np.tile(lead_days.T, (1, len(policies)))  # day-major
        self.max_lead = int(lead_days.max(initial=1))
        self.every = recompute_every
        self.progress = progress
        self.by_window = {}
        for k, policy in enumerate(policies):
            self.by_window.setdefault(policy.window_days, []).append(k)
        # The rows of each window's policies: a slice when they are adjacent.
        self.rows = {}
        for w, ks in self.by_window.items():
            adjacent = ks == list(range(ks[0], ks[-1] + 1))
            self.rows[w] = (
                slice(ks[0] * n, (ks[-1] + 1) * n)
                if adjacent
                else np.concatenate([np.arange(k * n, (k + 1) * n) for k in ks])
            )
        rows = n * len(policies)
        self.min = np.zeros(rows)
        self.max = np.zeros(rows)
        k = len(policies)
        self.moq = np.tile(np.broadcast_to(np.asarray(h.moq, dtype=float), (n,)), k)
        self.multiple = np.tile(
            np.broadcast_to(np.asarray(h.multiple, dtype=float), (n,)), k
        )

    def recompute(self, t, consumed, closing):
        """Levels from the window ending at the close of day t (t = -1: the
        night before the replay, from the history alone), one nightly_levels
        call per window length. `consumed` and `closing` are day-major
        (days, rows)."""
        h = self.h
        for w, ks in self.by_window.items():
            rows = self.rows[w]
            first = max(t + 1 - w, 0)
            seen = consumed[first : t + 1, rows].T  # a view when rows is a slice
            censor = any(self.policies[k].exclude_stockout_days for k in ks)
            outs = (
                closing[first : t + 1, rows].T <= STOCKOUT_TOLERANCE if censor else None
            )
            if seen.shape[1] < w:
                missing = w - seen.shape[1]
                past = np.tile(self.past[:, -missing:], (len(ks), 1))
                seen = np.concatenate([past, seen], axis=1)
                if censor:
                    past_out = np.tile(self.past_out[:, -missing:], (len(ks), 1))
                    outs = np.concatenate([past_out, outs], axis=1)
            self.min[rows], self.max[rows] = nightly_levels(
                seen,
                outs,
                [self.policies[k] for k in ks],
                h.lead_time,
                h.lead_time_sigma,
                h.moq,
                h.multiple,
                h.rounding,
            )

    def __call__(self, t, on_hand, on_order, consumed, closing):
        if (t + 1) % self.every == 0:
            self.recompute(t, consumed, closing)
        if self.progress:
            self.progress(t + 1)
        position = on_hand + on_order
        below = position < self.min - STOCKOUT_TOLERANCE
        qty = round_up_to_multiple(np.maximum(self.max - position, 0.0), self.multiple)
        qty = np.where(below, np.maximum(qty, self.moq), 0.0)
        return qty, self.lead_days[t]


def _outcome(name, replay, demand, unit_cost, holding_rate, orders, k, keep_daily):
    """Per SKU figures of block k (policy k, or the actual replay) of the
    day-major replay arrays; `demand` (n, days)."""
    n = demand.shape[0]
    cols = slice(k * n, (k + 1) * n)
    closing = replay["closing"][:, cols].T
    served = replay["served"][:, cols].sum(axis=0)
    want = demand.sum(axis=1)
    stock = np.maximum(closing, 0.0)
    avg = stock.mean(axis=1)
    value = avg * unit_cost
    daily = {}
    if keep_daily:
        daily = {
            key: np.ascontiguousarray(replay[key][:, cols].T)
            for key in ("closing", "consumed", "received")
        }
    return Outcome(
        name=name,
        stockout_days=(closing <= STOCKOUT_TOLERANCE).sum(axis=1),
        fill_rate=np.divide(served, want, out=np.ones(n), where=want > 0),
        avg_on_hand=avg,
        avg_value=value,
        orders=np.asarray(orders[cols] if orders.size > n else orders),
        carrying_cost=value * holding_rate * closing.shape[1] / 365.0,
        demand=want,
        served=served,
        daily_value=unit_cost @ stock,
        daily=daily,
    )


def _check_arguments(policies, t_all, start, lead_times, recompute_every, holding):
    """The replay's first day (start), once the arguments are checked."""
    if not policies:
        raise ValueError("policies must hold at least one Policy, got none")
    if lead_times not in ("fixed", "sampled"):
        raise ValueError(f"lead_times must be 'fixed' or 'sampled', got {lead_times!r}")
    longest = max(p.window_days for p in policies)
    start = longest if start is None else int(start)
    if not longest <= start < t_all:
        raise ValueError(
            f"start must be in [{longest}, {t_all}) (the longest window, the "
            f"history's days), got {start!r}"
        )
    if int(recompute_every) != recompute_every or recompute_every < 1:
        raise ValueError(
            f"recompute_every must be an integer >= 1, got {recompute_every!r}"
        )
    rate = as_float_array("holding_rate", holding, ndim=0)
    fail("holding_rate", "must be >= 0", rate, rate < 0)
    return start


def backtest(
    history: History,
    policies: Sequence[Policy],
    *,
    start: int | None = None,
    lead_times: str = "fixed",
    seed: int = 0,
    lost_sales: bool = True,
    holding_rate: float = 0.25,
    recompute_every: int = 1,
    keep_daily: bool = False,
    progress: Callable[[int], None] | None = None,
) -> BacktestResult:
    """Replay days [start, T) of `history` under each policy and as it
    happened. `start` defaults to the longest policy window (the days before
    it feed the first recompute). Carrying cost = average stock value x
    `holding_rate` (per year) x days / 365."""
    n, t_all = _check_history(history)
    start = _check_arguments(
        policies, t_all, start, lead_times, recompute_every, holding_rate
    )
    demand = np.asarray(history.demand, dtype=float)
    receipts = np.asarray(history.receipts, dtype=float)
    unit_cost = np.broadcast_to(np.asarray(history.unit_cost, dtype=float), (n,))
    opening = np.broadcast_to(np.asarray(history.opening, dtype=float), (n,))
    # Stock at the start of the replay, as it happened (lost sales or not,
    # the history's consumption is what left).
    at_start = opening + receipts[:, :start].sum(axis=1) - demand[:, :start].sum(axis=1)
    at_start = np.maximum(at_start, 0.0) if lost_sales else at_start
    days = t_all - start

    future = np.ascontiguousarray(demand[:, start:].T)  # day-major
    actual = _replay(
        future, at_start, receipts[:, start:].T, lost_sales, None, days, keep_daily
    )
    counted = history.actual_orders
    actual_orders = (
        (receipts[:, start:] > 0).sum(axis=1)
        if counted is None
        else np.asarray(counted)
    )
    k = len(policies)
    step = _PolicyOrders(
        history,
        list(policies),
        demand[:, :start],
        start,
        _lead_days(history, days, lead_times == "sampled", seed),
        int(recompute_every),
        progress,
    )
    step.recompute(-1, np.zeros((0, n * k)), np.zeros((0, n * k)))
    replay = _replay(
        np.tile(future, (1, k)),
        np.tile(at_start, k),
        None,
        lost_sales,
        step,
        days,
        keep_daily,
    )
    rate = float(holding_rate)
    demand_t = demand[:, start:]
    outcomes = [
        _outcome(
            p.name, replay, demand_t, unit_cost, rate, replay["orders"], i, keep_daily
        )
        for i, p in enumerate(policies)
    ]
    return BacktestResult(
        actual=_outcome(
            "actual", actual, demand_t, unit_cost, rate, actual_orders, 0, keep_daily
        ),
        policies=outcomes,
        start=start,
        days=days,
    )
