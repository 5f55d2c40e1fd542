"""The JIT helpers of the client: consumption, rule status, RFQs, vendor answers."""

from __future__ import annotations

import uuid

from .client import (
    OPEN_RFQ_STATES,
    OdooClient,
    OdooValidationError,
)

RULE_FIELDS = [
    "product_id",
    "location_id",
    "product_min_qty",
    "product_max_qty",
    "qty_forecast",
    "jit_state",
    "jit_adu",
    "jit_lead_time",
    "jit_message",
]
RFQ_FIELDS = [
    "name",
    "partner_id",
    "date_order",
    "date_planned",
    "amount_total",
    "state",
]


def _positive(name: str, value) -> float:
    try:
        number = float(value)
    except (TypeError, ValueError):
        raise OdooValidationError(f"{name} must be a number, got {value!r}") from None
    if not number > 0:
        raise OdooValidationError(f"{name} must be > 0, got {value!r}")
    return number


class JitClient(OdooClient):
    """OdooClient with the JIT suite's operations."""

    def find_product(self, sku: str) -> dict:
        """The product whose internal reference or barcode is `sku`."""
        found = self.call(
            "product.product",
            "search_read",
            ["|", ("default_code", "=", sku), ("barcode", "=", sku)],
            fields=["display_name", "uom_id"],
            limit=2,
        )
        if not found:
            raise OdooValidationError(
                f"unknown product {sku!r}: no active product has this internal "
                "reference or barcode"
            )
        if len(found) > 1:
            raise OdooValidationError(
                f"product {sku!r} is ambiguous: several products have this "
                "internal reference or barcode"
            )
        return found[0]

    def find_location(self, location: str | None = None) -> dict:
        """A stock location by full name (WH/Stock) or barcode; without one,
        the stock location of the user's company's first warehouse."""
        if location:
            domain = ["|", ("complete_name", "=", location), ("barcode", "=", location)]
            found = self.call(
                "stock.location",
                "search_read",
                domain,
                fields=["complete_name", "warehouse_id", "company_id"],
                limit=2,
            )
            if len(found) != 1:
                raise OdooValidationError(
                    f"location {location!r} "
                    + ("is ambiguous" if found else "is unknown or not accessible")
                )
            return found[0]
        warehouses = self.call(
            "stock.warehouse", "search_read", [], fields=["lot_stock_id"], limit=1
        )
        if not warehouses:
            raise OdooValidationError("no warehouse is accessible to this user")
        stock_id = warehouses[0]["lot_stock_id"][0]
        return self.call(
            "stock.location",
            "read",
            [stock_id],
            fields=["complete_name", "warehouse_id", "company_id"],
        )[0]

    def consume(
        self, sku: str, qty, location: str | None = None, key: str | None = None
    ) -> dict:
        """Record that `qty` (in the product's unit) of product `sku` (barcode
        or internal reference) was consumed from `location` (full name,
        barcode or id; default: the first warehouse's stock): one consumption
        scan (jit.consumption.scan), a validated move to the warehouse's
        consumption location, counted at once by the reorder rules and the
        pull trigger.

        `key` is the scan's idempotency key (a fresh one per call when not
        given): sending the same key again, e.g. after a lost answer, returns
        the recorded scan instead of moving stock twice. Returns the scan
        (jit.consumption's summary: id, move_id, product, quantity, uom,
        location, location_dest, can_undo, ...) with its `key`."""
        quantity = _positive("quantity", qty)
        if key is None:
            key = str(uuid.uuid4())
        elif not isinstance(key, str) or not key.strip():
            raise OdooValidationError(f"key must be a non-empty text, got {key!r}")
        if location is None:
            location = self.find_location()["id"]
        scan = self.call("jit.consumption", "scan", sku, quantity, location, key)
        return {**scan, "key": key}

    def rule_status(self, sku: str | None = None) -> list[dict]:
        """The JIT reorder rules (of one product when `sku` is given)."""
        domain = [("jit_enabled", "=", True)]
        if sku:
            domain.append(("product_id", "=", self.find_product(sku)["id"]))
        return self.call(
            "stock.warehouse.orderpoint",
            "search_read",
            domain,
            fields=RULE_FIELDS,
            order="product_id",
        )

    def open_rfqs(self, vendor: str | None = None) -> list[dict]:
        """Purchase orders not confirmed yet (draft, sent, to approve)."""
        domain = [("state", "in", list(OPEN_RFQ_STATES))]
        if vendor:
            domain.append(("partner_id.name", "ilike", vendor))
        return self.call(
            "purchase.order",
            "search_read",
            domain,
            fields=RFQ_FIELDS,
            order="date_order desc, id desc",
        )

    def _order_id(self, order) -> int:
        if isinstance(order, int):
            return order
        found = self.call("purchase.order", "search", [("name", "=", order)], limit=1)
        if not found:
            raise OdooValidationError(
                f"unknown purchase order {order!r} (or not accessible)"
            )
        return found[0]

    # The vendor's answers (supplier_portal), as its portal user.
    def vendor_confirm(self, order, line_ids=None) -> dict:
        return self.call(
            "purchase.order", "vendor_confirm", [self._order_id(order)], line_ids
        )

    def vendor_reject(self, order, reason: str, line_ids=None) -> dict:
        return self.call(
            "purchase.order", "vendor_reject", [self._order_id(order)], reason, line_ids
        )

    def vendor_counter_propose(
        self, order, line_id: int, quantity=None, date=None, comment=None
    ) -> dict:
        return self.call(
            "purchase.order",
            "vendor_counter_propose",
            [self._order_id(order)],
            line_id,
            quantity,
            date,
            comment,
        )
