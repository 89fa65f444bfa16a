"""Offline-safe, exactly-once sync client for Field Work Order on Odoo 18.

Everything public is importable from here; the ``_``-prefixed modules are
an implementation detail and may move.
"""

from ._client import PullReport, PushReport, QuoteLine, QuoteOption, SyncClient, SyncStatus
from ._exceptions import (
    AccessError,
    AuthError,
    ConflictError,
    DatabaseNotFoundError,
    InvalidOperationError,
    InvalidUrlError,
    NotFoundError,
    ServerError,
    SyncError,
    TooLargeError,
    TransportError,
    UserError,
    ValidationError,
)
from ._store import Operation, Store
from ._transport import JsonRpcTransport, Transport, XmlRpcTransport

__version__ = "18.0.1.0.0"

__all__ = [
    "AccessError",
    "AuthError",
    "ConflictError",
    "DatabaseNotFoundError",
    "InvalidOperationError",
    "InvalidUrlError",
    "JsonRpcTransport",
    "NotFoundError",
    "Operation",
    "PullReport",
    "PushReport",
    "QuoteLine",
    "QuoteOption",
    "ServerError",
    "Store",
    "SyncClient",
    "SyncError",
    "SyncStatus",
    "TooLargeError",
    "Transport",
    "TransportError",
    "UserError",
    "ValidationError",
    "XmlRpcTransport",
    "__version__",
]

# Show public names as ``sync_client.X`` (in reprs and tracebacks), not where they live.
for _name in __all__:
    if not _name.startswith("__"):
        globals()[_name].__module__ = __name__
del _name
