#!/usr/bin/env python3
"""Screenshots of the main JIT screens (1400x900) for the README.

Usage (against a running Odoo with the demo data, e.g. ``make run``; it
changes the demo: the bearing's vendor delay becomes 30 days and its rule is
recomputed, so that one proposal waits for approval, unless --no-prepare)::

    python tools/screenshots.py http://127.0.0.1:8069 jit_demo admin admin \
        jit_replenishment/static/description/screenshots [--only NAME ...]

It signs in over JSON-RPC, starts headless Chromium with its DevTools port,
opens each screen, waits until the web client is idle and saves a PNG.
Needs ``websocket-client`` and a ``chromium`` (or ``$CHROMIUM``) binary; the
PNGs are then reduced (``pngquant``/``optipng`` when installed, else Pillow).
"""

from __future__ import annotations

import argparse
import base64
import http.cookiejar
import json
import os
import shutil
import socket
import subprocess
import tempfile
import time
import urllib.request
from pathlib import Path

import websocket

WIDTH, HEIGHT = 1400, 900

# (file name, what to open: an action's XML id and optionally a record, a
#  JavaScript snippet run once the page is idle, e.g. a click)
SCREENS = [
    ("jit-rules", "jit_replenishment.action_jit_orderpoints", None, None),
    ("jit-rule-waiting", "jit_replenishment.action_jit_orderpoints", "waiting", None),
    (
        "jit-consumption",
        "jit_replenishment.action_jit_orderpoints",
        "waiting",
        "document.querySelector(\"button[name='action_view_jit_consumption']\").click()",
    ),
    ("jit-runs", "jit_replenishment.action_jit_run", None, None),
    (
        "jit-purchase-order",
        "purchase.purchase_rfq",
        "jit_order",
        "document.querySelector(\".o_notebook a.nav-link[name='jit']\").click()",
    ),
    (
        "jit-settings",
        "stock.action_stock_config_settings",
        None,
        "document.getElementById('jit_default_profile').scrollIntoView()",
    ),
    (
        "jit-vendor-sla",
        "base.action_partner_supplier_form",
        "vendor",
        "document.querySelector(\".o_notebook a.nav-link[name='jit_sla']\").click()",
    ),
]


class Odoo:
    """JSON-RPC to the server, with the session cookie of the signed-in user."""

    def __init__(self, base, db, login, password):
        self.base = base.rstrip("/")
        self.jar = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(self.jar)
        )
        self.rpc("/web/session/authenticate", db=db, login=login, password=password)
        self.session_id = next(c.value for c in self.jar if c.name == "session_id")

    def rpc(self, path, **params):
        request = urllib.request.Request(
            self.base + path,
            data=json.dumps({"jsonrpc": "2.0", "params": params}).encode(),
            headers={"Content-Type": "application/json"},
        )
        answer = json.load(self.opener.open(request))
        if answer.get("error"):
            raise RuntimeError(answer["error"]["data"]["message"])
        return answer["result"]

    def call(self, model, method, *args, **kwargs):
        return self.rpc(
            "/web/dataset/call_kw",
            model=model,
            method=method,
            args=list(args),
            kwargs=kwargs,
        )

    def prepare_waiting_approval(self, code="JIT-BRG-6204", delay=30):
        """The demo's bearing vendor now needs `delay` days: recomputing its
        rule proposes a larger min/max, which waits for approval (done as a
        buyer would: the vendor price line, then Recompute now)."""
        rules = self.call(
            "stock.warehouse.orderpoint",
            "search_read",
            [("product_id.default_code", "=", code), ("jit_enabled", "=", True)],
            fields=["jit_state", "product_tmpl_id"],
        )
        if not rules or rules[0]["jit_state"] == "waiting":
            return
        lines = self.call(
            "product.supplierinfo",
            "search",
            [("product_tmpl_id", "=", rules[0]["product_tmpl_id"][0])],
        )
        self.call("product.supplierinfo", "write", lines, {"delay": delay})
        self.call(
            "stock.warehouse.orderpoint",
            "action_jit_recompute",
            [rule["id"] for rule in rules],
        )

    def record_path(self, action, which):
        """The URL of the action, or of the record `which` designates."""
        path = f"/odoo/action-{action}"
        if which == "waiting":
            ids = self.call(
                "stock.warehouse.orderpoint",
                "search",
                [("jit_enabled", "=", True), ("jit_state", "=", "waiting")],
                limit=1,
            )
        elif which == "vendor":
            ids = self.call(
                "res.partner",
                "search",
                [("jit_sla_contract_ids", "!=", False)],
                limit=1,
            )
        elif which == "jit_order":
            ids = self.call(
                "purchase.order",
                "search",
                [("jit_event_ids", "!=", False), ("state", "=", "purchase")],
                limit=1,
                order="id desc",
            )
        else:
            return path
        if not ids:
            raise RuntimeError(f"The demo has no record for {which!r}.")
        return f"{path}/{ids[0]}"


