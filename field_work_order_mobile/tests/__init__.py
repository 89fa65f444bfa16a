from . import test_sync_pull
from . import test_sync_push
from . import test_sync_concurrency
from . import test_sync_photo_access
from . import test_policy_rpc
from . import test_access_matrix
from . import test_sync_reference
from . import test_sync_history
