# Copyright 2026 JIT Replenishment Suite
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Expected weekly order quantities of JIT rules (vectorised over rules,
no Odoo): what the vendor's forecast page shows."""

import numpy as np

import jit_core

DAYS_PER_WEEK = 7


def weekly_orders(stock, adu, min_qty, max_qty, multiple, weeks):
    """Order quantity per rule (rows) and week (columns).

    Each week consumes 7 x ADU from the projected stock (on hand plus open
    orders today); when it falls below the rule's minimum, an order brings it
    back up to the maximum (never below the minimum), rounded up to the
    rule's multiple: the rule's own reordering, replayed week by week.
    """
    stock = np.array(stock, dtype=float)
    adu = np.asarray(adu, dtype=float)
    min_qty = np.asarray(min_qty, dtype=float)
    max_qty = np.maximum(np.asarray(max_qty, dtype=float), min_qty)
    multiple = np.asarray(multiple, dtype=float)
    out = np.zeros((stock.size, weeks))
    for week in range(weeks):
        stock -= DAYS_PER_WEEK * adu
        short = stock < min_qty
        qty = np.where(short, max_qty - stock, 0.0)
        qty = np.where(short, jit_core.round_up_to_multiple(qty, multiple), 0.0)
        out[:, week] = qty
        stock += qty
    return out
