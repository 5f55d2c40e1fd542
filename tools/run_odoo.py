#!/usr/bin/env python3
"""`make run`: serve Odoo 18 with both addons on a local database.

Creates the database with demo data and installs jit_replenishment and
supplier_portal on first use, then serves it on 127.0.0.1:PORT.
Uses the same environment as the test command (ODOO_PYTHON, ODOO_BIN,
ODOO_ADDONS_PATH, PG*).
"""

import argparse
import os
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
        sys.exit(f"Odoo 18 not found: {found}. Set ODOO_PYTHON or ODOO_BIN.")
    python, env, odoo_pkg, _version = found
    env = {**env, **rt.pg_env()}
    data_dir = rt.CACHE / "run-data"
    data_dir.mkdir(parents=True, exist_ok=True)
    rt.ARTIFACTS.mkdir(exist_ok=True)
    cfg = rt.ARTIFACTS / "odoo-run.conf"
    rt.write_config(cfg, odoo_pkg, data_dir, db=args.db, port=args.port)
    exists = rt.psql(f"SELECT 1 FROM pg_database WHERE datname = '{args.db}'")
    cmd = [*rt.odoo_cmd(python, odoo_pkg), "-c", str(cfg), "-d", args.db]
    if not exists:
        cmd += ["-i", ",".join(rt.ADDONS)]
    print(
        f"Odoo on http://127.0.0.1:{args.port} (database {args.db}, login admin/admin)"
    )
    os.execvpe(cmd[0], cmd, env)


if __name__ == "__main__":
    main()
