# Copyright 2026 JIT Replenishment Suite
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""The recompute's one write per batch: the rules' results and their run
lines, in a single statement."""

from odoo.tools import SQL

from .pg import sql_array, unnest_rows

# Columns written back on the rules, with their SQL types.
RESULT_COLUMNS = {
    "jit_profile_used_id": "int4",
    "jit_adu": "float8",
    "jit_sigma": "float8",
    "jit_lead_time": "float8",
    "jit_lead_time_sigma": "float8",
    "jit_lead_time_source": "varchar",
    "jit_safety_stock": "float8",
    "jit_min_qty": "float8",
    "jit_max_qty": "float8",
    "jit_spike_days": "int4",
    "jit_usable_days": "int4",
    "jit_booked_share": "float8",
    "jit_adu_source": "varchar",
    "jit_state": "varchar",
    "jit_message": "varchar",
    "product_min_qty": "float8",
    "product_max_qty": "float8",
}

# Run line column <- result (or extra) column.
LINE_COLUMNS = {
    "orderpoint_id": "id",
    "profile_id": "jit_profile_used_id",
    "state": "jit_state",
    "old_min_qty": "old_min_qty",
    "old_max_qty": "old_max_qty",
    "new_min_qty": "jit_min_qty",
    "new_max_qty": "jit_max_qty",
    "adu": "jit_adu",
    "sigma_demand": "jit_sigma",
    "lead_time": "jit_lead_time",
    "sigma_lead_time": "jit_lead_time_sigma",
    "z": "z",
    "safety_stock": "jit_safety_stock",
    "spike_days": "jit_spike_days",
    "message": "jit_message",
    "booked_share": "jit_booked_share",
}


def write_back(ops, run, rules, results, extra, now):
    """One statement for the batch: UPDATE the rules with `results` and
    INSERT their run lines (the same arrays, plus `extra`: old min/max and
    z), then tell the ORM what changed."""
    env = ops.env
    columns = {
        "id": ("int4", rules["id"]),
        **{name: (RESULT_COLUMNS[name], results[name]) for name in RESULT_COLUMNS},
        **extra,
    }
    ident = SQL.identifier
    env.cr.execute(
        SQL(
            """
            WITH v AS (
                SELECT * FROM %(rows)s
            ), rules AS (
                UPDATE stock_warehouse_orderpoint op
                   SET %(assignments)s,
                       jit_last_computed = %(now)s,
                       write_date = %(now)s,
                       write_uid = %(uid)s
                  FROM v
                 WHERE op.id = v.id
                   -- the batch's rows by primary key, not a hash of the table
                   AND op.id = ANY(%(ids)s::int[])
            )
            INSERT INTO jit_run_line (run_id, %(line_names)s)
            SELECT %(run)s, %(line_values)s FROM v
            """,
            rows=unnest_rows(columns),
            ids=sql_array(rules["id"]),
            assignments=SQL(", ").join(
                SQL("%s = v.%s", ident(name), ident(name)) for name in RESULT_COLUMNS
            ),
            now=now,
            uid=env.uid,
            run=run.id,
            line_names=SQL(", ").join(ident(c) for c in LINE_COLUMNS),
            line_values=SQL(", ").join(
                SQL("v.%s", ident(v)) for v in LINE_COLUMNS.values()
            ),
        )
    )
    # Only the cache needs refreshing: min and max are written together and
    # consistent (max >= min), so Odoo's computes that keep them so have
    # nothing to recompute, and the quantities to order are not stored.
    ops.browse(rules["id"].tolist()).invalidate_recordset(
        [*RESULT_COLUMNS, "jit_last_computed", "jit_last_run_id"]
    )
    env["jit.run.line"].invalidate_model()
    run.invalidate_recordset(["line_ids"])
