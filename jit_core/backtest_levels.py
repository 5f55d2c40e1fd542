"""The levels a backtest policy sets each night (jit_core.backtest): the
nightly recompute's own sequence, over the SKUs repeated once per policy."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from .backtest_types import Policy
from .nightly import recompute_levels


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
