"""odoo-jit: the JIT suite's command line.

Backtest JIT policies on the shipped demo history (no Odoo needed) or on a
live Odoo's history, record consumption, read the JIT rules' status, list
open RFQs and answer them as a vendor, over Odoo's external API.

Connection settings come from options, else environment variables (ODOO_URL,
ODOO_DB, ODOO_USER, ODOO_API_KEY or ODOO_PASSWORD), else a config file
(--config, $ODOO_JIT_CONFIG or ~/.config/odoo-jit.ini, section [odoo] with
url, db, user, api_key or password). Secrets are never taken from the
command line: use --api-key-file / --password-file, the environment or the
config file.

Exit codes: 0 done; 1 Odoo refused (validation, access, unknown record);
2 bad arguments; 3 Odoo unreachable or the connection dropped; 4 login refused.
"""

from __future__ import annotations

import argparse
import configparser
import os
import sys
from pathlib import Path

import requests

from . import __version__
from .cli_backtest import add_backtest_parser, run_backtest
from .cli_output import UsageError, print_table
from .client import (
    OdooAuthenticationError,
    OdooConnectionError,
    OdooError,
)

EXIT_REFUSED, EXIT_USAGE, EXIT_CONNECTION, EXIT_AUTH = 1, 2, 3, 4
DEFAULT_CONFIG = Path.home() / ".config" / "odoo-jit.ini"


def server_version(url: str, timeout: float = 10.0) -> dict:
    """Odoo's /web/webclient/version_info, e.g. {'server_version': '18.0'}."""
    resp = requests.post(
        url.rstrip("/") + "/web/webclient/version_info",
        json={"jsonrpc": "2.0", "method": "call", "params": {}},
        timeout=timeout,
    )
    resp.raise_for_status()
    body = resp.json()
    if "error" in body:
        raise RuntimeError(body["error"].get("message", "Odoo returned an error"))
    return body["result"]


def _read_secret(path: str, what: str) -> str:
    try:
        text = Path(path).read_text().strip()
    except OSError as exc:
        raise UsageError(
            f"cannot read the {what} file {path!r}: {exc.strerror}"
        ) from None
    if not text:
        raise UsageError(f"the {what} file {path!r} is empty")
    return text


def connection_settings(args) -> dict:
    """url, db, user and secret: options, then environment, then config file."""
    config_path = args.config or os.environ.get("ODOO_JIT_CONFIG")
    conf: dict = {}
    if config_path or DEFAULT_CONFIG.exists():
        path = Path(config_path) if config_path else DEFAULT_CONFIG
        parser = configparser.ConfigParser()
        try:
            if not parser.read(path):
                raise UsageError(f"cannot read the config file {str(path)!r}")
        except configparser.Error as exc:
            raise UsageError(f"config file {str(path)!r} is not valid: {exc}") from None
        conf = dict(parser["odoo"]) if parser.has_section("odoo") else {}
    env = os.environ
    settings = {
        "url": args.url or env.get("ODOO_URL") or conf.get("url"),
        "db": args.db or env.get("ODOO_DB") or conf.get("db"),
        "user": args.user or env.get("ODOO_USER") or conf.get("user"),
    }
    if args.api_key_file:
        settings["secret"] = _read_secret(args.api_key_file, "API key")
    elif args.password_file:
        settings["secret"] = _read_secret(args.password_file, "password")
    else:
        settings["secret"] = (
            env.get("ODOO_API_KEY")
            or env.get("ODOO_PASSWORD")
            or conf.get("api_key")
            or conf.get("password")
        )
    missing = [
        {
            "url": "--url",
            "db": "--db",
            "user": "--user",
            "secret": "--api-key-file or --password-file",
        }[k]
        for k, v in settings.items()
        if not v
    ]
    if missing:
        raise UsageError(
            "missing connection settings: "
            + ", ".join(missing)
            + " (or the environment variables / config file, see --help)"
        )
    return settings


