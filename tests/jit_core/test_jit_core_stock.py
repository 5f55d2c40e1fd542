import numpy as np
import pytest

from jit_core import closing_stock, demand_stats, stockout_mask


def test_closing_stock_golden():
    # Today's stock is 5. Net flows over 4 days: +10, -6, -4, +5.
    # closing[3] = 5
    # closing[2] = 5 - 5 = 0
    # closing[1] = 5 - (5 - 4) = 4
    # closing[0] = 5 - (5 - 4 - 6) = 10
    closing = closing_stock([5.0], [[10.0, -6.0, -4.0, 5.0]])
    np.testing.assert_allclose(closing, [[10.0, 4.0, 0.0, 5.0]])
    np.testing.assert_array_equal(
        stockout_mask([5.0], [[10.0, -6.0, -4.0, 5.0]]), [[False, False, True, False]]
    )


def test_stockout_days_are_left_out_of_demand():
    # Consumption 4, 4, 0 (stock-out), 4: counting the stock-out day gives
    # ADU 12 / 4 = 3; censored, ADU = 12 / 3 = 4 and sigma 0.
    buckets = np.array([[4.0, 4.0, 0.0, 4.0]])
    mask = stockout_mask([2.0], [[0.0, -4.0, 0.0, 6.0]])
    # closing[3] = 2; closing[2] = 2 - 6 = -4; closing[1] = 2 - (0 + 6) = -4;
    # closing[0] = 2 - (-4 + 0 + 6) = 0  -> days 0..2 closed empty
    np.testing.assert_array_equal(mask, [[True, True, True, False]])
    mask = np.array([[False, False, True, False]])
    stats = demand_stats(buckets, stockout_mask=mask)
    assert stats.adu[0] == pytest.approx(4.0)
    assert stats.sigma[0] == pytest.approx(0.0)
    assert demand_stats(buckets).adu[0] == pytest.approx(3.0)


def test_closing_stock_rejects_bad_input():
    with pytest.raises(ValueError, match="on_hand"):
        closing_stock([float("nan")], [[1.0]])
    with pytest.raises(ValueError, match="net_flow must have one row"):
        closing_stock([1.0, 2.0], [[1.0]])
