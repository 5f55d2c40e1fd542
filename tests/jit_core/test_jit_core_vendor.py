import os

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from jit_core import choose_vendor, choose_vendor_line


def test_golden_choice():
    # need 0: primary (rank 1) blocked -> backup rank 2 (on time) chosen: row 1
    # need 1: primary late (lead 10 > need 5), backup on time -> row 4
    # need 2: only late vendors -> the best-ranked one, row 5
    # need 3: every vendor blocked -> -1
    group = [0, 0, 0, 1, 1, 2, 2, 3]
    rank = [1, 2, 3, 1, 2, 1, 2, 1]
    blocked = [True, False, False, False, False, False, False, True]
    lead = [2, 3, 1, 10, 4, 9, 8, 1]
    need = [5, 5, 5, 5, 5, 5, 5, 5]
    np.testing.assert_array_equal(
        choose_vendor(group, rank, blocked, lead, need), [1, 4, 5, -1]
    )


def test_no_candidates():
    assert choose_vendor([], [], [], [], []).shape == (0,)


def test_bad_input():
    with pytest.raises(ValueError, match="lead_days must be >= 0, got -1"):
        choose_vendor([0], [1], [False], [-1], [3])
    with pytest.raises(ValueError, match="rank must not be NaN"):
        choose_vendor([0], [float("nan")], [False], [1], [3])
    with pytest.raises(ValueError, match="blocked must have one value"):
        choose_vendor([0, 0], [1, 2], [False, True, False], [1, 1], [3, 3])


# --- choose_vendor_line: which price line, which vendor, which minimum ---


def test_line_golden():
    """Four needs, lines as (need, vendor, seller rank, line rank, min, blocked,
    delay); need days 10 for all; quantities 50, nan (any), 5, 50.

    need 0 (qty 50): vendor 1 has a price break (min 100, rank 0) that does not
      serve 50 and a base line (min 10, rank 1); vendor 2 (rank 2) -> vendor 1
      by its serving line's rank 1; its line: the base line (row 1); MOQ =
      smallest minimum of vendor 1 = 10, not the break's 100.
    need 1 (any qty): vendor 3 rank 0 blocked; vendor 4 rank 1 -> row 4,
      cheapest of its two lines by line rank (row 4 line rank 0, row 5 line
      rank 1); MOQ min(20, 5) = 5.
    need 2 (qty 5): vendor 5 min 10 does not serve 5; vendor 6 min 0 does,
      though ranked after -> row 7, MOQ 0.
    need 3 (qty 50): the only vendor is blocked -> -1, MOQ 0.
    """
    rows = [
        # group, vendor, seller_rank, line_rank, min_qty, blocked, delay
        (0, 1, 0, 0, 100, False, 3),
        (0, 1, 1, 1, 10, False, 3),
        (0, 2, 2, 0, 0, False, 3),
        (1, 3, 0, 0, 0, True, 3),
        (1, 4, 1, 0, 20, False, 3),
        (1, 4, 2, 1, 5, False, 3),
        (2, 5, 0, 0, 10, False, 3),
        (2, 6, 1, 0, 0, False, 3),
        (3, 7, 0, 0, 0, True, 3),
    ]
    cols = list(zip(*rows, strict=True))
    row, moq = choose_vendor_line(
        *cols, need_days=10, quantity=[50, np.nan, 5, 50], groups=4
    )
    np.testing.assert_array_equal(row, [1, 4, 7, -1])
    np.testing.assert_array_equal(moq, [10, 5, 0, 0])


def test_line_on_time_vendor_preferred():
    # Vendor 1 (rank 0) needs 12 days, the goods are needed in 5: vendor 2
    # (rank 1, 4 days) is chosen; with no need date (inf) vendor 1 is.
    args = ([0, 0], [1, 2], [0, 1], [0, 0], [0, 0], [False, False], [12, 4])
    assert choose_vendor_line(*args, 5, np.nan, 1)[0].tolist() == [1]
    assert choose_vendor_line(*args, np.inf, np.nan, 1)[0].tolist() == [0]


def test_line_needs_without_rows():
    row, moq = choose_vendor_line([], [], [], [], [], [], [], np.inf, np.nan, 2)
    assert row.tolist() == [-1, -1]
    assert moq.tolist() == [0, 0]


def test_line_bad_input():
    with pytest.raises(ValueError, match="min_qty must be >= 0, got -1"):
        choose_vendor_line([0], [1], [0], [0], [-1], [False], [1], 5, 1, 1)
    with pytest.raises(ValueError, match="group must be in 0..0, got 1"):
        choose_vendor_line([1], [1], [0], [0], [1], [False], [1], 5, 1, 1)
    with pytest.raises(ValueError, match="vendor must have one value per line"):
        choose_vendor_line([0], [1, 2], [0], [0], [1], [False], [1], 5, 1, 1)


def _reference(rows, need, qty, groups):
    """The rule written plainly, one need at a time."""
    out = []
    for g in range(groups):
        mine = [(i, r) for i, r in enumerate(rows) if r[0] == g]
        serving = [(i, r) for i, r in mine if np.isnan(qty[g]) or r[4] <= qty[g] + 1e-9]
        vendors = {}
        for i, r in serving:
            best = vendors.get(r[1])
            rank = min(r[2], best[0]) if best else r[2]
            line = i if not best or (r[3], i) < (rows[best[1]][3], best[1]) else best[1]
            vendors[r[1]] = (rank, line)
        cands = [
            (rows[line][5], rows[line][6] > need[g], rank, line)
            for rank, line in vendors.values()
        ]
        cands.sort(key=lambda c: (c[0], c[1], c[2], c[3]))
        if not cands or cands[0][0]:
            out.append((-1, 0.0))
            continue
        line = cands[0][3]
        out.append((line, min(r[4] for _i, r in mine if r[1] == rows[line][1])))
    return out


# Random exploration locally; a fixed example sequence on CI (CI=true).
@settings(
    deadline=None,
    max_examples=200,
    database=None,
    derandomize=bool(os.environ.get("CI")),
)
@given(
    rows=st.lists(
        st.tuples(
            st.integers(0, 3),  # need
            st.integers(1, 4),  # vendor
            st.integers(0, 5),  # seller rank
            st.integers(0, 5),  # line rank
            st.sampled_from([0.0, 5.0, 10.0, 100.0]),  # min qty
            st.booleans(),  # blocked (per vendor below)
            st.integers(0, 20),  # delay
        ),
        max_size=20,
    ),
    need=st.lists(st.sampled_from([0.0, 5.0, 10.0, np.inf]), min_size=4, max_size=4),
    qty=st.lists(st.sampled_from([np.nan, 0.0, 5.0, 50.0]), min_size=4, max_size=4),
)
def test_line_matches_reference(rows, need, qty):
    # A vendor is blocked or not, whatever its line.
    rows = [(g, v, s, ln, m, v % 2 == 0 and b, d) for g, v, s, ln, m, b, d in rows]
    cols = list(zip(*rows, strict=True)) or [[]] * 7
    row, moq = choose_vendor_line(*cols, need, qty, 4)
    expected = _reference(rows, need, qty, 4)
    assert row.tolist() == [e[0] for e in expected]
    assert moq.tolist() == [e[1] for e in expected]
