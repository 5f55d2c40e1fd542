# Copyright 2026 JIT Replenishment Suite
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Demo data: a year of consumption and JIT rules computed at once."""

import random
from datetime import datetime, timedelta

from odoo import fields
from odoo.tools import SQL

from . import pg


def demo_load(Orderpoint, product_ids):
    """Demo: a year of consumption for all but the last product, one JIT
    rule per product in the main warehouse, computed at once."""
    env = Orderpoint.env
    products = env["product.product"].browse(product_ids)
    warehouse = env.ref("stock.warehouse0")
    stock = warehouse.lot_stock_id
    customers = env.ref("stock.stock_location_customers")
    suppliers = env.ref("stock.stock_location_suppliers")
    rng = random.Random(18)  # deterministic demo
    today = fields.Date.today()
    vals_list, dates = [], []
    for rank, product in enumerate(products[:-1]):
        base = 40 if rank == 0 else 6
        days = [
            0 if rng.random() < 0.15 else max(1, round(rng.gauss(base, base / 3)))
            for _day in range(365)
        ]
        receipt = sum(days) + 3 * base
        plan = [(receipt, 365, suppliers, stock)] + [
            (qty, 364 - i, stock, customers) for i, qty in enumerate(days) if qty
        ]
        for qty, offset, src, dst in plan:
            vals_list.append(
                {
                    "name": product.display_name,
                    "product_id": product.id,
                    "product_uom_qty": qty,
                    "product_uom": product.uom_id.id,
                    "location_id": src.id,
                    "location_dest_id": dst.id,
                }
            )
            dates.append(
                datetime.combine(today - timedelta(days=offset), datetime.min.time())
                + timedelta(hours=9)
            )
    _done_moves_on(env, vals_list, dates)
    orderpoints = Orderpoint.create(
        [
            {
                "product_id": product.id,
                "warehouse_id": warehouse.id,
                "location_id": stock.id,
                "trigger": "auto",
                "jit_enabled": True,
            }
            for product in products
        ]
    )
    orderpoints._jit_recompute(origin="install")
    return orderpoints


def _done_moves_on(env, vals_list, dates):
    """Create, validate and date the demo moves."""
    moves = env["stock.move"].create(vals_list)
    moves._action_confirm(merge=False)
    for move in moves:
        move.quantity = move.product_uom_qty
    moves.picked = True
    moves._action_done()
    env.flush_all()  # the ORM's pending writes must not overwrite ours
    pg.bulk_update(
        env.cr,
        "stock_move",
        {"id": ("int4", moves.ids), "date": ("timestamp", [str(d) for d in dates])},
        # the consumption ledger reads the moves written since
        set_extra={"write_date": SQL("(now() AT TIME ZONE 'UTC')")},
    )
    env.cr.execute(
        SQL(
            "UPDATE stock_move_line l SET date = m.date FROM stock_move m"
            " WHERE m.id = l.move_id AND m.id = ANY(%s)",
            moves.ids,
        )
    )
    moves.invalidate_recordset(["date"])
