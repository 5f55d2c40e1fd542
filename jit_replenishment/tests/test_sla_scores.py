# Copyright 2026 JIT Replenishment Suite
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""services/sla_scores.py: the upsert's row ids belong to their keys."""

from datetime import date

import numpy as np

from odoo.tests import tagged

from ..services import pg, sla_scores
from .common import JitCase


@tagged("post_install", "-at_install")
class TestSlaScoresUpsert(JitCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        Partner = cls.env["res.partner"]
        cls.vendors = Partner.create(
            [{"name": f"Upsert vendor {i}", "is_company": True} for i in range(3)]
        )
        cls.contracts = cls.env["jit.sla.contract"].create(
            [{"partner_id": vendor.id} for vendor in cls.vendors]
        )
        cls.Score = cls.env["jit.sla.score"]

    def _keys(self, pairs):
        """Keys of (vendor index, period start) pairs, monthly periods."""
        starts = [start for _v, start in pairs]
        return {
            "contract": np.array([self.contracts[v].id for v, _s in pairs]),
            "partner": np.array([self.vendors[v].id for v, _s in pairs]),
            "company": np.full(len(pairs), self.company.id),
            "period": np.array(["month"] * len(pairs), dtype=object),
            "start": np.array(starts, dtype="datetime64[D]"),
            "end": np.array([s.replace(day=28) for s in starts], dtype="datetime64[D]"),
        }

    def _check(self, rows, pairs, scores):
        """Each returned id is the row of its key, holding its score."""
        self.assertEqual(sorted(rows), list(range(len(pairs))))
        for i, (v, start) in enumerate(pairs):
            score = self.Score.browse(rows[i])
            self.assertEqual(
                (score.partner_id, score.company_id, score.period_start, score.score),
                (self.vendors[v], self.company, start, scores[i]),
                f"key {i}",
            )

    def test_ids_map_to_their_keys_inserted_and_updated(self):
        """First run: vendors 0, 1 for February (inserted). Second run:
        vendor 1 February (a conflict: updated, same id), vendor 2 February
        and vendor 0 March (inserted), vendor 0 February (updated); key 1 is
        inactive. PostgreSQL does not document the order of RETURNING rows:
        the same must hold when they come back in another order (here
        reversed)."""
        feb, mar = date(2026, 2, 1), date(2026, 3, 1)
        first = [(0, feb), (1, feb)]
        rows = sla_scores.upsert(
            self.Score,
            self._keys(first),
            np.ones(2, bool),
            {"score": np.array([10.0, 20.0])},
        )
        self._check(rows, first, [10.0, 20.0])
        second = [(1, feb), (2, mar), (2, feb), (0, mar), (0, feb)]
        active = np.array([True, False, True, True, True])
        bulk_insert = pg.bulk_insert
        self.patch(pg, "bulk_insert", lambda *a, **kw: bulk_insert(*a, **kw)[::-1])
        again = sla_scores.upsert(
            self.Score,
            self._keys(second),
            active,
            {"score": np.array([21.0, 99.0, 30.0, 11.0, 12.0])},
        )
        self.assertEqual(sorted(again), [0, 2, 3, 4])
        for i, (v, start) in enumerate(second):
            if not active[i]:
                continue
            score = self.Score.browse(again[i])
            self.assertEqual(
                (score.partner_id, score.period_start),
                (self.vendors[v], start),
                f"key {i}",
            )
        self.assertEqual(again[0], rows[1])  # updated in place
        self.assertEqual(again[4], rows[0])
        self.assertEqual(
            self.Score.browse([again[i] for i in (0, 2, 3, 4)]).mapped("score"),
            [21.0, 30.0, 11.0, 12.0],
        )
        self.assertEqual(
            self.Score.search_count([("partner_id", "in", self.vendors.ids)]), 4
        )
