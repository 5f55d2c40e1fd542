"""Golden and edge cases for jit_core.leadtime."""

from datetime import datetime, timedelta

import numpy as np
import pytest

from jit_core import LeadTimeStats, lead_time_stats

T0 = np.datetime64("2024-01-01T00:00:00", "s")
DAY = np.timedelta64(1, "D")


def _samples(days):
    days = np.asarray(days, dtype=float)
    ordered = np.full(days.shape, T0)
    received = ordered + (days * 86400).astype("timedelta64[s]")
    return ordered, received


def test_mean_sigma_p90_without_outlier():
    stats = lead_time_stats(*_samples([2, 3, 4, 3]))
    assert isinstance(stats, LeadTimeStats)
    # median 3, |x-3| = [1,0,1,0] -> MAD = median(0,0,1,1) = 0.5
    # limit = 3 * 1.4826 * 0.5 = 2.2239 > 1 -> nothing dropped
    # mean = 12/4 = 3; sigma = sqrt((1+0+1+0)/4) = sqrt(0.5) = 0.707107
    # p90: sorted [2,3,3,4], pos = 0.9*3 = 2.7 -> 3 + 0.7*(4-3) = 3.7
    np.testing.assert_array_equal(stats.keys, [0])
    assert stats.mean[0] == pytest.approx(3.0)
    assert stats.sigma[0] == pytest.approx(np.sqrt(0.5))
    assert stats.p90[0] == pytest.approx(3.7)
    assert stats.count[0] == 4 and stats.outliers[0] == 0


def test_outlier_dropped():
    stats = lead_time_stats(*_samples([2, 3, 4, 3, 29]))
    # sorted [2,3,3,4,29], median 3; |x-3| sorted [0,0,1,1,26] -> MAD = 1
    # limit = 3 * 1.4826 * 1 = 4.4478; |29-3| = 26 > 4.4478 -> dropped
    # kept [2,3,3,4]: mean 3, sigma 0.707107, p90 3.7 (as above)
    assert stats.outliers[0] == 1 and stats.count[0] == 4
    assert stats.mean[0] == pytest.approx(3.0)
    assert stats.sigma[0] == pytest.approx(0.7071067812)
    assert stats.p90[0] == pytest.approx(3.7)


def test_outlier_kept_below_min_samples():
    stats = lead_time_stats(*_samples([2, 3, 4, 3, 29]), min_samples_for_filter=6)
    # 5 samples < 6 -> no filter: mean = 41/5 = 8.2
    # E[x^2] = (4+9+16+9+841)/5 = 175.8
    # sigma = sqrt(175.8 - 8.2^2) = sqrt(108.56) = 10.419213
    # p90: pos 0.9*4 = 3.6 -> 4 + 0.6*(29-4) = 19
    assert stats.outliers[0] == 0 and stats.count[0] == 5
    assert stats.mean[0] == pytest.approx(8.2)
    assert stats.sigma[0] == pytest.approx(10.419213022, rel=1e-9)
    assert stats.p90[0] == pytest.approx(19.0)


def test_mad_zero_drops_nothing():
    stats = lead_time_stats(*_samples([5, 5, 5, 5, 40]))
    # median 5, |x-5| = [0,0,0,0,35] -> MAD 0 -> filter disabled
    # mean = 60/5 = 12; E[x^2] = (4*25 + 1600)/5 = 340; sigma = sqrt(340 - 144) = 14
    # p90: pos 3.6 -> 5 + 0.6*35 = 26
    assert stats.outliers[0] == 0
    assert stats.mean[0] == pytest.approx(12.0)
    assert stats.sigma[0] == pytest.approx(14.0)
    assert stats.p90[0] == pytest.approx(26.0)


def test_groups_sorted_and_independent():
    ordered, received = _samples([10, 2, 12, 3, 4, 3, 29, 1])
    keys = [7, 3, 7, 3, 3, 3, 3, 5]
    stats = lead_time_stats(ordered, received, keys)
    # key 3: [2,3,4,3,29] -> 29 dropped (see test_outlier_dropped)
    # key 5: [1]; key 7: [10,12] -> mean 11, sigma 1, p90 = 10 + 0.9*2 = 11.8
    np.testing.assert_array_equal(stats.keys, [3, 5, 7])
    np.testing.assert_allclose(stats.mean, [3.0, 1.0, 11.0])
    np.testing.assert_allclose(stats.sigma, [np.sqrt(0.5), 0.0, 1.0])
    np.testing.assert_allclose(stats.p90, [3.7, 1.0, 11.8])
    np.testing.assert_array_equal(stats.count, [4, 1, 2])
    np.testing.assert_array_equal(stats.outliers, [1, 0, 0])


def test_matches_numpy_percentile():
    rng = np.random.default_rng(1)
    days = rng.gamma(4.0, 2.0, size=500)
    keys = rng.integers(0, 20, size=500)
    stats = lead_time_stats(*_samples(days), keys, min_samples_for_filter=10**6)
    for i, key in enumerate(stats.keys):
        x = np.sort(((_samples(days)[1] - T0) / DAY)[keys == key])
        assert stats.p90[i] == pytest.approx(np.percentile(x, 90), rel=1e-12)
        assert stats.mean[i] == pytest.approx(x.mean(), rel=1e-12)
        assert stats.sigma[i] == pytest.approx(x.std(), rel=1e-12)


def test_accepts_datetimes_and_strings_fractional_days():
    stats = lead_time_stats(
        [datetime(2024, 1, 1), "2024-01-01T00:00:00"],
        [datetime(2024, 1, 1) + timedelta(days=2, hours=12), "2024-01-04T12:00:00"],
    )
    # 2.5 and 3.5 days -> mean 3, sigma 0.5
    assert stats.mean[0] == pytest.approx(3.0)
    assert stats.sigma[0] == pytest.approx(0.5)


def test_lead_time_zero():
    stats = lead_time_stats([T0, T0], [T0, T0])
    assert stats.mean[0] == 0.0 and stats.sigma[0] == 0.0 and stats.p90[0] == 0.0


def test_empty_input():
    stats = lead_time_stats(
        np.array([], "datetime64[s]"), np.array([], "datetime64[s]")
    )
    for field in (
        stats.keys,
        stats.mean,
        stats.sigma,
        stats.p90,
        stats.count,
        stats.outliers,
    ):
        assert field.shape == (0,)


def test_received_before_ordered():
    ordered, received = _samples([1, 2, 3])
    received[2] = T0 - DAY
    with pytest.raises(
        ValueError, match=r"received must be >= ordered, got .* \(index 2\)"
    ):
        lead_time_stats(ordered, received)


def test_length_mismatch():
    with pytest.raises(
        ValueError, match=r"shape mismatch: ordered \(2,\), received \(3,\)"
    ):
        lead_time_stats([T0, T0], [T0, T0, T0])


def test_nat_rejected():
    with pytest.raises(
        ValueError, match=r"ordered must not be NaT, got NaT \(index 1\)"
    ):
        lead_time_stats([T0, np.datetime64("NaT")], [T0, T0])


def test_bad_datetime_string():
    with pytest.raises(ValueError, match=r"received must be datetimes"):
        lead_time_stats(["2024-01-01"], ["not a date"])


def test_bad_outlier_k():
    with pytest.raises(ValueError, match=r"outlier_k must be >= 1, got 0.5"):
        lead_time_stats([T0], [T0], outlier_k=0.5)
