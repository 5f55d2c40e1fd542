# Copyright 2026 JIT Replenishment Suite
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Which carrying-cost rates apply: the one definition, as SQL.

A category's own rates (jit_cc_override) apply to it and to its
sub-categories that have none; the nearest such ancestor wins; otherwise the
company's rates. Rates are yearly percentages of the inventory value, so the
carrying cost of a value V held D days is V * D * rate / 100 / 365.
"""

from odoo.tools import SQL

RATE_FIELDS = (
    "jit_cc_capital_rate",
    "jit_cc_storage_rate",
    "jit_cc_insurance_rate",
    "jit_cc_obsolescence_rate",
)
# Report measure of each component (field of jit.inventory.report).
COMPONENTS = {
    "jit_cc_capital_rate": "cost_capital",
    "jit_cc_storage_rate": "cost_storage",
    "jit_cc_insurance_rate": "cost_insurance",
    "jit_cc_obsolescence_rate": "cost_obsolescence",
}


def effective_rates_sql():
    """Rows (company_id, categ_id, one column per rate field): the rates that
    apply to each category in each company."""
    columns = SQL(", ").join(
        SQL(
            "COALESCE(ov.%(f)s, co.%(f)s) AS %(f)s",
            f=SQL.identifier(name),
        )
        for name in RATE_FIELDS
    )
    return SQL(
        """
        SELECT co.id AS company_id, c.id AS categ_id, %(columns)s
          FROM res_company co
         CROSS JOIN product_category c
          LEFT JOIN LATERAL (
                SELECT o.*
                  FROM product_category o
                 WHERE o.jit_cc_override
                   AND starts_with(c.parent_path, o.parent_path)
                 ORDER BY length(o.parent_path) DESC
                 LIMIT 1
               ) ov ON TRUE
        """,
        columns=columns,
    )


def cost_columns(value_days, company, rates):
    """SQL of the carrying-cost columns (one per component, then cost_total)
    of `value_days` (SQL: value x days held), the company's rates (alias
    `company`) overridden by the category's (alias `rates`, a row of
    effective_rates_sql)."""
    rate = {
        name: SQL(
            "COALESCE(%(r)s.%(f)s, %(c)s.%(f)s)::float8",
            r=SQL.identifier(rates),
            c=SQL.identifier(company),
            f=SQL.identifier(name),
        )
        for name in RATE_FIELDS
    }
    columns = [
        SQL("%s * %s / 36500 AS %s", value_days, rate[name], SQL.identifier(column))
        for name, column in COMPONENTS.items()
    ]
    columns.append(
        SQL(
            "%s * (%s) / 36500 AS cost_total",
            value_days,
            SQL(" + ").join(rate.values()),
        )
    )
    return SQL(", ").join(columns)


def piece_start_sql(day):
    """SQL of the first day of the ISO-week-and-month piece holding `day`
    (the unit the snapshots are cut into)."""
    return SQL(
        "GREATEST(date_trunc('week', %s), date_trunc('month', %s))::date", day, day
    )
