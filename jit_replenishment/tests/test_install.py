from odoo.tests import TransactionCase, tagged


@tagged("post_install", "-at_install")
class TestInstall(TransactionCase):
    def test_groups_implied_from_stock(self):
        """Inventory users are JIT users; inventory admins are JIT managers."""
        jit_user = self.env.ref("jit_replenishment.group_jit_user")
        jit_manager = self.env.ref("jit_replenishment.group_jit_manager")
        stock_user = self.env.ref("stock.group_stock_user")
        stock_manager = self.env.ref("stock.group_stock_manager")
        self.assertIn(jit_user, stock_user.trans_implied_ids)
        self.assertIn(jit_manager, stock_manager.trans_implied_ids)
        self.assertIn(jit_user, jit_manager.trans_implied_ids)
        user = self.env["res.users"].create(
            {
                "name": "Stock clerk",
                "login": "jit_stock_clerk",
                "groups_id": [(6, 0, [stock_user.id])],
            }
        )
        self.assertTrue(user.has_group("jit_replenishment.group_jit_user"))
        self.assertFalse(user.has_group("jit_replenishment.group_jit_manager"))

    def test_menu_under_inventory(self):
        menu = self.env.ref("jit_replenishment.menu_jit_root")
        self.assertEqual(menu.parent_id, self.env.ref("stock.menu_stock_root"))

    def test_jit_core_importable_without_odoo_coupling(self):
        import jit_core

        self.assertFalse(
            any(name.startswith("odoo") for name in vars(jit_core)),
            "jit_core must not import odoo",
        )
