# Copyright 2026 JIT Replenishment Suite
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Who is told what, and how: mails to vendors (RFQ, reminder, withdrawal)
through the mail queue, notes and activities for the buyer, a failing step
logged on its order, and the SLA breach notifications (vendor's chatter and
an activity for the buyer of the vendor's latest order)."""

import logging

from markupsafe import Markup, escape

from odoo.exceptions import UserError
from odoo.tools import SQL

from . import pg

_logger = logging.getLogger(__name__)

MAIL_LAYOUT = "mail.mail_notification_layout_with_responsible_signature"


# ----------------------------------------------------------------------
# purchase orders
# ----------------------------------------------------------------------
def send_mail(orders, template_xmlid, mark_sent=False):
    """Post a template on each order; recipients get it through the mail
    queue (never sent inline)."""
    env = orders.env
    template = env.ref(template_xmlid)
    ctx = {"mail_notify_force_send": False}
    if mark_sent:
        ctx["mark_rfq_as_sent"] = True
    for order in orders:
        try:
            with env.cr.savepoint():
                order._jit_post_template(template, ctx)
        except UserError as exc:
            # Typically no wkhtmltopdf to print the attached RFQ: the mail
            # still goes, with its portal link and without the PDF.
            _logger.warning(
                "%s: %s mailed without attachment: %s", order.name, template.name, exc
            )
            env.invalidate_all()
            order._jit_post_template(template, ctx, attachment_ids=[])


def post_template(orders, template, ctx, **composer_values):
    orders.with_context(**ctx).message_post_with_source(
        template,
        subtype_xmlid="mail.mt_comment",
        email_layout_xmlid=MAIL_LAYOUT,
        **composer_values,
    )


def buyer_of(order):
    """The order's buyer, else the administrator."""
    return order.user_id or order.env.ref("base.user_admin")


def notify_buyer(order, summary, note):
    """A note on the order and an activity for its buyer (else the admin)."""
    order.ensure_one()
    order.message_post(body=note, subtype_xmlid="mail.mt_note")
    order.activity_schedule(
        "mail.mail_activity_data_todo",
        user_id=buyer_of(order).id,
        summary=summary,
        note=note,
    )


def guarded(order, call, summary, block_sending=False):
    """Run `call` in a savepoint; on a data error, log it on the order
    (message and activity for the buyer) and return False. Concurrency
    errors propagate: the job is retried as a whole."""
    order.ensure_one()
    env = order.env
    try:
        with env.cr.savepoint():
            call()
        return True
    except Exception as exc:  # noqa: BLE001 - logged on the order
        if pg.is_concurrency_error(exc):
            raise
        env.invalidate_all()
        _logger.warning("JIT: %s on %s: %s", summary, order.name, exc)
        error = f"{type(exc).__name__}: {exc}"[:500]
        if block_sending:
            order.jit_send_blocked = error
        order._jit_notify_buyer(
            summary, env._("%(what)s: %(error)s", what=summary, error=error)
        )
        return False


def send_template_to_buyer(orders):
    template = orders.env.ref("jit_replenishment.mail_template_jit_fallback_buyer")
    for order in orders.filtered("user_id"):
        template.send_mail(order.id, force_send=False)


# ----------------------------------------------------------------------
# SLA breaches
# ----------------------------------------------------------------------
def sla_buyers(env, partner_ids, company_ids):
    """Buyer of each vendor's latest purchase order in the company."""
    env.cr.execute(
        SQL(
            """
            SELECT DISTINCT ON (v.partner_id, v.company_id)
                   v.partner_id, v.company_id, po.user_id
              FROM %(keys)s
              JOIN res_partner rp ON %(vendor)s = v.partner_id
              JOIN purchase_order po ON po.partner_id = rp.id
                                    AND po.company_id = v.company_id
              JOIN res_users u ON u.id = po.user_id AND u.active
             ORDER BY v.partner_id, v.company_id, po.date_order DESC, po.id DESC
            """,
            keys=pg.unnest_rows(
                {
                    "partner_id": ("int4", partner_ids),
                    "company_id": ("int4", company_ids),
                }
            ),
            vendor=pg.vendor_sql("rp"),
        )
    )
    return {(p, c): u for p, c, u in env.cr.fetchall()}


def _new_breaches(env, rows, notify_drop, late_lines):
    """[(key index, row id, standing dropped, new late line ids)] of the
    breaches not notified yet."""
    env.cr.execute(
        SQL(
            "SELECT score_id, line_id FROM jit_sla_score_late_line_rel"
            " WHERE score_id = ANY(%s)",
            list(rows.values()),
        )
    )
    notified = {}
    for score_id, line_id in env.cr.fetchall():
        notified.setdefault(score_id, set()).add(line_id)
    todo = []
    for idx, row_id in rows.items():
        new_drop = bool(notify_drop[idx])
        new_late = sorted(set(late_lines[idx]) - notified.get(row_id, set()))
        if new_drop or new_late:
            todo.append((idx, row_id, new_drop, new_late))
    return todo


def sla_breaches(Score, rows, keys, notify_drop, drop_from, late_lines, contracts):
    """One message on the vendor's chatter and one activity for the buyer
    per breach not notified yet: a standing drop (`notify_drop`, from the
    standing `drop_from`) and the lines newly found late beyond tolerance,
    together when both happen."""
    env = Score.env
    if not rows:
        return
    todo = _new_breaches(env, rows, notify_drop, late_lines)
    if not todo:
        return
    buyers = sla_buyers(
        env,
        [int(keys["partner"][t[0]]) for t in todo],
        [int(keys["company"][t[0]]) for t in todo],
    )
    contract_by_id = {c.id: c for c in contracts}
    Line = env["purchase.order.line"]
    rows_by_id = Score.browse([t[1] for t in todo])
    for idx, row_id, new_drop, new_late in todo:
        row = rows_by_id.browse(row_id)
        partner = row.partner_id.with_company(row.company_id)
        contract = contract_by_id[int(keys["contract"][idx])]
        buyer = buyers.get((partner.id, row.company_id.id)) or contract.user_id.id
        body, summary = Score._sla_breach_message(
            row, new_drop, str(drop_from[idx]), Line.browse(new_late)
        )
        partner.message_post(body=body, subtype_xmlid="mail.mt_note")
        if buyer:
            partner.activity_schedule(
                "mail.mail_activity_data_todo",
                summary=summary,
                note=body,
                user_id=buyer,
            )
    _mark_notified(Score, todo)


def _mark_notified(Score, todo):
    """Remember what was notified: the standing dropped to, the late lines."""
    drops = Score.browse([t[1] for t in todo if t[2]])  # one write per standing
    for standing in set(drops.mapped("standing")):
        drops.filtered(lambda r, s=standing: r.standing == s).write(
            {"notified_standing": standing}
        )
    pairs = [(t[1], line) for t in todo for line in t[3]]
    if pairs:
        pg.bulk_insert(
            Score.env.cr,
            "jit_sla_score_late_line_rel",
            {
                "score_id": ("int4", [p[0] for p in pairs]),
                "line_id": ("int4", [p[1] for p in pairs]),
            },
            returning=None,
            conflict=SQL("ON CONFLICT DO NOTHING"),
        )
        Score.browse([p[0] for p in pairs]).invalidate_recordset(["late_line_ids"])


def sla_breach_message(row, dropped, dropped_from, late_lines):
    """(HTML body, activity summary) of a breach notification; the vendor
    `dropped` from standing `dropped_from` ('' for a new vendor)."""
    env = row.env
    labels = dict(row._fields["standing"]._description_selection(env))
    parts = []
    period = env._("%(start)s to %(end)s", start=row.period_start, end=row.period_end)
    if dropped:
        parts.append(
            env._(
                "SLA standing dropped from %(old)s to %(new)s (score %(score)s) "
                "for the period %(period)s.",
                old=labels.get(dropped_from) or env._("no standing"),
                new=labels.get(row.standing, row.standing),
                score=f"{row.score:.1f}",
                period=period,
            )
        )
    if late_lines:
        parts.append(
            env._(
                "Not received within %(days)s day(s) of the promised date: %(lines)s.",
                days=row.contract_id.lt_tolerance_days,
                lines=", ".join(
                    f"{line.order_id.name} / {line.product_id.display_name}"
                    for line in late_lines
                ),
            )
        )
    body = Markup("<br/>").join(escape(p) for p in parts)
    summary = (
        env._("SLA standing dropped") if dropped else env._("SLA breach: late receipt")
    )
    return body, summary
