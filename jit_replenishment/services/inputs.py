# Copyright 2026 JIT Replenishment Suite
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""What the recompute reads for a batch of rules, as arrays for jit_core:
the rules, the window's days, the done moves (binary COPY), stock-out days
and seed ADUs. Profiles: services/profiles.py; lead times: lead_times.py."""

from datetime import datetime, timedelta
from datetime import time as dtime

import numpy as np
import pytz

from odoo.exceptions import UserError
from odoo.tools import SQL

import jit_core

from . import consumption, locations
from .pg import PG_EPOCH, sql_array

# One done move as it comes out of done_moves (big-endian, as in
# PostgreSQL's binary COPY format; a timestamp is sent as microseconds since
# 2000-01-01).
MOVE_ROW = np.dtype(
    [
        ("id", ">i4"),
        ("product", ">i4"),
        ("date", ">i8"),
        ("created", ">i8"),
        ("src", ">i4"),
        ("dst", ">i4"),
        ("uom", ">i4"),
        ("qty", ">f8"),
        ("returns_a_move", "?"),
    ]
)


def window(company, now, window_days, tail=False):
    """The days measured: the `window_days` complete days before today
    in the company's timezone (its partner's, as Odoo's own lead-days
    date; UTC when unset). Today is never counted: it is not over.

    Returns the first and last local day, the number of days, and the
    UTC instants where each local day starts, plus the end of the last
    one (and, with `tail`, the end of today: stock-outs are rebuilt
    back from today's quants through today's moves), as datetimes and
    as microseconds since 2000-01-01 (PostgreSQL's binary timestamps)."""
    tz = pytz.timezone(company.partner_id.tz or "UTC")
    today = pytz.utc.localize(now).astimezone(tz).date()
    start_day = today - timedelta(days=window_days)
    bounds = [
        tz.localize(datetime.combine(start_day + timedelta(days=i), dtime.min))
        .astimezone(pytz.utc)
        .replace(tzinfo=None)
        for i in range(window_days + 1 + bool(tail))
    ]
    return {
        "start_day": start_day,
        "end_day": today - timedelta(days=1),
        "n_days": window_days,
        "bounds": bounds,
        "bounds_us": np.array(
            [(b - PG_EPOCH) // timedelta(microseconds=1) for b in bounds],
            dtype=np.int64,
        ),
    }


def read_rules(env, ids):
    """One query: what the computation needs of each rule, as arrays
    (its vendor line is chosen in lead_times.py). The product side is
    read per rule through
    its primary keys (LATERAL ... OFFSET 0 keeps PostgreSQL from hashing
    the whole product table for a batch of a thousand rules)."""
    env.cr.execute(
        SQL(
            """
            SELECT op.id, op.product_id, op.company_id, loc.parent_path,
                   op.product_min_qty, op.product_max_qty,
                   COALESCE(op.qty_multiple, 0), COALESCE(op.jit_state, ''),
                   op.jit_profile_id, p.profile, p.categ_path, p.rounding,
                   p.factor, wv.parent_path, COALESCE(op.supplier_id, 0),
                   COALESCE(op.jit_approval_run_id, 0)
              FROM stock_warehouse_orderpoint op
              JOIN stock_location loc ON loc.id = op.location_id
              JOIN stock_warehouse wh ON wh.id = op.warehouse_id
              JOIN stock_location wv ON wv.id = wh.view_location_id
             CROSS JOIN LATERAL (
                    SELECT (pt.jit_profile_id ->> op.company_id::text)::int
                               AS profile,
                           categ.parent_path AS categ_path, uom.rounding,
                           uom.factor
                      FROM product_product pp
                      JOIN product_template pt ON pt.id = pp.product_tmpl_id
                      JOIN product_category categ ON categ.id = pt.categ_id
                      JOIN uom_uom uom ON uom.id = pt.uom_id
                     WHERE pp.id = op.product_id
                    OFFSET 0) p
             WHERE op.id = ANY(%(ids)s::int[])
             ORDER BY op.id
            """,
            ids=sql_array(np.asarray(ids, dtype=np.int64)),
        )
    )
    return _rule_arrays(env.cr.fetchall())


def _rule_arrays(rows):
    """The rows of read_rules as arrays (one per column)."""
    cols = list(zip(*rows, strict=True))
    return {
        "id": np.array(cols[0], dtype=np.int64),
        "product_id": np.array(cols[1], dtype=np.int64),
        "company_id": np.array(cols[2], dtype=np.int64),
        "path": list(cols[3]),
        "min": np.array(cols[4], dtype=float),
        "max": np.array(cols[5], dtype=float),
        "qty_multiple": np.array(cols[6], dtype=float),
        "state": np.array(cols[7], dtype=object),
        "rule_profile": list(cols[8]),
        "product_profile": list(cols[9]),
        "categ_path": list(cols[10]),
        "uom_rounding": np.array(cols[11], dtype=float),
        "uom_factor": np.array(cols[12], dtype=float),
        # Consumption is counted at the rule's boundary (consumption.py).
        "wh_path": np.array(
            [
                consumption.boundary(path, wh)
                for path, wh in zip(cols[3], cols[13], strict=True)
            ],
            dtype=object,
        ),
        "supplier_id": np.array(cols[14], dtype=np.int64),
        "approval_run_id": np.array(cols[15], dtype=np.int64),
    }


def done_moves(ops, rules, days, consuming_only):
    """The done moves of the batch's products over `days` (window():
    the window, and today with its tail), one binary row each (id, product,
    done and creation instants, source, destination, unit, quantity,
    whether it returns another move), parsed by numpy: no per-row Python
    object, no join. `day`: the local day of each move, counted from the
    window's first day (the last index, n_days, is today).

    With `consuming_only`, only moves to a consuming location or that may
    be returns (consumption.is_return) come back (a superset of what any
    rule counts as consumption); the location trees are applied in numpy."""
    moves = move_rows(
        ops,
        np.unique(rules["product_id"]),
        consuming_only,
        start=days["bounds"][0],
        end=days["bounds"][-1],
    )
    # The timestamp arrives raw and is placed among the UTC starts of the
    # local days, no date arithmetic per row.
    moves["day"] = np.searchsorted(days["bounds_us"], moves["done"], side="right") - 1
    return moves


def move_rows(
    ops, products, consuming_only, start=None, end=None, since=None, lookups=None
):
    """The done moves of `products` (done from `start`, before `end`; None:
    no bound), or with `since` (one instant per product) those written
    (write_date) from then on, whatever their date: columns of MOVE_ROW as
    arrays (`done`, `created`: microseconds since 2000), plus the location
    and unit `lookups` (read unless given). `consuming_only`: see
    done_moves."""
    env = ops.env
    lookups = lookups or locations.lookups(env)
    returns_a_move = consumption.returns_a_move_sql("sm")
    where = [SQL("sm.state = 'done'")]
    if start is not None:
        where.append(SQL("sm.date >= %s", start))
    if end is not None:
        where.append(SQL("sm.date < %s", end))
    if consuming_only:
        where.append(_may_count_sql(lookups, returns_a_move))
    if since is None:
        source = SQL("stock_move sm")
        where.append(SQL("sm.product_id = ANY(%s::int[])", sql_array(products)))
    else:
        # One index range per product (hooks.WRITTEN_INDEX).
        source = SQL(
            "unnest(%s::int[], %s::timestamp[]) AS k(product_id, since)"
            " JOIN stock_move sm ON sm.product_id = k.product_id"
            " AND sm.write_date >= k.since",
            sql_array(products),
            sql_array(np.array([str(t) for t in since], dtype=object)),
        )
    rows = ops._jit_copy_rows(
        SQL(
            """
            SELECT sm.id, sm.product_id, sm.date,
                   COALESCE(sm.create_date, sm.date), sm.location_id,
                   sm.location_dest_id, sm.product_uom,
                   COALESCE(sm.quantity, 0)::float8, %s
              FROM %s
             WHERE %s
            """,
            returns_a_move,
            source,
            SQL(" AND ").join(where),
        ),
        MOVE_ROW,
    )
    moves = {name: rows[name].astype(np.int64) for name in MOVE_ROW.names}
    moves["qty"] = rows["qty"].astype(float)
    moves["returns_a_move"] = rows["returns_a_move"].astype(bool)
    moves["done"] = moves.pop("date")
    moves["lookups"] = lookups
    return moves


def _may_count_sql(lookups, returns_a_move):
    """SQL: the move goes to a consuming location or may be a return
    (consumption.is_return): a superset of what any rule counts."""
    consuming, returns, undone = consumption.usage_masks(lookups["usage"])
    return SQL(
        "(sm.location_dest_id = ANY(%s::int[])"
        " OR sm.location_id = ANY(%s::int[])"
        " OR (sm.location_id = ANY(%s::int[]) AND %s))",
        sql_array(np.flatnonzero(consuming)),
        sql_array(np.flatnonzero(returns)),
        sql_array(np.flatnonzero(undone)),
        returns_a_move,
    )


def stockout_mask(env, rules, days, moves):
    """Days that closed with no stock in the rule's location tree, rebuilt
    backwards from today's quants and the daily net flows across the
    tree's boundary (`moves`: all done moves of the batch's products,
    today's included)."""
    n = len(rules["id"])
    n_cols = len(days["bounds"]) - 1  # the window's days and today
    lookups = moves["lookups"]
    row, rule = jit_core.match_keys(moves["product"], rules["product_id"])
    inside = locations.tree_test(lookups, rules["path"], rule)
    sign = inside(locations.loc_index(lookups, moves["dst"][row])).astype(
        float
    ) - inside(locations.loc_index(lookups, moves["src"][row]))
    _row, rule, day, qty = locations.rule_qty(rules, moves, row, rule, sign)
    net = np.bincount(rule * n_cols + day, weights=qty, minlength=n * n_cols).reshape(
        n, n_cols
    )
    env.cr.execute(
        SQL(
            """
            SELECT r.idx, SUM(q.quantity)
              FROM unnest(%(products)s::int[], %(trees)s::varchar[])
                   WITH ORDINALITY AS r(product_id, tree, idx)
              JOIN stock_quant q ON q.product_id = r.product_id
              JOIN stock_location l ON l.id = q.location_id
             WHERE starts_with(l.parent_path, r.tree)
             GROUP BY 1
            """,
            products=sql_array(rules["product_id"]),
            trees=sql_array(np.array(rules["path"], dtype=object)),
        )
    )
    on_hand = np.zeros(n)
    for idx, qty in env.cr.fetchall():
        on_hand[idx - 1] = qty  # WITH ORDINALITY counts from 1
    return jit_core.stockout_mask(on_hand, net)[:, : days["n_days"]]


def seeds(env, rules, wanted, new_since):
    """Seed ADU of the `wanted` rules (not enough history, or no
    consumption), one query: the product's typed initial ADU when > 0;
    else, for a new product (created since `new_since`, the window's
    start), the average ADU of the JIT rules of the same company whose
    product has the same category and unit and whose ADU was last
    computed from enough history (state applied, waiting or rejected);
    else 0 (no seed). Returns the ADU, its kind ('product', 'category'
    or None) and the category's name, per rule."""
    n = len(rules["id"])
    seeds = {
        "adu": np.zeros(n),
        "kind": np.full(n, None, dtype=object),
        "category": np.full(n, None, dtype=object),
    }
    if not wanted.any():
        return seeds
    env.cr.execute(
        SQL(
            """
            WITH r AS (
                SELECT op.id, op.company_id, pt.categ_id, pt.uom_id,
                       COALESCE(pt.jit_initial_adu, 0) AS initial,
                       pp.create_date >= %(since)s AS is_new
                  FROM stock_warehouse_orderpoint op
                  JOIN product_product pp ON pp.id = op.product_id
                  JOIN product_template pt ON pt.id = pp.product_tmpl_id
                 WHERE op.id = ANY(%(ids)s::int[])
            ), avg AS (
                SELECT pt.categ_id, pt.uom_id, op.company_id,
                       AVG(op.jit_adu) AS adu
                  FROM stock_warehouse_orderpoint op
                  JOIN product_product pp ON pp.id = op.product_id
                  JOIN product_template pt ON pt.id = pp.product_tmpl_id
                 WHERE (pt.categ_id, pt.uom_id, op.company_id) IN (
                        SELECT categ_id, uom_id, company_id FROM r
                         WHERE initial <= 0 AND is_new)
                   AND op.jit_enabled AND op.active
                   AND op.jit_adu_source = 'history' AND op.jit_adu > 0
                   AND op.jit_state IN ('applied', 'waiting', 'rejected')
                 GROUP BY 1, 2, 3
            )
            SELECT r.id, r.initial, r.is_new, avg.adu, categ.complete_name
              FROM r
              JOIN product_category categ ON categ.id = r.categ_id
              LEFT JOIN avg USING (categ_id, uom_id, company_id)
            """,
            ids=sql_array(rules["id"][wanted]),
            since=new_since,
        )
    )
    position = {rule_id: i for i, rule_id in enumerate(rules["id"].tolist())}
    for rule_id, initial, is_new, average, category in env.cr.fetchall():
        i = position[rule_id]
        if initial > 0:
            seeds["adu"][i], seeds["kind"][i] = initial, "product"
        elif is_new and average:
            seeds["adu"][i], seeds["kind"][i] = average, "category"
            seeds["category"][i] = category
    return seeds


def pick_profile(rule_profile, product_profile, category_chain, company_profile):
    """THE order in which a rule's JIT profile is looked for: the rule's own,
    the product's, the nearest category's (`category_chain`: (category,
    profile) pairs from the product's category up), the company default.
    Returns (profile, source): source is "rule", "product", the category
    or "company"."""
    if rule_profile:
        return rule_profile, "rule"
    if product_profile:
        return product_profile, "product"
    for categ, profile in category_chain:
        if profile:
            return profile, categ
    return company_profile, "company"


def resolve_profiles(env, rules):
    """Most specific profile wins (`pick_profile`). Sets rules['profile_id']
    and rules['profile_source']; returns the profiles by id. Rules with no
    profile at all fail explicitly."""
    companies = env["res.company"].browse(set(rules["company_id"].tolist()))
    company_default = {c.id: c._jit_default_profile().id for c in companies}
    categ_ids = {
        int(c) for path in rules["categ_path"] for c in path.strip("/").split("/")
    }
    categ_profile = {}
    for company in companies:
        categs = env["product.category"].with_company(company).browse(categ_ids)
        for categ in categs:
            categ_profile[company.id, categ.id] = categ.jit_profile_id.id
    memo = {}
    resolved, sources = [], []
    for rule_p, product_p, path, company in zip(
        rules["rule_profile"],
        rules["product_profile"],
        rules["categ_path"],
        rules["company_id"].tolist(),
        strict=True,
    ):
        if rule_p or product_p:
            profile, source = pick_profile(rule_p, product_p, (), 0)
        else:
            key = (company, path)
            if key not in memo:
                chain = [
                    (int(c), categ_profile.get((company, int(c))))
                    for c in reversed(path.strip("/").split("/"))
                ]
                memo[key] = pick_profile(0, 0, chain, company_default.get(company))
            profile, source = memo[key]
        resolved.append(profile or 0)
        sources.append(source)
    rules["profile_source"] = sources
    rules["profile_id"] = np.array(resolved, dtype=np.int64)
    if not rules["profile_id"].all():
        missing = rules["id"][rules["profile_id"] == 0][:5].tolist()
        raise UserError(
            env._(
                "No JIT profile applies to rules %(ids)s: set one on the rule, "
                "the product, its category or the company (JIT settings).",
                ids=missing,
            )
        )
    profiles = env["jit.profile"].browse(set(resolved)).with_context(active_test=False)
    return {p.id: p for p in profiles}
