#!/usr/bin/env python3
"""Benchmark of the issue-14 reports: the daily inventory snapshot and the
carrying-cost and turnover reports over a year.

Copies a database that has jit_replenishment installed (``--template``,
default ``jit_demo``, the database
``make run`` creates) into its own database (``--db``), bulk-inserts N
storable products in --categories categories with stock in WH/Stock, a
year of inventory snapshots and daily consumption at the storage's density
(fast movers, a tenth of the products: a row every day; the others: a row
per ISO week / month piece), then measures, each the median of --reps:

(a) the daily snapshot job for yesterday (``record_until_yesterday``) with a
    consuming move for each fast mover and a receipt for a twentieth of the
    products that day, rolled back after each repetition;
(b) the carrying-cost and turnover reports over the year through the ORM
    calls of the web client: ``read_group`` (pivot) and ``web_read_group``
    (grouped list) grouped by month and category, and by product for one
    category;
(c) the storage of the snapshot and consumption tables
    (pg_total_relation_size, indexes included).

Quick check:  python3 bench/bench_reports.py --n 10000
Full run:     python3 bench/bench_reports.py --n 100000
"""

import argparse
import datetime as dt
import json
import os
import platform
import statistics
import subprocess
import sys
import time
from pathlib import Path

# Data helpers shared with the recompute benchmark (same folder).
from bench_recompute import clone_sql as clone
from bench_recompute import log, reserve_ids

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
TARGET_S = 5.0


def parse_args(argv=None):
    env = os.environ
    p = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    p.add_argument("--n", type=int, default=10000, help="products")
    p.add_argument("--categories", type=int, default=50)
    p.add_argument("--days", type=int, default=365, help="days of history")
    p.add_argument("--fast-share", type=float, default=0.1)
    p.add_argument("--reps", type=int, default=3)
    p.add_argument("--template", default="jit_demo")
    p.add_argument("--db", default="jit_bench_reports")
    p.add_argument("--keep", action="store_true", help="keep the database")
    p.add_argument("--out", default=None, help="write the results as JSON here")
    p.add_argument("--db-host", default=env.get("PGHOST", "127.0.0.1"))
    p.add_argument("--db-port", type=int, default=int(env.get("PGPORT", "5432")))
    p.add_argument("--db-user", default=env.get("PGUSER", "odoo"))
    p.add_argument("--db-password", default=env.get("PGPASSWORD", "odoo"))
    p.add_argument(
        "--addons-path",
        default=f"{REPO},{env.get('ODOO_SRC', '/opt/odoo18-src/odoo')}/addons",
    )
    p.add_argument(
        "--data-dir",
        default=str(Path.home() / ".cache" / "jit_tests" / "odoo-data"),
    )
    return p.parse_args(argv)


def pg_admin(args, sql):
    import psycopg2

    conn = psycopg2.connect(
        host=args.db_host,
        port=args.db_port,
        user=args.db_user,
        password=args.db_password,
        dbname="postgres",
    )
    conn.autocommit = True
    with conn.cursor() as cr:
        cr.execute(sql)
    conn.close()


def open_env(args):
    import odoo
    from odoo.tools import config

    config.parse_config(
        [
            "--db_host",
            args.db_host,
            "--db_port",
            str(args.db_port),
            "--db_user",
            args.db_user,
            "--db_password",
            args.db_password,
            f"--addons-path={args.addons_path}",
            f"--data-dir={args.data_dir}",
            "--log-level=warn",
        ]
    )
    registry = odoo.modules.registry.Registry(args.db)
    cr = registry.cursor()
    return cr, odoo.api.Environment(cr, odoo.SUPERUSER_ID, {})


