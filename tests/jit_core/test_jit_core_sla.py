"""Golden cases, properties and bad input for jit_core.sla."""

import os
from datetime import date

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from jit_core import (
    period_bounds,
    sla_components,
    sla_score,
    standing,
    standing_dropped,
)

# Random exploration locally; a fixed example sequence on CI (CI=true).
SETTINGS = settings(
    deadline=None,
    max_examples=100,
    database=None,
    derandomize=bool(os.environ.get("CI")),
)
N = 16
W = [0.35, 0.25, 0.10, 0.15, 0.15]  # on-time, fill, latency, promise, lead time


# --- score: golden --------------------------------------------------------
def test_score_docstring_example():
    # on-time .8, fill 1, latency 2 - 36/24 = .5, promise .5, lead 1 - 1/2 = .5
    # 100 * (.35*.8 + .25*1 + .10*.5 + .15*.5 + .15*.5) = 100 * .73 = 73
    assert sla_score(0.8, 1.0, 36, 24, 0.5, 1.0, 2.0, W) == pytest.approx(73.0)


def test_score_perfect_and_worst():
    # everything at best: 100; everything at worst: 0
    assert sla_score(1, 1, 0, 24, 1, 0, 2, W) == pytest.approx(100.0)
    # latency 48 = 2 * 24 -> 0; sigma 2 = tolerance -> 0
    assert sla_score(0, 0, 48, 24, 0, 2, 2, W) == pytest.approx(0.0)


def test_components_mapping():
    comp = sla_components(
        [0.9, 0.5],
        [0.98, 0.7],
        [24, 30],
        24,
        [1, 0.25],
        [0, 3],
        [2, 4],
        target_on_time=0.95,
        target_fill=[1.0, 0.7],
    )
    # row 0: on-time .9/.95 = .947368; fill .98/1; latency at the max -> 1;
    #        promise 1; sigma 0 -> 1
    # row 1: on-time .5/.95 = .526316; fill .7/.7 = 1; latency 2 - 30/24 = .75;
    #        promise .25; lead 1 - 3/4 = .25
    np.testing.assert_allclose(
        comp,
        [
            [0.9 / 0.95, 0.98, 1.0, 1.0, 1.0],
            [0.5 / 0.95, 1.0, 0.75, 0.25, 0.25],
        ],
    )


def test_target_caps_at_one():
    # above the target counts as the target: .99 / .95 -> 1
    assert sla_components(0.99, 1, 0, 24, 1, 0, 2, target_on_time=0.95)[0] == 1.0


def test_zero_tolerance():
    # tolerance 0: sigma 0 -> 1, any sigma > 0 -> 0
    comp = sla_components(1, 1, 0, 24, 1, [0.0, 0.1], 0)
    np.testing.assert_array_equal(comp[:, 4], [1.0, 0.0])


def test_not_measured_components_are_left_out():
    # latency and sigma unknown: 100 * (.35*.6 + .25*1 + .15*.5) / .75
    # = 100 * (.21 + .25 + .075) / .75 = 71.3333
    score = sla_score(0.6, 1.0, np.nan, 24, 0.5, np.nan, 2, W)
    assert score == pytest.approx(53.5 / 0.75)
    # only unmeasured components carry weight -> NaN
    only_latency = [0, 0, 1, 0, 0]
    assert np.isnan(sla_score(0.6, 1, np.nan, 24, 0.5, 0, 2, only_latency))


def test_weights_per_row_and_normalisation():
    # row 0 only on-time (weight 2 -> normalised): 100 * .7
    # row 1 on-time and fill 1:1: 100 * (.7 + .4) / 2 = 55
    score = sla_score(
        [0.7, 0.7], [0.4, 0.4], 0, 24, 1, 0, 2, [[2, 0, 0, 0, 0], [1, 1, 0, 0, 0]]
    )
    np.testing.assert_allclose(score, [70.0, 55.0])


def test_score_shapes():
    assert np.shape(sla_score(1, 1, 0, 24, 1, 0, 2, W)) == ()
    assert sla_score([1] * 3, 1, 0, 24, 1, 0, 2, W).shape == (3,)
    assert sla_score([], [], [], 24, [], [], 2, W).shape == (0,)


