# Copyright 2026 JIT Replenishment Suite
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Locations and units as arrays indexed by id, and the tests that place a
batch's moves in its rules' location trees without a query per move."""

import numpy as np

from odoo.tools import SQL


def lookups(env):
    """Locations and units as arrays indexed by id, with one extra slot at
    the end of the location arrays for ids unknown here (created after this
    was read): parent_path and usage of each location, each unit's factor."""
    env.cr.execute(SQL("SELECT id, parent_path, usage FROM stock_location"))
    rows = env.cr.fetchall()
    size = max((row[0] for row in rows), default=0) + 1
    paths = np.full(size + 1, "", dtype=object)
    usages = np.full(size + 1, "", dtype=object)
    for loc_id, path, usage in rows:
        paths[loc_id] = path or ""
        usages[loc_id] = usage
    env.cr.execute(SQL("SELECT id, factor FROM uom_uom"))
    uoms = env.cr.fetchall()
    factors = np.zeros(max((row[0] for row in uoms), default=0) + 1)
    for uom_id, factor in uoms:
        factors[uom_id] = factor
    return {"size": size, "path": paths, "usage": usages, "uom_factor": factors}


def loc_index(lookups_, ids):
    """Location ids as indexes into the lookup arrays (unknown ids: the
    extra slot)."""
    return np.minimum(ids, lookups_["size"])


def tree_test(lookups_, tree_paths, rule):
    """A test `inside(loc)`: whether location loc[i] lies in the location
    tree (parent_path prefix) tree_paths[rule[i]]. One row of lookups per
    distinct tree: a batch has a handful."""
    trees, tree_of_rule = np.unique(tree_paths, return_inverse=True)
    paths = lookups_["path"]
    table = np.zeros((len(trees), paths.size), dtype=bool)
    for t, tree in enumerate(trees):
        table[t, :-1] = [path.startswith(tree) for path in paths[:-1]]
    tree = tree_of_rule[rule]
    return lambda loc: table[tree, loc]


def rule_qty(rules, moves, row, rule, sign):
    """Move rows, rules, days and signed quantities, in the rule's product
    unit, of the (move row, rule) pairs whose sign is not 0."""
    keep = sign != 0
    row, rule = row[keep], rule[keep]
    factors = moves["lookups"]["uom_factor"]
    qty = (
        sign[keep]
        * moves["qty"][row]
        / factors[moves["uom"][row]]
        * rules["uom_factor"][rule]
    )
    return row, rule, moves["day"][row], qty
