"""One exception tree, so callers can catch :class:`SyncError` or be precise.

Every message says what went wrong and what to do about it; none carries a
password or API key.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from ._store import Operation


class SyncError(Exception):
    """Base of every error raised by ``sync_client``."""


class AuthError(SyncError):
    """Wrong login, password or API key, or the account may not log in."""


class InvalidUrlError(SyncError, ValueError):
    """The server address is not an ``http://`` or ``https://`` URL (refused before any call)."""


class TransportError(SyncError):
    """The server could not be reached or did not answer (refused, timeout, HTTP 5xx).

    Always safe to retry: operations carry a uuid, so the server applies a
    re-sent operation only once.
    """


class ServerError(SyncError):
    """The server answered, but with an error (or with something that is not Odoo)."""


class TooLargeError(ServerError):
    """HTTP 413: the server or its proxy refused the request body as too large.

    A push splits the batch and tries again; a single operation refused so is
    parked (``error``) for :meth:`SyncClient.resolve`.
    """


class DatabaseNotFoundError(ServerError, LookupError):
    """The server has no database of that name (a typo in ``--db``, or another server)."""


class AccessError(ServerError):
    """The user is logged in but may not do this (``odoo.exceptions.AccessError``)."""


class UserError(ServerError):
    """Odoo refused the call with a business message (``odoo.exceptions.UserError``)."""


class ValidationError(UserError):
    """Odoo refused values (``odoo.exceptions.ValidationError``)."""


class InvalidOperationError(SyncError, ValueError):
    """An operation was refused locally, before it reached the queue."""


class NotFoundError(SyncError, LookupError):
    """An order or queued operation is not in the local store."""


class ConflictError(SyncError):
    """Operations the server refused are waiting for :meth:`SyncClient.resolve`."""

    def __init__(self, conflicts: Sequence[Operation]) -> None:
        self.conflicts = list(conflicts)
        super().__init__(
            f"{len(self.conflicts)} operation(s) were refused by the server and wait for a "
            "decision: list them with `fwo-sync conflicts`, then `fwo-sync resolve ID "
            "--retry|--drop`"
        )
