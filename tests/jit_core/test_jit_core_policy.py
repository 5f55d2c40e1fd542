"""Golden and edge cases for jit_core.policy."""

import numpy as np
import pytest

from jit_core import (
    PolicyResult,
    compute_policy,
    needs_approval,
    order_quantity,
    reorder_point,
    safety_stock,
    z_score,
)

Z95 = 1.6448536269514715


def test_z_score_golden():
    # Phi^-1(0.5) = 0, Phi^-1(0.95) = 1.644854, Phi^-1(0.999) = 3.090232
    z = z_score([0.5, 0.95, 0.999, 0.95])
    np.testing.assert_allclose(z, [0.0, Z95, 3.090232306, Z95], rtol=1e-9)
    assert z[0] == 0.0
    assert z_score(0.95) == pytest.approx(Z95)
    # below 0.5 gives a negative z
    assert z_score(0.05) == pytest.approx(-Z95)


def test_z_score_keeps_shape():
    assert z_score(np.full((2, 3), 0.9)).shape == (2, 3)


def test_safety_stock_golden():
    # SS = 1.6449 * sqrt(4*2^2 + 10^2*1^2) = 1.6449*sqrt(116)
    #    = 1.6449*10.770330 = 17.716115
    assert safety_stock(1.6449, 10, 2, 4, 1) == pytest.approx(17.716115183, rel=1e-9)


def test_safety_stock_lead_time_zero():
    # L = 0: SS = z * sqrt(0 + adu^2 * sigma_lt^2) = 2 * 10 * 0.5 = 10
    # L = 0 and sigma_lt = 0: SS = 0
    np.testing.assert_allclose(safety_stock(2.0, 10, 3, 0, [0.5, 0.0]), [10.0, 0.0])


def test_safety_stock_negative_z_clipped():
    # z = -1 -> -sqrt(116) clipped to 0
    assert safety_stock(-1.0, 10, 2, 4, 1) == 0.0


def test_reorder_point_golden():
    # ROP = 10*4 + 17.716 = 57.716
    assert reorder_point(10, 4, 17.716) == pytest.approx(57.716)
    np.testing.assert_allclose(reorder_point([10, 3], [4, 0], [1, 2]), [41.0, 2.0])


def test_order_quantity_golden():
    # 10/day * 7 days = 70
    assert order_quantity(10, 7) == 70.0
    # max(70, MOQ 100) = 100 -> multiple 12: ceil(100/12 = 8.33) = 9 -> 108
    assert order_quantity(10, 7, moq=100, multiple=12) == 108.0
    # 70 -> multiple 25: ceil(2.8) = 3 -> 75
    assert order_quantity(10, 7, multiple=25) == 75.0
    # 70 is already a multiple of 7 -> 70
    assert order_quantity(10, 7, multiple=7) == 70.0
    # 10.000000001 is 10 within 1e-9 relative -> stays 10, not 20
    assert order_quantity(10.000000001, 1, multiple=10) == 10.0
    # 0.1 * 3 = 0.30000000000000004 is 3 multiples of 0.1
    assert order_quantity(0.1, 3, multiple=0.1) == pytest.approx(0.3)
    # no demand, no MOQ -> 0 whatever the multiple
    assert order_quantity(0, 7, multiple=12) == 0.0


def test_order_quantity_vector():
    # [3*1, 4*2 -> multiple 5 -> 10, max(0, 6) = 6]
    q = order_quantity([3, 4, 0], [1, 2, 5], moq=[0, 0, 6], multiple=[0, 5, 0])
    np.testing.assert_array_equal(q, [3.0, 10.0, 6.0])


def _policy(**kw):
    args = dict(
        adu=10.0,
        sigma_d=2.0,
        lead_time=4.0,
        sigma_lt=1.0,
        service_level=0.95,
        review_period=7.0,
    )
    args.update(kw)
    return compute_policy(**args)


def test_compute_policy_golden():
    r = _policy()
    assert isinstance(r, PolicyResult)
    # z = 1.644854; SS = 1.644854*sqrt(116) = 17.715616
    # ROP = 10*4 + 17.715616 = 57.715616
    # order qty = 10*7 = 70; min = 57.715616; max = 57.715616 + 70 = 127.715616
    assert r.z == pytest.approx(Z95)
    assert r.safety_stock == pytest.approx(17.715615733, rel=1e-9)
    assert r.reorder_point == pytest.approx(57.715615733, rel=1e-9)
    assert r.order_qty == 70.0
    assert r.min_qty == pytest.approx(57.715615733, rel=1e-9)
    assert r.max_qty == pytest.approx(127.715615733, rel=1e-9)


def test_compute_policy_clamps():
    r = _policy(
        adu=[10.0] * 5,
        min_clamp=[60.0, np.nan, np.nan, 0.0, 200.0],
        max_clamp=[np.nan, 100.0, 50.0, np.nan, 300.0],
    )
    # ROP 57.716, ROP + Q = 127.716
    # [0] min clamp 60:  min 60,     max clip(60+70) = 130
    # [1] max clamp 100: min 57.716, max 100
    # [2] max clamp 50:  min 50,     max clip(120) = 50 (max >= min)
    # [3] min clamp 0:   unchanged
    # [4] [200, 300]:    min 200,    max clip(270) = 270
    np.testing.assert_allclose(
        r.min_qty, [60.0, 57.715616, 50.0, 57.715616, 200.0], rtol=1e-7
    )
    np.testing.assert_allclose(
        r.max_qty, [130.0, 100.0, 50.0, 127.715616, 270.0], rtol=1e-7
    )
    # raw values are not clamped
    np.testing.assert_allclose(r.reorder_point, 57.715616, rtol=1e-7)
    assert r.min_qty.shape == r.z.shape == r.safety_stock.shape == (5,)


