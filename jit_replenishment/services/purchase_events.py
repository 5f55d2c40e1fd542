# Copyright 2026 JIT Replenishment Suite
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""The purchase history (jit.purchase.event) and the vendor's answers.

Who acted and through which channel (buyer, portal, API, automatic), and
what the vendor answered: a confirmation (first acceptance kept), a
rejection (handed to the fallback job), a promise (date and quantity, only
when the vendor made the change). The SLA figures are measured on these
events (sla_metrics)."""

from odoo import fields
from odoo.exceptions import UserError
from odoo.http import request

from . import fallback

API_PATHS = ("/xmlrpc", "/jsonrpc", "/json/")


def event_vals(order, event_type, **vals):
    """Values of an event of `order`. Who acted: the request's user (the
    portal runs Odoo's controllers as superuser on the vendor's behalf),
    else the environment's."""
    user = request.env.user if request else order.env.user
    return {
        "order_id": order.id,
        "partner_id": order.partner_id._jit_vendor().id,
        "company_id": order.company_id.id,
        "event_type": event_type,
        "user_id": user.id,
        **vals,
    }


def channel(env):
    """Where a confirmation comes from: the context says so when the caller
    knows (portal, scheduler); a web-client request is the buyer's; without
    an HTTP request (Odoo hides it while serving XML-RPC and JSON-RPC, and
    scripts have none) it is the external API."""
    given = env.context.get("jit_channel")
    if given:
        return given
    if not request:
        return "api"
    path = request.httprequest.path
    if path.startswith(API_PATHS):
        return "api"
    if path.startswith("/my/"):
        return "portal"
    return "buyer"


def vendor_channel(order):
    """The channel of a change to `order` if the vendor made it (a promise),
    else False: the portal, the API called by one of the vendor's own users,
    or a buyer who explicitly records what the vendor promised (context
    jit_vendor_promise). A buyer's own change is not."""
    order.ensure_one()
    env = order.env
    if env.context.get("jit_vendor_promise"):
        return "buyer"
    found = order._jit_channel()
    if found == "portal":
        return found
    vendor = order.partner_id._jit_vendor()
    if found == "api" and env.user.partner_id._jit_vendor() == vendor:
        return found
    return False


def record_confirmation(orders, via):
    """The orders were confirmed through channel `via`: an RFQ the vendor
    already accepted keeps its acceptance (time and channel), since the
    buyer's confirmation of the order is not the vendor's; every line's
    quantity and date become the first promise."""
    first = orders.filtered(lambda o: o.jit_vendor_state != "confirmed")
    first.write(
        {
            "jit_vendor_state": "confirmed",
            "jit_confirmed_at": fields.Datetime.now(),
            "jit_confirmation_channel": via,
        }
    )
    events = []
    for order in orders:
        events.append(order._jit_event_vals("confirmed", channel=via))
        for line in order.order_line.filtered(lambda ln: not ln.display_type):
            events.append(line._jit_promise_vals(via))
    orders.order_line.filtered(lambda ln: not ln.display_type)._jit_set_promise()
    orders.env["jit.purchase.event"]._record(events)


def reject(orders, reason=""):
    """The vendor declines the RFQs (portal or API): recorded, and the
    fallback job re-issues them to the next backup vendor."""
    env = orders.env
    orders._jit_lock()
    orders._jit_check_not_reissued()
    confirmed = orders.filtered(lambda o: o.state in ("purchase", "done"))
    if confirmed:
        raise UserError(
            env._(
                "Order %(order)s is already confirmed and cannot be rejected.",
                order=confirmed[0].name,
            )
        )
    via = orders._jit_channel()
    orders.write(
        {
            "jit_vendor_state": "rejected",
            "jit_rejected_at": fields.Datetime.now(),
            "jit_rejection_reason": reason or False,
        }
    )
    env["jit.purchase.event"]._record(
        [o._jit_event_vals("rejected", channel=via, note=reason) for o in orders]
    )
    fallback.trigger(env)


def lines_off_promise(lines):
    """The lines whose current date or quantity differs from the last promise."""
    return lines.filtered(
        lambda ln: (
            ln.jit_promised_date != ln.date_planned
            or ln.jit_promised_qty != ln.product_qty
        )
    )


def record_promise(lines):
    """Record the lines' current date and quantity as the vendor's new
    promise, for the orders whose change comes from a vendor channel."""
    events = []
    promised = lines.browse()
    for order in lines.order_id:
        via = order._jit_vendor_channel()
        if via:
            own = lines.filtered(lambda ln, o=order: ln.order_id == o)
            events += [line._jit_promise_vals(via) for line in own]
            promised |= own
    if promised:
        lines.env["jit.purchase.event"]._record(events)
        promised._jit_set_promise()


def set_promise(lines):
    for line in lines:
        line.write(
            {
                "jit_promised_date": line.date_planned,
                "jit_promised_qty": line.product_qty,
            }
        )


def promise_vals(line, via):
    return line.order_id._jit_event_vals(
        "promise",
        channel=via,
        line_id=line.id,
        product_id=line.product_id.id,
        original_date=line.jit_original_date or line.date_planned,
        promised_date=line.date_planned,
        promised_qty=line.product_qty,
    )
