"""Golden and edge cases for jit_core.demand."""

import numpy as np
import pytest

from jit_core import DemandStats, daily_buckets, demand_stats, match_keys

# One week, two SKUs, rows as they come out of the SQL aggregate (sku, day, qty).
ROWS = np.array(
    [
        (0, 0, 4.0),
        (0, 1, 6.0),
        (0, 1, -1.0),  # return on the same day: net 5
        (0, 3, 10.0),
        (0, 5, -2.0),  # return only: net -2 (kept: returns net over the window)
        (0, 6, 3.0),
        (1, 2, 7.0),
        (1, 2, -9.0),  # returns exceed consumption: net -2
        (1, 4, 7.0),
    ]
)
SKU, DAY, QTY = ROWS[:, 0].astype(int), ROWS[:, 1].astype(int), ROWS[:, 2]


def test_daily_buckets_week():
    b = daily_buckets(SKU, DAY, QTY, n_skus=3, window_days=7)
    assert b.dtype == np.float64 and b.shape == (3, 7)
    np.testing.assert_array_equal(b[0], [4, 5, 0, 10, 0, -2, 3])
    np.testing.assert_array_equal(b[1], [0, 0, -2, 0, 7, 0, 0])
    np.testing.assert_array_equal(b[2], np.zeros(7))  # SKU without rows


def test_daily_buckets_scalar_broadcast():
    # one SKU, qty given as scalar for every row: days 0,0,2 -> [2, 0, 1]
    b = daily_buckets(0, [0, 0, 2], 1.0, n_skus=1, window_days=3)
    np.testing.assert_array_equal(b, [[2.0, 0.0, 1.0]])


def test_adu_sigma_week():
    stats = demand_stats(daily_buckets(SKU, DAY, QTY, 3, 7))
    assert isinstance(stats, DemandStats)
    # SKU0 [4,5,0,10,0,-2,3]: ADU = 20/7 = 2.857143
    # E[x^2] = (16+25+100+4+9)/7 = 154/7 = 22
    # var = 22 - (20/7)^2 = 22 - 8.163265 = 13.836735
    # sigma = sqrt(13.836735) = 3.719776
    # SKU1 [0,0,-2,0,7,0,0]: ADU = 5/7; var = 53/7 - 25/49 = 346/49 = 7.061224
    # sigma = sqrt(346/49) = 2.657296
    # SKU2 no history: 0, 0
    np.testing.assert_allclose(stats.adu, [20 / 7, 5 / 7, 0.0], rtol=1e-12)
    np.testing.assert_allclose(
        stats.sigma, [np.sqrt(678 / 49), np.sqrt(346 / 49), 0.0], rtol=1e-12
    )
    assert stats.sigma[0] == pytest.approx(3.719776, rel=1e-6)
    np.testing.assert_array_equal(stats.days_counted, [7, 7, 7])
    np.testing.assert_array_equal(stats.spikes, [0, 0, 0])
    assert not stats.spike_mask.any()


SPIKY = np.array([[2, 2, 2, 2, 2, 2, 30.0]])


def test_spike_factor_clips_to_mean_plus_k_sigma():
    stats = demand_stats(SPIKY, spike_factor=2.0)
    # m = 42/7 = 6; E[x^2] = (6*4 + 900)/7 = 132
    # s = sqrt(132 - 36) = sqrt(96) = 9.797959
    # threshold = 6 + 2*9.797959 = 25.595918 -> day 6 clipped from 30 to 25.595918
    # ADU = (12 + 25.595918)/7 = 5.370845
    # E[x^2] = (24 + 25.595918^2)/7 = 97.021574
    # sigma = sqrt(97.021574 - 5.370845^2) = sqrt(68.175472) = 8.256851
    assert stats.spikes[0] == 1
    np.testing.assert_array_equal(stats.spike_mask[0], [False] * 6 + [True])
    assert stats.clipped[0, 6] == pytest.approx(25.595917942, rel=1e-10)
    np.testing.assert_array_equal(stats.clipped[0, :6], 2.0)
    assert stats.adu[0] == pytest.approx(5.370845420, rel=1e-9)
    assert stats.sigma[0] == pytest.approx(8.256851282, rel=1e-9)