def test_compute_policy_moq_multiple():
    r = _policy(moq=100.0, multiple=12.0)
    # Q = 108 (see test_order_quantity_golden); max = 57.715616 + 108 = 165.715616
    assert r.order_qty == 108.0
    assert r.max_qty == pytest.approx(165.715615733, rel=1e-9)


def test_compute_policy_service_level_half_and_high():
    r = _policy(service_level=[0.5, 0.999])
    # z = 0 -> SS 0, ROP = 40
    # z = 3.090232 -> SS = 3.090232*sqrt(116) = 3.090232*10.770330 = 33.282821
    np.testing.assert_allclose(r.safety_stock, [0.0, 33.28282052], rtol=1e-8)
    np.testing.assert_allclose(r.reorder_point, [40.0, 73.28282052], rtol=1e-8)


def test_compute_policy_no_history():
    r = _policy(adu=0.0, sigma_d=0.0)
    # no demand: SS = z*sqrt(4*0 + 0*1) = 0; ROP 0; Q 0
    assert r.min_qty == 0.0 and r.max_qty == 0.0


def test_needs_approval_golden():
    old = [100, 100, 100, 0, 100, 100]
    new = [121, 120, 79, 5, 150, 100]
    thr = [0.2, 0.2, 0.2, 0.2, 0.0, 0.2]
    # |121-100|/100 = 0.21 > 0.2 True; 0.20 > 0.2 False; |79-100|/100 = 0.21 True
    # old 0 -> False (first computation); threshold 0 -> approval disabled;
    # no change -> False
    np.testing.assert_array_equal(
        needs_approval(old, new, thr), [True, False, True, False, False, False]
    )
    assert needs_approval(100, 130, 0.2)


# --- bad input -------------------------------------------------------------


@pytest.mark.parametrize(
    "level, shown", [(0, "0.0"), (1, "1.0"), (1.2, "1.2"), (-0.1, "-0.1")]
)
def test_service_level_out_of_range(level, shown):
    with pytest.raises(
        ValueError, match=rf"service_level must be in \(0, 1\), got {shown}$"
    ):
        z_score(level)


def test_service_level_array_reports_index():
    with pytest.raises(
        ValueError, match=r"service_level must be in \(0, 1\), got 1.0 \(index 2\)"
    ):
        _policy(service_level=[0.9, 0.95, 1.0])


def test_service_level_nan():
    with pytest.raises(ValueError, match=r"service_level must not be NaN, got nan"):
        z_score([0.9, np.nan])


def test_min_clamp_above_max_clamp():
    with pytest.raises(
        ValueError, match=r"min_clamp must be <= max_clamp, got 50.0 > 20.0 \(index 1\)"
    ):
        _policy(adu=[1.0, 2.0], min_clamp=[1.0, 50.0], max_clamp=[5.0, 20.0])


def test_negative_clamp():
    with pytest.raises(
        ValueError, match=r"max_clamp must be >= 0, got -1.0 \(index 0\)"
    ):
        _policy(max_clamp=[-1.0])


@pytest.mark.parametrize(
    "field",
    ["adu", "sigma_d", "lead_time", "sigma_lt", "review_period", "moq", "multiple"],
)
def test_negative_inputs(field):
    with pytest.raises(
        ValueError, match=rf"{field} must be >= 0, got -3.0 \(index 1\)"
    ):
        _policy(**{field: [1.0, -3.0]})


@pytest.mark.parametrize(
    "field", ["adu", "sigma_d", "lead_time", "sigma_lt", "review_period"]
)
def test_nan_inputs(field):
    with pytest.raises(ValueError, match=rf"{field} must not be NaN, got nan"):
        _policy(**{field: np.nan})


def test_shape_mismatch_names_fields():
    with pytest.raises(
        ValueError, match=r"shape mismatch: .*adu \(3,\), sigma_d \(2,\)"
    ):
        _policy(adu=[1.0, 2.0, 3.0], sigma_d=[1.0, 2.0])


def test_needs_approval_bad_threshold():
    with pytest.raises(ValueError, match=r"threshold must be >= 0, got -0.1"):
        needs_approval(1.0, 2.0, -0.1)
    with pytest.raises(ValueError, match=r"threshold must not be NaN, got nan"):
        needs_approval(1.0, 2.0, np.nan)


def test_order_quantity_subnormal_moq_rounds_up_to_one_multiple():
    # Found by hypothesis: 5e-324 / 2 underflows to 0, and ceil(0) * 2 = 0 < MOQ.
    # The quantity must still be one full multiple: 2.
    assert order_quantity(0.0, 0.0, 5e-324, 2.0)[()] == 2.0
