"""jit_core.client and the odoo-jit command line against the live Odoo of the
end-to-end suite (no mocked server): both transports, the helpers, and every
failure with its message and exit code."""

import csv
import io
import os
import socket
import subprocess
import sys
import uuid

import pytest

from jit_core.client import (
    OdooAccessError,
    OdooAuthenticationError,
    OdooConnectionError,
    OdooValidationError,
)
from jit_core.jit_api import JitClient

TRANSPORTS = ["jsonrpc", "xmlrpc"]


@pytest.fixture(scope="module")
def conn():
    url = os.environ.get("JIT_E2E_URL")
    if not url:
        pytest.skip("JIT_E2E_URL is not set: run through `make test`")
    return {
        "url": url,
        "db": os.environ["JIT_E2E_DB"],
        "user": os.environ.get("JIT_E2E_LOGIN", "admin"),
        "password": os.environ.get("JIT_E2E_PASSWORD", "admin"),
    }


def _client(conn, transport="jsonrpc", **over):
    values = {**conn, **over}
    return JitClient(
        values["url"],
        values["db"],
        values["user"],
        values["password"],
        transport=transport,
        retries=0,
    )


def _cli(conn, tmp_path, *argv, password=None, db=None):
    pw = tmp_path / "password"
    pw.write_text((password or conn["password"]) + "\n")
    env = {k: v for k, v in os.environ.items() if not k.startswith("ODOO_")}
    env["HOME"] = str(tmp_path)  # no ~/.config/odoo-jit.ini
    proc = subprocess.run(
        [
            sys.executable,
            "-m",
            "jit_core.cli",
            *argv,
            "--url",
            conn["url"],
            "--db",
            db or conn["db"],
            "--user",
            conn["user"],
            "--password-file",
            str(pw),
            "--retries",
            "0",
        ],
        capture_output=True,
        text=True,
        timeout=120,
        env=env,
        cwd=tmp_path,
    )
    return proc.returncode, proc.stdout, proc.stderr


def _bolt_on_hand(client):
    [bolt] = client.call(
        "product.product",
        "search_read",
        [("default_code", "=", "JIT-BOLT-M8")],
        fields=["qty_available"],
    )
    return bolt["qty_available"]


@pytest.mark.parametrize("transport", TRANSPORTS)
def test_client_logs_in_and_reads(conn, transport):
    client = _client(conn, transport)
    assert client.authenticate() > 0
    rules = client.rule_status("JIT-BOLT-M8")
    assert len(rules) == 1 and rules[0]["jit_state"] == "applied"
    rfqs = client.open_rfqs()
    assert rfqs and {r["state"] for r in rfqs} <= {"draft", "sent", "to approve"}


@pytest.mark.parametrize("transport", TRANSPORTS)
def test_client_errors_are_classified(conn, transport):
    with pytest.raises(OdooAuthenticationError, match="login refused for 'admin'"):
        _client(conn, transport, password="wrong").authenticate()
    with pytest.raises(
        OdooAuthenticationError, match="database 'no_such_db_e2e' does not exist"
    ):
        _client(conn, transport, db="no_such_db_e2e").authenticate()
    client = _client(conn, transport)
    with pytest.raises(
        OdooValidationError,
        match="Product: no product with barcode or internal reference 'NO-SUCH-SKU'",
    ):
        client.consume("NO-SUCH-SKU", 1)
    with pytest.raises(OdooValidationError, match="Contacts require a name"):
        client.call("res.partner", "create", {"name": False})


def test_client_access_error(conn):
    tag = uuid.uuid4().hex[:6]
    admin = _client(conn)
    [internal] = admin.call(
        "ir.model.data",
        "search_read",
        [("module", "=", "base"), ("name", "=", "group_user")],
        fields=["res_id"],
    )
    admin.call(
        "res.users",
        "create",
        {
            "name": f"E2E clerk {tag}",
            "login": f"e2e-clerk-{tag}",
            "password": f"pw-{tag}-long",
            "groups_id": [(6, 0, [internal["res_id"]])],
        },
    )
    clerk = _client(conn, user=f"e2e-clerk-{tag}", password=f"pw-{tag}-long")
    with pytest.raises(OdooAccessError, match="stock.warehouse.orderpoint"):
        clerk.rule_status()


def _scans(client):
    return client.call("jit.consumption", "search_count", [])


