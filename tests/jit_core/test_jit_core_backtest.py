"""jit_core.backtest: golden cases worked by hand, and hypothesis properties."""

import os

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from jit_core.backtest import History, Policy, backtest, nightly_levels

SETTINGS = settings(
    deadline=None,
    max_examples=60,
    database=None,
    derandomize=bool(os.environ.get("CI")),
)

# z = 0 (service level 0.5): no safety stock; no spike filter.
FLAT = Policy(
    "flat", service_level=0.5, review_period_days=2, window_days=3, spike_factor=0
)


def _flat_history(**over):
    """One SKU, 8 days of demand 2, 10 on hand at the start, no receipts,
    unit cost 10, lead time 2 days exactly."""
    values = {
        "demand": np.full((1, 8), 2.0),
        "receipts": np.zeros((1, 8)),
        "opening": np.array([10.0]),
        "unit_cost": np.array([10.0]),
        "lead_time": np.array([2.0]),
        "lead_time_sigma": np.array([0.0]),
    }
    values.update(over)
    return History(**values)


def test_golden_policy_replay():
    # Warm-up days 0-2 (window 3): 10 - 3 x 2 = 4 on hand when the replay of
    # days 3-7 (5 days) starts. Nightly levels: ADU 2, sigma 0, L 2 ->
    # ROP = 2 x 2 = 4, SS 0; order qty = review 2 x ADU 2 = 4 -> min 4, max 8.
    # day 0: 4 - 2 = 2; position 2 < 4 -> order 8 - 2 = 6, due day 2
    # day 1: 2 - 2 = 0 (stock-out day: closed empty; all demand served);
    #        position 0 + 6 = 6, not < 4
    # day 2: +6 -> 6 - 2 = 4; position 4, not < 4
    # day 3: 4 - 2 = 2; position 2 < 4 -> order 6, due day 5 (after the end)
    # day 4: 2 - 2 = 0 (stock-out day)
    # closing [2, 0, 4, 2, 0]: 2 stock-out days, average 8 / 5 = 1.6 units,
    # value 16, 2 orders, fill rate 10 / 10, carrying 16 x 0.25 x 5 / 365.
    result = backtest(_flat_history(), [FLAT], keep_daily=True)
    out = result.policies[0]
    assert result.start == 3 and result.days == 5
    np.testing.assert_allclose(out.daily["closing"][0], [2, 0, 4, 2, 0])
    assert out.stockout_days.tolist() == [2]
    assert out.orders.tolist() == [2]
    assert out.avg_on_hand[0] == pytest.approx(1.6)
    assert out.avg_value[0] == pytest.approx(16.0)
    assert out.fill_rate[0] == pytest.approx(1.0)
    assert out.carrying_cost[0] == pytest.approx(16 * 0.25 * 5 / 365)


def test_golden_actual_replay_lost_sales():
    # As it happened: no receipts, 4 on hand at the start of the replay.
    # day 0: 4 - 2 = 2; day 1: 2 - 2 = 0; days 2-4: demand 2 each, all lost.
    # closing [2, 0, 0, 0, 0]: 4 stock-out days, served 4 of 10 (fill 0.4),
    # average 2 / 5 = 0.4 units (value 4); orders = days with receipts = 0.
    actual = backtest(_flat_history(), [FLAT], keep_daily=True).actual
    np.testing.assert_allclose(actual.daily["closing"][0], [2, 0, 0, 0, 0])
    assert actual.stockout_days.tolist() == [4]
    assert actual.fill_rate[0] == pytest.approx(0.4)
    assert actual.avg_value[0] == pytest.approx(4.0)
    assert actual.orders.tolist() == [0]
    rows = backtest(_flat_history(), [FLAT]).table()
    assert [r["policy"] for r in rows] == ["actual", "flat"]
    assert rows[0]["fill_rate"] == pytest.approx(0.4)


