# Copyright 2026 JIT Replenishment Suite
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""The one definition of "within the buyer's tolerance" for a vendor's
counter-proposal. Plain numbers and dates: no Odoo."""

# Quantities closer than this (relative to the ordered one) are equal.
_QTY_EPSILON = 1e-9


def within_tolerance(
    ordered_qty, proposed_qty, planned_day, proposed_day, qty_percent, days
):
    """True when the proposal may be accepted without the buyer.

    A quantity change is accepted when ``|proposed - ordered|`` is at most
    ``qty_percent`` % of the ordered quantity; a date change when it moves
    the planned day by at most ``days`` days, earlier or later. A tolerance of
    0 accepts no change of that kind. Both parts must pass.
    """
    if proposed_qty != ordered_qty:
        if qty_percent <= 0:
            return False
        limit = ordered_qty * qty_percent / 100.0
        if abs(proposed_qty - ordered_qty) - limit > _QTY_EPSILON * max(
            1.0, ordered_qty
        ):
            return False
    if proposed_day != planned_day:
        if days <= 0 or abs((proposed_day - planned_day).days) > days:
            return False
    return True
