from . import jit_purchase_event
from . import res_partner
from . import purchase_order
from . import purchase_order_line
