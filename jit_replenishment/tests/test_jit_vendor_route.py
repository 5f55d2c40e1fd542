# Copyright 2026 JIT Replenishment Suite
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from datetime import timedelta

from freezegun import freeze_time

from odoo import Command
from odoo.exceptions import UserError
from odoo.tests import tagged

from .common import NOW, TODAY
from .test_jit_compute import DAILY
from .test_jit_purchase import JitPurchaseCase

# DAILY: ADU 4, variance 11.2 (see test_golden_rule_matches_hand_computation);
# z(0.95) = 1.644854, review period 7 days -> order quantity 28 before MOQ.


@tagged("post_install", "-at_install")
@freeze_time(NOW)
class TestJitLeadTimeRoute(JitPurchaseCase):
    """Issue 8 point 2: the lead time comes from the rule's route."""

    def test_buy_route_adds_its_pull_delays(self):
        """A route that buys into a staging location and pulls from there to
        WH/Stock (pull rule, make to order, delay 2): Odoo's lead days are
        pull 2 + vendor 4 + po_lead 1 + days to purchase 2 = 9.

        min = 4 * 9 + 1.644854 * sqrt(9 * 11.2) = 36 + 1.644854 * 10.039920
            = 36 + 16.514202 = 52.514202 -> 52.52
        """
        self.company.write({"po_lead": 1.0, "days_to_purchase": 2.0})
        staging = self.env["stock.location"].create(
            {"name": "JIT Staging", "location_id": self.warehouse.view_location_id.id}
        )
        route = self.env["stock.route"].create(
            {
                "name": "JIT buy via staging",
                "product_selectable": True,
                "rule_ids": [
                    Command.create(
                        {
                            "name": "Staging -> Stock",
                            "action": "pull",
                            "procure_method": "make_to_order",
                            "location_src_id": staging.id,
                            "location_dest_id": self.stock.id,
                            "picking_type_id": self.warehouse.int_type_id.id,
                            "delay": 2,
                        }
                    ),
                    Command.create(
                        {
                            "name": "Buy to staging",
                            "action": "buy",
                            "location_dest_id": staging.id,
                            "picking_type_id": self.warehouse.in_type_id.id,
                        }
                    ),
                ],
            }
        )
        self.product.route_ids = [Command.set(route.ids)]
        self.orderpoint.route_id = route
        self._deliveries(self.product, DAILY)
        self.orderpoint._jit_recompute()
        op = self.orderpoint
        self.assertEqual(op.jit_lead_time, 9.0)
        self.assertEqual(op.jit_lead_time_source, "vendor")
        self.assertEqual(op.jit_state, "applied")
        self.assertAlmostEqual(op.product_min_qty, 52.52, places=2)
        # The same total as Odoo's own replenishment report (lead days date).
        op.invalidate_recordset(["lead_days_date", "rule_ids"])
        self.assertEqual(op.lead_days_date, TODAY + timedelta(days=9))

    def test_resupply_from_another_warehouse_uses_the_route_delays(self):
        """WH/Stock resupplied from the other warehouse: the route's rules
        WH-other/Stock -> transit (delay 1) and transit -> WH/Stock (delay 2)
        give 3 days; the product's vendor line (4 days) is not part of this
        route, and no purchase days are added.

        min = 4 * 3 + 1.644854 * sqrt(3 * 11.2) = 12 + 1.644854 * 5.796551
            = 12 + 9.534479 = 21.534479 -> 21.54
        """
        self.company.write({"po_lead": 1.0, "days_to_purchase": 2.0})
        self.warehouse.resupply_wh_ids = [Command.set(self.other_wh.ids)]
        route = self.env["stock.route"].search(
            [
                ("supplied_wh_id", "=", self.warehouse.id),
                ("supplier_wh_id", "=", self.other_wh.id),
            ]
        )
        self.assertEqual(len(route), 1)
        for rule in route.rule_ids.filtered(lambda r: r.action != "push"):
            rule.delay = 2 if rule.location_dest_id == self.stock else 1
        self.product.route_ids = [Command.set(route.ids)]
        self.orderpoint.route_id = route
        self._deliveries(self.product, DAILY)
        self.orderpoint._jit_recompute()
        op = self.orderpoint
        self.assertEqual(op.jit_lead_time, 3.0)
        self.assertEqual(op.jit_lead_time_source, "route")
        self.assertAlmostEqual(op.product_min_qty, 21.54, places=2)
        op.invalidate_recordset(["lead_days_date", "rule_ids"])
        self.assertEqual(op.lead_days_date, TODAY + timedelta(days=3))

    def test_buy_route_without_vendor_line_has_no_lead_time(self):
        """Bought, but no vendor line: no silent lead time 0 and min 0; the
        rule says why and keeps its values."""
        product = self.env["product.product"].create(
            {
                "name": "Bought, no vendor",
                "is_storable": True,
                "route_ids": [
                    Command.link(self.env.ref("purchase_stock.route_warehouse0_buy").id)
                ],
            }
        )
        op = self._orderpoint(product, product_min_qty=5, product_max_qty=9)
        self._deliveries(product, DAILY)
        run = op._jit_recompute()
        self.assertEqual(op.jit_state, "no_lead_time")
        self.assertIn("no valid vendor line", op.jit_message)
        self.assertEqual((op.product_min_qty, op.product_max_qty), (5, 9))
        self.assertEqual(run.no_lead_time_count, 1)
        self.assertEqual(run.applied_count, 0)
        self.assertEqual(run.line_ids.state, "no_lead_time")
        self.assertIn("no valid vendor line", run.line_ids.message)

    def test_no_route_has_no_lead_time(self):
        """A vendor line but no route to replenish the location (a warehouse
        that does not buy): Odoo could not order it, so JIT has no lead time
        either."""
        self.other_wh.buy_to_resupply = False
        product = self.env["product.product"].create(
            {
                "name": "No route",
                "is_storable": True,
                "seller_ids": [Command.create({"partner_id": self.vendor.id})],
            }
        )
        op = self._orderpoint(product, warehouse=self.other_wh)
        self.assertFalse(op.rule_ids)
        self._deliveries(product, DAILY, location=self.other_wh.lot_stock_id)
        op._jit_recompute()
        self.assertEqual(op.jit_state, "no_lead_time")
        self.assertIn("no route", op.jit_message)
        self.assertEqual((op.product_min_qty, op.product_max_qty), (0, 0))

    def test_measured_lead_time_replaces_only_the_vendor_delay(self):
        """Measured 6 days (3 receipts) replaces the stated 4; po_lead 1 and
        days to purchase 2 stay: L = 9."""
        self.company.write({"po_lead": 1.0, "days_to_purchase": 2.0})
        self.product.seller_ids.filtered(lambda s: s.partner_id == self.vendor).write(
            {"jit_lt_mean": 6.0, "jit_lt_sigma": 2.0, "jit_lt_samples": 3}
        )
        self._deliveries(self.product, DAILY)
        self.orderpoint._jit_recompute()
        self.assertEqual(self.orderpoint.jit_lead_time, 9.0)
        self.assertEqual(self.orderpoint.jit_lead_time_sigma, 2.0)
        self.assertEqual(self.orderpoint.jit_lead_time_source, "measured")


