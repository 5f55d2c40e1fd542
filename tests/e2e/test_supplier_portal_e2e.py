"""A vendor's portal user answers an RFQ over XML-RPC (supplier_portal)."""

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

    return uid, call


def _vendor(odoo, tag, name):
    """A vendor company, a contact of it and the contact's portal user."""
    [portal] = odoo.call(
        "ir.model.data",
        "search_read",
        [("module", "=", "base"), ("name", "=", "group_portal")],
        ["res_id"],
    )
    company = odoo.call(
        "res.partner", "create", {"name": f"{name} {tag}", "is_company": True}
    )
    contact = odoo.call(
        "res.partner", "create", {"name": f"{name} sales {tag}", "parent_id": company}
    )
    login = f"e2e-{name.lower()}-{tag}"
    odoo.call(
        "res.users",
        "create",
        {
            "login": login,
            "password": f"pw-{tag}",
            "partner_id": contact,
            "groups_id": [(6, 0, [portal["res_id"]])],
        },
    )
    return company, _login(login, f"pw-{tag}")


def test_vendor_confirms_an_rfq_over_the_api(odoo):
    tag = uuid.uuid4().hex[:6]
    acme_id, (acme_uid, acme) = _vendor(odoo, tag, "Acme")
    _bolt, (_bolt_uid, bolt) = _vendor(odoo, tag, "Bolt")
    product = odoo.call("product.product", "create", {"name": f"E2E bolt {tag}"})
    order = odoo.call(
        "purchase.order",
        "create",
        {
            "partner_id": acme_id,
            "order_line": [(0, 0, {"product_id": product, "product_qty": 8})],
        },
    )
    odoo.call("purchase.order", "write", [order], {"state": "sent"})
    [line] = acme("purchase.order.line", "search", [("order_id", "=", order)])

    # The same validation as the portal: a clear error, nothing changed.
    with pytest.raises(xmlrpc.client.Fault) as caught:
        acme("purchase.order", "vendor_counter_propose", [order], line, quantity=-3)
    assert "quantity -3 must be more than zero" in caught.value.faultString
    status = acme("purchase.order", "vendor_answer_status", [order])
    assert [ln["answer"] for ln in status["lines"]] == ["pending"]

    # Another vendor reaches neither the order nor its lines.
    assert bolt("purchase.order", "search", [("id", "=", order)]) == []
    with pytest.raises(xmlrpc.client.Fault) as caught:
        bolt("purchase.order", "vendor_confirm", [order])
    assert caught.value.faultCode == 4 or "access" in caught.value.faultString.lower()

    status = acme("purchase.order", "vendor_confirm", [order])
    assert status["state"] == "purchase"
    assert [ln["answer"] for ln in status["lines"]] == ["confirmed"]
    [row] = odoo.call(
        "purchase.order", "read", [order], ["jit_confirmation_channel", "jit_event_ids"]
    )
    assert row["jit_confirmation_channel"] == "api"
    events = odoo.call(
        "jit.purchase.event", "read", row["jit_event_ids"], ["event_type", "user_id"]
    )
    answer = [e for e in events if e["event_type"] == "line_confirmed"]
    assert [e["user_id"][0] for e in answer] == [acme_uid]


def test_another_vendor_reaches_nothing_over_rpc(odoo):
    """Issue 12.3 over XML-RPC, as two vendors: no search, read or answer of
    another vendor's order, lines, prices or forecast; id guessing fails."""
    tag = uuid.uuid4().hex[:6]
    acme_id, (_acme_uid, acme) = _vendor(odoo, tag, "Acme")
    _bolt_id, (_bolt_uid, bolt) = _vendor(odoo, tag, "Bolt")
    product = odoo.call(
        "product.product",
        "create",
        {
            "name": f"E2E secret {tag}",
            "seller_ids": [(0, 0, {"partner_id": acme_id, "price": 77.7})],
        },
    )
    order = odoo.call(
        "purchase.order",
        "create",
        {
            "partner_id": acme_id,
            "order_line": [(0, 0, {"product_id": product, "product_qty": 4})],
        },
    )
    odoo.call("purchase.order", "write", [order], {"state": "sent"})
    [line] = acme("purchase.order.line", "search", [("order_id", "=", order)])

    assert bolt("purchase.order", "search", [("partner_id", "=", acme_id)]) == []
    assert bolt("purchase.order.line", "search_read", [("id", "=", line)]) == []
    for method, args in (
        ("read", [[order], ["amount_total"]]),
        ("vendor_answer_status", [[order]]),
        ("vendor_confirm", [[order]]),
        ("vendor_reject", [[order], "mine now"]),
        ("vendor_answer", [[order], [{"line_id": line, "answer": "confirm"}]]),
        ("write", [[order], {"partner_ref": "hacked"}]),
    ):
        with pytest.raises(xmlrpc.client.Fault) as caught:
            bolt("purchase.order", method, *args)
        assert "access" in caught.value.faultString.lower(), (method, caught.value)
    with pytest.raises(xmlrpc.client.Fault):
        bolt("purchase.order.line", "read", [line], ["price_unit"])
    forecast = bolt("res.partner", "vendor_forecast")
    assert f"E2E secret {tag}" not in str(forecast)

    # Acme's own user: a line id of another order is refused by name; a
    # script tag in a comment is stored as text (the page escapes it).
    other = odoo.call(
        "purchase.order",
        "create",
        {
            "partner_id": acme_id,
            "order_line": [(0, 0, {"product_id": product, "product_qty": 1})],
        },
    )
    [other_line] = odoo.call(
        "purchase.order.line", "search", [("order_id", "=", other)]
    )
    with pytest.raises(xmlrpc.client.Fault) as caught:
        acme("purchase.order", "vendor_confirm", [order], line_ids=[other_line])
    assert f"Line {other_line} is not a line of order" in caught.value.faultString
    evil = "<script>alert(1)</script>"
    acme(
        "purchase.order",
        "vendor_counter_propose",
        [order],
        line,
        quantity=5,
        comment=evil,
    )
    [row] = odoo.call("purchase.order.line", "read", [line], ["vendor_comment"])
    assert row["vendor_comment"] == evil
    [state] = odoo.call("purchase.order", "read", [order], ["state"])
    assert state["state"] == "sent"
