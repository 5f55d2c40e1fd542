"""Hypothesis property tests for jit_core (vectorised: one draw = many SKUs)."""

import os
from collections import defaultdict

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from jit_core import (
    daily_buckets,
    demand_stats,
    match_keys,
    order_quantity,
    reorder_point,
    safety_stock,
    z_score,
)

# Random exploration locally; a fixed example sequence on CI (CI=true), so a
# submission cannot fail on an example its author never saw.
SETTINGS = settings(
    deadline=None,
    max_examples=100,
    database=None,
    derandomize=bool(os.environ.get("CI")),
)
N = 16

nonneg = st.floats(0, 1e4, allow_nan=False, allow_infinity=False)
vec = arrays(np.float64, N, elements=nonneg)
levels = arrays(np.float64, N, elements=st.floats(0.01, 0.9999))


def _sorted_pair(a, b):
    return np.minimum(a, b), np.maximum(a, b)


@SETTINGS
@given(
    z=arrays(np.float64, N, elements=st.floats(-4, 4)),
    adu=vec,
    s1=vec,
    s2=vec,
    lt=vec,
    slt=vec,
)
def test_safety_stock_monotone_in_sigma_d(z, adu, s1, s2, lt, slt):
    lo, hi = _sorted_pair(s1, s2)
    assert np.all(
        safety_stock(z, adu, lo, lt, slt) <= safety_stock(z, adu, hi, lt, slt)
    )


@SETTINGS
@given(
    z=arrays(np.float64, N, elements=st.floats(-4, 4)),
    adu=vec,
    sd=vec,
    lt=vec,
    a=vec,
    b=vec,
)
def test_safety_stock_monotone_in_sigma_lt(z, adu, sd, lt, a, b):
    lo, hi = _sorted_pair(a, b)
    assert np.all(safety_stock(z, adu, sd, lt, lo) <= safety_stock(z, adu, sd, lt, hi))


@SETTINGS
@given(p1=levels, p2=levels, adu=vec, sd=vec, lt=vec, slt=vec)
def test_safety_stock_monotone_in_service_level(p1, p2, adu, sd, lt, slt):
    lo, hi = _sorted_pair(p1, p2)
    ss_lo = safety_stock(z_score(lo), adu, sd, lt, slt)
    ss_hi = safety_stock(z_score(hi), adu, sd, lt, slt)
    assert np.all(ss_lo <= ss_hi)
    assert np.all(ss_lo >= 0)


@SETTINGS
@given(p=levels, adu=vec, sd=vec, lt=vec, slt=vec)
def test_reorder_point_at_least_lead_time_demand(p, adu, sd, lt, slt):
    ss = safety_stock(z_score(p), adu, sd, lt, slt)
    assert np.all(reorder_point(adu, lt, ss) >= adu * lt)


@SETTINGS
@given(
    adu=vec,
    rp=arrays(np.float64, N, elements=st.floats(0, 60)),
    moq=vec,
    multiple=arrays(
        np.float64, N, elements=st.one_of(st.just(0.0), st.floats(0.01, 500))
    ),
)
def test_order_quantity_moq_and_multiple(adu, rp, moq, multiple):
    q = order_quantity(adu, rp, moq, multiple)
    assert np.all(q >= np.maximum(rp * adu, moq) * (1 - 1e-9))
    has = multiple > 0
    ratio = q[has] / multiple[has]
    np.testing.assert_allclose(ratio, np.round(ratio), rtol=1e-9, atol=1e-9)


@SETTINGS
@given(
    buckets=arrays(np.float64, (5, 12), elements=st.floats(-1e3, 1e3)),
    k=st.one_of(st.none(), st.floats(0.1, 5)),
    cap=st.one_of(st.none(), st.floats(0, 1e3)),
)
def test_adu_is_mean_of_clipped(buckets, k, cap):
    """Net days (returns make them negative) enter ADU and sigma as they are;
    ADU is never below 0."""
    stats = demand_stats(buckets, spike_factor=k, spike_cap=cap)
    np.testing.assert_allclose(
        stats.adu, np.maximum(stats.clipped.mean(axis=1), 0.0), rtol=1e-9, atol=1e-9
    )
    np.testing.assert_allclose(
        stats.sigma, stats.clipped.std(axis=1), rtol=1e-7, atol=1e-6
    )
    assert np.all(stats.clipped <= buckets)
    np.testing.assert_array_equal(stats.spikes, (stats.clipped < buckets).sum(axis=1))


rows = st.lists(
    st.tuples(st.integers(0, 3), st.integers(0, 6), st.integers(-20, 50).map(float)),
    max_size=60,
)


@SETTINGS
@given(rows=rows)
def test_daily_buckets_total_is_net_sum(rows):
    """Returns net over the window: each SKU's total is the sum of its rows,
    whatever the day of the return (nothing is clipped per day)."""
    cells = defaultdict(float)
    for sku, day, qty in rows:
        cells[sku, day] += qty
    sku, day, qty = (
        (np.array(c) for c in zip(*rows, strict=True)) if rows else ([], [], [])
    )
    b = daily_buckets(sku, day, qty, n_skus=4, window_days=7)
    for (s, d), value in cells.items():
        assert b[s, d] == value  # integer quantities: exact
    for s in range(4):
        assert b[s].sum() == sum(q for k, _d, q in rows if k == s)


@SETTINGS
@given(
    rows=st.lists(st.integers(0, 6), max_size=40),
    keys=st.lists(st.integers(0, 6), max_size=12),
)
def test_match_keys_is_the_equi_join(rows, keys):
    """match_keys gives exactly the pairs a nested loop would, in row order."""
    row_pos, key_pos = match_keys(np.array(rows, dtype=np.int64), np.array(keys))
    got = sorted(zip(row_pos.tolist(), key_pos.tolist(), strict=True))
    want = [
        (i, k) for i, r in enumerate(rows) for k, key in enumerate(keys) if r == key
    ]
    assert got == want
    assert row_pos.tolist() == sorted(row_pos.tolist())
