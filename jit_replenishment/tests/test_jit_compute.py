# Copyright 2026 JIT Replenishment Suite
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from datetime import timedelta

import numpy as np
from freezegun import freeze_time

from odoo.tests import tagged
from odoo.tools import SQL

import jit_core

from .common import NOW, TODAY, JitCase

# Ten days of deliveries, oldest first, ending today.
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
                (self.product, 20, 2, self.stock, self.customers),
                (self.product, 5, 1, other_stock, self.customers),
                (self.product, 5, 0, other_stock, self.customers),
                (self.product, 30, 3, self.stock, other_stock),
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
        self._moves([(self.product, 2, 0, self.stock, self.customers, self.dozen)])
        self.orderpoint._jit_recompute()
        self.assertAlmostEqual(self.orderpoint.jit_adu, 2.4)

    def test_moves_outside_window_are_ignored(self):
        # A delivery 10 days ago is outside a 10-day window ending today.
        self._moves(
            [
                (self.product, 99, 10, self.stock, self.customers),
                (self.product, 10, 0, self.stock, self.customers),
            ]
        )
        self.orderpoint._jit_recompute()
        self.assertAlmostEqual(self.orderpoint.jit_adu, 1.0)

    def test_no_history_keeps_manual_values(self):
        self.orderpoint.write({"product_min_qty": 5, "product_max_qty": 12})
        run = self.orderpoint._jit_recompute()
        self.assertEqual(self.orderpoint.jit_state, "no_history")
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
        """Receive 12 on day 0, deliver 4 on days 0,1,2: empty from day 2 on.
        Days 2..9 closed at 0 -> excluded; counted days 0 and 1 with 4 each
        -> ADU 4 (instead of 12 / 10 = 1.2 when counted)."""
        self.profile.exclude_stockout_days = True
        product = self.product
        self._moves(
            [
                (product, 12, 9, self.suppliers, self.stock),
                (product, 4, 9, self.stock, self.customers),
                (product, 4, 8, self.stock, self.customers),
                (product, 4, 7, self.stock, self.customers),
            ]
        )
        self.orderpoint._jit_recompute()
        self.assertAlmostEqual(self.orderpoint.jit_adu, 4.0)
        self.profile.exclude_stockout_days = False
        self.orderpoint._jit_recompute()
        self.assertAlmostEqual(self.orderpoint.jit_adu, 1.2)

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
