# Copyright 2026 JIT Replenishment Suite
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""The jit.sla.score rows: one per (vendor, company, period start), written in
bulk by the SLA job (upsert), the vendor's latest period flagged, and the
row of a period that no longer has anything due removed."""

import numpy as np

from odoo import fields
from odoo.tools import SQL

from . import pg

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


def upsert(Score, keys, active, figures):
    """Insert or update the rows of the active keys in one statement;
    returns {key index: row id}."""
    env = Score.env
    sel = np.flatnonzero(active)
    if not sel.size:
        return {}
    cols = _score_columns(keys, sel, figures)
    now = fields.Datetime.now()
    env.flush_all()
    # (vendor, company, period start) is unique among the keys (one active
    # contract per vendor and company, periods do not overlap): one row per
    # key, returned with its key (RETURNING has no documented order).
    returned = pg.bulk_insert(
        env.cr,
        "jit_sla_score",
        cols,
        constants={
            "create_uid": env.uid,
            "create_date": now,
            "write_uid": env.uid,
            "write_date": now,
            "is_latest": False,
        },
        conflict=SQL(
            "ON CONFLICT (partner_id, company_id, period_start) DO UPDATE SET %s",
            SQL(", ").join(
                SQL("%s = EXCLUDED.%s", SQL.identifier(c), SQL.identifier(c))
                for c in ("write_uid", "write_date", *cols)
                if c not in KEY_COLUMNS
            ),
        ),
        returning=("id", *KEY_COLUMNS),
    )
    rows = _row_ids(keys, sel, returned)
    mark_latest(env, keys["partner"][sel], keys["company"][sel])
    Score.invalidate_model()
    return rows


def _score_columns(keys, sel, figures):
    """The columns of the score rows of the keys `sel`: key, then figures."""
    cols = {
        "contract_id": ("int4", keys["contract"][sel]),
        "partner_id": ("int4", keys["partner"][sel]),
        "company_id": ("int4", keys["company"][sel]),
        "period": ("varchar", keys["period"][sel]),
        "period_start": ("date", keys["start"][sel]),
        "period_end": ("date", keys["end"][sel]),
    }
    for name, values in figures.items():
        # an unmeasured figure (NaN) and no standing ('') are NULL
        cols[name] = (SQL_TYPES.get(name, "float8"), values[sel], True)
    return cols


def _row_ids(keys, sel, returned):
    """{key index: row id} from the rows RETURNING (id, *KEY_COLUMNS)."""
    position = {
        key: i
        for i, key in zip(
            sel.tolist(),
            zip(
                keys["partner"][sel].tolist(),
                keys["company"][sel].tolist(),
                keys["start"][sel].astype("datetime64[D]").tolist(),
                strict=True,
            ),
            strict=True,
        )
    }
    return {position[tuple(key)]: row_id for row_id, *key in returned}


def mark_latest(env, partners, companies):
    """Flag each vendor's most recent period per company."""
    env.cr.execute(
        SQL(
            """
            WITH v AS (
                SELECT DISTINCT partner_id, company_id FROM %s
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
            pg.unnest_rows(
                {
                    "partner_id": ("int4", np.asarray(partners, dtype=np.int64)),
                    "company_id": ("int4", np.asarray(companies, dtype=np.int64)),
                }
            ),
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
             USING %s
             WHERE s.partner_id = v.partner_id
               AND s.company_id = v.company_id
               AND s.period_start = v.period_start
            RETURNING s.partner_id, s.company_id
            """,
            pg.unnest_rows(
                {
                    "partner_id": ("int4", keys["partner"][sel]),
                    "company_id": ("int4", keys["company"][sel]),
                    "period_start": ("date", keys["start"][sel]),
                }
            ),
        )
    )
    removed = env.cr.fetchall()
    if removed:
        partners, companies = zip(*removed, strict=True)
        mark_latest(env, partners, companies)
    Score.invalidate_model()
