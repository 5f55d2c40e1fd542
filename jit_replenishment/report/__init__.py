from . import jit_consumption_report
from . import jit_report_ratio
from . import jit_inventory_report
from . import jit_inventory_rollup
from . import jit_kpi_report
from . import jit_warehouse_report
from . import jit_consumption_chart
