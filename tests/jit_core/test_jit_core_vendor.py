import numpy as np
import pytest

from jit_core import choose_vendor


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
