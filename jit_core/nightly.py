"""THE nightly sequence of a reorder rule's levels: demand statistics of the
trailing window (spike filter, stock-out days left out), a seed ADU where the
caller has one, the policy (safety stock, min, max), then the unit's rounding.

Two callers, one sequence: the nightly recompute
(jit_replenishment/services/recompute.py, a batch of rules under several
profiles) and the backtest (jit_core.backtest_levels.nightly_levels, every replayed
night, several policies stacked). Vectorised over rows: one demand_stats call
per distinct window length, one compute_policy call for every row.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from .demand import demand_stats
from .policy import compute_policy, round_up_to_multiple

# mean + 1e300 x sigma: no day is a spike (a row without a spike filter among
# rows that have one).
NO_SPIKE_FACTOR = 1e300


@dataclass(frozen=True, eq=False)
class NightlyLevels:
    """Per row: the window's demand (`adu`, `sigma` after a seed), the days
    counted and clipped, whether a seed replaced the history, the policy
    (z, safety stock, min and max before rounding) and the rounded levels
    (`new_min`, `new_max` >= `new_min`)."""

    adu: np.ndarray
    sigma: np.ndarray
    days_counted: np.ndarray
    spikes: np.ndarray
    seeded: np.ndarray
    z: np.ndarray
    safety_stock: np.ndarray
    min_qty: np.ndarray
    max_qty: np.ndarray
    new_min: np.ndarray
    new_max: np.ndarray


def _rows(value: object, n: int, dtype=float) -> np.ndarray:
    return np.broadcast_to(np.asarray(value, dtype=dtype), (n,))


def _filter(values: np.ndarray, off: float) -> np.ndarray | None:
    """A per-row filter parameter (0: no filter) for demand_stats: None when
    no row filters, else the values with `off` for the rows that do not."""
    if not values.any():
        return None
    return np.where(values > 0, values, off)


def _demand(consumption, window, spike_factor, spike_cap, stockout_mask):
    """demand_stats of each row over its own trailing `window` days, one
    call per distinct window length."""
    n = consumption.shape[0]
    adu, sigma = np.zeros(n), np.zeros(n)
    counted, spikes = np.zeros(n, dtype=np.int64), np.zeros(n, dtype=np.int64)
    for days in np.unique(window).tolist():
        idx = np.flatnonzero(window == days)
        stats = demand_stats(
            consumption[idx, -days:],
            spike_factor=_filter(spike_factor[idx], NO_SPIKE_FACTOR),
            spike_cap=_filter(spike_cap[idx], np.inf),
            stockout_mask=None if stockout_mask is None else stockout_mask[idx, -days:],
        )
        adu[idx], sigma[idx] = stats.adu, stats.sigma
        counted[idx], spikes[idx] = stats.days_counted, stats.spikes
    return adu, sigma, counted, spikes


def recompute_levels(
    consumption: np.ndarray,
    *,
    lead_time: object,
    lead_time_sigma: object,
    service_level: object,
    review_period_days: object,
    window_days: object = None,
    spike_factor: object = 0.0,
    spike_cap: object = 0.0,
    stockout_mask: np.ndarray | None = None,
    moq: object = 0.0,
    multiple: object = 0.0,
    min_clamp: object = None,
    max_clamp: object = None,
    booked_share: object = 0.0,
    rounding: object = 0.0,
    seed: Callable[[np.ndarray], np.ndarray] | None = None,
) -> NightlyLevels:
    """The levels of each row of `consumption` ((n, days) net daily
    consumption, oldest day first) as the nightly recompute sets them.

    Per row (scalar or (n,)): `window_days` (the trailing days measured;
    default every column), `spike_factor` / `spike_cap` (0: no filter),
    lead times, service level, review period, MOQ, multiple, clamps (NaN or
    None: none), booked share and the unit's rounding. `stockout_mask`
    ((n, days), or None) marks the days left out (a row whose profile keeps
    stock-out days passes False). `seed(days_counted)` returns a seed ADU per
    row (0: none): a seeded row takes it as ADU and as sigma (coefficient of
    variation 1)."""
    consumption = np.asarray(consumption, dtype=float)
    n, width = consumption.shape
    window = _rows(width if window_days is None else window_days, n, np.int64)
    adu, sigma, counted, spikes = _demand(
        consumption,
        window,
        _rows(spike_factor, n),
        _rows(spike_cap, n),
        stockout_mask,
    )
    adu, sigma, seeded = _seeded(seed, counted, adu, sigma)
    policy = compute_policy(
        adu,
        sigma,
        lead_time,
        lead_time_sigma,
        service_level,
        review_period_days,
        moq=moq,
        multiple=multiple,
        min_clamp=min_clamp,
        max_clamp=max_clamp,
        booked_share=booked_share,
    )
    return _rounded(policy, rounding, adu, sigma, counted, spikes, seeded)


def _seeded(seed, counted, adu, sigma):
    """(adu, sigma, seeded) once `seed(days_counted)` has replaced the
    demand of the rows it seeds (ADU > 0) by the seed, as ADU and sigma."""
    n = adu.shape[0]
    seeded = np.zeros(n, dtype=bool)
    if seed is not None:
        seed_adu = _rows(seed(counted), n)
        seeded = seed_adu > 0
        adu = np.where(seeded, seed_adu, adu)
        sigma = np.where(seeded, seed_adu, sigma)
    return adu, sigma, seeded


def _rounded(policy, rounding, adu, sigma, counted, spikes, seeded) -> NightlyLevels:
    """The levels: the policy's min and max rounded up to the unit's
    rounding (max >= min)."""
    new_min = round_up_to_multiple(policy.min_qty, rounding)
    new_max = np.maximum(round_up_to_multiple(policy.max_qty, rounding), new_min)
    return NightlyLevels(
        adu=adu,
        sigma=sigma,
        days_counted=counted,
        spikes=spikes,
        seeded=seeded,
        z=policy.z,
        safety_stock=policy.safety_stock,
        min_qty=policy.min_qty,
        max_qty=policy.max_qty,
        new_min=new_min,
        new_max=new_max,
    )
