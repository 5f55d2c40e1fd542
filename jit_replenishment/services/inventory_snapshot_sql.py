# Copyright 2026 JIT Replenishment Suite
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""SQL text of the daily inventory snapshot (services/inventory_snapshot.py):
the warehouses' boundaries, the net moves crossing them, the quantities at
the end of a day and the new state of every key (quantity and unit cost)."""

from odoo.tools import SQL

QTY_EPS = 1e-9


def warehouses_sql(company):
    return SQL(
        """
        SELECT w.id, vl.parent_path AS path
          FROM stock_warehouse w
          JOIN stock_location vl ON vl.id = w.view_location_id
         WHERE w.company_id = %s
        """,
        company.id,
    )


def net_moves_sql(company, start, end=None):
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
        warehouses=warehouses_sql(company),
        start=start,
        end=SQL("AND sm.date < %s", end) if end else SQL(),
    )


def quantities_sql(company, days, i, init):
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
            warehouses=warehouses_sql(company),
            later=net_moves_sql(company, end),
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
        day=net_moves_sql(company, start, end),
    )


def new_state_sql(company, days, i, init):
    """The state at the end of day i of `days` per key: quantity, unit cost
    (valuation layers up to the end of the day, else the last one recorded,
    else the product's cost) and the open row (jit_snap_open) it follows."""
    start, end = days["bounds"][i], days["bounds"][i + 1]
    return SQL(
        """
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
        quantities=quantities_sql(company, days, i, init),
        company=company.id,
        company_key=str(company.id),
        start=start,
        end=end,
        eps=QTY_EPS,
    )
