# Copyright 2026 JIT Replenishment Suite
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""THE measured lead time of a vendor price line: confirmation (date_approve)
to the done receipt, in days, over the receipts of a window (the vendor's
active SLA contract's, else the job's default), for the line's vendor (or its
contacts), product (or template variants) and company; jit_core filters the
outliers. Optionally written back as the line's delay."""

import numpy as np

from odoo import fields
from odoo.tools import SQL

import jit_core

from . import pg

MEASURED_FIELDS = [
    "jit_lt_mean",
    "jit_lt_sigma",
    "jit_lt_p90",
    "jit_lt_samples",
    "jit_lt_computed_at",
]
TRUE_VALUES = ("1", "true", "yes", "on")


def receipts(env, now, window_days):
    """(price line id, confirmed at, received at) of every receipt in its
    vendor's window."""
    env.flush_all()
    env.cr.execute(
        SQL(
            """
            SELECT si.id, po.date_approve, m.date
              FROM stock_move m
              JOIN stock_location sl ON sl.id = m.location_id
              JOIN purchase_order_line l ON l.id = m.purchase_line_id
              JOIN purchase_order po ON po.id = l.order_id
              JOIN res_partner rp ON rp.id = po.partner_id
              JOIN product_product pp ON pp.id = m.product_id
              JOIN res_partner sp ON %(sp_vendor)s = %(rp_vendor)s
              LEFT JOIN jit_sla_contract c
                     ON c.partner_id = %(rp_vendor)s
                    AND c.company_id = po.company_id
                    AND c.active
              JOIN product_supplierinfo si
                ON si.partner_id = sp.id
               AND (si.product_id = pp.id
                    OR (si.product_id IS NULL
                        AND si.product_tmpl_id = pp.product_tmpl_id))
               AND (si.company_id IS NULL OR si.company_id = po.company_id)
             WHERE m.state = 'done'
               AND sl.usage = 'supplier'
               AND po.state IN ('purchase', 'done')
               AND po.date_approve IS NOT NULL
               AND m.date >= po.date_approve
               AND m.date >= %(now)s - make_interval(
                       days => COALESCE(c.lt_window_days, %(window)s))
            """,
            now=now,
            window=window_days,
            sp_vendor=pg.vendor_sql("sp"),
            rp_vendor=pg.vendor_sql("rp"),
        )
    )
    return env.cr.fetchall()


def measure(Score):
    """Measure every vendor price line (one query, one jit_core call, one
    UPDATE); a line measured before that has no receipt in its window any
    more is reset. Returns the number of lines measured."""
    env = Score.env
    now = fields.Datetime.now()
    rows = receipts(env, now, Score._lt_window_days)
    expire(env, [r[0] for r in rows], now)
    if not rows:
        return 0
    si_ids, ordered, received = zip(*rows, strict=True)
    stats = jit_core.lead_time_stats(
        np.array(ordered, dtype="datetime64[s]"),
        np.array(received, dtype="datetime64[s]"),
        np.array(si_ids, dtype=np.int64),
    )
    write(
        env,
        stats,
        now,
        Score._lt_writeback_enabled(),
        Score._lt_writeback_min_samples,
    )
    return len(stats.keys)


def write(env, stats, now, writeback, min_samples):
    """Store the measured figures; with `writeback`, the mean rounded up to
    whole days becomes the delay of the lines measured at least
    `min_samples` times."""
    delay = SQL(
        "CASE WHEN %s AND v.jit_lt_samples >= %s"
        " THEN CEIL(v.jit_lt_mean - 1e-9)::int ELSE t.delay END",
        writeback,
        min_samples,
    )
    pg.bulk_update(
        env.cr,
        "product_supplierinfo",
        {
            "id": ("int4", stats.keys),
            "jit_lt_mean": ("float8", [round(float(v), 4) for v in stats.mean]),
            "jit_lt_sigma": ("float8", [round(float(v), 4) for v in stats.sigma]),
            "jit_lt_p90": ("float8", [round(float(v), 4) for v in stats.p90]),
            "jit_lt_samples": ("int4", stats.count),
        },
        set_extra={
            "jit_lt_computed_at": now,
            "delay": delay,
            "write_date": now,
            "write_uid": env.uid,
        },
    )
    infos = env["product.supplierinfo"].browse([int(i) for i in stats.keys])
    infos.invalidate_recordset([*MEASURED_FIELDS, "delay"])
    infos.modified([*MEASURED_FIELDS, "delay"])


def expire(env, measured_ids, now):
    """Reset the measured lead time of the vendor lines that have no
    receipt in their window any more: they are back to the stated delay."""
    env.cr.execute(
        SQL(
            """
            UPDATE product_supplierinfo
               SET jit_lt_mean = NULL, jit_lt_sigma = NULL, jit_lt_p90 = NULL,
                   jit_lt_samples = 0, jit_lt_computed_at = %(now)s,
                   write_date = %(now)s, write_uid = %(uid)s
             WHERE COALESCE(jit_lt_samples, 0) > 0
               AND id <> ALL(%(ids)s::int[])
            RETURNING id
            """,
            now=now,
            uid=env.uid,
            ids=sorted({int(i) for i in measured_ids}),
        )
    )
    expired = env["product.supplierinfo"].browse([r[0] for r in env.cr.fetchall()])
    expired.invalidate_recordset(MEASURED_FIELDS)
    expired.modified(MEASURED_FIELDS)


def writeback_enabled(env, param):
    value = env["ir.config_parameter"].sudo().get_param(param, "False")
    return str(value).strip().lower() in TRUE_VALUES
