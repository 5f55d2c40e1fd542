# Copyright 2026 JIT Replenishment Suite
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import api, models


class JitReportRatio(models.AbstractModel):
    """Measures that are ratios of sums (turnover, fill rate...): computed
    per group from the group's sums, since a ratio of sums is not a sum of
    ratios. The web client's pivot, graph and grouped lists all read groups
    through read_group."""

    _name = "jit.report.ratio"
    _description = "JIT Report Ratios"

    # ratio field names of the report
    _jit_ratio_fields = ()
    # aggregates read for them: alias -> "aggregate(field)"
    _jit_ratio_sums = {}

    @api.model
    def read_group(
        self, domain, fields, groupby, offset=0, limit=None, orderby=False, lazy=True
    ):
        names = self._jit_ratio_fields
        if not any(spec.split(":")[0] in names for spec in fields):
            return super().read_group(
                domain, fields, groupby, offset, limit, orderby, lazy
            )
        kept = [spec for spec in fields if spec.split(":")[0] not in names]
        extra = [f"jit_{alias}:{agg}" for alias, agg in self._jit_ratio_sums.items()]
        groups = super().read_group(
            domain, kept + extra, groupby, offset, limit, orderby, lazy
        )
        for group in groups:
            sums = {
                alias: group.pop(f"jit_{alias}", None) for alias in self._jit_ratio_sums
            }
            group.update(self._jit_ratios(sums))
        return groups

    @api.model
    def _jit_ratios(self, sums):
        """{ratio field: value} of a group from its `sums` (aliases of
        _jit_ratio_sums, None when the group is empty)."""
        return {}

    @staticmethod
    def _jit_div(num, den, scale=1.0):
        return scale * (num or 0.0) / den if den else 0.0
