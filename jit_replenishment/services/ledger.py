# Copyright 2026 JIT Replenishment Suite
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""The consumption ledger (README, "The consumption ledger"): what the
recompute counts as consumption, kept per (boundary, product) in
jit_consumption_ledger, so that a night reads the entries of its rules and
the moves written since the last night, not every move of the window.

A row holds one ENTRY per done move that counts for its key (the sign and
quantity of consumption.signed_moves: the one definition), packed in a
bytea. It is brought up to date from the done moves written (write_date)
since its `synced_at`: their old entries are dropped by move id, their new
ones added, so a move read twice is counted once. A row is rebuilt from the
moves when it is missing, when its locations or units changed
(`definition`), or when the window reaches back before its `horizon`. A
row keeps the moves of the longest window of any profile; rows no rule
reads are pruned after a nightly run (`prune`).

`synced_at` is the oldest start of a transaction still open when the row
was written (ORM writes stamp write_date with their transaction's start),
so a move committed later is read next time. The ledger is a cache of
stock.move: when another job wrote the same rows first, this one's write is
given up (the next night redoes it) and its own entries are used as they
are; a script that inserts or changes done moves with SQL must set their
write_date, or call jit.consumption.ledger._rebuild_all()."""

import hashlib
import logging
from datetime import timedelta

import numpy as np
import psycopg2

from odoo.tools import SQL

import jit_core

from . import consumption, inputs, locations
from .pg import (
    MICROSECONDS_PER_SECOND,
    PG_EPOCH,
    copy_blobs,
    copy_in,
    is_concurrency_error,
    sql_array,
)

_logger = logging.getLogger(__name__)

# One counted move of a key, 20 bytes: its id, done and creation instants
# (whole seconds since 2000-01-01: Odoo stores seconds) and its signed
# quantity in the unit of reference of its unit's category.
ENTRY = np.dtype([("move", "<i4"), ("done", "<i4"), ("created", "<i4"), ("qty", "<f8")])


def rule_entries(ops, rules, days):
    """The consumption entries of the batch's rules (in the form of
    consumption.entries_from_moves) from the ledger, brought up to date
    first; entries from `days["bounds"][0]` on.

    The batch's entries are one ENTRY array with the key of each entry
    (`key`), not an array per key: no Python loop per key."""
    env = ops.env
    lookups = locations.lookups(env)
    keys = _keys(rules)
    meta, key, entries = _read(env, keys)
    mark = _watermark(env)
    horizon = days["bounds"][0]
    current = _definition(lookups)
    definitions = {current: True}  # stored definition -> still valid

    def valid(definition):
        if definition not in definitions:
            definitions[definition] = _definition(lookups, definition) == definition
        return definitions[definition]

    fresh = np.array(
        [
            row is not None and row["horizon"] <= horizon and valid(row["definition"])
            for row in meta
        ],
        dtype=bool,
    )
    # Rows keep the moves of the longest window of any profile: rules of
    # one key with different windows (other batches) share them. A key
    # rebuilt reads from there; one caught up keeps what it held, back to
    # there at most.
    keep_from = _keep_from(env, days)
    horizons = np.array(
        [
            _seconds(max(keep_from, row["horizon"]) if ok else keep_from)
            for row, ok in zip(meta, fresh.tolist(), strict=True)
        ],
        dtype=np.int64,
    )
    written = ~fresh
    kept = fresh[key]
    key, entries = key[kept], entries[kept]
    if written.any():
        new_key, new = _build(ops, keys, np.flatnonzero(written), keep_from, lookups)
        key, entries = np.concatenate([key, new_key]), np.concatenate([entries, new])
    if fresh.any():
        key, entries, changed = _catch_up(
            ops, keys, np.flatnonzero(fresh), meta, (key, entries), lookups
        )
        written |= changed
    # Entries before their key's horizon are dropped.
    kept = entries["done"] >= horizons[key]
    key, entries = key[kept], entries[kept]
    if written.any():
        _write(env, keys, written, key, entries, horizons, mark, current)
    return _per_rule(keys, key, entries)


def _keep_from(env, days):
    """The start of the longest window of any JIT profile (at least the
    batch's window `days`), as a UTC instant."""
    env.cr.execute(SQL("SELECT MAX(window_days) FROM jit_profile"))
    longest = env.cr.fetchone()[0] or 0
    return days["bounds"][0] - timedelta(days=max(longest - days["n_days"], 0))


def _keys(rules):
    """The distinct (boundary, product) keys of the rules: `boundary`
    (location id), `path` (its parent_path), `product`, and `of_rule` (the
    key of each rule)."""
    paths = np.asarray(rules["wh_path"], dtype=object)
    pairs = np.array(
        [
            f"{path}|{product}"
            for path, product in zip(paths, rules["product_id"].tolist(), strict=True)
        ],
        dtype=object,
    )
    _unique, first, of_rule = np.unique(pairs, return_index=True, return_inverse=True)
    path = paths[first]
    return {
        "boundary": np.array(
            [int(p.strip("/").rsplit("/", 1)[-1]) for p in path], dtype=np.int64
        ),
        "path": path,
        "product": rules["product_id"][first],
        "of_rule": of_rule,
    }


def _read(env, keys):
    """The stored rows of the keys: per key its horizon, synced_at and
    definition (None: no row), and the entries of all keys as one ENTRY
    array with the key of each entry. The entries come through binary COPY
    (no hex text), the rest through one plain query."""
    pairs = SQL(
        """unnest(%s::int[], %s::int[]) WITH ORDINALITY
               AS k(boundary_id, product_id, idx)
           JOIN jit_consumption_ledger l
             ON l.boundary_id = k.boundary_id AND l.product_id = k.product_id""",
        sql_array(keys["boundary"]),
        sql_array(keys["product"]),
    )
    env.cr.execute(
        SQL("SELECT k.idx, l.horizon, l.synced_at, l.definition FROM %s", pairs)
    )
    meta = [None] * len(keys["product"])
    for idx, horizon, synced_at, definition in env.cr.fetchall():
        meta[idx - 1] = {  # WITH ORDINALITY counts from 1
            "horizon": horizon,
            "synced_at": synced_at,
            "definition": definition,
        }
    idx, blobs = copy_blobs(
        env.cr,
        SQL("SELECT k.idx::int4, COALESCE(l.entries, ''::bytea) FROM %s", pairs),
    )
    sizes = np.array([len(blob) for blob in blobs], dtype=np.int64)
    whole = (sizes % ENTRY.itemsize) == 0
    for i in (idx[~whole] - 1).tolist():  # another layout: rebuilt
        meta[i] = None
    entries = np.frombuffer(
        b"".join(blob for blob, ok in zip(blobs, whole.tolist(), strict=True) if ok),
        dtype=ENTRY,
    )
    key = np.repeat(idx[whole] - 1, sizes[whole] // ENTRY.itemsize)
    return meta, key, entries


# Moves written this long before the watermark are read again anyway: a
# margin for transactions this database role cannot see in
# pg_stat_activity (another role's) and for clocks a little apart. Reading
# a move again changes nothing (its entry is replaced by move id).
WATERMARK_MARGIN = "5 minutes"


def _watermark(env):
    """The instant from which moves must be read again next time: the
    oldest start of a transaction still open on this database (its writes
    carry that instant and may not be committed yet), this one's included,
    minus WATERMARK_MARGIN."""
    env.cr.execute(
        SQL(
            """
            SELECT (LEAST(now(), MIN(xact_start)) - %s::interval)
                   AT TIME ZONE 'UTC'
              FROM pg_stat_activity
             WHERE datname = current_database()
            """,
            WATERMARK_MARGIN,
        )
    )
    return env.cr.fetchone()[0]


def _definition(lookups, stored=None):
    """What the entries depend on besides the moves: their layout, the
    parent_path and usage of every location and the factor of every unit,
    up to the highest ids when the row was built (locations and units
    created since cannot appear in its entries). Returns
    "locations:units:digest"; with `stored`, the digest over the ids it
    names."""
    paths, usages, factors = lookups["path"], lookups["usage"], lookups["uom_factor"]
    if stored:
        n_loc, n_uom = (int(x) for x in stored.split(":")[:2])
    else:
        n_loc, n_uom = lookups["size"], factors.size
    digest = hashlib.blake2b(digest_size=16)
    digest.update(str(ENTRY.descr).encode())  # the entries' layout
    digest.update("\0".join(paths[:n_loc].tolist()).encode())
    digest.update("\0".join(usages[:n_loc].tolist()).encode())
    digest.update(factors[:n_uom].tobytes())
    return f"{n_loc}:{n_uom}:{digest.hexdigest()}"


def _entries(keys, idx, moves):
    """The entries of the keys `idx` from `moves` (inputs.move_rows): the
    key of each entry and the ENTRY array."""
    row, key, qty = consumption.signed_moves(
        keys["path"][idx], keys["product"][idx], moves
    )
    packed = np.empty(row.size, dtype=ENTRY)
    packed["move"] = moves["id"][row]
    packed["done"] = moves["done"][row] // MICROSECONDS_PER_SECOND
    packed["created"] = moves["created"][row] // MICROSECONDS_PER_SECOND
    packed["qty"] = qty
    return idx[key], packed


def _build(ops, keys, idx, horizon, lookups):
    """Entries of the keys `idx` from every done move of their products
    since `horizon` (up to now: today's moves are kept for the next night)."""
    moves = inputs.move_rows(
        ops, np.unique(keys["product"][idx]), True, start=horizon, lookups=lookups
    )
    return _entries(keys, idx, moves)


def _catch_up(ops, keys, idx, meta, stored, lookups):
    """Bring the `stored` entries (key, entries) of the keys `idx` up to
    date with the done moves written since their `synced_at`: the entries of
    those moves are replaced (by move id) with what the moves count now.
    Returns the key and entries, and which keys changed."""
    key, entries = stored
    products = np.unique(keys["product"][idx])
    since = {}
    for k in idx.tolist():
        product = int(keys["product"][k])
        synced = meta[k]["synced_at"]
        since[product] = min(since.get(product, synced), synced)
    moves = inputs.move_rows(
        ops,
        products,
        False,
        since=[since[int(p)] for p in products.tolist()],
        lookups=lookups,
    )
    if not moves["id"].size:
        return key, entries, np.zeros(len(meta), dtype=bool)
    idx = idx[np.isin(keys["product"][idx], moves["product"])]
    # A move belongs to one product: its entries are in its product's keys.
    kept = ~np.isin(entries["move"], moves["id"])
    new_key, new = _entries(keys, idx, moves)
    # Moves read again (written just before the last sync) usually count as
    # they did: their keys are not written again.
    changed = _differ(len(meta), (key[~kept], entries[~kept]), (new_key, new))
    return (
        np.concatenate([key[kept], new_key]),
        np.concatenate([entries[kept], new]),
        changed,
    )


def _differ(n_keys, old, new):
    """Which keys' entries differ between `old` and `new` ((key, entries)
    pairs, in any order): counts per key, then the sorted entries."""

    def ordered(key, entries):
        rows = np.empty(key.size, dtype=[("key", "<i8"), *ENTRY.descr])
        rows["key"] = key
        for name in ENTRY.names:
            rows[name] = entries[name]
        return np.sort(rows, order=["key", *ENTRY.names])

    a, b = ordered(*old), ordered(*new)
    differ = np.bincount(a["key"], minlength=n_keys) != np.bincount(
        b["key"], minlength=n_keys
    )
    # Keys with as many entries on both sides line up row for row.
    same_a, same_b = a[~differ[a["key"]]], b[~differ[b["key"]]]
    differ[same_a["key"][same_a != same_b]] = True
    return differ


def _write(env, keys, written, key, entries, horizons, mark, definition):
    """Store the entries of the `written` keys (a mask): binary COPY into a
    temporary table (no hex text), then one upsert; given up when another
    job wrote them first."""
    mine = written[key]
    order = np.argsort(key[mine], kind="stable")
    packed = entries[mine][order].tobytes()
    idx = np.flatnonzero(written)
    cuts = np.searchsorted(key[mine][order], np.append(idx, len(keys["product"])))
    cuts *= ENTRY.itemsize
    rows = [
        (
            int(keys["boundary"][k]),
            int(keys["product"][k]),
            packed[cuts[j] : cuts[j + 1]],
            int(horizons[k]) * MICROSECONDS_PER_SECOND,
        )
        for j, k in enumerate(idx.tolist())
    ]
    cr = env.cr
    try:
        with cr.savepoint(flush=False):
            cr.execute(
                SQL(
                    "CREATE TEMPORARY TABLE IF NOT EXISTS jit_ledger_in"
                    " (boundary_id int4, product_id int4, entries bytea,"
                    " horizon timestamp) ON COMMIT DELETE ROWS"
                )
            )
            cr.execute(SQL("TRUNCATE jit_ledger_in"))
            copy_in(cr, "jit_ledger_in", rows, ("int4", "int4", "bytea", "timestamp"))
            # Not logged as a bad query: a concurrent write is expected.
            cr.execute(
                SQL(
                    """
                    INSERT INTO jit_consumption_ledger AS l
                           (boundary_id, product_id, entries, horizon,
                            synced_at, definition)
                    SELECT boundary_id, product_id, entries, horizon, %s, %s
                      FROM jit_ledger_in
                    ON CONFLICT (boundary_id, product_id) DO UPDATE
                       SET entries = EXCLUDED.entries,
                           horizon = EXCLUDED.horizon,
                           synced_at = EXCLUDED.synced_at,
                           definition = EXCLUDED.definition
                    """,
                    mark,
                    definition,
                ),
                log_exceptions=False,
            )
    except psycopg2.Error as exc:
        if not is_concurrency_error(exc):
            raise
        _logger.info("JIT ledger: %s keys written by another job first", idx.size)


def _seconds(instant):
    """An instant in whole seconds since 2000-01-01 (ENTRY's clock)."""
    return (instant - PG_EPOCH) // timedelta(seconds=1)


def _per_rule(keys, key, entries):
    """The entries per rule (a key serves every rule of its product in its
    boundary)."""
    of_rule = keys["of_rule"]
    if of_rule.size == keys["product"].size:  # one rule per key: no copy
        rule_of_key = np.empty_like(of_rule)
        rule_of_key[of_rule] = np.arange(of_rule.size)
        rule = rule_of_key[key]
    else:
        row, rule = jit_core.match_keys(key, of_rule)
        entries = entries[row]
    return {
        "rule": rule,
        "done": entries["done"].astype(np.int64),
        "created": entries["created"].astype(np.int64),
        "qty": entries["qty"].astype(float),
    }


# Rule fields that decide which ledger rows are read.
KEY_FIELDS = ("jit_enabled", "active", "product_id", "location_id", "warehouse_id")


def prune(env, products=None):
    """Drop the rows no JIT rule reads any more (rules disabled, archived
    or deleted, moved to another boundary), of `products` (ids; None: all,
    a scan of the whole ledger). Returns the number of rows dropped."""
    boundary = consumption.boundary_sql("loc", "wv")
    only = SQL()
    if products is not None:
        only = SQL(
            "AND l.product_id = ANY(%s::int[])",
            sql_array(np.asarray(list(products), dtype=np.int64)),
        )
    env.cr.execute(
        SQL(
            """
            DELETE FROM jit_consumption_ledger l
             WHERE NOT EXISTS (
                   SELECT 1
                     FROM stock_warehouse_orderpoint op
                     JOIN stock_location loc ON loc.id = op.location_id
                     JOIN stock_warehouse wh ON wh.id = op.warehouse_id
                     JOIN stock_location wv ON wv.id = wh.view_location_id
                    WHERE op.product_id = l.product_id
                      AND op.jit_enabled AND op.active
                      AND %s = (SELECT parent_path FROM stock_location
                                 WHERE id = l.boundary_id))
               %s
            """,
            boundary,
            only,
        )
    )
    return env.cr.rowcount


def prune_if_stale(env, rules):
    """After a nightly run over `rules` JIT rules: a scan of the ledger
    (prune) only when PostgreSQL's estimate of its rows exceeds the rules
    by a tenth (rows of rules changed by SQL, of a warehouse whose view
    location changed; the rules' own changes prune as they are written)."""
    env.cr.execute(
        SQL(
            "SELECT reltuples FROM pg_class"
            " WHERE oid = 'jit_consumption_ledger'::regclass"
        )
    )
    estimate = env.cr.fetchone()[0]
    if estimate > 1.1 * rules + 100:
        return prune(env)
    return 0
