"""Issue 16: consumption recorded over XML-RPC by a JIT Consumption user
(the job-site / e-commerce integration), with the same checks as the page."""

import os
import uuid
import xmlrpc.client

import pytest


def _login(login, password):
    url, db = os.environ["JIT_E2E_URL"], os.environ["JIT_E2E_DB"]
    common = xmlrpc.client.ServerProxy(f"{url}/xmlrpc/2/common", allow_none=True)
    uid = common.authenticate(db, login, password, {})
    assert uid, f"cannot log in as {login}"
    models = xmlrpc.client.ServerProxy(f"{url}/xmlrpc/2/object", allow_none=True)

    def call(model, method, *args, **kwargs):
        return models.execute_kw(db, uid, password, model, method, list(args), kwargs)

    return call


@pytest.fixture()
def site(odoo):
    """An operator (JIT Consumption only), a storable product with a barcode
    and the main warehouse's stock location."""
    tag = uuid.uuid4().hex[:8]
    [group] = odoo.call(
        "ir.model.data",
        "search_read",
        [("module", "=", "jit_replenishment"), ("name", "=", "group_jit_consumption")],
        ["res_id"],
    )
    odoo.call(
        "res.users",
        "create",
        {
            "name": f"E2E operator {tag}",
            "login": f"e2e_scan_{tag}",
            "password": f"pw-{tag}-scan",
            "groups_id": [(6, 0, [group["res_id"]])],
        },
    )
    product = odoo.call(
        "product.product",
        "create",
        {"name": f"E2E scanned part {tag}", "is_storable": True, "barcode": tag},
    )
    [warehouse] = odoo.call(
        "stock.warehouse", "search_read", [], ["lot_stock_id"], limit=1
    )
    return {
        "call": _login(f"e2e_scan_{tag}", f"pw-{tag}-scan"),
        "barcode": tag,
        "product": product,
        "location": warehouse["lot_stock_id"][0],
    }


def _on_hand(odoo, product):
    [row] = odoo.call("product.product", "read", [product], ["qty_available"])
    return row["qty_available"]


def test_scan_over_the_api_moves_once_and_undoes(odoo, site):
    call, key = site["call"], uuid.uuid4().hex
    scan = call("jit.consumption", "scan", site["barcode"], 2, site["location"], key)
    assert (scan["kind"], scan["quantity"], scan["can_undo"]) == ("scan", 2, True)
    [move] = odoo.call(
        "stock.move",
        "read",
        [scan["move_id"]],
        ["state", "quantity", "location_id", "location_dest_id"],
    )
    assert (move["state"], move["quantity"]) == ("done", 2)
    assert move["location_id"][0] == site["location"]
    [dest] = odoo.call(
        "stock.location", "read", [move["location_dest_id"][0]], ["usage"]
    )
    assert dest["usage"] in ("production", "inventory")
    assert _on_hand(odoo, site["product"]) == -2
    # A resend after a lost connection: the same scan, no second move.
    again = call("jit.consumption", "scan", site["barcode"], 2, site["location"], key)
    assert again == scan
    moves = odoo.call("stock.move", "search", [("product_id", "=", site["product"])])
    assert moves == [scan["move_id"]]
    # Undo once: a return move; the second undo is refused.
    back = call("jit.consumption", "action_undo", [scan["id"]])
    assert (back["kind"], back["undo_of_id"]) == ("undo", scan["id"])
    assert _on_hand(odoo, site["product"]) == 0
    with pytest.raises(xmlrpc.client.Fault) as caught:
        call("jit.consumption", "action_undo", [scan["id"]])
    assert "already undone" in caught.value.faultString


def test_bad_scans_are_refused_naming_the_value(odoo, site):
    call = site["call"]
    bad = [
        (("NO-SUCH-BARCODE", 1, site["location"]), "NO-SUCH-BARCODE"),
        ((site["barcode"], "abc", site["location"]), "'abc' is not a number"),
        ((site["barcode"], 0, site["location"]), "Quantity: 0"),
        ((site["barcode"], 1, "NOWHERE"), "'NOWHERE'"),
    ]
    for args, message in bad:
        with pytest.raises(xmlrpc.client.Fault) as caught:
            call("jit.consumption", "scan", *args, uuid.uuid4().hex)
        assert message in caught.value.faultString
    assert (
        odoo.call("stock.move", "search", [("product_id", "=", site["product"])]) == []
    )
    # The operator reaches nothing else of Inventory.
    with pytest.raises(xmlrpc.client.Fault) as caught:
        call("stock.move", "search", [])
    assert "AccessError" in caught.value.faultString or "not allowed" in (
        caught.value.faultString
    )
