"""Vendor choice: the first ranked vendor that is not blocked and can deliver
by the need date; when none can, the first one that is not blocked.

`choose_vendor_line` is the whole rule for a product's vendor price lines
(which line, which vendor, which order minimum); the Odoo addon feeds it the
lines valid for each need and uses its answer everywhere a vendor is chosen."""

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
    need_days = as_float_array("need_days", need_days, allow_inf=True)
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


def choose_vendor_line(
    group: object,
    vendor: object,
    seller_rank: object,
    line_rank: object,
    min_qty: object,
    blocked: object,
    lead_days: object,
    need_days: object,
    quantity: object,
    groups: int,
) -> tuple[np.ndarray, np.ndarray]:
    """The vendor price line and the order minimum of each need.

    Rows are the price lines valid for a need (`group`, 0..groups-1): right
    product, company and dates, vendor not archived. `vendor` identifies the
    vendor of a line, `seller_rank` orders the lines as candidates (the
    rule's own line first, then Odoo's seller order), `line_rank` orders one
    vendor's lines (cheapest first), `min_qty` is a line's minimum in the
    need's unit, `blocked` excludes the line's vendor, `lead_days` is the
    line's delay. Per group: `need_days`, the days until the goods are needed
    (inf: any time), and `quantity` (nan: any quantity).

    A line serves the quantity when its minimum is at most the quantity. A
    vendor is a candidate when one of its lines serves it: its rank is the
    best `seller_rank` of those lines, its line the one with the lowest
    `line_rank`. `choose_vendor` picks among the candidates (not blocked,
    on time first, by rank). The order minimum is the smallest `min_qty` of
    the chosen vendor's lines: a price break (a second line with a higher
    minimum) is not a minimum.

    Returns (row, moq) per group: the chosen row, -1 when no vendor applies,
    and its vendor's minimum (0 when none).
    """
    (group, vendor, seller_rank, line_rank, min_qty, blocked, lead_days) = _line_rows(
        group, vendor, seller_rank, line_rank, min_qty, blocked, lead_days
    )
    need_days, quantity = _need_arrays(need_days, quantity, groups)
    _check_groups(group, min_qty, groups)
    n = group.shape[0]
    row = np.full(groups, -1, dtype=np.int64)
    moq = np.zeros(groups)
    if not n:
        return row, moq
    pairs, pair, pair_moq = _vendor_pairs(group, vendor, min_qty)
    wanted = quantity[group]
    serves = np.isnan(wanted) | (min_qty <= wanted + 1e-9 * np.maximum(1.0, wanted))
    rows = np.flatnonzero(serves)
    if not rows.size:
        return row, moq
    best_line, rank = _candidates(pair, rows, line_rank, seller_rank, pairs.shape[1])
    ok, picked = _pick(pairs, pair, best_line, rank, blocked, lead_days, need_days)
    row[ok] = picked
    moq[ok] = pair_moq[pair[picked]]
    return row, moq


def _line_rows(group, vendor, seller_rank, line_rank, min_qty, blocked, lead_days):
    """The per-line arguments of choose_vendor_line as checked arrays."""
    group = np.asarray(group, dtype=np.int64)
    vendor = np.asarray(vendor, dtype=np.int64)
    n = group.shape[0]
    seller_rank = as_float_array("seller_rank", seller_rank)
    line_rank = as_float_array("line_rank", line_rank)
    min_qty = as_float_array("min_qty", min_qty)
    blocked = np.asarray(blocked, dtype=bool)
    lead_days = as_float_array("lead_days", lead_days)
    for name, arr in (
        ("vendor", vendor),
        ("seller_rank", seller_rank),
        ("line_rank", line_rank),
        ("min_qty", min_qty),
        ("blocked", blocked),
        ("lead_days", lead_days),
    ):
        if np.shape(arr) != (n,):
            raise ValueError(
                f"{name} must have one value per line row, got {np.shape(arr)}"
            )
    return group, vendor, seller_rank, line_rank, min_qty, blocked, lead_days


def _need_arrays(need_days, quantity, groups):
    """The per-need arguments of choose_vendor_line, one value per group."""
    need_days = np.broadcast_to(
        as_float_array("need_days", need_days, allow_inf=True), (groups,)
    )
    quantity = np.broadcast_to(
        as_float_array("quantity", quantity, allow_nan=True), (groups,)
    )
    return need_days, quantity


def _check_groups(group, min_qty, groups):
    """Each line's need lies in 0..groups-1 and its minimum is >= 0."""
    n = group.shape[0]
    if n and (group.min() < 0 or group.max() >= groups):
        bad = int(np.flatnonzero((group < 0) | (group >= groups))[0])
        raise ValueError(
            f"group must be in 0..{groups - 1}, got {group[bad]} (index {bad})"
        )
    if n and (min_qty < 0).any():
        bad = int(np.flatnonzero(min_qty < 0)[0])
        raise ValueError(f"min_qty must be >= 0, got {min_qty[bad]} (index {bad})")


def _vendor_pairs(group, vendor, min_qty):
    """One (need, vendor) pair per candidate vendor: (pairs, each line's
    pair, each pair's smallest minimum)."""
    pairs, pair = np.unique(np.stack([group, vendor]), axis=1, return_inverse=True)
    pair = pair.reshape(-1)
    pair_moq = np.full(pairs.shape[1], np.inf)
    np.minimum.at(pair_moq, pair, min_qty)
    return pairs, pair, pair_moq


def _candidates(pair, rows, line_rank, seller_rank, n_pairs):
    """One candidate line per (need, vendor) pair among the serving `rows`:
    (its line's row in row order, the rank of each pair)."""
    # The vendor's line: its serving line of lowest line_rank (then row).
    order = rows[np.lexsort((rows, line_rank[rows], pair[rows]))]
    first = np.r_[True, pair[order][1:] != pair[order][:-1]]
    # Candidates in row order: equal ranks go to the earlier line.
    best_line = np.sort(order[first])
    # The vendor's rank: the best seller_rank among its serving lines.
    rank = np.full(n_pairs, np.inf)
    np.minimum.at(rank, pair[rows], seller_rank[rows])
    return best_line, rank


def _pick(pairs, pair, best_line, rank, blocked, lead_days, need_days):
    """choose_vendor among the candidate lines: (the groups served, the row
    chosen for each)."""
    cand_pair = pair[best_line]
    chosen = choose_vendor(
        pairs[0, cand_pair],
        rank[cand_pair],
        blocked[best_line],
        lead_days[best_line],
        need_days[pairs[0, cand_pair]],
    )
    ok = np.flatnonzero(chosen >= 0)
    picked = best_line[chosen[ok]]
    return ok, picked
