"""Vendor choice: the first ranked vendor that is not blocked and can deliver
by the need date; when none can, the first one that is not blocked."""

from __future__ import annotations

import numpy as np

from ._validate import as_float_array


def choose_vendor(
    group: object, rank: object, blocked: object, lead_days: object, need_days: object
) -> np.ndarray:
    """Pick one candidate per group.

    Rows are (group, candidate) pairs: `group` numbers the purchase needs
    (0..G-1), `rank` is the vendor's rank for that need (lower first: the
    primary vendor, then the backups), `blocked` excludes a vendor,
    `lead_days` is the vendor's lead time and `need_days` the days until the
    goods are needed. Returns, for each group, the row index of the chosen
    candidate, or -1 when every candidate is blocked.
    """
    group = np.asarray(group, dtype=np.int64)
    rank = as_float_array("rank", rank)
    blocked = np.asarray(blocked, dtype=bool)
    lead_days = as_float_array("lead_days", lead_days)
    need_days = as_float_array("need_days", need_days)
    n = group.shape[0]
    for name, arr in (
        ("rank", rank),
        ("blocked", blocked),
        ("lead_days", lead_days),
        ("need_days", need_days),
    ):
        if np.shape(arr) not in ((n,), ()):
            raise ValueError(
                f"{name} must have one value per candidate row, got {np.shape(arr)}"
            )
    if n and group.min() < 0:
        raise ValueError(f"group must be >= 0, got {group.min()}")
    lead_days = np.broadcast_to(lead_days, (n,))
    if n and (lead_days < 0).any():
        bad = int(np.flatnonzero(lead_days < 0)[0])
        raise ValueError(f"lead_days must be >= 0, got {lead_days[bad]} (index {bad})")
    groups = int(group.max()) + 1 if n else 0
    chosen = np.full(groups, -1, dtype=np.int64)
    if not n:
        return chosen
    rank = np.broadcast_to(rank, (n,))
    blocked = np.broadcast_to(blocked, (n,))
    need_days = np.broadcast_to(need_days, (n,))
    late = lead_days > need_days
    # Order: group, blocked last, late after on-time, then rank, then row.
    order = np.lexsort((np.arange(n), rank, late, blocked, group))
    first = order[np.r_[True, group[order][1:] != group[order][:-1]]]
    ok = ~blocked[first]
    chosen[group[first][ok]] = first[ok]
    return chosen
