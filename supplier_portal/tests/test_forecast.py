# Copyright 2026 JIT Replenishment Suite
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""The vendor's forecast: golden weekly projections, and the page / CSV
showing a vendor its own products only."""

import re
from datetime import timedelta

import pytest

from odoo import Command, fields
from odoo.exceptions import ValidationError
from odoo.tests import HttpCase, tagged

from odoo.addons.supplier_portal.services.forecast import weekly_orders

from .common import SupplierPortalCommon


def test_weekly_orders_golden():
    got = weekly_orders(
        stock=[100, 20, 5],
        adu=[5, 2, 0],
        min_qty=[40, 10, 10],
        max_qty=[150, 50, 20],
        multiple=[10, 25, 0],
        weeks=8,
    )
    # Rule 1, 35 a week: 65, 30 < 40 -> 150 - 30 = 120; 115, 80, 45,
    #   10 -> 140; 115, 80.
    # Rule 2, 14 a week: 6 < 10 -> 44, rounded up to 25s = 50 (stock 56);
    #   42, 28, 14, 0 -> 50; 36, 22, 8 -> 42 -> 50.
    # Rule 3, no consumption: 5 < 10 -> 15 once, then 20 for ever.
    assert got.tolist() == [
        [0, 120, 0, 0, 0, 140, 0, 0],
        [50, 0, 0, 0, 50, 0, 0, 50],
        [15, 0, 0, 0, 0, 0, 0, 0],
    ]


def test_weekly_orders_max_below_min_orders_up_to_min():
    # max 10 < min 30: up to the minimum; 0 - 7 = -7 -> 37.
    assert weekly_orders([0], [1], [30], [10], [0], 1).tolist() == [[37]]


@pytest.mark.parametrize("weeks", [0, 3])
def test_weekly_orders_shape(weeks):
    assert weekly_orders([1, 2], [0, 0], [0, 0], [0, 0], [0, 0], weeks).shape == (
        2,
        weeks,
    )


@tagged("post_install", "-at_install")
class TestForecastPage(SupplierPortalCommon, HttpCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._setup_supplier_portal()
        cls.bracket.seller_ids.write(
            {"product_code": "ACME-BR-1", "product_name": "Bracket (Acme)"}
        )
        cls.bracket.seller_ids.price = 4321.5
        # Bolt first, Acme second: Bolt's forecast, not Acme's.
        cls.widget = cls.env["product.product"].create(
            {
                "name": "SP Widget",
                "is_storable": True,
                "seller_ids": [
                    Command.create({"partner_id": cls.vendor_b.id, "sequence": 1}),
                    Command.create({"partner_id": cls.vendor_a.id, "sequence": 2}),
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

    def test_vendor_sees_its_own_forecast_and_csv(self):
        self.authenticate("sp_alice", "sp_alice_pw")
        html = self.url_open("/my/jit/forecast", timeout=60).text
        self.assertIn("ACME-BR-1", html)
        self.assertIn("Bracket (Acme)", html)
        # Nothing on hand, 35 a week: -35 < 40 -> 185 -> 190 (10s), stock 155;
        # 120, 85, 50, 15 -> 135 -> 140 (stock 155); 120, 85, 50.
        cells = re.findall(r'<td class="text-end">\s*(.*?)\s*</td>', html, re.S)
        self.assertEqual(len(cells), 8)
        self.assertIn(">-<", cells[1])
        self.assertEqual(cells[0], "190")
        self.assertEqual(cells[4], "140")
        self.assertNotIn("SP Widget", html)
        self.assertNotIn("Bolt", html)
        self.assertNotIn("4321", html)
        res = self.url_open("/my/jit/forecast?download=csv", timeout=60)
        self.assertEqual(res.headers["Content-Type"], "text/csv; charset=utf-8")
        today = fields.Date.context_today(self.alice.partner_id)
        header, row = res.text.strip().splitlines()
        self.assertEqual(
            header,
            "Your code,Product,Unit,"
            + ",".join(f"Week of {today + timedelta(days=7 * i)}" for i in range(8)),
        )
        self.assertEqual(row, "ACME-BR-1,Bracket (Acme),Units,190,0,0,0,140,0,0,0")

    def test_other_vendor_sees_only_its_products(self):
        self.authenticate("sp_bob", "sp_bob_pw")
        res = self.url_open("/my/jit/forecast?download=csv", timeout=60)
        lines = res.text.strip().splitlines()
        self.assertEqual(len(lines), 2)
        self.assertTrue(lines[1].startswith(",SP Widget,Units,190,"), lines[1])
        self.assertNotIn("ACME", res.text)
        counters = self.make_jsonrpc_request(
            "/my/counters", {"counters": ["sp_forecast_count"]}
        )
        self.assertEqual(counters["sp_forecast_count"], 1)

    def test_forecast_over_the_api_is_the_callers_own(self):
        got = self.env["res.partner"].with_user(self.alice).vendor_forecast()
        self.assertEqual(got["weeks"], 8)
        self.assertEqual(
            [(r["code"], r["weeks"][:2]) for r in got["rows"]],
            [("ACME-BR-1", [190.0, 0.0])],
        )
        got = self.env["res.partner"].with_user(self.bob).vendor_forecast()
        self.assertEqual([r["name"] for r in got["rows"]], ["SP Widget"])

    def test_forecast_needs_a_signed_in_user_and_a_valid_setting(self):
        res = self.url_open("/my/jit/forecast", timeout=60)
        self.assertIn("/web/login", res.url)
        self.env["ir.config_parameter"].set_param("supplier_portal.forecast_weeks", "x")
        with self.assertRaisesRegex(ValidationError, "1 to 52, got 'x'"):
            self.env["res.partner"]._vendor_forecast_weeks()
        self.env["ir.config_parameter"].set_param("supplier_portal.forecast_weeks", "3")
        self.assertEqual(self.env["res.partner"]._vendor_forecast_weeks(), 3)
