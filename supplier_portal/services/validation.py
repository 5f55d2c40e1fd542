# Copyright 2026 JIT Replenishment Suite
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""The one validation of what a vendor sends (portal form, access link, API,
Odoo's own per-line date update): every value is checked against the order
before anything is written; a bad one raises a UserError naming the product,
the field and the value."""

import math
from datetime import date, datetime, timedelta

from pytz import UTC

from odoo import fields
from odoo.exceptions import UserError
from odoo.tools import float_compare

ANSWER_KINDS = ("confirm", "reject", "propose")
# The only keys an answer may carry: anything else is refused.
ANSWER_KEYS = {"line_id", "answer", "quantity", "date", "comment", "reason"}


def parse_answers(order, answers):
    """[(line, kind, values)] for a list of answer dicts, all or nothing."""
    env = order.env
    if not isinstance(answers, (list, tuple)) or not answers:
        raise UserError(env._("No answer given, got %(value)r.", value=answers))
    parsed = []
    seen = set()
    for answer in answers:
        line, kind = _answer_line(order, answer, seen)
        values = {"comment": parse_text(line, env._("comment"), answer.get("comment"))}
        if kind == "reject":
            values["reason"] = parse_text(line, env._("reason"), answer.get("reason"))
            if not values["reason"]:
                raise UserError(
                    env._(
                        "%(product)s: give a reason to reject it.",
                        product=line.product_id.display_name,
                    )
                )
        elif kind == "propose":
            values.update(parse_proposal(line, answer))
        parsed.append((line, kind, values))
    return parsed


def _answer_line(order, answer, seen):
    """The line an answer is about and its kind, checked: a dict of known
    keys, a line of this order answered once, still waiting for the vendor."""
    env = order.env
    if not isinstance(answer, dict):
        raise UserError(env._("An answer must be a dict, got %(value)r.", value=answer))
    unknown = set(answer) - ANSWER_KEYS
    if unknown:
        raise UserError(
            env._(
                "Unknown field(s) in an answer: %(fields)s (allowed: %(allowed)s).",
                fields=", ".join(sorted(map(str, unknown))),
                allowed=", ".join(sorted(ANSWER_KEYS)),
            )
        )
    line = order_line(order, answer.get("line_id"))
    if line.id in seen:
        raise UserError(
            env._(
                "Line %(line)s (%(product)s) is answered twice.",
                line=line.id,
                product=line.product_id.display_name,
            )
        )
    seen.add(line.id)
    kind = answer.get("answer")
    if kind not in ANSWER_KINDS:
        raise UserError(
            env._(
                "%(product)s: answer %(value)r is not one of confirm, reject, propose.",
                product=line.product_id.display_name,
                value=kind,
            )
        )
    if line.vendor_answer != "pending":
        labels = dict(line._fields["vendor_answer"]._description_selection(env))
        raise UserError(
            env._(
                "%(product)s is already answered (%(state)s).",
                product=line.product_id.display_name,
                state=labels[line.vendor_answer],
            )
        )
    return line, kind


def order_line(order, value):
    """The product line of `order` whose id is `value` (an int or digits)."""
    line_id = parse_id(value)
    line = order.order_line.filtered(
        lambda ln: ln.id == line_id and not ln.display_type
    )
    if not line_id or not line:
        raise UserError(
            order.env._(
                "Line %(line)s is not a line of order %(order)s.",
                line=value,
                order=order.name,
            )
        )
    return line


def parse_id(value):
    if isinstance(value, int) and not isinstance(value, bool):
        return value
    if isinstance(value, str) and value.strip().isdigit():
        return int(value)
    return None


def parse_text(line, label, value):
    env = line.env
    if value is None or value is False:
        return ""
    if not isinstance(value, str):
        raise UserError(
            env._(
                "%(product)s: the %(field)s must be text, got %(value)r.",
                product=line.product_id.display_name,
                field=label,
                value=value,
            )
        )
    value = value.strip()
    limit = line.order_id._vendor_max_text
    if len(value) > limit:
        raise UserError(
            env._(
                "%(product)s: the %(field)s is too long (%(length)s characters, "
                "at most %(max)s).",
                product=line.product_id.display_name,
                field=label,
                length=len(value),
                max=limit,
            )
        )
    return value


def parse_proposal(line, answer):
    qty = parse_qty(line, answer.get("quantity"))
    day = parse_day(line, answer.get("date"))
    planned_day = local_day(line.order_id, line.date_planned)
    same_qty = qty is None or not float_compare(
        qty, line.product_qty, precision_rounding=line.product_uom.rounding
    )
    if same_qty and (day is None or day == planned_day):
        raise UserError(
            line.env._(
                "%(product)s: the proposal keeps the ordered quantity (%(qty)s) "
                "and date (%(date)s); confirm the line instead.",
                product=line.product_id.display_name,
                qty=line.product_qty,
                date=planned_day,
            )
        )
    return {
        "quantity": line.product_qty if qty is None else qty,
        "day": planned_day if day is None else day,
        "planned_day": planned_day,
    }


def _number(value):
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return float(value)
    if isinstance(value, str):
        try:
            return float(value.strip())
        except ValueError:
            return None
    return None


def parse_qty(line, value):
    env = line.env
    product = line.product_id.display_name
    if value is None or value is False or value == "":
        return None
    qty = _number(value)
    if qty is None or not math.isfinite(qty):
        raise UserError(
            env._(
                "%(product)s: quantity %(value)r is not a number.",
                product=product,
                value=value,
            )
        )
    if qty <= 0:
        raise UserError(
            env._(
                "%(product)s: quantity %(value)s must be more than zero (to "
                "deliver nothing, reject the line).",
                product=product,
                value=value,
            )
        )
    factor = line.order_id._vendor_max_qty_factor
    if qty > factor * line.product_qty:
        raise UserError(
            env._(
                "%(product)s: quantity %(value)s is more than %(factor)s times the "
                "ordered %(ordered)s.",
                product=product,
                value=value,
                factor=factor,
                ordered=line.product_qty,
            )
        )
    return qty


def _day(value):
    if isinstance(value, str):
        try:
            return datetime.strptime(value.strip(), "%Y-%m-%d").date()
        except ValueError:
            return None
    if isinstance(value, date) and not isinstance(value, datetime):
        return value
    return None


def parse_day(line, value):
    """A YYYY-MM-DD day from today to a year ahead (the order's bounds)."""
    env = line.env
    product = line.product_id.display_name
    if value is None or value is False or value == "":
        return None
    day = _day(value)
    if day is None:
        raise UserError(
            env._(
                "%(product)s: date %(value)r is not a date (YYYY-MM-DD).",
                product=product,
                value=value,
            )
        )
    today = fields.Date.context_today(line)
    if day < today:
        raise UserError(
            env._(
                "%(product)s: date %(value)s is in the past (today is %(today)s).",
                product=product,
                value=day,
                today=today,
            )
        )
    latest = today + timedelta(days=line.order_id._vendor_max_days_ahead)
    if day > latest:
        raise UserError(
            env._(
                "%(product)s: date %(value)s is more than a year ahead (at most "
                "%(latest)s).",
                product=product,
                value=day,
                latest=latest,
            )
        )
    return day


def local_day(order, when):
    """The day of a UTC datetime in the order's time zone (the one the
    portal's dates are entered in)."""
    return UTC.localize(when).astimezone(order.get_order_timezone()).date()


# States in which Odoo's per-line date update is a vendor's promise.
DATE_UPDATE_STATES = ("sent", "to approve", "purchase")


def check_date_updates_open(order):
    """Refuse (UserError) Odoo's per-line date update on `order` as a whole:
    a JIT RFQ waiting for the vendor's answer takes counter-proposals instead
    (the buyer reviews them); a closed or re-issued order takes nothing."""
    env = order.env
    order._jit_check_not_reissued()
    if order.state not in DATE_UPDATE_STATES:
        raise UserError(
            env._(
                "Order %(order)s is %(state)s: its dates can no longer be changed.",
                order=order.name,
                state=order._vendor_state_label(),
            )
        )
    if order.jit_managed and order.state == "sent":
        raise UserError(
            env._(
                "Order %(order)s waits for your answer: to deliver on another "
                "date, choose Propose on the line and send your answers (the "
                "buyer reviews it).",
                order=order.name,
            )
        )


def date_updates_open(order):
    """Whether `order` takes Odoo's per-line date update at all."""
    try:
        check_date_updates_open(order)
    except UserError:
        return False
    return True


def date_updates(order, dates):
    """Odoo's per-line date update ({line id: YYYY-MM-DD}) checked as a
    counter-proposal's date: [(line, planned datetime)], on an order that
    takes date updates (check_date_updates_open)."""
    env = order.env
    check_date_updates_open(order)
    if not isinstance(dates, dict):
        raise UserError(
            env._("Dates must be given per line, got %(value)r.", value=dates)
        )
    updates = []
    for key, value in dates.items():
        line = order_line(order, key)
        day = parse_day(line, value)
        if day is None:
            raise UserError(
                env._(
                    "%(product)s: date %(value)r is not a date (YYYY-MM-DD).",
                    product=line.product_id.display_name,
                    value=value,
                )
            )
        updates.append((line, line._convert_to_middle_of_day(day)))
    return updates
