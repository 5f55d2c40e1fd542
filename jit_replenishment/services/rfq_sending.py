# Copyright 2026 JIT Replenishment Suite
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""The sending job: which draft JIT RFQs are mailed (company or vendor
setting), the confirmation clock a sent RFQ starts (deadline and reminder in
working hours), the automatic confirmation for trusted vendors, and the
reminders before the deadline."""

from odoo import fields


def mark_sent(orders):
    """An RFQ went to the vendor: start the confirmation clock (deadline and
    reminder in the company's working hours, the vendor's settings)."""
    now = fields.Datetime.now()
    events = []
    for order in orders:
        vals = {"jit_rfq_sent_at": now}
        if order.jit_managed:
            company = order.company_id
            vendor = order.partner_id._jit_vendor().with_company(company)
            deadline = company._jit_add_working_hours(
                now, vendor.jit_confirmation_hours
            )
            vals.update(
                jit_confirmation_deadline=deadline,
                jit_reminder_due_at=company._jit_add_working_hours(
                    deadline, -vendor.jit_reminder_hours
                ),
                jit_vendor_state="pending",
            )
        order.write(vals)
        events.append(order._jit_event_vals("sent", channel="system"))
    orders.env["jit.purchase.event"]._record(events)


def is_trusted(order):
    """A vendor whose RFQs are confirmed right after sending: setting on and
    SLA standing Good (in the order's company)."""
    vendor = order.partner_id._jit_vendor().with_company(order.company_id)
    return vendor.jit_auto_confirm and vendor.jit_sla_standing == "good"


def run_cron(Order):
    """Send a batch of draft JIT RFQs, confirm those of trusted vendors,
    remind vendors whose deadline is near; returns the orders sent."""
    env = Order.env
    size = Order._jit_followup_batch
    drafts = Order._jit_auto_send_drafts(limit=size + 1)
    more = len(drafts) > size
    sent = drafts[:size]._jit_auto_send()
    for order in sent.filtered(is_trusted):
        order._jit_guarded(
            order.with_context(jit_channel="auto").button_confirm,
            env._("Automatic confirmation failed"),
        )
    reminded = Order._jit_send_reminders()
    env["ir.cron"]._notify_progress(done=len(sent) + len(reminded), remaining=int(more))
    return sent


def auto_send_drafts(Order, domain=(), limit=None):
    """Draft JIT RFQs the scheduler mails (oldest first): of a company that
    sends to every vendor, or of a vendor that opted in. The setting is in
    the query, so drafts left to the buyer never fill a batch."""
    base = [
        ("jit_managed", "=", True),
        ("state", "=", "draft"),
        ("jit_send_blocked", "=", False),
        *domain,
    ]
    orders = Order.browse()
    for company in Order.env["res.company"].sudo().search([]):
        if limit is not None and len(orders) >= limit:
            break
        company_domain = [*base, ("company_id", "=", company.id)]
        if not company.jit_rfq_auto_send:
            company_domain.append(
                ("partner_id.commercial_partner_id.jit_rfq_auto_send", "=", True)
            )
        orders |= Order.with_company(company).search(
            company_domain,
            limit=None if limit is None else limit - len(orders),
            order="id",
        )
    return orders.with_env(Order.env)


def auto_send(orders):
    """Mail these RFQs (one savepoint each) and return those sent. An RFQ
    whose vendor has no email address is left unsent, marked, with an
    activity for the buyer."""
    env = orders.env
    template = "jit_replenishment.mail_template_jit_rfq"
    unreachable = orders.filtered(lambda o: not o.partner_id.email)
    for order in unreachable:
        reason = env._(
            "%(vendor)s has no email address: the RFQ was not sent.",
            vendor=order.partner_id.display_name,
        )
        order.jit_send_blocked = reason
        order._jit_notify_buyer(env._("Send the RFQ by hand"), reason)
    sent = orders.browse()
    for order in orders - unreachable:
        if order._jit_guarded(
            lambda o=order: o._jit_send_mail(template, mark_sent=True),
            env._("Sending the RFQ failed"),
            block_sending=True,
        ):
            sent |= order
    return sent


def send_reminders(Order):
    """Remind the vendors of the pending RFQs whose reminder is due (once)."""
    env = Order.env
    now = fields.Datetime.now()
    due = Order.search(
        [
            ("jit_managed", "=", True),
            ("state", "=", "sent"),
            ("jit_vendor_state", "=", "pending"),
            ("jit_reminder_sent_at", "=", False),
            ("jit_confirmation_deadline", ">", now),
            ("jit_reminder_due_at", "<=", now),
        ],
        limit=Order._jit_followup_batch,
        order="id",
    )
    for order in due:
        order._jit_guarded(
            lambda o=order: o._jit_send_mail(
                "jit_replenishment.mail_template_jit_reminder"
            ),
            env._("Sending the reminder failed"),
        )
    due.write({"jit_reminder_sent_at": now})
    env["jit.purchase.event"]._record(
        [o._jit_event_vals("reminder", channel="system") for o in due]
    )
    return due
