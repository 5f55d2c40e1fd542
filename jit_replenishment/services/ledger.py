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
(`definition`), or when the window reaches back before its `horizon`.

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
    first; entries from `days["bounds"][0]` on."""
    env = ops.env
    lookups = locations.lookups(env)
    keys = _keys(rules)
    stored = _read(env, keys)
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
            for row in stored
        ],
        dtype=bool,
    )
    entries = [row["entries"] if row is not None else None for row in stored]
    written = np.zeros(len(stored), dtype=bool)
    # A key rebuilt holds the moves from `horizon`; one caught up keeps
    # what it held, from the later of its horizon and this one.
    horizons = [
        horizon if row is None else max(horizon, row["horizon"]) for row in stored
    ]
    if (~fresh).any():
        _build(ops, keys, np.flatnonzero(~fresh), horizon, entries, lookups)
        written |= ~fresh
        for k in np.flatnonzero(~fresh).tolist():
            horizons[k] = horizon
    if fresh.any():
        written |= _catch_up(ops, keys, np.flatnonzero(fresh), stored, entries, lookups)
    if written.any():
        _write(env, keys, np.flatnonzero(written), entries, horizons, mark, current)
    return _per_rule(keys, entries)


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
    """The stored row of each key (None: none): entries as an ENTRY array,
    horizon, synced_at, definition. The entries come through binary COPY
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
    stored = [None] * len(keys["product"])
    for idx, horizon, synced_at, definition in env.cr.fetchall():
        stored[idx - 1] = {  # WITH ORDINALITY counts from 1
            "horizon": horizon,
            "synced_at": synced_at,
            "definition": definition,
        }
    idx, blobs = copy_blobs(
        env.cr,
        SQL("SELECT k.idx::int4, COALESCE(l.entries, ''::bytea) FROM %s", pairs),
    )
    for i, blob in zip(idx.tolist(), blobs, strict=True):
        if len(blob) % ENTRY.itemsize:  # another layout: rebuilt
            stored[i - 1] = None
        elif stored[i - 1] is not None:
            stored[i - 1]["entries"] = np.frombuffer(blob, dtype=ENTRY)
    return stored


def _watermark(env):
    """The instant from which moves must be read again next time: the
    oldest start of a transaction still open on this database (its writes
    carry that instant and may not be committed yet), this one's included.
    Sessions of other database roles are not visible: the suite's workers
    share one role."""
    env.cr.execute(
        SQL(
            """
            SELECT LEAST(now(), MIN(xact_start)) AT TIME ZONE 'UTC'
              FROM pg_stat_activity
             WHERE datname = current_database()
            """
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
    """ENTRY arrays of the keys `idx` from `moves` (inputs.move_rows), per
    key (a dict key index -> array)."""
    row, key, qty = consumption.signed_moves(
        keys["path"][idx], keys["product"][idx], moves
    )
    packed = np.empty(row.size, dtype=ENTRY)
    packed["move"] = moves["id"][row]
    packed["done"] = moves["done"][row] // MICROSECONDS_PER_SECOND
    packed["created"] = moves["created"][row] // MICROSECONDS_PER_SECOND
    packed["qty"] = qty
    order = np.argsort(key, kind="stable")
    key, packed = key[order], packed[order]
    cuts = np.searchsorted(key, np.arange(idx.size + 1))
    return {int(k): packed[cuts[j] : cuts[j + 1]] for j, k in enumerate(idx.tolist())}


def _build(ops, keys, idx, horizon, entries, lookups):
    """Entries of the keys `idx` from every done move of their products
    since `horizon` (up to now: today's moves are kept for the next night)."""
    moves = inputs.move_rows(
        ops, np.unique(keys["product"][idx]), True, start=horizon, lookups=lookups
    )
    entries_of = _entries(keys, idx, moves)
    for k in idx.tolist():
        entries[k] = entries_of[k]


def _catch_up(ops, keys, idx, stored, entries, lookups):
    """Bring the stored entries of the keys `idx` up to date with the done
    moves written since their `synced_at`; returns which keys changed."""
    products = np.unique(keys["product"][idx])
    since = {}
    for k in idx.tolist():
        product = int(keys["product"][k])
        synced = stored[k]["synced_at"]
        since[product] = min(since.get(product, synced), synced)
    moves = inputs.move_rows(
        ops,
        products,
        False,
        since=[since[int(p)] for p in products.tolist()],
        lookups=lookups,
    )
    changed = np.zeros(len(entries), dtype=bool)
    if not moves["id"].size:
        return changed
    touched = np.unique(moves["product"])
    idx = idx[np.isin(keys["product"][idx], touched)]
    new = _entries(keys, idx, moves)
    for k in idx.tolist():
        ids = moves["id"][moves["product"] == keys["product"][k]]
        old = entries[k]
        entries[k] = np.concatenate([old[~np.isin(old["move"], ids)], new[k]])
        changed[k] = True
    return changed


def _write(env, keys, idx, entries, horizons, mark, definition):
    """Store the entries of the keys `idx` (one statement), each from its
    horizon on (older entries dropped); given up when another job wrote
    them first."""
    blobs = []
    for k in idx.tolist():
        kept = entries[k][entries[k]["done"] >= _seconds(horizons[k])]
        entries[k] = kept
        blobs.append(psycopg2.Binary(kept.tobytes()))
    query = SQL(
        """
        INSERT INTO jit_consumption_ledger AS l
               (boundary_id, product_id, entries, horizon, synced_at, definition)
        SELECT v.boundary_id, v.product_id, v.entries, v.horizon, %s, %s
          FROM unnest(%s::int[], %s::int[], %s::bytea[], %s::timestamp[])
               AS v(boundary_id, product_id, entries, horizon)
        ON CONFLICT (boundary_id, product_id) DO UPDATE
           SET entries = EXCLUDED.entries, horizon = EXCLUDED.horizon,
               synced_at = EXCLUDED.synced_at, definition = EXCLUDED.definition
        """,
        mark,
        definition,
        sql_array(keys["boundary"][idx]),
        sql_array(keys["product"][idx]),
        blobs,
        sql_array(np.array([str(horizons[k]) for k in idx.tolist()], dtype=object)),
    )
    try:
        with env.cr.savepoint(flush=False):
            env.cr.execute(query)
    except psycopg2.Error as exc:
        if not is_concurrency_error(exc):
            raise
        _logger.info("JIT ledger: %s keys written by another job first", idx.size)


def _seconds(instant):
    """An instant in whole seconds since 2000-01-01 (ENTRY's clock)."""
    return (instant - PG_EPOCH) // timedelta(seconds=1)


def _per_rule(keys, entries):
    """The keys' entries per rule (a key serves every rule of its product in
    its boundary)."""
    sizes = np.array([e.size for e in entries], dtype=np.int64)
    packed = np.concatenate(entries) if entries else np.empty(0, dtype=ENTRY)
    entry_key = np.repeat(np.arange(sizes.size), sizes)
    of_rule = keys["of_rule"]
    if of_rule.size == sizes.size:  # one rule per key: no copy
        rule_of_key = np.empty_like(of_rule)
        rule_of_key[of_rule] = np.arange(of_rule.size)
        rule = rule_of_key[entry_key]
    else:
        row, rule = jit_core.match_keys(entry_key, of_rule)
        packed = packed[row]
    return {
        "rule": rule,
        "done": packed["done"].astype(np.int64),
        "created": packed["created"].astype(np.int64),
        "qty": packed["qty"].astype(float),
    }
