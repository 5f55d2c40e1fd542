"""A live Odoo's history for the backtest, read over the external API in pages.

One SKU per JIT reorder rule. Consumption is the JIT consumption report's
(jit.consumption.report: the scheduler's own definition, per rule and
company day). Receipts are the done moves from vendors into the rule's
warehouse, per product and day. The stock at the start is rebuilt backwards
from today's on-hand quantity in the warehouse through those two flows (other
flows, e.g. inventory adjustments, are not replayed). Lead times are the
rules' own (jit_lead_time / jit_lead_time_sigma), unit costs the products'
cost. Inside Odoo, the "Simulate JIT" wizard reads the history with the
recompute's own code instead.
"""

from __future__ import annotations

from datetime import date, timedelta

import numpy as np

from .backtest import History
from .client import OdooValidationError

RULE_FIELDS = [
    "product_id",
    "warehouse_id",
    "jit_lead_time",
    "jit_lead_time_sigma",
    "qty_multiple",
]


def read_history(
    client, days: int, progress=None, today: date | None = None
) -> History:
    """The last `days` complete days of the JIT rules' history."""
    today = today or date.today()
    first = today - timedelta(days=days)
    rules = client.search_read_all(
        "stock.warehouse.orderpoint",
        [("jit_enabled", "=", True)],
        RULE_FIELDS,
        progress=progress,
    )
    if not rules:
        raise OdooValidationError(
            "no JIT reorder rule is accessible: nothing to backtest"
        )
    demand = _read_demand(client, rules, first, today, days, progress)
    receipts, on_hand = _read_receipts_and_stock(client, rules, first, today, days)
    costs = _unit_costs(client, rules)
    opening = np.maximum(on_hand - receipts.sum(axis=1) + demand.sum(axis=1), 0.0)
    return History(
        demand=demand,
        receipts=receipts,
        opening=opening,
        unit_cost=np.array([costs[r["product_id"][0]] for r in rules]),
        lead_time=np.array([r["jit_lead_time"] for r in rules], dtype=float),
        lead_time_sigma=np.array(
            [r["jit_lead_time_sigma"] for r in rules], dtype=float
        ),
        multiple=np.array([r["qty_multiple"] or 0.0 for r in rules], dtype=float),
        sku=[r["product_id"][1] for r in rules],
    )


def _day_of(text: str, first: date) -> int:
    return (date.fromisoformat(text[:10]) - first).days


def _read_demand(client, rules, first, today, days, progress) -> np.ndarray:
    """(rules, days) consumption of the JIT consumption report."""
    index = {rule["id"]: i for i, rule in enumerate(rules)}
    demand = np.zeros((len(rules), days))
    rows = client.search_read_all(
        "jit.consumption.report",
        [
            ("orderpoint_id", "in", list(index)),
            ("date", ">=", first.isoformat()),
            ("date", "<", today.isoformat()),
        ],
        ["orderpoint_id", "date", "consumption"],
        progress=progress,
    )
    for row in rows:
        demand[index[row["orderpoint_id"][0]], _day_of(row["date"], first)] += row[
            "consumption"
        ]
    # Net consumption may be negative on a day of returns: the replay takes
    # what left the shelf, returns are not put back.
    return np.maximum(demand, 0.0)


def _read_receipts_and_stock(client, rules, first, today, days):
    """(rules, days) receipts from vendors into the rule's warehouse, and
    today's on-hand quantity per rule, one warehouse at a time."""
    n = len(rules)
    receipts = np.zeros((n, days))
    by_wh: dict[int, dict[int, int]] = {}
    for i, rule in enumerate(rules):
        by_wh.setdefault(rule["warehouse_id"][0], {})[rule["product_id"][0]] = i
    on_hand = np.zeros(n)
    for wh, products in by_wh.items():
        groups = client.call(
            "stock.move",
            "read_group",
            [
                ("state", "=", "done"),
                ("product_id", "in", list(products)),
                ("location_id.usage", "=", "supplier"),
                ("location_dest_id.warehouse_id", "=", wh),
                ("date", ">=", first.isoformat()),
                ("date", "<", today.isoformat()),
            ],
            ["product_qty:sum"],
            ["product_id", "date:day"],
            lazy=False,
        )
        for g in groups:
            day = g["__range"]["date:day"]["from"] if "__range" in g else g["date:day"]
            receipts[products[g["product_id"][0]], _day_of(str(day), first)] += g[
                "product_qty"
            ]
        stock = client.call(
            "product.product",
            "read",
            list(products),
            ["qty_available"],
            context={"warehouse_id": wh},
        )
        for rec in stock:
            on_hand[products[rec["id"]]] = rec["qty_available"]
    return receipts, on_hand


def _unit_costs(client, rules) -> dict:
    """{product id: cost} of the rules' products."""
    return {
        rec["id"]: rec["standard_price"]
        for rec in client.call(
            "product.product",
            "read",
            sorted({r["product_id"][0] for r in rules}),
            ["standard_price"],
        )
    }