def test_spike_cap_and_min_of_thresholds():
    # cap 10 < 25.595918 (k=2 threshold) -> clipped to 10
    # ADU = (12 + 10)/7 = 3.142857; E[x^2] = (24+100)/7 = 17.714286
    # sigma = sqrt(17.714286 - 3.142857^2) = sqrt(7.836735) = 2.799417
    stats = demand_stats(SPIKY, spike_factor=2.0, spike_cap=10.0)
    assert stats.clipped[0, 6] == 10.0
    assert stats.adu[0] == pytest.approx(22 / 7)
    assert stats.sigma[0] == pytest.approx(2.799416849, rel=1e-9)
    assert stats.spikes[0] == 1


def test_spike_cap_per_sku_with_inf_as_no_cap():
    b = np.vstack([SPIKY, SPIKY])
    stats = demand_stats(b, spike_cap=[10.0, np.inf])
    np.testing.assert_array_equal(stats.spikes, [1, 0])
    np.testing.assert_array_equal(stats.clipped[:, 6], [10.0, 30.0])
    # SKU1 untouched: ADU = 42/7 = 6
    assert stats.adu[1] == 6.0


def test_spike_filter_leaves_flat_series_alone():
    # constant demand: s = 0, threshold = m = 5, nothing is > 5
    stats = demand_stats(np.full((1, 7), 5.0), spike_factor=3.0)
    assert stats.spikes[0] == 0
    assert stats.adu[0] == 5.0 and stats.sigma[0] == 0.0


def test_stockout_days_are_excluded():
    b = np.array([[4, 5, 0, 10, 0, 0, 3.0], [1, 2, 3, 4, 5, 6, 7]])
    mask = np.zeros_like(b, dtype=bool)
    mask[0, [4, 5]] = True  # SKU0 out of stock on days 4 and 5
    mask[1, :] = True  # SKU1 out of stock the whole window
    stats = demand_stats(b, stockout_mask=mask)
    # SKU0 counted [4,5,0,10,3]: ADU = 22/5 = 4.4; E[x^2] = 150/5 = 30
    # sigma = sqrt(30 - 4.4^2) = sqrt(10.64) = 3.261901
    assert stats.adu[0] == pytest.approx(4.4)
    assert stats.sigma[0] == pytest.approx(3.261901286, rel=1e-9)
    np.testing.assert_array_equal(stats.days_counted, [5, 0])
    # all days excluded -> 0, 0, 0
    assert stats.adu[1] == 0.0 and stats.sigma[1] == 0.0


def test_stockout_days_are_never_spikes():
    b = np.array([[1, 1, 1, 1, 1, 1, 100.0]])
    mask = np.array([[False] * 6 + [True]])
    stats = demand_stats(b, spike_factor=1.0, stockout_mask=mask)
    assert stats.spikes[0] == 0
    assert stats.adu[0] == 1.0


def test_no_history_zero_rows():
    b = daily_buckets([], [], [], n_skus=4, window_days=90)
    assert b.shape == (4, 90) and not b.any()
    stats = demand_stats(b, spike_factor=3.0)
    np.testing.assert_array_equal(stats.adu, 0.0)
    np.testing.assert_array_equal(stats.sigma, 0.0)
    np.testing.assert_array_equal(stats.spikes, 0)


def test_zero_skus():
    b = daily_buckets([], [], [], n_skus=0, window_days=7)
    assert b.shape == (0, 7)
    assert demand_stats(b).adu.shape == (0,)


def test_one_day_window():
    b = daily_buckets([0, 1, 1], [0, 0, 0], [3.0, 2.0, 2.0], n_skus=2, window_days=1)
    stats = demand_stats(b, spike_factor=1.0)
    # ADU = the single day; sigma of one value = 0; no spike possible
    np.testing.assert_array_equal(stats.adu, [3.0, 4.0])
    np.testing.assert_array_equal(stats.sigma, [0.0, 0.0])
    np.testing.assert_array_equal(stats.spikes, [0, 0])


def test_all_zero_demand():
    stats = demand_stats(np.zeros((2, 30)), spike_factor=2.0, spike_cap=0.0)
    np.testing.assert_array_equal(stats.adu, 0.0)
    np.testing.assert_array_equal(stats.sigma, 0.0)
    np.testing.assert_array_equal(stats.days_counted, 30)


