# Copyright 2026 JIT Replenishment Suite
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""The vendor's answers through the model API (the same path the portal
and XML-RPC take), the buyer's answers to counter-proposals, and who may do
what."""

from datetime import datetime, timedelta

from freezegun import freeze_time

from odoo import Command
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import TransactionCase, tagged

from .common import SupplierPortalCommon

NOW = datetime(2026, 3, 10, 12, 0, 0)


@tagged("post_install", "-at_install")
@freeze_time(NOW)
class TestVendorAnswer(SupplierPortalCommon, TransactionCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._setup_supplier_portal()

    def _as(self, user, order):
        return order.with_user(user)

    def _events(self, order, event_type):
        return order.jit_event_ids.filtered(lambda e: e.event_type == event_type)

    # ------------------------------------------------------------------
    # confirm / reject
    # ------------------------------------------------------------------
    def test_confirm_all_confirms_the_order_through_its_own_path(self):
        order = self._rfq()
        status = self._as(self.alice, order).vendor_confirm()
        self.assertEqual(order.state, "purchase")
        self.assertEqual(status["state"], "purchase")
        self.assertEqual(order.jit_confirmation_channel, "api")
        self.assertEqual(set(order.order_line.mapped("vendor_answer")), {"confirmed"})
        line_events = self._events(order, "line_confirmed")
        self.assertEqual(len(line_events), 2)
        self.assertEqual(line_events.user_id, self.alice)
        self.assertEqual(set(line_events.mapped("channel")), {"api"})
        # button_confirm's own events: the order's confirmation and a promise
        # per line, through the vendor's channel.
        self.assertEqual(self._events(order, "confirmed").channel, "api")
        self.assertEqual(len(self._events(order, "promise")), 2)

    def test_order_waits_until_every_line_is_answered(self):
        order = self._rfq()
        bracket, hinge = order.order_line
        self._as(self.alice, order).vendor_confirm(line_ids=[bracket.id])
        self.assertEqual(order.state, "sent")
        self.assertEqual(bracket.vendor_answer, "confirmed")
        self.assertEqual(hinge.vendor_answer, "pending")
        self._as(self.alice, order).vendor_confirm()
        self.assertEqual(order.state, "purchase")

    def test_reject_all_rejects_the_order_for_the_fallback(self):
        order = self._rfq()
        self._as(self.alice, order).vendor_reject("No stock until May")
        self.assertEqual(order.jit_vendor_state, "rejected")
        self.assertEqual(order.jit_rejection_reason, "No stock until May")
        self.assertEqual(self._events(order, "rejected").channel, "api")
        self.assertEqual(len(self._events(order, "line_rejected")), 2)
        self.assertEqual(
            set(order.order_line.mapped("vendor_reject_reason")), {"No stock until May"}
        )
        with self.assertRaisesRegex(UserError, "was rejected on"):
            self._as(self.alice, order).vendor_confirm()

    def test_proposals_go_to_the_buyer_once(self):
        # A proposal beyond tolerance (0) next to a rejection: the buyer
        # settles the proposal first (a mix of confirmed and rejected lines
        # alone is split: test_mixed_orders).
        order = self._rfq()
        bracket, hinge = order.order_line
        self._as(self.alice, order).vendor_answer(
            [
                {"line_id": bracket.id, "answer": "propose", "quantity": 500},
                {"line_id": hinge.id, "answer": "reject", "reason": "Discontinued"},
            ]
        )
        self.assertEqual(order.state, "sent")
        activities = order.activity_ids.filtered(
            lambda a: (
                a.activity_type_id
                == self.env.ref("supplier_portal.mail_activity_type_vendor_answer")
            )
        )
        self.assertEqual(len(activities), 1)
        self.assertEqual(activities.user_id, self.buyer)

    # ------------------------------------------------------------------
    # counter-proposals and tolerance
    # ------------------------------------------------------------------
    def test_proposal_within_tolerance_is_accepted_and_updates_the_line(self):
        self.vendor_a.write({"vendor_qty_tolerance": 10, "vendor_days_tolerance": 5})
        order = self._rfq()
        bracket = order.order_line[0]
        planned = bracket.date_planned  # 2026-03-20 12:00
        # |108 - 100| = 8 <= 10 % of 100; 2026-03-23 is 3 days <= 5 later.
        self._as(self.alice, order).vendor_counter_propose(
            bracket.id, quantity=108, date="2026-03-23", comment="Full pallets"
        )
        self.assertEqual(bracket.vendor_answer, "confirmed")
        self.assertEqual(bracket.buyer_answer, "auto")
        self.assertEqual(bracket.product_qty, 108)
        self.assertEqual(
            bracket.date_planned.date(), (planned + timedelta(days=3)).date()
        )
        self.assertEqual(bracket.vendor_comment, "Full pallets")
        proposal = self._events(order, "proposal")
        self.assertEqual(
            (proposal.promised_qty, proposal.channel, proposal.note),
            (108, "api", "Full pallets"),
        )
        self.assertEqual(self._events(order, "proposal_accepted").channel, "auto")
        self.assertFalse(order.activity_ids)

    def test_proposal_beyond_tolerance_waits_for_the_buyer(self):
        self.vendor_a.write({"vendor_qty_tolerance": 10, "vendor_days_tolerance": 5})
        order = self._rfq()
        bracket, hinge = order.order_line
        # |111 - 100| = 11 > 10 % of 100: the buyer decides.
        self._as(self.alice, order).vendor_counter_propose(bracket.id, quantity=111)
        self.assertEqual(bracket.vendor_answer, "proposed")
        self.assertEqual(bracket.product_qty, 100)
        self.assertEqual(bracket.vendor_proposed_qty, 111)
        self.assertTrue(order.vendor_to_review)
        # 6 days > 5: a second proposal, still one activity.
        self._as(self.alice, order).vendor_counter_propose(hinge.id, date="2026-03-26")
        self.assertEqual(hinge.vendor_answer, "proposed")
        self.assertEqual(len(order.activity_ids), 1)
        self.assertEqual(order.activity_ids.user_id, self.buyer)
        # The buyer accepts both from the order: the order is confirmed with
        # the vendor's figures, through the vendor's channel.
        order.with_user(self.buyer).action_vendor_proposals_accept()
        self.assertEqual(order.state, "purchase")
        self.assertEqual(bracket.product_qty, 111)
        self.assertEqual(hinge.date_planned.date().isoformat(), "2026-03-26")
        self.assertEqual(set(order.order_line.mapped("buyer_answer")), {"accepted"})
        self.assertEqual(order.jit_confirmation_channel, "api")
        self.assertEqual(len(self._events(order, "proposal_accepted")), 2)
        self.assertFalse(order.activity_ids)

    def test_zero_tolerance_sends_every_change_to_the_buyer(self):
        order = self._rfq()
        bracket = order.order_line[0]
        # 100.5 vs 100: the smallest change, tolerance 0.
        self._as(self.alice, order).vendor_counter_propose(bracket.id, quantity=100.5)
        self.assertEqual(bracket.vendor_answer, "proposed")
        self.assertEqual(bracket.product_qty, 100)

    def test_declined_proposal_returns_to_the_vendor(self):
        order = self._rfq()
        bracket = order.order_line[0]
        self._as(self.alice, order).vendor_counter_propose(bracket.id, quantity=150)
        bracket.with_user(self.buyer).action_vendor_proposal_decline()
        self.assertEqual(bracket.vendor_answer, "pending")
        self.assertEqual(bracket.buyer_answer, "declined")
        self.assertEqual(bracket.product_qty, 100)
        self.assertFalse(order.activity_ids)
        # Told to the vendor as a comment (shown on the portal page).
        told = order.message_ids.filtered(
            lambda m: (
                m.subtype_id == self.env.ref("mail.mt_comment")
                and "is declined" in m.body
            )
        )
        self.assertEqual(len(told), 1)
        self.assertEqual(self._events(order, "proposal_declined").channel, "buyer")
        # The vendor answers again: confirmation as ordered.
        self._as(self.alice, order).vendor_confirm()
        self.assertEqual(order.state, "purchase")
        self.assertEqual(bracket.product_qty, 100)
        self.assertFalse(bracket.buyer_answer)

    # ------------------------------------------------------------------
    # bad input: a clear message, nothing changed
    # ------------------------------------------------------------------
    def test_bad_answers_are_refused_and_change_nothing(self):
        order = self._rfq()
        other = self._rfq()
        bracket = order.order_line[0]
        cases = [
            ({"quantity": -5}, "-5"),
            ({"quantity": 0}, "must be more than zero"),
            ({"quantity": "abc"}, "'abc' is not a number"),
            ({"quantity": "nan"}, "'nan' is not a number"),
            ({"quantity": True}, "True is not a number"),
            # 10 x 100 = 1000 is the most.
            ({"quantity": 1000.5}, "more than 10 times"),
            ({"date": "2026-03-09"}, "2026-03-09 is in the past"),
            # 2026-03-10 + 365 days = 2027-03-10.
            ({"date": "2027-03-11"}, "more than a year ahead"),
            ({"date": "10/03/2026"}, "is not a date"),
            ({"quantity": 100}, "keeps the ordered quantity"),
            ({"quantity": 120, "comment": 12}, "must be text"),
            ({"quantity": 120, "comment": "x" * 2001}, "too long"),
            ({"line_id": 999999999}, "999999999 is not a line of order"),
            ({"line_id": other.order_line[0].id}, "is not a line of order"),
            ({"line_id": "1 OR 1=1"}, "1 OR 1=1 is not a line of order"),
            ({"answer": "delete"}, "'delete' is not one of"),
            ({"product_qty": 5}, "Unknown field"),
            ({"answer": "reject"}, "give a reason"),
        ]
        before = self._snapshot(order)
        for change, message in cases:
            with self.subTest(change=change):
                answer = {"line_id": bracket.id, "answer": "propose", **change}
                with self.assertRaisesRegex(UserError, message):
                    self._as(self.alice, order).vendor_answer([answer])
                self.assertEqual(self._snapshot(order), before)
        with self.assertRaisesRegex(UserError, "answered twice"):
            self._as(self.alice, order).vendor_answer(
                [
                    {"line_id": bracket.id, "answer": "confirm"},
                    {"line_id": bracket.id, "answer": "confirm"},
                ]
            )
        # All or nothing: a valid answer next to a bad one is not applied.
        with self.assertRaisesRegex(UserError, "is in the past"):
            self._as(self.alice, order).vendor_answer(
                [
                    {"line_id": order.order_line[1].id, "answer": "confirm"},
                    {"line_id": bracket.id, "answer": "propose", "date": "2020-01-01"},
                ]
            )
        self.assertEqual(self._snapshot(order), before)

    def test_closed_orders_are_refused(self):
        confirmed = self._rfq()
        confirmed.button_confirm()
        cancelled = self._rfq()
        cancelled.button_cancel()
        draft = self._rfq(send=False)
        for order, message in [
            (confirmed, "is already confirmed"),
            (cancelled, "is cancelled"),
            (draft, "is not sent yet"),
        ]:
            with self.subTest(state=order.state):
                before = self._snapshot(order)
                with self.assertRaisesRegex(UserError, message):
                    self._as(self.alice, order).vendor_confirm(
                        line_ids=order.order_line.ids
                    )
                self.assertEqual(self._snapshot(order), before)

    def test_answer_after_the_fallback_is_refused_saying_so(self):
        orderpoint = self.env["stock.warehouse.orderpoint"].create(
            {"product_id": self.bracket.id, "jit_enabled": True}
        )
        self.env["product.supplierinfo"].create(
            {
                "partner_id": self.vendor_b.id,
                "product_tmpl_id": self.bracket.product_tmpl_id.id,
                "sequence": 50,
            }
        )
        order = self.env["purchase.order"].create(
            {
                "partner_id": self.vendor_a.id,
                "order_line": [
                    Command.create(
                        {
                            "product_id": self.bracket.id,
                            "product_qty": 5,
                            "orderpoint_id": orderpoint.id,
                        }
                    )
                ],
            }
        )
        self.assertTrue(order.jit_managed)
        order.write({"state": "sent"})
        with freeze_time(order.jit_confirmation_deadline + timedelta(minutes=1)):
            self.env["purchase.order"]._cron_jit_fallback()
        self.assertTrue(order.jit_replacement_order_id)
        before = self._snapshot(order)
        with self.assertRaisesRegex(UserError, "re-issued to Bolt Parts"):
            self._as(self.alice, order).vendor_confirm(line_ids=order.order_line.ids)
        self.assertEqual(self._snapshot(order), before)

    # ------------------------------------------------------------------
    # who may do what
    # ------------------------------------------------------------------
    def test_a_vendor_reaches_only_its_own_orders(self):
        mine = self._rfq()
        for_arthur = self._rfq(vendor=self.arthur_contact)
        theirs = self._rfq(vendor=self.vendor_b)
        Order = self.env["purchase.order"].with_user(self.alice)
        found = Order.search([("id", "in", (mine | for_arthur | theirs).ids)])
        # All contacts of Acme, nothing of Bolt.
        self.assertEqual(found, mine | for_arthur)
        self.assertFalse(
            self.env["purchase.order.line"]
            .with_user(self.alice)
            .search([("order_id", "=", theirs.id)])
        )
        before = self._snapshot(theirs)
        with self.assertRaises(AccessError):
            theirs.with_user(self.alice).read(["amount_total"])
        with self.assertRaises(AccessError):
            theirs.with_user(self.alice).vendor_confirm()
        with self.assertRaises(AccessError):
            theirs.with_user(self.alice).vendor_answer_status()
        self.assertEqual(self._snapshot(theirs), before)
        # Arthur's order answered by Alice, recorded as hers.
        for_arthur.with_user(self.alice).vendor_confirm()
        self.assertEqual(for_arthur.state, "purchase")

    def test_a_vendor_cannot_use_the_buyer_buttons_or_write(self):
        order = self._rfq()
        bracket = order.order_line[0]
        self._as(self.alice, order).vendor_counter_propose(bracket.id, quantity=300)
        with self.assertRaises(AccessError):
            bracket.with_user(self.alice).action_vendor_proposal_accept()
        with self.assertRaises(AccessError):
            order.with_user(self.alice).write({"partner_ref": "hacked"})
        with self.assertRaises(AccessError):
            bracket.with_user(self.alice).write({"product_qty": 300})
        self.assertEqual(bracket.vendor_answer, "proposed")
        self.assertEqual(bracket.product_qty, 100)

    def test_buyer_cannot_answer_a_line_without_a_proposal(self):
        order = self._rfq()
        with self.assertRaisesRegex(UserError, "No counter-proposal to answer"):
            order.order_line[0].with_user(self.buyer).action_vendor_proposal_accept()

    def test_negative_tolerance_is_refused(self):
        for field, value, message in [
            (
                "vendor_qty_tolerance",
                -1,
                "quantity change cannot be negative, got -1.0",
            ),
            (
                "vendor_days_tolerance",
                -2,
                "date change cannot be negative, got -2 days",
            ),
        ]:
            with self.subTest(field=field):
                with (
                    self.assertRaisesRegex(ValidationError, message),
                    self.env.cr.savepoint(),
                ):
                    self.vendor_a.write({field: value})
                self.assertEqual(self.vendor_a[field], 0)