def make_client(args):
    from .jit_api import JitClient

    s = connection_settings(args)
    try:
        return JitClient(
            s["url"],
            s["db"],
            s["user"],
            s["secret"],
            transport=args.transport,
            timeout=args.timeout,
            retries=args.retries,
        )
    except ValueError as exc:
        raise UsageError(str(exc)) from None


def _add_connection(parser: argparse.ArgumentParser) -> None:
    group = parser.add_argument_group("connection (also from env / config file)")
    group.add_argument(
        "--url", help="Odoo base URL, e.g. https://erp.example.com (env ODOO_URL)"
    )
    group.add_argument("--db", help="database name (env ODOO_DB)")
    group.add_argument("--user", help="login (env ODOO_USER)")
    secret = group.add_mutually_exclusive_group()
    secret.add_argument(
        "--api-key-file",
        metavar="FILE",
        help="file holding an API key (env ODOO_API_KEY)",
    )
    secret.add_argument(
        "--password-file",
        metavar="FILE",
        help="file holding the password (env ODOO_PASSWORD)",
    )
    group.add_argument(
        "--config",
        metavar="FILE",
        help="config file ([odoo] url, db, user, api_key|password); "
        f"default $ODOO_JIT_CONFIG or {DEFAULT_CONFIG}",
    )
    group.add_argument(
        "--transport",
        choices=("jsonrpc", "xmlrpc"),
        default="jsonrpc",
        help="external API protocol (default jsonrpc)",
    )
    group.add_argument(
        "--timeout",
        type=float,
        default=30.0,
        help="seconds to wait for each call (default 30)",
    )
    group.add_argument(
        "--retries",
        type=int,
        default=2,
        help="retries when the server cannot be reached (default 2)",
    )


