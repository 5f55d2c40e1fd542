# Copyright 2026 JIT Replenishment Suite
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import fields, models


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
    jit_lt_writeback = fields.Boolean(
        string="Write Measured Lead Times Back",
        config_parameter="jit_replenishment.lt_writeback",
    )
