# Copyright 2026 JIT Replenishment Suite
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""The shared PostgreSQL primitives (services/pg.py), each on its own."""

import numpy as np
from psycopg2 import errors

from odoo.tests import TransactionCase
from odoo.tools import SQL

from ..services import pg


class TestPg(TransactionCase):
    def setUp(self):
        super().setUp()
        self.cr = self.env.cr
        self.cr.execute(
            "CREATE TEMP TABLE jit_pg_t (id int PRIMARY KEY, qty float8, "
            "name varchar, tag int) ON COMMIT DROP"
        )

    def _rows(self):
        self.cr.execute("SELECT id, qty, name, tag FROM jit_pg_t ORDER BY id")
        return self.cr.fetchall()

    def test_sql_array_round_trip(self):
        """Each kind of array comes back from PostgreSQL as it went in."""
        cases = [
            ("int4", np.array([3, -1, 0], dtype=np.int64), [3, -1, 0]),
            ("float8", np.array([1.5, 0.1, -2.0]), [1.5, 0.1, -2.0]),
            ("bool", np.array([True, False]), [True, False]),
            (
                "varchar",
                np.array(['a "q"', "back\\slash", None, "{x,y}"], dtype=object),
                ['a "q"', "back\\slash", None, "{x,y}"],
            ),
            ("date", ["2026-03-10"], ["2026-03-10"]),
        ]
        for sql_type, values, expected in cases:
            self.cr.execute(SQL("SELECT %s", pg.typed_array(sql_type, values)))
            got = self.cr.fetchone()[0]
            if sql_type == "date":
                got = [str(d) for d in got]
            self.assertEqual(got, expected, sql_type)
        self.assertEqual(pg.sql_array([]), "{}")
        self.cr.execute(SQL("SELECT %s", pg.typed_array("float8", [np.nan])))
        self.assertTrue(np.isnan(self.cr.fetchone()[0][0]))

    def test_sql_array_nullable(self):
        """nullable=True: NaN (an unmeasured figure) and '' (no value) are
        NULL; without it NaN stays 'nan', a valid float8. Through
        bulk_insert, a column spec (type, values, True) stores NULLs."""
        self.assertEqual(pg.sql_array([1.5, np.nan]), "{1.5,nan}")
        self.assertEqual(pg.sql_array([1.5, np.nan], nullable=True), "{1.5,NULL}")
        self.assertEqual(
            pg.sql_array(np.array(["a", "", None], dtype=object), nullable=True),
            '{"a",NULL,NULL}',
        )
        self.assertEqual(pg.sql_array(np.array([2, 3]), nullable=True), "{2,3}")
        pg.bulk_insert(
            self.cr,
            "jit_pg_t",
            {
                "id": ("int4", [1, 2]),
                "qty": ("float8", np.array([np.nan, 2.5]), True),
                "name": ("varchar", np.array(["", "b"], dtype=object), True),
            },
        )
        self.assertEqual(self._rows(), [(1, None, None, None), (2, 2.5, "b", None)])

    def test_typed_array_refuses_unknown_type(self):
        with self.assertRaisesRegex(ValueError, "int4; DROP"):
            pg.typed_array("int4; DROP", [1])

    def test_bulk_insert_and_update(self):
        ids = pg.bulk_insert(
            self.cr,
            "jit_pg_t",
            {
                "id": ("int4", [2, 1, 3]),
                "qty": ("float8", [2.0, 1.0, 3.0]),
                "name": ("varchar", ["b", "a", None]),
            },
            constants={"tag": 7},
        )
        self.assertEqual(ids, [2, 1, 3])  # the arrays' order
        self.assertEqual(
            self._rows(), [(1, 1.0, "a", 7), (2, 2.0, "b", 7), (3, 3.0, None, 7)]
        )
        # Row 1 keeps its values: with only_changed it is not written.
        written = pg.bulk_update(
            self.cr,
            "jit_pg_t",
            {
                "id": ("int4", [1, 3]),
                "qty": ("float8", [1.0, 30.0]),
                "name": ("varchar", ["a", "c"]),
            },
            only_changed=True,
        )
        self.assertEqual(written, [3])
        written = pg.bulk_update(
            self.cr,
            "jit_pg_t",
            {"id": ("int4", [1, 2]), "qty": ("float8", [10.0, 20.0])},
            set_extra={"tag": 9},
        )
        self.assertEqual(sorted(written), [1, 2])
        self.assertEqual(
            self._rows(),
            [(1, 10.0, "a", 9), (2, 20.0, "b", 9), (3, 30.0, "c", 7)],
        )

    def test_bulk_insert_on_conflict(self):
        pg.bulk_insert(self.cr, "jit_pg_t", {"id": ("int4", [1]), "tag": ("int4", [1])})
        returned = pg.bulk_insert(
            self.cr,
            "jit_pg_t",
            {"id": ("int4", [1, 2]), "tag": ("int4", [5, 6])},
            conflict=SQL("ON CONFLICT (id) DO UPDATE SET tag = EXCLUDED.tag"),
            returning=("id", "tag"),
        )
        # several columns: a tuple per row (key and value travel together)
        self.assertEqual(sorted(returned), [(1, 5), (2, 6)])
        self.assertEqual(self._rows(), [(1, None, None, 5), (2, None, None, 6)])

    def test_copy_rows(self):
        """Binary COPY parsed by numpy: 3 rows of (int4, float8, timestamp
        as microseconds since 2000-01-01: 2000-01-02 is 86 400 000 000)."""
        row = np.dtype([("n", ">i4"), ("x", ">f8"), ("t", ">i8")])
        rows = pg.copy_rows(
            self.cr,
            SQL(
                "SELECT g, g / 2.0::float8,"
                " TIMESTAMP '2000-01-01' + g * INTERVAL '1 day'"
                " FROM generate_series(1, 3) g"
            ),
            row,
        )
        self.assertEqual(rows["n"].tolist(), [1, 2, 3])
        self.assertEqual(rows["x"].tolist(), [0.5, 1.0, 1.5])
        self.assertEqual(
            rows["t"].tolist(), [pg.MICROSECONDS_PER_DAY * g for g in (1, 2, 3)]
        )
        empty = pg.copy_rows(
            self.cr, SQL("SELECT 1, 1.0::float8, now()::timestamp WHERE false"), row
        )
        self.assertEqual(len(empty), 0)
        # An int8 where the dtype says int4: the frame check refuses it.
        with self.assertRaisesRegex(ValueError, "row layout"):
            pg.copy_rows(
                self.cr, SQL("SELECT 1::int8, 1.0::float8, now()::timestamp"), row
            )

    def test_copy_in_and_copy_blobs_round_trip(self):
        """Binary COPY both ways: 3 rows (int4, bytea, timestamp given as
        microseconds since 2000-01-01: 86 400 000 000 is 2000-01-02) go in
        and come back (the bytea as written, an empty one included)."""
        self.cr.execute(
            "CREATE TEMPORARY TABLE jit_test_in (n int4, b bytea, t timestamp)"
        )
        rows = [
            (1, b"\x00\x01\xff", pg.MICROSECONDS_PER_DAY),
            (2, b"", 0),
            (-3, bytes(range(256)) * 40, 2 * pg.MICROSECONDS_PER_DAY + 1),
        ]
        pg.copy_in(self.cr, "jit_test_in", rows, ("int4", "bytea", "timestamp"))
        self.cr.execute("SELECT n, t::text FROM jit_test_in ORDER BY n")
        self.assertEqual(
            self.cr.fetchall(),
            [
                (-3, "2000-01-03 00:00:00.000001"),
                (1, "2000-01-02 00:00:00"),
                (2, "2000-01-01 00:00:00"),
            ],
        )
        keys, blobs = pg.copy_blobs(self.cr, SQL("SELECT n, b FROM jit_test_in"))
        self.assertEqual(
            dict(zip(keys.tolist(), map(bytes, blobs), strict=True)),
            {n: b for n, b, _t in rows},
        )
        # A third column: the frame check refuses it.
        with self.assertRaisesRegex(ValueError, "row layout"):
            pg.copy_blobs(self.cr, SQL("SELECT n, b, n FROM jit_test_in"))

    def test_bisect_savepoint_isolates_failures(self):
        """Items 1..8, item 5 fails: the 7 others are written, 5 is reported
        once, alone."""
        failed = []

        def work(items):
            pg.bulk_insert(self.cr, "jit_pg_t", {"id": ("int4", items)})
            if 5 in items:
                raise ValueError("bad 5")

        pg.bisect_savepoint(
            self.env,
            list(range(1, 9)),
            work,
            lambda item, exc: failed.append((item, str(exc))),
        )
        self.assertEqual(failed, [([5], "bad 5")])
        self.assertEqual([r[0] for r in self._rows()], [1, 2, 3, 4, 6, 7, 8])

    def test_bisect_savepoint_lets_concurrency_errors_through(self):
        def work(items):
            raise errors.SerializationFailure("conflict")

        with self.assertRaises(errors.SerializationFailure):
            pg.bisect_savepoint(self.env, [1, 2], work, lambda item, exc: None)
        self.assertTrue(pg.is_concurrency_error(errors.LockNotAvailable()))
        self.assertFalse(pg.is_concurrency_error(ValueError()))

    def test_vendor_is_commercial_partner(self):
        company = self.env["res.partner"].create(
            {"name": "PG Vendor", "is_company": True}
        )
        contact = self.env["res.partner"].create(
            {"name": "Clerk", "parent_id": company.id}
        )
        self.assertEqual(pg.vendor_of(contact | company), company)
        self.env.flush_all()
        self.cr.execute(
            SQL(
                "SELECT %s FROM res_partner p WHERE p.id = %s",
                pg.vendor_sql("p"),
                contact.id,
            )
        )
        self.assertEqual(self.cr.fetchone()[0], company.id)