# --- bad input -------------------------------------------------------------


def test_window_zero_in_buckets():
    with pytest.raises(ValueError, match=r"window_days must be > 0, got 0"):
        daily_buckets([0], [0], [1.0], n_skus=1, window_days=0)


def test_window_zero_in_stats():
    with pytest.raises(ValueError, match=r"window_days must be > 0, got 0"):
        demand_stats(np.zeros((3, 0)))


def test_day_outside_window():
    with pytest.raises(
        ValueError, match=r"day_index must be in \[0, 7\), got 7 \(index 1\)"
    ):
        daily_buckets([0, 0], [0, 7], [1.0, 1.0], n_skus=1, window_days=7)
    with pytest.raises(ValueError, match=r"day_index .* got -1 \(index 0\)"):
        daily_buckets([0], [-1], [1.0], n_skus=1, window_days=7)


def test_sku_outside_range():
    with pytest.raises(
        ValueError, match=r"sku_index must be in \[0, 2\), got 2 \(index 0\)"
    ):
        daily_buckets([2], [0], [1.0], n_skus=2, window_days=7)


def test_nan_qty():
    with pytest.raises(ValueError, match=r"qty must not be NaN, got nan \(index 2\)"):
        daily_buckets([0, 0, 0], [0, 1, 2], [1.0, 2.0, np.nan], n_skus=1, window_days=7)


def test_returns_net_over_the_window():
    """Issue 8 point 3: deliveries 10 (day 0) and 10 (day 5), a return of 5
    on day 7 (a day without deliveries), window 10 days.

    net series [10,0,0,0,0,10,0,-5,0,0]: ADU = 15/10 = 1.5 (not 20/10 = 2.0)
    sigma: the return day enters with its negative value:
    E[x^2] = (100+100+25)/10 = 22.5; var = 22.5 - 1.5^2 = 20.25 -> sigma 4.5
    """
    b = daily_buckets([0, 0, 0], [0, 5, 7], [10.0, 10.0, -5.0], 1, 10)
    np.testing.assert_array_equal(b[0], [10, 0, 0, 0, 0, 10, 0, -5, 0, 0])
    stats = demand_stats(b)
    assert stats.adu[0] == pytest.approx(1.5)
    assert stats.sigma[0] == pytest.approx(4.5)


def test_more_returns_than_consumption_gives_adu_zero():
    # [1, -3]: net -2 over 2 days -> ADU max(-1, 0) = 0
    # sigma around the net mean -1: deviations 2, -2 -> sigma 2
    stats = demand_stats([[1.0, -3.0]])
    assert stats.adu[0] == 0.0
    assert stats.sigma[0] == pytest.approx(2.0)


def test_nan_bucket():
    with pytest.raises(ValueError, match=r"buckets must not be NaN, got nan"):
        demand_stats([[1.0, np.nan]])


def test_bad_spike_factor():
    with pytest.raises(ValueError, match=r"spike_factor must be > 0, got 0.0"):
        demand_stats(SPIKY, spike_factor=0)


def test_negative_spike_cap():
    with pytest.raises(ValueError, match=r"spike_cap must be >= 0, got -1.0"):
        demand_stats(SPIKY, spike_cap=-1)


def test_stockout_mask_shape():
    with pytest.raises(ValueError, match=r"stockout_mask must have shape \(1, 7\)"):
        demand_stats(SPIKY, stockout_mask=np.zeros((2, 7), dtype=bool))


def test_buckets_must_be_2d():
    with pytest.raises(ValueError, match=r"buckets must be a 2-D"):
        demand_stats([1.0, 2.0])


def test_match_keys_golden():
    """Rows of products 7, 5, 9, 7; rules of products 5, 7, 7 (two warehouses).

    row 0 (7) -> rules 1 and 2; row 1 (5) -> rule 0; row 2 (9) -> none;
    row 3 (7) -> rules 1 and 2.
    """
    row_pos, rule_pos = match_keys([7, 5, 9, 7], [5, 7, 7])
    assert row_pos.tolist() == [0, 0, 1, 3, 3]
    assert rule_pos.tolist() == [1, 2, 0, 1, 2]


def test_match_keys_rejects_non_integers():
    with pytest.raises(ValueError, match="row_keys"):
        match_keys([1.5], [1])
