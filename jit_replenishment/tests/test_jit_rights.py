# Copyright 2026 JIT Replenishment Suite
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from freezegun import freeze_time
from lxml import etree

from odoo.exceptions import AccessError, UserError
from odoo.tests import new_test_user, tagged

from .common import NOW, JitCase
from .test_jit_compute import DAILY

# Who may do what (README, "Rights"): group -> (view, pilot, approve, configure).
MATRIX = {
    "stock_user": (True, False, False, False),
    "purchase_user": (True, False, False, False),
    "purchase_manager": (True, True, False, False),
    "stock_manager": (True, True, True, True),
}
CAN = {
    "view": "jit_replenishment.group_jit_user",
    "pilot": "jit_replenishment.group_jit_buyer",
    "approve": "jit_replenishment.group_jit_manager",
    "configure": "jit_replenishment.group_jit_manager",
}


@tagged("post_install", "-at_install")
@freeze_time(NOW)
class TestJitRights(JitCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.users = {
            # Odoo's stock users read reordering rules, they do not write them.
            "stock_user": new_test_user(
                cls.env, login="jit_r_stock_user", groups="stock.group_stock_user"
            ),
            "purchase_user": new_test_user(
                cls.env,
                login="jit_r_purchase_user",
                groups="purchase.group_purchase_user",
            ),
            "purchase_manager": new_test_user(
                cls.env,
                login="jit_r_purchase_manager",
                groups="purchase.group_purchase_manager",
            ),
            "stock_manager": new_test_user(
                cls.env,
                login="jit_r_stock_manager",
                name="AAA JIT stock manager",
                groups="stock.group_stock_manager",
            ),
        }
        cls.reader = cls.users["stock_user"]
        cls.buyer = cls.users["purchase_manager"]
        cls.manager = cls.users["stock_manager"]

    def _snapshot(self, op):
        self.env.invalidate_all()
        return op.read(
            ["product_min_qty", "product_max_qty", "jit_state", "write_uid"]
        )[0]

    # --- point 7: every action that writes checks write access -----------
    def test_read_only_user_cannot_recompute(self):
        """A stock user only reads reordering rules: Recompute now (which
        writes min/max in SQL) is refused and nothing changes."""
        self._deliveries(self.product, DAILY)
        self.orderpoint.write({"product_min_qty": 3, "product_max_qty": 5})
        before = self._snapshot(self.orderpoint)
        runs = self.env["jit.run"].search_count([])
        with self.assertRaises(AccessError):
            self.orderpoint.with_user(self.reader).action_jit_recompute()
        self.assertEqual(self._snapshot(self.orderpoint), before)
        self.assertEqual(self.env["jit.run"].search_count([]), runs)

    def test_read_only_user_cannot_pilot_or_settle(self):
        """Enable/disable (products, categories), freeze, approve and
        reject are refused to a read-only user; nothing changes."""
        self._deliveries(self.product, DAILY)
        self.profile.approval_threshold = 0.5
        self.orderpoint.write({"product_min_qty": 10, "product_max_qty": 20})
        self.orderpoint._jit_recompute()
        self.assertEqual(self.orderpoint.jit_state, "waiting")
        before = self._snapshot(self.orderpoint)
        other = self._product("Read-only pilot")
        calls = [
            lambda: other.with_user(self.reader).action_jit_enable(),
            lambda: other.product_tmpl_id.with_user(self.reader).action_jit_enable(),
            lambda: other.categ_id.with_user(self.reader).action_jit_enable(),
            lambda: self.product.with_user(self.reader).action_jit_disable(),
            lambda: self.orderpoint.with_user(self.reader).write(
                {"jit_freeze_until": "2026-04-01"}
            ),
            lambda: self.orderpoint.with_user(self.reader).action_jit_approve(),
            lambda: self.orderpoint.with_user(self.reader).action_jit_reject(),
        ]
        for i, call in enumerate(calls):
            with self.subTest(call=i), self.assertRaises(AccessError):
                call()
        self.assertEqual(self._snapshot(self.orderpoint), before)
        self.assertFalse(
            self.env["stock.warehouse.orderpoint"].search(
                [("product_id", "=", other.id)]
            )
        )

    # --- point 12: groups, menus and actions per group --------------------
    def test_group_matrix(self):
        for key, allowed in MATRIX.items():
            user = self.users[key]
            for (what, group), expected in zip(CAN.items(), allowed, strict=True):
                with self.subTest(user=key, can=what):
                    self.assertEqual(user.has_group(group), expected)

    def test_menus_per_group(self):
        ref = self.env.ref
        inventory_rules = ref("jit_replenishment.menu_jit_orderpoints")
        purchase_rules = ref("jit_replenishment.menu_purchase_jit_orderpoints")
        purchase_runs = ref("jit_replenishment.menu_purchase_jit_run")
        profiles = ref("jit_replenishment.menu_jit_profile")
        expected = {
            # user: (inventory JIT rules, purchase JIT rules, profiles)
            "stock_user": (True, False, False),
            "purchase_user": (False, True, False),
            "purchase_manager": (False, True, False),
            "stock_manager": (True, False, True),
        }
        for key, (inv, pur, prof) in expected.items():
            visible = (
                self.env["ir.ui.menu"].with_user(self.users[key])._visible_menu_ids()
            )

            def shown(menu, visible=visible):
                # A menu is shown when it and all its ancestors are visible.
                while menu:
                    if menu.id not in visible:
                        return False
                    menu = menu.parent_id
                return True

            with self.subTest(user=key):
                self.assertEqual(shown(inventory_rules), inv)
                self.assertEqual(shown(purchase_rules), pur)
                self.assertEqual(shown(purchase_runs), pur)
                self.assertEqual(shown(profiles), prof)

    def test_purchase_user_opens_the_jit_rules(self):
        """The JIT Rules action loads for a buyer without inventory rights:
        its views and the list's rows."""
        self._deliveries(self.product, DAILY)
        self.orderpoint._jit_recompute()
        action = self.env.ref("jit_replenishment.action_jit_orderpoints")
        for key in ("purchase_user", "purchase_manager"):
            Orderpoint = self.env["stock.warehouse.orderpoint"].with_user(
                self.users[key]
            )
            views = Orderpoint.get_views(
                [(action.view_id.id, "list"), (False, "form")],
                {"search_view_id": action.search_view_id.id},
            )
            fields_ = list(views["models"]["stock.warehouse.orderpoint"]["fields"])
            rows = Orderpoint.search_read(
                [("jit_enabled", "=", True), ("id", "=", self.orderpoint.id)],
                fields_,
            )
            with self.subTest(user=key):
                self.assertEqual(len(rows), 1)
                self.assertAlmostEqual(rows[0]["product_min_qty"], 27.01, places=2)

    def _list_arch(self, user):
        view = self.env.ref("stock.view_warehouse_orderpoint_tree_editable")
        views = (
            self.env["stock.warehouse.orderpoint"]
            .with_user(user)
            .get_views([(view.id, "list")])
        )
        return etree.fromstring(views["views"]["list"]["arch"])

    def test_jit_toggle_only_for_those_who_can_save_it(self):
        for key, (_view, pilot, *_rest) in MATRIX.items():
            arch = self._list_arch(self.users[key])
            with self.subTest(user=key):
                # (Odoo adds the field, invisible, for the modifiers using it.)
                toggle = arch.xpath(
                    "//field[@name='jit_enabled'][@widget='boolean_toggle']"
                )
                self.assertEqual(bool(toggle), pilot)
                recompute = arch.xpath("//button[@name='action_jit_recompute']")
                self.assertEqual(bool(recompute), pilot)

    def test_actions_per_group(self):
        """Pilot (enable, recompute) and approve, each by the group allowed."""
        self._deliveries(self.product, DAILY)
        pilot = self._product("Buyer pilot")
        self._deliveries(pilot, DAILY)
        # A buyer (purchase administrator) pilots and recomputes...
        pilot.product_tmpl_id.with_user(self.buyer).action_jit_enable()
        op = self.env["stock.warehouse.orderpoint"].search(
            [("product_id", "=", pilot.id), ("warehouse_id", "=", self.warehouse.id)]
        )
        self.assertTrue(op.jit_enabled)
        self.assertEqual(op.jit_state, "applied")
        self.orderpoint.with_user(self.buyer).action_jit_recompute()
        self.assertAlmostEqual(self.orderpoint.product_min_qty, 27.01, places=2)
        # ...but does not approve.
        self.profile.approval_threshold = 0.5
        self.orderpoint.write({"product_min_qty": 10, "product_max_qty": 20})
        self.orderpoint._jit_recompute()
        with self.assertRaises(AccessError):
            self.orderpoint.with_user(self.buyer).action_jit_approve()
        with self.assertRaises(AccessError):
            self.env["jit.profile"].with_user(self.buyer).create({"name": "No"})
        # An inventory administrator approves and configures.
        self.orderpoint.with_user(self.manager).action_jit_approve()
        self.assertEqual(self.orderpoint.jit_state, "applied")
        self.env["jit.profile"].with_user(self.manager).create({"name": "Yes"})
        # A purchase user only views.
        with self.assertRaises(AccessError):
            self.orderpoint.with_user(
                self.users["purchase_user"]
            ).action_jit_recompute()

    # --- point 9: min/max of a JIT rule are the machinery's ---------------
    def test_user_cannot_type_min_max_on_a_jit_rule(self):
        self._deliveries(self.product, DAILY)
        self.orderpoint._jit_recompute()
        op = self.orderpoint.with_user(self.buyer)
        for fname, value in (("product_min_qty", 3.0), ("product_max_qty", 99.0)):
            with self.subTest(field=fname):
                with self.assertRaises(UserError) as caught:
                    op.write({fname: value})
                self.assertIn(op._fields[fname].string, str(caught.exception))
                self.assertIn(str(value), str(caught.exception))
        self.env.invalidate_all()
        self.assertAlmostEqual(self.orderpoint.product_min_qty, 27.01, places=2)
        self.assertAlmostEqual(self.orderpoint.product_max_qty, 55.01, places=2)
        # A manual rule takes typed values; turning JIT off and typing in one
        # write too; rewriting the same value is no change.
        manual = self._orderpoint(self._product("Manual rule"), jit_enabled=False)
        manual.with_user(self.buyer).write({"product_min_qty": 3, "product_max_qty": 6})
        self.assertEqual(manual.product_min_qty, 3)
        op.write({"product_min_qty": op.product_min_qty, "trigger": "auto"})
        op.write({"jit_enabled": False, "product_min_qty": 4, "product_max_qty": 8})
        self.assertEqual((op.product_min_qty, op.product_max_qty), (4, 8))

    def test_views_show_min_max_read_only_on_jit_rules(self):
        arch = self._list_arch(self.buyer)
        for fname in ("product_min_qty", "product_max_qty"):
            with self.subTest(field=fname):
                (node,) = arch.xpath(f"//field[@name='{fname}']")
                self.assertIn("jit_enabled", node.get("readonly", ""))
        form = etree.fromstring(
            self.env["stock.warehouse.orderpoint"]
            .with_user(self.buyer)
            .get_views([(False, "form")])["views"]["form"]["arch"]
        )
        for fname in ("product_min_qty", "product_max_qty"):
            with self.subTest(form_field=fname):
                # The form shows them twice: the editable field, and read-only
                # next to the proposal of a rule waiting for approval.
                nodes = form.xpath(f"//field[@name='{fname}']")
                self.assertEqual(len(nodes), 2)
                for node in nodes:
                    self.assertTrue(
                        "jit_enabled" in node.get("readonly", "")
                        or node.get("readonly") in ("1", "True")
                    )
        self.assertTrue(form.xpath("//*[@name='jit_readonly_note']"))
        self.assertTrue(form.xpath("//field[@name='jit_freeze_until']"))
