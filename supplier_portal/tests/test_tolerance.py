# Copyright 2026 JIT Replenishment Suite
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Golden cases of the buyer's tolerance (pure function, no database)."""

from datetime import date

import pytest

from odoo.addons.supplier_portal.services.tolerance import within_tolerance

D = date(2026, 3, 20)


@pytest.mark.parametrize(
    "ordered, proposed, day, pct, days, expected",
    [
        # 10 % of 100 = 10: 110 and 90 are in, 110.5 and 89 are out.
        (100, 110, D, 10, 0, True),
        (100, 90, D, 10, 0, True),
        (100, 110.5, D, 10, 0, False),
        (100, 89, D, 10, 0, False),
        # 0 % = no quantity change accepted, however small.
        (100, 100.5, D, 0, 5, False),
        # 3 days: +3 and -3 are in, +4 is out; 0 days accepts no move.
        (100, 100, date(2026, 3, 23), 0, 3, True),
        (100, 100, date(2026, 3, 17), 0, 3, True),
        (100, 100, date(2026, 3, 24), 0, 3, False),
        (100, 100, date(2026, 3, 21), 10, 0, False),
        # Both parts must pass: 105 (5 <= 10) but +6 days (> 3).
        (100, 105, date(2026, 3, 26), 10, 3, False),
        (100, 105, date(2026, 3, 22), 10, 3, True),
        # 12.5 % of 8 = 1: 9 is in, 9.01 is out.
        (8, 9, D, 12.5, 0, True),
        (8, 9.01, D, 12.5, 0, False),
    ],
)
def test_within_tolerance_golden(ordered, proposed, day, pct, days, expected):
    assert within_tolerance(ordered, proposed, D, day, pct, days) is expected