# --- score: bad input ------------------------------------------------------
@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"on_time_rate": 1.2}, r"on_time_rate must be in \[0, 1\] or NaN, got 1.2"),
        ({"fill_rate": [1, -0.1]}, r"fill_rate must be in \[0, 1\].*-0.1 \(index 1\)"),
        ({"promise_accuracy": np.inf}, r"promise_accuracy must not be infinite"),
        ({"latency_hours": -1}, r"latency_hours must be >= 0, got -1.0"),
        ({"max_latency_hours": 0}, r"max_latency_hours must be > 0, got 0.0"),
        ({"max_latency_hours": np.nan}, r"max_latency_hours must not be NaN"),
        ({"lt_sigma": -2}, r"lt_sigma must be >= 0, got -2.0"),
        ({"lt_tolerance": np.nan}, r"lt_tolerance must not be NaN"),
        ({"weights": [1, 1, 1]}, r"weights must have shape \(5,\) or \(n, 5\)"),
        ({"weights": [1, -1, 0, 0, 0]}, r"weights must be >= 0, got -1.0"),
        ({"weights": [0, 0, 0, 0, 0]}, r"weights must not all be 0"),
        ({"target_on_time": 0}, r"target_on_time must be in \(0, 1\], got 0.0"),
        ({"target_fill": 1.5}, r"target_fill must be in \(0, 1\], got 1.5"),
        ({"on_time_rate": "x"}, r"on_time_rate must be numeric, got 'x'"),
        ({"on_time_rate": [1, 1], "fill_rate": [1, 1, 1]}, r"shape mismatch"),
    ],
)
def test_score_bad_input(kwargs, message):
    args = {
        "on_time_rate": 1.0,
        "fill_rate": 1.0,
        "latency_hours": 0.0,
        "max_latency_hours": 24.0,
        "promise_accuracy": 1.0,
        "lt_sigma": 0.0,
        "lt_tolerance": 2.0,
        "weights": W,
    }
    args.update(kwargs)
    with pytest.raises(ValueError, match=message):
        sla_score(**args)


def test_score_weights_rows_mismatch():
    with pytest.raises(ValueError, match=r"weights of shape \(2, 5\) do not match 3"):
        sla_score([1, 1, 1], 1, 0, 24, 1, 0, 2, [W, W])


# --- score: properties -----------------------------------------------------
unit = arrays(np.float64, N, elements=st.floats(0, 1))
nonneg = arrays(np.float64, N, elements=st.floats(0, 1e3))
positive = arrays(np.float64, N, elements=st.floats(0.01, 1e3))
weight_rows = arrays(np.float64, (N, 5), elements=st.floats(0, 10)).filter(
    lambda w: bool(np.all(w.sum(axis=1) > 0))
)


@SETTINGS
@given(
    on_time=unit,
    fill=unit,
    lat=nonneg,
    max_lat=positive,
    promise=unit,
    sigma=nonneg,
    tol=nonneg,
    weights=weight_rows,
)
def test_score_in_range(on_time, fill, lat, max_lat, promise, sigma, tol, weights):
    score = sla_score(on_time, fill, lat, max_lat, promise, sigma, tol, weights)
    assert score.shape == (N,)
    assert np.all((score >= 0) & (score <= 100))


@SETTINGS
@given(
    a=unit,
    b=unit,
    other=unit,
    lat=nonneg,
    max_lat=positive,
    promise=unit,
    sigma=nonneg,
    tol=nonneg,
    weights=weight_rows,
)
def test_score_monotone_in_on_time_and_fill(
    a, b, other, lat, max_lat, promise, sigma, tol, weights
):
    lo, hi = np.minimum(a, b), np.maximum(a, b)

    def score(on_time, fill):
        return sla_score(on_time, fill, lat, max_lat, promise, sigma, tol, weights)

    eps = 1e-9
    assert np.all(score(lo, other) <= score(hi, other) + eps)
    assert np.all(score(other, lo) <= score(other, hi) + eps)


# --- standing: golden --------------------------------------------------------
def test_standing_plain_thresholds_for_a_new_vendor():
    # G 85, B 60: >= 85 good, < 60 blocked, else watch
    got = standing(["", "", "", "", ""], [85, 84.9, 60, 59.9, 100])
    np.testing.assert_array_equal(got, ["good", "watch", "watch", "blocked", "good"])
    # None / False (an empty Odoo selection) are a new vendor too
    np.testing.assert_array_equal(
        standing([None, False], [90, 50]), ["good", "blocked"]
    )


