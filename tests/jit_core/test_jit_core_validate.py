"""jit_core._validate helpers and package surface."""

import numpy as np
import pytest

import jit_core
from jit_core._validate import (
    as_float_array,
    check_finite,
    check_non_negative,
    check_open_unit,
    check_positive_int,
)


def test_version_and_exports():
    assert jit_core.__version__ == "18.0.1.0.0"
    for name in jit_core.__all__:
        assert hasattr(jit_core, name)


def test_as_float_array_scalar_and_list():
    assert as_float_array("x", 3).shape == ()
    np.testing.assert_array_equal(as_float_array("x", [1, 2], ndim=1), [1.0, 2.0])


def test_as_float_array_errors():
    with pytest.raises(ValueError, match=r"x must be numeric, got 'abc'"):
        as_float_array("x", "abc")
    with pytest.raises(
        ValueError, match=r"x must be a scalar or a 1-D array, got shape \(1, 1\)"
    ):
        as_float_array("x", [[1.0]], ndim=1)
    with pytest.raises(ValueError, match=r"x must not be NaN, got nan \(index 1\)"):
        as_float_array("x", [0.0, np.nan])
    with pytest.raises(ValueError, match=r"x must not be infinite, got inf$"):
        as_float_array("x", np.inf)
    assert np.isnan(as_float_array("x", np.nan, allow_nan=True))


def test_check_helpers():
    with pytest.raises(ValueError, match=r"qty must be >= 0, got -3.0 \(index 7\)"):
        check_non_negative("qty", np.array([0.0] * 7 + [-3.0, -4.0]))
    with pytest.raises(ValueError, match=r"v must be finite, got inf \(index 0\)"):
        check_finite("v", np.array([np.inf]))
    with pytest.raises(ValueError, match=r"p must be in \(0, 1\), got 1.2$"):
        check_open_unit("p", np.asarray(1.2))
    check_open_unit("p", np.array([1e-9, 0.5, 1 - 1e-9]))


@pytest.mark.parametrize(
    "value, message",
    [
        (0, r"n must be > 0, got 0"),
        (-2, r"n must be > 0, got -2"),
        (1.5, r"n must be an integer, got 1.5"),
        (True, r"n must be an integer, got True"),
    ],
)
def test_check_positive_int(value, message):
    with pytest.raises(ValueError, match=message):
        check_positive_int("n", value)


def test_check_positive_int_ok():
    assert check_positive_int("n", np.int32(5)) == 5
    assert check_positive_int("n", 0, allow_zero=True) == 0
