"""Supplier lead time statistics per group, with a robust median/MAD outlier filter."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ._validate import (
    as_float_array,
    as_int_array,
    broadcast,
    check_positive_int,
    first_bad,
)

MAD_TO_SIGMA = 1.4826  # MAD * 1.4826 estimates sigma for normal data


@dataclass(frozen=True, eq=False)
class LeadTimeStats:
    """Per-group lead time statistics in days; `keys` sorted unique."""

    keys: np.ndarray
    mean: np.ndarray
    sigma: np.ndarray
    p90: np.ndarray
    count: np.ndarray
    outliers: np.ndarray


def _as_datetime(name: str, value: object) -> np.ndarray:
    try:
        arr = np.asarray(value, dtype="datetime64[s]")
    except (TypeError, ValueError) as exc:
        raise ValueError(f"{name} must be datetimes, got {value!r}") from exc
    if arr.ndim > 1:
        raise ValueError(
            f"{name} must be a scalar or a 1-D array, got shape {arr.shape}"
        )
    bad = np.isnat(arr)
    if np.any(bad):
        raise ValueError(f"{name} must not be NaT, got NaT{first_bad(bad)[1]}")
    return arr


def group_percentile(
    sorted_x: np.ndarray, starts: np.ndarray, counts: np.ndarray, q: float
) -> np.ndarray:
    """Per-group percentile (linear, as np.percentile) of data sorted within groups.

    Every group must be non-empty.
    """
    pos = q * (counts - 1)
    lo = np.floor(pos).astype(np.int64)
    hi = np.minimum(lo + 1, counts - 1)
    frac = pos - lo
    a = sorted_x[starts + lo]
    b = sorted_x[starts + hi]
    return a + frac * (b - a)


def _starts(counts: np.ndarray) -> np.ndarray:
    return np.concatenate(([0], np.cumsum(counts)[:-1])).astype(np.int64)


def lead_time_stats(
    ordered: object,
    received: object,
    keys: object = None,
    *,
    outlier_k: float = 3.0,
    min_samples_for_filter: int = 4,
) -> LeadTimeStats:
    """Mean, population sigma and p90 of (received - ordered) in days, per key.

    Groups with >= min_samples_for_filter samples drop samples with
    |x - median| > outlier_k * 1.4826 * MAD (nothing is dropped when MAD == 0).
    outlier_k >= 1 guarantees at least half of each group is kept.
    """
    k = float(as_float_array("outlier_k", outlier_k, ndim=0))
    if k < 1:
        raise ValueError(f"outlier_k must be >= 1, got {k!r}")
    min_samples = check_positive_int("min_samples_for_filter", min_samples_for_filter)
    days, g = _durations(ordered, received, keys)
    if days.size == 0:
        empty = np.empty(0)
        return LeadTimeStats(
            np.empty(0, np.int64),
            empty,
            empty.copy(),
            empty.copy(),
            np.empty(0, np.int64),
            np.empty(0, np.int64),
        )

    order = np.lexsort((days, g))
    x, g = days[order], g[order]
    uniq, starts, counts = np.unique(g, return_index=True, return_counts=True)
    gid = np.repeat(np.arange(uniq.size), counts)

    median = group_percentile(x, starts, counts, 0.5)
    dev = np.abs(x - median[gid])
    mad = group_percentile(dev[np.lexsort((dev, gid))], starts, counts, 0.5)
    filtered = (counts >= min_samples) & (mad > 0)
    keep = ~(filtered[gid] & (dev > k * MAD_TO_SIGMA * mad[gid]))

    return _kept_stats(x, gid, uniq, counts, keep)


def _durations(ordered, received, keys):
    """(received - ordered in days, key) per sample, checked."""
    o = _as_datetime("ordered", ordered)
    r = _as_datetime("received", received)
    g = np.zeros(1, np.int64) if keys is None else as_int_array("keys", keys, ndim=1)
    o, r, g = (np.atleast_1d(a) for a in broadcast(ordered=o, received=r, keys=g))
    if o.size == 0:
        return np.empty(0), g
    late = r < o
    if np.any(late):
        i, where = first_bad(late)
        raise ValueError(f"received must be >= ordered, got {r[i]} < {o[i]}{where}")
    return (r - o) / np.timedelta64(1, "D"), g


def _kept_stats(x, gid, uniq, counts, keep) -> LeadTimeStats:
    """Mean, sigma and p90 of the samples kept, per group (x sorted by
    (group, value); no group is left empty)."""
    xk, gk = x[keep], gid[keep]  # still sorted by (group, value); no group is empty
    kept = np.bincount(gk, minlength=uniq.size)
    kstarts = _starts(kept)
    mean = np.add.reduceat(xk, kstarts) / kept
    resid = xk - mean[gk]
    sigma = np.sqrt(np.add.reduceat(resid * resid, kstarts) / kept)
    return LeadTimeStats(
        keys=uniq,
        mean=mean,
        sigma=sigma,
        p90=group_percentile(xk, kstarts, kept, 0.9),
        count=kept.astype(np.int64),
        outliers=(counts - kept).astype(np.int64),
    )
