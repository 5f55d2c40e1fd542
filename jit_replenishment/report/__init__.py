from . import jit_consumption_report
from . import jit_consumption_chart
