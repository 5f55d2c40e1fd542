# Copyright 2026 JIT Replenishment Suite
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""How the JIT actions answer the buyer: a notification that says what
happened (rules recomputed per state, approved, rejected, enabled)."""


def notify(env, title, message, kind="success", next_action=None):
    """A notification that closes the dialog, or opens `next_action`."""
    return {
        "type": "ir.actions.client",
        "tag": "display_notification",
        "params": {
            "type": kind,
            "title": title,
            "message": message,
            "sticky": False,
            "next": next_action or {"type": "ir.actions.act_window_close"},
        },
    }


def run_summary(env, runs):
    """What these runs did, in one sentence (zero counts left out):
    '3 rule(s) recomputed: 2 applied, 1 still without history.'"""
    counts = [
        (sum(runs.mapped(fname)), label)
        for fname, label in (
            ("applied_count", env._("applied")),
            ("waiting_count", env._("waiting for approval")),
            ("no_history_count", env._("still without history")),
            ("no_lead_time_count", env._("without lead time")),
            ("insufficient_count", env._("with too little data")),
            ("failed_count", env._("failed")),
        )
    ]
    return env._(
        "%(rules)s rule(s) recomputed: %(details)s.",
        rules=sum(runs.mapped("rule_count")),
        details=", ".join(f"{n} {label}" for n, label in counts if n)
        or env._("nothing to do"),
    )


def settled(ops, done, title, message, refused_title):
    """The answer to an approval or rejection of `done` among the selected
    rules `ops`: the count, and the selected rules that were not waiting.
    With none waiting (the list's buttons apply to any selection) it is a
    refusal, titled `refused_title`, that changed nothing."""
    env = ops.env
    skipped = len(ops) - len(done)
    if not done:
        return notify(
            env,
            refused_title,
            env._(
                "None of the %(selected)s selected rule(s) is waiting for "
                "approval: %(count)s rule(s) not waiting, nothing changed.",
                selected=len(ops),
                count=skipped,
            ),
            "warning",
        )
    text = message
    if skipped:
        text += " " + env._(
            "%(count)s selected rule(s) were not waiting for approval.",
            count=skipped,
        )
    return notify(env, title, text)
