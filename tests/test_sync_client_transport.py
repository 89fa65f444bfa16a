"""JsonRpcTransport and XmlRpcTransport against a tiny local HTTP server with canned answers."""

from __future__ import annotations

import json
import logging
import socket
import threading
import time
import xmlrpc.client
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest

from sync_client import (
    AccessError,
    AuthError,
    JsonRpcTransport,
    ServerError,
    SyncError,
    TransportError,
    UserError,
    ValidationError,
    XmlRpcTransport,
)

PASSWORD = "hunter2-do-not-leak"


class Canned:
    """Answers queued by a test, and the requests the server received."""

    def __init__(self) -> None:
        self.answers: list[tuple[int, str, float]] = []
        self.requests: list[tuple[str, bytes]] = []

    def json(self, result: Any = None, error: Any = None, status: int = 200) -> None:
        body = {"jsonrpc": "2.0", "id": 1}
        body.update({"error": error} if error else {"result": result})
        self.answers.append((status, json.dumps(body), 0.0))

    def odoo_error(self, name: str, message: str) -> None:
        self.json(error={"code": 200, "message": "Odoo Server Error",
                         "data": {"name": name, "message": message, "debug": "Traceback..."}})

    def raw(self, status: int, body: str, delay: float = 0.0) -> None:
        self.answers.append((status, body, delay))

    def xml(self, value: Any) -> None:
        if isinstance(value, xmlrpc.client.Fault):
            body = xmlrpc.client.dumps(value, methodresponse=True)
        else:
            body = xmlrpc.client.dumps((value,), methodresponse=True)
        self.answers.append((200, body, 0.0))


@pytest.fixture
def canned() -> Iterator[tuple[Canned, str]]:
    state = Canned()

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:  # noqa: N802 (http.server's naming)
            state.requests.append((self.path, self.rfile.read(int(self.headers["Content-Length"]))))
            status, body, delay = state.answers.pop(0)
            time.sleep(delay)
            data = body.encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            try:
                self.wfile.write(data)
            except OSError:
                pass

        def log_message(self, *args: Any) -> None:
            pass

    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=httpd.serve_forever, args=(0.02,), daemon=True)
    thread.start()
    yield state, f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()
    httpd.server_close()


def _assert_no_secret(exc: BaseException) -> None:
    """Nothing a traceback would print (the message and its shown chain) has the secret."""
    chain: BaseException | None = exc
    while chain is not None:
        assert PASSWORD not in str(chain)
        chain = chain.__cause__ or (None if chain.__suppress_context__ else chain.__context__)


def test_jsonrpc_authenticates_then_calls(canned: tuple[Canned, str]) -> None:
    state, url = canned
    state.json(7)
    state.json({"cursor": "1"})
    transport = JsonRpcTransport(url + "/", "prod", "tech", PASSWORD)
    assert transport.execute_kw("field.work.order", "sync_pull", [], {"limit": 5}) == {
        "cursor": "1"}
    auth, call = (json.loads(body)["params"] for _path, body in state.requests)
    assert state.requests[0][0] == "/jsonrpc"
    assert auth == {"service": "common", "method": "authenticate",
                    "args": ["prod", "tech", PASSWORD, {}]}
    assert call["service"] == "object" and call["method"] == "execute_kw"
    assert call["args"] == ["prod", 7, PASSWORD, "field.work.order", "sync_pull", [], {"limit": 5}]
    assert PASSWORD not in repr(transport)


def test_jsonrpc_wrong_credentials(canned: tuple[Canned, str]) -> None:
    state, url = canned
    state.json(False)
    with pytest.raises(AuthError, match="refused login 'tech' on database 'prod'") as info:
        JsonRpcTransport(url, "prod", "tech", PASSWORD).authenticate()
    _assert_no_secret(info.value)


@pytest.mark.parametrize(
    ("name", "cls"),
    [
        ("odoo.exceptions.AccessDenied", AuthError),
        ("odoo.exceptions.AccessError", AccessError),
        ("odoo.exceptions.UserError", UserError),
        ("odoo.exceptions.ValidationError", ValidationError),
        ("builtins.KeyError", ServerError),
    ],
)
def test_jsonrpc_maps_odoo_exceptions(
    canned: tuple[Canned, str], name: str, cls: type[SyncError]
) -> None:
    state, url = canned
    state.json(2)
    state.odoo_error(name, f"refused for password {PASSWORD}")
    if cls is AuthError:  # an expired login is retried once with a fresh one
        state.json(False)
    with pytest.raises(cls) as info:
        JsonRpcTransport(url, "prod", "tech", PASSWORD).execute_kw("m", "f")
    assert type(info.value) is cls
    if cls is not AuthError:
        assert "refused for password ***" in str(info.value)
    _assert_no_secret(info.value)


def test_jsonrpc_logs_in_again_when_the_session_expired(canned: tuple[Canned, str]) -> None:
    state, url = canned
    state.json(2)
    state.odoo_error("odoo.http.SessionExpiredException", "Session expired")
    state.json(2)
    state.json([1, 2])
    assert JsonRpcTransport(url, "prod", "tech", PASSWORD).execute_kw("m", "f") == [1, 2]


