"""Checks of the backtest's inputs (jit_core.backtest): clear errors naming
the argument and its value, before anything is replayed."""

from __future__ import annotations

from ._validate import as_float_array, check_non_negative, fail
from .backtest_types import History


def check_history(h: History) -> tuple[int, int]:
    """(SKUs, days) of a checked history."""
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


def check_arguments(policies, t_all, start, lead_times, recompute_every, holding):
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