@tagged("post_install", "-at_install")
@freeze_time(NOW)
class TestJitVendorLine(JitPurchaseCase):
    """Issue 8 point 4: one vendor line, chosen the same way everywhere.

    Fixture (JitPurchaseCase): primary vendor (sequence 1, 4 days, min 0),
    backup (sequence 2, 3 days, price 11), backup 2 (sequence 3, 2 days,
    price 12)."""

    def _line(self, partner):
        return self.product.seller_ids.filtered(lambda s: s.partner_id == partner)

    def _recompute(self):
        self._deliveries(self.product, DAILY)
        self.orderpoint._jit_recompute()
        return self.orderpoint

    def _procure(self):
        self.orderpoint.trigger = "auto"
        self.orderpoint._procure_orderpoint_confirm(company_id=self.company)
        return (
            self.env["purchase.order.line"]
            .search([("product_id", "=", self.product.id)])
            .order_id
        )

    def test_rule_own_vendor_line_first(self):
        """The rule's vendor line (backup 2, 2 days) wins over the primary.

        min = 4 * 2 + 1.644854 * sqrt(2 * 11.2) = 8 + 1.644854 * 4.732864
            = 8 + 7.784897 = 15.784897 -> 15.79
        """
        self.orderpoint.supplier_id = self._line(self.backup2)
        op = self._recompute()
        self.assertEqual(op.jit_lead_time, 2.0)
        self.assertAlmostEqual(op.product_min_qty, 15.79, places=2)
        self.assertEqual(self._procure().partner_id, self.backup2)

    def test_blocked_and_archived_vendors_are_skipped(self):
        """Primary blocked, an archived vendor with sequence 0: the backup
        (3 days) is the vendor. min = 21.534479 -> 21.54 (L = 3)."""
        self.vendor.with_company(self.company).jit_sla_standing = "blocked"
        archived = self.env["res.partner"].create({"name": "JIT Archived"})
        self.env["product.supplierinfo"].create(
            {
                "partner_id": archived.id,
                "product_tmpl_id": self.product.product_tmpl_id.id,
                "sequence": 0,
                "delay": 1,
            }
        )
        archived.active = False
        op = self._recompute()
        self.assertEqual(op.jit_lead_time, 3.0)
        self.assertAlmostEqual(op.product_min_qty, 21.54, places=2)

    def test_only_blocked_vendors_means_no_lead_time(self):
        for partner in self.vendor | self.backup | self.backup2:
            partner.with_company(self.company).jit_sla_standing = "blocked"
        op = self._recompute()
        self.assertEqual(op.jit_state, "no_lead_time")
        # The scheduler says why instead of ordering from a blocked vendor.
        with self.assertRaisesRegex(UserError, "no valid vendor line"):
            self._procure()
        self.assertFalse(
            self.env["purchase.order.line"].search(
                [("product_id", "=", self.product.id)]
            )
        )

    def test_expired_line_is_skipped(self):
        """The primary's price ended yesterday: the backup (3 days) applies."""
        self._line(self.vendor).date_end = TODAY - timedelta(days=1)
        self.assertEqual(self._recompute().jit_lead_time, 3.0)

    def test_price_break_is_not_an_order_minimum(self):
        """The primary has a price break at 100 (created first, so first by
        id) above its base line at 50: the order minimum is 50, not 100.

        min 27.00947 (L = 4); order quantity max(28, 50) = 50 ->
        max = 27.00947 + 50 = 77.00947 -> 77.01
        """
        base = self._line(self.vendor)
        base.unlink()
        self.env["product.supplierinfo"].create(
            [
                {
                    "partner_id": self.vendor.id,
                    "product_tmpl_id": self.product.product_tmpl_id.id,
                    "sequence": 1,
                    "delay": 4,
                    "min_qty": min_qty,
                    "price": price,
                }
                for min_qty, price in ((100, 8.0), (50, 9.0))
            ]
        )
        op = self._recompute()
        self.assertEqual(op.jit_lead_time, 4.0)
        self.assertAlmostEqual(op.product_min_qty, 27.01, places=2)
        self.assertAlmostEqual(op.product_max_qty, 77.01, places=2)

    def test_scheduler_recompute_and_fallback_agree(self):
        """Primary blocked; an archived vendor and a vendor of another
        company rank before the backup; the backup has a price break (min
        60) above its base line (min 30, 3 days). All three users take the
        backup's base line: the recompute (lead time 3, MOQ 30), Odoo's lead
        days of the rule, the scheduler (RFQ to the backup) and the fallback
        of an RFQ of the primary (re-issued to the backup).

        min = 21.534479 (L = 3) -> 21.54; order max(28, 30) = 30 ->
        max = 21.534479 + 30 = 51.534479 -> 51.54
        """
        self.vendor.with_company(self.company).jit_sla_standing = "blocked"
        other_company = self.env["res.company"].create({"name": "JIT Other Co"})
        archived = self.env["res.partner"].create({"name": "JIT Archived"})
        elsewhere = self.env["res.partner"].create({"name": "JIT Elsewhere"})
        tmpl = self.product.product_tmpl_id
        backup_line = self._line(self.backup)
        backup_line.min_qty = 30
        self.env["product.supplierinfo"].create(
            [
                {"partner_id": archived.id, "product_tmpl_id": tmpl.id, "sequence": 0},
                {
                    "partner_id": elsewhere.id,
                    "product_tmpl_id": tmpl.id,
                    "sequence": 0,
                    "company_id": other_company.id,
                },
                {
                    "partner_id": self.backup.id,
                    "product_tmpl_id": tmpl.id,
                    "sequence": 2,
                    "delay": 3,
                    "min_qty": 60,
                    "price": 10.0,
                },
            ]
        )
        archived.active = False
        # Recompute: lead time and MOQ of the backup's line.
        op = self._recompute()
        self.assertEqual(op.jit_lead_time, 3.0)
        self.assertAlmostEqual(op.product_min_qty, 21.54, places=2)
        self.assertAlmostEqual(op.product_max_qty, 51.54, places=2)
        # Odoo's lead days of the rule (replenishment report): the same line.
        op.invalidate_recordset(["lead_days_date"])
        self.assertEqual(op.lead_days_date, TODAY + timedelta(days=3))
        # Scheduler: the RFQ goes to the backup.
        rfq = self._procure()
        self.assertEqual(rfq.partner_id, self.backup)
        rfq.button_cancel()
        # Fallback: an RFQ of the primary is re-issued to the backup.
        order = self._jit_po(vendor=self.vendor, qty=40)
        self._send(order)
        order.action_jit_vendor_reject()
        self.env["purchase.order"]._cron_jit_fallback()
        self.assertEqual(order.jit_replacement_order_id.partner_id, self.backup)


