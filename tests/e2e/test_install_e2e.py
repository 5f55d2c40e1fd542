def test_server_is_odoo_18(odoo):
    assert odoo.version["server_version_info"][0] == 18


def test_both_addons_installed(odoo):
    rows = odoo.call(
        "ir.module.module",
        "search_read",
        [("name", "in", ["jit_replenishment", "supplier_portal"])],
        fields=["name", "state"],
    )
    assert sorted((r["name"], r["state"]) for r in rows) == [
        ("jit_replenishment", "installed"),
        ("supplier_portal", "installed"),
    ]


def test_admin_is_jit_manager(odoo):
    assert odoo.call(
        "res.users", "has_group", [odoo.uid], "jit_replenishment.group_jit_manager"
    )
