"""Input validation helpers: every error is a ValueError naming the field and value."""

from __future__ import annotations

import numbers

import numpy as np


def first_bad(bad: np.ndarray) -> tuple[int, str]:
    """(flat index, " (index i)" suffix, empty for 0-D) of the first True of `bad`."""
    flat = int(np.argmax(bad.reshape(-1)))
    if bad.ndim == 0:
        return flat, ""
    idx = np.unravel_index(flat, bad.shape)
    index = int(idx[0]) if bad.ndim == 1 else tuple(int(i) for i in idx)
    return flat, f" (index {index})"


def fail(name: str, rule: str, arr: np.ndarray, bad: np.ndarray) -> None:
    """Raise ValueError("<name> <rule>, got <value> (index i)") if any `bad`."""
    bad = np.broadcast_to(bad, arr.shape)
    if np.any(bad):
        flat, where = first_bad(bad)
        raise ValueError(f"{name} {rule}, got {arr.reshape(-1)[flat].item()!r}{where}")


def _check_ndim(name: str, arr: np.ndarray, ndim: int | None) -> None:
    if ndim == 0 and arr.ndim != 0:
        raise ValueError(f"{name} must be a scalar, got shape {arr.shape}")
    if ndim is not None and arr.ndim not in (0, ndim):
        raise ValueError(
            f"{name} must be a scalar or a {ndim}-D array, got shape {arr.shape}"
        )


def as_float_array(
    name: str,
    value: object,
    *,
    ndim: int | None = None,
    allow_nan: bool = False,
    allow_inf: bool = False,
) -> np.ndarray:
    """float64 array (scalar -> 0-D), finite unless `allow_nan` / `allow_inf`."""
    try:
        arr = np.asarray(value, dtype=np.float64)
    except (TypeError, ValueError) as exc:
        raise ValueError(f"{name} must be numeric, got {value!r}") from exc
    _check_ndim(name, arr, ndim)
    if (allow_nan and allow_inf) or np.isfinite(arr).all():
        return arr  # one pass in the common case
    if not allow_nan:
        fail(name, "must not be NaN", arr, np.isnan(arr))
    if not allow_inf:
        fail(name, "must not be infinite", arr, np.isinf(arr))
    return arr


def as_int_array(
    name: str,
    value: object,
    *,
    ndim: int | None = None,
    lower: int | None = None,
    upper: int | None = None,
) -> np.ndarray:
    """int64 array of integral values, optionally within [lower, upper)."""
    arr = np.asarray(value)
    if arr.dtype.kind == "f":
        check_finite(name, arr)
        fail(name, "must be integral", arr, arr != np.floor(arr))
    elif arr.dtype.kind not in "iu":
        raise ValueError(f"{name} must be integers, got dtype {arr.dtype}")
    _check_ndim(name, arr, ndim)
    arr = arr.astype(np.int64)
    if lower is not None and upper is not None:
        fail(
            name, f"must be in [{lower}, {upper})", arr, (arr < lower) | (arr >= upper)
        )
    elif lower is not None:
        fail(name, f"must be >= {lower}", arr, arr < lower)
    return arr


def check_finite(name: str, arr: np.ndarray) -> np.ndarray:
    """Reject NaN and +/-inf."""
    fail(name, "must be finite", arr, ~np.isfinite(arr))
    return arr


def check_non_negative(name: str, arr: np.ndarray) -> np.ndarray:
    """Reject values < 0 (NaN passes: check it with check_finite)."""
    fail(name, "must be >= 0", arr, arr < 0)
    return arr


def check_positive(name: str, arr: np.ndarray) -> np.ndarray:
    """Reject values <= 0."""
    fail(name, "must be > 0", arr, arr <= 0)
    return arr


def check_open_unit(name: str, arr: np.ndarray) -> np.ndarray:
    """Reject values outside the open interval (0, 1)."""
    fail(name, "must be in (0, 1)", arr, ~((arr > 0) & (arr < 1)))
    return arr


def check_positive_int(name: str, value: object, *, allow_zero: bool = False) -> int:
    """A Python/numpy integer > 0 (>= 0 with `allow_zero`)."""
    if isinstance(value, bool) or not isinstance(value, numbers.Integral):
        raise ValueError(f"{name} must be an integer, got {value!r}")
    value = int(value)
    if value < 0 or (value == 0 and not allow_zero):
        raise ValueError(
            f"{name} must be {'>= 0' if allow_zero else '> 0'}, got {value}"
        )
    return value


def broadcast(**named: np.ndarray) -> list[np.ndarray]:
    """np.broadcast_arrays with an error naming the fields and their shapes."""
    try:
        return list(np.broadcast_arrays(*named.values()))
    except ValueError as exc:
        shapes = ", ".join(f"{k} {np.shape(v)}" for k, v in named.items())
        raise ValueError(f"shape mismatch: {shapes}") from exc


def per_row(name: str, arr: np.ndarray, n: int) -> np.ndarray:
    """Broadcast a scalar or (n,) array to shape (n,)."""
    try:
        return np.broadcast_to(arr, (n,))
    except ValueError as exc:
        raise ValueError(
            f"{name} must be a scalar or have shape ({n},), got {arr.shape}"
        ) from exc