def test_consume_moves_stock_out_at_once(conn):
    """One consumption scan (jit.consumption.scan) under a fresh key: one
    validated move to the production location, counted as consumption."""
    client = _client(conn, "xmlrpc")
    before = _bolt_on_hand(client)
    done = client.consume("JIT-BOLT-M8", 3, "WH/Stock")
    assert done["quantity"] == 3.0 and done["location"] == "WH/Stock"
    assert done["kind"] == "scan" and done["can_undo"]
    assert _bolt_on_hand(client) == before - 3
    [scan] = client.call(
        "jit.consumption", "read", [done["id"]], ["idempotency_key", "move_id"]
    )
    assert scan["idempotency_key"] == done["key"]
    assert scan["move_id"][0] == done["move_id"]
    [move] = client.call(
        "stock.move", "read", [done["move_id"]], ["state", "location_dest_id"]
    )
    assert move["state"] == "done"
    [dest] = client.call(
        "stock.location", "read", [move["location_dest_id"][0]], ["usage"]
    )
    assert dest["usage"] == "production"
    # Each call makes its own key: a second consumption is a second scan.
    again = client.consume("JIT-BOLT-M8", 3, "WH/Stock")
    assert again["id"] != done["id"] and again["key"] != done["key"]
    assert _bolt_on_hand(client) == before - 6


@pytest.mark.parametrize("transport", TRANSPORTS)
def test_consume_with_a_key_is_recorded_once(conn, transport):
    """The same key again (a resend after a lost answer) returns the
    recorded scan, no second move; the same key for another quantity is
    refused."""
    client = _client(conn, transport)
    key = f"e2e-{uuid.uuid4().hex}"
    before, scans = _bolt_on_hand(client), _scans(client)
    first = client.consume("JIT-BOLT-M8", 2, "WH/Stock", key=key)
    assert client.consume("JIT-BOLT-M8", 2, "WH/Stock", key=key) == first
    assert first["key"] == key
    assert _bolt_on_hand(client) == before - 2
    assert _scans(client) == scans + 1
    with pytest.raises(OdooValidationError, match="was already used for another"):
        client.consume("JIT-BOLT-M8", 5, "WH/Stock", key=key)
    assert _bolt_on_hand(client) == before - 2


def test_consume_bad_input_changes_nothing(conn):
    client = _client(conn)
    moves, scans = client.call("stock.move", "search_count", []), _scans(client)
    for qty in (0, -2, "abc"):
        with pytest.raises(OdooValidationError, match="quantity must be"):
            client.consume("JIT-BOLT-M8", qty)
    with pytest.raises(OdooValidationError, match="Location: no location 'Nowhere/X'"):
        client.consume("JIT-BOLT-M8", 1, "Nowhere/X")
    with pytest.raises(OdooValidationError, match="key must be a non-empty text"):
        client.consume("JIT-BOLT-M8", 1, key="  ")
    assert client.call("stock.move", "search_count", []) == moves
    assert _scans(client) == scans


def test_nothing_listening_is_a_connection_error(conn):
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    with pytest.raises(OdooConnectionError, match="cannot connect to"):
        _client(conn, url=f"http://127.0.0.1:{port}").authenticate()


def test_vendor_answers_through_the_client(conn):
    tag = uuid.uuid4().hex[:6]
    admin = _client(conn)
    [portal] = admin.call(
        "ir.model.data",
        "search_read",
        [("module", "=", "base"), ("name", "=", "group_portal")],
        fields=["res_id"],
    )
    vendor = admin.call(
        "res.partner", "create", {"name": f"E2E vendor {tag}", "is_company": True}
    )
    contact = admin.call(
        "res.partner",
        "create",
        {"name": f"E2E vendor sales {tag}", "parent_id": vendor},
    )
    admin.call(
        "res.users",
        "create",
        {
            "login": f"e2e-vendor-{tag}",
            "password": f"pw-{tag}-long",
            "partner_id": contact,
            "groups_id": [(6, 0, [portal["res_id"]])],
        },
    )
    product = admin.call("product.product", "create", {"name": f"E2E part {tag}"})
    orders = [
        admin.call(
            "purchase.order",
            "create",
            {
                "partner_id": vendor,
                "order_line": [(0, 0, {"product_id": product, "product_qty": 5})],
            },
        )
        for _ in range(3)
    ]
    admin.call("purchase.order", "write", orders, {"state": "sent"})
    names = [o["name"] for o in admin.call("purchase.order", "read", orders, ["name"])]
    me = _client(conn, user=f"e2e-vendor-{tag}", password=f"pw-{tag}-long")
    assert me.vendor_confirm(names[0])["lines"][0]["answer"] == "confirmed"
    rejected = me.vendor_reject(names[1], "No stock")
    assert rejected["lines"][0]["answer"] == "rejected"
    [line] = me.call("purchase.order.line", "search", [("order_id", "=", orders[2])])
    # Refused as on the portal page: a clear message, nothing changed.
    with pytest.raises(OdooValidationError, match="must be more than zero"):
        me.vendor_counter_propose(names[2], line, quantity=-1)
    proposed = me.vendor_counter_propose(names[2], line, quantity=4)
    assert proposed["lines"][0]["answer"] == "proposed"
    with pytest.raises(OdooValidationError, match="unknown purchase order 'P-NONE'"):
        me.vendor_confirm("P-NONE")


