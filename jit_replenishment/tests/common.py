# Copyright 2026 JIT Replenishment Suite
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import threading
import time
from datetime import datetime, timedelta

from odoo import Command
from odoo.tests import TransactionCase

# Every Odoo-side test runs at this frozen instant (freezegun).
NOW = datetime(2026, 3, 10, 12, 0, 0)
TODAY = NOW.date()


def tour_profile(env, name):
    """The 10-day profile of the browser tours (approval above 50%)."""
    return env["jit.profile"].create(
        {
            "name": name,
            "company_id": env.company.id,
            "window_days": 10,
            "service_level": 0.95,
            "review_period_days": 7,
            "spike_factor": 0.0,
            "approval_threshold": 0.5,
        }
    )


class JitCase(TransactionCase):
    """Fixtures built once: a warehouse, a vendor, a short-window profile,
    products with one JIT rule each, and helpers that write done moves on
    chosen days."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env = cls.env(context=dict(cls.env.context, tracking_disable=True))
        cls.company = cls.env.company
        cls.company.write({"po_lead": 0.0, "days_to_purchase": 0.0})
        cls.warehouse = cls.env["stock.warehouse"].search(
            [("company_id", "=", cls.company.id)], limit=1
        )
        cls.stock = cls.warehouse.lot_stock_id
        cls.shelf = cls.env["stock.location"].create(
            {"name": "Shelf JIT", "location_id": cls.stock.id, "usage": "internal"}
        )
        cls.customers = cls.env.ref("stock.stock_location_customers")
        cls.suppliers = cls.env.ref("stock.stock_location_suppliers")
        cls.scrap = cls.env["stock.location"].search(
            [("usage", "=", "inventory"), ("scrap_location", "=", True)], limit=1
        ) or cls.env.ref("stock.stock_location_inventory")
        cls.other_wh = cls.env["stock.warehouse"].create(
            {"name": "JIT Other WH", "code": "JOW", "company_id": cls.company.id}
        )
        cls.vendor = cls.env["res.partner"].create({"name": "JIT Vendor"})
        cls.profile = cls.env["jit.profile"].create(
            {
                "name": "Test 10 days",
                "company_id": cls.company.id,
                "window_days": 10,
                "service_level": 0.95,
                "review_period_days": 7,
                "spike_factor": 0.0,
                "approval_threshold": 0.0,
            }
        )
        cls.unit = cls.env.ref("uom.product_uom_unit")
        cls.dozen = cls.env.ref("uom.product_uom_dozen")
        cls.product = cls._product("JIT Widget", delay=4)
        cls.orderpoint = cls._orderpoint(cls.product)

    @classmethod
    def _product(cls, name, delay=4, min_qty=0.0, **vals):
        return cls.env["product.product"].create(
            {
                "name": name,
                "is_storable": True,
                "uom_id": cls.unit.id,
                "uom_po_id": cls.unit.id,
                "route_ids": [
                    Command.link(cls.env.ref("purchase_stock.route_warehouse0_buy").id)
                ],
                "seller_ids": [
                    Command.create(
                        {
                            "partner_id": cls.vendor.id,
                            "delay": delay,
                            "min_qty": min_qty,
                        }
                    )
                ],
                **vals,
            }
        )

    @classmethod
    def _orderpoint(cls, product, warehouse=None, **vals):
        warehouse = warehouse or cls.warehouse
        return cls.env["stock.warehouse.orderpoint"].create(
            {
                "product_id": product.id,
                "warehouse_id": warehouse.id,
                "location_id": warehouse.lot_stock_id.id,
                "company_id": warehouse.company_id.id,
                "trigger": "manual",
                "jit_enabled": True,
                "jit_profile_id": cls.profile.id,
                **vals,
            }
        )

    @classmethod
    def _moves(cls, specs):
        """Create done moves in one batch: specs are tuples
        (product, qty, day_offset, source, destination[, uom]) where
        day_offset counts days back from TODAY."""
        Move = cls.env["stock.move"]
        vals_list = []
        for product, qty, _offset, src, dst, *uom in specs:
            vals_list.append(
                {
                    "name": product.name,
                    "product_id": product.id,
                    "product_uom_qty": qty,
                    "product_uom": (uom[0] if uom else product.uom_id).id,
                    "location_id": src.id,
                    "location_dest_id": dst.id,
                    "company_id": src.company_id.id or cls.company.id,
                }
            )
        moves = Move.create(vals_list)
        moves._action_confirm(merge=False)
        for move in moves:
            move.quantity = move.product_uom_qty
        moves.picked = True
        moves._action_done()
        cls.env.flush_all()  # pending ORM writes must not overwrite the dates
        for move, (_p, _q, offset, *_rest) in zip(moves, specs, strict=True):
            day = datetime.combine(TODAY - timedelta(days=offset), datetime.min.time())
            cls.env.cr.execute(
                "UPDATE stock_move SET date = %s WHERE id = %s",
                (day + timedelta(hours=10), move.id),
            )
        moves.invalidate_recordset(["date"])
        return moves

    def _delivery(self, product, qty):
        """A draft delivery of ``qty`` units of ``product`` from WH/Stock to
        the customers."""
        return self.env["stock.picking"].create(
            {
                "picking_type_id": self.warehouse.out_type_id.id,
                "location_id": self.stock.id,
                "location_dest_id": self.customers.id,
                "move_ids": [
                    Command.create(
                        {
                            "name": "out",
                            "product_id": product.id,
                            "product_uom_qty": qty,
                            "product_uom": self.unit.id,
                            "location_id": self.stock.id,
                            "location_dest_id": self.customers.id,
                        }
                    )
                ],
            }
        )

    @classmethod
    def _deliveries(cls, product, daily, location=None):
        """Deliveries to customers: daily[i] is the quantity of the i-th day of
        the window, oldest first, ending yesterday (the last complete day: the
        window never counts today; zero days create no move)."""
        location = location or cls.stock
        n = len(daily)
        return cls._moves(
            [
                (product, qty, n - i, location, cls.customers)
                for i, qty in enumerate(daily)
                if qty
            ]
        )


class RaceMixin:
    """Two committed transactions at once (threads), for the race tests: the
    class provides `_in_transaction(func, results, key, start)`."""

    @staticmethod
    def _jit_rule(env, product):
        """A JIT rule of `product` on the stock of the company's first
        warehouse (for fixtures committed through the registry's cursor)."""
        warehouse = env["stock.warehouse"].search(
            [("company_id", "=", env.company.id)], limit=1
        )
        return env["stock.warehouse.orderpoint"].create(
            {
                "product_id": product.id,
                "warehouse_id": warehouse.id,
                "location_id": warehouse.lot_stock_id.id,
                "jit_enabled": True,
            }
        )

    def _race(self, first, second, delay=0.2):
        """Run first and second in two transactions; second starts `delay`
        seconds after first, while first still holds its locks."""
        results, start = {}, threading.Barrier(2)

        def later(env):
            time.sleep(delay)
            return second(env)

        threads = [
            threading.Thread(
                target=self._in_transaction, args=(first, results, 1, start)
            ),
            threading.Thread(
                target=self._in_transaction, args=(later, results, 2, start)
            ),
        ]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=60)
        return results
