"""How the client talks to Odoo, kept behind one small interface.

The rest of the package only calls :meth:`Transport.execute_kw`, so another
wire format (Odoo 19's ``/json/2`` API, a test double) is one new class.
"""

from __future__ import annotations

import http.client
import itertools
import logging
import re
import xml.parsers.expat
import xmlrpc.client
from abc import ABC, abstractmethod
from collections.abc import Mapping, Sequence
from typing import Any, Protocol, runtime_checkable
from urllib.parse import urlsplit

import requests

from ._exceptions import (
    AccessError,
    AuthError,
    DatabaseNotFoundError,
    InvalidUrlError,
    ServerError,
    SyncError,
    TooLargeError,
    TransportError,
    UserError,
    ValidationError,
)

_logger = logging.getLogger("sync_client.transport")

#: Odoo exception names (as sent in JSON-RPC ``error.data.name``) → our classes.
_ODOO_ERRORS: dict[str, type[SyncError]] = {
    "odoo.exceptions.AccessDenied": AuthError,
    "odoo.http.SessionExpiredException": AuthError,
    "odoo.exceptions.AccessError": AccessError,
    "odoo.exceptions.UserError": UserError,
    "odoo.exceptions.RedirectWarning": UserError,
    "odoo.exceptions.MissingError": UserError,
    "odoo.exceptions.ValidationError": ValidationError,
}

#: Odoo errors saying the server lost its database connection in the middle of the call
#: (PostgreSQL restarted, a connection cut): the transaction was rolled back, so the
#: call is as safe to send again as after a network error.
_DB_CONNECTION_ERRORS = ("psycopg2.OperationalError", "psycopg2.InterfaceError")

#: XML-RPC fault codes of Odoo's ``/xmlrpc/2`` endpoints → our classes.
_FAULT_CODES: dict[int, type[SyncError]] = {2: UserError, 3: AuthError, 4: AccessError}

#: How PostgreSQL, through Odoo, says that the database named in a call does not exist.
_NO_DATABASE = re.compile(r'database "[^"]*" does not exist')


def _check_url(url: str) -> str:
    """The URL without its trailing slash; :class:`InvalidUrlError` unless it is http(s)://host."""
    parts = urlsplit(url.strip()) if isinstance(url, str) else None
    if parts is None or parts.scheme not in ("http", "https") or not parts.hostname:
        raise InvalidUrlError(
            f"{url!r} is not a server address: write it with http:// or https://, "
            "for example https://odoo.example.com"
        )
    return url.strip().rstrip("/")


@runtime_checkable
class Transport(Protocol):
    """What :class:`~sync_client.SyncClient` needs from a connection to Odoo."""

    def authenticate(self) -> int:
        """Check the credentials and return the user id; raise :class:`AuthError` if wrong."""
        ...

    def execute_kw(
        self,
        model: str,
        method: str,
        args: Sequence[Any] = (),
        kwargs: Mapping[str, Any] | None = None,
    ) -> Any:
        """Call ``model.method(*args, **kwargs)`` on the server and return its result."""
        ...


