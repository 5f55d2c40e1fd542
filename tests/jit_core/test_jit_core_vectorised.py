"""100k SKUs x 90 days in one call == the same SKUs computed one by one."""

import statistics

import numpy as np
import pytest

from jit_core import compute_policy, daily_buckets, demand_stats

N_SKUS, WINDOW = 100_000, 90
PICK = [0, 1, 777, 54_321, 99_999]


@pytest.fixture(scope="module")
def data():
    rng = np.random.default_rng(42)
    n_rows = 1_500_000
    sku = rng.integers(0, N_SKUS, n_rows)
    day = rng.integers(0, WINDOW, n_rows)
    qty = rng.poisson(3.0, n_rows).astype(float)
    qty[rng.random(n_rows) < 0.05] *= -1  # some returns
    qty[rng.random(n_rows) < 0.001] *= 40  # some spikes
    stockout = rng.random((N_SKUS, WINDOW)) < 0.03
    per_sku = dict(
        lead_time=rng.uniform(0, 30, N_SKUS),
        sigma_lt=rng.uniform(0, 5, N_SKUS),
        service_level=rng.choice([0.9, 0.95, 0.98], N_SKUS),
        review_period=rng.choice([7.0, 14.0], N_SKUS),
        moq=rng.choice([0.0, 10.0, 50.0], N_SKUS),
        multiple=rng.choice([0.0, 6.0, 12.0], N_SKUS),
        min_clamp=np.where(rng.random(N_SKUS) < 0.3, 5.0, np.nan),
        max_clamp=np.where(rng.random(N_SKUS) < 0.3, 400.0, np.nan),
    )
    return sku, day, qty, stockout, per_sku


def _pipeline(sku, day, qty, n, stockout, per_sku):
    b = daily_buckets(sku, day, qty, n, WINDOW)
    stats = demand_stats(b, spike_factor=3.0, spike_cap=60.0, stockout_mask=stockout)
    return b, stats, compute_policy(stats.adu, stats.sigma, **per_sku)


def test_bulk_equals_one_by_one(data):
    sku, day, qty, stockout, per_sku = data
    b, stats, policy = _pipeline(sku, day, qty, N_SKUS, stockout, per_sku)
    assert policy.max_qty.shape == (N_SKUS,)
    assert np.all(policy.max_qty >= policy.min_qty)
    assert stats.spikes.sum() > 0 and (stats.days_counted < WINDOW).any()

    for i in PICK:
        rows = sku == i
        one = {k: v[i] for k, v in per_sku.items()}
        b1, s1, p1 = _pipeline(
            np.zeros(rows.sum(), int), day[rows], qty[rows], 1, stockout[i : i + 1], one
        )
        np.testing.assert_allclose(b1[0], b[i], rtol=1e-12)
        for field in ("adu", "sigma", "days_counted", "spikes"):
            np.testing.assert_allclose(
                getattr(s1, field)[0], getattr(stats, field)[i], rtol=1e-12
            )
        for field in (
            "z",
            "safety_stock",
            "reorder_point",
            "order_qty",
            "min_qty",
            "max_qty",
        ):
            np.testing.assert_allclose(
                getattr(p1, field)[0], getattr(policy, field)[i], rtol=1e-12
            )

        # independent plain-Python reference for the demand part
        cells = [0.0] * WINDOW
        for d, q in zip(day[rows], qty[rows], strict=True):
            cells[d] += q
        # net days, negative ones included (returns net over the window)
        kept = [c for c, out in zip(cells, stockout[i], strict=True) if not out]
        m, s = statistics.fmean(kept), statistics.pstdev(kept)
        limit = min(m + 3.0 * s, 60.0)
        clipped = [min(c, limit) for c in kept]
        assert stats.adu[i] == pytest.approx(
            max(statistics.fmean(clipped), 0.0), rel=1e-12
        )
        assert stats.sigma[i] == pytest.approx(statistics.pstdev(clipped), rel=1e-9)
        assert stats.spikes[i] == sum(c > limit for c in kept)
