# Copyright 2026 JIT Replenishment Suite
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""What an SLA contract's "Compute now" tells the buyer: each vendor's
latest score and standing, or why there is none."""


def compute_notification(contracts):
    """A notification for these contracts, just computed."""
    env = contracts.env
    latest = {
        (score.partner_id, score.company_id): score
        for score in env["jit.sla.score"].search(
            [
                ("partner_id", "in", contracts.partner_id.ids),
                ("company_id", "in", contracts.company_id.ids),
                ("is_latest", "=", True),
            ]
        )
    }
    standings = dict(
        env["jit.sla.score"]._fields["standing"]._description_selection(env)
    )
    lines, scored = [], False
    for contract in contracts:
        score = latest.get((contract.partner_id, contract.company_id))
        if score and score.lines_due:
            scored = True
            lines.append(
                env._(
                    "%(vendor)s: score %(score)s, %(standing)s (%(due)s line(s) "
                    "due from %(start)s to %(end)s).",
                    vendor=contract.partner_id.display_name,
                    score=f"{score.score:.1f}",
                    standing=standings.get(score.standing, env._("not scored yet")),
                    due=score.lines_due,
                    start=score.period_start,
                    end=score.period_end,
                )
            )
        else:
            lines.append(
                env._(
                    "%(vendor)s: no SLA figures, because no purchase line was due "
                    "in the period.",
                    vendor=contract.partner_id.display_name,
                )
            )
    return {
        "type": "ir.actions.client",
        "tag": "display_notification",
        "params": {
            "type": "success" if scored else "warning",
            "title": env._("SLA computed"),
            "message": " ".join(lines),
            "sticky": False,
            "next": {"type": "ir.actions.client", "tag": "soft_reload"},
        },
    }
