from . import portal
from . import portal_subcontract
from . import portal_equipment
from . import equipment
