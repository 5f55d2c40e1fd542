from odoo.tests import TransactionCase, tagged


@tagged("post_install", "-at_install")
class TestInstall(TransactionCase):
    def test_installed_with_dependencies(self):
        modules = self.env["ir.module.module"].search(
            [("name", "in", ["supplier_portal", "jit_replenishment", "portal"])]
        )
        self.assertEqual(
            sorted(modules.mapped("name")),
            ["jit_replenishment", "portal", "supplier_portal"],
        )
        self.assertEqual(set(modules.mapped("state")), {"installed"})
