"""Daily demand buckets and demand statistics (ADU, sigma, spike filter, censoring)."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ._validate import (
    as_float_array,
    as_int_array,
    broadcast,
    check_non_negative,
    check_positive,
    check_positive_int,
    fail,
    per_row,
)


def daily_buckets(
    sku_index: object, day_index: object, qty: object, n_skus: int, window_days: int
) -> np.ndarray:
    """Scatter-add aggregate rows into a (n_skus, window_days) float64 demand matrix.

    Day 0 is the oldest day of the window. `qty` may be negative (returns);
    day totals are net and may be negative (a return on a day without
    deliveries): returns net against consumption over the window, not per day.
    """
    n_skus = check_positive_int("n_skus", n_skus, allow_zero=True)
    window_days = check_positive_int("window_days", window_days)
    sku = as_int_array("sku_index", sku_index, ndim=1, lower=0, upper=n_skus)
    day = as_int_array("day_index", day_index, ndim=1, lower=0, upper=window_days)
    q = as_float_array("qty", qty, ndim=1)
    sku, day, q = (
        a.reshape(-1) for a in broadcast(sku_index=sku, day_index=day, qty=q)
    )
    totals = np.bincount(
        sku * window_days + day, weights=q, minlength=n_skus * window_days
    )
    totals = totals.astype(np.float64, copy=False)  # bincount of no rows gives int
    return totals.reshape(n_skus, window_days)


def booked_share(
    sku_index: object,
    qty: object,
    booked_ahead: object,
    lead_time: object,
    n_skus: int,
) -> np.ndarray:
    """Per SKU, the share of consumption that was booked a lead time ahead.

    One row per consumption move: its SKU, quantity (>= 0) and `booked_ahead`,
    the days from the move's creation to its completion. A row is booked when
    booked_ahead >= lead_time[sku]: Odoo's forecast at the lead-days date
    already subtracted it. share = booked quantity / quantity (0 without rows).
    """
    n_skus = check_positive_int("n_skus", n_skus, allow_zero=True)
    sku = as_int_array("sku_index", sku_index, ndim=1, lower=0, upper=max(n_skus, 1))
    q = check_non_negative("qty", as_float_array("qty", qty, ndim=1))
    ahead = as_float_array("booked_ahead", booked_ahead, ndim=1)
    lead = check_non_negative(
        "lead_time", as_float_array("lead_time", lead_time, ndim=1)
    )
    lead = per_row("lead_time", lead, n_skus)
    sku, q, ahead = (
        a.reshape(-1) for a in broadcast(sku_index=sku, qty=q, booked_ahead=ahead)
    )
    total = np.bincount(sku, weights=q, minlength=n_skus).astype(np.float64)
    booked = np.bincount(
        sku, weights=np.where(ahead >= lead[sku], q, 0.0), minlength=n_skus
    ).astype(np.float64)
    share = np.divide(booked, total, out=np.zeros(n_skus), where=total > 0)
    return np.minimum(share, 1.0)


def match_keys(row_keys: object, keys: object) -> tuple[np.ndarray, np.ndarray]:
    """Every pair (row, k) with row_keys[row] == keys[k], as two index arrays.

    Used to hand aggregate rows keyed by product to every rule of that product
    (a product may have rules in several warehouses). Pairs come out by row,
    then by k; rows whose key is in no rule are left out.
    """
    rows = as_int_array("row_keys", row_keys, ndim=1)
    ks = as_int_array("keys", keys, ndim=1)
    order = np.argsort(ks, kind="stable")
    sorted_keys = ks[order]
    left = np.searchsorted(sorted_keys, rows, side="left")
    counts = np.searchsorted(sorted_keys, rows, side="right") - left
    row_pos = np.repeat(np.arange(rows.size), counts)
    # Position of each pair inside its row's run of equal keys.
    starts = np.repeat(np.cumsum(counts) - counts, counts)
    offset = np.arange(row_pos.size) - starts
    return row_pos, order[np.repeat(left, counts) + offset]


@dataclass(frozen=True, eq=False)
class DemandStats:
    """Per-SKU demand statistics; `clipped` is the series after the spike filter."""

    adu: np.ndarray
    sigma: np.ndarray
    days_counted: np.ndarray
    spikes: np.ndarray
    spike_mask: np.ndarray
    clipped: np.ndarray


def _mean_std(
    values: np.ndarray, counted: np.ndarray | None, days: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """Row mean and population std over the counted days (0, 0 when none);
    counted None: every day counts."""
    denom = np.maximum(days, 1)
    kept = values if counted is None else np.where(counted, values, 0.0)
    mean = kept.sum(axis=1) / denom
    dev = values - mean[:, None]
    if counted is not None:
        dev[~counted] = 0.0
    var = np.einsum("ij,ij->i", dev, dev) / denom
    return mean, np.sqrt(var)


def _as_mask(name: str, value: object, shape: tuple) -> np.ndarray:
    arr = np.asarray(value)
    if arr.dtype != np.bool_:
        if arr.dtype.kind not in "iuf":
            raise ValueError(f"{name} must be boolean, got dtype {arr.dtype}")
        fail(name, "must be boolean (0/1)", arr, (arr != 0) & (arr != 1))
        arr = arr.astype(bool)
    try:
        return np.broadcast_to(arr, shape)
    except ValueError as exc:
        raise ValueError(f"{name} must have shape {shape}, got {arr.shape}") from exc


def _spike_threshold(spike_factor, spike_cap, mean, std) -> np.ndarray:
    """Per row, the lowest of mean + spike_factor * std and spike_cap (inf:
    no filter)."""
    n = mean.shape[0]
    threshold = np.full(n, np.inf)
    if spike_factor is not None:
        k = check_positive(
            "spike_factor", as_float_array("spike_factor", spike_factor, ndim=1)
        )
        k = per_row("spike_factor", k, n)
        threshold = np.minimum(threshold, mean + k * std)
    if spike_cap is not None:
        cap = as_float_array("spike_cap", spike_cap, ndim=1, allow_inf=True)
        cap = check_non_negative("spike_cap", cap)
        cap = per_row("spike_cap", cap, n)
        threshold = np.minimum(threshold, cap)
    return threshold


def demand_stats(
    buckets: object,
    *,
    spike_factor: object = None,
    spike_cap: object = None,
    stockout_mask: object = None,
) -> DemandStats:
    """ADU and daily sigma (ddof=0) per SKU from (n, days) buckets.

    Buckets are net daily consumption: a day of returns only is negative and
    enters the mean and sigma as it is; ADU is then clipped at 0 (a window with
    more returns than consumption has ADU 0). Zero days count. Days with
    `stockout_mask` True are excluded (censored).
    Spike filter (one pass): a counted day above mean + spike_factor*std or above
    spike_cap (scalar or per SKU, +inf = no cap) is clipped to the lowest applicable
    threshold, then ADU/sigma are recomputed on the clipped series.
    """
    b = as_float_array("buckets", buckets)
    if b.ndim != 2:
        raise ValueError(
            f"buckets must be a 2-D (n_skus, window_days) array, got shape {b.shape}"
        )
    n, window = b.shape
    if window == 0:
        raise ValueError("window_days must be > 0, got 0")

    if stockout_mask is None:
        counted, days = None, np.full(n, window)
    else:
        counted = ~_as_mask("stockout_mask", stockout_mask, b.shape)
        days = np.count_nonzero(counted, axis=1)
    mean, std = _mean_std(b, counted, days)

    threshold = _spike_threshold(spike_factor, spike_cap, mean, std)

    spike_mask = b > threshold[:, None]
    if counted is not None:
        spike_mask &= counted
    if spike_mask.any():
        clipped = np.where(spike_mask, threshold[:, None], b)
        adu, sigma = _mean_std(clipped, counted, days)
    else:  # nothing clipped: the same series, the same figures
        clipped, adu, sigma = b.copy(), mean, std
    return DemandStats(
        adu=np.maximum(adu, 0.0),
        sigma=sigma,
        days_counted=days.astype(np.int64),
        spikes=np.count_nonzero(spike_mask, axis=1).astype(np.int64),
        spike_mask=spike_mask,
        clipped=clipped,
    )