# --- the command line --------------------------------------------------------


def test_cli_status_and_csv(conn, tmp_path):
    code, out, err = _cli(conn, tmp_path, "status", "JIT-BOLT-M8", "--csv")
    assert code == 0, err
    [row] = list(csv.DictReader(io.StringIO(out)))
    assert row["product_id"] == "[JIT-BOLT-M8] JIT Hex Bolt M8"
    assert row["jit_state"] == "applied"
    code, out, err = _cli(conn, tmp_path, "rfqs")
    assert code == 0, err
    assert out.splitlines()[0].split()[:2] == ["order", "vendor"]


def test_cli_consume(conn, tmp_path):
    code, out, err = _cli(conn, tmp_path, "consume", "JIT-BOLT-M8", "1")
    assert code == 0, err
    assert (
        "1 Units x [JIT-BOLT-M8] JIT Hex Bolt M8 consumed from WH/Stock "
        "to Virtual Locations/Production" in out
    )
    assert "key " in out
    # --key: the same key again prints the same scan; another quantity
    # under it is refused (exit 1).
    key = f"cli-{uuid.uuid4().hex}"
    code, first, err = _cli(conn, tmp_path, "consume", "JIT-BOLT-M8", "1", "--key", key)
    assert code == 0, err
    assert f"(key {key})" in first
    code, again, err = _cli(conn, tmp_path, "consume", "JIT-BOLT-M8", "1", "--key", key)
    assert (code, again) == (0, first), err
    code, _out, err = _cli(conn, tmp_path, "consume", "JIT-BOLT-M8", "2", "--key", key)
    assert code == 1
    assert f"Idempotency key: '{key}' was already used" in err


@pytest.mark.parametrize(
    "argv, over, code, message",
    [
        (["status"], {"password": "wrong"}, 4, "login refused for 'admin'"),
        (
            ["status"],
            {"db": "no_such_db_e2e"},
            4,
            "database 'no_such_db_e2e' does not exist",
        ),
        (
            ["consume", "NO-SUCH-SKU", "1"],
            {},
            1,
            "Product: no product with barcode or internal reference 'NO-SUCH-SKU'",
        ),
        (["consume", "JIT-BOLT-M8", "0"], {}, 1, "quantity must be > 0, got '0'"),
        (
            ["consume", "JIT-BOLT-M8"],
            {},
            2,
            "the following arguments are required: qty",
        ),
        (["backtest", "--window", "x"], {}, 2, "must be an integer >= 1, got 'x'"),
    ],
)
def test_cli_failures_exit_non_zero_with_a_message(
    conn, tmp_path, argv, over, code, message
):
    got, out, err = _cli(conn, tmp_path, *argv, **over)
    assert got == code, (out, err)
    assert message in err
    assert "Traceback" not in err


def test_cli_server_gone_exits_3(conn, tmp_path):
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    code, _out, err = _cli(
        {**conn, "url": f"http://127.0.0.1:{port}"}, tmp_path, "status"
    )
    assert code == 3
    assert f"cannot connect to http://127.0.0.1:{port}" in err


def test_cli_backtest_on_the_live_history(conn, tmp_path):
    code, out, err = _cli(
        conn,
        tmp_path,
        "backtest",
        "--csv",
        "--window",
        "30",
        "--days",
        "200",
        "--chart",
        str(tmp_path / "live.png"),
    )
    assert code == 0, err
    rows = list(csv.DictReader(io.StringIO(out)))
    assert [r["policy"] for r in rows] == [
        "actual",
        "JIT 90%",
        "JIT 95%",
        "JIT 98%",
        "JIT 99%",
    ]
    jit_rules = _client(conn).call(
        "stock.warehouse.orderpoint", "search_count", [("jit_enabled", "=", True)]
    )
    assert rows[1]["wins"].endswith(f"/{jit_rules}")
    assert (tmp_path / "live.png").read_bytes()[:4] == b"\x89PNG"