# ----------------------------------------------------------------------
# data
# ----------------------------------------------------------------------
def build(args, env):
    """Products, stock, a year of snapshots and consumption."""

    cr = env.cr
    for table in (
        "jit_inventory_snapshot",
        "jit_inventory_flow",
        "jit_rule_stockout",
        "jit_inventory_rollup",
    ):
        cr.execute(f"DELETE FROM {table}")  # noqa: S608  (the template's own)
    company = env.company
    company.partner_id.tz = "UTC"
    wh = env["stock.warehouse"].search([("company_id", "=", company.id)], limit=1)
    stock, customers = wh.lot_stock_id, env.ref("stock.stock_location_customers")
    suppliers = env.ref("stock.stock_location_suppliers")
    categs = env["product.category"].create(
        [{"name": f"Bench {i:02d}"} for i in range(args.categories)]
    )
    proto = env["product.product"].create(
        {"name": "Bench proto", "is_storable": True, "standard_price": 10.0}
    )
    moves = env["stock.move"].create(
        [
            {
                "name": "proto",
                "product_id": proto.id,
                "product_uom_qty": 1,
                "product_uom": proto.uom_id.id,
                "location_id": src.id,
                "location_dest_id": dst.id,
            }
            for src, dst in ((suppliers, stock), (stock, customers))
        ]
    )
    moves._action_confirm()
    for m in moves:
        m.quantity = 1
    moves.picked = True
    moves._action_done()
    env.flush_all()
    n = args.n
    log(f"cloning {n} products")
    tmpl_base = reserve_ids(cr, "product_template", n)
    categ_ids = categs.ids
    clone(
        cr,
        "product_template",
        proto.product_tmpl_id.id,
        "SELECT g AS i FROM generate_series(0, %(n)s - 1) g",
        {
            "id": "%(tmpl)s + s.i",
            "name": "jsonb_build_object('en_US', 'Bench ' || s.i)",
            "categ_id": "(%(categs)s::int[])[1 + s.i %% %(nc)s]",
        },
        {"n": n, "tmpl": tmpl_base, "categs": categ_ids, "nc": len(categ_ids)},
    )
    prod_base = reserve_ids(cr, "product_product", n)
    clone(
        cr,
        "product_product",
        proto.id,
        "SELECT g AS i FROM generate_series(0, %(n)s - 1) g",
        {
            "id": "%(prod)s + s.i",
            "product_tmpl_id": "%(tmpl)s + s.i",
            "standard_price": "jsonb_build_object(%(co)s, 5 + s.i %% 20)",
            "default_code": "NULL",
            "barcode": "NULL",
        },
        {"n": n, "prod": prod_base, "tmpl": tmpl_base, "co": str(company.id)},
    )
    cr.execute(
        "INSERT INTO stock_quant (product_id, location_id, company_id, quantity,"
        " reserved_quantity, in_date)"
        " SELECT %s + g, %s, %s, 100, 0, now() FROM generate_series(0, %s - 1) g",
        [prod_base, stock.id, company.id, n],
    )
    today = dt.date.today()
    first = today - dt.timedelta(days=args.days)
    yesterday = today - dt.timedelta(days=1)
    last = yesterday - dt.timedelta(days=1)  # recorded; (a) records yesterday
    n_fast = int(n * args.fast_share)
    log(f"history: {args.days} days, {n_fast} fast movers")
    params = {
        "co": company.id,
        "wh": wh.id,
        "prod": prod_base,
        "n": n,
        "fast": n_fast,
        "first": first,
        "last": last,
        "today": today,
    }
    # Pieces of the year cut at ISO week and month starts; fast movers: days.
    # Rows go in by day, as the daily job writes them (the physical order
    # matters: a day's open rows sit together).
    cr.execute(
        """
        CREATE TEMP TABLE bench_cuts AS
        SELECT d::date AS f FROM generate_series(%(first)s::date, %(last)s, '1 day') d
         WHERE d = %(first)s OR extract(isodow FROM d) = 1 OR extract(day FROM d) = 1
        """,
        params,
    )
    cr.execute(
        """
        INSERT INTO jit_inventory_snapshot
               (company_id, warehouse_id, product_id, categ_id, date_from,
                date_to, qty, unit_cost, value)
        SELECT %(co)s, %(wh)s, pp.id, pt.categ_id, c.f,
               NULLIF(c.t, %(last)s + 1), q, cost, q * cost
          FROM product_product pp
          JOIN product_template pt ON pt.id = pp.product_tmpl_id
         CROSS JOIN LATERAL (SELECT 5 + (pp.id - %(prod)s) %% 20 AS cost) k
          JOIN LATERAL (
                SELECT f, LEAD(f, 1, %(last)s + 1) OVER (ORDER BY f) AS t
                  FROM (SELECT f FROM bench_cuts
                        UNION
                        SELECT d::date FROM generate_series(%(first)s::date,
                               %(last)s, '1 day') d
                         WHERE pp.id - %(prod)s < %(fast)s) x
               ) c ON TRUE
         CROSS JOIN LATERAL (
                SELECT 50 + ((pp.id + (c.f - %(first)s)) %% 50) AS q) qq
         WHERE pp.id >= %(prod)s AND pp.id < %(prod)s + %(n)s
         ORDER BY c.f, pp.id
        """,
        params,
    )
    log(f"snapshot rows: {cr.rowcount}")
    cr.execute(
        """
        INSERT INTO jit_inventory_flow
               (company_id, warehouse_id, product_id, categ_id, date,
                consumed_qty, cogs)
        SELECT %(co)s, %(wh)s, pp.id, pt.categ_id, d::date, 3,
               3 * (5 + (pp.id - %(prod)s) %% 20)
          FROM product_product pp
          JOIN product_template pt ON pt.id = pp.product_tmpl_id
          JOIN generate_series(%(first)s::date, %(last)s, '1 day') d
            ON pp.id - %(prod)s < %(fast)s
            OR (pp.id - %(prod)s < 4 * %(fast)s AND extract(isodow FROM d) = 1)
            OR extract(doy FROM d) %% 91 = 1
         WHERE pp.id >= %(prod)s AND pp.id < %(prod)s + %(n)s
        """,
        params,
    )
    log(f"consumption rows: {cr.rowcount}")
    company.jit_snapshot_date = last
    env.flush_all()
    from odoo.addons.jit_replenishment.services import inventory_snapshot

    start = time.perf_counter()
    inventory_snapshot.refresh_rollup(env, company, first)
    log(f"rollup of the year built in {time.perf_counter() - start:.1f} s")
    # Yesterday's moves: a delivery per fast mover, a receipt per 20th product.
    proto_out = moves.filtered(lambda m: m.location_id == stock)
    proto_in = moves - proto_out
    stamp = dt.datetime.combine(yesterday, dt.time(10))
    for proto_move, source in (
        (proto_out, "SELECT g AS i FROM generate_series(0, %(fast)s - 1) g"),
        (proto_in, "SELECT g * 20 AS i FROM generate_series(0, %(n)s / 20 - 1) g"),
    ):
        count = clone(
            cr,
            "stock_move",
            proto_move.id,
            source,
            {
                "id": "nextval('stock_move_id_seq')",
                "product_id": "%(prod)s + s.i",
                "date": "%(stamp)s",
                "quantity": "2",
                "product_uom_qty": "2",
                "product_qty": "2",
            },
            {**params, "stamp": stamp},
        )
        log(f"moves of yesterday: {count}")
    cr.execute("ANALYZE")
    env.invalidate_all()
    return {"categ_id": categ_ids[0], "company": company}