@pytest.mark.parametrize(
    ("status", "body", "cls", "match"),
    [
        (502, "<html>Bad Gateway</html>", TransportError, "HTTP 502"),
        (503, "", TransportError, "retry later"),
        (404, "not found", ServerError, "is this the address of an Odoo server"),
        (413, "<html>Request Entity Too Large</html>", ServerError, "a photo or signature in it"),
        (200, "<html>login</html>", ServerError, "did not answer JSON-RPC"),
    ],
)
def test_jsonrpc_http_failures(
    canned: tuple[Canned, str], status: int, body: str, cls: type[SyncError], match: str
) -> None:
    state, url = canned
    state.raw(status, body)
    with pytest.raises(cls, match=match) as info:
        JsonRpcTransport(url, "prod", "tech", PASSWORD).authenticate()
    _assert_no_secret(info.value)


def test_jsonrpc_timeout_is_a_transport_error(canned: tuple[Canned, str]) -> None:
    state, url = canned
    state.raw(200, "{}", delay=0.5)
    with pytest.raises(TransportError, match="did not answer within 0.1 s"):
        JsonRpcTransport(url, "prod", "tech", PASSWORD, timeout=0.1).authenticate()


def _closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def test_connection_refused_is_a_transport_error(caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)
    url = f"http://127.0.0.1:{_closed_port()}"
    for cls in (JsonRpcTransport, XmlRpcTransport):
        with pytest.raises(TransportError, match="cannot reach") as info:
            cls(url, "prod", "tech", PASSWORD).execute_kw("field.work.order", "sync_pull")
        _assert_no_secret(info.value)
    assert "sync_pull" in caplog.text and PASSWORD not in caplog.text


@pytest.mark.parametrize(
    ("code", "cls"),
    [(2, UserError), (3, AuthError), (4, AccessError), (1, ServerError)],
)
def test_xmlrpc_maps_fault_codes(
    canned: tuple[Canned, str], code: int, cls: type[SyncError]
) -> None:
    state, url = canned
    state.xml(5)
    state.xml(xmlrpc.client.Fault(code, f"Traceback...\nnope, {PASSWORD}"))
    if cls is AuthError:
        state.xml(False)
    with pytest.raises(cls) as info:
        XmlRpcTransport(url, "prod", "tech", PASSWORD).execute_kw("m", "f", [1])
    assert type(info.value) is cls
    assert str(info.value) == ("nope, ***" if cls is not AuthError else
                               f"{url} refused login 'tech' on database 'prod': check the "
                               "login, the password or API key, and the database name")
    assert state.requests[0][0] == "/xmlrpc/2/common"
    assert state.requests[1][0] == "/xmlrpc/2/object"
    _assert_no_secret(info.value)


@pytest.mark.parametrize("name", ["psycopg2.OperationalError", "psycopg2.InterfaceError"])
def test_lost_database_connection_is_a_transport_error(canned: tuple[Canned, str], name: str) -> None:
    """PostgreSQL restarted or the connection was cut mid-call: nothing committed, retry."""
    state, url = canned
    state.json(7)
    state.odoo_error(name, "server closed the connection unexpectedly")
    with pytest.raises(TransportError, match="lost its database connection") as info:
        JsonRpcTransport(url, "prod", "tech", PASSWORD).execute_kw("m", "sync_push", [])
    assert str(info.value) == (f"{url} lost its database connection (server closed the "
                               "connection unexpectedly); retry later")
    state.xml(5)
    state.xml(xmlrpc.client.Fault(1, f"Traceback...\n{name}: connection already closed"))
    with pytest.raises(TransportError, match="lost its database connection") as info:
        XmlRpcTransport(url, "prod", "tech", PASSWORD).execute_kw("m", "sync_pull", [])
    assert str(info.value) == (f"{url} lost its database connection ({name}: connection already "
                               "closed); retry later")
    state.json(7)
    state.odoo_error("psycopg2.errors.UniqueViolation", "duplicate key")
    with pytest.raises(ServerError) as refused:
        JsonRpcTransport(url, "prod", "tech", PASSWORD).execute_kw("m", "f", [])
    assert type(refused.value) is ServerError  # other database errors are the server's answer


def test_xmlrpc_call_and_http_errors(canned: tuple[Canned, str]) -> None:
    state, url = canned
    state.xml(5)
    state.xml({"cursor": "9", "has_more": False})
    transport = XmlRpcTransport(url, "prod", "tech", PASSWORD)
    assert transport.execute_kw("m", "sync_pull", [], {"limit": 1})["cursor"] == "9"
    params, method = xmlrpc.client.loads(state.requests[1][1])
    assert method == "execute_kw" and params == (
        "prod", 5, PASSWORD, "m", "sync_pull", [], {"limit": 1})
    state.raw(502, "bad gateway")
    with pytest.raises(TransportError, match="HTTP 502"):
        transport.execute_kw("m", "f")
    state.raw(413, "too large")
    with pytest.raises(ServerError, match=r"too large \(HTTP 413\): a photo or signature"):
        transport.execute_kw("m", "sync_push")
    state.raw(200, "not xml")
    with pytest.raises(ServerError, match="did not answer XML-RPC"):
        transport.execute_kw("m", "f")
