# Copyright 2026 JIT Replenishment Suite
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""The pull trigger (README, "When it runs"): a validated move that counts
as consumption (services/consumption.py, sign +1) for a JIT rule with the
automatic trigger procures that rule now when its forecast fell below its
minimum."""

import numpy as np

from odoo.tools import SQL

from . import consumption
from .pg import sql_array


def consuming_pairs_sql(move_ids, products, companies):
    """SQL of the (move id, rule id) pairs where a move of `move_ids` counts
    as consumption (+1) for a JIT rule with the automatic trigger."""
    return SQL(
        """
        SELECT m.id AS move_id, op.id AS rule_id
          FROM stock_move m
          JOIN stock_location src ON src.id = m.location_id
          JOIN stock_location dst ON dst.id = m.location_dest_id
          JOIN stock_warehouse_orderpoint op ON op.product_id = m.product_id
          JOIN stock_location rule_loc ON rule_loc.id = op.location_id
          JOIN stock_warehouse wh ON wh.id = op.warehouse_id
          JOIN stock_location wv ON wv.id = wh.view_location_id
         WHERE m.id = ANY(%(moves)s::int[])
           AND op.product_id = ANY(%(products)s::int[])
           AND op.company_id = ANY(%(companies)s::int[])
           AND op.jit_enabled AND op.active AND op.trigger = 'auto'
           AND %(sign)s > 0
        """,
        moves=sql_array(np.asarray(move_ids, dtype=np.int64)),
        products=sql_array(np.asarray(products, dtype=np.int64)),
        companies=sql_array(np.asarray(companies, dtype=np.int64)),
        sign=consumption.sign_sql(
            "m", "src", "dst", consumption.boundary_sql("rule_loc", "wv")
        ),
    )


def pulled_by(Orderpoint, moves):
    """The JIT rules (automatic trigger) that these validated moves may have
    brought below their minimum, found with one query: rules for which a
    move counts as consumption (consuming_pairs_sql) whose forecast may be
    below the minimum. On hand in the rule's location tree minus every
    pending move out of it is a lower bound of Odoo's forecast: a rule whose
    bound is at or above its minimum cannot need ordering, and its exact
    (costly) forecast is not computed."""
    env = Orderpoint.env
    if not moves:
        return Orderpoint.browse()
    for model in ("stock.warehouse.orderpoint", "stock.move", "stock.quant"):
        env[model].flush_model()
    env.cr.execute(
        SQL(
            """
            WITH r AS (
                SELECT DISTINCT op.id, op.product_id, op.product_min_qty,
                       loc.parent_path AS tree
                  FROM (%(pairs)s) p
                  JOIN stock_warehouse_orderpoint op ON op.id = p.rule_id
                  JOIN stock_location loc ON loc.id = op.location_id
            )
            SELECT r.id
              FROM r
             WHERE COALESCE((
                    SELECT SUM(q.quantity)
                      FROM stock_quant q
                      JOIN stock_location l ON l.id = q.location_id
                     WHERE q.product_id = r.product_id
                       AND starts_with(l.parent_path, r.tree)), 0)
                 - COALESCE((
                    SELECT SUM(sm.product_qty)
                      FROM stock_move sm
                      JOIN stock_location src ON src.id = sm.location_id
                      JOIN stock_location dst ON dst.id = sm.location_dest_id
                     WHERE sm.product_id = r.product_id
                       AND sm.state IN ('waiting', 'confirmed',
                                        'partially_available', 'assigned')
                       AND starts_with(src.parent_path, r.tree)
                       AND NOT starts_with(dst.parent_path, r.tree)), 0)
                 < r.product_min_qty
             ORDER BY r.id
            """,
            pairs=consuming_pairs_sql(
                moves.ids, moves.product_id.ids, moves.company_id.ids
            ),
        )
    )
    return Orderpoint.browse([row[0] for row in env.cr.fetchall()])


def procure_if_below_min(ops):
    """Procure the JIT rules whose forecast fell below their minimum."""
    below = ops.filtered(
        lambda op: op.qty_forecast < op.product_min_qty and op.qty_to_order > 0
    )
    for company in below.company_id:
        below.filtered(
            lambda op, c=company: op.company_id == c
        )._procure_orderpoint_confirm(company_id=company, raise_user_error=False)
    return below


def trigger(moves):
    """After validation: the moves that may consume (consumption.may_consume)
    pull their JIT rules. Off, like Odoo's own trigger, when the system
    parameter stock.no_auto_scheduler is set."""
    env = moves.env
    if env["ir.config_parameter"].sudo().get_param("stock.no_auto_scheduler"):
        return
    consumed = moves.filtered(consumption.may_consume)
    if consumed:
        Orderpoint = env["stock.warehouse.orderpoint"]
        Orderpoint._jit_pulled_by(consumed)._jit_procure_if_below_min()