def test_golden_backorders_go_negative():
    # Backorders: days 2-4 of the actual replay take stock to -2, -4, -6;
    # a stock-out day each (5 days: 2, 0, -2, -4, -6 -> 4 days <= 0),
    # served from stock 2 + 2 = 4 of 10.
    actual = backtest(_flat_history(), [FLAT], lost_sales=False, keep_daily=True).actual
    np.testing.assert_allclose(actual.daily["closing"][0], [2, 0, -2, -4, -6])
    assert actual.stockout_days.tolist() == [4]
    assert actual.fill_rate[0] == pytest.approx(0.4)


def test_golden_nightly_levels_multiple_and_rounding():
    # Window [1, 3, 1, 3]: ADU 2, sigma 1 (population). Service 0.5 (z 0),
    # L 3 -> ROP 6; order qty max(review 2 x 2, MOQ 5) = 5, multiple 4 -> 8;
    # max = 6 + 8 = 14; rounding 5 -> min 10, max 15.
    low, high = nightly_levels(
        np.array([[1.0, 3.0, 1.0, 3.0]]),
        None,
        [
            Policy(
                "p",
                service_level=0.5,
                review_period_days=2,
                window_days=4,
                spike_factor=0,
            )
        ],
        np.array([3.0]),
        np.array([0.0]),
        moq=5.0,
        multiple=4.0,
        rounding=5.0,
    )
    assert low.tolist() == [10.0] and high.tolist() == [15.0]


def test_nightly_levels_leave_stockout_days_out_only_when_asked():
    # Window [4, 0, 4, 0] where days 1 and 3 closed empty: counting them,
    # ADU 2; leaving them out (exclude_stockout_days), ADU 4. z 0, L 1,
    # review 1: min = ADU, max = 2 x ADU.
    window = np.array([[4.0, 0.0, 4.0, 0.0]] * 2)
    outs = np.array([[False, True, False, True]] * 2)
    both = [
        Policy(
            "keep",
            service_level=0.5,
            review_period_days=1,
            window_days=4,
            spike_factor=0,
        ),
        Policy(
            "censor",
            service_level=0.5,
            review_period_days=1,
            window_days=4,
            spike_factor=0,
            exclude_stockout_days=True,
        ),
    ]
    low, high = nightly_levels(window, outs, both, np.array([1.0]), np.array([0.0]))
    assert low.tolist() == [2.0, 4.0] and high.tolist() == [4.0, 8.0]


@pytest.mark.parametrize(
    "kwargs, message",
    [
        ({"lead_times": "random"}, "lead_times must be 'fixed' or 'sampled'"),
        ({"start": 1}, "start must be in [3, 8)"),
        ({"start": 8}, "start must be in [3, 8)"),
        ({"recompute_every": 0}, "recompute_every must be an integer >= 1"),
        ({"holding_rate": -0.1}, "holding_rate must be >= 0, got -0.1"),
    ],
)
def test_bad_arguments_name_field_and_value(kwargs, message):
    with pytest.raises(ValueError) as err:
        backtest(_flat_history(), [FLAT], **kwargs)
    assert message in str(err.value)


def test_bad_history_and_policy_name_field_and_value():
    with pytest.raises(ValueError, match=r"demand must be >= 0, got -1.0"):
        backtest(_flat_history(demand=np.array([[2.0] * 7 + [-1.0]])), [FLAT])
    with pytest.raises(ValueError, match=r"receipts must have shape \(1, 8\)"):
        backtest(_flat_history(receipts=np.zeros((1, 7))), [FLAT])
    with pytest.raises(ValueError, match=r"service_level must be in \(0, 1\), got 1.0"):
        Policy("bad", service_level=1.0)
    with pytest.raises(ValueError, match="policies must hold at least one"):
        backtest(_flat_history(), [])


# --- properties ------------------------------------------------------------


