from . import test_install
from . import test_jit_compute
from . import test_jit_scheduler
from . import test_jit_purchase
from . import test_jit_concurrency
from . import test_jit_sla
from . import test_demo
from . import test_jit_vendor_route
