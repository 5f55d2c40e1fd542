from . import jit_profile
from . import jit_run
from . import res_company
from . import res_config_settings
from . import product_category
from . import product
from . import stock_warehouse_orderpoint
from . import stock_move
