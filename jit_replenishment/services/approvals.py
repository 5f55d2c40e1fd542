# Copyright 2026 JIT Replenishment Suite
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Approvals (README, "Approvals"): which computed changes wait, how a
freeze or a rejection holds, who approves, and when the approvers' to-do is
settled."""

import numpy as np

from odoo.exceptions import AccessError
from odoo.tools import SQL

import jit_core

from .pg import sql_array


def holds(env, rules, state, message, new_min, new_max, threshold, today):
    """The computed states and messages once freezes and rejections
    hold: a rule frozen until today or later keeps its min/max (state
    frozen); a rejected rule whose new proposal would wait for approval
    but lies within the threshold of the rejected proposal stays rejected
    and keeps its min/max (a proposal moved further waits again)."""
    env.cr.execute(
        SQL(
            """
            SELECT op.jit_freeze_until,
                   COALESCE(op.jit_rejected_min_qty, 0),
                   COALESCE(op.jit_rejected_max_qty, 0)
              FROM unnest(%s::int[]) WITH ORDINALITY AS r(id, idx)
              JOIN stock_warehouse_orderpoint op ON op.id = r.id
             ORDER BY r.idx
            """,
            sql_array(rules["id"]),
        )
    )
    rows = env.cr.fetchall()
    until = [row[0] for row in rows]
    rejected_min = np.array([row[1] for row in rows], dtype=float)
    rejected_max = np.array([row[2] for row in rows], dtype=float)
    moved = np.zeros(len(rows), dtype=bool)
    for rejected, new in ((rejected_min, new_min), (rejected_max, new_max)):
        moved |= jit_core.needs_approval(rejected, new, threshold)
        moved |= (rejected == 0) & (new > 0)
    held = (state == "waiting") & (rules["state"] == "rejected") & ~moved
    frozen = np.array([day is not None and day >= today for day in until])
    state = np.where(frozen, "frozen", np.where(held, "rejected", state))
    message = np.array(message, dtype=object)
    for i in np.flatnonzero(held & ~frozen):
        message[i] = env._(
            "The rejected proposal (min %(min)s, max %(max)s) holds: the "
            "computed values stay within the approval threshold of it.",
            min=rejected_min[i],
            max=rejected_max[i],
        )
    for i in np.flatnonzero(frozen):
        message[i] = env._(
            "Frozen until %(date)s: the minimum and maximum stay; the "
            "computed values are shown.",
            date=until[i],
        )
    return state, message


def request_approval(ops, run):
    """Rules newly waiting: remember the run that asked, and give each
    approver one activity on that run (not one per rule, nor per batch: a
    later batch of the same run updates it)."""
    env = ops.env
    ops.sudo().write({"jit_approval_run_id": run.id})
    waiting = ops.sudo().search(
        [("jit_approval_run_id", "=", run.id), ("jit_state", "=", "waiting")]
    )
    todo = env.ref("mail.mail_activity_data_todo")
    activities = run.sudo().activity_ids.filtered(lambda a: a.activity_type_id == todo)
    for approver, rules in approvers(waiting).items():
        names = ", ".join(rules[:10].product_id.mapped("display_name"))
        vals = {
            "summary": env._("Approve %(count)s JIT change(s)", count=len(rules)),
            "note": env._(
                "Min/max changes above the approval threshold wait for you "
                "under Inventory > JIT > Rules (filter Waiting Approval): "
                "%(names)s%(more)s.",
                names=names,
                more="…" if len(rules) > 10 else "",
            ),
        }
        activity = activities.filtered(lambda a, u=approver: a.user_id == u)[:1]
        if activity:
            activity.write(vals)
        else:
            run.sudo().activity_schedule(
                "mail.mail_activity_data_todo", user_id=approver.id, **vals
            )


def approvers(ops):
    """{approver: rules} of these rules: the profile's approver, else the
    first JIT Manager (by name) of the rule's company, else the
    administrator."""
    env = ops.env
    managers = (
        env["res.users"]
        .sudo()
        .search(
            [
                ("groups_id", "in", env.ref("jit_replenishment.group_jit_manager").ids),
                ("share", "=", False),
            ],
            order="name, id",
        )
        .filtered(lambda u: not u._is_superuser())
    )
    by_approver = {}
    for op in ops:
        approver = op.jit_profile_used_id.approver_id or next(
            (u for u in managers if op.company_id in u.company_ids),
            env.ref("base.user_admin"),
        )
        by_approver.setdefault(approver, ops.browse())
        by_approver[approver] |= op
    return by_approver


def settle_approvals(ops, feedback):
    """These rules' changes are settled (approved, rejected, applied by a
    later run, frozen, JIT turned off): clear their approval pointer and
    mark done the activities of the runs with nothing left waiting."""
    pending = ops.filtered("jit_approval_run_id")
    if not pending:
        return
    runs = pending.jit_approval_run_id
    pending.sudo().write({"jit_approval_run_id": False})
    runs._close_approval_activities(feedback)


def check_manager(ops):
    """Only a JIT Manager allowed to write the rules approves or rejects."""
    if not ops.env.user.has_group("jit_replenishment.group_jit_manager"):
        raise AccessError(
            ops.env._("Only a JIT Manager can approve or reject JIT changes.")
        )
    ops.check_access("write")


def approve(ops):
    """Apply the waiting proposals of these rules; returns the rules approved."""
    ops._jit_check_manager()
    waiting = ops.filtered(lambda op: op.jit_state == "waiting")
    message = ops.env._("Approved by %(user)s", user=ops.env.user.name)
    # sudo: min/max of JIT rules are the machinery's (write access checked).
    for op in waiting.sudo():
        op.write(
            {
                "product_min_qty": op.jit_min_qty,
                "product_max_qty": op.jit_max_qty,
                "jit_state": "applied",
                "jit_message": message,
            }
        )
    waiting._jit_settle_approvals(ops.env._("Approved"))
    return waiting


def reject(ops):
    """Reject the waiting proposals: the rejection holds until the computed
    values move away from the rejected proposal by more than the approval
    threshold (`holds`). Returns the rules rejected."""
    ops._jit_check_manager()
    waiting = ops.filtered(lambda op: op.jit_state == "waiting")
    message = ops.env._(
        "Rejected by %(user)s; the current minimum and maximum stay until the "
        "computed values move by more than the approval threshold.",
        user=ops.env.user.name,
    )
    for op in waiting:
        op.write(
            {
                "jit_state": "rejected",
                "jit_rejected_min_qty": op.jit_min_qty,
                "jit_rejected_max_qty": op.jit_max_qty,
                "jit_message": message,
            }
        )
    waiting._jit_settle_approvals(ops.env._("Rejected"))
    return waiting
