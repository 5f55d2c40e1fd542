# Copyright 2026 JIT Replenishment Suite
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from datetime import date, datetime, timedelta

import numpy as np
from freezegun import freeze_time

from odoo.tests import tagged
from odoo.tools import SQL

import jit_core

from .common import NOW, TODAY, JitCase

# Ten days of deliveries, oldest first, ending yesterday (the last complete day).
DAILY = [4, 0, 6, 2, 8, 0, 4, 6, 0, 10]


@tagged("post_install", "-at_install")
@freeze_time(NOW)
class TestJitCompute(JitCase):
    def test_golden_rule_matches_hand_computation(self):
        """ADU, sigma, SS, min and max of one rule, checked by hand.

        sum = 40 over 10 days -> ADU d = 4.0
        deviations 0,-4,2,-2,4,-4,0,2,-4,6 -> squares sum 112 -> var 11.2,
        sigma_d = sqrt(11.2) = 3.34664
        L = vendor delay 4 + po_lead 0 + days_to_purchase 0 = 4, sigma_L = 0
        z(0.95) = 1.644854
        SS = 1.644854 * sqrt(4 * 11.2 + 16 * 0) = 1.644854 * 6.693280 = 11.00947
        min = d*L + SS = 16 + 11.00947 = 27.00947 -> rounded up to 0.01: 27.01
        order qty = max(7 * 4, 0) = 28 -> max = 55.00947 -> 55.01
        """
        self._deliveries(self.product, DAILY)
        self.orderpoint._jit_recompute()
        op = self.orderpoint
        self.assertAlmostEqual(op.jit_adu, 4.0, places=6)
        self.assertAlmostEqual(op.jit_sigma, 3.346640, places=5)
        self.assertEqual(op.jit_lead_time, 4.0)
        self.assertEqual(op.jit_lead_time_source, "vendor")
        self.assertAlmostEqual(op.jit_safety_stock, 11.00947, places=4)
        self.assertAlmostEqual(op.product_min_qty, 27.01, places=2)
        self.assertAlmostEqual(op.product_max_qty, 55.01, places=2)
        self.assertEqual(op.jit_state, "applied")
        self.assertEqual(op.jit_profile_used_id, self.profile)
        # The same numbers straight from jit_core.
        stats = jit_core.demand_stats([DAILY])
        policy = jit_core.compute_policy(stats.adu, stats.sigma, 4.0, 0.0, 0.95, 7.0)
        self.assertAlmostEqual(op.jit_min_qty, policy.min_qty[0], places=2)
        self.assertAlmostEqual(op.jit_max_qty, policy.max_qty[0], places=2)

    def test_run_is_recorded_with_inputs(self):
        self._deliveries(self.product, DAILY)
        run = self.orderpoint._jit_recompute()
        self.assertEqual(run.state, "done")
        self.assertEqual(self.orderpoint.jit_last_run_id, run)
        self.assertEqual(run.rule_count, 1)
        self.assertEqual(run.applied_count, 1)
        line = run.line_ids
        self.assertEqual(line.orderpoint_id, self.orderpoint)
        self.assertEqual((line.old_min_qty, line.old_max_qty), (0.0, 0.0))
        self.assertAlmostEqual(line.new_min_qty, 27.01, places=2)
        self.assertAlmostEqual(line.adu, 4.0)
        self.assertAlmostEqual(line.sigma_demand, 3.346640, places=5)
        self.assertEqual((line.lead_time, line.sigma_lead_time), (4.0, 0.0))
        self.assertAlmostEqual(line.z, 1.644854, places=5)

    def test_internal_transfers_and_returns(self):
        """Moves inside the warehouse are not consumption; customer returns
        into the warehouse reduce it; moves out of a sub-location count.

        deliveries 10 (day 0) + 10 (day 5, from a sub-location) = 20
        return 5 on day 5 -> 15 over 10 days -> ADU 1.5
        internal stock -> shelf 100: ignored; transfer to another
        warehouse 50: internal destination, ignored.
        """
        product = self.product
        self._moves(
            [
                (product, 10, 9, self.stock, self.customers),
                (product, 10, 4, self.shelf, self.customers),
                (product, 5, 4, self.customers, self.stock),
                (product, 100, 3, self.stock, self.shelf),
                (product, 50, 2, self.stock, self.other_wh.lot_stock_id),
            ]
        )
        self.orderpoint._jit_recompute()
        self.assertAlmostEqual(self.orderpoint.jit_adu, 1.5)

    def test_two_step_delivery_counts_once(self):
        """Pick (stock -> output, inside the warehouse) then ship (output ->
        customers): the goods leave the warehouse once. A return from the
        customer into an input location of the warehouse reduces it.

        10 picked and shipped on day 3, 6 on day 1, 2 returned on day 1
        into Input -> 10 + 6 - 2 = 14 over 10 days -> ADU 1.4
        """
        view = self.warehouse.view_location_id
        output = self.env["stock.location"].create(
            {"name": "Output JIT", "location_id": view.id, "usage": "internal"}
        )
        entry = self.env["stock.location"].create(
            {"name": "Input JIT", "location_id": view.id, "usage": "internal"}
        )
        product = self.product
        self._moves(
            [
                (product, 10, 3, self.stock, output),
                (product, 10, 3, output, self.customers),
                (product, 6, 1, self.stock, output),
                (product, 6, 1, output, self.customers),
                (product, 2, 1, self.customers, entry),
            ]
        )
        self.orderpoint._jit_recompute()
        self.assertAlmostEqual(self.orderpoint.jit_adu, 1.4)
        # The consumption report uses the same definition: 10 on day 3,
        # 6 - 2 = 4 on day 1.
        rows = self.env["jit.consumption.report"].search(
            [("orderpoint_id", "=", self.orderpoint.id)]
        )
        self.assertEqual(
            {row.date: row.consumption for row in rows},
            {TODAY - timedelta(days=3): 10.0, TODAY - timedelta(days=1): 4.0},
        )

    def test_rules_of_one_product_in_two_warehouses(self):
        """One batch, one product, a rule in each warehouse: each rule counts
        the deliveries leaving its own warehouse only.

        main warehouse: 20 on day 2 -> ADU 2.0; other warehouse: 5 on day 1
        and 5 on day 0 -> ADU 1.0; a transfer main -> other (internal) is
        consumption of neither.
        """
        other_op = self._orderpoint(self.product, warehouse=self.other_wh)
        other_stock = self.other_wh.lot_stock_id
        self._moves(
            [
                (self.product, 20, 3, self.stock, self.customers),
                (self.product, 5, 2, other_stock, self.customers),
                (self.product, 5, 1, other_stock, self.customers),
                (self.product, 30, 4, self.stock, other_stock),
            ]
        )
        (self.orderpoint | other_op)._jit_recompute()
        self.assertAlmostEqual(self.orderpoint.jit_adu, 2.0)
        self.assertAlmostEqual(other_op.jit_adu, 1.0)

    def test_binary_rows_are_checked(self):
        """Rows read through binary COPY: values as sent; a NULL or a wider
        column (a layout the dtype does not describe) is refused instead of
        misread."""
        row = np.dtype([("a", ">i4"), ("b", ">f8")])
        Orderpoint = self.env["stock.warehouse.orderpoint"]
        rows = Orderpoint._jit_copy_rows(
            SQL("SELECT g::int4, g / 4.0::float8 FROM generate_series(1, 3) g"), row
        )
        self.assertEqual(rows["a"].tolist(), [1, 2, 3])
        self.assertEqual(rows["b"].tolist(), [0.25, 0.5, 0.75])
        for query in (
            SQL("SELECT NULL::int4, 1.0::float8"),
            SQL("SELECT 1::int8, 1.0::float8"),
            SQL("SELECT 1::int4"),
        ):
            with self.assertRaises(ValueError):
                Orderpoint._jit_copy_rows(query, row)

    def test_scrap_and_production_are_consumption(self):
        # 3 scrapped + 7 delivered over 10 days -> ADU 1.0
        self._moves(
            [
                (self.product, 3, 1, self.stock, self.scrap),
                (self.product, 7, 2, self.stock, self.customers),
            ]
        )
        self.orderpoint._jit_recompute()
        self.assertAlmostEqual(self.orderpoint.jit_adu, 1.0)

    def test_uom_conversion(self):
        # 2 dozen delivered = 24 units over 10 days -> ADU 2.4 units/day
        self._moves([(self.product, 2, 1, self.stock, self.customers, self.dozen)])
        self.orderpoint._jit_recompute()
        self.assertAlmostEqual(self.orderpoint.jit_adu, 2.4)

    def test_moves_outside_window_are_ignored(self):
        """The 10-day window is the 10 complete days before today: 11 days
        ago is before it, today (incomplete) after it. 10 / 10 -> ADU 1.0."""
        self._moves(
            [
                (self.product, 99, 11, self.stock, self.customers),
                (self.product, 10, 1, self.stock, self.customers),
                (self.product, 50, 0, self.stock, self.customers),
            ]
        )
        self.orderpoint._jit_recompute()
        self.assertAlmostEqual(self.orderpoint.jit_adu, 1.0)

    def test_no_history_keeps_manual_values(self):
        self.orderpoint.write({"product_min_qty": 5, "product_max_qty": 12})
        run = self.orderpoint._jit_recompute()
        self.assertEqual(self.orderpoint.jit_state, "no_history")
        self.assertIn("no consumption", self.orderpoint.jit_message)
        self.assertEqual(self.orderpoint.product_min_qty, 5)
        self.assertEqual(self.orderpoint.product_max_qty, 12)
        self.assertEqual(run.no_history_count, 1)

    def test_rules_without_jit_are_untouched(self):
        manual = self._product("Manual product")
        self._deliveries(manual, DAILY)
        op = self._orderpoint(manual, jit_enabled=False)
        op.write({"product_min_qty": 3, "product_max_qty": 9})
        self.env["stock.warehouse.orderpoint"]._cron_jit_recompute()
        self.assertEqual((op.product_min_qty, op.product_max_qty), (3, 9))
        self.assertFalse(op.jit_state)

    def test_idempotent_rerun(self):
        self._deliveries(self.product, DAILY)
        self.orderpoint._jit_recompute()
        first = self.orderpoint.read(
            ["product_min_qty", "product_max_qty", "jit_adu", "jit_sigma", "jit_state"]
        )
        run = self.orderpoint._jit_recompute()
        second = self.orderpoint.read(
            ["product_min_qty", "product_max_qty", "jit_adu", "jit_sigma", "jit_state"]
        )
        self.assertEqual(first, second)
        self.assertEqual(run.line_ids.old_min_qty, run.line_ids.new_min_qty)

    def test_moq_and_multiple(self):
        """MOQ from the vendor line (in purchase unit) and the rule's multiple.

        ADU 4, review 7 -> 28; MOQ 5 dozen = 60 units -> order 60; multiple
        25 -> 75; max = min 27.00947 + 75 = 102.00947 -> 102.01
        """
        product = self._product("Boxed widget", delay=4, uom_po_id=self.dozen.id)
        product.seller_ids.min_qty = 5
        op = self._orderpoint(product, qty_multiple=25)
        self._deliveries(product, DAILY)
        op._jit_recompute()
        self.assertAlmostEqual(op.product_min_qty, 27.01, places=2)
        self.assertAlmostEqual(op.product_max_qty, 102.01, places=2)

    def test_company_lead_days_are_added(self):
        # L = 4 (vendor) + 1 (po_lead) + 2 (days to purchase) = 7
        self.company.write({"po_lead": 1.0, "days_to_purchase": 2.0})
        self._deliveries(self.product, DAILY)
        self.orderpoint._jit_recompute()
        self.assertEqual(self.orderpoint.jit_lead_time, 7.0)
        # min = 4 * 7 + 1.644854 * sqrt(7 * 11.2) = 28 + 14.56453 = 42.56453
        self.assertAlmostEqual(self.orderpoint.product_min_qty, 42.57, places=2)

    def test_no_vendor_has_no_lead_time(self):
        """Bought (the warehouse buys) but no vendor line: no lead time, the
        rule is not applied (it used to get the company's days alone)."""
        product = self.env["product.product"].create(
            {"name": "No vendor", "is_storable": True}
        )
        self.company.days_to_purchase = 3.0
        op = self._orderpoint(product, product_min_qty=2, product_max_qty=3)
        self._deliveries(product, DAILY)
        op._jit_recompute()
        self.assertEqual(op.jit_state, "no_lead_time")
        self.assertFalse(op.jit_lead_time_source)
        self.assertEqual((op.product_min_qty, op.product_max_qty), (2, 3))

    def test_spike_is_clipped(self):
        """Nine days of 2 and one day of 100, spike factor 2.

        mean = (18 + 100) / 10 = 11.8; sigma = sqrt(mean of squares - mean^2)
        = sqrt((9*4 + 10000)/10 - 139.24) = sqrt(864.36) = 29.4 ->
        threshold 11.8 + 2 * 29.4 = 70.6: day 100 clipped to 70.6 ->
        ADU = (18 + 70.6) / 10 = 8.86
        """
        self.profile.spike_factor = 2.0
        self._deliveries(self.product, [2] * 9 + [100])
        self.orderpoint._jit_recompute()
        self.assertEqual(self.orderpoint.jit_spike_days, 1)
        self.assertAlmostEqual(self.orderpoint.jit_adu, 8.86, places=6)

    def test_stockout_days_excluded(self):
        """Window: the 10 days before today (offsets 10..1). Receive 12 and
        deliver 4 on day -10, deliver 4 on days -9 and -8: empty from day -8
        on. A receipt of 20 today (after the window) is in today's quants
        but must not make the window's days look stocked.
        Closing stock: day -10: 8, day -9: 4, days -8..-1: 0 -> excluded;
        counted days -10 and -9 with 4 each -> ADU 4 (instead of 12 / 10 =
        1.2 when counted). Two usable days are fewer than the profile's
        minimum (14, at most the window: 10): not applied (point 1); with a
        minimum of 2 the rule is applied."""
        self.profile.exclude_stockout_days = True
        product = self.product
        self._moves(
            [
                (product, 12, 10, self.suppliers, self.stock),
                (product, 4, 10, self.stock, self.customers),
                (product, 4, 9, self.stock, self.customers),
                (product, 4, 8, self.stock, self.customers),
                (product, 20, 0, self.suppliers, self.stock),
            ]
        )
        op = self.orderpoint
        op._jit_recompute()
        self.assertAlmostEqual(op.jit_adu, 4.0)
        self.assertEqual(op.jit_usable_days, 2)
        self.assertEqual(op.jit_state, "insufficient")
        self.profile.min_usable_days = 2
        op._jit_recompute()
        self.assertEqual(op.jit_state, "applied")
        self.assertAlmostEqual(op.jit_adu, 4.0)
        self.profile.exclude_stockout_days = False
        op._jit_recompute()
        self.assertAlmostEqual(op.jit_adu, 1.2)
        self.assertEqual(op.jit_usable_days, 10)

    def test_always_out_of_stock_is_not_applied(self):
        """Issue 8 point 1: with stock-out days excluded, a product out of
        stock every day of the window (5 received and 5 delivered each day:
        every day closes at 0) has 0 usable days. Its rule must not be
        applied with min = max = 0: state Insufficient Data, the reason in
        the message, the manual values kept."""
        self.profile.exclude_stockout_days = True
        self.assertEqual(self.profile.min_usable_days, 14)  # the default
        product = self.product
        self._moves(
            [(product, 5, day, self.suppliers, self.stock) for day in range(1, 11)]
            + [(product, 5, day, self.stock, self.customers) for day in range(1, 11)]
        )
        op = self.orderpoint
        op.write({"product_min_qty": 5, "product_max_qty": 12})
        run = op._jit_recompute()
        self.assertEqual(op.jit_state, "insufficient")
        self.assertEqual(op.jit_usable_days, 0)
        self.assertEqual((op.product_min_qty, op.product_max_qty), (5, 12))
        # 14 usable days asked, but the window has only 10: all 10 needed.
        self.assertIn("0 usable days", op.jit_message)
        self.assertIn("at least 10", op.jit_message)
        self.assertEqual(run.line_ids.state, "insufficient")
        self.assertEqual(run.insufficient_count, 1)
        self.assertEqual(run.applied_count, 0)

    def test_return_on_a_day_without_deliveries(self):
        """Issue 8 point 3: returns net over the window, not per day.

        deliveries 10 (day -9) and 10 (day -5), a return of 5 two days later
        (day -3, no delivery that day): 15 over 10 days -> ADU 1.5 (not 2.0).
        The return day enters sigma with its negative value:
        E[x^2] = (100 + 100 + 25) / 10 = 22.5, var = 22.5 - 1.5^2 = 20.25,
        sigma = 4.5.
        """
        product = self.product
        self._moves(
            [
                (product, 10, 9, self.stock, self.customers),
                (product, 10, 5, self.stock, self.customers),
                (product, 5, 3, self.customers, self.stock),
            ]
        )
        self.orderpoint._jit_recompute()
        self.assertAlmostEqual(self.orderpoint.jit_adu, 1.5)
        self.assertAlmostEqual(self.orderpoint.jit_sigma, 4.5)

    def test_adjustments_and_production_receipts_do_not_net(self):
        """Only returns net against consumption. A positive inventory
        adjustment (inventory location -> stock) and a receipt from
        production (an unbuild's components or a manufacturing order's
        output), which return no move, are supply, not negative demand.

        deliveries 20 on day -5; +7 adjusted on day -4; +3 from production
        on day -3 -> consumption 20 over 10 days -> ADU 2.0
        """
        inventory = self.env["stock.location"].search(
            [("usage", "=", "inventory"), ("scrap_location", "=", False)], limit=1
        )
        production = self.env["stock.location"].search(
            [("usage", "=", "production")], limit=1
        )
        self._moves(
            [
                (self.product, 20, 5, self.stock, self.customers),
                (self.product, 7, 4, inventory, self.stock),
                (self.product, 3, 3, production, self.stock),
            ]
        )
        self.orderpoint._jit_recompute()
        self.assertAlmostEqual(self.orderpoint.jit_adu, 2.0)

    def test_measured_lead_time_feeds_safety_stock(self):
        """Once enough receipts were measured (jit_lt_samples >= 3), the
        measured mean and sigma replace the vendor's stated delay.

        L = 6 (measured), sigma_L = 2, d = 4, sigma_d^2 = 11.2
        SS = 1.644854 * sqrt(6 * 11.2 + 4^2 * 2^2) = 1.644854 * sqrt(131.2)
           = 1.644854 * 11.454257 = 18.84055
        min = 4 * 6 + 18.84055 = 42.84055 -> 42.85
        max = 42.84055 + 28 = 70.84055 -> 70.85
        """
        self._deliveries(self.product, DAILY)
        seller = self.product.seller_ids
        seller.write({"jit_lt_mean": 6.0, "jit_lt_sigma": 2.0, "jit_lt_samples": 2})
        self.orderpoint._jit_recompute()
        # Two receipts are not enough: the stated delay of 4 days applies.
        self.assertEqual(self.orderpoint.jit_lead_time_source, "vendor")
        self.assertEqual(self.orderpoint.jit_lead_time, 4.0)
        seller.jit_lt_samples = 3
        self.orderpoint._jit_recompute()
        op = self.orderpoint
        self.assertEqual(op.jit_lead_time_source, "measured")
        self.assertEqual((op.jit_lead_time, op.jit_lead_time_sigma), (6.0, 2.0))
        self.assertAlmostEqual(op.jit_safety_stock, 18.84055, places=4)
        self.assertAlmostEqual(op.product_min_qty, 42.85, places=2)
        self.assertAlmostEqual(op.product_max_qty, 70.85, places=2)

    def _book_ahead(self, moves, days):
        """Pretend these moves were created `days` before they were done."""
        self.env.cr.execute(
            "UPDATE stock_move SET create_date = date - make_interval(days => %s)"
            " WHERE id = ANY(%s)",
            (days, moves.ids),
        )
        moves.invalidate_recordset(["create_date"])

    def test_demand_booked_ahead_is_not_counted_twice(self):
        """Issue 8 point 5. Odoo compares min with the forecast at the
        lead-days date, which already subtracts moves booked within the lead
        time: min = SS + ADU * L * (1 - booked share).

        DAILY as in the golden case: ADU 4, L 4, SS 11.00947, order qty 28.
        All moves created 5 days (>= L) before done: share 1 ->
        min = SS = 11.00947 -> 11.01, max = 11.00947 + 28 -> 39.01.
        Odoo then orders when on hand - 16 (booked for the next 4 days) <
        11.01, and the order arrives 4 days later, when on hand is ~ SS.
        """
        moves = self._deliveries(self.product, DAILY)
        self._book_ahead(moves, 5)
        run = self.orderpoint._jit_recompute()
        op = self.orderpoint
        self.assertAlmostEqual(op.jit_booked_share, 1.0)
        self.assertAlmostEqual(run.line_ids.booked_share, 1.0)
        self.assertAlmostEqual(op.jit_safety_stock, 11.00947, places=4)
        self.assertAlmostEqual(op.product_min_qty, 11.01, places=2)
        self.assertAlmostEqual(op.product_max_qty, 39.01, places=2)
        # On hand at arrival: an order is placed at on hand X with X - 16 <
        # min; 4 days later X - 16 is left, i.e. at most min ~ SS.
        self.assertLess(op.product_min_qty - op.jit_safety_stock, 0.01)

    def test_demand_half_booked_ahead(self):
        """Moves 4, 6, 2, 8 (20 of 40) created 5 days ahead (>= L = 4), the
        others 3 days ahead (< L): share 0.5 ->
        min = 11.00947 + 4 * 4 * 0.5 = 19.00947 -> 19.01, max 47.01.
        Nothing booked ahead (the golden case): share 0, min as before."""
        moves = self._deliveries(self.product, DAILY)
        self._book_ahead(moves[:4], 5)
        self._book_ahead(moves[4:], 3)
        run = self.orderpoint._jit_recompute()
        op = self.orderpoint
        self.assertAlmostEqual(op.jit_booked_share, 0.5)
        self.assertAlmostEqual(run.line_ids.booked_share, 0.5)
        self.assertAlmostEqual(op.product_min_qty, 19.01, places=2)
        self.assertAlmostEqual(op.product_max_qty, 47.01, places=2)

    def _move_at(self, qty, when):
        """A done delivery of the widget at the UTC datetime `when`."""
        move = self._moves([(self.product, qty, 1, self.stock, self.customers)])
        self.env.cr.execute(
            "UPDATE stock_move SET date = %s WHERE id = %s", (when, move.id)
        )
        move.invalidate_recordset(["date"])
        return move

    def test_window_is_complete_days_of_the_company_timezone(self):
        """Issue 8 point 6. Company in Europe/Brussels (UTC+1 in March),
        10-day window. Moves (UTC -> local):
          100 at 03-10 01:30 UTC (03-10 02:30, today)          -> out
           50 at 03-09 23:30 UTC (03-10 00:30, today)          -> out
           10 at 03-09 22:30 UTC (03-09 23:30)                 -> in
           10 at 02-27 23:30 UTC (02-28 00:30, first day)      -> in
           70 at 02-27 22:30 UTC (02-27 23:30, before window)  -> out
        Run at 03-10 02:00 UTC (03:00 local): window 02-28..03-09 local ->
        20 / 10 = ADU 2.0 (UTC days ending today would give 160 / 10).
        Run at 03-10 23:30 UTC (03-11 00:30 local): window 03-01..03-10 ->
        100 + 50 + 10 = 160 / 10 = ADU 16.0.
        Company without a timezone (UTC) at 03-10 02:00: window
        02-28..03-09 UTC -> 50 + 10 = 60 / 10 = 6.0 (the two moves of 02-27
        UTC are before it); the 100 of today (2 hours of it) is not counted.
        """
        self.company.partner_id.tz = "Europe/Brussels"
        for qty, when in (
            (100, datetime(2026, 3, 10, 1, 30)),
            (50, datetime(2026, 3, 9, 23, 30)),
            (10, datetime(2026, 3, 9, 22, 30)),
            (10, datetime(2026, 2, 27, 23, 30)),
            (70, datetime(2026, 2, 27, 22, 30)),
        ):
            self._move_at(qty, when)
        op = self.orderpoint
        with freeze_time(datetime(2026, 3, 10, 2, 0)):
            op._jit_recompute()
        self.assertAlmostEqual(op.jit_adu, 2.0)
        # The consumption report uses the same local days.
        rows = self.env["jit.consumption.report"].search(
            [("orderpoint_id", "=", op.id)]
        )
        self.assertEqual(
            {row.date: row.consumption for row in rows},
            {
                date(2026, 3, 10): 150.0,
                date(2026, 3, 9): 10.0,
                date(2026, 2, 28): 10.0,
                date(2026, 2, 27): 70.0,
            },
        )
        with freeze_time(datetime(2026, 3, 10, 23, 30)):
            op._jit_recompute()
        self.assertAlmostEqual(op.jit_adu, 16.0)
        self.company.partner_id.tz = False
        with freeze_time(datetime(2026, 3, 10, 2, 0)):
            op._jit_recompute()
        self.assertAlmostEqual(op.jit_adu, 6.0)

    def test_new_product_takes_typed_seed(self):
        """Issue 8 point 10: a new product without history and an initial
        ADU of 3 typed on it: ADU source Seed, sigma = ADU (coefficient of
        variation 1), L 4 ->
        SS = 1.644854 * sqrt(4 * 9) = 9.869122; min = 3 * 4 + 9.869122 =
        21.869122 -> 21.87; max = 21.869122 + 7 * 3 = 42.869122 -> 42.87.
        """
        product = self._product("Seeded widget", jit_initial_adu=3.0)
        op = self._orderpoint(product)
        op._jit_recompute()
        self.assertEqual(op.jit_adu_source, "seed")
        self.assertEqual(op.jit_state, "applied")
        self.assertAlmostEqual(op.jit_adu, 3.0)
        self.assertAlmostEqual(op.jit_sigma, 3.0)
        self.assertAlmostEqual(op.product_min_qty, 21.87, places=2)
        self.assertAlmostEqual(op.product_max_qty, 42.87, places=2)
        self.assertIn("initial ADU", op.jit_message)
        # Once the window holds enough history, history wins.
        self._deliveries(product, DAILY)
        op._jit_recompute()
        self.assertEqual(op.jit_adu_source, "history")
        self.assertAlmostEqual(op.jit_adu, 4.0)

    def test_new_product_takes_its_category_average(self):
        """Issue 8 point 10: no typed seed: the average ADU of the JIT rules
        of the same category (and company) computed from history.
        A: DAILY -> ADU 4; B: 2 a day -> ADU 2; average 3 -> a new product of
        the category gets ADU 3, sigma 3: min 21.87, max 42.87 (as the typed
        seed of 3). A product of the category created before the window
        with no consumption is not new: No History, values kept. Without
        any seed, never Applied with 0."""
        categ = self.env["product.category"].create({"name": "JIT seed categ"})
        a = self._product("Seed A", categ_id=categ.id)
        b = self._product("Seed B", categ_id=categ.id)
        self._deliveries(a, DAILY)
        self._deliveries(b, [2] * 10)
        (self._orderpoint(a) | self._orderpoint(b))._jit_recompute()
        new = self._product("Seed new", categ_id=categ.id)
        old = self._product("Seed old", categ_id=categ.id)
        self.env.cr.execute(
            "UPDATE product_product SET create_date = %s WHERE id = %s",
            (NOW - timedelta(days=400), old.id),
        )
        new_op, old_op = self._orderpoint(new), self._orderpoint(old)
        old_op.write({"product_min_qty": 5, "product_max_qty": 12})
        (new_op | old_op)._jit_recompute()
        self.assertEqual(new_op.jit_adu_source, "seed")
        self.assertEqual(new_op.jit_state, "applied")
        self.assertAlmostEqual(new_op.jit_adu, 3.0)
        self.assertAlmostEqual(new_op.product_min_qty, 21.87, places=2)
        self.assertIn("category", new_op.jit_message)
        self.assertEqual(old_op.jit_state, "no_history")
        self.assertEqual((old_op.product_min_qty, old_op.product_max_qty), (5, 12))

    def test_one_nightly_sequence_for_the_batch(self):
        """The recompute sets the levels through jit_core's one nightly
        sequence (recompute_levels, also replayed by the backtest): one call
        for a batch whose rules follow profiles with different windows, and
        what it returns is what is written.

        Widget (10-day profile): DAILY -> ADU 4.0 (golden test above).
        Gadget (5-day profile): deliveries 5, 0, 5, 0, 5 over its 5 days
        -> ADU 3.0; the 20 delivered 8 days ago is outside its window."""
        short = self.profile.copy({"name": "Test 5 days", "window_days": 5})
        gadget = self._product("JIT Gadget", delay=4)
        gadget_rule = self._orderpoint(gadget)
        gadget_rule.jit_profile_id = short
        self._deliveries(self.product, DAILY)
        self._deliveries(gadget, [20, 0, 0, 5, 0, 5, 0, 5])
        calls = []
        levels = jit_core.recompute_levels

        def spy(*args, **kwargs):
            calls.append(levels(*args, **kwargs))
            return calls[-1]

        self.patch(jit_core, "recompute_levels", spy)
        rules = self.orderpoint | gadget_rule
        rules._jit_recompute()
        self.assertEqual(len(calls), 1)
        self.assertEqual(rules.mapped("jit_adu"), [4.0, 3.0])
        self.assertEqual(rules.mapped("jit_min_qty"), calls[0].new_min.tolist())
        self.assertEqual(rules.mapped("jit_max_qty"), calls[0].new_max.tolist())
