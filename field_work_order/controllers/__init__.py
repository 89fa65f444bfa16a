from . import portal
from . import portal_subcontract