def test_standing_hysteresis_table():
    cases = [
        # previous, score, new
        ("good", 80.0, "good"),  # >= 85 - 5
        ("good", 79.9, "watch"),
        ("good", 59.9, "watch"),  # never two levels at once: watch first
        ("good", 0.0, "watch"),
        ("watch", 89.9, "watch"),  # needs 85 + 5
        ("watch", 90.0, "good"),
        ("watch", 60.0, "watch"),
        ("watch", 59.9, "blocked"),
        ("blocked", 64.9, "blocked"),  # needs 60 + 5
        ("blocked", 65.0, "watch"),
        ("blocked", 100.0, "watch"),  # never straight to good
    ]
    prev, score, expected = zip(*cases, strict=True)
    np.testing.assert_array_equal(standing(list(prev), list(score)), expected)


def test_standing_custom_thresholds_and_scalar():
    assert standing("watch", 75, good_above=70, blocked_below=40, margin=5) == "good"
    assert standing("good", 64, good_above=70, blocked_below=40, margin=5) == "watch"
    # margin 0: plain thresholds whatever the past
    got = standing(["good", "blocked"], [84.9, 60], margin=0)
    np.testing.assert_array_equal(got, ["watch", "watch"])


def test_standing_sequence():
    # 86 (new: good), 81 (>= 80: good), 79 (watch), 88 (< 90: watch),
    # 90 (good), 55 (good -> watch, one level only), 55 (blocked),
    # 63 (< 65: blocked), 95 (watch), 95 (good)
    prev = ""
    out = []
    for s in [86, 81, 79, 88, 90, 55, 55, 63, 95, 95]:
        prev = str(standing(prev, s))
        out.append(prev)
    assert out == [
        "good",
        "good",
        "watch",
        "watch",
        "good",
        "watch",
        "blocked",
        "blocked",
        "watch",
        "good",
    ]


@pytest.mark.parametrize(
    ("args", "kwargs", "message"),
    [
        ((["great"], [90]), {}, r"previous must be one of .*got 'great' \(index 0\)"),
        ((["good"], [101]), {}, r"score must be in \[0, 100\], got 101.0"),
        ((["good"], [np.nan]), {}, r"score must not be NaN"),
        ((["good"], [90]), {"margin": -1}, r"margin must be >= 0, got -1.0"),
        ((["good"], [90]), {"good_above": 120}, r"good_above must be in \[0, 100\]"),
        ((["good"], [90]), {"blocked_below": -5}, r"blocked_below must be in"),
        (
            (["good"], [90]),
            {"good_above": 70, "blocked_below": 65},
            r"blocked_below \+ margin must be <= good_above - margin, got 65.0",
        ),
        ((["good", "watch"], [90, 80, 70]), {}, r"shape mismatch"),
    ],
)
def test_standing_bad_input(args, kwargs, message):
    with pytest.raises(ValueError, match=message):
        standing(*args, **kwargs)


# --- standing: properties ----------------------------------------------------
prev_codes = arrays(
    object, N, elements=st.sampled_from(["", "good", "watch", "blocked"])
)


G, B, M = 85.0, 60.0, 5.0


@SETTINGS
@given(
    start=st.sampled_from(["good", "watch"]),
    scores=arrays(np.float64, 30, elements=st.floats(G - M, G + M, exclude_max=True)),
)
def test_oscillation_around_good_never_flips(start, scores):
    """Scores moving inside [G - M, G + M) keep good good and watch watch."""
    prev = start
    for s in scores:
        prev = str(standing(prev, s, G, B, M))
        assert prev == start


@SETTINGS
@given(
    start=st.sampled_from(["watch", "blocked"]),
    scores=arrays(np.float64, 30, elements=st.floats(B, B + M, exclude_max=True)),
)
def test_oscillation_around_blocked_never_flips(start, scores):
    """Scores moving inside [B, B + M) keep watch watch and blocked blocked."""
    prev = start
    for s in scores:
        prev = str(standing(prev, s, G, B, M))
        assert prev == start


@SETTINGS
@given(
    prev=prev_codes,
    a=arrays(np.float64, N, elements=st.floats(0, 100)),
    b=arrays(np.float64, N, elements=st.floats(0, 100)),
)
def test_standing_monotone_in_score(prev, a, b):
    rank = {"blocked": 0, "watch": 1, "good": 2}
    lo = standing(prev, np.minimum(a, b))
    hi = standing(prev, np.maximum(a, b))
    assert all(rank[x] <= rank[y] for x, y in zip(lo, hi, strict=True))


