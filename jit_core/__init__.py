"""Pure numpy engine for JIT replenishment (no Odoo imports)."""

from .demand import (
    DemandStats,
    booked_share,
    daily_buckets,
    demand_stats,
    match_keys,
)
from .leadtime import LeadTimeStats, lead_time_stats
from .nightly import NightlyLevels, recompute_levels
from .policy import (
    PolicyResult,
    compute_policy,
    needs_approval,
    order_quantity,
    reorder_point,
    round_up_to_multiple,
    safety_stock,
    z_score,
)
from .stock import closing_stock, stockout_mask
from .sla import period_bounds, sla_components, sla_score, standing, standing_dropped
from .vendor import choose_vendor, choose_vendor_line

__version__ = "18.0.1.0.0"

__all__ = [
    "DemandStats",
    "LeadTimeStats",
    "NightlyLevels",
    "PolicyResult",
    "__version__",
    "booked_share",
    "choose_vendor",
    "choose_vendor_line",
    "closing_stock",
    "compute_policy",
    "daily_buckets",
    "demand_stats",
    "lead_time_stats",
    "match_keys",
    "needs_approval",
    "order_quantity",
    "period_bounds",
    "recompute_levels",
    "reorder_point",
    "round_up_to_multiple",
    "safety_stock",
    "sla_components",
    "sla_score",
    "standing",
    "standing_dropped",
    "stockout_mask",
    "z_score",
]
