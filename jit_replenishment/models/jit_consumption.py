# Copyright 2026 JIT Replenishment Suite
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from datetime import timedelta

from odoo import api, fields, models

from ..services import scan as scan_service

# Scans shown on the page (the user's latest).
RECENT_SCANS = 10


class JitConsumption(models.Model):
    """One consumption scan (or its undo) and the one validated stock move it
    made. Rows are written only by `scan` and `action_undo` (the checked
    operation in services/scan.py): users read their own."""

    _name = "jit.consumption"
    _description = "JIT Consumption Scan"
    _order = "date desc, id desc"
    _rec_name = "product_id"

    kind = fields.Selection(
        [("scan", "Scan"), ("undo", "Undo")], required=True, readonly=True
    )
    user_id = fields.Many2one("res.users", string="User", required=True, readonly=True)
    company_id = fields.Many2one("res.company", required=True, readonly=True)
    idempotency_key = fields.Char(
        readonly=True,
        help="Sent by the scanning device with each scan: the same key again "
        "returns the recorded scan instead of making a second move.",
    )
    date = fields.Datetime(required=True, readonly=True)
    product_id = fields.Many2one(
        "product.product", string="Product", required=True, readonly=True
    )
    quantity = fields.Float(
        digits="Product Unit of Measure", required=True, readonly=True
    )
    uom_id = fields.Many2one(related="product_id.uom_id", string="Unit")
    location_id = fields.Many2one(
        "stock.location", string="From", required=True, readonly=True
    )
    location_dest_id = fields.Many2one(
        "stock.location", string="To", required=True, readonly=True
    )
    move_id = fields.Many2one("stock.move", string="Stock Move", readonly=True)
    undo_of_id = fields.Many2one(
        "jit.consumption", string="Undo Of", readonly=True, ondelete="restrict"
    )
    undo_ids = fields.One2many("jit.consumption", "undo_of_id", string="Undone By")

    _sql_constraints = [
        (
            "idempotency_key_uniq",
            "unique(user_id, idempotency_key)",
            "Each scan of a user has its own idempotency key.",
        ),
        ("undo_once", "unique(undo_of_id)", "A scan can be undone once."),
        (
            "key_or_undo",
            "CHECK((kind = 'scan') = "
            "(idempotency_key IS NOT NULL AND undo_of_id IS NULL))",
            "A scan has an idempotency key; an undo has the scan it undoes.",
        ),
        ("quantity_positive", "CHECK(quantity > 0)", "The quantity must be positive."),
    ]

    # ------------------------------------------------------------------
    # public operation (page and external API)
    # ------------------------------------------------------------------
    @api.model
    def scan(self, product, quantity, location, idempotency_key):
        """Record a consumption: `product` is a barcode or internal
        reference, `quantity` in the product's unit, `location` the internal
        location it was taken from (id, barcode or full name),
        `idempotency_key` a text unique per scan (the same key again returns
        the recorded scan). One move from `location` to its warehouse's
        consumption location is created and validated. Returns the scan as
        a dict (see `_scan_summary`)."""
        result = scan_service.record(
            self.env, product, quantity, location, idempotency_key
        )
        return result._scan_summary()[0]

    def action_undo(self):
        """Undo one scan (a return move), once, within the undo delay."""
        self.ensure_one()
        back = scan_service.undo(self.env, self)
        return back._scan_summary()[0]

    @api.model
    def find_location(self, code):
        """The internal location a scanned or typed `code` names (id,
        barcode or full name), as {id, name}."""
        scan_service.check_rights(self.env)
        location = scan_service.find_location(self.env, code)
        return {"id": location.id, "name": location.complete_name}

    @api.model
    def scan_locations(self):
        """Internal locations of the user's companies, for the page's picker."""
        scan_service.check_rights(self.env)
        locations = (
            self.env["stock.location"]
            .sudo()
            .search(
                [
                    ("usage", "=", "internal"),
                    ("warehouse_id", "!=", False),
                    ("company_id", "in", self.env.companies.ids),
                ],
                order="complete_name",
            )
        )
        return [{"id": loc.id, "name": loc.complete_name} for loc in locations]

    @api.model
    def recent_scans(self, limit=RECENT_SCANS):
        """The user's latest scans and undos, newest first."""
        scan_service.check_rights(self.env)
        scans = self.search(
            [("user_id", "=", self.env.uid)], limit=min(int(limit), 100)
        )
        return scans._scan_summary()

    # ------------------------------------------------------------------
    # helpers
    # ------------------------------------------------------------------
    def _scan_summary(self):
        """What the page and API callers see of scans (read as superuser:
        the caller may not read stock moves)."""
        now = fields.Datetime.now()
        rows = []
        for scan in self.sudo():
            deadline = scan.date + timedelta(
                minutes=scan.company_id.jit_scan_undo_minutes
            )
            rows.append(
                {
                    "id": scan.id,
                    "kind": scan.kind,
                    "move_id": scan.move_id.id,
                    "move_state": scan.move_id.state,
                    "product_id": scan.product_id.id,
                    "product": scan.product_id.display_name,
                    "quantity": scan.quantity,
                    "uom": scan.product_id.uom_id.name,
                    "location_id": scan.location_id.id,
                    "location": scan.location_id.complete_name,
                    "location_dest": scan.location_dest_id.complete_name,
                    "date": fields.Datetime.to_string(scan.date),
                    "undo_of_id": scan.undo_of_id.id,
                    "undone": bool(scan.undo_ids),
                    "undo_deadline": fields.Datetime.to_string(deadline),
                    "can_undo": scan.kind == "scan"
                    and not scan.undo_ids
                    and now <= deadline,
                }
            )
        return rows
