"""Vendor confirmations and SLA contracts over XML-RPC."""

import uuid
import xmlrpc.client

import pytest


def test_confirmation_through_the_api_is_recorded_as_such(odoo):
    tag = uuid.uuid4().hex[:6]
    vendor = odoo.call("res.partner", "create", {"name": f"E2E vendor {tag}"})
    product = odoo.call(
        "product.product", "create", {"name": f"E2E part {tag}", "is_storable": True}
    )
    order = odoo.call(
        "purchase.order",
        "create",
        {
            "partner_id": vendor,
            "order_line": [(0, 0, {"product_id": product, "product_qty": 3})],
        },
    )
    odoo.call("purchase.order", "button_confirm", [order])
    [row] = odoo.call(
        "purchase.order",
        "read",
        [order],
        ["state", "jit_confirmation_channel", "jit_event_ids"],
    )
    assert row["state"] == "purchase"
    assert row["jit_confirmation_channel"] == "api"
    events = odoo.call(
        "jit.purchase.event",
        "read",
        row["jit_event_ids"],
        ["event_type", "channel", "promised_qty"],
    )
    assert {e["event_type"] for e in events} == {"confirmed", "promise"}
    assert {e["channel"] for e in events} == {"api"}
    assert [e["promised_qty"] for e in events if e["event_type"] == "promise"] == [3]


def test_bad_sla_contract_is_refused_naming_the_value(odoo):
    vendor = odoo.call("res.partner", "create", {"name": "E2E SLA vendor"})
    with pytest.raises(xmlrpc.client.Fault) as caught:
        odoo.call(
            "jit.sla.contract",
            "create",
            {"partner_id": vendor, "target_on_time_rate": 1.7},
        )
    assert "1.7" in caught.value.faultString
    assert not odoo.call("jit.sla.contract", "search", [("partner_id", "=", vendor)])
