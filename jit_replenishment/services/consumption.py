# Copyright 2026 JIT Replenishment Suite
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""THE definition of consumption (README, "What is consumption").

A done move counts for a reordering rule with a sign:

- **+1** when it leaves the rule's *boundary* for a consuming location
  (usage in `CONSUMING_USAGES`: a customer, production, or an inventory
  loss / scrap location);
- **-1** when it enters the boundary as a *return*: from a location whose
  usage is in `RETURN_USAGES` (a customer return), or, being a return of
  another move (`RETURN_LINK` set, e.g. an undone consumption scan), from a
  location whose usage is in `UNDONE_USAGES` (production, inventory);
  returns net over the window;
- **0** otherwise: moves inside the boundary (pick, pack, shelves), receipts,
  and supply from inventory (positive adjustments) or production (a
  manufacturing order's output, an unbuild), which are not returns of a
  move, are not consumption.

The *boundary* is the tree of the rule's warehouse view location, or the
rule's own location tree when the rule lies outside its warehouse. The
quantity is the move's done quantity in the product's unit (`quantity_sql`;
numpy: locations.rule_qty). Days are the company's days (its partner's
timezone, UTC when unset; inputs.window).

Three users read this module, and only this module, for what counts: the
recompute (numpy over the batch's moves: `signs`), the consumption report
(SQL: `sign_sql`, `boundary_sql`, `quantity_sql`, `local_day_sql`) and the
pull trigger (`may_consume`, then `sign_sql` > 0). The recompute reads one
boolean column per move (`returns_a_move_sql`) and applies `is_return` in
numpy.
"""

import numpy as np

from odoo.tools import SQL

import jit_core

from . import locations
from .pg import MICROSECONDS_PER_SECOND, SECONDS_PER_DAY

# Usages of the destination locations that consume stock.
CONSUMING_USAGES = ("customer", "production", "inventory")
# Usages of the source locations whose moves into the boundary are returns.
RETURN_USAGES = ("customer",)
# Usages of the consuming source locations whose moves into the boundary are
# returns when they return another move (an undone scan, a returned loss);
# otherwise they are supply (an MO's output, a positive adjustment).
UNDONE_USAGES = ("production", "inventory")
# The stock_move column linking a return to the move it returns.
RETURN_LINK = "origin_returned_move_id"


def boundary(rule_path, warehouse_path):
    """The parent_path prefix of a rule's boundary: its warehouse's view
    tree, unless the rule's location lies outside it (then its own tree)."""
    return warehouse_path if rule_path.startswith(warehouse_path) else rule_path


def signs(src_inside, dst_inside, dst_consuming, returning):
    """The sign of each (move, rule) pair as a float array (+1, -1, 0), from
    four boolean arrays: source / destination inside the rule's boundary,
    destination usage consuming, the move a return (`is_return`)."""
    return (src_inside & dst_consuming).astype(float) - (dst_inside & returning)


def usage_masks(usages):
    """Boolean arrays over an array of location usages: consuming
    destinations, return sources, sources of returns of moves."""
    return (
        np.isin(usages, CONSUMING_USAGES),
        np.isin(usages, RETURN_USAGES),
        np.isin(usages, UNDONE_USAGES),
    )


def is_return(src_returns, src_undone, returns_a_move):
    """Whether each move is a return (were it to enter a boundary): its
    source is a return source (usage_masks), or it returns another move
    (`RETURN_LINK` set) from a source of returns of moves."""
    return src_returns | (src_undone & returns_a_move)


def is_return_sql(move, src):
    """SQL of `is_return` (a boolean) for the stock_move row aliased `move`
    and its source location aliased `src`."""
    return SQL(
        "(%s.usage IN %s OR (%s.usage IN %s AND %s.%s IS NOT NULL))",
        SQL.identifier(src),
        RETURN_USAGES,
        SQL.identifier(src),
        UNDONE_USAGES,
        SQL.identifier(move),
        SQL.identifier(RETURN_LINK),
    )


def returns_a_move_sql(move):
    """SQL of the boolean column the recompute reads per move: it returns
    another move (`RETURN_LINK` set)."""
    return SQL("(%s.%s IS NOT NULL)", SQL.identifier(move), SQL.identifier(RETURN_LINK))


def boundary_sql(rule_loc, warehouse_view):
    """SQL of `boundary` for the stock_location rows aliased `rule_loc` (the
    rule's location) and `warehouse_view` (its warehouse's view location)."""
    rule_path = SQL("%s.parent_path", SQL.identifier(rule_loc))
    wh_path = SQL("%s.parent_path", SQL.identifier(warehouse_view))
    return SQL(
        "CASE WHEN starts_with(%s, %s) THEN %s ELSE %s END",
        rule_path,
        wh_path,
        wh_path,
        rule_path,
    )


def sign_sql(move, src, dst, tree):
    """SQL of `signs` (an integer: 1, -1 or 0) for the stock_move row aliased
    `move`, its stock_location rows aliased `src` and `dst`, and the boundary
    path SQL `tree`."""
    src_path = SQL("%s.parent_path", SQL.identifier(src))
    dst_path = SQL("%s.parent_path", SQL.identifier(dst))
    return SQL(
        "((starts_with(%s, %s) AND %s.usage IN %s)::int"
        " - (starts_with(%s, %s) AND %s)::int)",
        src_path,
        tree,
        SQL.identifier(dst),
        CONSUMING_USAGES,
        dst_path,
        tree,
        is_return_sql(move, src),
    )


def quantity_sql(move, move_uom, product_uom):
    """SQL of a done move's quantity in its product's unit (stock_move,
    its unit and the product's unit aliased as given)."""
    return SQL(
        "COALESCE(%s.quantity, 0) / %s.factor * %s.factor",
        SQL.identifier(move),
        SQL.identifier(move_uom),
        SQL.identifier(product_uom),
    )


def local_day_sql(timestamp, tz):
    """SQL of the company's day of a UTC `timestamp` (SQL), `tz` the SQL of
    the company partner's timezone (NULL: UTC)."""
    return SQL(
        "(%s AT TIME ZONE 'UTC' AT TIME ZONE COALESCE(%s, 'UTC'))::date", timestamp, tz
    )


def may_consume(move):
    """Whether a done move may count as consumption (+1) for some rule: its
    destination consumes and its source does not (the rule boundaries are
    checked by the pull trigger's query with `sign_sql`)."""
    return (
        move.state == "done"
        and move.location_dest_id.usage in CONSUMING_USAGES
        and move.location_id.usage not in CONSUMING_USAGES
    )


def signed_moves(tree_paths, products, moves):
    """The (move, key) pairs that count, for keys given as a boundary
    (`tree_paths`, parent_path prefixes) and a product (`products`), from
    done moves (inputs.done_moves): the move rows, the keys and the signed
    quantity in the unit of reference of the move's unit category (times
    the product unit's factor, it is in the product's unit). The one
    application of `signs` to moves: the ledger's entries (ledger.py) and
    the reports' direct counts (`entries_from_moves`) come from here."""
    lookups = moves["lookups"]
    consuming, returns, undone = usage_masks(lookups["usage"])
    row, key = jit_core.match_keys(moves["product"], products)
    inside = locations.tree_test(lookups, tree_paths, key)
    src = locations.loc_index(lookups, moves["src"][row])
    dst = locations.loc_index(lookups, moves["dst"][row])
    returning = is_return(returns[src], undone[src], moves["returns_a_move"][row])
    sign = signs(inside(src), inside(dst), consuming[dst], returning)
    keep = sign != 0
    row, key = row[keep], key[keep]
    factors = lookups["uom_factor"]
    return row, key, sign[keep] * moves["qty"][row] / factors[moves["uom"][row]]


def entries_from_moves(rules, moves):
    """Consumption entries of `rules` counted directly from done moves
    (inputs.done_moves), in the form the ledger gives them
    (ledger.rule_entries): per counted move and rule, the rule, the done
    and creation instants (whole seconds since 2000-01-01: Odoo stores
    seconds) and the signed quantity in the unit of reference."""
    row, rule, qty = signed_moves(rules["wh_path"], rules["product_id"], moves)
    return {
        "rule": rule,
        "done": moves["done"][row] // MICROSECONDS_PER_SECOND,
        "created": moves["created"][row] // MICROSECONDS_PER_SECOND,
        "qty": qty,
    }


def daily_consumption(rules, days, entries, lead_time, first_day):
    """Daily consumption per rule over the window (rules x days, in the
    product's unit) from its consumption entries (ledger.rule_entries or
    entries_from_moves), and the share of it booked a lead time ahead: of
    the consumption (returns left out) in each rule's own window (from day
    `first_day[rule]`), the share whose move was created at least
    `lead_time[rule]` days before it was done."""
    n = len(rules["id"])
    n_days = days["n_days"]
    first_day = np.asarray(first_day, dtype=np.int64)
    rule = entries["rule"]
    # The local day of each entry, counted from the window's first day: the
    # instant is placed among the UTC starts of the local days, no date
    # arithmetic per row. Today (n_days) is not over; before the window: -1.
    bounds = days["bounds_us"] // MICROSECONDS_PER_SECOND  # whole seconds
    day = np.searchsorted(bounds, entries["done"], side="right") - 1
    qty = entries["qty"] * rules["uom_factor"][rule]
    window = (day >= 0) & (day < n_days)
    buckets = jit_core.daily_buckets(rule[window], day[window], qty[window], n, n_days)
    used = window & (qty > 0) & (day >= first_day[rule])
    # Days from the move's creation to its completion (booked share).
    ahead = (entries["done"][used] - entries["created"][used]) / SECONDS_PER_DAY
    booked = jit_core.booked_share(rule[used], qty[used], ahead, lead_time, n)
    return buckets, booked
