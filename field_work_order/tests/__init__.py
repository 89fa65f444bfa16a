from . import test_work_order_flow
from . import test_tour
from . import test_js
from . import test_work_order_transitions
from . import test_work_order_lines
from . import test_work_order_access
from . import test_work_order_planning
from . import test_work_order_bus
