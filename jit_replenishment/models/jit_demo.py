# Copyright 2026 JIT Replenishment Suite
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Demo data that needs the suite's own flows (called from demo XML only)."""

from datetime import datetime, time, timedelta

from odoo import api, fields, models


class JitDemo(models.AbstractModel):
    _name = "jit.demo"
    _description = "JIT Replenishment demo data"

    # (weeks ago the order was confirmed, days late, share received)
    _supplier_history = [
        (10, 0, 1.0),
        (9, 0, 1.0),
        (8, 3, 1.0),
        (7, 0, 1.0),
        (6, 0, 0.75),
        (5, 0, 1.0),
        (4, 4, 1.0),
        (3, 0, 1.0),
        (2, 0, 1.0),
    ]

    @api.model
    def _load_supplier_history(self, vendor_id, product_id, qty=400.0):
        """Weekly purchases of the last ten weeks from one vendor, received
        on time but for two late ones and one short, then its SLA contract
        computed: the vendor's SLA tab and score have figures to show."""
        vendor = self.env["res.partner"].browse(vendor_id)
        product = self.env["product.product"].browse(product_id)
        seller = product.seller_ids.filtered(lambda s: s.partner_id == vendor)[:1]
        delay = seller.delay or 5
        today = fields.Date.context_today(self)
        orders = self._demo_weekly_orders(vendor, product, seller, qty)
        orders.button_confirm()
        for order, (weeks, late, share) in zip(
            orders, self._supplier_history, strict=True
        ):
            approved = datetime.combine(today - timedelta(weeks=weeks), time(9, 0))
            planned = approved + timedelta(days=delay)
            received = planned + timedelta(days=late)
            picking = order.picking_ids
            for move in picking.move_ids:
                move.quantity = move.product_uom_qty * share
            picking.move_ids.picked = True
            picking.with_context(cancel_backorder=True)._action_done()
            self._demo_backdate(order, picking, approved, planned, received)
        self.env.invalidate_all()
        contract = self.env["jit.sla.contract"].create(
            {
                "partner_id": vendor.commercial_partner_id.id,
                "period": "month",
                "user_id": self.env.ref("base.user_admin").id,
            }
        )
        contract.action_compute_sla()
        return orders

    @api.model
    def _demo_weekly_orders(self, vendor, product, seller, qty):
        """One purchase order of `qty` from `vendor` per week of the
        supplier history (not confirmed yet)."""
        return self.env["purchase.order"].create(
            [
                {
                    "partner_id": vendor.id,
                    "user_id": self.env.ref("base.user_admin").id,
                    "order_line": [
                        fields.Command.create(
                            {
                                "product_id": product.id,
                                "product_qty": qty,
                                "price_unit": seller.price or product.standard_price,
                            }
                        )
                    ],
                }
                for _weeks in self._supplier_history
            ]
        )

    @api.model
    def _demo_backdate(self, order, picking, approved, planned, received):
        """Move a received demo order (and its `picking`) back in time:
        approved, planned and received on the given datetimes (its events
        follow)."""
        self.env.flush_all()
        self.env.cr.execute(
            """
            UPDATE purchase_order SET date_approve = %(approved)s,
                   date_order = %(approved)s, date_planned = %(planned)s
             WHERE id = %(order)s;
            UPDATE purchase_order_line SET date_planned = %(planned)s
             WHERE order_id = %(order)s;
            UPDATE stock_move SET date = %(received)s,
                   -- the consumption ledger reads the moves written since
                   write_date = (now() AT TIME ZONE 'UTC')
             WHERE picking_id = %(picking)s AND state = 'done';
            UPDATE stock_move_line SET date = %(received)s
             WHERE picking_id = %(picking)s;
            UPDATE stock_picking SET date_done = %(received)s,
                   scheduled_date = %(planned)s
             WHERE id = %(picking)s;
            UPDATE jit_purchase_event SET date = %(approved)s,
                   original_date = CASE WHEN original_date IS NULL
                                        THEN NULL ELSE %(planned)s END,
                   promised_date = CASE WHEN promised_date IS NULL
                                        THEN NULL ELSE %(planned)s END
             WHERE order_id = %(order)s AND event_type != 'received';
            UPDATE jit_purchase_event SET date = %(received)s,
                   actual_date = %(received)s
             WHERE order_id = %(order)s AND event_type = 'received';
            """,
            {
                "approved": approved,
                "planned": planned,
                "received": received,
                "order": order.id,
                "picking": picking.id,
            },
        )

    @api.model
    def _load_waiting_rfq(self, vendor_id, product_id, qty=600.0):
        """A JIT request for quotation sent to the vendor and waiting for its
        answer (the confirmation deadline running)."""
        order = self.env["purchase.order"].create(
            {
                "partner_id": vendor_id,
                "user_id": self.env.ref("base.user_admin").id,
                "jit_managed": True,
                "order_line": [
                    fields.Command.create(
                        {"product_id": product_id, "product_qty": qty}
                    )
                ],
            }
        )
        order.write({"state": "sent"})
        return order
