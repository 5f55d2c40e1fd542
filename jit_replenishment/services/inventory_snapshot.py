# Copyright 2026 JIT Replenishment Suite
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""The daily inventory snapshot job, in bulk SQL.

State of a day = quantity on hand per (company, warehouse, product) at the
end of the company's local day, in the product's unit, and its value.

- Quantity: the first day recorded is rebuilt back from today's quants
  minus every done move crossing the warehouse's boundary since that day's
  end; each later day is the previous state plus the day's net moves across
  the boundary (so the daily job and a backfill walk the same steps).
- Value: quantity x unit cost; the unit cost is the company's valuation
  layers of the product up to the end of the day (value / quantity) when
  that stock is positive, else the last unit cost recorded, else the
  product's cost (standard price).
- Storage: a row per key holds from date_from to date_to (excluded) and is
  cut when quantity or value change and at each ISO week and month start
  (see README, "Inventory snapshots").
- Consumption (for turnover): the rules' own definition, through
  consumption_adapter, valued at the day's unit cost.
"""

from datetime import timedelta

import numpy as np

from odoo.tools import SQL

from . import carrying_cost, consumption_adapter
from . import inventory_snapshot_sql as snapshot_sql

QTY_EPS = snapshot_sql.QTY_EPS
VALUE_EPS = 1e-6
# Days recorded per pass of a backfill (the consumption matrix is keys x days).
CHUNK_DAYS = 31


def record_until_yesterday(env, company):
    """The daily job for one company: record each day after the last one
    recorded up to yesterday (yesterday alone the first time). Running it
    again the same day records nothing."""
    yesterday = consumption_adapter.today(env, company) - timedelta(days=1)
    last = company.jit_snapshot_date
    if last and last >= yesterday:
        return
    first = last + timedelta(days=1) if last else yesterday
    _record(env, company, first, yesterday, init=not last)


def backfill(env, company, date_from):
    """Re-record `company`'s days from date_from up to yesterday from the move
    history: rows from date_from on are replaced; the state before
    date_from is kept when recorded, else rebuilt from today's quants."""
    yesterday = consumption_adapter.today(env, company) - timedelta(days=1)
    if date_from > yesterday:
        return
    last = company.jit_snapshot_date
    if last and date_from > last + timedelta(days=1):
        date_from = last + timedelta(days=1)  # fill the gap, keep the history
    env["jit.inventory.snapshot"].flush_model()
    init = _clear_from(env.cr, company, date_from, fresh=not last)
    _record(env, company, date_from, yesterday, init=init)


def _clear_from(cr, company, date_from, fresh):
    """Delete the rows of `company` from date_from on and reopen the rows
    that held on it; True when nothing is left before date_from (`fresh`:
    nothing was ever recorded), so that the state is rebuilt from scratch."""
    params = {"company": company.id, "day": date_from}
    cr.execute(
        SQL(
            "DELETE FROM jit_inventory_flow WHERE company_id = %(company)s "
            "AND date >= %(day)s",
            **params,
        )
    )
    cr.execute(
        SQL(
            "DELETE FROM jit_inventory_snapshot WHERE company_id = %(company)s "
            "AND date_from >= %(day)s",
            **params,
        )
    )
    cr.execute(
        SQL(
            "DELETE FROM jit_rule_stockout WHERE company_id = %(company)s "
            "AND date >= %(day)s",
            **params,
        )
    )
    cr.execute(
        SQL(
            "UPDATE jit_inventory_snapshot SET date_to = NULL "
            "WHERE company_id = %(company)s AND date_to >= %(day)s",
            **params,
        )
    )
    init = fresh
    if not init:
        cr.execute(
            SQL(
                "SELECT MIN(date_from) FROM jit_inventory_snapshot "
                "WHERE company_id = %(company)s",
                **params,
            )
        )
        first_recorded = cr.fetchone()[0]
        init = first_recorded is None
    if init:
        # Nothing recorded before date_from: start afresh from it.
        cr.execute(
            SQL(
                "DELETE FROM jit_inventory_snapshot WHERE company_id = %(company)s",
                **params,
            )
        )
    return init


