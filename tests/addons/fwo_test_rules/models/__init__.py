from . import field_work_order
