# Copyright 2026 JIT Replenishment Suite
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Consumption recorded where it happens: one scan = one validated move.

Every check runs with the caller's rights and names the field and the value
it refuses; only then does the privileged part (the stock move, its
validation and the pull trigger it fires) run as superuser, on values that
were checked. Nothing is written before every check passed.

Idempotency: a scan is claimed by inserting its jit.consumption row with
``INSERT .. ON CONFLICT DO NOTHING`` on the unique (user, key) index before
the move is made. A key the transaction can see returns the recorded scan; a
key committed by a concurrent request after this transaction's snapshot
makes PostgreSQL raise a serialization failure (REPEATABLE READ), which
Odoo's RPC layer retries: the retry sees the first request's scan and
returns it. Two requests therefore never make two moves.
"""

import math
from datetime import timedelta

from odoo import Command, fields
from odoo.exceptions import AccessError, UserError
from odoo.tools import SQL, float_round

GROUP = "jit_replenishment.group_jit_consumption"
# Columns of the claim row (every value is known once the checks passed).
CLAIM_COLUMNS = (
    "kind",
    "user_id",
    "company_id",
    "idempotency_key",
    "product_id",
    "quantity",
    "location_id",
    "location_dest_id",
    "undo_of_id",
    "date",
)
MAX_KEY_LENGTH = 128


def check_rights(env):
    """The caller must be in the JIT Consumption group (implied by
    inventory users)."""
    if not env.su and not env.user.has_group(GROUP):
        raise AccessError(
            env._(
                "User %(user)s may not record consumption: the JIT Consumption "
                "group is missing.",
                user=env.user.name,
            )
        )


def parse_quantity(env, value):
    """A positive finite number (a number or a text such as "2" or "2,5")."""
    number = None
    if isinstance(value, int | float) and not isinstance(value, bool):
        number = float(value)
    elif isinstance(value, str):
        try:
            number = float(value.strip().replace(",", "."))
        except ValueError:
            number = None
    if number is None or not math.isfinite(number):
        raise UserError(env._("Quantity: %(value)r is not a number.", value=value))
    if number <= 0:
        raise UserError(
            env._("Quantity: %(value)s must be greater than zero.", value=value)
        )
    return number


def find_location(env, value):
    """An internal location of the caller's companies, by id, barcode or
    full name ("WH/Stock")."""
    Location = env["stock.location"].sudo().with_context(active_test=False)
    location = Location.browse()
    if isinstance(value, int) and not isinstance(value, bool):
        location = Location.browse(value).exists()
    elif isinstance(value, str) and value.strip():
        code = value.strip()
        location = Location.search([("barcode", "=", code)], limit=1) or (
            Location.search([("complete_name", "=", code)], limit=2)
        )
    if len(location) != 1:
        raise UserError(env._("Location: no location %(value)r.", value=value))
    if not location.active or location.usage != "internal":
        raise UserError(
            env._(
                "Location: %(location)s is not an active internal stock location.",
                location=location.complete_name,
            )
        )
    if location.company_id not in env.companies:
        raise UserError(
            env._(
                "Location: %(location)s belongs to another company (%(company)s).",
                location=location.complete_name,
                company=location.company_id.name,
            )
        )
    if not location.warehouse_id:
        raise UserError(
            env._(
                "Location: %(location)s is in no warehouse.",
                location=location.complete_name,
            )
        )
    return location


def find_product(env, code, company):
    """The product whose barcode or internal reference is `code` (exact),
    visible in `company`: active, storable and not tracked by lot/serial."""
    code = code.strip() if isinstance(code, str) else ""
    if not code:
        raise UserError(env._("Product: a barcode or internal reference is required."))
    Product = env["product.product"].sudo().with_context(active_test=False)
    domain = [("company_id", "in", [False, company.id])]
    products = Product.search([("barcode", "=", code), *domain], limit=2) or (
        Product.search([("default_code", "=", code), *domain], limit=2)
    )
    if not products:
        raise UserError(
            env._(
                "Product: no product with barcode or internal reference %(code)r.",
                code=code,
            )
        )
    if len(products.filtered("active") or products) > 1:
        raise UserError(
            env._(
                "Product: %(code)r is the reference of several products (%(names)s).",
                code=code,
                names=", ".join(products.mapped("display_name")),
            )
        )
    product = products.filtered("active")[:1] or products[:1]
    if not product.active or not product.product_tmpl_id.active:
        raise UserError(
            env._(
                "Product: %(product)s (%(code)r) is archived.",
                product=product.display_name,
                code=code,
            )
        )
    if not product.is_storable:
        raise UserError(
            env._(
                "Product: %(product)s (%(code)r) does not track inventory "
                "(not storable): there is nothing to consume.",
                product=product.display_name,
                code=code,
            )
        )
    if product.tracking != "none":
        raise UserError(
            env._(
                "Product: %(product)s (%(code)r) is tracked by lot or serial "
                "number: record its consumption in Inventory.",
                product=product.display_name,
                code=code,
            )
        )
    return product


def check_key(env, key):
    if not isinstance(key, str) or not key.strip() or len(key) > MAX_KEY_LENGTH:
        raise UserError(
            env._(
                "Idempotency key: %(value)r must be a text of 1 to %(max)s "
                "characters, unique per scan.",
                value=key,
                max=MAX_KEY_LENGTH,
            )
        )
    return key.strip()


def consumption_locations(warehouses):
    """Where each warehouse's consumption goes, {warehouse id: location}: its
    JIT consumption location, else its company's production location (one
    query for all the warehouses)."""
    productions = (
        warehouses.env["stock.location"]
        .sudo()
        .search(
            [
                ("usage", "=", "production"),
                ("company_id", "in", warehouses.company_id.ids),
            ],
            order="id",
        )
    )
    by_company = {}
    for location in productions:
        by_company.setdefault(location.company_id.id, location)
    empty = productions.browse()
    return {
        warehouse.id: warehouse.jit_consumption_location_id
        or by_company.get(warehouse.company_id.id, empty)
        for warehouse in warehouses
    }


def claim(env, vals):
    """Insert the scan's row unless its key (or, for an undo, its scan) is
    taken; returns the new row or an empty recordset."""
    Scan = env["jit.consumption"].sudo()
    now = fields.Datetime.now()
    values = [vals.get(column) for column in CLAIM_COLUMNS]
    env.cr.execute(
        SQL(
            "INSERT INTO jit_consumption (%s, create_uid, create_date, write_uid, "
            "write_date) VALUES (%s, %s, %s, %s, %s) ON CONFLICT DO NOTHING "
            "RETURNING id",
            SQL(", ").join(SQL.identifier(column) for column in CLAIM_COLUMNS),
            SQL(", ").join(SQL("%s", value) for value in values),
            env.uid,
            now,
            env.uid,
            now,
        )
    )
    row = env.cr.fetchone()
    Scan.invalidate_model(["undo_ids"])  # the row was inserted in SQL
    return Scan.browse(row[0] if row else ())


def make_move(env, scan, source, destination, origin_move=None):
    """Create and validate the scan's one move (superuser, in the location's
    company): validation fires the JIT pull trigger."""
    product = scan.product_id
    company = source.company_id or destination.company_id
    Move = env["stock.move"].sudo().with_company(company)
    common = {
        "product_id": product.id,
        "location_id": source.id,
        "location_dest_id": destination.id,
        "company_id": company.id,
    }
    move = Move.create(
        {
            **common,
            "name": env._(
                "Consumption scan: %(product)s", product=product.display_name
            ),
            "origin": env._("Scan by %(user)s", user=scan.user_id.name),
            "product_uom": product.uom_id.id,
            "product_uom_qty": scan.quantity,
            "origin_returned_move_id": origin_move.id if origin_move else False,
            "picked": True,
            "move_line_ids": [
                Command.create(
                    {
                        **common,
                        "product_uom_id": product.uom_id.id,
                        "quantity": scan.quantity,
                        "picked": True,
                    }
                )
            ],
        }
    )
    move._action_done()
    if move.state != "done":
        raise UserError(
            env._(
                "The move of %(product)s could not be validated.",
                product=product.display_name,
            )
        )
    scan.write({"move_id": move.id})
    return move


def record(env, code, quantity, location, key):
    """Check, then claim and move; the same key returns the recorded scan."""
    check_rights(env)
    key = check_key(env, key)
    quantity = parse_quantity(env, quantity)
    location = find_location(env, location)
    product = find_product(env, code, location.company_id)
    rounded = float_round(quantity, precision_rounding=product.uom_id.rounding)
    if rounded <= 0:
        raise UserError(
            env._(
                "Quantity: %(value)s rounds to zero in %(uom)s.",
                value=quantity,
                uom=product.uom_id.name,
            )
        )
    warehouse = location.warehouse_id
    destination = consumption_locations(warehouse)[warehouse.id]
    if not destination:
        raise UserError(
            env._(
                "Consumption location: none set for warehouse %(warehouse)s "
                "and its company has no production location.",
                warehouse=location.warehouse_id.name,
            )
        )
    vals = {
        "kind": "scan",
        "user_id": env.uid,
        "company_id": location.company_id.id,
        "idempotency_key": key,
        "product_id": product.id,
        "quantity": rounded,
        "location_id": location.id,
        "location_dest_id": destination.id,
        "date": fields.Datetime.now(),
    }
    scan = claim(env, vals)
    if not scan:
        return replay(env, vals)
    make_move(env, scan, location, destination)
    return scan


def replay(env, vals):
    """The scan already recorded under this key, if it is the same scan."""
    scan = (
        env["jit.consumption"]
        .sudo()
        .search(
            [
                ("user_id", "=", vals["user_id"]),
                ("idempotency_key", "=", vals["idempotency_key"]),
            ],
            limit=1,
        )
    )
    same = (
        scan.product_id.id == vals["product_id"]
        and scan.location_id.id == vals["location_id"]
        and scan.quantity == vals["quantity"]
    )
    if not same:
        raise UserError(
            env._(
                "Idempotency key: %(key)r was already used for another scan "
                "(%(qty)s %(product)s from %(location)s).",
                key=vals["idempotency_key"],
                qty=scan.quantity,
                product=scan.product_id.display_name,
                location=scan.location_id.complete_name,
            )
        )
    return scan


def undo(env, scan):
    """A return move of the scan, once, by its user, within the company's
    undo delay."""
    check_rights(env)
    scan = scan.sudo()
    if scan.user_id != env.user:
        raise AccessError(
            env._(
                "Scan %(scan)s was recorded by %(user)s: only they can undo it.",
                scan=scan.id,
                user=scan.user_id.name,
            )
        )
    if scan.kind == "undo":
        raise UserError(
            env._(
                "Scan %(scan)s is an undo: an undo cannot be undone, scan again.",
                scan=scan.id,
            )
        )
    if scan.undo_ids:
        raise UserError(
            env._(
                "Scan %(scan)s was already undone at %(date)s.",
                scan=scan.id,
                date=fields.Datetime.to_string(scan.undo_ids[:1].date),
            )
        )
    minutes = scan.company_id.jit_scan_undo_minutes
    if fields.Datetime.now() > scan.date + timedelta(minutes=minutes):
        raise UserError(
            env._(
                "Scan %(scan)s was recorded at %(date)s: a scan can be undone "
                "for %(minutes)s minutes only.",
                scan=scan.id,
                date=fields.Datetime.to_string(scan.date),
                minutes=minutes,
            )
        )
    vals = {
        "kind": "undo",
        "user_id": env.uid,
        "company_id": scan.company_id.id,
        "product_id": scan.product_id.id,
        "quantity": scan.quantity,
        "location_id": scan.location_dest_id.id,
        "location_dest_id": scan.location_id.id,
        "undo_of_id": scan.id,
        "date": fields.Datetime.now(),
    }
    back = claim(env, vals)
    if not back:  # a concurrent undo of the same scan committed first
        raise UserError(env._("Scan %(scan)s was already undone.", scan=scan.id))
    make_move(env, back, scan.location_dest_id, scan.location_id, scan.move_id)
    return back
