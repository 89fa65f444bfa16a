"""The public surface of ``sync_client``: what ``__all__`` promises and the exception tree."""

from __future__ import annotations

import sync_client
from sync_client import (
    AccessError,
    AuthError,
    ConflictError,
    DatabaseNotFoundError,
    InvalidOperationError,
    InvalidUrlError,
    NotFoundError,
    ServerError,
    SyncError,
    Transport,
    TransportError,
    UserError,
    ValidationError,
)

from .test_sync_client_fake import FakeServer, FakeTransport


def test_all_is_exactly_the_public_api() -> None:
    assert sorted(sync_client.__all__) == [
        "AccessError", "AuthError", "ConflictError", "DatabaseNotFoundError",
        "InvalidOperationError", "InvalidUrlError",
        "JsonRpcTransport", "NotFoundError", "Operation", "PullReport", "PushReport", "QuoteLine",
        "QuoteOption",
        "ServerError", "Store", "SyncClient", "SyncError", "SyncStatus", "TooLargeError", "Transport",
        "TransportError", "UserError", "ValidationError", "XmlRpcTransport", "__version__",
    ]
    for name in sync_client.__all__:
        assert hasattr(sync_client, name), name
        if not name.startswith("__"):
            assert getattr(sync_client, name).__module__ == "sync_client"


def test_one_exception_tree() -> None:
    for cls in (AuthError, TransportError, ServerError, ConflictError,
                InvalidOperationError, NotFoundError):
        assert issubclass(cls, SyncError)
    assert issubclass(AccessError, ServerError)
    assert issubclass(UserError, ServerError)
    assert issubclass(ValidationError, UserError)
    assert issubclass(DatabaseNotFoundError, ServerError)
    assert issubclass(InvalidUrlError, SyncError) and issubclass(InvalidUrlError, ValueError)
    assert issubclass(InvalidOperationError, ValueError)
    assert issubclass(NotFoundError, LookupError)
    assert not issubclass(TransportError, ServerError)


def test_the_fake_is_a_transport() -> None:
    assert isinstance(FakeTransport(FakeServer()), Transport)
