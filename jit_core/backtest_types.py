"""The data of a backtest: policies, a history, and the results."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np


@dataclass(frozen=True)
class Policy:
    """The parameters of a JIT profile (jit.profile) that shape the levels."""

    name: str
    service_level: float = 0.95
    review_period_days: float = 7.0
    window_days: int = 90
    spike_factor: float = 3.0  # 0: no filter
    spike_cap: float = 0.0  # 0: no cap
    exclude_stockout_days: bool = False
    min_clamp: float = 0.0  # 0: none
    max_clamp: float = 0.0  # 0: none

    @classmethod
    def from_profile(cls, profile, name: str | None = None) -> Policy:
        """The policy of any object with a JIT profile's attributes (a
        jit.profile record, a namespace)."""
        return cls(
            name=name or profile.name,
            service_level=profile.service_level,
            review_period_days=profile.review_period_days,
            window_days=profile.window_days,
            spike_factor=profile.spike_factor or 0.0,
            spike_cap=profile.spike_cap or 0.0,
            exclude_stockout_days=bool(profile.exclude_stockout_days),
            min_clamp=profile.min_clamp or 0.0,
            max_clamp=profile.max_clamp or 0.0,
        )

    def __post_init__(self):
        if not 0 < self.service_level < 1:
            raise ValueError(
                f"service_level must be in (0, 1), got {self.service_level!r}"
                f" (policy {self.name!r})"
            )
        if int(self.window_days) != self.window_days or self.window_days < 1:
            raise ValueError(
                f"window_days must be an integer >= 1, got {self.window_days!r}"
                f" (policy {self.name!r})"
            )


@dataclass(frozen=True, eq=False)
class History:
    """A daily history of n SKUs over T days (day 0 the oldest).

    demand: (n, T) consumption per day; receipts: (n, T) what was actually
    received; opening: (n,) on hand at the start of day 0; unit_cost: (n,);
    lead_time / lead_time_sigma: (n,) days; moq, multiple, rounding: (n,) or
    scalars (0 = none); actual_orders: (n,) orders actually placed over the
    replayed days, or None to count the days with receipts."""

    demand: np.ndarray
    receipts: np.ndarray
    opening: np.ndarray
    unit_cost: np.ndarray
    lead_time: np.ndarray
    lead_time_sigma: np.ndarray
    moq: object = 0.0
    multiple: object = 0.0
    rounding: object = 0.0
    sku: Sequence[str] | None = None
    actual_orders: np.ndarray | None = None

    @property
    def shape(self) -> tuple[int, int]:
        return self.demand.shape


@dataclass(frozen=True, eq=False)
class Outcome:
    """Per SKU results of one policy (or of the actual practice)."""

    name: str
    stockout_days: np.ndarray
    fill_rate: np.ndarray
    avg_on_hand: np.ndarray
    avg_value: np.ndarray
    orders: np.ndarray
    carrying_cost: np.ndarray
    demand: np.ndarray
    served: np.ndarray
    daily_value: np.ndarray  # (days,) total stock value at each day's close
    daily: dict = field(default_factory=dict)  # (n, days) arrays with keep_daily

    def totals(self) -> dict:
        """Totals over SKUs: stock-out days are SKU-days."""
        demand = float(self.demand.sum())
        return {
            "policy": self.name,
            "stockout_days": int(self.stockout_days.sum()),
            "fill_rate": float(self.served.sum()) / demand if demand else 1.0,
            "avg_on_hand": float(self.avg_on_hand.sum()),
            "avg_value": float(self.avg_value.sum()),
            "orders": int(self.orders.sum()),
            "carrying_cost": float(self.carrying_cost.sum()),
        }


@dataclass(frozen=True, eq=False)
class BacktestResult:
    actual: Outcome
    policies: list[Outcome]
    start: int
    days: int

    def table(self) -> list[dict]:
        """One row of totals per policy, the actual practice first."""
        return [o.totals() for o in (self.actual, *self.policies)]

    def wins(self, index: int = 0) -> np.ndarray:
        """SKUs where policy `index` beats the actual practice: no more
        stock-out days and a lower average stock value, or fewer stock-out
        days at no more than the actual value."""
        p, a = self.policies[index], self.actual
        fewer_outs = p.stockout_days < a.stockout_days
        cheaper = p.avg_value < a.avg_value
        return ((p.stockout_days <= a.stockout_days) & cheaper) | (
            fewer_outs & (p.avg_value <= a.avg_value)
        )
