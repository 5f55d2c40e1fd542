"""Stock levels rebuilt from flows: which days closed with no stock."""

from __future__ import annotations

import numpy as np

from ._validate import as_float_array


def closing_stock(on_hand: object, net_flow: object) -> np.ndarray:
    """Closing stock of each day, rebuilt backwards from today's on-hand.

    on_hand: (n,) stock now (after the last day's flows).
    net_flow: (n, days) net quantity into the location per day (in - out),
    day 0 the oldest, the last column today.
    closing[d] = on_hand - sum(net_flow[d+1:]).
    """
    on_hand = as_float_array("on_hand", on_hand, ndim=1)
    net_flow = as_float_array("net_flow", net_flow, ndim=2)
    if net_flow.shape[0] != on_hand.shape[0]:
        raise ValueError(
            f"net_flow must have one row per on_hand value, got {net_flow.shape[0]} "
            f"rows for {on_hand.shape[0]} values"
        )
    later = np.cumsum(net_flow[:, ::-1], axis=1)[:, ::-1]  # sum of net_flow[d:]
    after = np.concatenate([later[:, 1:], np.zeros((len(on_hand), 1))], axis=1)
    return on_hand[:, None] - after


def stockout_mask(
    on_hand: object, net_flow: object, tolerance: float = 1e-9
) -> np.ndarray:
    """(n, days) True where a day closed with no stock (censored demand)."""
    return closing_stock(on_hand, net_flow) <= tolerance
