# Copyright 2026 JIT Replenishment Suite
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""The RFQ mail's access link (no account): its channel, its forecast, Odoo's
own per-line date update and Accept/Decline next to the per-line answers,
and the security points again through the link."""

import json
import re
from datetime import timedelta

from odoo import Command, fields
from odoo.tests import HttpCase, tagged

from .common import SupplierPortalCommon

CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')


class DateUpdateRefused(Exception):
    """The JSON-RPC error of Odoo's date update route."""


@tagged("post_install", "-at_install")
class TestPortalTokenLink(SupplierPortalCommon, HttpCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._setup_supplier_portal()
        cls.bracket.seller_ids.write(
            {"product_code": "ACME-BR-1", "product_name": "Bracket (Acme)"}
        )
        cls.widget = cls.env["product.product"].create(
            {
                "name": "SP Widget",
                "is_storable": True,
                "seller_ids": [
                    Command.create(
                        {"partner_id": cls.vendor_b.id, "product_code": "BOLT-W"}
                    )
                ],
            }
        )
        rules = cls.env["stock.warehouse.orderpoint"].create(
            [
                {"product_id": p.id, "jit_enabled": True, "qty_multiple": 10}
                for p in (cls.bracket, cls.widget)
            ]
        )
        rules.write({"jit_adu": 5, "jit_min_qty": 40, "jit_max_qty": 150})

    def _page(self, order, token=None, query=""):
        url = f"/my/purchase/{order.id}?{query}"
        if token:
            url += f"&access_token={token}"
        return self.url_open(url, timeout=60)

    def _post(self, order, data, token=None, csrf=True):
        data = dict(data)
        if csrf:
            html = self._page(order, token).text
            data["csrf_token"] = CSRF.search(html).group(1)
        if token:
            data["access_token"] = token
        return self.url_open(f"/my/purchase/{order.id}/answer", data=data, timeout=60)

    def _update(self, order, dates, token=None):
        """Odoo's per-line date update (JSON); an error is raised with the
        message the page gets."""
        route = f"/my/purchase/{order.id}/update"
        if token:
            route += f"?access_token={token}"
        body = json.dumps({"jsonrpc": "2.0", "method": "call", "params": dates})
        res = self.url_open(
            route, body, headers={"Content-Type": "application/json"}, timeout=60
        )
        if res.status_code == 204 or not res.content:
            return res.status_code
        error = res.json().get("error")
        if error:
            raise DateUpdateRefused(error["data"]["message"])
        return res.json().get("result")

    # ------------------------------------------------------------------
    # 1. channel "token"
    # ------------------------------------------------------------------
    def test_answers_through_the_access_link_are_channel_token(self):
        order = self._rfq(jit=True)
        token = order._portal_ensure_token()
        bracket, hinge = order.order_line
        res = self._post(
            order,
            {
                "bulk": "lines",
                f"answer_{bracket.id}": "propose",
                f"quantity_{bracket.id}": "150",
                f"answer_{hinge.id}": "confirm",
            },
            token,
        )
        self.assertEqual(res.status_code, 200, res.text[:300])
        events = order.jit_event_ids.filtered(
            lambda e: e.event_type in ("proposal", "line_confirmed")
        )
        self.assertEqual(set(events.mapped("channel")), {"token"})
        self.assertEqual(
            set(order.order_line.mapped("vendor_answer_channel")), {"token"}
        )
        # Signed in, the same page is the portal channel.
        other = self._rfq(jit=True)
        self.authenticate("sp_alice", "sp_alice_pw")
        self._post(other, {"bulk": "confirm_all"})
        self.assertEqual(other.jit_confirmation_channel, "portal")
        self.assertEqual(
            set(other.jit_event_ids.mapped("channel")) - {"system"}, {"portal"}
        )

    def test_confirm_all_through_the_access_link_confirms_as_token(self):
        order = self._rfq(jit=True)
        token = order._portal_ensure_token()
        self._post(order, {"bulk": "confirm_all"}, token)
        self.assertEqual(order.state, "purchase")
        self.assertEqual(order.jit_confirmation_channel, "token")
        confirmed = order.jit_event_ids.filtered(lambda e: e.event_type == "confirmed")
        self.assertEqual(confirmed.channel, "token")

    # ------------------------------------------------------------------
    # 2. forecast through the access link
    # ------------------------------------------------------------------
    def test_forecast_through_the_access_link(self):
        order = self._rfq()
        token = order._portal_ensure_token()
        res = self.url_open(
            f"/my/purchase/{order.id}/forecast?access_token={token}", timeout=60
        )
        self.assertEqual(res.status_code, 200)
        self.assertIn("ACME-BR-1", res.text)
        self.assertNotIn("BOLT-W", res.text)
        self.assertNotIn("SP Widget", res.text)
        # The order page links to it, with the token.
        self.assertIn(
            f"/my/purchase/{order.id}/forecast?access_token={token}",
            self._page(order, token).text,
        )
        res = self.url_open(
            f"/my/purchase/{order.id}/forecast?access_token={token}&download=csv",
            timeout=60,
        )
        self.assertEqual(res.headers["Content-Type"], "text/csv; charset=utf-8")
        self.assertIn("ACME-BR-1", res.text)
        self.assertNotIn("BOLT", res.text)

    def test_forecast_of_another_order_token_shows_nothing_of_another_vendor(self):
        acme = self._rfq()
        bolts = self._rfq(vendor=self.vendor_b)
        bolts_token = bolts._portal_ensure_token()
        # Bolt's own link: Bolt's widget only.
        res = self.url_open(
            f"/my/purchase/{bolts.id}/forecast?access_token={bolts_token}&download=csv",
            timeout=60,
        )
        self.assertIn("BOLT-W", res.text)
        self.assertNotIn("ACME", res.text)
        # Bolt's token on Acme's order, no token, a wrong token: nothing.
        for query in (f"?access_token={bolts_token}", "", "?access_token=x"):
            for suffix in ("", "&download=csv" if query else "?download=csv"):
                with self.subTest(query=query, suffix=suffix):
                    res = self.url_open(
                        f"/my/purchase/{acme.id}/forecast{query}{suffix}", timeout=60
                    )
                    self.assertNotIn("ACME", res.text)
                    self.assertNotIn("Bracket", res.text)
        # Signed in as Bob, Acme's order id: nothing either.
        self.authenticate("sp_bob", "sp_bob_pw")
        res = self.url_open(f"/my/purchase/{acme.id}/forecast", timeout=60)
        self.assertNotIn("ACME", res.text)

    # ------------------------------------------------------------------
    # 3. Odoo's per-line date update
    # ------------------------------------------------------------------
    def test_date_update_on_a_jit_rfq_waiting_for_answers_is_refused(self):
        order = self._rfq(jit=True)
        bracket = order.order_line[0]
        before = bracket.date_planned
        self.authenticate("sp_alice", "sp_alice_pw")
        day = fields.Date.context_today(order) + timedelta(days=20)
        with self.assertRaisesRegex(DateUpdateRefused, "Propose"):
            self._update(order, {str(bracket.id): str(day)})
        bracket.invalidate_recordset()
        self.assertEqual(bracket.date_planned, before)

    def test_date_update_is_validated_like_a_counter_proposal(self):
        order = self._rfq(jit=True)
        order.button_confirm()
        other = self._rfq()
        bracket = order.order_line[0]
        before = bracket.date_planned
        today = fields.Date.context_today(order)
        self.authenticate("sp_alice", "sp_alice_pw")
        cases = [
            ({str(bracket.id): str(today - timedelta(days=1))}, "is in the past"),
            ({str(bracket.id): str(today + timedelta(days=366))}, "a year ahead"),
            ({str(bracket.id): "soon"}, "is not a date"),
            (
                {str(other.order_line[0].id): str(today + timedelta(days=5))},
                "is not a line of order",
            ),
            ({"abc": str(today + timedelta(days=5))}, "is not a line of order"),
        ]
        for dates, message in cases:
            with self.subTest(dates=dates):
                with self.assertRaisesRegex(DateUpdateRefused, message):
                    self._update(order, dates)
                bracket.invalidate_recordset()
                self.assertEqual(bracket.date_planned, before)
        # A valid date: the line moves, recorded as the vendor's promise.
        day = today + timedelta(days=20)
        self._update(order, {str(bracket.id): str(day)})
        bracket.invalidate_recordset()
        self.assertEqual(bracket.date_planned.date(), day)
        promise = order.jit_event_ids.filtered(
            lambda e: (
                e.event_type == "promise" and e.promised_date == bracket.date_planned
            )
        )
        self.assertEqual(promise.channel, "portal")
        self.assertEqual(promise.user_id, self.alice)

    def test_date_update_through_the_access_link_is_channel_token(self):
        order = self._rfq(jit=True)
        order.button_confirm()
        token = order._portal_ensure_token()
        bracket = order.order_line[0]
        day = fields.Date.context_today(order) + timedelta(days=20)
        self._update(order, {str(bracket.id): str(day)}, token)
        bracket.invalidate_recordset()
        self.assertEqual(bracket.date_planned.date(), day)
        promise = order.jit_event_ids.filtered(
            lambda e: e.event_type == "promise" and e.promised_date.date() == day
        )
        self.assertEqual(promise.channel, "token")
        # Another order's token, on this order: refused, nothing moves.
        other = self._rfq(jit=True)
        other.button_confirm()
        other_token = other._portal_ensure_token()
        before = other.order_line[0].date_planned
        res = self.url_open(
            f"/my/purchase/{other.id}/update?access_token={token}",
            data=f'{{"params": {{"{other.order_line[0].id}": "{day}"}}}}',
            headers={"Content-Type": "application/json"},
            timeout=60,
        )
        self.assertNotEqual(res.status_code, 204)
        other.order_line.invalidate_recordset()
        self.assertEqual(other.order_line[0].date_planned, before)
        self.assertTrue(other_token)

    def test_date_update_on_a_closed_or_reissued_order_is_refused(self):
        cancelled = self._rfq(jit=True)
        cancelled.button_cancel()
        self.authenticate("sp_alice", "sp_alice_pw")
        day = fields.Date.context_today(cancelled) + timedelta(days=20)
        with self.assertRaisesRegex(DateUpdateRefused, "is cancelled"):
            self._update(cancelled, {str(cancelled.order_line[0].id): str(day)})

    def test_date_pickers_only_where_the_date_update_is_accepted(self):
        waiting = self._rfq(jit=True)
        confirmed = self._rfq(jit=True)
        confirmed.button_confirm()
        self.authenticate("sp_alice", "sp_alice_pw")
        picker = "o-purchase-datetimepicker"
        # The JIT RFQ waits for per-line answers: the update route refuses
        # dates there (Propose instead), so the page offers no picker.
        res = self._page(waiting, query="update=True")
        self.assertEqual(res.status_code, 200)
        self.assertEqual(res.text.count(picker), 0)
        # The order page as usual instead: the per-line answer form.
        self.assertIn('id="sp_answer_form"', res.text)
        # A confirmed order takes date updates: one picker per line.
        res = self._page(confirmed, query="update=True")
        self.assertEqual(res.status_code, 200)
        self.assertEqual(res.text.count(picker), len(confirmed.order_line))

    # ------------------------------------------------------------------
    # 5. Odoo's Accept / Decline next to the per-line answers
    # ------------------------------------------------------------------
    def test_accept_decline_buttons_give_way_on_jit_orders_awaiting_an_answer(self):
        jit = self._rfq(jit=True)
        plain = self._rfq()
        self.authenticate("sp_alice", "sp_alice_pw")
        html = self._page(jit).text
        self.assertIn('id="sp_answer_form"', html)
        self.assertNotIn('name="accept"', html)
        self.assertNotIn('name="decline"', html)
        # A non-JIT RFQ keeps Odoo's buttons.
        html = self._page(plain).text
        self.assertIn('name="accept"', html)
        self.assertIn('name="decline"', html)

    def test_old_accept_link_answers_every_pending_line(self):
        order = self._rfq(jit=True)
        self.authenticate("sp_alice", "sp_alice_pw")
        self.url_open(order.get_confirm_url(confirm_type="reception"), timeout=60)
        self.assertEqual(order.state, "purchase")
        self.assertEqual(set(order.order_line.mapped("vendor_answer")), {"confirmed"})
        self.assertEqual(order.jit_confirmation_channel, "portal")

    def test_old_decline_link_through_the_access_link_rejects_every_line(self):
        order = self._rfq(jit=True)
        order._portal_ensure_token()
        self.url_open(order.get_confirm_url(confirm_type="decline"), timeout=60)
        self.assertEqual(order.jit_vendor_state, "rejected")
        self.assertEqual(set(order.order_line.mapped("vendor_answer")), {"rejected"})
        events = order.jit_event_ids.filtered(
            lambda e: e.event_type in ("line_rejected", "rejected")
        )
        self.assertEqual(len(events), 3)
        self.assertEqual(set(events.mapped("channel")), {"token"})
        self.assertIn("Decline button", order.jit_rejection_reason)

    # ------------------------------------------------------------------
    # 8. security through the link
    # ------------------------------------------------------------------
    def test_access_link_post_without_csrf_is_refused(self):
        order = self._rfq(jit=True)
        token = order._portal_ensure_token()
        before = self._snapshot(order)
        res = self._post(order, {"bulk": "confirm_all"}, token, csrf=False)
        self.assertEqual(res.status_code, 400)
        self.assertEqual(self._snapshot(order), before)

    def test_access_link_texts_are_shown_escaped(self):
        order = self._rfq(jit=True)
        token = order._portal_ensure_token()
        bracket, hinge = order.order_line
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
            token,
        )
        self.assertEqual(res.status_code, 200)
        self.assertNotIn("<script>alert", res.text)
        self.assertNotIn("<b>bold</b>", res.text)
        self.assertIn("&lt;script&gt;alert(", res.text)

    def test_access_link_bad_input_is_refused_with_a_message(self):
        order = self._rfq(jit=True)
        token = order._portal_ensure_token()
        bracket = order.order_line[0]
        before = self._snapshot(order)
        res = self._post(
            order,
            {
                "bulk": "lines",
                f"answer_{bracket.id}": "propose",
                f"quantity_{bracket.id}": "-3",
            },
            token,
        )
        self.assertEqual(res.status_code, 400)
        self.assertIn("quantity -3 must be more than zero", res.text)
        self.assertEqual(self._snapshot(order), before)

    def test_another_orders_token_and_id_guessing_reach_nothing(self):
        acme = self._rfq(jit=True)
        acme_token = acme._portal_ensure_token()
        bolts = self._rfq(vendor=self.vendor_b, jit=True)
        bolts_token = bolts._portal_ensure_token()
        before = self._snapshot(acme)
        # Public: Bolt's token on Acme's order, no token.
        for token in (bolts_token, None, "0" * len(acme_token)):
            with self.subTest(token=token):
                res = self._page(acme, token)
                self.assertNotIn(acme.name, res.text)
                data = {"bulk": "confirm_all", "csrf_token": "x"}
                if token:
                    data["access_token"] = token
                res = self.url_open(
                    f"/my/purchase/{acme.id}/answer", data=data, timeout=60
                )
                self.assertNotIn(acme.name, res.text)
        # With a valid session token (from Bolt's own page) and Bolt's token.
        res = self._post(acme, {"bulk": "confirm_all"}, bolts_token, csrf=False)
        self.assertNotIn(acme.name, res.text)
        html = self._page(bolts, bolts_token).text
        csrf = CSRF.search(html).group(1)
        res = self.url_open(
            f"/my/purchase/{acme.id}/answer",
            data={
                "bulk": "confirm_all",
                "csrf_token": csrf,
                "access_token": bolts_token,
            },
            timeout=60,
        )
        self.assertTrue(res.url.endswith("/my") or "/web/login" in res.url, res.url)
        self.assertEqual(self._snapshot(acme), before)
