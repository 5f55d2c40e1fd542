"""JIT reordering rules driven over XML-RPC, against the demo database."""

import xmlrpc.client

import pytest

FIELDS = [
    "jit_state",
    "jit_adu",
    "jit_sigma",
    "jit_adu_source",
    "product_min_qty",
    "product_max_qty",
]


def _demo_rule(odoo, code):
    rows = odoo.call(
        "stock.warehouse.orderpoint",
        "search_read",
        [("product_id.default_code", "=", code), ("jit_enabled", "=", True)],
        fields=FIELDS,
    )
    assert len(rows) == 1, rows
    return rows[0]


def test_demo_rules_are_computed_after_install(odoo):
    bolt = _demo_rule(odoo, "JIT-BOLT-M8")
    assert bolt["jit_state"] == "applied"
    assert bolt["jit_adu"] > 0
    assert bolt["product_min_qty"] > 0
    assert bolt["product_max_qty"] > bolt["product_min_qty"]
    assert bolt["jit_adu_source"] == "history"
    # The new gasket kit has no history: it runs on its typed initial ADU.
    gasket = _demo_rule(odoo, "JIT-GSK-NEW")
    assert (gasket["jit_state"], gasket["jit_adu_source"]) == ("applied", "seed")
    assert gasket["jit_adu"] == 4.0
    assert gasket["product_min_qty"] > 0


def test_recompute_now_over_rpc_is_idempotent(odoo):
    before = _demo_rule(odoo, "JIT-BRG-6204")
    result = odoo.call(
        "stock.warehouse.orderpoint", "action_jit_recompute", [before["id"]]
    )
    assert result["tag"] == "display_notification"
    after = _demo_rule(odoo, "JIT-BRG-6204")
    assert after == before


def test_scheduler_job_records_a_run(odoo):
    cron_id = odoo.call(
        "ir.model.data",
        "check_object_reference",
        "jit_replenishment",
        "ir_cron_jit_recompute",
    )[1]
    odoo.call("ir.cron", "method_direct_trigger", [cron_id])
    runs = odoo.call(
        "jit.run",
        "search_read",
        [("origin", "=", "cron")],
        fields=["state", "rule_count", "applied_count"],
        order="id desc",
        limit=1,
    )
    assert runs and runs[0]["state"] == "done"
    assert runs[0]["rule_count"] >= 3
    assert runs[0]["applied_count"] >= 3


def test_bad_profile_is_refused_with_a_clear_message(odoo):
    count = odoo.call("jit.profile", "search_count", [])
    with pytest.raises(xmlrpc.client.Fault) as caught:
        odoo.call("jit.profile", "create", {"name": "Bad", "service_level": 1.5})
    assert "service level" in caught.value.faultString
    assert "1.5" in caught.value.faultString
    assert odoo.call("jit.profile", "search_count", []) == count
