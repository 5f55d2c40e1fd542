# Copyright 2026 JIT Replenishment Suite
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""A JIT rule's proposal in a buyer's words: the change in %, why it changed
(the last run line's inputs against the previous line's), where its profile
comes from. Read by the rule's list and form (computed, not stored)."""

from odoo.tools import SQL

from . import inputs

# States in which the computed min/max differ from the rule's own.
PROPOSAL_STATES = ("waiting", "rejected", "frozen")

# An input "moved" when it changed by more than this share of its value.
MOVED = 0.01


def change_percent(old, new):
    """'+25%' from old to new, '=' when unchanged (to the percent), 'new'
    when there was no value before."""
    if not old:
        return "=" if not new else "new"
    change = (new - old) / old * 100
    return f"{change:+.0f}%" if round(change) else "="


def last_two_lines(env, rule_ids):
    """{rule id: (its last jit.run.line, the one before or None)}, one query."""
    if not rule_ids:
        return {}
    Line = env["jit.run.line"]
    Line.flush_model(["orderpoint_id", "run_id"])
    env.cr.execute(
        SQL(
            """
            SELECT id FROM (
                SELECT id, run_id, ROW_NUMBER() OVER (
                           PARTITION BY orderpoint_id ORDER BY run_id DESC, id DESC
                       ) AS rank
                  FROM jit_run_line
                 WHERE orderpoint_id = ANY(%s)
            ) ranked
             WHERE rank <= 2
             ORDER BY run_id DESC, id DESC
            """,
            list(rule_ids),
        )
    )
    result = {}
    for line in Line.browse([row[0] for row in env.cr.fetchall()]):
        last, _previous = result.get(line.orderpoint_id.id, (None, None))
        result[line.orderpoint_id.id] = (last or line, line if last else None)
    return result


def describe_change(env, last, previous):
    """The inputs of `last` that moved from `previous` by more than 1 %, in
    words: 'ADU 2.00 → 3.00, lead time 7.0 days → 10.0 days'."""
    if last.state in ("no_history", "failed"):
        return last.message or False
    if not previous:
        return env._(
            "First computation: ADU %(adu)s, σ %(sigma)s, lead time %(lt)s days "
            "(%(profile)s)",
            adu=f"{last.adu:.2f}",
            sigma=f"{last.sigma_demand:.2f}",
            lt=f"{last.lead_time:.1f}",
            profile=last.profile_id.name or "",
        )
    figures = (
        (env._("ADU"), previous.adu, last.adu, "{:.2f}".format),
        (env._("σ"), previous.sigma_demand, last.sigma_demand, "{:.2f}".format),
        (
            env._("lead time"),
            previous.lead_time,
            last.lead_time,
            lambda v: env._("%(days)s days", days=f"{v:.1f}"),
        ),
    )
    parts = [
        env._("%(label)s %(old)s → %(new)s", label=label, old=fmt(old), new=fmt(new))
        for label, old, new, fmt in figures
        if abs(new - old) > MOVED * max(abs(old), abs(new), 1e-9)
    ]
    if previous.profile_id != last.profile_id:
        parts.append(
            env._(
                "profile %(old)s → %(new)s",
                old=previous.profile_id.name or "-",
                new=last.profile_id.name or "-",
            )
        )
    return ", ".join(parts) or env._("Same inputs as the previous run")


def profile_origin(rule):
    """(profile, where it comes from) for one rule, in the recompute's order
    (inputs.pick_profile); read from the form's values, so an unsaved
    change shows at once."""
    env = rule.env
    product = rule.product_id.product_tmpl_id.with_company(rule.company_id)
    chain = []
    categ = product.categ_id.with_company(rule.company_id)
    while categ:
        chain.append((categ, categ.jit_profile_id))
        categ = categ.parent_id
    profile, source = inputs.pick_profile(
        rule.jit_profile_id,
        product.jit_profile_id,
        chain,
        rule.company_id.jit_profile_id or rule.jit_profile_used_id,
    )
    where = {
        "rule": env._("set on this rule"),
        "product": env._("from the product"),
        "company": env._("company default"),
    }
    if source in where:
        return profile, where[source]
    return profile, env._("from the product category %(name)s", name=source.name)
