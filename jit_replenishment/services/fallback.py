# Copyright 2026 JIT Replenishment Suite
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""THE deadline fallback: a sent JIT RFQ that its vendor rejected, or did not
confirm by the deadline, is cancelled and re-issued to the next backup vendor
(vendors already tried in the chain excluded; the vendor choice itself is
product.supplierinfo's _jit_choose_lines). Rows are locked so that a
confirmation racing the deadline and two jobs at once never yield two
replacements; an order re-issued can no longer be confirmed."""

import logging

from odoo import Command, fields
from odoo.exceptions import UserError
from odoo.tools import SQL

from . import notify
from .pg import is_concurrency_error

_logger = logging.getLogger(__name__)


def trigger(env):
    """Run the fallback job soon (a vendor rejected an RFQ)."""
    env.ref("jit_replenishment.ir_cron_jit_fallback").sudo()._trigger()


def lock(orders):
    """Lock the orders' rows until the end of the transaction, then re-read
    them: a concurrent fallback or confirmation is seen."""
    if not orders:
        return
    orders.flush_recordset()
    orders.env.cr.execute(
        SQL(
            "SELECT id FROM purchase_order WHERE id = ANY(%s) ORDER BY id FOR UPDATE",
            list(orders.ids),
        )
    )
    orders.invalidate_recordset()


def check_not_reissued(orders):
    """An order re-issued to a backup vendor can no longer be confirmed."""
    reissued = orders.filtered("jit_replacement_order_id")
    if reissued:
        order = reissued[0]
        raise UserError(
            orders.env._(
                "Order %(order)s can no longer be confirmed: it was re-issued "
                "to %(vendor)s as %(new)s on %(date)s (%(reason)s).",
                order=order.name,
                vendor=order.jit_replacement_order_id.partner_id.display_name,
                new=order.jit_replacement_order_id.name,
                date=order.jit_fallback_at,
                reason=order._jit_reason_label(order.jit_fallback_reason),
            )
        )


def reason_label(Order, reason):
    """The translated label of a fallback reason code."""
    return dict(
        Order._fields["jit_fallback_reason"]._description_selection(Order.env)
    ).get(reason, reason or "")


def due_orders(Order, batch_size, now):
    """Sent JIT RFQs rejected or past their deadline, locked (SKIP LOCKED)."""
    Order.flush_model()
    Order.env.cr.execute(
        SQL(
            """
            SELECT id FROM purchase_order
             WHERE jit_managed
               AND state IN ('draft', 'sent')
               AND jit_replacement_order_id IS NULL
               AND NOT COALESCE(jit_fallback_exhausted, FALSE)
               AND (jit_vendor_state = 'rejected'
                    OR (jit_vendor_state = 'pending'
                        AND jit_confirmation_deadline < %s))
             ORDER BY id
             LIMIT %s
               FOR UPDATE SKIP LOCKED
            """,
            now,
            batch_size,
        )
    )
    return Order.browse([row[0] for row in Order.env.cr.fetchall()])


def run_cron(Order, batch_size=None):
    """Re-issue the due orders, one savepoint each; returns those re-issued."""
    batch_size = batch_size or Order._jit_followup_batch
    orders = due_orders(Order, batch_size, fields.Datetime.now())
    done = Order.browse()
    for order in orders:
        try:
            with Order.env.cr.savepoint():
                order._jit_reissue()
                done |= order
        except Exception as exc:  # noqa: BLE001 - logged, the others go on
            if is_concurrency_error(exc):
                raise
            _logger.exception("JIT fallback of %s failed", order.name)
    # A full batch may leave more orders due; failed ones are retried at
    # the next scheduled run, not in a loop now.
    Order.env["ir.cron"]._notify_progress(
        done=len(done), remaining=int(len(orders) == batch_size)
    )
    return done


def tried_vendors(order):
    vendors = order.env["res.partner"]
    while order:
        vendors |= order.partner_id._jit_vendor()
        order = order.jit_original_order_id
    return vendors


def next_vendor(order):
    """The next backup vendor, as product.supplierinfo's _jit_choose_lines
    picks it for each product line (vendors already tried in this chain
    excluded, need date of the earliest line): the vendor chosen for the
    first line that has valid lines for every product of the order.
    Returns the vendor price line chosen for the first line (its partner
    is the new vendor), or an empty recordset."""
    order.ensure_one()
    lines = order.order_line.filtered(lambda ln: ln.product_id and not ln.display_type)
    Supplierinfo = order.env["product.supplierinfo"]
    if not lines:
        return Supplierinfo
    today = fields.Date.context_today(order)
    need = min(lines.mapped("date_planned")).date()
    args = {
        "products": [ln.product_id.id for ln in lines],
        "companies": order.company_id.id,
        "day": max(need, today),
        "forced": [ln.orderpoint_id.supplier_id.id or 0 for ln in lines],
        "quantity": [ln.product_uom_qty for ln in lines],
        "need_days": (need - today).days,
        "exclude": order._jit_tried_vendors().ids,
    }
    first = Supplierinfo._jit_choose_lines(**args)
    if not first["line"].all():
        return Supplierinfo
    for line_id in dict.fromkeys(first["line"].tolist()):
        vendor = Supplierinfo.browse(line_id).partner_id._jit_vendor()
        same = Supplierinfo._jit_choose_lines(**args, only=vendor.ids)
        if same["line"].all():
            return Supplierinfo.browse(int(same["line"][0]))
    return Supplierinfo


def reissue(order):
    """Cancel `order` and re-issue it to the next backup vendor (or, with
    none left, mark it and tell the buyer); returns the new order."""
    order.ensure_one()
    env = order.env
    reason = "rejected" if order.jit_vendor_state == "rejected" else "timeout"
    label = order._jit_reason_label(reason)
    vendor = order._jit_next_vendor().partner_id
    if not vendor:
        _exhausted(order, label)
        return order.browse()
    now = fields.Datetime.now()
    new = order._jit_replacement(vendor, now)
    order.button_cancel()
    order._jit_write_fallback(
        {
            "jit_replacement_order_id": new.id,
            "jit_fallback_reason": reason,
            "jit_fallback_at": now,
        }
    )
    env["jit.purchase.event"]._record(
        [
            order._jit_event_vals(
                "fallback",
                channel="system",
                note=env._(
                    "%(reason)s, re-issued as %(new)s", reason=label, new=new.name
                ),
            )
        ]
    )
    _announce(order, new, vendor, label)
    return new


def _exhausted(order, label):
    """No vendor left: nothing is cancelled, the buyer gets an activity."""
    env = order.env
    order._jit_write_fallback({"jit_fallback_exhausted": True})
    order.activity_schedule(
        "mail.mail_activity_data_todo",
        user_id=notify.buyer_of(order).id,
        summary=env._("No backup vendor left"),
        note=env._(
            "%(vendor)s did not confirm %(order)s (%(reason)s) and no other "
            "vendor can supply all its products. Nothing was cancelled.",
            vendor=order.partner_id.display_name,
            order=order.name,
            reason=label,
        ),
    )


def _announce(order, new, vendor, label):
    """Notes on both orders; the withdrawn vendor and the buyer are told; the
    new vendor gets the RFQ (now, or by the sending job if it does not take
    it by mail)."""
    env = order.env
    order.message_post(
        body=env._(
            "Re-issued to %(vendor)s as %(new)s: %(reason)s.",
            vendor=vendor.display_name,
            new=new._get_html_link(),
            reason=label,
        ),
        subtype_xmlid="mail.mt_note",
    )
    new.message_post(
        body=env._(
            "Re-issued from %(old)s of %(vendor)s: %(reason)s.",
            old=order._get_html_link(),
            vendor=order.partner_id.display_name,
            reason=label,
        ),
        subtype_xmlid="mail.mt_note",
    )
    order._jit_send_mail("jit_replenishment.mail_template_jit_withdrawn")
    order._jit_send_template_to_buyer()
    new._jit_auto_send_drafts([("id", "=", new.id)])._jit_auto_send()


def replacement(order, vendor, now):
    """The replacement RFQ for `vendor`, made as a buyer picking that vendor
    in the form would make it: currency, payment terms, fiscal position and
    buyer from the vendor (the form's onchange), taxes mapped by that fiscal
    position and prices, discounts, descriptions and planned dates from the
    vendor's price lines (the lines' computes). Kept from the withdrawn RFQ:
    quantities, units, the JIT rules and destination moves, delivery address,
    operation type, group, origin."""
    draft = order.new(
        {
            "partner_id": vendor.id,
            "company_id": order.company_id.id,
            "user_id": order.user_id.id,
            "date_order": now,
        }
    )
    draft.onchange_partner_id()
    new = order.create(
        {
            "partner_id": vendor.id,
            "company_id": order.company_id.id,
            "currency_id": draft.currency_id.id,
            "payment_term_id": draft.payment_term_id.id,
            "fiscal_position_id": draft.fiscal_position_id.id,
            "user_id": draft.user_id.id,
            "picking_type_id": order.picking_type_id.id,
            "dest_address_id": order.dest_address_id.id,
            "group_id": order.group_id.id,
            "origin": order.origin,
            "date_order": now,
            "jit_managed": True,
            "jit_original_order_id": order.id,
            "order_line": [Command.create(_line_vals(ln)) for ln in order.order_line],
        }
    )
    products = new.order_line.filtered("product_id")
    products._compute_tax_id()
    products._compute_price_unit_and_date_planned_and_name()
    return new


def _line_vals(line):
    """What a line of the replacement keeps of the withdrawn one."""
    if line.display_type:
        vals = {"display_type": line.display_type, "name": line.name}
    else:
        vals = {
            "product_id": line.product_id.id,
            "product_qty": line.product_qty,
            "product_uom": line.product_uom.id,
            "orderpoint_id": line.orderpoint_id.id,
            "move_dest_ids": [Command.set(line.move_dest_ids.ids)],
            "propagate_cancel": line.propagate_cancel,
            "analytic_distribution": line.analytic_distribution,
        }
    return {"sequence": line.sequence, **vals}
