# Copyright 2026 JIT Replenishment Suite
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from . import pg
from . import carrying_cost
from . import consumption_adapter
from . import inventory_snapshot
from . import proposal
from . import sla_feedback
from . import scan
from . import scan_checks