# ----------------------------------------------------------------------
# measurements
# ----------------------------------------------------------------------
def timed(func, reps, rollback=None):
    times = []
    for _ in range(reps):
        start = time.perf_counter()
        func()
        times.append(time.perf_counter() - start)
        if rollback:
            rollback()
    return statistics.median(times), times


def measure(args, env, ctx):
    from odoo.addons.jit_replenishment.services import inventory_snapshot

    cr = env.cr
    res = {}
    company = ctx["company"]
    cr.commit()

    def snapshot():
        inventory_snapshot.record_until_yesterday(env, company)

    def rollback():
        cr.rollback()
        env.invalidate_all()

    res["snapshot_s"], res["snapshot_runs"] = timed(snapshot, args.reps, rollback)
    snapshot()
    cr.execute(
        "SELECT COUNT(*) FROM jit_inventory_snapshot WHERE date_from = %s",
        [company.jit_snapshot_date],
    )
    res["snapshot_rows_written"] = cr.fetchone()[0]
    rollback()
    year = [("date", ">=", str(dt.date.today() - dt.timedelta(days=args.days)))]
    report = env["jit.inventory.report"]
    specs = {
        "carrying_cost": ["avg_value", "cost_total", "cost_capital", "cost_storage"],
        "turnover": ["cogs", "avg_value", "turnover", "days_of_inventory"],
    }
    for name, fields in specs.items():
        for label, domain, groupby in (
            ("month_categ", year, ["date:month", "categ_id"]),
            (
                "product_one_categ",
                [*year, ("categ_id", "=", ctx["categ_id"])],
                ["product_id"],
            ),
        ):
            res[f"{name}_{label}_read_group_s"], _ = timed(
                lambda d=domain, f=fields, g=groupby: report.read_group(
                    d, f, g, lazy=False
                ),
                args.reps,
            )
            res[f"{name}_{label}_web_read_group_s"], _ = timed(
                lambda d=domain, f=fields, g=groupby: report.web_read_group(
                    d, [f"{x}:sum" for x in f], g[:1], limit=80
                ),
                args.reps,
            )
    for table in ("jit_inventory_snapshot", "jit_inventory_flow"):
        cr.execute(
            "SELECT pg_total_relation_size(%s), (SELECT COUNT(*) FROM "  # noqa: S608
            f"{table})",
            [table],
        )
        size, rows = cr.fetchone()
        res[f"{table}_mb"] = size / 2**20
        res[f"{table}_rows"] = rows
    return res


