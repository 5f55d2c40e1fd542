# Copyright 2026 JIT Replenishment Suite
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Splitting an RFQ the vendor confirmed in part: the lines it did not
confirm leave for an order of their own (same vendor, same terms, same
deadline), which jit_replenishment's fallback re-issues; the confirmed lines
stay on the vendor's order, which is confirmed."""

# What the lines keep when they move: their own values, not the ones their
# computes would give on the new order (prices, dates, descriptions, taxes).
KEPT_LINE_FIELDS = ("price_unit", "date_planned", "name", "taxes_id", "discount")
# The JIT state of the order that the part shares (the fallback reads it).
SHARED_ORDER_FIELDS = (
    "jit_managed",
    "jit_rfq_sent_at",
    "jit_confirmation_deadline",
    "jit_reminder_due_at",
    "jit_reminder_sent_at",
    "jit_vendor_state",
    "jit_original_order_id",
)


def split_off(order, lines):
    """Move `lines` of the sent `order` to a new sent order of the same vendor
    and return it. The new order shares the order's JIT chain (its vendors
    tried before) and deadline; nothing is sent to the vendor."""
    order.ensure_one()
    env = order.env
    vals = {name: order[name] for name in SHARED_ORDER_FIELDS}
    vals = order._convert_to_write(vals)
    part = order.copy({**vals, "order_line": [], "state": order.state})
    protected = [lines._fields[name] for name in KEPT_LINE_FIELDS]
    with env.protecting(protected, lines):
        lines.write({"order_id": part.id})
    order.message_post(
        body=env._(
            "Lines %(products)s moved to %(part)s: the vendor did not confirm "
            "them; the other lines stay on this order.",
            products=", ".join(lines.mapped("product_id.display_name")),
            part=part.name,
        ),
        subtype_xmlid="mail.mt_note",
    )
    part.message_post(
        body=env._(
            "Split from %(order)s: the lines %(vendor)s did not confirm.",
            order=order.name,
            vendor=order.partner_id.display_name,
        ),
        subtype_xmlid="mail.mt_note",
    )
    return part


def reissue_unconfirmed(order, reissue):
    """The fallback on an order the vendor confirmed in part: the other
    lines are split off and re-issued with `reissue` (jit_replenishment's
    entry point), the confirmed ones are confirmed through their vendor's
    channel. Returns what `reissue` returned."""
    lines = order.order_line.filtered(lambda ln: not ln.display_type)
    rest = lines.filtered(lambda ln: ln.vendor_answer != "confirmed")
    part = split_off(order, rest)
    new = reissue(part)
    channel = order._vendor_last_channel()
    order.with_context(jit_channel=channel).button_confirm()
    return new
