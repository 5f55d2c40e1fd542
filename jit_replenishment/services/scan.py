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

from datetime import timedelta

from odoo import Command, fields
from odoo.exceptions import AccessError, UserError
from odoo.tools import SQL, float_round

from .scan_checks import (
    check_key,
    check_rights,
    find_location,
    find_product,
    parse_quantity,
)

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
