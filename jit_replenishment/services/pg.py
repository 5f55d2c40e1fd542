# Copyright 2026 JIT Replenishment Suite
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""PostgreSQL primitives shared by the suite's batch jobs.

One place for what the jobs do to the database in bulk:

- `is_concurrency_error`: what a job must never swallow;
- `sql_array` / `typed_array`: numpy or Python arrays bound as one SQL array
  parameter (one literal for PostgreSQL to parse, not a thousand constants);
- `unnest_rows`: columns of arrays as a row source ``unnest(...) AS v(...)``;
- `bulk_update` / `bulk_insert`: one statement for a whole batch;
- `copy_rows`: a query's rows through binary COPY, parsed by numpy;
- `bisect_savepoint`: the savepoint-and-halve loop that isolates the failing
  records of a batch and keeps the work of all others;
- `vendor_sql` / `vendor_of`: a contact's vendor (its commercial partner).

Identifiers go through ``SQL.identifier``; values are always parameters.
Column types are checked against `SQL_TYPES` (a type is spliced into SQL).
"""

import io
import logging
import struct
from datetime import datetime

import numpy as np
import psycopg2
from psycopg2.extensions import TransactionRollbackError

from odoo.service.model import PG_CONCURRENCY_EXCEPTIONS_TO_RETRY
from odoo.tools import SQL
from odoo.tools.sql import drop_view_if_exists

_logger = logging.getLogger(__name__)

CONCURRENCY_ERRORS = (*PG_CONCURRENCY_EXCEPTIONS_TO_RETRY, TransactionRollbackError)

# The SQL types an array column may be cast to (spliced into the query).
SQL_TYPES = frozenset(
    {
        "int4",
        "int8",
        "float8",
        "numeric",
        "bool",
        "varchar",
        "text",
        "date",
        "timestamp",
        "jsonb",
    }
)

# The first 11 bytes of PostgreSQL's binary COPY output.
COPY_SIGNATURE = b"PGCOPY\n\xff\r\n\x00"

# PostgreSQL's binary timestamps count microseconds from this instant.
PG_EPOCH = datetime(2000, 1, 1)
MICROSECONDS_PER_DAY = 86_400_000_000
MICROSECONDS_PER_SECOND = 1_000_000
SECONDS_PER_DAY = 86_400


def is_concurrency_error(exc):
    """True for an error that must propagate so that the transaction is
    retried (never logged on a record as if the record were at fault).

    A job that isolates failing records (savepoint, log, go on) only isolates
    genuine data errors. A concurrency error (serialization failure, deadlock,
    lock not available) says nothing about the record: the whole transaction
    is doomed and must be retried, which ir.cron (and Odoo's RPC layer) does
    when the error reaches it. Every catch-all of the suite asks this one
    predicate."""
    return isinstance(exc, CONCURRENCY_ERRORS)


def _quote(value):
    return '"' + str(value).replace("\\", "\\\\").replace('"', '\\"') + '"'


def sql_array(values, nullable=False):
    """A PostgreSQL array literal ('{1.5,2,NULL}') of `values` (a numpy array
    or any sequence), to bind as one parameter and cast (``%s::int[]``).

    Floats keep their shortest exact form (repr; 'nan' and 'inf' are valid
    float8 input), integers and booleans are written as integers (cast a
    boolean array through int4 or pass Python bools: 't'/'f' below), None is
    NULL, anything else (text, dates) is quoted. With `nullable`, NaN and ''
    are NULL too (an unmeasured figure, no value)."""
    array = np.asarray(values) if not isinstance(values, np.ndarray) else values
    kind = array.dtype.kind
    if kind == "f":
        items = map(repr, array.astype(float).tolist())
        if nullable:
            items = ("NULL" if item == "nan" else item for item in items)
    elif kind == "b":
        items = ("t" if v else "f" for v in array.tolist())
    elif kind in "iu":
        items = map(str, array.astype(np.int64).tolist())
    else:
        empty = (None, "") if nullable else (None,)
        items = ("NULL" if v in empty else _quote(v) for v in array.tolist())
    return "{" + ",".join(items) + "}"


def _check_type(sql_type):
    if sql_type not in SQL_TYPES:
        raise ValueError(f"unsupported SQL array type {sql_type!r}")
    return sql_type


def typed_array(sql_type, values, nullable=False):
    """SQL ``%s::<type>[]`` binding `values` (sql_array) as one parameter."""
    return SQL(f"%s::{_check_type(sql_type)}[]", sql_array(values, nullable))


def unnest_rows(columns, alias="v"):
    """A row source ``unnest(a::t[], b::u[], ...) AS alias(a, b, ...)`` of
    `columns` ({name: (sql type, values[, nullable])}, arrays of the same
    length; nullable: NaN and '' bound as NULL, see sql_array)."""
    return SQL(
        "unnest(%s) AS %s(%s)",
        SQL(", ").join(typed_array(*spec) for spec in columns.values()),
        SQL.identifier(alias),
        SQL(", ").join(SQL.identifier(name) for name in columns),
    )


def bulk_update(cr, table, columns, key="id", set_extra=None, only_changed=False):
    """UPDATE `table` from arrays in one statement: each row whose `key`
    equals `columns[key]` gets the other columns' values; `set_extra`
    ({column: SQL or value}) sets more columns to one value for every row.
    With `only_changed`, rows whose values all equal the new ones are left
    alone (IS DISTINCT FROM: NULLs compare). Returns the ids of the rows
    written (the `key` values)."""
    names = [name for name in columns if name != key]
    assign = [SQL("%s = v.%s", SQL.identifier(n), SQL.identifier(n)) for n in names]
    for name, value in (set_extra or {}).items():
        assign.append(SQL("%s = %s", SQL.identifier(name), value))
    changed = SQL()
    if only_changed and names:
        changed = SQL(
            "AND (%s)",
            SQL(" OR ").join(
                SQL("t.%s IS DISTINCT FROM v.%s", SQL.identifier(n), SQL.identifier(n))
                for n in names
            ),
        )
    cr.execute(
        SQL(
            "UPDATE %s AS t SET %s FROM %s WHERE t.%s = v.%s %s RETURNING t.%s",
            SQL.identifier(table),
            SQL(", ").join(assign),
            unnest_rows(columns),
            SQL.identifier(key),
            SQL.identifier(key),
            changed,
            SQL.identifier(key),
        )
    )
    return [row[0] for row in cr.fetchall()]


def bulk_insert(cr, table, columns, constants=None, returning="id", conflict=None):
    """INSERT one row per position of the arrays `columns` ({name: (sql
    type, values[, nullable])}, as unnest_rows) into `table` in one
    statement; `constants` ({column: value}) are the same for every row
    (e.g. create_uid, run_id);
    `conflict` is an optional SQL clause (``ON CONFLICT ... DO ...``).
    Rows are inserted in the arrays' order. Returns the `returning` column
    of the rows written (a tuple of columns: a tuple per row; None: nothing,
    an empty list). PostgreSQL does not document the order of RETURNING
    rows: to pair them with the input, return a key with them."""
    constants = constants or {}
    names = [*constants, *columns]
    several = isinstance(returning, tuple | list)
    returned = returning if several else (returning,) if returning else ()
    cr.execute(
        SQL(
            "INSERT INTO %s AS t (%s) SELECT %s FROM unnest(%s) WITH ORDINALITY"
            " AS v(%s, _ord) ORDER BY v._ord %s %s",
            SQL.identifier(table),
            SQL(", ").join(SQL.identifier(n) for n in names),
            SQL(", ").join(
                [SQL("%s", value) for value in constants.values()]
                + [SQL("v.%s", SQL.identifier(n)) for n in columns]
            ),
            SQL(", ").join(typed_array(*spec) for spec in columns.values()),
            SQL(", ").join(SQL.identifier(n) for n in columns),
            conflict or SQL(),
            SQL(
                "RETURNING %s",
                SQL(", ").join(SQL("t.%s", SQL.identifier(n)) for n in returned),
            )
            if returned
            else SQL(),
        )
    )
    if not returned:
        return []
    return [row if several else row[0] for row in cr.fetchall()]


def copy_rows(cr, query, row):
    """The rows of `query` (an SQL; columns NOT NULL, of the fixed-size types
    of the numpy dtype `row`, big-endian as PostgreSQL sends them) through
    COPY ... TO STDOUT in PostgreSQL's binary format, read by numpy without
    a Python object per row.

    Binary COPY frames each row as a 16-bit field count and each field as a
    32-bit length followed by its big-endian value; the frame is checked
    before the values are trusted (ValueError otherwise)."""
    lengths = [f"len{i}" for i in range(len(row.names))]
    framed = np.dtype(
        [("count", ">i2")]
        + [
            item
            for length, name in zip(lengths, row.names, strict=True)
            for item in ((length, ">i4"), (name, row[name]))
        ]
    )
    body = _copy_out(cr, query)
    if len(body) % framed.itemsize:
        raise ValueError("unexpected COPY row layout from PostgreSQL")
    rows = np.frombuffer(body, dtype=framed)
    if (rows["count"] != len(row.names)).any() or any(
        (rows[length] != row[name].itemsize).any()
        for length, name in zip(lengths, row.names, strict=True)
    ):
        raise ValueError("unexpected COPY row layout from PostgreSQL")
    return rows


def _copy_out(cr, query):
    """The body of the binary COPY of `query`: its rows, after the header,
    without the trailer (checked; ValueError otherwise)."""
    copy = SQL("COPY (%s) TO STDOUT WITH (FORMAT binary)", query)
    buffer = io.BytesIO()
    # As Odoo's own COPY (models.py): no asynchronous wait callback (gevent)
    # while the COPY runs.
    callback = psycopg2.extensions.get_wait_callback()
    psycopg2.extensions.set_wait_callback(None)
    try:
        cr.copy_expert(cr.mogrify(copy.code, copy.params).decode(), buffer)
    finally:
        psycopg2.extensions.set_wait_callback(callback)
    cr.sql_log_count += 1
    data = buffer.getbuffer()
    if bytes(data[:11]) != COPY_SIGNATURE or bytes(data[-2:]) != b"\xff\xff":
        raise ValueError("unexpected COPY output from PostgreSQL")
    # signature, flags, header extension length, header extension
    header = 19 + int.from_bytes(data[15:19], "big")
    return data[header:-2]


def copy_blobs(cr, query):
    """The rows of `query` (an SQL of two NOT NULL columns: an int4 key and
    a bytea) through binary COPY: the keys as an array and the values as
    memoryviews of one buffer (no copy, no hex text). A row's frame: a
    16-bit field count (2), then each field's 32-bit length and value."""
    body = _copy_out(cr, query)
    keys, blobs = [], []
    pos, end = 0, len(body)
    while pos < end:
        if int.from_bytes(body[pos : pos + 6], "big") != (2 << 32) | 4:
            raise ValueError("unexpected COPY row layout from PostgreSQL")
        keys.append(int.from_bytes(body[pos + 6 : pos + 10], "big", signed=True))
        size = int.from_bytes(body[pos + 10 : pos + 14], "big")
        blobs.append(body[pos + 14 : pos + 14 + size])
        pos += 14 + size
    return np.array(keys, dtype=np.int64), blobs


COPY_IN_FORMATS = {"int4": ">i", "int8": ">q", "timestamp": ">q", "float8": ">d"}


def copy_in(cr, table, rows, types):
    """Insert `rows` (tuples of Python values of the SQL `types`: int4, int8,
    float8, bytea, or timestamp given as microseconds since 2000-01-01)
    into `table` (its columns in that order) through COPY ... FROM STDIN in
    PostgreSQL's binary format: no text to escape or parse."""
    out = [COPY_SIGNATURE, b"\x00\x00\x00\x00\x00\x00\x00\x00"]
    count = struct.pack(">h", len(types))
    for row in rows:
        out.append(count)
        for sql_type, value in zip(types, row, strict=True):
            if sql_type == "bytea":
                out += (struct.pack(">i", len(value)), value)
            else:
                fmt = COPY_IN_FORMATS[sql_type]
                out += (
                    struct.pack(">i", struct.calcsize(fmt)),
                    struct.pack(fmt, value),
                )
    out.append(b"\xff\xff")
    callback = psycopg2.extensions.get_wait_callback()
    psycopg2.extensions.set_wait_callback(None)
    try:
        cr.copy_expert(
            SQL("COPY %s FROM STDIN WITH (FORMAT binary)", SQL.identifier(table)).code,
            io.BytesIO(b"".join(out)),
        )
    finally:
        psycopg2.extensions.set_wait_callback(callback)
    cr.sql_log_count += 1


def bisect_savepoint(env, items, work, on_failure, label="record", logger=None):
    """Run ``work(items)`` in a savepoint; on failure split `items` (a
    recordset or a sequence) in halves until the failing ones are isolated,
    call ``on_failure(item, exc)`` for each of them (a one-item slice) and
    keep the work done on all others.

    Concurrency errors (`is_concurrency_error`) are not the items' fault:
    they propagate so that the transaction is retried. Each isolated
    failure is logged as a warning on `logger` (default: this module's)."""
    try:
        with env.cr.savepoint():
            work(items)
    except Exception as exc:  # noqa: BLE001 - logged on the item, the job goes on
        if is_concurrency_error(exc):
            raise
        env.invalidate_all()
        if len(items) == 1:
            (logger or _logger).warning(
                "JIT %s %s failed: %s", label, _ident(items), exc
            )
            on_failure(items, exc)
            return
        half = len(items) // 2
        bisect_savepoint(env, items[:half], work, on_failure, label, logger)
        bisect_savepoint(env, items[half:], work, on_failure, label, logger)


def _ident(items):
    return getattr(items, "id", None) or (list(items)[:1] or [None])[0]


def vendor_sql(alias):
    """SQL of a contact's vendor (its commercial partner id) for the
    res_partner row aliased `alias`: every vendor setting and SLA figure of
    the suite is written and read on that partner."""
    return SQL("%s.commercial_partner_id", SQL.identifier(alias))


def vendor_of(partners):
    """The vendors (commercial partners) of `partners` (res.partner)."""
    return partners.commercial_partner_id


def replace_view(env, table, query):
    """(Re)create the SQL view `table` of a report model from its `query`
    (an SQL): the `init()` of every report model of the addon."""
    drop_view_if_exists(env.cr, table)
    env.cr.execute(
        SQL("CREATE OR REPLACE VIEW %s AS (%s)", SQL.identifier(table), query)
    )