class _RpcTransport(ABC):
    """Login/uid handling shared by Odoo's ``/jsonrpc`` and ``/xmlrpc/2`` endpoints.

    Both take the password (or API key) on every call; the uid is cached and
    refreshed once when the server stops accepting it (expired or revoked
    session), which is safe because Odoo checks credentials before running
    anything.
    """

    def __init__(
        self, url: str, db: str, login: str, password: str, *, timeout: float = 30.0
    ) -> None:
        self.url = _check_url(url)
        self.db = db
        self.login = login
        self._password = password
        self.timeout = timeout
        self._uid: int | None = None

    def __repr__(self) -> str:
        return f"{type(self).__name__}(url={self.url!r}, db={self.db!r}, login={self.login!r})"

    def authenticate(self) -> int:
        uid = self._call("common", "authenticate", [self.db, self.login, self._password, {}])
        if not uid:
            raise AuthError(
                f"{self.url} refused login {self.login!r} on database {self.db!r}: "
                "check the login, the password or API key, and the database name"
            )
        self._uid = int(uid)
        return self._uid

    def execute_kw(
        self,
        model: str,
        method: str,
        args: Sequence[Any] = (),
        kwargs: Mapping[str, Any] | None = None,
    ) -> Any:
        _logger.debug("%s.%s on %s (db %s)", model, method, self.url, self.db)
        if self._uid is None:
            self.authenticate()
        try:
            return self._execute(model, method, args, kwargs)
        except AuthError:
            self._uid = None
            self.authenticate()
            return self._execute(model, method, args, kwargs)

    def _execute(
        self, model: str, method: str, args: Sequence[Any], kwargs: Mapping[str, Any] | None
    ) -> Any:
        return self._call(
            "object",
            "execute_kw",
            [self.db, self._uid, self._password, model, method, list(args), dict(kwargs or {})],
        )

    def _fault(self, cls: type[SyncError], message: str) -> SyncError:
        """The exception for an error the server answered, named for what the user can fix."""
        if _NO_DATABASE.search(message):
            return DatabaseNotFoundError(
                f"{self.url} has no database {self.db!r}: check the database name "
                "(fwo-sync login --db NAME)"
            )
        return cls(self._scrub(message))

    def _scrub(self, text: str) -> str:
        """Never let the secret reach a message, even if a server echoes it."""
        return text.replace(self._password, "***") if self._password else text

    @abstractmethod
    def _call(self, service: str, method: str, args: list[Any]) -> Any:
        """Send one call to an Odoo RPC service and map every failure to a :class:`SyncError`."""


def _network_reason(exc: BaseException) -> str:
    """A short reason ("Connection refused") from the long chains requests builds."""
    found = re.findall(r"\[Errno -?\d+\] ([^'\")\]]+)", str(exc))
    return found[-1].strip() if found else type(exc).__name__


def _too_large(endpoint: str) -> str:
    """HTTP 413: the server or its proxy (nginx's client_max_body_size) refused the body."""
    return (
        f"{endpoint} refused the request as too large (HTTP 413): a photo or signature in it "
        "is bigger than the server accepts; queue a smaller one"
    )


class JsonRpcTransport(_RpcTransport):
    """Odoo's ``/jsonrpc`` endpoint over :mod:`requests` (login + password or API key)."""

    def __init__(
        self,
        url: str,
        db: str,
        login: str,
        password: str,
        *,
        timeout: float = 30.0,
        session: requests.Session | None = None,
    ) -> None:
        super().__init__(url, db, login, password, timeout=timeout)
        self._session = session or requests.Session()
        self._ids = itertools.count(1)

    def _call(self, service: str, method: str, args: list[Any]) -> Any:
        return self._post("/jsonrpc", {"service": service, "method": method, "args": args})

    def _post(self, path: str, params: dict[str, Any]) -> Any:
        """One JSON-RPC request to ``path`` on the server; every failure a :class:`SyncError`."""
        endpoint = f"{self.url}{path}"
        body = {"jsonrpc": "2.0", "method": "call", "params": params, "id": next(self._ids)}
        try:
            response = self._session.post(endpoint, json=body, timeout=self.timeout)
        except requests.Timeout as exc:
            raise TransportError(
                f"{self.url} did not answer within {self.timeout:g} s; retry later"
            ) from exc
        except requests.RequestException as exc:
            raise TransportError(
                f"cannot reach {self.url}: {_network_reason(exc)}; check the URL and the network"
            ) from exc
        if response.status_code >= 500:
            raise TransportError(
                f"{endpoint} answered HTTP {response.status_code}: the server or a proxy in "
                "front of it is failing; retry later"
            )
        if response.status_code == 413:
            raise TooLargeError(_too_large(endpoint))
        if response.status_code != 200:
            raise ServerError(
                f"{endpoint} answered HTTP {response.status_code}: "
                "is this the address of an Odoo server?"
            )
        try:
            reply = response.json()
        except ValueError as exc:
            raise ServerError(
                f"{endpoint} did not answer JSON-RPC: is this an Odoo server?"
            ) from exc
        if not isinstance(reply, dict):
            raise ServerError(f"{endpoint} answered something that is not JSON-RPC")
        if reply.get("error"):
            raise self._error(reply["error"])
        return reply.get("result")

    def _error(self, error: Any) -> SyncError:
        top: dict[str, Any] = error if isinstance(error, dict) else {"message": str(error)}
        data: dict[str, Any] = top["data"] if isinstance(top.get("data"), dict) else {}
        name = str(data.get("name") or "")
        message = str(data.get("message") or top.get("message") or name)
        # A database that does not exist is a typo to fix, not a connection to retry.
        if name in _DB_CONNECTION_ERRORS and not _NO_DATABASE.search(message):
            return TransportError(self._scrub(
                f"{self.url} lost its database connection ({message}); retry later"
            ))
        cls = _ODOO_ERRORS.get(name, ServerError)
        if cls is ServerError and not _NO_DATABASE.search(message):
            message = f"Odoo error {name or '(unnamed)'}: {message}"
        return self._fault(cls, message)