@SETTINGS
@given(prev=prev_codes, score=arrays(np.float64, N, elements=st.floats(0, 100)))
def test_margin_zero_is_memoryless(prev, score):
    """Without margin only one rule remembers: one level at a time (blocked
    climbs to watch first, good falls to watch first)."""
    plain = standing([""] * N, score, margin=0)
    expected = np.where((prev == "blocked") & (plain == "good"), "watch", plain)
    expected = np.where((prev == "good") & (plain == "blocked"), "watch", expected)
    np.testing.assert_array_equal(standing(prev, score, margin=0), expected)


@SETTINGS
@given(prev=prev_codes, score=arrays(np.float64, N, elements=st.floats(0, 100)))
def test_standing_moves_one_level_at_most(prev, score):
    """A vendor with a standing moves by one level at most per period
    (good -> blocked passes through watch); a new vendor starts anywhere."""
    rank = {"blocked": 0, "watch": 1, "good": 2}
    new = standing(prev, score)
    for p, n in zip(prev, new, strict=True):
        if p:
            assert abs(rank[p] - rank[n]) <= 1, (p, n)


# --- standing_dropped --------------------------------------------------------
def test_standing_dropped():
    got = standing_dropped(
        ["good", "good", "watch", "watch", "blocked", "", "", "good"],
        ["watch", "blocked", "blocked", "good", "watch", "blocked", "watch", "good"],
    )
    np.testing.assert_array_equal(
        got, [True, True, True, False, False, True, False, False]
    )
    assert standing_dropped([], []).shape == (0,)
    with pytest.raises(ValueError, match=r"current must not be empty, got ''"):
        standing_dropped(["good"], [""])
    with pytest.raises(ValueError, match=r"current must be one of .*got 'bad'"):
        standing_dropped(["good"], ["bad"])


# --- period_bounds ---------------------------------------------------------
def test_period_bounds_week_and_month():
    dates = ["2026-03-09", "2026-03-15", "2026-03-16", "2024-02-29", "2026-12-31"]
    start, end = period_bounds(dates, ["week", "week", "week", "month", "month"])
    # Mon 9 Mar -> itself; Sun 15 Mar -> Mon 9; Mon 16 -> 16;
    # leap February 2024 ends on the 29th; December ends on the 31st
    np.testing.assert_array_equal(
        start.astype(object),
        [
            date(2026, 3, 9),
            date(2026, 3, 9),
            date(2026, 3, 16),
            date(2024, 2, 1),
            date(2026, 12, 1),
        ],
    )
    np.testing.assert_array_equal(
        end.astype(object),
        [
            date(2026, 3, 15),
            date(2026, 3, 15),
            date(2026, 3, 22),
            date(2024, 2, 29),
            date(2026, 12, 31),
        ],
    )


def test_period_bounds_iso_week_across_years():
    # Thu 1 Jan 2026 is in ISO week 1, which starts Mon 29 Dec 2025
    start, end = period_bounds(date(2026, 1, 1), "week")
    assert start == np.datetime64("2025-12-29") and end == np.datetime64("2026-01-04")


@SETTINGS
@given(
    days=arrays(np.int64, N, elements=st.integers(-20000, 40000)),
    period=st.sampled_from(["week", "month"]),
)
def test_period_bounds_contain_the_date(days, period):
    dates = days.astype("datetime64[D]")
    start, end = period_bounds(dates, period)
    assert np.all((start <= dates) & (dates <= end))
    # the day before the start and the day after the end are other periods
    before, _ = period_bounds(start - np.timedelta64(1, "D"), period)
    _, after = period_bounds(end + np.timedelta64(1, "D"), period)
    assert np.all(before < start) and np.all(after > end)
    if period == "week":
        assert np.all((end - start) == np.timedelta64(6, "D"))
        assert np.all((start.astype(np.int64) + 3) % 7 == 0)  # Mondays


def test_period_bounds_bad_input():
    with pytest.raises(
        ValueError, match=r"period must be 'week' or 'month', got 'day'"
    ):
        period_bounds("2026-03-10", "day")
    with pytest.raises(ValueError, match=r"dates must be dates, got 'soon'"):
        period_bounds("soon", "week")
    with pytest.raises(ValueError, match=r"dates must not be NaT"):
        period_bounds(["2026-03-10", "NaT"], "week")