def _record(env, company, first, last, init):
    """Record the days first..last (contiguous, after the last one recorded,
    or from scratch with `init`), in chunks of CHUNK_DAYS."""
    env.flush_all()
    _record_stockouts(env, company, first, last)
    day = first
    while day <= last:
        chunk_end = min(day + timedelta(days=CHUNK_DAYS - 1), last)
        days = consumption_adapter.window(env, company, day, chunk_end)
        consumption = consumption_adapter.daily_consumption(env, company, days)
        for i in range(days["n_days"]):
            _step(env, company, days, i, init=init and i == 0, consumption=consumption)
        init = False
        day = chunk_end + timedelta(days=1)
    company.sudo().jit_snapshot_date = last
    company.flush_recordset(["jit_snapshot_date"])
    refresh_rollup(env, company, first)
    for model in (
        "jit.inventory.snapshot",
        "jit.inventory.flow",
        "jit.rule.stockout",
        "jit.inventory.rollup",
    ):
        env[model].invalidate_model()


def refresh_rollup(env, company, since):
    """Rebuild the per-category rollup of `company` from the piece holding
    `since` on (the pieces the job has just recorded)."""
    start = SQL("%s::date", since)
    params = {"company": company.id, "piece": carrying_cost.piece_start_sql(start)}
    env.cr.execute(
        SQL(
            "DELETE FROM jit_inventory_rollup WHERE company_id = %(company)s"
            " AND date >= %(piece)s",
            **params,
        )
    )
    env.cr.execute(
        SQL(
            """
            INSERT INTO jit_inventory_rollup
                   (company_id, warehouse_id, categ_id, date, date_end,
                    value_days, consumed_qty, cogs)
            SELECT company_id, warehouse_id, categ_id, MIN(date),
                   MAX(date_end), SUM(value_days), SUM(consumed_qty), SUM(cogs)
              FROM jit_inventory_report
             WHERE company_id = %(company)s AND date >= %(piece)s
             GROUP BY company_id, warehouse_id, categ_id, %(day_piece)s
            """,
            day_piece=carrying_cost.piece_start_sql(SQL("date")),
            **params,
        )
    )


def _record_stockouts(env, company, first, last):
    """Stock-out days of the company's JIT rules over first..last (last is
    yesterday), as the rules count them."""
    rules = env["stock.warehouse.orderpoint"].search(
        [("company_id", "=", company.id), ("jit_enabled", "=", True)]
    )
    if not rules:
        return
    days = consumption_adapter.window(env, company, first, last)
    rule_ids, mask = consumption_adapter.stockout_days(env, rules, days)
    rule_idx, day_idx = np.nonzero(mask)
    if not rule_idx.size:
        return
    env.cr.execute(
        SQL(
            """
            INSERT INTO jit_rule_stockout
                   (orderpoint_id, company_id, warehouse_id, product_id, date)
            SELECT op.id, op.company_id, op.warehouse_id, op.product_id,
                   %(first)s + s.day
              FROM unnest(%(rules)s::int[], %(days)s::int[]) AS s(rule_id, day)
              JOIN stock_warehouse_orderpoint op ON op.id = s.rule_id
            ON CONFLICT (orderpoint_id, date) DO NOTHING
            """,
            first=first,
            rules=rule_ids[rule_idx].tolist(),
            days=day_idx.tolist(),
        )
    )


def _step(env, company, days, i, init, consumption):
    """Record day i of `days`: new state, cut rows, consumption rows."""
    day = days["start_day"] + timedelta(days=i)
    _build_state(env.cr, company, days, i, init)
    _cut_rows(env.cr, company, day)
    _insert_consumption(env, company, day, consumption, i)


