# Copyright 2026 JIT Replenishment Suite
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""The jit.sla.score rows: one per (vendor, company, period start), written in
bulk by the SLA job (upsert), the vendor's latest period flagged, and the
row of a period that no longer has anything due removed."""

import math

import numpy as np

from odoo import fields
from odoo.tools import SQL

# Column types of the figures that are not float8.
SQL_TYPES = {
    "lines_due": "int4",
    "lines_accurate": "int4",
    "lt_samples": "int4",
    "confirmations": "int4",
    "standing": "varchar",
    "previous_standing": "varchar",
    "breach": "bool",
}
KEY_COLUMNS = ("partner_id", "company_id", "period_start")
# Figures stored as sla_metrics measures them.
DUE_FIGURES = (
    "lines_due",
    "lines_accurate",
    "qty_due",
    "qty_on_time",
    "qty_ordered",
    "qty_received",
)
LEAD_FIGURES = ("lt_samples", "lt_mean", "lt_sigma", "lt_p90")


def sql_list(values):
    """A numpy array as a list psycopg2 binds to a typed SQL array
    (NaN and '' as NULL, dates as dates)."""
    array = np.asarray(values)
    if array.dtype.kind == "M":
        return [d.item() for d in array.astype("datetime64[D]")]
    if array.dtype.kind == "f":
        return [None if math.isnan(v) else float(v) for v in array]
    if array.dtype.kind in "iu":
        return [int(v) for v in array]
    if array.dtype.kind == "b":
        return [bool(v) for v in array]
    return [None if v in (None, "") else str(v) for v in array]


def upsert(Score, keys, active, figures):
    """Insert or update the rows of the active keys in one statement;
    returns {key index: row id}."""
    env = Score.env
    sel = np.flatnonzero(active)
    if not sel.size:
        return {}
    cols = {
        "idx": ("int4", sel),
        "contract_id": ("int4", keys["contract"][sel]),
        "partner_id": ("int4", keys["partner"][sel]),
        "company_id": ("int4", keys["company"][sel]),
        "period": ("varchar", keys["period"][sel]),
        "period_start": ("date", keys["start"][sel]),
        "period_end": ("date", keys["end"][sel]),
    }
    for name, values in figures.items():
        cols[name] = (SQL_TYPES.get(name, "float8"), values[sel])
    names = [c for c in cols if c != "idx"]
    now = fields.Datetime.now()
    env.flush_all()
    env.cr.execute(
        SQL(
            """
            INSERT INTO jit_sla_score AS s
                   (create_uid, create_date, write_uid, write_date,
                    is_latest, %(names)s)
            SELECT %(uid)s, %(now)s, %(uid)s, %(now)s, FALSE, %(names)s
              FROM unnest(%(arrays)s) AS v(%(all_names)s)
                ON CONFLICT (partner_id, company_id, period_start)
                DO UPDATE SET write_uid = EXCLUDED.write_uid,
                              write_date = EXCLUDED.write_date,
                              %(assignments)s
            RETURNING s.id, s.partner_id, s.company_id, s.period_start
            """,
            names=SQL(", ").join(SQL.identifier(c) for c in names),
            all_names=SQL(", ").join(SQL.identifier(c) for c in cols),
            uid=env.uid,
            now=now,
            arrays=SQL(", ").join(
                SQL("%s::" + typ + "[]", sql_list(values))
                for typ, values in cols.values()
            ),
            assignments=SQL(", ").join(
                SQL("%s = EXCLUDED.%s", SQL.identifier(c), SQL.identifier(c))
                for c in names
                if c not in KEY_COLUMNS
            ),
        )
    )
    # (vendor, company, period start) is unique among the keys: one
    # active contract per vendor and company, periods do not overlap.
    index = {
        (int(keys["partner"][i]), int(keys["company"][i]), keys["start"][i].item()): i
        for i in sel
    }
    rows = {
        index[partner, company, start]: row_id
        for row_id, partner, company, start in env.cr.fetchall()
    }
    mark_latest(env, keys["partner"][sel], keys["company"][sel])
    Score.invalidate_model()
    return rows


def mark_latest(env, partners, companies):
    """Flag each vendor's most recent period per company."""
    env.cr.execute(
        SQL(
            """
            WITH v AS (
                SELECT DISTINCT partner_id, company_id
                  FROM unnest(%s::int[], %s::int[]) AS v(partner_id, company_id)
            ), latest AS (
                SELECT DISTINCT ON (s.partner_id, s.company_id) s.id
                  FROM jit_sla_score s
                  JOIN v USING (partner_id, company_id)
                 ORDER BY s.partner_id, s.company_id, s.period_start DESC
            )
            UPDATE jit_sla_score s
               SET is_latest = s.id IN (SELECT id FROM latest)
              FROM v
             WHERE s.partner_id = v.partner_id AND s.company_id = v.company_id
               AND s.is_latest IS DISTINCT FROM (s.id IN (SELECT id FROM latest))
            """,
            [int(p) for p in partners],
            [int(c) for c in companies],
        )
    )


def drop_inactive(Score, keys, inactive):
    """A period that no longer has anything due is not scored: remove a
    row an earlier run may have written for it."""
    env = Score.env
    sel = np.flatnonzero(inactive)
    if not sel.size:
        return
    env.flush_all()
    env.cr.execute(
        SQL(
            """
            DELETE FROM jit_sla_score s
             USING unnest(%s::int[], %s::int[], %s::date[])
                   AS v(partner_id, company_id, period_start)
             WHERE s.partner_id = v.partner_id
               AND s.company_id = v.company_id
               AND s.period_start = v.period_start
            RETURNING s.partner_id, s.company_id
            """,
            [int(p) for p in keys["partner"][sel]],
            [int(c) for c in keys["company"][sel]],
            sql_list(keys["start"][sel]),
        )
    )
    removed = env.cr.fetchall()
    if removed:
        partners, companies = zip(*removed, strict=True)
        mark_latest(env, partners, companies)
    Score.invalidate_model()
