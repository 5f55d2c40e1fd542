"""`odoo-jit`: command line for the JIT suite over Odoo's external API.

This first version only checks the connection; later issues add commands.
"""

from __future__ import annotations

import argparse
import os
import sys

import requests

from . import __version__


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


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="odoo-jit", description=__doc__)
    parser.add_argument(
        "--version", action="version", version=f"odoo-jit {__version__}"
    )
    parser.add_argument(
        "--url",
        default=os.environ.get("ODOO_URL", "http://127.0.0.1:8069"),
        help="Odoo base URL (env ODOO_URL)",
    )
    sub = parser.add_subparsers(dest="command", required=True)
    sub.add_parser("ping", help="print the server's Odoo version")
    args = parser.parse_args(argv)
    if args.command == "ping":
        try:
            info = server_version(args.url)
        except (requests.RequestException, RuntimeError) as exc:
            print(f"odoo-jit: cannot reach {args.url}: {exc}", file=sys.stderr)
            return 2
        print(info.get("server_version", "?"))
    return 0


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
