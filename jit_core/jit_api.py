"""The JIT helpers of the client: consumption, rule status, RFQs, vendor answers."""

from __future__ import annotations

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
            fields=["display_name", "uom_id", "property_stock_production"],
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

    def consume(self, sku: str, qty, location: str | None = None) -> dict:
        """Record that `qty` (in the product's unit) of product `sku` was
        consumed from `location`: one validated transfer to the product's
        production location (a consuming location, so the reorder rules and
        the pull trigger count it at once).

        Standard ORM calls only (create, action_confirm, button_validate on a
        stock.picking of the warehouse's delivery type) until the
        jit.consumption API of issue 16 lands; then this method switches to
        it, and callers stay as they are."""
        quantity = _positive("quantity", qty)
        product = self.find_product(sku)
        source = self.find_location(location)
        if not source["warehouse_id"]:
            raise OdooValidationError(
                f"location {source['complete_name']!r} is in no warehouse"
            )
        picking_type = self.call(
            "stock.warehouse",
            "read",
            [source["warehouse_id"][0]],
            fields=["out_type_id"],
        )[0]["out_type_id"][0]
        dest = product["property_stock_production"][0]
        move = {
            "name": f"JIT consumption {sku}",
            "product_id": product["id"],
            "product_uom_qty": quantity,
            "product_uom": product["uom_id"][0],
            "location_id": source["id"],
            "location_dest_id": dest,
        }
        picking_id = self.call(
            "stock.picking",
            "create",
            {
                "picking_type_id": picking_type,
                "location_id": source["id"],
                "location_dest_id": dest,
                "origin": "odoo-jit consume",
                "move_ids": [(0, 0, move)],
            },
        )
        self.call("stock.picking", "action_confirm", [picking_id])
        moves = self.call(
            "stock.move",
            "search_read",
            [("picking_id", "=", picking_id)],
            fields=["id"],
        )
        self.call(
            "stock.move",
            "write",
            [m["id"] for m in moves],
            {"quantity": quantity, "picked": True},
        )
        result = self.call("stock.picking", "button_validate", [picking_id])
        state = self.call(
            "stock.picking", "read", [picking_id], fields=["name", "state"]
        )[0]
        if state["state"] != "done":
            raise OdooValidationError(
                f"the consumption transfer {state['name']} was not validated "
                f"(state {state['state']}; Odoo asked: {result!r})"
            )
        return {
            "transfer": state["name"],
            "product": product["display_name"],
            "quantity": quantity,
            "location": source["complete_name"],
        }

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