def _build_state(cr, company, days, i, init):
    """Temp tables jit_snap_open (the state of the previous day) and
    jit_snap_new (the state at the end of day i)."""
    # The open rows, read once (they lie all over a table of millions of
    # rows): the state of the previous day.
    cr.execute(SQL("DROP TABLE IF EXISTS jit_snap_open, jit_snap_new"))
    cr.execute(
        SQL(
            """
            CREATE TEMP TABLE jit_snap_open AS
            SELECT id, warehouse_id, product_id, qty, unit_cost, value
              FROM jit_inventory_snapshot
             WHERE company_id = %s AND date_to IS NULL
            """,
            company.id,
        )
    )
    cr.execute(SQL("ANALYZE jit_snap_open"))
    cr.execute(
        SQL(
            "CREATE TEMP TABLE jit_snap_new AS %s",
            snapshot_sql.new_state_sql(company, days, i, init),
        )
    )
    # Statistics of the fresh table, so that the joins below hash 100,000s of
    # rows instead of looping over them.
    cr.execute(SQL("ANALYZE jit_snap_new"))


def _cut_rows(cr, company, day):
    """Close the open rows that change on `day` (or at a week/month start)
    and open the new ones."""
    boundary = day.weekday() == 0 or day.day == 1
    cut = SQL(
        "(%(boundary)s OR ABS(n.qty - n.old_qty) > %(qeps)s"
        " OR ABS(n.qty * n.unit_cost - n.old_value) > %(veps)s)",
        boundary=boundary,
        qeps=QTY_EPS,
        veps=VALUE_EPS,
    )
    cr.execute(
        SQL(
            """
            UPDATE jit_inventory_snapshot s SET date_to = %(day)s
              FROM jit_snap_new n
             WHERE s.id = n.open_id AND %(cut)s
            """,
            day=day,
            cut=cut,
        )
    )
    cr.execute(
        SQL(
            """
            INSERT INTO jit_inventory_snapshot
                   (company_id, warehouse_id, product_id, categ_id, date_from,
                    qty, unit_cost, value)
            SELECT %(company)s, n.warehouse_id, n.product_id, pt.categ_id,
                   %(day)s, n.qty, n.unit_cost, n.qty * n.unit_cost
              FROM jit_snap_new n
              JOIN product_product pp ON pp.id = n.product_id
              JOIN product_template pt ON pt.id = pp.product_tmpl_id
             WHERE ABS(n.qty) > %(qeps)s AND (n.open_id IS NULL OR %(cut)s)
            """,
            company=company.id,
            day=day,
            cut=cut,
            qeps=QTY_EPS,
        )
    )


def _insert_consumption(env, company, day, consumption, i):
    """Consumption rows of day i, valued at the day's unit cost of the key
    (else the product's cost)."""
    wh_ids, product_ids, buckets = consumption
    if not buckets.size:
        return
    qty = buckets[:, i]
    keep = np.flatnonzero(np.abs(qty) > QTY_EPS)
    if not keep.size:
        return
    env.cr.execute(
        SQL(
            """
            INSERT INTO jit_inventory_flow
                   (company_id, warehouse_id, product_id, categ_id, date,
                    consumed_qty, cogs)
            SELECT %(company)s, f.warehouse_id, f.product_id, pt.categ_id,
                   %(day)s, f.qty,
                   f.qty * COALESCE(n.unit_cost,
                                    (pp.standard_price ->> %(company_key)s)::float8,
                                    0)
              FROM unnest(%(wh)s::int[], %(products)s::int[], %(qty)s::float8[])
                   AS f(warehouse_id, product_id, qty)
              JOIN product_product pp ON pp.id = f.product_id
              JOIN product_template pt ON pt.id = pp.product_tmpl_id
              LEFT JOIN jit_snap_new n
                ON n.warehouse_id = f.warehouse_id AND n.product_id = f.product_id
            """,
            company=company.id,
            company_key=str(company.id),
            day=day,
            wh=wh_ids[keep].tolist(),
            products=product_ids[keep].tolist(),
            qty=qty[keep].tolist(),
        )
    )
