"""Replenishment policy: z, safety stock, reorder point, order quantity, min/max."""

from __future__ import annotations

from dataclasses import dataclass
from statistics import NormalDist

import numpy as np

from ._validate import (
    as_float_array,
    broadcast,
    check_non_negative,
    check_open_unit,
    fail,
    first_bad,
)

# q / multiple within this relative distance of an integer is not rounded up
MULTIPLE_REL_TOL = 1e-9


def _non_negative(name: str, value: object) -> np.ndarray:
    return check_non_negative(name, as_float_array(name, value))


def z_score(service_level: object) -> np.ndarray:
    """Standard normal quantile of the cycle service level, which must be in (0, 1)."""
    p = check_open_unit("service_level", as_float_array("service_level", service_level))
    uniq, inverse = np.unique(p, return_inverse=True)
    dist = NormalDist()
    z = np.array([dist.inv_cdf(float(u)) for u in uniq], dtype=np.float64)
    return z[inverse].reshape(p.shape)


def safety_stock(
    z: object, adu: object, sigma_d: object, lead_time: object, sigma_lt: object
) -> np.ndarray:
    """SS = z * sqrt(L * sigma_d^2 + adu^2 * sigma_lt^2), clipped at 0 when z < 0."""
    z = as_float_array("z", z)
    adu, sigma_d, lead_time, sigma_lt = (
        _non_negative(name, value)
        for name, value in (
            ("adu", adu),
            ("sigma_d", sigma_d),
            ("lead_time", lead_time),
            ("sigma_lt", sigma_lt),
        )
    )
    z, adu, sigma_d, lead_time, sigma_lt = broadcast(
        z=z, adu=adu, sigma_d=sigma_d, lead_time=lead_time, sigma_lt=sigma_lt
    )
    spread = np.sqrt(lead_time * sigma_d**2 + adu**2 * sigma_lt**2)
    return np.maximum(z * spread, 0.0)


def reorder_point(
    adu: object, lead_time: object, ss: object, booked_share: object = 0.0
) -> np.ndarray:
    """ROP = adu * L * (1 - booked_share) + SS.

    booked_share (in [0, 1]) is the part of the lead-time demand already
    booked ahead (see demand.booked_share): Odoo's forecast at the lead-days
    date has subtracted it already, so the minimum must not count it again.
    """
    share = as_float_array("booked_share", booked_share)
    fail("booked_share", "must be in [0, 1]", share, (share < 0) | (share > 1))
    adu, lead_time, ss, share = broadcast(
        adu=_non_negative("adu", adu),
        lead_time=_non_negative("lead_time", lead_time),
        ss=_non_negative("ss", ss),
        booked_share=share,
    )
    return adu * lead_time * (1.0 - share) + ss


def round_up_to_multiple(qty: np.ndarray, multiple: np.ndarray) -> np.ndarray:
    """Round qty up to a multiple of `multiple` where > 0 (relative tolerance 1e-9)."""
    active = multiple > 0
    ratio = np.divide(qty, multiple, out=np.zeros(np.shape(qty)), where=active)
    nearest = np.round(ratio)
    close = np.abs(ratio - nearest) <= MULTIPLE_REL_TOL * nearest
    steps = np.where(close, nearest, np.ceil(ratio))
    rounded = steps * multiple
    # A ratio that underflows (a subnormal qty) must still not round below qty.
    rounded = np.where(
        rounded < qty * (1 - MULTIPLE_REL_TOL), rounded + multiple, rounded
    )
    return np.where(active, rounded, qty)


def order_quantity(
    adu: object, review_period: object, moq: object = 0.0, multiple: object = 0.0
) -> np.ndarray:
    """max(review_period * adu, moq), rounded up to `multiple` when multiple > 0."""
    adu, review_period, moq, multiple = broadcast(
        adu=_non_negative("adu", adu),
        review_period=_non_negative("review_period", review_period),
        moq=_non_negative("moq", moq),
        multiple=_non_negative("multiple", multiple),
    )
    return round_up_to_multiple(np.maximum(review_period * adu, moq), multiple)


@dataclass(frozen=True, eq=False)
class PolicyResult:
    """Policy per SKU; min_qty/max_qty are after clamps, the others before."""

    z: np.ndarray
    safety_stock: np.ndarray
    reorder_point: np.ndarray
    order_qty: np.ndarray
    min_qty: np.ndarray
    max_qty: np.ndarray


def _clamp(name: str, value: object, fill: float) -> np.ndarray:
    """Clamp bound with NaN (or None) meaning 'no clamp' -> +/-inf."""
    if value is None:
        return np.asarray(fill)
    arr = check_non_negative(name, as_float_array(name, value, allow_nan=True))
    return np.where(np.isnan(arr), fill, arr)


def compute_policy(
    adu: object,
    sigma_d: object,
    lead_time: object,
    sigma_lt: object,
    service_level: object,
    review_period: object,
    moq: object = 0.0,
    multiple: object = 0.0,
    min_clamp: object = None,
    max_clamp: object = None,
    booked_share: object = 0.0,
) -> PolicyResult:
    """Full policy: min = clip(ROP), max = clip(min + order qty) with max >= min.

    min_clamp/max_clamp: None, scalar or per-SKU array; NaN means no clamp.
    booked_share: share of the lead-time demand booked ahead (reorder_point).
    """
    z = z_score(service_level)
    ss = safety_stock(z, adu, sigma_d, lead_time, sigma_lt)
    rop = reorder_point(adu, lead_time, ss, booked_share)
    qty = order_quantity(adu, review_period, moq, multiple)
    lo, hi, rop, qty = broadcast(
        min_clamp=_clamp("min_clamp", min_clamp, -np.inf),
        max_clamp=_clamp("max_clamp", max_clamp, np.inf),
        reorder_point=rop,
        order_qty=qty,
    )
    crossed = lo > hi
    if np.any(crossed):
        flat, where = first_bad(crossed)
        low, high = lo.reshape(-1)[flat].item(), hi.reshape(-1)[flat].item()
        raise ValueError(
            f"min_clamp must be <= max_clamp, got {low!r} > {high!r}{where}"
        )
    min_qty = np.clip(rop, lo, hi)
    max_qty = np.maximum(np.clip(min_qty + qty, lo, hi), min_qty)
    shape = min_qty.shape
    z, ss = (np.array(np.broadcast_to(a, shape)) for a in (z, ss))
    return PolicyResult(
        z=z,
        safety_stock=ss,
        reorder_point=np.array(rop),
        order_qty=np.array(qty),
        min_qty=min_qty,
        max_qty=max_qty,
    )


def needs_approval(old: object, new: object, threshold: object) -> np.ndarray:
    """True where old > 0 and |new - old| / old > threshold.

    old == 0 -> False (a first computation is applied directly);
    threshold == 0 -> False (approval disabled). threshold must be >= 0.
    """
    old, new, threshold = broadcast(
        old=_non_negative("old", old),
        new=_non_negative("new", new),
        threshold=_non_negative("threshold", threshold),
    )
    active = old > 0
    change = np.divide(
        np.abs(new - old), old, out=np.zeros(np.shape(old)), where=active
    )
    return active & (threshold > 0) & (change > threshold)
