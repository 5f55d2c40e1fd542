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

from .backtest_checks import check_arguments, check_history
from .backtest_levels import nightly_levels
from .backtest_types import BacktestResult, History, Outcome, Policy
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


def _stock_at_start(history, demand, receipts, start, lost_sales) -> np.ndarray:
    """Stock at the start of the replay, as it happened (lost sales or not,
    the history's consumption is what left)."""
    n = demand.shape[0]
    opening = np.broadcast_to(np.asarray(history.opening, dtype=float), (n,))
    at_start = opening + receipts[:, :start].sum(axis=1) - demand[:, :start].sum(axis=1)
    return np.maximum(at_start, 0.0) if lost_sales else at_start


def _result(
    policies,
    actual,
    actual_orders,
    replay,
    demand_t,
    unit_cost,
    rate,
    start,
    keep_daily,
) -> BacktestResult:
    """The outcomes of the actual practice and of each policy."""
    days = demand_t.shape[1]
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


def _replay_policies(
    history,
    policies,
    past,
    future,
    at_start,
    start,
    *,
    lead_days,
    recompute_every,
    progress,
    lost_sales,
    keep_daily,
):
    """Replay the `future` (day-major) under every policy at once: the SKUs
    repeated once per policy, the orders placed by _PolicyOrders from the
    `past` demand and the demand replayed so far."""
    n = at_start.shape[0]
    k = len(policies)
    days = future.shape[0]
    step = _PolicyOrders(
        history,
        list(policies),
        past,
        start,
        lead_days,
        recompute_every,
        progress,
    )
    step.recompute(-1, np.zeros((0, n * k)), np.zeros((0, n * k)))
    return _replay(
        np.tile(future, (1, k)),
        np.tile(at_start, k),
        None,
        lost_sales,
        step,
        days,
        keep_daily,
    )


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
    n, t_all = check_history(history)
    start = check_arguments(
        policies, t_all, start, lead_times, recompute_every, holding_rate
    )
    demand = np.asarray(history.demand, dtype=float)
    receipts = np.asarray(history.receipts, dtype=float)
    unit_cost = np.broadcast_to(np.asarray(history.unit_cost, dtype=float), (n,))
    at_start = _stock_at_start(history, demand, receipts, start, lost_sales)
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
    replay = _replay_policies(
        history,
        policies,
        demand[:, :start],
        future,
        at_start,
        start,
        lead_days=_lead_days(history, days, lead_times == "sampled", seed),
        recompute_every=int(recompute_every),
        progress=progress,
        lost_sales=lost_sales,
        keep_daily=keep_daily,
    )
    return _result(
        policies,
        actual,
        actual_orders,
        replay,
        demand[:, start:],
        unit_cost,
        float(holding_rate),
        start,
        keep_daily,
    )
