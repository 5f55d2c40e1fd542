# Copyright 2026 JIT Replenishment Suite
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from datetime import timedelta

from odoo import Command, fields


class SupplierPortalCommon:
    """Two vendors (companies, each with a portal user on a contact), a
    buyer, two products of vendor A and helpers that make sent RFQs.
    Mixed into TransactionCase and HttpCase classes."""

    @classmethod
    def _setup_supplier_portal(cls):
        cls.env = cls.env(context=dict(cls.env.context, tracking_disable=True))
        portal = cls.env.ref("base.group_portal")
        cls.buyer = cls.env["res.users"].create(
            {
                "name": "SP Buyer",
                "login": "sp_buyer",
                "password": "sp_buyer_pw",
                "email": "sp_buyer@example.com",
                "groups_id": [
                    Command.set([cls.env.ref("purchase.group_purchase_user").id])
                ],
            }
        )
        cls.vendor_a, cls.vendor_b = cls.env["res.partner"].create(
            [
                {"name": "Acme Supplies", "is_company": True, "email": "a@example.com"},
                {"name": "Bolt Parts", "is_company": True, "email": "b@example.com"},
            ]
        )
        cls.alice_contact, cls.arthur_contact, cls.bob_contact = cls.env[
            "res.partner"
        ].create(
            [
                {
                    "name": "Alice",
                    "parent_id": cls.vendor_a.id,
                    "email": "al@example.com",
                },
                {
                    "name": "Arthur",
                    "parent_id": cls.vendor_a.id,
                    "email": "ar@example.com",
                },
                {
                    "name": "Bob",
                    "parent_id": cls.vendor_b.id,
                    "email": "bo@example.com",
                },
            ]
        )
        cls.alice, cls.bob = cls.env["res.users"].create(
            [
                {
                    "login": "sp_alice",
                    "password": "sp_alice_pw",
                    "partner_id": cls.alice_contact.id,
                    "groups_id": [Command.set([portal.id])],
                },
                {
                    "login": "sp_bob",
                    "password": "sp_bob_pw",
                    "partner_id": cls.bob_contact.id,
                    "groups_id": [Command.set([portal.id])],
                },
            ]
        )
        cls.bracket, cls.hinge = cls.env["product.product"].create(
            [
                {
                    "name": "SP Bracket",
                    "is_storable": True,
                    "seller_ids": [
                        Command.create({"partner_id": cls.vendor_a.id, "delay": 5})
                    ],
                },
                {
                    "name": "SP Hinge",
                    "is_storable": True,
                    "seller_ids": [
                        Command.create({"partner_id": cls.vendor_a.id, "delay": 5})
                    ],
                },
            ]
        )

    @classmethod
    def _rfq(cls, vendor=None, qtys=(100.0, 20.0), days=10, send=True, jit=False):
        """A sent RFQ of the buyer: one line per quantity (bracket, hinge),
        planned `days` days from now; `jit`: a JIT order (deadline, fallback)."""
        planned = fields.Datetime.now() + timedelta(days=days)
        products = [cls.bracket, cls.hinge]
        order = (
            cls.env["purchase.order"]
            .with_user(cls.buyer)
            .create(
                {
                    "partner_id": (vendor or cls.vendor_a).id,
                    "user_id": cls.buyer.id,
                    "order_line": [
                        Command.create(
                            {
                                "product_id": products[i].id,
                                "product_qty": qty,
                                "date_planned": planned,
                            }
                        )
                        for i, qty in enumerate(qtys)
                    ],
                }
            )
        )
        if jit:
            order.jit_managed = True
        if send:
            order.write({"state": "sent"})
        return order.with_env(cls.env)

    def _snapshot(self, order):
        """What a refused answer must leave unchanged."""
        order.invalidate_recordset()
        order.order_line.invalidate_recordset()
        return (
            order.state,
            order.jit_vendor_state,
            [
                (
                    ln.vendor_answer,
                    ln.product_qty,
                    ln.date_planned,
                    ln.vendor_proposed_qty,
                    ln.vendor_comment,
                    ln.vendor_reject_reason,
                )
                for ln in order.order_line
            ],
            len(order.jit_event_ids),
            len(order.message_ids),
        )