@tagged("post_install", "-at_install")
@freeze_time(NOW)
class TestJitReissueTerms(JitPurchaseCase):
    """Issue 9 point 7: a re-issued RFQ takes the new vendor's terms."""

    def test_reissue_takes_the_backup_vendor_terms_and_prices(self):
        """The backup buys in EUR (rate 2 EUR per company unit), 30-day
        terms, a fiscal position mapping tax A (10%) to tax B (5%); its
        price line is 20 EUR. The primary's RFQ is in the company currency,
        immediate terms, no fiscal position, tax A.

        Replacement: currency EUR, 30 days, the backup's fiscal position, tax
        B, price 20 EUR (the line's own currency, no conversion)."""
        eur = self.env.ref("base.EUR")
        eur.active = True
        self.assertNotEqual(self.company.currency_id, eur)
        self.env["res.currency.rate"].create(
            {
                "currency_id": eur.id,
                "rate": 2.0,
                "name": TODAY,
                "company_id": self.company.id,
            }
        )
        tax_a, tax_b = self.env["account.tax"].create(
            [
                {
                    "name": f"JIT purchase {amount}%",
                    "amount": amount,
                    "type_tax_use": "purchase",
                    "company_id": self.company.id,
                }
                for amount in (10.0, 5.0)
            ]
        )
        self.product.supplier_taxes_id = tax_a
        fpos = self.env["account.fiscal.position"].create(
            {
                "name": "JIT abroad",
                "company_id": self.company.id,
                "tax_ids": [
                    Command.create({"tax_src_id": tax_a.id, "tax_dest_id": tax_b.id})
                ],
            }
        )
        immediate = self.env.ref("account.account_payment_term_immediate")
        days30 = self.env.ref("account.account_payment_term_30days")
        self.vendor.with_company(
            self.company
        ).property_supplier_payment_term_id = immediate
        backup = self.backup.with_company(self.company)
        backup.property_purchase_currency_id = eur
        backup.property_supplier_payment_term_id = days30
        backup.property_account_position_id = fpos
        self._line(self.backup).write({"currency_id": eur.id, "price": 20.0})

        order = self._jit_po(qty=10)
        order.payment_term_id = immediate
        order.order_line._compute_tax_id()
        self.assertEqual(order.currency_id, self.company.currency_id)
        self.assertEqual(order.order_line.taxes_id, tax_a)
        self._send(order)
        order.action_jit_vendor_reject()
        self.env["purchase.order"]._cron_jit_fallback()
        new = order.jit_replacement_order_id
        self.assertEqual(new.partner_id, self.backup)
        self.assertEqual(new.currency_id, eur)
        self.assertEqual(new.payment_term_id, days30)
        self.assertEqual(new.fiscal_position_id, fpos)
        line = new.order_line
        self.assertEqual(line.taxes_id, tax_b)
        self.assertEqual(line.price_unit, 20.0)
        self.assertEqual(line.product_qty, 10)
        self.assertEqual(line.orderpoint_id, self.orderpoint)
        # Planned as the backup's 3-day delay from today, as Odoo plans it.
        self.assertEqual(line.date_planned.date(), TODAY + timedelta(days=3))
        self.assertTrue(new.jit_managed)

    def _line(self, partner):
        return self.product.seller_ids.filtered(lambda s: s.partner_id == partner)


