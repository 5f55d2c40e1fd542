# Copyright 2026 JIT Replenishment Suite
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""The order page and its answer route over HTTP: signed in, through the
access link, as another vendor, and with every kind of bad input."""

import re
from datetime import timedelta

from odoo import fields
from odoo.tests import HttpCase, tagged

from .common import SupplierPortalCommon

CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')


@tagged("post_install", "-at_install")
class TestPortalAnswerHttp(SupplierPortalCommon, HttpCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._setup_supplier_portal()

    def _get(self, url):
        return self.url_open(url, timeout=60)

    def _page(self, order, token=None):
        url = f"/my/purchase/{order.id}"
        if token:
            url += f"?access_token={token}"
        res = self._get(url)
        self.assertEqual(res.status_code, 200)
        return res.text

    def _csrf(self, order, token=None):
        return CSRF.search(self._page(order, token)).group(1)

    def _post(self, order, data, csrf, token=None):
        data = {**data, "csrf_token": csrf}
        if token:
            data["access_token"] = token
        return self.url_open(f"/my/purchase/{order.id}/answer", data=data, timeout=60)

    def _bad(self, order, data, csrf, message, token=None):
        """Refused with `message` on the page (status 400), nothing changed."""
        before = self._snapshot(order)
        res = self._post(order, data, csrf, token)
        self.assertEqual(res.status_code, 400, res.text[:300])
        self.assertIn("Your answer was not saved.", res.text)
        self.assertIn(message, res.text)
        self.assertEqual(self._snapshot(order), before)

    # ------------------------------------------------------------------
    # the page
    # ------------------------------------------------------------------
    def test_order_page_shows_each_line_and_the_answer_form(self):
        order = self._rfq()
        order.jit_confirmation_deadline = fields.Datetime.now() + timedelta(days=2)
        self.authenticate("sp_alice", "sp_alice_pw")
        html = self._page(order)
        self.assertIn("Your answer", html)
        self.assertEqual(html.count("Waiting for your answer"), 2)
        self.assertIn('id="sp_answer_form"', html)
        self.assertIn(f'name="answer_{order.order_line[0].id}"', html)
        self.assertIn('id="sp_deadline"', html)
        self.assertIn("Confirm all", html)
        self.assertIn("Reject all", html)

    def test_signed_in_vendor_answers_line_by_line(self):
        order = self._rfq()
        bracket, hinge = order.order_line
        self.authenticate("sp_alice", "sp_alice_pw")
        res = self._post(
            order,
            {
                "bulk": "lines",
                f"answer_{bracket.id}": "propose",
                f"quantity_{bracket.id}": "150",
                f"date_{bracket.id}": "",
                f"note_{bracket.id}": "Only full boxes",
                f"answer_{hinge.id}": "confirm",
            },
            self._csrf(order),
        )
        self.assertEqual(res.status_code, 200)
        self.assertIn("Thank you, your answer was sent.", res.text)
        self.assertEqual(bracket.vendor_answer, "proposed")
        self.assertEqual(bracket.vendor_proposed_qty, 150)
        self.assertEqual(hinge.vendor_answer, "confirmed")
        self.assertEqual(order.state, "sent")
        events = order.jit_event_ids.filtered(
            lambda e: e.event_type in ("proposal", "line_confirmed")
        )
        self.assertEqual(len(events), 2)
        self.assertEqual(set(events.mapped("channel")), {"portal"})
        self.assertEqual(events.user_id, self.alice)
        # The vendor sees each line's state, and the buyer's answer later.
        self.assertIn("Proposal sent, waiting for the buyer", res.text)
        bracket.with_user(self.buyer).action_vendor_proposal_decline()
        self.assertIn("Proposal declined by the buyer", self._page(order))

    def test_access_link_without_account_confirms_all(self):
        order = self._rfq()
        token = order._portal_ensure_token()
        res = self._post(
            order, {"bulk": "confirm_all"}, self._csrf(order, token), token
        )
        self.assertEqual(res.status_code, 200)
        self.assertIn("Thank you", res.text)
        self.assertEqual(order.state, "purchase")
        self.assertEqual(order.jit_confirmation_channel, "token")
        answers = order.jit_event_ids.filtered(
            lambda e: e.event_type == "line_confirmed"
        )
        self.assertEqual(set(answers.mapped("channel")), {"token"})
        self.assertEqual(answers.user_id, self.env.ref("base.public_user"))
        note = order.message_ids.filtered(lambda m: "access link" in m.body)
        self.assertEqual(note.author_id, self.vendor_a)

    def test_reject_all_needs_a_reason(self):
        order = self._rfq()
        self.authenticate("sp_alice", "sp_alice_pw")
        csrf = self._csrf(order)
        self._bad(
            order, {"bulk": "reject_all", "reason_all": " "}, csrf, "give a reason"
        )
        res = self._post(
            order, {"bulk": "reject_all", "reason_all": "Plant closed"}, csrf
        )
        self.assertEqual(res.status_code, 200)
        self.assertEqual(order.jit_vendor_state, "rejected")
        self.assertEqual(order.jit_rejection_reason, "Plant closed")

    # ------------------------------------------------------------------
    # bad input
    # ------------------------------------------------------------------
    def test_bad_inputs_are_refused_with_a_message(self):
        order = self._rfq()
        other = self._rfq()
        bracket = order.order_line[0]
        self.authenticate("sp_alice", "sp_alice_pw")
        csrf = self._csrf(order)
        today = fields.Date.context_today(order)
        propose = {"bulk": "lines", f"answer_{bracket.id}": "propose"}
        cases = [
            ({f"quantity_{bracket.id}": "-5"}, "quantity -5 must be more than zero"),
            ({f"quantity_{bracket.id}": "0"}, "quantity 0 must be more than zero"),
            (
                {f"quantity_{bracket.id}": "abc"},
                "quantity &#39;abc&#39; is not a number",
            ),
            # 10 x 100 ordered = 1000 at most.
            (
                {f"quantity_{bracket.id}": "1001"},
                "more than 10 times the ordered 100.0",
            ),
            (
                {f"date_{bracket.id}": str(today - timedelta(days=1))},
                f"{today - timedelta(days=1)} is in the past",
            ),
            (
                {f"date_{bracket.id}": str(today + timedelta(days=366))},
                "more than a year ahead",
            ),
            ({f"date_{bracket.id}": "tomorrow"}, "is not a date"),
        ]
        for change, message in cases:
            with self.subTest(change=change):
                self._bad(order, {**propose, **change}, csrf, message)
        line_cases = [
            ({"answer_999999999": "confirm"}, "Line 999999999 is not a line of order"),
            (
                {f"answer_{other.order_line[0].id}": "confirm"},
                f"Line {other.order_line[0].id} is not a line of order {order.name}",
            ),
            ({"answer_abc": "confirm"}, "Line abc is not a line of order"),
            ({f"answer_{bracket.id}": "delete"}, "&#39;delete&#39; is not one of"),
            ({}, "Choose an answer for at least one line"),
        ]
        for data, message in line_cases:
            with self.subTest(data=data):
                self._bad(order, {"bulk": "lines", **data}, csrf, message)

    def test_closed_orders_are_refused_over_http(self):
        confirmed = self._rfq()
        confirmed.button_confirm()
        cancelled = self._rfq()
        cancelled.button_cancel()
        self.authenticate("sp_alice", "sp_alice_pw")
        # The token of the session, from a page that still has the form.
        csrf = self._csrf(self._rfq())
        for order, message in [
            (confirmed, "is already confirmed"),
            (cancelled, "is cancelled"),
        ]:
            with self.subTest(state=order.state):
                # Lines answered nowhere show their order's state.
                html = self._page(order)
                self.assertNotIn("Waiting for your answer", html)
                self.assertIn(
                    "Confirmed" if order.state == "purchase" else "Cancelled", html
                )
                self._bad(
                    order,
                    {"bulk": "lines", f"answer_{order.order_line[0].id}": "confirm"},
                    csrf,
                    message,
                )

    def test_post_without_csrf_token_is_refused(self):
        order = self._rfq()
        self.authenticate("sp_alice", "sp_alice_pw")
        self._page(order)
        before = self._snapshot(order)
        res = self.url_open(
            f"/my/purchase/{order.id}/answer",
            data={"bulk": "confirm_all"},
            timeout=60,
        )
        self.assertEqual(res.status_code, 400)
        self.assertEqual(self._snapshot(order), before)

    def test_comments_are_stored_and_shown_escaped(self):
        order = self._rfq()
        bracket, hinge = order.order_line
        self.authenticate("sp_alice", "sp_alice_pw")
        evil = '<script>alert("x")</script><b>bold</b>'
        res = self._post(
            order,
            {
                "bulk": "lines",
                f"answer_{bracket.id}": "propose",
                f"quantity_{bracket.id}": "120",
                f"note_{bracket.id}": evil,
                f"answer_{hinge.id}": "reject",
                f"note_{hinge.id}": evil,
            },
            self._csrf(order),
        )
        self.assertEqual(res.status_code, 200)
        self.assertEqual(bracket.vendor_comment, evil)
        self.assertEqual(hinge.vendor_reject_reason, evil)
        self.assertNotIn("<script>alert", res.text)
        self.assertNotIn("<b>bold</b>", res.text)
        self.assertEqual(res.text.count("&lt;script&gt;alert("), 2)
        # And in the buyer's chatter note.
        note = order.message_ids.filtered(lambda m: "Vendor answer" in m.body)
        self.assertNotIn("<script>", note.body)
        self.assertIn("&lt;script&gt;", note.body)

    # ------------------------------------------------------------------
    # another vendor
    # ------------------------------------------------------------------
    def test_another_vendor_reaches_nothing(self):
        order = self._rfq()
        bobs = self._rfq(vendor=self.vendor_b)
        bobs_token = bobs._portal_ensure_token()
        self.authenticate("sp_bob", "sp_bob_pw")
        csrf = self._csrf(bobs)
        before = self._snapshot(order)
        for url in (
            f"/my/purchase/{order.id}",
            f"/my/purchase/{order.id}?access_token={bobs_token}",
            f"/my/purchase/{order.id}?access_token=",
        ):
            with self.subTest(url=url):
                res = self._get(url)
                self.assertNotIn(order.name, res.text)
                self.assertTrue(res.url.endswith("/my"), res.url)
        for token in (None, bobs_token):
            with self.subTest(token=token):
                res = self._post(order, {"bulk": "confirm_all"}, csrf, token)
                self.assertTrue(res.url.endswith("/my"), res.url)
                self.assertEqual(self._snapshot(order), before)
        # Listing: none of Acme's orders.
        self.assertNotIn(order.name, self._get("/my/rfq").text)

    # ------------------------------------------------------------------
    # home counter, lists
    # ------------------------------------------------------------------
    def test_split_off_orders_stay_out_of_the_vendors_lists(self):
        # A mixed answer moves the rejected hinge to an order of its own:
        # bookkeeping of the buyer, under a number Acme never received.
        order = self._rfq(jit=True)
        bracket, hinge = order.order_line
        order.with_user(self.alice).vendor_answer(
            [
                {"line_id": bracket.id, "answer": "confirm"},
                {"line_id": hinge.id, "answer": "reject", "reason": "No hinges"},
            ]
        )
        split = hinge.order_id
        self.assertNotEqual(split, order)
        self.authenticate("sp_alice", "sp_alice_pw")
        for url in ("/my/rfq", "/my/purchase", "/my/rfq?filterby=waiting"):
            with self.subTest(url=url):
                self.assertNotIn(split.name, self._get(url).text)
        # The vendor's own (confirmed) order is listed as before.
        self.assertIn(order.name, self._get("/my/purchase").text)

    def test_home_counters_equal_the_vendors_lists(self):
        # Acme: a mixed answer on a JIT RFQ confirms the order (bracket) and
        # splits the hinge off to an open RFQ of the buyer's; plus one plain
        # RFQ still sent. Lists: /my/rfq = 1 (the plain RFQ; the split-off
        # one is left out), /my/purchase = 1 (the confirmed order).
        order = self._rfq(jit=True)
        plain = self._rfq()
        bracket, hinge = order.order_line
        order.with_user(self.alice).vendor_answer(
            [
                {"line_id": bracket.id, "answer": "confirm"},
                {"line_id": hinge.id, "answer": "reject", "reason": "No hinges"},
            ]
        )
        split = hinge.order_id
        self.assertEqual((split.state, order.state), ("sent", "purchase"))
        self.authenticate("sp_alice", "sp_alice_pw")
        counters = self.make_jsonrpc_request(
            "/my/counters", {"counters": ["rfq_count", "purchase_count"]}
        )
        listed = {
            "rfq_count": self._get("/my/rfq").text,
            "purchase_count": self._get("/my/purchase").text,
        }
        for key, html in listed.items():
            with self.subTest(counter=key):
                names = [o.name for o in (order, plain, split) if o.name in html]
                self.assertEqual(counters[key], len(names), names)
                self.assertEqual(counters[key], 1)
        self.assertIn(plain.name, listed["rfq_count"])

    def test_waiting_counter_filter_and_deadline_sort(self):
        now = fields.Datetime.now()
        later, sooner = self._rfq(), self._rfq()
        later.jit_confirmation_deadline = now + timedelta(days=3)
        sooner.jit_confirmation_deadline = now + timedelta(days=1)
        # Answered (a proposal waits for the buyer): not waiting for Acme.
        answered = self._rfq()
        answered.with_user(self.alice).vendor_counter_propose(
            answered.order_line[0].id, quantity=500
        )
        answered.with_user(self.alice).vendor_confirm()
        bobs = self._rfq(vendor=self.vendor_b)
        self.authenticate("sp_alice", "sp_alice_pw")
        counters = self.make_jsonrpc_request(
            "/my/counters", {"counters": ["sp_waiting_count", "rfq_count"]}
        )
        # Acme: later + sooner wait; answered does not; Bolt's is not Acme's.
        self.assertEqual(counters["sp_waiting_count"], 2)
        self.assertIn("Waiting for your answer", self._get("/my").text)
        html = self._get("/my/rfq?filterby=waiting&sortby=deadline").text
        self.assertNotIn(answered.name, html)
        self.assertNotIn(bobs.name, html)
        self.assertLess(html.index(sooner.name), html.index(later.name))
        self.assertIn("Answer Before", html)
        # Unfiltered, the answered RFQ is listed too, badged for the buyer.
        html = self._get("/my/rfq").text
        self.assertIn(answered.name, html)
        self.assertIn("Waiting for the buyer", html)
        html = self._get("/my/purchase?filterby=waiting").text
        self.assertIn(sooner.name, html)
        self.assertNotIn(answered.name, html)
        # An unknown sort or filter falls back to the defaults.
        res = self._get("/my/rfq?sortby=nope&filterby=nope")
        self.assertEqual(res.status_code, 200)
        self.assertIn(answered.name, res.text)
        self.authenticate("sp_bob", "sp_bob_pw")
        counters = self.make_jsonrpc_request(
            "/my/counters", {"counters": ["sp_waiting_count"]}
        )
        self.assertEqual(counters["sp_waiting_count"], 1)

    # ------------------------------------------------------------------
    # chatter
    # ------------------------------------------------------------------
    def test_chatter_is_writable_through_the_access_link(self):
        order = self._rfq()
        token = order._portal_ensure_token()
        self._page(order, token)
        self.make_jsonrpc_request(
            "/mail/message/post",
            {
                "thread_model": "purchase.order",
                "thread_id": order.id,
                "post_data": {
                    "body": "<script>alert(1)</script>Can we ship Friday?",
                    "message_type": "comment",
                    "subtype_xmlid": "mail.mt_comment",
                },
                "token": token,
            },
        )
        [message] = order.message_ids.filtered(lambda m: "ship Friday" in m.body)
        self.assertNotIn("<script>", message.body)
        # A public message (the portal chatter shows it), not an internal note.
        self.assertEqual(message.message_type, "comment")
        self.assertFalse(message.subtype_id.internal)
        # Another order's token opens nothing.
        other = self._rfq()
        with self.assertRaises(Exception):  # noqa: B017 - NotFound or Forbidden
            self.make_jsonrpc_request(
                "/mail/message/post",
                {
                    "thread_model": "purchase.order",
                    "thread_id": other.id,
                    "post_data": {"body": "intruder", "message_type": "comment"},
                    "token": token,
                },
            )
        self.assertFalse(other.message_ids.filtered(lambda m: "intruder" in m.body))