def machine():
    cpu = platform.processor() or platform.machine()
    try:
        out = subprocess.run(["lscpu"], capture_output=True, text=True, check=False)
        for line in out.stdout.splitlines():
            if line.startswith("Model name"):
                cpu = line.split(":", 1)[1].strip()
    except OSError:
        pass
    return f"{cpu}, {os.cpu_count()} CPUs"


def report(args, res):
    ok = lambda v: "ok" if v < TARGET_S else "OVER"  # noqa: E731
    lines = [
        f"## bench_reports: N = {args.n:,} products, {args.days} days, "
        f"{res['jit_inventory_snapshot_rows']:,} snapshot rows, "
        f"{res['jit_inventory_flow_rows']:,} consumption rows",
        "",
        f"Machine: {machine()}; median of {args.reps}.",
        "",
        "| measure | seconds | target 5 s |",
        "|---|---:|---|",
        f"| daily snapshot (yesterday, {res['snapshot_rows_written']:,} rows "
        f"written) | {res['snapshot_s']:.2f} | {ok(res['snapshot_s'])} |",
    ]
    for key, value in res.items():
        if key.endswith("group_s") and key != "snapshot_s":
            lines.append(f"| {key[:-2]} | {value:.2f} | {ok(value)} |")
    lines += [
        "",
        f"Storage: snapshots {res['jit_inventory_snapshot_mb']:.0f} MB, "
        f"consumption {res['jit_inventory_flow_mb']:.0f} MB (tables + indexes).",
    ]
    return "\n".join(lines)


def main(argv=None):
    args = parse_args(argv)
    sys.path.insert(0, str(REPO))
    log(f"database {args.db} from {args.template}")
    pg_admin(args, f'DROP DATABASE IF EXISTS "{args.db}" WITH (FORCE)')
    pg_admin(args, f'CREATE DATABASE "{args.db}" TEMPLATE "{args.template}"')
    cr, env = open_env(args)
    try:
        ctx = build(args, env)
        cr.commit()
        res = measure(args, env, ctx)
    finally:
        cr.rollback()
        cr.close()
    text = report(args, res)
    print(text)
    if args.out:
        Path(args.out).write_text(json.dumps({"args": vars(args), **res}, indent=1))
    if not args.keep:
        import odoo

        odoo.sql_db.close_all()
        pg_admin(args, f'DROP DATABASE IF EXISTS "{args.db}" WITH (FORCE)')


if __name__ == "__main__":
    main()