@tagged("post_install", "-at_install")
@freeze_time(NOW)
class TestJitOwnOrders(JitPurchaseCase):
    """Issue 9 point 8: JIT procurements stay on their own RFQs."""

    def test_jit_and_other_procurements_of_one_vendor_get_two_rfqs(self):
        manual_product = self._product("Manual widget", delay=4)
        manual = self._orderpoint(
            manual_product,
            jit_enabled=False,
            product_min_qty=5,
            product_max_qty=10,
        )
        self.orderpoint.write({"product_min_qty": 5, "product_max_qty": 10})
        (self.orderpoint | manual)._procure_orderpoint_confirm(company_id=self.company)
        lines = self.env["purchase.order.line"].search(
            [("product_id", "in", (self.product | manual_product).ids)]
        )
        self.assertEqual(len(lines), 2)
        jit_line = lines.filtered(lambda ln: ln.product_id == self.product)
        manual_line = lines - jit_line
        self.assertNotEqual(jit_line.order_id, manual_line.order_id)
        self.assertEqual(jit_line.order_id.partner_id, self.vendor)
        self.assertEqual(manual_line.order_id.partner_id, self.vendor)
        self.assertTrue(jit_line.order_id.jit_managed)
        self.assertFalse(manual_line.order_id.jit_managed)
        # The sending job mails the JIT RFQ only.
        self.env["purchase.order"]._cron_jit_send_rfqs()
        self.assertEqual(jit_line.order_id.state, "sent")
        self.assertEqual(manual_line.order_id.state, "draft")
        # A second procurement of each goes to its own RFQ again.
        self.orderpoint.product_max_qty = 30
        manual.product_max_qty = 30
        (self.orderpoint | manual)._procure_orderpoint_confirm(company_id=self.company)
        drafts = self.env["purchase.order"].search(
            [("partner_id", "=", self.vendor.id), ("state", "=", "draft")]
        )
        for order in drafts:
            self.assertEqual(
                order.jit_managed,
                all(ln.orderpoint_id.jit_enabled for ln in order.order_line),
            )
