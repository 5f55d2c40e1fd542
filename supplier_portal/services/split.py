# Copyright 2026 JIT Replenishment Suite
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Splitting an RFQ the vendor confirmed in part: the lines it did not
confirm leave for an order of their own (same vendor, same terms, same
deadline), which jit_replenishment's fallback re-issues; the confirmed lines
stay on the vendor's order, which is confirmed."""

from odoo.addons.jit_replenishment.services.notify import MAIL_LAYOUT

# jit_replenishment's mail to a vendor whose request was re-issued, and the
# one its vendor gets instead for a part split off its order.
WITHDRAWN_TEMPLATE = "jit_replenishment.mail_template_jit_withdrawn"
LINES_WITHDRAWN_TEMPLATE = "supplier_portal.mail_template_vendor_lines_withdrawn"

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
    part = order.copy(
        {
            **vals,
            "order_line": [],
            "state": order.state,
            "vendor_split_from_id": order.id,
        }
    )
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


def tell_lines_withdrawn(parts):
    """The fallback re-issued `parts` (split off their vendor's orders): the
    vendor is told, on the order it knows, which of its lines went to another
    supplier. Lines it rejected itself need no word; with none left, nothing
    is sent. The template renders on the part (its lines), the mail is posted
    on the vendor's order (queued; the portal's chatter shows it)."""
    template = parts.env.ref(LINES_WITHDRAWN_TEMPLATE)
    for part in parts:
        if not part.order_line.filtered(
            lambda ln: not ln.display_type and ln.vendor_answer != "rejected"
        ):
            continue
        rendered = {
            name: template._render_field(name, part.ids, compute_lang=True)[part.id]
            for name in ("subject", "body_html")
        }
        part.vendor_split_from_id.with_context(
            mail_notify_force_send=False
        ).message_post(
            subject=rendered["subject"],
            body=rendered["body_html"],
            partner_ids=part.partner_id.ids,
            message_type="comment",
            subtype_xmlid="mail.mt_comment",
            email_layout_xmlid=MAIL_LAYOUT,
        )


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
