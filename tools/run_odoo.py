#!/usr/bin/env python3
"""`make run`: serve Odoo 18 with both addons on a local database.

Creates the database with demo data and installs jit_replenishment and
supplier_portal on first use, then serves it on 127.0.0.1:PORT.
Uses the same environment as the test command (ODOO_PYTHON, ODOO_BIN,
ODOO_ADDONS_PATH, PG*); `make run` prepares it (tools/bootstrap.py).
"""

import argparse
import signal
import subprocess
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import run_tests as rt  # noqa: E402


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--db", default="jit_demo")
    parser.add_argument("--port", type=int, default=8069)
    args = parser.parse_args()
    found = rt.find_odoo()
    if isinstance(found, str):
        sys.exit(f"Odoo 18 not found: {found}. Run `make run`, or set ODOO_SRC.")
    python, env, odoo_pkg, _version = found
    env = {**env, **rt.pg_env()}
    data_dir = rt.CACHE / "run-data"
    data_dir.mkdir(parents=True, exist_ok=True)
    rt.ARTIFACTS.mkdir(exist_ok=True)
    cfg = rt.ARTIFACTS / "odoo-run.conf"
    rt.write_config(cfg, odoo_pkg, data_dir, db=args.db, port=args.port)
    exists = rt.psql(f"SELECT 1 FROM pg_database WHERE datname = '{args.db}'")
    # Odoo 18's own DeprecationWarnings (Werkzeug) would flood the console.
    cmd = [
        *rt.odoo_cmd(python, odoo_pkg),
        "-c",
        str(cfg),
        "-d",
        args.db,
        "--log-handler=py.warnings:ERROR",
    ]
    if not exists:
        cmd += ["-i", ",".join(rt.ADDONS)]
        print(
            f"Creating database {args.db} with demo data (a few minutes the first time)"
        )
    url = f"http://127.0.0.1:{args.port}"
    server = subprocess.Popen(cmd, env=env)
    try:
        if rt.wait_for_server(url, server, timeout=1800):
            print(f"\nOdoo 18 with JIT Replenishment on {url} (database {args.db})")
            for line in demo_logins(args.db):
                print(f"  {line}")
            print("Stop with Ctrl+C.", flush=True)
        return server.wait()
    except KeyboardInterrupt:
        server.send_signal(signal.SIGINT)
        return server.wait()


# Logins worth knowing on a demo database (Odoo's own demo users).
DEMO_LOGINS = [
    ("admin", "admin", "administrator, JIT Manager"),
    ("demo", "demo", "internal user (Inventory and Purchase)"),
    ("portal", "portal", "portal user"),
]


def demo_logins(db):
    present = set(
        rt.psql(
            "SELECT login FROM res_users"
            " WHERE active AND login IN ('admin', 'demo', 'portal')",
            db=db,
        ).split()
    )
    return [
        f"{login} / {pw}: {what}" for login, pw, what in DEMO_LOGINS if login in present
    ]


if __name__ == "__main__":
    sys.exit(main())
