"""jit_core.nightly.recompute_levels: THE nightly sequence (demand statistics,
seed, policy, rounding) that the recompute and the backtest both call."""

import os

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from jit_core import recompute_levels
from jit_core.backtest import Policy, nightly_levels

SETTINGS = settings(
    deadline=None,
    max_examples=60,
    database=None,
    derandomize=bool(os.environ.get("CI")),
)


def test_golden_rows_with_their_own_window_filter_and_seed():
    """Two rows over the same 4 columns, z 0 (service 0.5), L 2, review 1:
    min = 2 x ADU, max = 3 x ADU.
    row 0: window 4 [2, 2, 2, 10], spike factor 1: mean 4, sigma sqrt(12)
      = 3.4641, threshold 7.4641 -> 10 clipped to 7.4641 -> ADU 13.4641 / 4
      = 3.366 -> min 6.732 -> 6.8 (rounding 0.1), max 10.098 -> 10.1.
    row 1: window 2 [., ., 0, 0] (the 9 is outside its window), no filter:
      no consumption in the window; 2 days counted, the seed asks for 3 ->
      seed ADU 1.5 -> min 3, max 4.5."""
    consumption = np.array([[2.0, 2.0, 2.0, 10.0], [9.0, 9.0, 0.0, 0.0]])
    asked = []

    def seed(days_counted):
        asked.append(days_counted.tolist())
        return np.where(days_counted < 3, 1.5, 0.0)

    levels = recompute_levels(
        consumption,
        lead_time=2.0,
        lead_time_sigma=0.0,
        service_level=0.5,
        review_period_days=1.0,
        window_days=np.array([4, 2]),
        spike_factor=np.array([1.0, 0.0]),
        rounding=0.1,
        seed=seed,
    )
    assert asked == [[4, 2]]
    assert levels.spikes.tolist() == [1, 0]
    assert levels.seeded.tolist() == [False, True]
    np.testing.assert_allclose(levels.adu, [(6 + 4 + 12**0.5) / 4, 1.5])
    np.testing.assert_allclose(levels.new_min, [6.8, 3.0])
    np.testing.assert_allclose(levels.new_max, [10.1, 4.5])


@SETTINGS
@given(
    data=arrays(float, (6, 8), elements=st.floats(-5, 50, allow_nan=False)),
    windows=arrays(np.int64, 6, elements=st.integers(1, 8)),
    factors=arrays(float, 6, elements=st.sampled_from([0.0, 0.5, 1.0, 2.0])),
    caps=arrays(float, 6, elements=st.sampled_from([0.0, 5.0, 20.0])),
    outs=arrays(bool, (6, 8)),
)
def test_a_batch_gives_each_row_what_it_gets_alone(data, windows, factors, caps, outs):
    """Rows under different windows, filters and stock-out days in one call
    (the recompute's batch) get exactly the levels each gets on its own."""
    params = {
        "lead_time": np.linspace(1, 6, 6),
        "lead_time_sigma": np.linspace(0, 2, 6),
        "service_level": np.linspace(0.5, 0.99, 6),
        "review_period_days": np.linspace(0, 14, 6),
        "min_clamp": np.array([np.nan, 1, np.nan, 0, np.nan, 2.0]),
        "rounding": np.array([0.01, 1, 0.5, 0, 0.1, 1.0]),
    }
    batch = recompute_levels(
        data,
        window_days=windows,
        spike_factor=factors,
        spike_cap=caps,
        stockout_mask=outs,
        **params,
    )
    for i in range(6):
        alone = recompute_levels(
            data[i : i + 1, -windows[i] :],
            spike_factor=factors[i],
            spike_cap=caps[i],
            stockout_mask=outs[i : i + 1, -windows[i] :],
            **{name: value[i] for name, value in params.items()},
        )
        for name in ("adu", "sigma", "days_counted", "spikes", "new_min", "new_max"):
            assert getattr(batch, name)[i] == getattr(alone, name)[0], (name, i)


def test_the_backtest_replays_the_same_sequence():
    """backtest.nightly_levels (stacked policies) is recompute_levels with
    each policy's parameters per row."""
    rng = np.random.default_rng(7)
    consumption = rng.integers(0, 12, size=(6, 10)).astype(float)
    outs = rng.random((6, 10)) < 0.2
    policies = [
        Policy("a", service_level=0.9, review_period_days=7, window_days=10),
        Policy(
            "b",
            service_level=0.97,
            review_period_days=3,
            window_days=10,
            spike_factor=0,
            spike_cap=8,
            exclude_stockout_days=True,
            min_clamp=2,
        ),
    ]
    lead, sigma = np.array([2.0, 5.0, 9.0]), np.array([0.0, 1.0, 2.0])
    low, high = nightly_levels(
        consumption, outs, policies, lead, sigma, moq=4, multiple=2, rounding=1
    )
    for k, p in enumerate(policies):
        rows = slice(3 * k, 3 * k + 3)
        same = recompute_levels(
            consumption[rows],
            lead_time=lead,
            lead_time_sigma=sigma,
            service_level=p.service_level,
            review_period_days=p.review_period_days,
            spike_factor=p.spike_factor,
            spike_cap=p.spike_cap,
            stockout_mask=outs[rows] if p.exclude_stockout_days else None,
            moq=4,
            multiple=2,
            min_clamp=p.min_clamp or None,
            rounding=1,
        )
        assert low[rows].tolist() == same.new_min.tolist()
        assert high[rows].tolist() == same.new_max.tolist()
