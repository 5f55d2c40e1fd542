# Copyright 2026 JIT Replenishment Suite
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from datetime import timedelta

from odoo import fields, models
from odoo.exceptions import UserError

from ..services import consumption_adapter, inventory_snapshot


class JitSnapshotBackfill(models.TransientModel):
    """Re-record past days of inventory snapshots from the move history."""

    _name = "jit.snapshot.backfill"
    _description = "JIT Inventory Snapshot Backfill"

    company_id = fields.Many2one(
        "res.company", required=True, default=lambda self: self.env.company
    )
    date_from = fields.Date(
        string="From",
        required=True,
        default=lambda self: fields.Date.context_today(self) - timedelta(days=90),
        help="First day to record again; every day up to yesterday follows.",
    )

    def action_backfill(self):
        self.ensure_one()
        today = consumption_adapter.today(self.env, self.company_id)
        if self.date_from >= today:
            raise UserError(
                self.env._(
                    "From must be before today (%(today)s), not %(date)s.",
                    today=today,
                    date=self.date_from,
                )
            )
        inventory_snapshot.backfill(self.env, self.company_id, self.date_from)
        return {
            "type": "ir.actions.client",
            "tag": "display_notification",
            "params": {
                "type": "success",
                "message": self.env._(
                    "Inventory snapshots recorded from %(date)s to %(last)s.",
                    date=self.date_from,
                    last=today - timedelta(days=1),
                ),
                "next": self._jit_report_action(),
            },
        }

    def _jit_report_action(self):
        """The carrying cost of the days just recorded (the screen behind
        the dialog would still show the report as it was)."""
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "jit_replenishment.action_jit_carrying_cost_report"
        )
        action["name"] = action["display_name"] = self.env._(
            "Carrying Cost since %(date)s", date=self.date_from
        )
        action["domain"] = [("date", ">=", self.date_from)]
        action["context"] = {}
        return action