@st.composite
def histories(draw):
    n = draw(st.integers(1, 6))
    days = draw(st.integers(6, 30))
    rng = np.random.default_rng(draw(st.integers(0, 2**32 - 1)))
    adu = rng.uniform(0, 8, n)
    demand = rng.poisson(adu[:, None] * rng.uniform(0, 2, (n, days))).astype(float)
    receipts = np.where(rng.random((n, days)) < 0.15, rng.integers(0, 60, (n, days)), 0)
    return History(
        demand=demand,
        receipts=receipts.astype(float),
        opening=rng.uniform(0, 40, n),
        unit_cost=rng.uniform(0.5, 20, n),
        lead_time=rng.uniform(0, 9, n),
        lead_time_sigma=rng.uniform(0, 3, n),
        moq=rng.choice([0.0, 5.0], n),
        multiple=rng.choice([0.0, 3.0], n),
    )


POLICIES = [
    Policy("sl90", service_level=0.9, window_days=3),
    Policy("sl99", service_level=0.99, window_days=5, exclude_stockout_days=True),
]


def _conserved(outcome, at_start):
    d = outcome.daily
    before = np.concatenate([at_start[:, None], d["closing"][:, :-1]], axis=1)
    np.testing.assert_allclose(
        before + d["received"] - d["consumed"], d["closing"], atol=1e-9
    )


@SETTINGS
@given(h=histories(), lost=st.booleans(), sampled=st.booleans())
def test_conservation_every_sku_and_day(h, lost, sampled):
    # start + received - consumed == end, per SKU and day, for the actual
    # replay and every policy.
    r = backtest(
        h,
        POLICIES,
        lost_sales=lost,
        keep_daily=True,
        lead_times="sampled" if sampled else "fixed",
    )
    start = r.start
    at_start = h.opening + h.receipts[:, :start].sum(1) - h.demand[:, :start].sum(1)
    at_start = np.maximum(at_start, 0) if lost else at_start
    for outcome in (r.actual, *r.policies):
        _conserved(outcome, at_start)
        assert np.all(outcome.served <= outcome.demand + 1e-9)
        assert np.all((outcome.fill_rate >= 0) & (outcome.fill_rate <= 1))


@SETTINGS
@given(h=histories())
def test_lost_sales_never_negative(h):
    r = backtest(h, POLICIES, lost_sales=True, keep_daily=True, lead_times="sampled")
    for outcome in (r.actual, *r.policies):
        assert np.all(outcome.daily["closing"] >= 0)
        assert np.all(outcome.daily["consumed"] <= h.demand[:, r.start :] + 1e-9)


@SETTINGS
@given(h=histories(), seed=st.integers(0, 2**31))
def test_deterministic_for_a_seed(h, seed):
    one = backtest(h, POLICIES, lead_times="sampled", seed=seed, keep_daily=True)
    two = backtest(h, POLICIES, lead_times="sampled", seed=seed, keep_daily=True)
    assert one.table() == two.table()
    for a, b in zip(one.policies, two.policies, strict=True):
        np.testing.assert_array_equal(a.daily["closing"], b.daily["closing"])


@SETTINGS
@given(h=histories())
def test_policies_are_independent_of_each_other(h):
    # Several policies at once give each the same figures as alone.
    together = backtest(h, POLICIES, start=5, lead_times="sampled", seed=7)
    for i, policy in enumerate(POLICIES):
        alone = backtest(h, [policy], start=5, lead_times="sampled", seed=7)
        assert alone.policies[0].totals() == pytest.approx(
            together.policies[i].totals()
        )


@SETTINGS
@given(h=histories())
def test_feasible_history_replays_as_it_happened(h):
    # When the recorded consumption never exceeded the stock, replaying the
    # actual receipts gives the recorded stock: opening + receipts - demand.
    demand = np.minimum(h.demand, 0)  # nothing consumed: always feasible
    demand[:, -1] = np.minimum(h.opening, 1.0)
    h2 = History(
        demand=demand,
        receipts=h.receipts,
        opening=h.opening,
        unit_cost=h.unit_cost,
        lead_time=h.lead_time,
        lead_time_sigma=h.lead_time_sigma,
    )
    r = backtest(h2, POLICIES, keep_daily=True)
    stock = h.opening[:, None] + np.cumsum(h.receipts - demand, axis=1)
    np.testing.assert_allclose(r.actual.daily["closing"], stock[:, r.start :])
