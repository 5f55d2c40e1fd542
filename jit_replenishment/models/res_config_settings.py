# Copyright 2026 JIT Replenishment Suite
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import api, fields, models
from odoo.exceptions import ValidationError


class ResConfigSettings(models.TransientModel):
    _inherit = "res.config.settings"

    jit_profile_id = fields.Many2one(
        related="company_id.jit_profile_id",
        readonly=False,
    )
    jit_run_retention_days = fields.Integer(
        related="company_id.jit_run_retention_days",
        readonly=False,
    )
    jit_rfq_auto_send = fields.Boolean(
        related="company_id.jit_rfq_auto_send",
        readonly=False,
    )
    jit_scan_undo_minutes = fields.Integer(
        related="company_id.jit_scan_undo_minutes",
        readonly=False,
    )
    jit_lt_writeback = fields.Boolean(
        string="Write Measured Lead Times Back",
        config_parameter="jit_replenishment.lt_writeback",
    )
    jit_batch_size = fields.Integer(
        string="JIT Rules per Batch",
        config_parameter="jit_replenishment.batch_size",
        default=2000,
        help="How many reordering rules the nightly recompute handles at a "
        "time. A rule that cannot be computed holds back only its own group. "
        "Lower it only if the nightly recompute runs out of memory (products "
        "with tens of thousands of deliveries a year).",
    )

    @api.constrains("jit_batch_size")
    def _check_jit_batch_size(self):
        for settings in self:
            if settings.jit_batch_size < 1:
                raise ValidationError(
                    self.env._(
                        "JIT Rules per Batch must be at least 1 (got %(value)s).",
                        value=settings.jit_batch_size,
                    )
                )
