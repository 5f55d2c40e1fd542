# Copyright 2026 JIT Replenishment Suite
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""The reports' single access to the reordering rules' definition of
consumption and stock-out days: services/consumption.py (what counts) and
services/inputs.py (the company's days, the done moves, the stock-out mask),
the very functions the recompute calls. Nothing else in the reports counts
consumption or stock-out days.
"""

from datetime import timedelta

import numpy as np

from odoo import fields
from odoo.tools import SQL

from . import consumption, inputs


def window(env, company, first_day, last_day):
    """The local days first_day..last_day (both included; last_day before
    today) of `company`, as the rules' engine describes a window: the UTC
    instant each day starts, plus the end of the last one."""
    full = inputs.window(
        company, fields.Datetime.now(), (today(env, company) - first_day).days
    )
    n_days = (last_day - first_day).days + 1
    return {
        "start_day": first_day,
        "end_day": last_day,
        "n_days": n_days,
        "bounds": full["bounds"][: n_days + 1],
        "bounds_us": full["bounds_us"][: n_days + 1],
    }


def today(env, company):
    """Today in the company's timezone, as the rules' engine counts days."""
    days = inputs.window(company, fields.Datetime.now(), 1)
    return days["end_day"] + timedelta(days=1)


def daily_consumption(env, company, days):
    """Consumption per warehouse of `company`, product and day of `days`
    (window()), exactly as a reordering rule of that warehouse counts it.

    Returns (warehouse_ids, product_ids, buckets) where buckets[k, d] is the
    consumption of key k on day d in the product's unit."""
    warehouses, products = _consumed_keys(env.cr, company, days)
    if not warehouses or not products:
        empty = np.zeros(0, dtype=np.int64)
        return empty, empty, np.zeros((0, days["n_days"]))
    wh_ids = np.array([w[0] for w in warehouses], dtype=np.int64)
    wh_paths = np.array([w[1] for w in warehouses], dtype=object)
    product_ids = np.array([p[0] for p in products], dtype=np.int64)
    factors = np.array([p[1] for p in products], dtype=float)
    n_wh, n_p = len(wh_ids), len(product_ids)
    # One pseudo-rule per (warehouse, product): the rules' engine counts
    # consumption at the warehouse's boundary, as for a rule in it.
    keys = {
        "id": np.arange(n_wh * n_p, dtype=np.int64),
        "product_id": np.tile(product_ids, n_wh),
        "wh_path": np.repeat(wh_paths, n_p),
        "uom_factor": np.tile(factors, n_wh),
    }
    orderpoint = env["stock.warehouse.orderpoint"]
    moves = inputs.done_moves(orderpoint, keys, days, consuming_only=True)
    n = n_wh * n_p
    buckets, _booked = consumption.daily_consumption(
        keys,
        days,
        consumption.entries_from_moves(keys, moves),
        np.zeros(n),
        np.zeros(n, dtype=np.int64),
    )
    return np.repeat(wh_ids, n_p), keys["product_id"], buckets


def _consumed_keys(cr, company, days):
    """The warehouses of `company` (id, view location path) and the storable
    products consumed (or returned) over `days` (id, unit factor)."""
    cr.execute(
        SQL(
            """
            SELECT w.id, vl.parent_path
              FROM stock_warehouse w
              JOIN stock_location vl ON vl.id = w.view_location_id
             WHERE w.company_id = %(company)s
             ORDER BY w.id
            """,
            company=company.id,
        )
    )
    warehouses = cr.fetchall()
    cr.execute(
        SQL(
            """
            SELECT DISTINCT ON (sm.product_id) sm.product_id, uom.factor
              FROM stock_move sm
              JOIN stock_location src ON src.id = sm.location_id
              JOIN stock_location dst ON dst.id = sm.location_dest_id
              JOIN product_product pp ON pp.id = sm.product_id
              JOIN product_template pt ON pt.id = pp.product_tmpl_id
              JOIN uom_uom uom ON uom.id = pt.uom_id
             WHERE sm.state = 'done'
               AND sm.company_id = %(company)s
               AND sm.date >= %(start)s AND sm.date < %(end)s
               AND (dst.usage IN %(usages)s OR src.usage IN %(returns)s)
               AND pt.is_storable
            """,
            company=company.id,
            start=days["bounds"][0],
            end=days["bounds"][-1],
            usages=consumption.CONSUMING_USAGES,
            returns=consumption.RETURN_USAGES,
        )
    )
    products = cr.fetchall()
    return warehouses, products


def stockout_days(env, orderpoints, days):
    """(n_rules, n_days) True where the rule's day closed with no stock in
    its location tree, as the rules count stock-out days (`days` must end
    yesterday: stock is rebuilt back from today's quants)."""
    rules = inputs.read_rules(env, orderpoints.ids)
    tail = dict(days)
    company = orderpoints.company_id[:1]
    full = inputs.window(company, fields.Datetime.now(), days["n_days"], tail=True)
    tail.update(bounds=full["bounds"], bounds_us=full["bounds_us"])
    moves = inputs.done_moves(orderpoints, rules, tail, consuming_only=False)
    return rules["id"], inputs.stockout_mask(env, rules, tail, moves)
