"""The demo history shipped with the package (`odoo-jit backtest --demo`).

A synthetic year of a few hundred SKUs, made once by `generate()` with a
fixed seed (tools/make_demo_history.py writes jit_core/data/demo_history.npz;
a test checks that the shipped file is what the script makes). Demand mixes
four patterns: smooth (Poisson), intermittent (rare lumps), seasonal (a yearly
wave) and trending. The "actual practice" is a buyer's hand-set min/max per
SKU, set once from a rough guess of its usage (off by a factor of 0.6 to 1.7):
min = guess x (lead time + 10 days), max = min + 30 days of the guess; its
receipts come from replaying that practice with sampled lead times.
"""

from __future__ import annotations

from importlib import resources
from pathlib import Path

import numpy as np

from .backtest import History, _replay

DEMO_SEED = 20261127
DEMO_SKUS = 300
DEMO_WARMUP = 90  # days before the replayed year (the first recompute's window)
DEMO_DAYS = 365
DEMO_FILE = "demo_history.npz"


class _HandSetLevels:
    """The buyer's order step for _replay: fixed min/max, sampled lead days."""

    def __init__(self, low, high, lead_days):
        self.low, self.high, self.lead_days = low, high, lead_days
        self.max_lead = int(lead_days.max())
        self.orders = 0

    def __call__(self, t, on_hand, on_order, consumed, closing):
        position = on_hand + on_order
        qty = np.where(position < self.low, np.ceil(self.high - position), 0.0)
        return qty, self.lead_days[t]


def _demand(rng, n, days):
    base = np.exp(rng.normal(1.0, 0.9, n))  # median about 2.7 a day
    kind = rng.choice(4, n, p=[0.4, 0.25, 0.2, 0.15])
    t = np.arange(days) / 365.0
    rate = np.broadcast_to(base[:, None], (n, days)).copy()
    phase = rng.uniform(0, 2 * np.pi, n)
    seasonal = kind == 2
    rate[seasonal] *= 1 + 0.6 * np.sin(2 * np.pi * t + phase[seasonal, None])
    trend = kind == 3
    slope = rng.uniform(-0.5, 1.0, n)
    rate[trend] *= 1 + slope[trend, None] * t
    demand = rng.poisson(rate).astype(float)
    lumpy = kind == 1
    hits = rng.random((n, days)) < 0.12
    lumps = rng.gamma(2.0, base[:, None] / 0.24, (n, days)).round()
    demand[lumpy] = np.where(hits[lumpy], lumps[lumpy], 0.0)
    return demand, base


def generate(
    n_skus: int = DEMO_SKUS,
    days: int = DEMO_WARMUP + DEMO_DAYS,
    seed: int = DEMO_SEED,
) -> History:
    """The demo history (deterministic for a seed)."""
    rng = np.random.default_rng(seed)
    demand, base = _demand(rng, n_skus, days)
    lead = rng.integers(2, 22, n_skus).astype(float)
    lead_sigma = np.round(lead * rng.uniform(0.05, 0.35, n_skus), 2)
    unit_cost = np.round(np.exp(rng.normal(3.0, 1.0, n_skus)), 2)
    multiple = rng.choice([0.0, 6.0, 12.0], n_skus, p=[0.6, 0.25, 0.15])
    guess = base * np.exp(rng.uniform(np.log(0.6), np.log(1.7), n_skus))
    low = np.ceil(guess * (lead + 10))
    high = low + np.ceil(guess * 30)
    opening = high.copy()
    draws = lead[:, None] + lead_sigma[:, None] * rng.standard_normal((n_skus, days))
    lead_days = np.maximum(np.rint(draws), 1).astype(np.int64).T
    replay = _replay(
        np.ascontiguousarray(demand.T),
        opening,
        None,
        True,
        _HandSetLevels(low, high, lead_days),
        days,
        True,
    )
    receipts = np.ascontiguousarray(replay["received"].T)
    return History(
        demand=demand,
        receipts=receipts,
        opening=opening,
        unit_cost=unit_cost,
        lead_time=lead,
        lead_time_sigma=lead_sigma,
        multiple=multiple,
        rounding=1.0,
        sku=[f"DEMO-{i + 1:04d}" for i in range(n_skus)],
    )


def save(history: History, path: str | Path) -> None:
    """Write a history as a compressed .npz (integers where they are)."""
    np.savez_compressed(
        path,
        demand=history.demand.astype(np.int32),
        receipts=history.receipts.astype(np.int32),
        opening=history.opening.astype(np.int32),
        unit_cost=history.unit_cost,
        lead_time=history.lead_time,
        lead_time_sigma=history.lead_time_sigma,
        multiple=np.asarray(history.multiple, dtype=float),
        sku=np.asarray(history.sku, dtype=str),
    )


def load(path: str | Path | None = None) -> History:
    """The shipped demo history (or a history saved by `save`)."""
    if path is None:
        source = resources.files("jit_core").joinpath("data", DEMO_FILE)
        with resources.as_file(source) as real:
            return load(real)
    with np.load(path) as data:
        return History(
            demand=data["demand"].astype(float),
            receipts=data["receipts"].astype(float),
            opening=data["opening"].astype(float),
            unit_cost=data["unit_cost"],
            lead_time=data["lead_time"],
            lead_time_sigma=data["lead_time_sigma"],
            multiple=data["multiple"],
            rounding=1.0,
            sku=data["sku"].tolist(),
        )