class Chromium:
    """A headless Chromium driven over the DevTools protocol."""

    def __init__(self):
        sock = socket.socket()
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
        sock.close()
        self.profile = tempfile.mkdtemp()
        binary = os.environ.get("CHROMIUM") or shutil.which("chromium") or "chromium"
        self.proc = subprocess.Popen(
            [
                binary,
                "--headless",
                "--no-sandbox",
                "--disable-gpu",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                f"--user-data-dir={self.profile}",
                f"--remote-debugging-port={port}",
                f"--window-size={WIDTH},{HEIGHT}",
                "about:blank",
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        for _attempt in range(100):
            try:
                tabs = json.load(
                    urllib.request.urlopen(f"http://127.0.0.1:{port}/json")
                )
                break
            except OSError:
                time.sleep(0.2)
        else:
            raise RuntimeError("Chromium did not start.")
        page = next(t for t in tabs if t["type"] == "page")
        self.ws = websocket.create_connection(page["webSocketDebuggerUrl"])
        self.counter = 0

    def send(self, method, **params):
        self.counter += 1
        self.ws.send(
            json.dumps({"id": self.counter, "method": method, "params": params})
        )
        while True:
            message = json.loads(self.ws.recv())
            if message.get("id") == self.counter:
                return message.get("result", {})

    def evaluate(self, expression):
        result = self.send(
            "Runtime.evaluate", expression=expression, returnByValue=True
        )
        return result.get("result", {}).get("value")

    def wait_idle(self, timeout=20.0):
        """Until the web client shows a view and has no RPC in flight."""
        deadline = time.time() + timeout
        while time.time() < deadline:
            if self.evaluate(
                "!!document.querySelector('.o_action_manager .o_view_controller')"
                " && !document.querySelector('.o_loading_indicator, .o_blockUI')"
            ):
                time.sleep(1.5)  # charts animate
                return
            time.sleep(0.3)

    def close(self):
        self.proc.kill()
        shutil.rmtree(self.profile, ignore_errors=True)


def shrink(path):
    """Reduce the PNG: pngquant/optipng when installed, else Pillow's palette
    (128 colours are plenty for the web client's flat colours)."""
    if shutil.which("pngquant"):
        subprocess.run(
            [
                "pngquant",
                "--force",
                "--skip-if-larger",
                "--output",
                str(path),
                "--quality",
                "70-90",
                str(path),
            ],
            check=False,
        )
    else:
        try:
            from PIL import Image
        except ImportError:
            return
        with Image.open(path) as image:
            small = image.convert("RGB").quantize(colors=128)
        small.save(path, optimize=True)
    if shutil.which("optipng"):
        subprocess.run(["optipng", "-quiet", "-o2", str(path)], check=False)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("url")
    parser.add_argument("db")
    parser.add_argument("login")
    parser.add_argument("password")
    parser.add_argument("outdir", type=Path)
    parser.add_argument("--only", nargs="*", help="screen names to take")
    parser.add_argument(
        "--no-prepare",
        action="store_true",
        help="do not make the demo bearing's rule wait for approval first "
        "(its vendor delay becomes 30 days and the rule is recomputed)",
    )
    args = parser.parse_args()
    args.outdir.mkdir(parents=True, exist_ok=True)
    odoo = Odoo(args.url, args.db, args.login, args.password)
    if not args.no_prepare:
        odoo.prepare_waiting_approval()
    browser = Chromium()
    try:
        host = args.url.split("//")[1].split(":")[0].split("/")[0]
        browser.send("Network.enable")
        browser.send(
            "Network.setCookie",
            name="session_id",
            value=odoo.session_id,
            domain=host,
            path="/",
        )
        browser.send(
            "Emulation.setDeviceMetricsOverride",
            width=WIDTH,
            height=HEIGHT,
            deviceScaleFactor=1,
            mobile=False,
        )
        for name, action, which, script in SCREENS:
            if args.only and name not in args.only:
                continue
            browser.send(
                "Page.navigate", url=odoo.base + odoo.record_path(action, which)
            )
            time.sleep(1)
            browser.wait_idle()
            if script:
                browser.evaluate(script)
                time.sleep(1)
                browser.wait_idle()
            data = browser.send("Page.captureScreenshot", format="png")["data"]
            out = args.outdir / f"{name}.png"
            out.write_bytes(base64.b64decode(data))
            shrink(out)
            print(f"saved {out} ({out.stat().st_size // 1024} KiB)")
    finally:
        browser.close()


if __name__ == "__main__":
    main()
