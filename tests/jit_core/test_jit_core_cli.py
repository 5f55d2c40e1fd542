"""odoo-jit without an Odoo server: the demo backtest, bad arguments, settings,
and connections that fail (nothing listening; a server that drops the
connection in the middle of a call). Live Odoo: tests/e2e/test_client_e2e.py."""

import csv
import io
import socket
import threading

import pytest

from jit_core import chart, cli, cli_backtest
from jit_core.client import OdooClient, OdooConnectionError


@pytest.fixture(autouse=True)
def _no_settings(monkeypatch, tmp_path):
    for name in (
        "ODOO_URL",
        "ODOO_DB",
        "ODOO_USER",
        "ODOO_API_KEY",
        "ODOO_PASSWORD",
        "ODOO_JIT_CONFIG",
    ):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setattr(cli, "DEFAULT_CONFIG", tmp_path / "absent.ini")


def test_backtest_demo_prints_the_table_and_writes_the_chart(tmp_path, capsys):
    png = tmp_path / "chart.png"
    assert cli.main(["backtest", "--demo", "--chart", str(png)]) == 0
    out = capsys.readouterr().out
    lines = out.splitlines()
    assert lines[0].startswith("Backtest of 300 SKUs over 365 days (demo history)")
    assert lines[1].split()[:3] == ["policy", "stock-out", "days"]
    names = [line.split()[0] + " " + line.split()[1] for line in lines[4:8]]
    assert lines[3].startswith("actual")
    assert names == ["JIT 90%", "JIT 95%", "JIT 98%", "JIT 99%"]
    assert f"Chart: {png}" in out
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_backtest_demo_csv_is_the_same_figures(tmp_path, capsys):
    args = ["backtest", "--demo", "--no-chart", "--service-levels", "0.95"]
    assert cli.main([*args, "--csv"]) == 0
    rows = list(csv.DictReader(io.StringIO(capsys.readouterr().out)))
    assert [r["policy"] for r in rows] == ["actual", "JIT 95%"]
    assert rows[1]["wins"].endswith("/300")
    assert cli.main(args) == 0
    table = capsys.readouterr().out
    assert f"{int(rows[1]['stockout_days'])}" in table
    assert f"{float(rows[1]['avg_value']):,.2f}" in table


def test_backtest_without_matplotlib_still_prints_and_says_how(
    monkeypatch, tmp_path, capsys
):
    monkeypatch.setattr(cli_backtest, "have_matplotlib", lambda: False)
    png = tmp_path / "none.png"
    assert cli.main(["backtest", "--demo", "--chart", str(png)]) == 0
    captured = capsys.readouterr()
    assert "JIT 99%" in captured.out
    assert chart.PLOT_HINT in captured.err
    assert not png.exists()


@pytest.mark.parametrize(
    "argv, message",
    [
        (
            ["backtest", "--demo", "--service-levels", "1.5"],
            "service levels must be in (0, 1), got '1.5'",
        ),
        (
            ["backtest", "--demo", "--service-levels", "high"],
            "service levels must be numbers like 0.95,0.98, got 'high'",
        ),
        (["backtest", "--demo", "--window", "0"], "must be an integer >= 1, got '0'"),
        (
            ["backtest", "--demo", "--window", "500"],
            "--window 500 leaves no day to replay: the history has 455 days",
        ),
        (
            ["backtest", "--demo", "--holding-rate", "-1"],
            "--holding-rate must be >= 0, got -1.0",
        ),
        (["backtest"], "missing connection settings: --url, --db, --user"),
        (["status"], "missing connection settings: --url, --db, --user"),
        (["consume", "SKU"], "the following arguments are required: qty"),
        (["frobnicate"], "invalid choice: 'frobnicate'"),
        (
            [
                "status",
                "--url",
                "http://x",
                "--db",
                "d",
                "--user",
                "u",
                "--password-file",
                "/nonexistent/pw",
            ],
            "cannot read the password file '/nonexistent/pw'",
        ),
        (
            [
                "status",
                "--url",
                "ftp://x",
                "--db",
                "d",
                "--user",
                "u",
                "--password-file",
                __file__,
            ],
            "url must start with http:// or https://, got 'ftp://x'",
        ),
    ],
)
def test_bad_arguments_exit_2_with_a_message(argv, message, capsys):
    with pytest.raises(SystemExit) as exit_:
        cli.main(argv)
    assert exit_.value.code == 2
    assert message in capsys.readouterr().err


def test_password_is_not_an_option(capsys):
    with pytest.raises(SystemExit) as exit_:
        cli.main(["status", "--password", "secret"])
    assert exit_.value.code == 2
    assert "unrecognized arguments: --password" in capsys.readouterr().err


def test_settings_from_config_file_and_environment(monkeypatch, tmp_path):
    ini = tmp_path / "odoo-jit.ini"
    ini.write_text("[odoo]\nurl = http://conf\ndb = confdb\nuser = bob\napi_key = k1\n")
    args = cli.build_parser().parse_args(["status", "--config", str(ini)])
    assert cli.connection_settings(args) == {
        "url": "http://conf",
        "db": "confdb",
        "user": "bob",
        "secret": "k1",
    }
    # The environment wins over the file, options over both.
    monkeypatch.setenv("ODOO_DB", "envdb")
    monkeypatch.setenv("ODOO_API_KEY", "k2")
    args = cli.build_parser().parse_args(
        ["status", "--config", str(ini), "--user", "alice"]
    )
    assert cli.connection_settings(args) == {
        "url": "http://conf",
        "db": "envdb",
        "user": "alice",
        "secret": "k2",
    }


def _free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_nothing_listening_exits_3_after_retries(tmp_path, capsys):
    port = _free_port()
    pw = tmp_path / "pw"
    pw.write_text("admin\n")
    code = cli.main(
        [
            "status",
            "--url",
            f"http://127.0.0.1:{port}",
            "--db",
            "d",
            "--user",
            "admin",
            "--password-file",
            str(pw),
            "--retries",
            "1",
        ]
    )
    assert code == 3
    err = capsys.readouterr().err
    assert (
        f"odoo-jit: error: cannot connect to http://127.0.0.1:{port} (2 attempts)"
        in err
    )


def test_connection_dropped_mid_call_is_reported_not_retried():
    # A server that reads the request and closes the connection unanswered.
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen()
    seen = []

    def serve():
        for _ in range(3):
            try:
                conn, _addr = server.accept()
            except OSError:
                return
            seen.append(conn.recv(65536))
            conn.close()

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    port = server.getsockname()[1]
    client = OdooClient(
        f"http://127.0.0.1:{port}", "d", "u", "pw", retries=2, backoff=0
    )
    with pytest.raises(OdooConnectionError) as err:
        client.version()
    server.close()
    assert "dropped during the call (it may or may not have been applied)" in str(
        err.value
    )
    assert len(seen) == 1  # not repeated


def test_slow_server_times_out():
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen()  # accepts (backlog) but never answers
    port = server.getsockname()[1]
    client = OdooClient(
        f"http://127.0.0.1:{port}", "d", "u", "pw", timeout=0.3, transport="xmlrpc"
    )
    with pytest.raises(OdooConnectionError, match="did not answer within 0.3 s"):
        client.version()
    server.close()
