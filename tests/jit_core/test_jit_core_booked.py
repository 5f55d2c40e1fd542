"""Booked share (issue 8 point 5): demand already booked a lead time ahead is
in Odoo's forecast at the lead-days date, so the minimum covers only the
unbooked part of the lead-time demand: min = SS + ADU * L * (1 - booked share)."""

import os

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from jit_core import booked_share, compute_policy, reorder_point

SETTINGS = settings(
    deadline=None,
    max_examples=100,
    database=None,
    derandomize=bool(os.environ.get("CI")),
)
N = 12


def test_booked_share_golden():
    """Three SKUs, lead times 4, 2 and 5 days.

    SKU0: 6 booked 10 days ahead (>= 4: booked), 2 booked 3.5 days ahead
          (< 4), 2 booked exactly 4 days ahead (>= 4: booked)
          -> (6 + 2) / (6 + 2 + 2) = 0.8
    SKU1: 5 booked 1 day ahead (< 2) -> 0 / 5 = 0
    SKU2: no consumption -> 0
    """
    share = booked_share(
        [0, 0, 0, 1], [6.0, 2.0, 2.0, 5.0], [10.0, 3.5, 4.0, 1.0], [4.0, 2.0, 5.0], 3
    )
    np.testing.assert_allclose(share, [0.8, 0.0, 0.0])


def test_reorder_point_with_booked_share_golden():
    """ADU 10, L 4, SS 17.716:
    share 0    -> 10*4*1    + 17.716 = 57.716 (as without booking)
    share 0.25 -> 10*4*0.75 + 17.716 = 47.716
    share 1    -> 0         + 17.716 = 17.716 (min = SS)
    """
    np.testing.assert_allclose(
        reorder_point(10, 4, 17.716, booked_share=[0.0, 0.25, 1.0]),
        [57.716, 47.716, 17.716],
    )


def test_compute_policy_booked_share():
    # ADU 4, sigma 0, L 4, SS 0 (sigma 0, sigma_L 0): min = 16 * (1 - 0.5) = 8
    # order qty 7 * 4 = 28 -> max 36
    policy = compute_policy(4.0, 0.0, 4.0, 0.0, 0.95, 7.0, booked_share=0.5)
    assert policy.min_qty == pytest.approx(8.0)
    assert policy.max_qty == pytest.approx(36.0)


@pytest.mark.parametrize("bad", [-0.1, 1.5, np.nan])
def test_booked_share_out_of_range(bad):
    with pytest.raises(ValueError, match="booked_share"):
        reorder_point(1.0, 1.0, 0.0, booked_share=bad)


def test_booked_share_bad_inputs():
    with pytest.raises(ValueError, match=r"qty must be >= 0, got -1.0"):
        booked_share([0], [-1.0], [1.0], [1.0], 1)
    with pytest.raises(ValueError, match=r"lead_time must be >= 0"):
        booked_share([0], [1.0], [1.0], [-1.0], 1)
    with pytest.raises(ValueError, match=r"sku_index must be in \[0, 1\)"):
        booked_share([1], [1.0], [1.0], [1.0], 1)


@SETTINGS
@given(
    rows=st.lists(
        st.tuples(st.integers(0, 3), st.floats(0, 100), st.floats(-5, 30)),
        max_size=40,
    ),
    lead=arrays(np.float64, 4, elements=st.floats(0, 20)),
)
def test_booked_share_is_the_booked_fraction(rows, lead):
    """Share in [0, 1]; equals the booked quantity over the total, SKU by SKU."""
    sku, qty, ahead = (
        (np.array(c) for c in zip(*rows, strict=True)) if rows else ([], [], [])
    )
    share = booked_share(sku, qty, ahead, lead, 4)
    assert np.all((share >= 0) & (share <= 1))
    for s in range(4):
        total = sum(q for k, q, _a in rows if k == s)
        booked = sum(q for k, q, a in rows if k == s and a >= lead[s])
        assert share[s] == pytest.approx(booked / total if total else 0.0, abs=1e-9)


@SETTINGS
@given(
    adu=arrays(np.float64, N, elements=st.floats(0, 1e3)),
    lt=arrays(np.float64, N, elements=st.floats(0, 60)),
    ss=arrays(np.float64, N, elements=st.floats(0, 1e3)),
    b1=arrays(np.float64, N, elements=st.floats(0, 1)),
    b2=arrays(np.float64, N, elements=st.floats(0, 1)),
)
def test_min_falls_from_rop_to_ss_as_share_grows(adu, lt, ss, b1, b2):
    """SS <= min(share) <= ROP; more demand booked ahead never raises min;
    share 0 is the classic ROP, share 1 is the safety stock alone."""
    lo, hi = np.minimum(b1, b2), np.maximum(b1, b2)
    at_lo = reorder_point(adu, lt, ss, booked_share=lo)
    at_hi = reorder_point(adu, lt, ss, booked_share=hi)
    assert np.all(at_hi <= at_lo * (1 + 1e-12) + 1e-9)
    assert np.all(at_hi >= ss - 1e-9)
    np.testing.assert_allclose(
        reorder_point(adu, lt, ss, booked_share=0.0), adu * lt + ss
    )
    np.testing.assert_allclose(reorder_point(adu, lt, ss, booked_share=1.0), ss)
