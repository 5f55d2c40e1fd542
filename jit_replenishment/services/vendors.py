# Copyright 2026 JIT Replenishment Suite
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""THE vendor choice (README, "Which vendor line"): which vendor price line
serves a need, and its vendor's order minimum. Used by the recompute's lead
time and MOQ (lead_times.py), the scheduler (stock.rule._run_buy) and the
fallback (purchase.order's next backup vendor), always through
product.supplierinfo._jit_choose_lines, which calls `choose_lines`. The
ranking itself is jit_core.vendor.choose_vendor_line; this module reads the
candidate lines for it in one query."""

import numpy as np

from odoo import fields
from odoo.tools import SQL

import jit_core

from .pg import copy_rows, sql_array, vendor_sql

# One candidate line of a need, as candidates_sql sends it (binary COPY).
CANDIDATE_ROW = np.dtype(
    [
        ("need", ">i4"),
        ("line", ">i4"),
        ("partner", ">i4"),
        ("vendor", ">i4"),
        ("seller_rank", ">i8"),
        ("line_rank", ">i8"),
        ("min_qty", ">f8"),
        ("blocked", "?"),
        ("delay", ">f8"),
        ("lt_samples", ">i4"),
        ("lt_mean", ">f8"),
        ("lt_sigma", ">f8"),
    ]
)


def choose_lines(
    env,
    products,
    companies,
    day,
    forced=None,
    quantity=np.nan,
    need_days=np.inf,
    exclude=(),
    only=None,
):
    """The vendor price line of each need, and its vendor's order minimum:
    the one rule used by the recompute (lead time, MOQ), the scheduler
    (the RFQ's vendor) and the fallback (the backup vendor).

    Needs are arrays: `products`, `companies` (ids), `day` (date of the
    need's prices), `forced` (the rule's own vendor line id, 0: none),
    `quantity` (in the product's unit, nan: any), `need_days` (days until
    the goods are needed, inf: any time). Vendors (commercial partners) in
    `exclude` are skipped; with `only`, only those are considered.

    A line is valid for a need when it is for the product (its template,
    not another variant), for the need's company or none, dated around
    `day` and of an active vendor; its vendor must not be blocked (SLA
    standing of the company). jit_core.choose_vendor_line ranks them: the
    rule's own line first, then Odoo's seller order (sequence, higher
    minimum, price, id); a vendor's line is its cheapest one that serves
    the quantity; the order minimum is the smallest minimum of the chosen
    vendor's valid lines, in the product's unit.

    Returns a dict of arrays per need: `line` (id, 0: none), `partner`
    (the line's vendor), `moq`, `delay`, `lt_samples`, `lt_mean`,
    `lt_sigma` (the line's measured lead time).
    """
    needs = _needs(products, companies, day, forced)
    n = needs["products"].size
    for model in ("product.supplierinfo", "res.partner", "product.product"):
        env[model].flush_model()
    rows = copy_rows(env.cr, candidates_sql(needs, exclude, only), CANDIDATE_ROW)
    row, moq = jit_core.choose_vendor_line(
        rows["need"].astype(np.int64),
        rows["vendor"].astype(np.int64),
        rows["seller_rank"].astype(float),
        rows["line_rank"].astype(float),
        rows["min_qty"].astype(float),
        rows["blocked"].astype(bool),
        rows["delay"].astype(float),
        need_days,
        quantity,
        n,
    )
    return _chosen(rows, row, moq, n)


def _chosen(rows, row, moq, n):
    """The result of choose_lines: the chosen candidate row's columns per
    need (`row` -1: none, then 0), with the order minimum `moq`."""
    found = row >= 0
    pick = np.where(found, row, 0)

    def column(name, dtype):
        if not len(rows):
            return np.zeros(n, dtype=dtype)
        return np.where(found, rows[name].astype(dtype)[pick], 0).astype(dtype)

    return {
        "line": column("line", np.int64),
        "partner": column("partner", np.int64),
        "moq": moq,
        "delay": column("delay", float),
        "lt_samples": column("lt_samples", np.int64),
        "lt_mean": column("lt_mean", float),
        "lt_sigma": column("lt_sigma", float),
    }


def _needs(products, companies, day, forced):
    """The needs as arrays of the same length (scalars broadcast)."""
    products = np.asarray(products, dtype=np.int64).reshape(-1)
    n = products.size
    days = np.broadcast_to(np.asarray(day, dtype=object), (n,))
    return {
        "products": products,
        "companies": np.broadcast_to(np.asarray(companies, dtype=np.int64), (n,)),
        "days": np.array([str(d) for d in days], dtype=object),
        "forced": np.broadcast_to(
            np.asarray(0 if forced is None else forced, dtype=np.int64), (n,)
        ),
    }


def candidates_sql(needs, exclude, only):
    """One row per (need, valid price line): the columns of CANDIDATE_ROW,
    none NULL (read through binary COPY)."""
    return SQL(
        """
        SELECT (n.idx - 1)::int4, si.id, si.partner_id, cp.id,
               row_number() OVER (
                   PARTITION BY n.idx
                   ORDER BY si.id = n.forced DESC, si.sequence,
                            si.min_qty DESC, si.price, si.id),
               row_number() OVER (
                   PARTITION BY n.idx, cp.id
                   ORDER BY si.id = n.forced DESC,
                            si.price * (1 - COALESCE(si.discount, 0) / 100),
                            si.sequence, si.id),
               (COALESCE(si.min_qty, 0) / po.factor * uom.factor)::float8,
               COALESCE(cp.jit_sla_standing ->> n.company_id::text, '')
                   = 'blocked',
               COALESCE(si.delay, 0)::float8,
               COALESCE(si.jit_lt_samples, 0)::int4,
               COALESCE(si.jit_lt_mean, 0)::float8,
               COALESCE(si.jit_lt_sigma, 0)::float8
          FROM unnest(%(products)s::int[], %(companies)s::int[],
                      %(days)s::date[], %(forced)s::int[])
               WITH ORDINALITY AS n(product_id, company_id, day, forced, idx)
         -- per need through the primary key (OFFSET 0: PostgreSQL would
         -- hash the whole product table for a thousand needs)
         CROSS JOIN LATERAL (
                SELECT pp.product_tmpl_id FROM product_product pp
                 WHERE pp.id = n.product_id OFFSET 0) pp
          JOIN product_template pt ON pt.id = pp.product_tmpl_id
          JOIN uom_uom uom ON uom.id = pt.uom_id
          JOIN uom_uom po ON po.id = pt.uom_po_id
          JOIN product_supplierinfo si ON si.product_tmpl_id = pt.id
          JOIN res_partner p ON p.id = si.partner_id
          JOIN res_partner cp ON cp.id = %(vendor)s
         WHERE (si.product_id IS NULL OR si.product_id = n.product_id)
           AND (si.company_id IS NULL OR si.company_id = n.company_id)
           AND (si.date_start IS NULL OR si.date_start <= n.day)
           AND (si.date_end IS NULL OR si.date_end >= n.day)
           AND p.active
           AND NOT cp.id = ANY(%(exclude)s::int[])
           AND (%(all)s OR cp.id = ANY(%(only)s::int[]))
        """,
        products=sql_array(needs["products"]),
        companies=sql_array(needs["companies"]),
        days=sql_array(needs["days"]),
        forced=sql_array(needs["forced"]),
        exclude=sql_array(np.array(list(exclude), dtype=np.int64)),
        all=only is None,
        vendor=vendor_sql("p"),
        only=sql_array(np.array(list(only or ()), dtype=np.int64)),
    )


def rule_lines(ops):
    """{rule id: its vendor line id (0: none)} of reordering rules, as the
    recompute chooses it (today's prices, any quantity), through
    product.supplierinfo's _jit_choose_lines."""
    if not ops:
        return {}
    chosen = ops.env["product.supplierinfo"]._jit_choose_lines(
        [op.product_id.id for op in ops],
        [op.company_id.id for op in ops],
        fields.Date.context_today(ops),
        forced=[op.supplier_id.id or 0 for op in ops],
    )
    return dict(zip(ops.ids, chosen["line"].tolist(), strict=True))