class _TimeoutTransport(xmlrpc.client.Transport):
    def __init__(self, timeout: float) -> None:
        super().__init__()
        self._timeout = timeout

    def make_connection(self, host: Any) -> http.client.HTTPConnection:
        conn = super().make_connection(host)
        conn.timeout = self._timeout
        return conn


class _SafeTimeoutTransport(_TimeoutTransport, xmlrpc.client.SafeTransport):  # type: ignore[misc]
    """HTTPS: SafeTransport's connection, with the timeout set above."""


class XmlRpcTransport(_RpcTransport):
    """Odoo's ``/xmlrpc/2`` endpoints, standard library only."""

    def _call(self, service: str, method: str, args: list[Any]) -> Any:
        endpoint = f"{self.url}/xmlrpc/2/{service}"
        wire: xmlrpc.client.Transport = (
            _SafeTimeoutTransport(self.timeout)
            if self.url.startswith("https:")
            else _TimeoutTransport(self.timeout)
        )
        proxy = xmlrpc.client.ServerProxy(endpoint, transport=wire, allow_none=True)
        try:
            return getattr(proxy, method)(*args)
        except xmlrpc.client.Fault as exc:
            lines = [line for line in str(exc.faultString).splitlines() if line.strip()]
            message = self._scrub(lines[-1] if lines else "Odoo error")
            if message.startswith(_DB_CONNECTION_ERRORS) and not _NO_DATABASE.search(message):
                raise TransportError(
                    f"{self.url} lost its database connection ({message}); retry later"
                ) from None
            cls = _FAULT_CODES.get(int(exc.faultCode), ServerError)
            raise self._fault(cls, message) from None
        except xmlrpc.client.ProtocolError as exc:
            if exc.errcode >= 500:
                raise TransportError(
                    f"{endpoint} answered HTTP {exc.errcode}: the server or a proxy in front "
                    "of it is failing; retry later"
                ) from None
            if exc.errcode == 413:
                raise TooLargeError(_too_large(endpoint)) from None
            raise ServerError(
                f"{endpoint} answered HTTP {exc.errcode}: is this the address of an Odoo server?"
            ) from None
        except TimeoutError as exc:
            raise TransportError(
                f"{self.url} did not answer within {self.timeout:g} s; retry later"
            ) from exc
        except (OSError, http.client.HTTPException) as exc:
            raise TransportError(
                f"cannot reach {self.url}: {exc.__class__.__name__} {exc}; "
                "check the URL and the network"
            ) from None
        except (xmlrpc.client.ResponseError, xml.parsers.expat.ExpatError, ValueError) as exc:
            raise ServerError(
                f"{endpoint} did not answer XML-RPC: is this an Odoo server?"
            ) from exc
