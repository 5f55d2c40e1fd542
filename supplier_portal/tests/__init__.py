from . import test_install
from . import test_tolerance
from . import test_vendor_answer
from . import test_portal_http
from . import test_answer_race
from . import test_forecast
from . import test_tour
