# Copyright 2026 JIT Replenishment Suite
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Supplier SLA on a hand-checked purchase history.

Time is frozen at NOW = Tue 2026-03-10 12:00: the monthly contract's last
complete period is February, the current one March (lines due before today).

Vendor V (contract: month, tolerance 2 days, max confirmation 24 h, targets
100 %, weights on-time .35 / fill .25 / latency .10 / promise .15 / lead .15):

PO1  sent Feb 1 22:00, confirmed Feb 2 10:00 (latency 12 h)
     L1  P1 10 promised Feb 10: 10 received Feb 9   (lead 7 d)
     L2  P2 20 promised Feb 12: 12 received Feb 12  (lead 10 d)
                                8 received Feb 16   (lead 14 d, 4 d late)
PO2  sent Feb 15 10:00, confirmed Feb 17 10:00 (latency 48 h)
     L3  P1 30 promised Feb 25: 15 received Feb 25  (lead 8 d), rest open
PO3  sent Feb 28 10:00, confirmed Mar 1 10:00 (latency 24 h)
     L4  P2  5 promised Mar 3:   5 received Mar 3   (lead 2 d)
     L5  P1  8 promised Mar 20: nothing received
"""

from datetime import datetime, timedelta
from unittest.mock import patch

from freezegun import freeze_time

from odoo import Command
from odoo.exceptions import AccessError, ValidationError
from odoo.tests import new_test_user, tagged

from .common import NOW, JitCase


def dt(day, hour=10, month=2):
    return datetime(2026, month, day, hour, 0, 0)


class SlaFixtures:
    """Purchase history helpers shared by the SLA test classes."""

    # --- fixtures ------------------------------------------------------
    @classmethod
    def _sla_product(cls, name, vendor, delay=4):
        return cls.env["product.product"].create(
            {
                "name": name,
                "is_storable": True,
                "seller_ids": [
                    Command.create({"partner_id": vendor.id, "delay": delay})
                ],
            }
        )

    @classmethod
    def _po(cls, vendor, lines, sent, confirmed):
        """An RFQ sent at `sent` and confirmed at `confirmed`; lines are
        (product, qty, promised datetime[, purchase unit])."""
        with freeze_time(sent):
            order = cls.env["purchase.order"].create(
                {
                    "partner_id": vendor.id,
                    "user_id": cls.buyer.id,
                    "order_line": [
                        Command.create(
                            {
                                "product_id": product.id,
                                "product_qty": qty,
                                "price_unit": 1.0,
                                "date_planned": planned,
                                **({"product_uom": uom[0].id} if uom else {}),
                            }
                        )
                        for product, qty, planned, *uom in lines
                    ],
                }
            )
            order.write({"state": "sent"})
        with freeze_time(confirmed):
            order.button_confirm()
        for line, (_p, _q, planned, *_u) in zip(order.order_line, lines, strict=True):
            assert line.date_planned == planned, (line.date_planned, planned)
        return order

    @classmethod
    def _receive(cls, line, qty, when, backorder=True):
        """Receive `qty` (in the move's unit) of the line's open receipt at
        `when`; the rest stays in a backorder, or is cancelled without one."""
        with freeze_time(when):
            move = line.move_ids.filtered(lambda m: m.state not in ("done", "cancel"))
            move.ensure_one()
            move.quantity = qty
            move.picked = True
            move.picking_id.with_context(cancel_backorder=not backorder)._action_done()
        done = line.move_ids.filtered(lambda m: m.state == "done")
        assert when in done.mapped("date"), (when, done.mapped("date"))


@tagged("post_install", "-at_install")
@freeze_time(NOW)
class TestJitSla(SlaFixtures, JitCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.buyer = new_test_user(
            cls.env,
            login="sla_buyer",
            groups="purchase.group_purchase_user,stock.group_stock_user",
        )
        cls.sla_manager = new_test_user(
            cls.env,
            login="sla_manager",
            groups="purchase.group_purchase_user,jit_replenishment.group_jit_manager",
        )
        cls.jit_user = new_test_user(
            cls.env,
            login="sla_user",
            groups="base.group_user,jit_replenishment.group_jit_user",
        )
        Partner = cls.env["res.partner"]
        cls.v = Partner.create({"name": "SLA Vendor", "is_company": True})
        cls.p1 = cls._sla_product("SLA P1", cls.v)
        cls.p2 = cls._sla_product("SLA P2", cls.v)
        cls.contract = cls.env["jit.sla.contract"].create(
            {
                "partner_id": cls.v.id,
                "company_id": cls.company.id,
                "user_id": cls.sla_manager.id,
                "target_on_time_rate": 1.0,
                "target_fill_rate": 1.0,
                "max_confirmation_hours": 24,
                "lt_tolerance_days": 2,
                "period": "month",
                # March (running) is judged on its one or two lines.
                "min_partial_lines": 1,
            }
        )
        cls.po1 = cls._po(
            cls.v,
            [(cls.p1, 10, dt(10)), (cls.p2, 20, dt(12))],
            sent=dt(1, 22),
            confirmed=dt(2),
        )
        cls.l1, cls.l2 = cls.po1.order_line
        cls._receive(cls.l1, 10, dt(9))
        cls._receive(cls.l2, 12, dt(12))
        cls._receive(cls.l2, 8, dt(16))
        cls.po2 = cls._po(cls.v, [(cls.p1, 30, dt(25))], sent=dt(15), confirmed=dt(17))
        cls.l3 = cls.po2.order_line
        cls._receive(cls.l3, 15, dt(25))
        cls.po3 = cls._po(
            cls.v,
            [(cls.p2, 5, dt(3, month=3)), (cls.p1, 8, dt(20, month=3))],
            sent=dt(28),
            confirmed=dt(1, month=3),
        )
        cls.l4, cls.l5 = cls.po3.order_line
        cls._receive(cls.l4, 5, dt(3, month=3))
        cls.Score = cls.env["jit.sla.score"]

    def _rows(self, partner=None):
        return self.Score.search(
            [("partner_id", "=", (partner or self.v).id)], order="period_start"
        )

    def _sla_messages(self, partner=None):
        return (partner or self.v).message_ids.filtered(
            lambda m: "SLA" in (m.body or "") or "promised date" in (m.body or "")
        )

    # --- figures -------------------------------------------------------
    def test_figures_of_a_period(self):
        self.Score._cron_compute_sla()
        feb, mar = self._rows()
        self.assertEqual(
            (feb.period_start, feb.period_end),
            (datetime(2026, 2, 1).date(), datetime(2026, 2, 28).date()),
        )
        self.assertEqual(feb.contract_id, self.contract)
        # Due: L1 10 + L2 20 + L3 30 = 60 (= ordered).
        self.assertEqual(feb.lines_due, 3)
        self.assertAlmostEqual(feb.qty_due, 60)
        self.assertAlmostEqual(feb.qty_ordered, 60)
        # On time (by the promised day): L1 10 + L2 12 + L3 15 = 37 -> 37/60.
        self.assertAlmostEqual(feb.qty_on_time, 37)
        self.assertAlmostEqual(feb.on_time_rate, 37 / 60, places=4)
        # Received: 10 + 20 + 15 = 45 -> fill 45/60 = 0.75.
        self.assertAlmostEqual(feb.qty_received, 45)
        self.assertAlmostEqual(feb.fill_rate, 0.75, places=4)
        # Promise accuracy: all of the promised qty within +-2 days of the
        # promised day: L1 yes (Feb 9 for Feb 10), L2 no (8 on Feb 16),
        # L3 no (15 of 30) -> 1/3.
        self.assertEqual(feb.lines_accurate, 1)
        self.assertAlmostEqual(feb.promise_accuracy, 1 / 3, places=4)
        # Latency: PO1 12 h, PO2 48 h (PO3 is confirmed in March) -> 30 h.
        self.assertEqual(feb.confirmations, 2)
        self.assertAlmostEqual(feb.confirmation_latency_hours, 30.0)
        # Lead times 7, 10, 14, 8 days: mean 9.75; deviations -2.75, .25,
        # 4.25, -1.75 -> variance 28.75 / 4 = 7.1875, sigma 2.681; p90 of
        # 7 8 10 14 at 2.7 -> 10 + .7 * 4 = 12.8. Median 9, MAD 1.5: no
        # sample beyond 3 * 1.4826 * 1.5 = 6.67 days from 9.
        self.assertEqual(feb.lt_samples, 4)
        self.assertAlmostEqual(feb.lt_mean, 9.75)
        self.assertAlmostEqual(feb.lt_sigma, 7.1875**0.5, places=2)
        self.assertAlmostEqual(feb.lt_p90, 12.8)
        # Score: on-time .6167, fill .75, latency 2 - 30/24 = .75, promise
        # .3333, lead time 1 - min(2.681 / 2, 1) = 0:
        # 100 * (.35 * .61667 + .25 * .75 + .10 * .75 + .15 * .33333 + 0)
        # = 100 * (.215833 + .1875 + .075 + .05) = 52.83 -> blocked (< 60).
        self.assertAlmostEqual(feb.score, 52.8, places=1)
        self.assertEqual(feb.standing, "blocked")
        self.assertFalse(feb.previous_standing)
        self.assertTrue(feb.breach)
        # Late beyond 2 days: L2 (8 arrived Feb 16 > Feb 14) and L3 (open).
        self.assertEqual(feb.late_line_ids, self.l2 | self.l3)

        # March, due before today: L4 only (L5 is due Mar 20). All on time,
        # latency 24 h (component 1), lead 2 days sigma 0 (component 1):
        # score 100. Previous standing blocked -> only back to watch.
        self.assertEqual(mar.lines_due, 1)
        self.assertAlmostEqual(mar.qty_due, 5)
        self.assertAlmostEqual(mar.on_time_rate, 1.0)
        self.assertAlmostEqual(mar.fill_rate, 1.0)
        self.assertAlmostEqual(mar.confirmation_latency_hours, 24.0)
        self.assertAlmostEqual(mar.lt_mean, 2.0)
        self.assertAlmostEqual(mar.score, 100.0)
        self.assertEqual(mar.previous_standing, "blocked")
        self.assertEqual(mar.standing, "watch")
        self.assertFalse(mar.breach)
        self.assertTrue(mar.is_latest)
        self.assertFalse(feb.is_latest)
        # The vendor carries the latest period's figures, per company.
        vendor = self.v.with_company(self.company)
        self.assertEqual(vendor.jit_sla_standing, "watch")
        self.assertAlmostEqual(vendor.jit_sla_score, 100.0)
        other = self.env["res.company"].create({"name": "SLA Other Co"})
        self.assertFalse(self.v.with_company(other).jit_sla_standing)

    def test_promise_event_moves_the_due_date(self):
        """The latest 'promise' event wins over the planned date: L5 promised
        on Mar 5 instead of Mar 20 (and 4 instead of 8) becomes due."""
        self.env["jit.purchase.event"].create(
            {
                "order_id": self.po3.id,
                "line_id": self.l5.id,
                "partner_id": self.v.id,
                "company_id": self.company.id,
                "event_type": "promise",
                "date": dt(2, month=3),
                "promised_date": dt(5, month=3),
                "promised_qty": 4,
            }
        )
        self.Score._cron_compute_sla()
        mar = self._rows()[-1]
        # Due 5 (L4) + 4 (L5 promised) = 9, on time 5; ordered 5 + 8 = 13.
        self.assertAlmostEqual(mar.qty_due, 9)
        self.assertAlmostEqual(mar.qty_on_time, 5)
        self.assertAlmostEqual(mar.qty_ordered, 13)
        self.assertAlmostEqual(mar.on_time_rate, 5 / 9, places=4)
        self.assertAlmostEqual(mar.fill_rate, 5 / 13, places=4)
        # Mar 5 + 2 days < Mar 10 and nothing received: L5 is late.
        self.assertEqual(mar.late_line_ids, self.l5)

    def test_empty_periods_are_not_scored(self):
        quiet = self.env["res.partner"].create({"name": "Quiet", "is_company": True})
        product = self._sla_product("Quiet P", quiet)
        self.env["jit.sla.contract"].create({"partner_id": quiet.id})
        # Confirmed, but due in April: nothing due in February or March.
        self._po(quiet, [(product, 3, dt(15, month=4))], sent=dt(2), confirmed=dt(3))
        # A draft RFQ due in February is not due either.
        self.env["purchase.order"].create(
            {
                "partner_id": quiet.id,
                "order_line": [
                    Command.create(
                        {
                            "product_id": product.id,
                            "product_qty": 1,
                            "date_planned": dt(5),
                        }
                    )
                ],
            }
        )
        self.Score._cron_compute_sla()
        self.assertFalse(self._rows(quiet))
        self.assertFalse(quiet.with_company(self.company).jit_sla_standing)
        self.assertEqual(len(self._rows()), 2)

    def test_rerun_is_idempotent(self):
        self.Score._cron_compute_sla()
        rows = self._rows()
        figures = rows.read(["score", "standing", "qty_due", "lt_mean"])
        messages = self._sla_messages()
        activities = self.v.activity_ids
        self.Score._cron_compute_sla()
        self.Score._cron_compute_sla()
        self.assertEqual(self._rows(), rows)
        self.assertEqual(
            rows.read(["score", "standing", "qty_due", "lt_mean"]), figures
        )
        self.assertEqual(self._sla_messages(), messages)
        self.assertEqual(self.v.activity_ids, activities)
        self.assertEqual(self.Score.search_count([("partner_id", "=", self.v.id)]), 2)

    # --- breaches --------------------------------------------------------
    def test_breach_posts_one_message_and_one_activity(self):
        self.Score._cron_compute_sla()
        # February: new vendor straight to blocked + L2 and L3 late -> one
        # message and one activity for the buyer of the latest order.
        messages = self._sla_messages()
        self.assertEqual(len(messages), 1)
        self.assertIn("dropped from no standing to Blocked", messages.body)
        self.assertIn(self.po1.name, messages.body)
        self.assertIn(self.po2.name, messages.body)
        self.assertEqual(len(self.v.activity_ids), 1)
        self.assertEqual(self.v.activity_ids.user_id, self.buyer)
        feb = self._rows()[0]
        self.assertEqual(feb.notified_standing, "blocked")

        # Mar 25: L5 (promised Mar 20) is still missing beyond Mar 22. March
        # now: due 5 + 8 = 13, on time 5 -> .3846, fill .3846, promise 1/2,
        # latency 1, lead time 1: 100 * (.35 * .384615 + .25 * .384615 + .1
        # + .15 * .5 + .15) = 55.58 -> blocked (was watch at the last run).
        with freeze_time(dt(25, 12, month=3)):
            self.Score._cron_compute_sla()
        mar = self._rows()[-1]
        self.assertAlmostEqual(mar.score, 55.58, places=2)
        self.assertEqual(mar.standing, "blocked")
        self.assertEqual(mar.late_line_ids, self.l5)
        messages = self._sla_messages()
        self.assertEqual(len(messages), 2)
        self.assertIn("dropped from Watch to Blocked", messages[0].body)
        self.assertNotIn(self.po1.name, messages[0].body)
        self.assertEqual(len(self.v.activity_ids), 2)
        # Nothing new the next day: nothing posted.
        with freeze_time(dt(26, 12, month=3)):
            self.Score._cron_compute_sla()
        self.assertEqual(len(self._sla_messages()), 2)
        self.assertEqual(len(self.v.activity_ids), 2)

    def test_breach_activity_falls_back_to_contract_user(self):
        self.po1.user_id = self.po2.user_id = self.po3.user_id = False
        self.Score._cron_compute_sla()
        self.assertEqual(self.v.activity_ids.user_id, self.sla_manager)

    # --- hysteresis ------------------------------------------------------
    def test_hysteresis_across_periods(self):
        """Only on-time counts (weights 1/0/0/0/0): 41 of 50 on time in
        February -> score 82, between 80 (85 - 5) and 90 (85 + 5)."""
        h = self.env["res.partner"].create({"name": "Hyst", "is_company": True})
        product = self._sla_product("Hyst P", h)
        self.env["jit.sla.contract"].create(
            {
                "partner_id": h.id,
                "target_on_time_rate": 1.0,
                "weight_on_time": 1.0,
                "weight_fill": 0.0,
                "weight_latency": 0.0,
                "weight_promise": 0.0,
                "weight_lead_time": 0.0,
            }
        )
        po = self._po(h, [(product, 50, dt(10))], sent=dt(1), confirmed=dt(2))
        self._receive(po.order_line, 41, dt(10))
        self._receive(po.order_line, 9, dt(11))
        self.Score._cron_compute_sla()
        feb = self._rows(h)
        self.assertAlmostEqual(feb.score, 82.0)
        # A new vendor at 82 is under watch (plain thresholds).
        self.assertEqual(feb.standing, "watch")
        # Had January been good, 82 >= 80 keeps it good...
        january = self.Score.create(
            {
                "partner_id": h.id,
                "company_id": self.company.id,
                "period": "month",
                "period_start": "2026-01-01",
                "period_end": "2026-01-31",
                "score": 88.0,
                "standing": "good",
            }
        )
        self.Score._cron_compute_sla()
        self.assertEqual(feb.previous_standing, "good")
        self.assertEqual(feb.standing, "good")
        self.assertEqual(h.with_company(self.company).jit_sla_standing, "good")
        # ... and a watched vendor stays watched at 82 (< 90).
        january.write({"standing": "watch"})
        self.Score._cron_compute_sla()
        self.assertEqual(feb.standing, "watch")
        # Blocked in January: 82 >= 65 -> watch, never straight to good.
        january.write({"standing": "blocked"})
        self.Score._cron_compute_sla()
        self.assertEqual(feb.standing, "watch")

    # --- measured lead times ---------------------------------------------
    def test_measured_lead_time_with_outlier(self):
        """Five receipts of W's product: 4, 5, 6, 6 and 30 days. Median 6,
        deviations 2 1 0 0 24 -> MAD 1: 30 is beyond 3 * 1.4826 * 1 = 4.45
        days and filtered. Kept 4 5 6 6: mean 5.25, deviations -1.25 -.25
        .75 .75 -> variance 2.75 / 4 = .6875, sigma .829; p90 at 2.7 -> 6."""
        w = self.env["res.partner"].create({"name": "LT Vendor", "is_company": True})
        product = self._sla_product("LT P", w, delay=4)
        for day, lead in zip((2, 3, 4, 5, 6), (4, 5, 6, 6, 30), strict=True):
            po = self._po(
                w,
                [(product, 1, dt(day, month=1) + timedelta(days=lead))],
                sent=dt(day, 9, month=1),
                confirmed=dt(day, month=1),
            )
            self._receive(po.order_line, 1, dt(day, month=1) + timedelta(days=lead))
        info = product.seller_ids
        self.Score._cron_compute_sla()
        self.assertEqual(info.jit_lt_samples, 4)
        self.assertAlmostEqual(info.jit_lt_mean, 5.25)
        self.assertAlmostEqual(info.jit_lt_sigma, 0.6875**0.5, places=2)
        self.assertAlmostEqual(info.jit_lt_p90, 6.0)
        self.assertEqual(info.jit_lt_computed_at, NOW)
        self.assertEqual(info.delay, 4)  # write-back is off by default
        # V's P1: L1 7 days, L3 8 days -> 7.5 (no filter under 4 samples).
        self.assertAlmostEqual(self.p1.seller_ids.jit_lt_mean, 7.5)
        self.env["ir.config_parameter"].set_param(
            "jit_replenishment.lt_writeback", "True"
        )
        self.Score._cron_compute_sla()
        self.assertEqual(info.delay, 6)  # 5.25 rounded up
        # Two samples only: below the write-back minimum of 3.
        self.assertEqual(self.p1.seller_ids.delay, 4)

    # --- contracts ---------------------------------------------------------
    def test_one_active_contract_per_vendor(self):
        # (Odoo's assertRaises rolls the failed create back; assertRaisesRegex
        # would not.)
        with self.assertRaises(ValidationError) as caught:
            self.env["jit.sla.contract"].create({"partner_id": self.v.id})
        self.assertIn("SLA Vendor already has an active", str(caught.exception))
        self.contract.active = False
        second = self.env["jit.sla.contract"].create({"partner_id": self.v.id})
        with self.assertRaises(ValidationError):
            self.contract.active = True
        self.assertTrue(second.active)

    def test_contract_ranges(self):
        Contract = self.env["jit.sla.contract"]
        other = self.env["res.partner"].create({"name": "Range"})
        cases = [
            ({"target_on_time_rate": 1.5}, "got 1.5"),
            ({"target_fill_rate": 0.0}, "got 0.0"),
            ({"max_confirmation_hours": -1}, "got -1"),
            ({"lt_tolerance_days": -2}, "got -2 days"),
            ({"weight_fill": -0.5}, "got -0.5"),
            (
                {
                    "weight_on_time": 0,
                    "weight_fill": 0,
                    "weight_latency": 0,
                    "weight_promise": 0,
                    "weight_lead_time": 0,
                },
                "At least one score weight",
            ),
        ]
        for vals, message in cases:
            with self.subTest(vals=vals):
                with self.assertRaises(ValidationError) as caught:
                    Contract.create({"partner_id": other.id, **vals})
                self.assertIn(message, str(caught.exception))

    def test_access(self):
        """JIT users read the figures; only JIT managers edit contracts."""
        self.Score._cron_compute_sla()
        rows = self.Score.with_user(self.jit_user).search(
            [("partner_id", "=", self.v.id)]
        )
        self.assertEqual(len(rows), 2)
        with self.assertRaises(AccessError):
            self.contract.with_user(self.jit_user).write({"lt_tolerance_days": 5})
        self.contract.with_user(self.sla_manager).write({"lt_tolerance_days": 5})
        self.contract.with_user(self.sla_manager).action_compute_sla()

    def test_vendor_form_sla_page(self):
        """The SLA page is there for JIT users only (stock and purchase users
        are; a user without either is not); its graph button opens the
        scores of the vendor."""
        Partner = self.env["res.partner"]
        arch = Partner.with_user(self.jit_user).get_views([(False, "form")])
        arch = arch["views"]["form"]["arch"]
        self.assertIn('name="jit_sla"', arch)
        self.assertIn('name="jit_sla_score_ids"', arch)
        internal_only = new_test_user(
            self.env, login="sla_internal_only", groups="base.group_user"
        )
        arch = Partner.with_user(internal_only).get_views([(False, "form")])
        self.assertNotIn('name="jit_sla"', arch["views"]["form"]["arch"])
        self.Score._cron_compute_sla()
        action = self.contract.action_view_scores()
        self.assertEqual(
            self.Score.search(action["domain"]),
            self.Score.search([("partner_id", "=", self.v.id)]),
        )
        # One point per period: the graph does not fill the days between
        # two periods with zero scores (nor draw a "None" vendor).
        self.assertIs(action["context"]["fill_temporal"], False)
        graph = self.env.ref("jit_replenishment.action_jit_sla_score_graph")
        self.assertIn("'fill_temporal': False", graph.context)


@tagged("post_install", "-at_install")
@freeze_time(NOW)
class TestJitSlaSignals(SlaFixtures, JitCase):
    """Issue 9: the SLA scores what the vendor did, on the vendor that did it.

    Vendor S (contract: month, defaults otherwise). NOW is Tue 2026-03-10:
    February is the last complete period, March the running one.
    """

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.buyer = new_test_user(
            cls.env,
            login="sla_signals_buyer",
            groups="purchase.group_purchase_user,stock.group_stock_user",
        )
        cls.s = cls.env["res.partner"].create({"name": "Signals", "is_company": True})
        cls.p = cls._sla_product("Signals P", cls.s)
        cls.contract = cls.env["jit.sla.contract"].create({"partner_id": cls.s.id})
        cls.Score = cls.env["jit.sla.score"]
        # Only S's contract exists (the job's batches count contracts).
        (cls.env["jit.sla.contract"].search([]) - cls.contract).active = False

    def _row(self, month, partner=None):
        return self.Score.search(
            [
                ("partner_id", "=", (partner or self.s).id),
                ("period_start", "=", datetime(2026, month, 1).date()),
            ]
        )

    def _on_time_february(self):
        """One February line received complete and on time: score 100."""
        po = self._po(self.s, [(self.p, 10, dt(10))], sent=dt(1, 9), confirmed=dt(1))
        self._receive(po.order_line, 10, dt(10))
        return po

    # --- 9.1 fill rate ---
    def test_fill_counts_the_done_quantity_in_the_product_unit(self):
        """February, all promised Feb 10:
        A  100 units, 40 received Feb 10, closed without backorder
        B  2 dozens (24 units), 2 dozens received Feb 10
        C  10 units received Feb 10, 4 returned to the vendor Feb 12
        ordered 100 + 24 + 10 = 134; received 40 + 24 + (10 - 4) = 70
        -> fill 70 / 134 = .5224 (the demand, 134, would say 1.0).
        On time (by Feb 10): 40 + 24 + 10 = 74 -> 74 / 134."""
        dozen = self.env.ref("uom.product_uom_dozen")
        po = self._po(
            self.s,
            [(self.p, 100, dt(10)), (self.p, 2, dt(10), dozen), (self.p, 10, dt(10))],
            sent=dt(1, 9),
            confirmed=dt(1),
        )
        a, b, c = po.order_line
        self.assertAlmostEqual(b.product_uom_qty, 24)
        move_b = b.move_ids.filtered(lambda m: m.state not in ("done", "cancel"))
        # The receipt is in the product's unit or the line's: 2 dozens either way.
        self._receive(b, 24 if move_b.product_uom == self.p.uom_id else 2, dt(10))
        self._receive(c, 10, dt(10))
        self._receive(a, 40, dt(10), backorder=False)
        with freeze_time(dt(12)):
            picking = c.move_ids.filtered(lambda m: m.state == "done").picking_id
            wizard = (
                self.env["stock.return.picking"]
                .with_context(active_id=picking.id, active_model="stock.picking")
                .create({})
            )
            for return_line in wizard.product_return_moves:
                return_line.quantity = (
                    4 if return_line.move_id.purchase_line_id == c else 0
                )
            returned = self.env["stock.picking"].browse(
                wizard.action_create_returns()["res_id"]
            )
            returned.move_ids.quantity = 4
            returned.move_ids.picked = True
            returned._action_done()
        self.assertAlmostEqual(c.qty_received, 6)
        self.Score._cron_compute_sla()
        feb = self._row(2)
        self.assertAlmostEqual(feb.qty_ordered, 134)
        self.assertAlmostEqual(feb.qty_received, 70)
        self.assertAlmostEqual(feb.fill_rate, 70 / 134, places=4)
        self.assertAlmostEqual(feb.qty_on_time, 74)
        self.assertAlmostEqual(feb.on_time_rate, 74 / 134, places=4)

    # --- 9.3 standing ---
    def test_partial_period_moves_standing_only_with_enough_lines(self):
        """February: one line on time -> score 100, good. March (running):
        one line due Mar 2, nothing received -> score 0 (on time 0, fill 0,
        promise 0; latency counted in February, no lead time measured).
        With the default minimum (5 lines) March does not count: still good.
        With a minimum of 1 it counts, but a good vendor falls to watch, not
        straight to blocked."""
        self._on_time_february()
        self._po(self.s, [(self.p, 10, dt(2, month=3))], sent=dt(20), confirmed=dt(20))
        self.Score._cron_compute_sla()
        self.assertEqual(self._row(2).standing, "good")
        mar = self._row(3)
        self.assertAlmostEqual(mar.score, 0.0)
        self.assertEqual(mar.standing, "good", "one line is not enough to judge")
        vendor = self.s.with_company(self.company)
        self.assertEqual(vendor.jit_sla_standing, "good")
        self.contract.min_partial_lines = 1
        self.Score._cron_compute_sla()
        self.assertEqual(self._row(3).standing, "watch")
        self.assertEqual(vendor.jit_sla_standing, "watch")

    # --- 9.4 vendor, archive, expiry ---
    def test_contract_on_a_contact_scores_the_commercial_partner(self):
        """A contract made on a contact of the vendor is the vendor's: its
        figures and standing live on the company, where every reader looks."""
        contact = self.env["res.partner"].create(
            {"name": "Signals Sales", "parent_id": self.s.id}
        )
        self.contract.active = False
        contract = self.env["jit.sla.contract"].create({"partner_id": contact.id})
        self.assertEqual(contract.partner_id, self.s)
        self._on_time_february()
        self.Score._cron_compute_sla()
        self.assertEqual(self._row(2).standing, "good")
        self.assertFalse(self.Score.search([("partner_id", "=", contact.id)]))
        self.assertEqual(self.s.with_company(self.company).jit_sla_standing, "good")
        # A second active contract on another contact is the same vendor's.
        other = self.env["res.partner"].create(
            {"name": "Signals Buyer Desk", "parent_id": self.s.id}
        )
        with self.assertRaises(ValidationError):
            self.env["jit.sla.contract"].create({"partner_id": other.id})

    def test_archiving_the_contract_resets_the_standing(self):
        self._on_time_february()
        self.Score._cron_compute_sla()
        vendor = self.s.with_company(self.company)
        self.assertEqual(vendor.jit_sla_standing, "good")
        self.contract.active = False
        self.assertFalse(vendor.jit_sla_standing)
        self.assertFalse(vendor.jit_sla_score)
        # The job leaves vendors without an active contract alone.
        self.Score._cron_compute_sla()
        self.assertFalse(vendor.jit_sla_standing)

    def test_measured_lead_time_expires_after_the_window(self):
        """Three January receipts of 5 days: measured (3 samples). A year
        and more later (nothing received since) the line is back to its
        stated delay; a contract's shorter window expires it sooner."""
        for day in (5, 12, 19):
            po = self._po(
                self.s,
                [(self.p, 1, dt(day, month=1) + timedelta(days=5))],
                sent=dt(day, 9, month=1),
                confirmed=dt(day, month=1),
            )
            self._receive(po.order_line, 1, dt(day, month=1) + timedelta(days=5))
        info = self.p.seller_ids
        self.Score._cron_compute_sla()
        self.assertEqual(info.jit_lt_samples, 3)
        self.assertAlmostEqual(info.jit_lt_mean, 5.0)
        # Contract window 30 days: the last receipt (Jan 24) is 45 days old.
        self.contract.lt_window_days = 30
        self.Score._cron_compute_sla()
        self.assertEqual(info.jit_lt_samples, 0)
        self.assertFalse(info.jit_lt_mean)
        # Without a contract the window is a year.
        self.contract.lt_window_days = 365
        self.Score._cron_compute_sla()
        self.assertEqual(info.jit_lt_samples, 3)
        self.contract.active = False
        with freeze_time(datetime(2027, 2, 1, 12)):
            self.Score._cron_compute_sla()
        self.assertEqual(info.jit_lt_samples, 0)

    # --- 9.2 promises ---
    def test_buyer_reschedule_keeps_a_late_line_late(self):
        """A February line not received: late. The buyer moves it to March
        20: still due (and late) in February; only a vendor promise moves it."""
        po = self._po(self.s, [(self.p, 10, dt(10))], sent=dt(1, 9), confirmed=dt(1))
        line = po.order_line
        line.with_user(self.buyer).date_planned = dt(20, month=3)
        self.Score._cron_compute_sla()
        feb = self._row(2)
        self.assertEqual(feb.lines_due, 1)
        self.assertEqual(feb.late_line_ids, line)
        # The buyer records the vendor's promise: the line is due in March.
        po.with_user(self.buyer).action_jit_record_vendor_promise()
        self.Score._cron_compute_sla()
        self.assertFalse(self._row(2))
        self.assertEqual(line.jit_promised_date, dt(20, month=3))

    # --- 9.5 batches ---
    def test_sla_job_runs_one_batch_per_call(self):
        """Three contracts, batches of one: three calls, one batch each, the
        progress reported per call; lead times are measured by the last call."""
        others = self.env["res.partner"].create(
            [{"name": f"Batch {i}", "is_company": True} for i in range(2)]
        )
        self.env["jit.sla.contract"].create([{"partner_id": o.id} for o in others])
        for vendor in self.s | others:
            po = self._po(vendor, [(self.p, 1, dt(10))], sent=dt(1, 9), confirmed=dt(1))
            self._receive(po.order_line, 1, dt(10))
        progress = []
        Score = type(self.Score)
        with (
            patch.object(Score, "_sla_batch_size", 1),
            patch.object(
                type(self.env["ir.cron"]),
                "_notify_progress",
                lambda _self, done, remaining, deactivate=False: progress.append(
                    (done, remaining)
                ),
            ),
        ):
            self.Score._cron_compute_sla()
            self.assertEqual(progress, [(1, 2)])
            self.assertTrue(self._row(2))
            self.assertFalse(self._row(2, others[0]))
            self.assertFalse(self.p.seller_ids[:1].jit_lt_computed_at)
            self.Score._cron_compute_sla()
            self.Score._cron_compute_sla()
            self.assertEqual(progress, [(1, 2), (1, 1), (1, 0)])
            self.assertTrue(self._row(2, others[1]))
            self.assertTrue(self.p.seller_ids[:1].jit_lt_computed_at)
            # The next run starts over.
            self.Score._cron_compute_sla()
            self.assertEqual(progress[-1], (1, 2))
