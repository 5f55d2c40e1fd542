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

QTY_EPS = 1e-9
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
    cr = env.cr
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
    init = not last
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
    _record(env, company, date_from, yesterday, init=init)


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


def _warehouses_sql(company):
    return SQL(
        """
        SELECT w.id, vl.parent_path AS path
          FROM stock_warehouse w
          JOIN stock_location vl ON vl.id = w.view_location_id
         WHERE w.company_id = %s
        """,
        company.id,
    )


def _net_moves_sql(company, start, end=None):
    """Net quantity per (warehouse, product) of the done moves crossing the
    warehouse's boundary from `start` (to `end`), in the product's unit."""
    return SQL(
        """
        SELECT w.id AS warehouse_id, sm.product_id,
               SUM(CASE WHEN starts_with(dst.parent_path, w.path)
                        THEN sm.quantity ELSE -sm.quantity END
                   / mu.factor * pu.factor) AS qty
          FROM stock_move sm
          JOIN stock_location src ON src.id = sm.location_id
          JOIN stock_location dst ON dst.id = sm.location_dest_id
          JOIN (%(warehouses)s) w
            ON starts_with(src.parent_path, w.path)
               <> starts_with(dst.parent_path, w.path)
          JOIN uom_uom mu ON mu.id = sm.product_uom
          JOIN product_product pp ON pp.id = sm.product_id
          JOIN product_template pt ON pt.id = pp.product_tmpl_id
          JOIN uom_uom pu ON pu.id = pt.uom_id
         WHERE sm.state = 'done'
           AND pt.is_storable
           AND sm.date >= %(start)s
           %(end)s
         GROUP BY 1, 2
        """,
        warehouses=_warehouses_sql(company),
        start=start,
        end=SQL("AND sm.date < %s", end) if end else SQL(),
    )


def _quantities_sql(company, days, i, init):
    """(warehouse_id, product_id, qty, moved) at the end of day i."""
    start, end = days["bounds"][i], days["bounds"][i + 1]
    if init:
        return SQL(
            """
            SELECT warehouse_id, product_id, SUM(qty) AS qty, TRUE AS moved
              FROM (
                    SELECT w.id AS warehouse_id, q.product_id, q.quantity AS qty
                      FROM stock_quant q
                      JOIN stock_location l ON l.id = q.location_id
                      JOIN (%(warehouses)s) w
                        ON starts_with(l.parent_path, w.path)
                      JOIN product_product pp ON pp.id = q.product_id
                      JOIN product_template pt ON pt.id = pp.product_tmpl_id
                     WHERE l.usage IN ('internal', 'transit') AND pt.is_storable
                    UNION ALL
                    SELECT warehouse_id, product_id, -qty FROM (%(later)s) later
                   ) t
             GROUP BY 1, 2
            """,
            warehouses=_warehouses_sql(company),
            later=_net_moves_sql(company, end),
        )
    return SQL(
        """
        SELECT COALESCE(o.warehouse_id, d.warehouse_id) AS warehouse_id,
               COALESCE(o.product_id, d.product_id) AS product_id,
               COALESCE(o.qty, 0) + COALESCE(d.qty, 0) AS qty,
               d.qty IS NOT NULL AS moved
          FROM jit_snap_open o
          FULL JOIN (%(day)s) d
            ON d.warehouse_id = o.warehouse_id AND d.product_id = o.product_id
        """,
        company=company.id,
        day=_net_moves_sql(company, start, end),
    )


def _step(env, company, days, i, init, consumption):
    """Record day i of `days`: new state, cut rows, consumption rows."""
    cr = env.cr
    day = days["start_day"] + timedelta(days=i)
    start, end = days["bounds"][i], days["bounds"][i + 1]
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
            """
            CREATE TEMP TABLE jit_snap_new AS
            WITH q AS (%(quantities)s),
            o AS (SELECT * FROM jit_snap_open),
            p AS (SELECT product_id FROM q WHERE moved
                  UNION
                  SELECT product_id FROM stock_valuation_layer
                   WHERE company_id = %(company)s
                     AND create_date >= %(start)s AND create_date < %(end)s),
            s AS (SELECT v.product_id, SUM(v.quantity) AS qty,
                         SUM(v.value) AS value
                    FROM stock_valuation_layer v
                   WHERE v.company_id = %(company)s AND v.create_date < %(end)s
                     AND v.product_id IN (SELECT product_id FROM p)
                   GROUP BY 1),
            c AS (SELECT p.product_id,
                         CASE WHEN s.qty > %(eps)s THEN s.value / s.qty END
                             AS svl_cost,
                         (pp.standard_price ->> %(company_key)s)::float8 AS std_cost
                    FROM p
                    JOIN product_product pp ON pp.id = p.product_id
                    LEFT JOIN s ON s.product_id = p.product_id)
            SELECT COALESCE(q.warehouse_id, o.warehouse_id) AS warehouse_id,
                   COALESCE(q.product_id, o.product_id) AS product_id,
                   COALESCE(q.qty, o.qty) AS qty,
                   CASE WHEN c.product_id IS NOT NULL
                        THEN COALESCE(c.svl_cost, o.unit_cost, c.std_cost, 0)
                        ELSE COALESCE(o.unit_cost, 0) END AS unit_cost,
                   o.id AS open_id, o.qty AS old_qty, o.value AS old_value
              FROM q
              FULL JOIN o
                ON o.warehouse_id = q.warehouse_id AND o.product_id = q.product_id
              LEFT JOIN c ON c.product_id = COALESCE(q.product_id, o.product_id)
            """,
            quantities=_quantities_sql(company, days, i, init),
            company=company.id,
            company_key=str(company.id),
            start=start,
            end=end,
            eps=QTY_EPS,
        )
    )
    # Statistics of the fresh table, so that the joins below hash 100,000s of
    # rows instead of looping over them.
    cr.execute(SQL("ANALYZE jit_snap_new"))
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
    _insert_consumption(env, company, day, consumption, i)


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
