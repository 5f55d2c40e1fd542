from . import jit_consumption_report
