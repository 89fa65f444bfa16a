from . import portal
from . import portal_subcontract
from . import equipment
from . import portal_equipment
