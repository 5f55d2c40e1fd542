# Copyright 2026 JIT Replenishment Suite
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Issue 16: the consumption scan operation (page and external API)."""

from datetime import timedelta

from freezegun import freeze_time

from odoo.exceptions import AccessError, UserError
from odoo.tests import new_test_user, tagged
from odoo.tools import mute_logger

from .common import NOW, JitCase
from .test_jit_compute import DAILY

OPERATOR_GROUP = "jit_replenishment.group_jit_consumption"


class ScanCase(JitCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.operator = new_test_user(
            cls.env, login="jit_scan_op", groups=OPERATOR_GROUP
        )
        cls.operator_2 = new_test_user(
            cls.env, login="jit_scan_op2", groups=OPERATOR_GROUP
        )
        cls.product.write({"barcode": "SCAN-0001", "default_code": "REF-WIDGET"})
        cls.production = cls.env["stock.location"].search(
            [("usage", "=", "production"), ("company_id", "=", cls.company.id)],
            limit=1,
        )
        cls.env["stock.quant"]._update_available_quantity(cls.product, cls.stock, 50)
        cls.Scan = cls.env["jit.consumption"].with_user(cls.operator)

    def _scan(self, code="SCAN-0001", qty=1, location=None, key="k1", user=None):
        Scan = self.Scan.with_user(user) if user else self.Scan
        return Scan.scan(code, qty, location or self.stock.id, key)

    def _counts(self):
        return (
            self.env["stock.move"].search_count([]),
            self.env["jit.consumption"].search_count([]),
            self.env["purchase.order"].search_count([]),
        )

    def _on_hand(self, location=None):
        return self.product.with_context(
            location=(location or self.stock).id
        ).qty_available


@tagged("post_install", "-at_install")
@freeze_time(NOW)
class TestJitConsumptionScan(ScanCase):
    def test_scan_makes_one_done_move_to_the_production_location(self):
        """3 taken from WH/Stock (50 on hand) -> one done move of 3 to the
        company's production location (no consumption location set), 47 left;
        the internal reference finds the product as the barcode does."""
        result = self._scan(qty=3)
        move = self.env["stock.move"].browse(result["move_id"])
        self.assertEqual(move.state, "done")
        self.assertEqual(
            (move.product_id, move.quantity, move.location_id, move.location_dest_id),
            (self.product, 3.0, self.stock, self.production),
        )
        self.assertEqual(self._on_hand(), 47)
        self.assertEqual(result["product_id"], self.product.id)
        self.assertTrue(result["can_undo"])
        scan = self.env["jit.consumption"].browse(result["id"])
        self.assertEqual((scan.user_id, scan.kind), (self.operator, "scan"))
        by_ref = self._scan(code="REF-WIDGET", qty="2", key="k2")
        self.assertEqual(by_ref["product_id"], self.product.id)
        self.assertEqual(self._on_hand(), 45)

    def test_scan_goes_to_the_warehouse_consumption_location(self):
        consumed = self.env["stock.location"].create(
            {
                "name": "Consumed",
                "usage": "inventory",
                "location_id": self.env.ref(
                    "stock.stock_location_locations_virtual"
                ).id,
                "company_id": self.company.id,
            }
        )
        self.assertEqual(self.warehouse.jit_consumption_destination_id, self.production)
        self.warehouse.jit_consumption_location_id = consumed
        self.assertEqual(self.warehouse.jit_consumption_destination_id, consumed)
        # From a sub-location of the warehouse, found by its full name.
        self.env["stock.quant"]._update_available_quantity(self.product, self.shelf, 5)
        result = self._scan(qty=2, location=self.shelf.complete_name)
        move = self.env["stock.move"].browse(result["move_id"])
        self.assertEqual(
            (move.location_id, move.location_dest_id), (self.shelf, consumed)
        )
        self.assertEqual(self._on_hand(self.shelf), 3)

    def test_consumption_location_must_consume(self):
        with self.assertRaisesRegex(Exception, "production or inventory"):
            self.warehouse.jit_consumption_location_id = self.shelf

    def test_bad_input_is_refused_naming_field_and_value(self):
        archived = self._product("Old Widget", barcode="SCAN-OLD", is_storable=True)
        archived.active = False
        self._product("Service", barcode="SCAN-SRV", is_storable=False, type="service")
        self._product("Consumable", barcode="SCAN-CON", is_storable=False)
        self._product("Lots", barcode="SCAN-LOT", tracking="lot")
        other = self.env["res.company"].create({"name": "Scan Other Co"})
        other_stock = (
            self.env["stock.warehouse"]
            .search([("company_id", "=", other.id)], limit=1)
            .lot_stock_id
        )
        cases = [
            ({"code": "NOPE-42"}, "Product: no product.*'NOPE-42'"),
            ({"code": ""}, "Product: a barcode or internal reference is required"),
            ({"code": "SCAN-OLD"}, r"Product: Old Widget \('SCAN-OLD'\) is archived"),
            ({"code": "SCAN-SRV"}, r"Product: Service \('SCAN-SRV'\) does not track"),
            (
                {"code": "SCAN-CON"},
                r"Product: Consumable \('SCAN-CON'\) does not track",
            ),
            ({"code": "SCAN-LOT"}, r"Product: Lots \('SCAN-LOT'\) is tracked"),
            ({"qty": 0}, "Quantity: 0 must be greater than zero"),
            ({"qty": -2}, "Quantity: -2 must be greater than zero"),
            ({"qty": "abc"}, "Quantity: 'abc' is not a number"),
            ({"qty": None}, "Quantity: None is not a number"),
            ({"qty": "nan"}, "Quantity: 'nan' is not a number"),
            ({"qty": True}, "Quantity: True is not a number"),
            ({"qty": 0.0001}, "Quantity: 0.0001 rounds to zero in Units"),
            ({"location": other_stock.id}, "Location: .* belongs to another company"),
            ({"location": self.customers.id}, "Location: .* is not an active internal"),
            ({"location": 999999999}, "Location: no location 999999999"),
            ({"location": "NOWHERE"}, "Location: no location 'NOWHERE'"),
            ({"key": ""}, "Idempotency key: '' must be a text"),
            ({"key": None}, "Idempotency key: None must be a text"),
            ({"key": "x" * 200}, "Idempotency key: 'x{200}' must be a text"),
        ]
        before = self._counts()
        for kwargs, message in cases:
            with self.subTest(**{k: str(v) for k, v in kwargs.items()}):
                with self.assertRaisesRegex(UserError, message):
                    self._scan(**kwargs)
                self.assertEqual(self._counts(), before)
        self.assertEqual(self._on_hand(), 50)

    def test_user_without_the_group_is_refused(self):
        clerk = new_test_user(
            self.env, login="jit_scan_clerk", groups="base.group_user"
        )
        before = self._counts()
        with self.assertRaisesRegex(AccessError, "JIT Consumption group is missing"):
            self._scan(user=clerk)
        for method, args in (("scan_locations", []), ("recent_scans", [])):
            with self.subTest(method=method), self.assertRaises(AccessError):
                getattr(self.env["jit.consumption"].with_user(clerk), method)(*args)
        self.assertEqual(self._counts(), before)

    def test_inventory_users_may_scan(self):
        stock_user = new_test_user(
            self.env, login="jit_scan_stock", groups="stock.group_stock_user"
        )
        result = self._scan(user=stock_user)
        self.assertEqual(result["quantity"], 1)

    def test_same_key_returns_the_same_scan_and_move(self):
        first = self._scan(qty=4, key="lost-connection-1")
        before = self._counts()
        again = self._scan(qty=4, key="lost-connection-1")
        self.assertEqual(again, first)
        self.assertEqual(self._counts(), before)
        self.assertEqual(self._on_hand(), 46)
        # Another user's key of the same text is their own scan.
        other = self._scan(qty=1, key="lost-connection-1", user=self.operator_2)
        self.assertNotEqual(other["move_id"], first["move_id"])
        with self.assertRaisesRegex(
            UserError, "Idempotency key: 'lost-connection-1' was already used"
        ):
            self._scan(qty=5, key="lost-connection-1")

    def test_key_is_unique_in_the_database(self):
        self._scan(key="db-key")
        scan = self.env["jit.consumption"].search([("idempotency_key", "=", "db-key")])
        with mute_logger("odoo.sql_db"), self.assertRaises(Exception) as caught:
            with self.env.cr.savepoint():
                scan.copy()
        self.assertIn("jit_consumption_idempotency_key_uniq", str(caught.exception))

    def test_operator_reads_and_writes_no_other_stock_record(self):
        """The JIT Consumption group only reads its own scans: stock moves,
        pickings, reordering rules and purchase orders are closed to it, and
        every write goes through the checked operation."""
        result = self._scan(qty=2)
        env = self.env(user=self.operator)
        move = env["stock.move"].browse(result["move_id"])
        forbidden = {
            "read move": lambda: move.read(["state"]),
            "create move": lambda: env["stock.move"].create(
                {
                    "name": "x",
                    "product_id": self.product.id,
                    "product_uom": self.unit.id,
                    "location_id": self.stock.id,
                    "location_dest_id": self.customers.id,
                }
            ),
            "read picking": lambda: env["stock.picking"].search([]),
            "write quant": lambda: (
                env["stock.quant"].search([], limit=1).write({"quantity": 1000})
            ),
            "create quant": lambda: env["stock.quant"].create(
                {"product_id": self.product.id, "location_id": self.stock.id}
            ),
            "read rule": lambda: env["stock.warehouse.orderpoint"].search([]),
            "read purchase": lambda: env["purchase.order"].search([]),
            "write location": lambda: (
                env["stock.location"].browse(self.stock.id).write({"name": "Mine"})
            ),
            "write product": lambda: (
                env["product.product"].browse(self.product.id).write({"name": "Mine"})
            ),
            "create scan": lambda: env["jit.consumption"].create(
                {"kind": "scan", "idempotency_key": "forged"}
            ),
            "write scan": lambda: (
                env["jit.consumption"].browse(result["id"]).write({"quantity": 99})
            ),
            "delete scan": lambda: env["jit.consumption"].browse(result["id"]).unlink(),
        }
        for what, call in forbidden.items():
            with self.subTest(what=what), self.assertRaises(AccessError):
                call()
        # Only their own scans are visible.
        self._scan(user=self.operator_2, key="theirs")
        self.assertEqual(env["jit.consumption"].search([]).ids, [result["id"]])
        # Menus: the scan app, not Inventory.
        visible = env["ir.ui.menu"]._visible_menu_ids()
        self.assertIn(self.env.ref("jit_replenishment.menu_jit_scan_app").id, visible)
        self.assertNotIn(self.env.ref("stock.menu_stock_root").id, visible)

    def test_locations_offered_are_the_companys_internal_ones(self):
        locations = self.Scan.scan_locations()
        names = [loc["name"] for loc in locations]
        self.assertIn(self.stock.complete_name, names)
        self.assertIn(self.shelf.complete_name, names)
        self.assertNotIn(self.customers.complete_name, names)
        found = self.Scan.find_location(self.stock.barcode)
        self.assertEqual(found, {"id": self.stock.id, "name": self.stock.complete_name})


@tagged("post_install", "-at_install")
@freeze_time(NOW)
class TestJitConsumptionUndo(ScanCase):
    def test_undo_returns_once(self):
        """Scan 3 (50 -> 47), undo: a done return move of 3 from production
        back to WH/Stock (47 -> 50), linked to the scan's move; a second
        undo and an undo of the undo are refused, nothing more moves."""
        result = self._scan(qty=3)
        scan = self.Scan.browse(result["id"])
        back = scan.action_undo()
        move = self.env["stock.move"].browse(back["move_id"])
        self.assertEqual(move.state, "done")
        self.assertEqual(
            (move.location_id, move.location_dest_id, move.quantity),
            (self.production, self.stock, 3.0),
        )
        self.assertEqual(move.origin_returned_move_id.id, result["move_id"])
        self.assertEqual(self._on_hand(), 50)
        self.assertEqual(back["kind"], "undo")
        before = self._counts()
        with self.assertRaisesRegex(UserError, f"Scan {scan.id} was already undone"):
            scan.action_undo()
        with self.assertRaisesRegex(UserError, "an undo cannot be undone"):
            self.Scan.browse(back["id"]).action_undo()
        self.assertEqual(self._counts(), before)
        recent = self.Scan.recent_scans()
        self.assertEqual([r["id"] for r in recent], [back["id"], scan.id])
        self.assertTrue(recent[1]["undone"])
        self.assertFalse(recent[1]["can_undo"])

    def test_undo_too_late(self):
        """Undo delay 5 minutes (the default): at 5 min it is allowed, at 5 min
        1 s refused."""
        self.assertEqual(self.company.jit_scan_undo_minutes, 5)
        first = self.Scan.browse(self._scan(key="a")["id"])
        second = self.Scan.browse(self._scan(key="b")["id"])
        with freeze_time(NOW + timedelta(minutes=5)):
            first.action_undo()
        before = self._counts()
        with freeze_time(NOW + timedelta(minutes=5, seconds=1)):
            self.assertFalse(second._scan_summary()[0]["can_undo"])
            with self.assertRaisesRegex(UserError, "can be undone for 5 minutes only"):
                second.action_undo()
        self.assertEqual(self._counts(), before)

    def test_undo_of_another_users_scan_is_refused(self):
        result = self._scan(key="mine")
        before = self._counts()
        other = self.env["jit.consumption"].with_user(self.operator_2)
        with self.assertRaisesRegex(AccessError, "only they can undo it"):
            other.browse(result["id"]).action_undo()
        # An inventory manager who sees every scan may not undo it either.
        with self.assertRaisesRegex(AccessError, "only they can undo it"):
            self.env["jit.consumption"].with_user(
                self.env.ref("base.user_admin")
            ).browse(result["id"]).action_undo()
        self.assertEqual(self._counts(), before)


@tagged("post_install", "-at_install")
@freeze_time(NOW)
class TestJitConsumptionScanCounts(ScanCase):
    def test_scan_below_min_creates_the_rfq_at_once(self):
        """As TestJitPull: min 27.01 / max 55.01 after the recompute, 30 on
        hand; a scan of 10 leaves a forecast of 20 < 27.01 -> an RFQ to the
        vendor for 55.01 - 20 = 35.01, rounded down to the multiple of 1: 35.
        The operator has no purchase rights: the trigger runs in the checked
        operation."""
        self._deliveries(self.product, DAILY)
        self.orderpoint.trigger = "auto"
        self.orderpoint._jit_recompute()
        self.assertAlmostEqual(self.orderpoint.product_min_qty, 27.01, places=2)
        quant = self.env["stock.quant"]
        # 50 from the fixture - 40 delivered + 20 -> 30 on hand.
        quant._update_available_quantity(self.product, self.stock, 20)
        self.assertEqual(self._on_hand(), 30)
        self.assertFalse(
            self.env["purchase.order.line"].search(
                [("product_id", "=", self.product.id)]
            )
        )
        self._scan(qty=10)
        line = self.env["purchase.order.line"].search(
            [("product_id", "=", self.product.id)]
        )
        self.assertEqual(len(line), 1)
        self.assertEqual(line.order_id.state, "draft")
        self.assertEqual(line.order_id.partner_id, self.vendor)
        self.assertEqual(line.product_qty, 35)

    def test_scan_above_min_orders_nothing(self):
        self._deliveries(self.product, DAILY)
        self.orderpoint.trigger = "auto"
        self.orderpoint._jit_recompute()
        # 10 left on hand + 200 -> 210; a scan of 10 leaves 200 > 27.01.
        self.env["stock.quant"]._update_available_quantity(
            self.product, self.stock, 200
        )
        self._scan(qty=10)
        self.assertFalse(
            self.env["purchase.order.line"].search(
                [("product_id", "=", self.product.id)]
            )
        )

    def test_recompute_and_report_count_the_scan_as_consumption(self):
        """Deliveries of DAILY (40 over the 10-day window, ADU 4.0) plus a
        scan of 10 three days ago -> 50 over 10 days -> ADU 5.0. A scan made
        today is not counted yet (the window ends yesterday). The consumption
        report shows the scan's day: 10 + the delivery of that day
        (DAILY[7] = 6) = 16."""
        self._deliveries(self.product, DAILY)
        with freeze_time(NOW - timedelta(days=3)):
            self._scan(qty=10, key="three-days-ago")
        self._scan(qty=7, key="today")
        self.orderpoint._jit_recompute()
        self.assertAlmostEqual(self.orderpoint.jit_adu, 5.0, places=6)
        self.env.flush_all()
        row = self.env["jit.consumption.report"].search(
            [
                ("orderpoint_id", "=", self.orderpoint.id),
                ("date", "=", (NOW - timedelta(days=3)).date()),
            ]
        )
        self.assertEqual(row.consumption, 16.0)

    def test_an_undone_scan_is_not_consumption(self):
        """Deliveries of DAILY (40 over the 10-day window, ADU 4.0); three
        days ago a scan of 10 kept and a scan of 5 undone at once (its
        return from production nets it: services/consumption.py) -> 40 + 10
        + 5 - 5 = 50 over 10 days -> ADU 5.0. The report's day: the delivery
        (DAILY[7] = 6) + 10 + 5 - 5 = 16."""
        self._deliveries(self.product, DAILY)
        with freeze_time(NOW - timedelta(days=3)):
            self._scan(qty=10, key="kept")
            wrong = self._scan(qty=5, key="wrong")
            self.Scan.browse(wrong["id"]).action_undo()
        self.orderpoint._jit_recompute()
        self.assertAlmostEqual(self.orderpoint.jit_adu, 5.0, places=6)
        self.env.flush_all()
        row = self.env["jit.consumption.report"].search(
            [
                ("orderpoint_id", "=", self.orderpoint.id),
                ("date", "=", (NOW - timedelta(days=3)).date()),
            ]
        )
        self.assertEqual(row.consumption, 16.0)
