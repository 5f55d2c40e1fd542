# Copyright 2026 JIT Replenishment Suite
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""The checks of a consumption scan (services/scan.py): each refuses with a
message naming the field and the value, before anything is written."""

import math

from odoo.exceptions import AccessError, UserError

GROUP = "jit_replenishment.group_jit_consumption"
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
