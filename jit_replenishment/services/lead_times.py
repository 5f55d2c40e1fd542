# Copyright 2026 JIT Replenishment Suite
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Lead time of each rule (README, "Lead time"): what Odoo's own
_get_lead_days adds up over the rule's route, with the vendor line chosen by
services/vendors.py, and the measured receipts replacing its delay once
there are enough of them.

Route rules and route delays depend on a handful of keys (location, route,
product and category routes; route rules and vendor delay), not on the
rule: they are computed once per key and run (`RunMemo`), not per batch.
"""

from collections import OrderedDict

import numpy as np

from odoo.tools import SQL

from .pg import sql_array

# Rule actions whose lead days depend on the vendor line's delay alone (not
# on the product): rules routing through only these share one computation.
SIMPLE_ROUTE_ACTIONS = {"pull", "pull_push", "push", "buy"}


class RunMemo:
    """Values computed once per run and key, kept across the batches of a
    run (a cron run's batches are separate calls of one process): the last
    few runs of each database, nothing else. Without a run (None), a fresh
    memo per call."""

    _runs = OrderedDict()
    _keep = 4

    @classmethod
    def get(cls, env, run):
        if not run:
            return {}
        key = (env.cr.dbname, run.id)
        memo = cls._runs.pop(key, None)
        if memo is None:
            memo = {"route_rules": {}, "delays": {}}
        cls._runs[key] = memo
        while len(cls._runs) > cls._keep:
            cls._runs.popitem(last=False)
        return memo


def lead_times(ops, rules, today, run=None, min_samples=3):
    """Lead time per rule, from the rules of its route as Odoo's own
    _get_lead_days adds them up for the replenishment report: the pull
    rules' delays (resupply from another warehouse), and for a buy route
    the vendor line's delay, the company's purchase lead days and days to
    purchase (manufacture routes, when installed, add their own). The
    vendor line is product.supplierinfo's _jit_choose_lines (vendors.py);
    once `min_samples` of its receipts were measured, their mean and σ
    replace its stated delay. MOQ: the chosen vendor's order minimum, in the
    product's unit.

    A rule with no route, or a buy route and no valid vendor line, has no
    lead time (`unknown`, with a message): it is not applied."""
    env = ops.env
    # The one vendor choice, through its overridable entry point.
    vendor = env["product.supplierinfo"]._jit_choose_lines(
        rules["product_id"], rules["company_id"], today, forced=rules["supplier_id"]
    )
    has_line = vendor["line"] > 0
    route = route_delays(ops, rules, vendor["line"], vendor["delay"], run)
    buy = route["buy"]
    measured = buy & has_line & (vendor["lt_samples"] >= min_samples)
    lead_time = route["total"] + np.where(
        measured, vendor["lt_mean"] - route["vendor"], 0.0
    )
    no_route = ~route["routed"]
    no_vendor = route["routed"] & buy & ~has_line
    unknown = no_route | no_vendor
    return {
        "lead_time": np.where(unknown, 0.0, lead_time),
        "sigma": np.where(measured, vendor["lt_sigma"], 0.0),
        "moq": np.where(buy & has_line, vendor["moq"], 0.0),
        "source": np.where(
            unknown,
            None,
            np.where(measured, "measured", np.where(buy, "vendor", "route")),
        ).astype(object),
        "unknown": unknown,
        "message": _messages(env, no_route, no_vendor),
    }


def _messages(env, no_route, no_vendor):
    message = np.full(no_route.size, None, dtype=object)
    if no_route.any():
        message[no_route] = env._(
            "No lead time: no route replenishes this product in this "
            "location (set a route on the product or the rule)."
        )
    if no_vendor.any():
        message[no_vendor] = env._(
            "No lead time: the product is bought but has no valid vendor "
            "line (vendors archived or blocked, prices expired or for "
            "another company)."
        )
    return message


def route_delays(ops, rules, lines, line_delays, run=None):
    """Odoo's own _get_lead_days over each rule's route (the rules Odoo's
    rule_ids holds), with `lines` as the vendor line (`line_delays` their
    delays), without the visibility days (a forecast horizon, not a delay).
    Rules whose route only pulls and buys share one call per route and
    vendor delay (per run); others (e.g. manufacture) get one call each.
    Returns arrays: `total` days, `vendor` (the vendor's part of it), `buy`
    (the route buys), `routed` (a route applies)."""
    n = len(rules["id"])
    memo = RunMemo.get(ops.env, run).setdefault("delays", {})
    found = route_rules(ops, rules["id"], run)
    routed = np.array([bool(r) for r in found], dtype=bool)
    buy = np.array([bool(r) and "buy" in r[1] for r in found], dtype=bool)
    out = {"total": np.zeros(n), "vendor": np.zeros(n), "buy": buy, "routed": routed}
    line_list, delay_list = lines.tolist(), line_delays.tolist()
    keys = {}
    for i in np.flatnonzero(routed & ~(buy & (lines == 0))).tolist():
        ids, actions = found[i]
        if actions <= SIMPLE_ROUTE_ACTIONS:
            keys[i] = (ids, delay_list[i] if line_list[i] else None)
        else:
            keys[i] = (ids, int(rules["id"][i]))
    missing = {}
    for i, key in keys.items():
        if key not in memo:
            missing.setdefault(key, i)
    if missing:
        _compute_delays(ops, rules, lines, found, missing, memo)
    for i, key in keys.items():
        out["total"][i], out["vendor"][i] = memo[key]
    return out


def _compute_delays(ops, rules, lines, found, missing, memo):
    """Odoo's _get_lead_days for one rule standing for each missing key."""
    env = ops.env
    Supplierinfo = env["product.supplierinfo"]
    Rule = env["stock.rule"].with_context(
        bypass_delay_description=True, global_visibility_days=0
    )
    ids = [int(rules["id"][i]) for i in missing.values()]
    chosen = {int(rules["id"][i]): int(lines[i]) for i in missing.values()}
    ops = ops.browse(ids).with_context(jit_vendor_lines=chosen)
    for (key, i), op in zip(missing.items(), ops, strict=True):
        route_ids, actions = found[i]
        if actions <= SIMPLE_ROUTE_ACTIONS:
            line = chosen[op.id]
            values = {"supplierinfo": Supplierinfo.browse(line)} if line else {}
        else:
            values = op._get_lead_days_values()
        delays, _desc = Rule.browse(route_ids)._get_lead_days(
            op.product_id.with_prefetch(), **values
        )
        memo[key] = (delays["total_delay"], delays["purchase_delay"])


def route_rules(ops, rule_ids, run=None):
    """The route of each rule as Odoo's _compute_rules finds it
    (_get_rules_from_location of its location and route), computed once
    per distinct (location, route, product and category routes) and run:
    (rule ids, set of actions) per rule, None when no rule applies."""
    env = ops.env
    env.cr.execute(
        SQL(
            """
            SELECT op.id, op.product_id, op.location_id,
                   COALESCE(op.route_id, 0),
                   ARRAY(SELECT r.route_id
                           FROM stock_route_product r
                          WHERE r.product_id = pp.product_tmpl_id
                         UNION
                         SELECT r.route_id
                           FROM stock_route_categ r
                           JOIN product_category c ON c.id = r.categ_id
                          WHERE starts_with(categ.parent_path, c.parent_path)
                         ORDER BY 1)
              FROM stock_warehouse_orderpoint op
             -- per rule through the primary key (OFFSET 0: PostgreSQL
             -- would hash the whole product table for a thousand rules)
             CROSS JOIN LATERAL (
                    SELECT pp.product_tmpl_id FROM product_product pp
                     WHERE pp.id = op.product_id OFFSET 0) pp
              JOIN product_template pt ON pt.id = pp.product_tmpl_id
              JOIN product_category categ ON categ.id = pt.categ_id
             WHERE op.id = ANY(%s::int[])
            """,
            sql_array(np.asarray(rule_ids, dtype=np.int64)),
        )
    )
    rows = {row[0]: row[1:] for row in env.cr.fetchall()}
    found = RunMemo.get(env, run).setdefault("route_rules", {})
    result = []
    for op_id in np.asarray(rule_ids).tolist():
        product, location, route, routes = rows[op_id]
        key = (location, route, tuple(routes))
        if key not in found:
            # One product stands for its key (its routes are the key's).
            rules_ = (
                env["product.product"]
                .browse(product)
                ._get_rules_from_location(
                    env["stock.location"].browse(location),
                    route_ids=env["stock.route"].browse(route),
                )
            )
            found[key] = rules_ and (
                tuple(rules_.ids),
                frozenset(rules_.mapped("action")),
            )
        result.append(found[key] or None)
    return result