class _Parser(argparse.ArgumentParser):
    """No abbreviated options: `--password secret` must not pass for
    `--password-file secret`."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("allow_abbrev", False)
        super().__init__(*args, **kwargs)


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog="odoo-jit",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument(
        "--version", action="version", version=f"odoo-jit {__version__}"
    )
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    ping = sub.add_parser("ping", help="print the server's Odoo version")
    ping.add_argument(
        "--url",
        default=os.environ.get("ODOO_URL", "http://127.0.0.1:8069"),
        help="Odoo base URL (env ODOO_URL)",
    )

    add_backtest_parser(sub, _add_connection)

    _add_stock_parsers(sub)
    _add_purchase_parsers(sub)
    return parser


def _run(args) -> int:
    if args.command == "ping":
        try:
            info = server_version(args.url)
        except (requests.RequestException, RuntimeError, ValueError) as exc:
            raise OdooConnectionError(f"cannot reach {args.url}: {exc}") from None
        print(info.get("server_version", "?"))
        return 0
    if args.command == "backtest":
        return run_backtest(args, make_client)
    client = make_client(args)
    if args.command == "status":
        _print_status(client, args)
    elif args.command == "consume":
        _print_consume(client, args)
    elif args.command == "rfqs":
        _print_rfqs(client, args)
    elif args.command == "vendor":
        _print_vendor_answer(client, args)
    return 0


def _add_stock_parsers(sub) -> None:
    """The `status` and `consume` commands."""
    status = sub.add_parser("status", help="the JIT reorder rules: state, min/max, ADU")
    status.add_argument(
        "sku", nargs="?", help="only this product (reference or barcode)"
    )
    status.add_argument("--csv", action="store_true", help="CSV instead of a table")
    _add_connection(status)

    consume = sub.add_parser(
        "consume",
        help="record a consumption scan (a validated move to the warehouse's "
        "consumption location)",
    )
    consume.add_argument("sku", help="product internal reference or barcode")
    consume.add_argument("qty", help="quantity consumed, in the product's unit (> 0)")
    consume.add_argument(
        "--location",
        help="source location (full name or barcode); "
        "default: the first warehouse's stock",
    )
    consume.add_argument(
        "--key",
        help="idempotency key of the scan (default: a new one); the same key "
        "again returns the recorded scan instead of consuming twice",
    )
    _add_connection(consume)


def _add_purchase_parsers(sub) -> None:
    """The `rfqs` and `vendor` commands."""
    rfqs = sub.add_parser("rfqs", help="list open RFQs (draft, sent, to approve)")
    rfqs.add_argument("--vendor", help="only vendors whose name contains this")
    rfqs.add_argument("--csv", action="store_true", help="CSV instead of a table")
    _add_connection(rfqs)

    vendor = sub.add_parser("vendor", help="answer an RFQ as its vendor (portal user)")
    vsub = vendor.add_subparsers(dest="answer", required=True, metavar="ANSWER")
    for name, text in (
        ("confirm", "confirm lines as ordered"),
        ("reject", "reject lines, with a reason"),
        ("propose", "counter-propose a quantity and/or date for one line"),
    ):
        p = vsub.add_parser(name, help=text)
        p.add_argument("order", help="purchase order reference, e.g. P00012")
        if name == "propose":
            p.add_argument("line", type=int, help="order line id")
            p.add_argument("--qty", type=float, help="proposed quantity")
            p.add_argument("--date", help="proposed date, YYYY-MM-DD")
            p.add_argument("--comment", help="a note for the buyer")
        else:
            p.add_argument(
                "--lines",
                type=lambda s: [int(x) for x in s.split(",")],
                help="comma-separated line ids (default: every pending line)",
            )
        if name == "reject":
            p.add_argument("--reason", required=True, help="why (shown to the buyer)")
        _add_connection(p)


def _print_status(client, args) -> None:
    """`status`: the JIT reorder rules as a table (or CSV)."""
    rows = client.rule_status(args.sku)
    print_table(
        rows,
        [
            ("product_id", "product"),
            ("location_id", "location"),
            ("jit_state", "state"),
            ("product_min_qty", "min"),
            ("product_max_qty", "max"),
            ("qty_forecast", "forecast"),
            ("jit_adu", "ADU"),
            ("jit_lead_time", "lead time"),
        ],
        as_csv=args.csv,
    )


def _print_consume(client, args) -> None:
    """`consume`: record a scan and print what was consumed."""
    done = client.consume(args.sku, args.qty, args.location, args.key)
    print(
        f"scan {done['id']}: {done['quantity']:g} {done['uom']} x "
        f"{done['product']} consumed from {done['location']} to "
        f"{done['location_dest']} (key {done['key']})"
    )


def _print_rfqs(client, args) -> None:
    """`rfqs`: the open RFQs as a table (or CSV)."""
    rows = client.open_rfqs(args.vendor)
    print_table(
        rows,
        [
            ("name", "order"),
            ("partner_id", "vendor"),
            ("state", "state"),
            ("date_order", "ordered"),
            ("date_planned", "expected"),
            ("amount_total", "total"),
        ],
        as_csv=args.csv,
    )


def _print_vendor_answer(client, args) -> None:
    """`vendor`: send the vendor's answer and print the order's lines."""
    if args.answer == "confirm":
        status = client.vendor_confirm(args.order, args.lines)
    elif args.answer == "reject":
        status = client.vendor_reject(args.order, args.reason, args.lines)
    else:
        status = client.vendor_counter_propose(
            args.order, args.line, args.qty, args.date, args.comment
        )
    print(f"{status['order']}: {status.get('vendor_state') or status['state']}")
    print_table(
        status["lines"],
        [
            ("id", "line"),
            ("product", "product"),
            ("answer", "answer"),
            ("quantity", "qty"),
            ("date_planned", "date"),
        ],
    )


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)  # exits 2 with a message on bad arguments
    try:
        return _run(args)
    except UsageError as exc:
        parser.error(str(exc))  # exit 2
    except OdooAuthenticationError as exc:
        code, exc_text = EXIT_AUTH, str(exc)
    except OdooConnectionError as exc:
        code, exc_text = EXIT_CONNECTION, str(exc)
    except OdooError as exc:
        code, exc_text = EXIT_REFUSED, str(exc)
    print(f"odoo-jit: error: {exc_text}", file=sys.stderr)
    return code


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
