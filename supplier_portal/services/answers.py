# Copyright 2026 JIT Replenishment Suite
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Applying a vendor's validated answers to an order: the lines, the purchase
events, the buyer's chatter note, and what the order does once every line
is answered (services.validation checked the values before)."""

from markupsafe import Markup

from odoo import fields

from .tolerance import within_tolerance


def apply(order, parsed, channel, token_link):
    """Write each (line, kind, values) answer, record its events, post one
    note for the buyer."""
    now = fields.Datetime.now()
    vendor = order.partner_id.commercial_partner_id.with_company(order.company_id)
    events = []
    summary = []
    for line, kind, values in parsed:
        common = {
            "vendor_answer_channel": channel,
            "vendor_answered_at": now,
            "vendor_comment": values["comment"] or False,
            "buyer_answer": False,
            "buyer_answered_at": False,
        }
        handler = {"confirm": _confirm, "reject": _reject, "propose": _propose}[kind]
        line_events, text = handler(line, common, values, channel, vendor)
        events += line_events
        summary.append(text)
    order.env["jit.purchase.event"]._record(events)
    post_summary(order, summary, token_link)


def _confirm(line, common, values, channel, vendor):
    line.write({**common, "vendor_answer": "confirmed"})
    event = line._vendor_event_vals("line_confirmed", channel, note=values["comment"])
    product = line.product_id.display_name
    return [event], line.env._("%(product)s: confirmed", product=product)


def _reject(line, common, values, channel, vendor):
    line.write(
        {
            **common,
            "vendor_answer": "rejected",
            "vendor_reject_reason": values["reason"],
        }
    )
    event = line._vendor_event_vals("line_rejected", channel, note=values["reason"])
    text = line.env._(
        "%(product)s: rejected (%(reason)s)",
        product=line.product_id.display_name,
        reason=values["reason"],
    )
    return [event], text


def _propose(line, common, values, channel, vendor):
    env = line.env
    qty = values["quantity"]
    when = (
        line.date_planned
        if values["day"] == values["planned_day"]
        else line._convert_to_middle_of_day(values["day"])
    )
    line.write(
        {
            **common,
            "vendor_answer": "proposed",
            "vendor_proposed_qty": qty,
            "vendor_proposed_date": when,
        }
    )
    events = [
        line._vendor_event_vals(
            "proposal", channel, qty=qty, date=when, note=values["comment"]
        )
    ]
    text = env._(
        "%(product)s: proposes %(qty)s on %(date)s",
        product=line.product_id.display_name,
        qty=qty,
        date=values["day"],
    )
    if within_tolerance(
        line.product_qty,
        qty,
        values["planned_day"],
        values["day"],
        vendor.vendor_qty_tolerance,
        vendor.vendor_days_tolerance,
    ):
        # Both written at once: the quantity alone would recompute the
        # planned date from the vendor's lead time.
        line.write(
            {
                "product_qty": qty,
                "date_planned": when,
                "vendor_answer": "confirmed",
                "buyer_answer": "auto",
                "buyer_answered_at": common["vendor_answered_at"],
            }
        )
        events.append(line._vendor_event_vals("proposal_accepted", "auto", qty=qty))
        text += env._(" (within tolerance: accepted)")
    return events, text


def post_summary(order, summary, token_link):
    """The answers in the chatter, for the buyer (HTML-escaped)."""
    env = order.env
    user = env.user
    author = order.partner_id if user._is_public() else user.partner_id
    title = (
        env._("Vendor answer (access link):") if token_link else env._("Vendor answer:")
    )
    body = Markup("<p>%s</p><ul>%s</ul>") % (
        title,
        Markup().join(Markup("<li>%s</li>") % item for item in summary),
    )
    order.message_post(body=body, author_id=author.id, subtype_xmlid="mail.mt_note")


def complete(order, channel):
    """Once every line is answered: all confirmed confirms the order (its own
    path: events, SLA, locks); all rejected rejects it (the fallback re-issues
    it); confirmed and rejected lines mixed split it: the confirmed lines are
    confirmed, the rejected ones go to the fallback on an order of their own.
    A counter-proposal waits for the buyer."""
    lines = order.order_line.filtered(lambda ln: not ln.display_type)
    answers = set(lines.mapped("vendor_answer"))
    if "proposed" in answers:
        order._vendor_ask_buyer()
    elif "pending" in answers or not answers:
        return
    elif answers == {"confirmed"}:
        order.with_context(jit_channel=channel).button_confirm()
    elif answers == {"rejected"}:
        order.with_context(jit_channel=channel).action_jit_vendor_reject(
            rejection_reason(lines)
        )
    else:
        rejected = lines.filtered(lambda ln: ln.vendor_answer == "rejected")
        part = order._vendor_split(rejected)
        part.with_context(jit_channel=channel).action_jit_vendor_reject(
            rejection_reason(rejected)
        )
        order.with_context(jit_channel=channel).button_confirm()


def rejection_reason(lines):
    return "; ".join(
        dict.fromkeys(
            lines.filtered("vendor_reject_reason").mapped("vendor_reject_reason")
        )
    )


def ask_buyer(order):
    """One open activity per order for the buyer, whatever the answers."""
    env = order.env
    activity_type = env.ref("supplier_portal.mail_activity_type_vendor_answer")
    if order.activity_ids.filtered(lambda a: a.activity_type_id == activity_type):
        return
    order.activity_schedule(
        "supplier_portal.mail_activity_type_vendor_answer",
        user_id=(order.user_id or env.ref("base.user_admin")).id,
        summary=env._("Review the vendor's answer"),
        note=env._(
            "%(vendor)s answered %(order)s with counter-proposals: accept or "
            "decline them on the order lines.",
            vendor=order.partner_id.display_name,
            order=order.name,
        ),
    )


def after_buyer_answer(orders, accepted, declined):
    """Tell the vendor (a comment on the portal page), close the buyer's
    activity once nothing is left to review, and move the order on."""
    for order in orders:
        items = [
            order.env._(
                "%(product)s: your proposal (%(qty)s) is accepted.",
                product=line.product_id.display_name,
                qty=line.vendor_proposed_qty,
            )
            for line in accepted
            if line.order_id == order
        ] + [
            order.env._(
                "%(product)s: your proposal (%(qty)s) is declined; please confirm "
                "the line as ordered, reject it or propose again.",
                product=line.product_id.display_name,
                qty=line.vendor_proposed_qty,
            )
            for line in declined
            if line.order_id == order
        ]
        order.message_post(
            body=Markup("<ul>%s</ul>")
            % Markup().join(Markup("<li>%s</li>") % item for item in items),
            subtype_xmlid="mail.mt_comment",
        )
        if not order.vendor_to_review:
            order.activity_feedback(
                ["supplier_portal.mail_activity_type_vendor_answer"]
            )
        complete(order, last_channel(order))


def last_channel(order):
    """The channel of the vendor's latest answer on the order (else buyer)."""
    answered = order.order_line.filtered("vendor_answered_at")
    if not answered:
        return "buyer"
    return max(answered, key=lambda ln: ln.vendor_answered_at).vendor_answer_channel


def summary(order):
    return {
        "order": order.name,
        "state": order.state,
        "vendor_state": order.jit_vendor_state or False,
        "lines": [
            {
                "id": line.id,
                "product": line.product_id.display_name,
                "answer": line.vendor_answer,
                "buyer_answer": line.buyer_answer or False,
                "quantity": line.product_qty,
                "date_planned": fields.Datetime.to_string(line.date_planned),
            }
            for line in order.order_line.filtered(lambda ln: not ln.display_type)
        ],
    }
