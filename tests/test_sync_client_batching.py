"""Push batches by bytes and count; a refused operation does not block the queue behind it.

Against the in-process fake server, behind a fake proxy that answers HTTP 413
(:class:`TooLargeError`) for a body over its limit, like nginx's client_max_body_size.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping, Sequence
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

import pytest

from sync_client import SyncClient, TooLargeError, cli

from .test_sync_client_cli import LOGIN, run
from .test_sync_client_fake import FakeServer, FakeTransport

NOW = datetime(2026, 3, 1, 9, 0, 0, tzinfo=timezone.utc)
OPERATIONS = ["start", "on_my_way", "hold", "resume", "complete", "note", "material", "labor",
              "photo", "signature", "checklist", "set", "quote", "quote_approve", "quote_send",
              "collect_payment", "equipment_add", "reading"]


class ProxyTransport(FakeTransport):
    """The fake server behind a proxy refusing pushes whose JSON body is over ``limit`` bytes."""

    def __init__(self, server: FakeServer, limit: int | None = None) -> None:
        super().__init__(server)
        self.limit = limit
        self.refused: list[int] = []  # the number of operations of each refused push
        self.bodies: list[int] = []  # bytes of the operations list of each push let through

    def execute_kw(
        self,
        model: str,
        method: str,
        args: Sequence[Any] = (),
        kwargs: Mapping[str, Any] | None = None,
    ) -> Any:
        if method == "sync_push":
            size = len(json.dumps((kwargs or {})["operations"]).encode())
            if self.limit is not None and size > self.limit:
                self.refused.append(len((kwargs or {})["operations"]))
                raise TooLargeError("the fake proxy refused the request as too large (HTTP 413)")
            self.bodies.append(size)
        return super().execute_kw(model, method, args, kwargs)


@pytest.fixture
def server() -> FakeServer:
    server = FakeServer()
    server.rules["operation_types"] = list(OPERATIONS)
    server.add(1, state="in_progress", equipment_ids=[], equipment=[])
    server.add(2, state="in_progress")
    return server


@pytest.fixture
def proxy(server: FakeServer) -> ProxyTransport:
    return ProxyTransport(server)


@pytest.fixture
def client(proxy: ProxyTransport, tmp_path: Path) -> Iterator[SyncClient]:
    client = SyncClient(proxy, tmp_path / "store.sqlite3", now=lambda: NOW,
                        sleep=lambda _s: None, max_attempts=1)
    client.pull()
    yield client
    client.close()


def _wire_size(client: SyncClient, *op_ids: int) -> int:
    """Bytes of the JSON list of these queued operations, as pushed."""
    return len(json.dumps([client.store.operation(i).wire() for i in op_ids]).encode())


def test_batches_stop_at_the_byte_limit_and_a_large_operation_goes_alone(
    server: FakeServer, proxy: ProxyTransport, client: SyncClient
) -> None:
    notes = [client.note(1, f"note {i:02d} " + "x" * 980) for i in range(10)]
    big = client.note(2, "y" * 9000)
    tail = [client.note(2, f"tail {i}") for i in range(3)]
    one = _wire_size(client, notes[0].id)
    assert one == _wire_size(client, notes[9].id)
    # Room for exactly three notes (and the ", " between them), not four.
    client.max_batch_bytes = _wire_size(client, *(op.id for op in notes[:3]))
    assert client.max_batch_bytes == 3 * (one - 2) + 2 + 2 * 2 == 3426
    client.batch_size = 100

    report = client.push()

    assert [len(call) for call in server.push_calls] == [3, 3, 3, 1, 1, 3]
    assert proxy.bodies[:3] == [client.max_batch_bytes] * 3
    assert proxy.bodies[3] == one  # the tenth note alone: the big one does not fit beside it
    assert proxy.bodies[4] == len(json.dumps([{**big.wire()}]).encode()) > client.max_batch_bytes
    assert all(size <= client.max_batch_bytes for i, size in enumerate(proxy.bodies) if i != 4)
    assert (report.sent, report.applied, report.batches, report.errors) == (14, 14, 6, 0)
    assert server.applied_uuids() == [op.uuid for op in [*notes, big, *tail]]
    assert client.store.count("pending", "conflict", "error") == 0


def test_the_count_limit_still_holds_under_the_byte_limit(
    server: FakeServer, client: SyncClient
) -> None:
    for i in range(25):
        client.note(1, f"short {i}")
    client.batch_size = 10
    report = client.push()
    assert [len(call) for call in server.push_calls] == [10, 10, 5]
    assert (report.sent, report.applied, report.batches) == (25, 25, 3)


def test_a_413_on_a_batch_of_ten_halves_it_and_all_ten_apply(
    server: FakeServer, proxy: ProxyTransport, client: SyncClient
) -> None:
    ops = [client.note(1, f"note {i} " + "x" * 500) for i in range(10)]
    proxy.limit = _wire_size(client, *(op.id for op in ops[:3]))  # 3 fit, 5 do not

    report = client.push()

    assert proxy.refused == [10, 5, 5]
    assert [len(call) for call in server.push_calls] == [2, 3, 2, 3]
    assert (report.sent, report.applied, report.errors, report.too_large) == (10, 10, 0, 0)
    assert server.applied_uuids() == [op.uuid for op in ops]
    assert len(server.orders[1]["notes"]) == 10
    assert client.store.count("pending", "conflict", "error") == 0


def test_a_413_on_one_operation_parks_it_and_the_four_behind_are_pushed(
    server: FakeServer, proxy: ProxyTransport, client: SyncClient
) -> None:
    big = client.note(1, "z" * 9000)
    behind = [client.note(1, f"behind {i}") for i in range(4)]
    proxy.limit = 5000

    report = client.push()

    assert proxy.refused == [5, 2, 1]
    assert (report.sent, report.applied, report.errors, report.too_large) == (5, 4, 1, 1)
    assert server.applied_uuids() == [op.uuid for op in behind]
    assert server.orders[1]["notes"] == [f"behind {i}" for i in range(4)]
    [parked] = client.conflicts()
    assert (parked.id, parked.status) == (big.id, "error")
    assert "too large (HTTP 413)" in parked.message
    assert [op.id for op in report.unresolved] == [big.id]
    assert client.status().pending == 0 and client.status().conflicts == 1

    # Pushing again sends nothing: the parked operation waits for a decision.
    calls = len(proxy.refused) + len(proxy.bodies)
    assert client.push().sent == 0
    assert len(proxy.refused) + len(proxy.bodies) == calls


def test_resolve_drop_removes_a_parked_operation(
    home_client: tuple[SyncClient, ProxyTransport], capsys: pytest.CaptureFixture[str]
) -> None:
    client, proxy = home_client
    big = client.note(1, "z" * 9000)
    client.note(1, "small")
    client.close()
    proxy.limit = 5000
    code, out, _err = run(capsys, "push")
    assert code == 1
    assert "pushed 2 operation(s): 1 applied, 0 already applied, 0 conflict(s), 1 error(s)" in out
    assert "1 operation(s) too large for the server even alone: parked as errors" in out

    code, out, _err = run(capsys, "conflicts")
    assert code == 0 and f"\n{big.id} " in out and "HTTP 413" in out
    code, out, _err = run(capsys, "resolve", str(big.id), "--drop")
    assert (code, out) == (0, f"dropped operation #{big.id}\n")
    code, out, _err = run(capsys, "status")
    assert "pending:   0\nconflicts: 0\n" in out
    with SyncClient(proxy, client.store.path) as again:
        result = again.store.result(big.uuid)
        assert result is not None and result["status"] == "dropped"
        assert "HTTP 413" in result["message"]
        assert again.push().sent == 0
    assert proxy.server.orders[1]["notes"] == ["small"]


def test_resolve_retry_requeues_a_parked_operation(
    home_client: tuple[SyncClient, ProxyTransport], capsys: pytest.CaptureFixture[str]
) -> None:
    client, proxy = home_client
    big = client.note(1, "z" * 9000)
    client.close()
    proxy.limit = 5000
    assert run(capsys, "push")[0] == 1

    proxy.limit = 50000  # the proxy was given a larger client_max_body_size
    code, out, _err = run(capsys, "resolve", str(big.id), "--retry")
    assert code == 0 and f"operation #{big.id} re-queued as" in out
    code, out, _err = run(capsys, "push")
    assert code == 0
    assert "pushed 1 operation(s): 1 applied" in out
    assert proxy.server.orders[1]["notes"] == ["z" * 9000]
    [applied] = proxy.server.applied
    assert applied["uuid"] != big.uuid and applied["payload"] == big.payload


def test_an_operation_naming_a_parked_one_waits_with_it(
    server: FakeServer, proxy: ProxyTransport, client: SyncClient
) -> None:
    unit = client.equipment_add(1, "Walk-in cooler " + "w" * 9000, serial_number="WIC-9")
    reading = client.reading(1, unit, "Suction pressure", 85)
    other = client.note(1, "after the unit")
    proxy.limit = 5000

    report = client.push()

    assert (report.sent, report.applied, report.errors, report.waiting) == (2, 1, 1, 1)
    assert server.applied_uuids() == [other.uuid]
    assert [op["uuid"] for call in server.push_calls for op in call] == [other.uuid]
    assert [op.id for op in client.conflicts()] == [unit.id]
    assert [op.id for op in client.pending()] == [reading.id]

    # Still waiting on the next push: never sent while the unit is parked.
    assert client.push().waiting == 1
    assert len(server.push_calls) == 1

    # Retried (once the proxy takes it), the unit goes first and the reading follows,
    # naming the copy's uuid.
    proxy.limit = None
    copy = client.resolve(unit.id, "retry")
    assert copy is not None
    [moved] = client.pending()[1:]
    assert moved.uuid == reading.uuid and moved.id > copy.id
    assert moved.payload["equipment_ref"] == copy.uuid
    report = client.push()
    assert (report.sent, report.waiting) == (2, 0)
    assert [op["uuid"] for op in server.push_calls[-1]] == [copy.uuid, reading.uuid]
    assert server.push_calls[-1][1]["payload"]["equipment_ref"] == copy.uuid


def test_a_server_refusal_does_not_block_the_queue(
    server: FakeServer, client: SyncClient
) -> None:
    refused = client.note(2, "to an order taken away")
    del server.orders[2]  # the server now answers "order not found or not yours"
    behind = [client.note(1, f"behind {i}") for i in range(4)]
    client.batch_size = 1

    report = client.push()

    assert (report.sent, report.applied, report.errors, report.batches) == (5, 4, 1, 5)
    assert server.applied_uuids() == [op.uuid for op in behind]
    assert [op.id for op in client.conflicts()] == [refused.id]


def test_max_batch_bytes_must_be_positive(tmp_path: Path, server: FakeServer) -> None:
    with pytest.raises(ValueError, match="max_batch_bytes"):
        SyncClient(FakeTransport(server), tmp_path / "s.sqlite3", max_batch_bytes=0)


@pytest.fixture
def home_client(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, server: FakeServer, proxy: ProxyTransport,
    capsys: pytest.CaptureFixture[str],
) -> tuple[SyncClient, ProxyTransport]:
    """The CLI logged in and pulled through ``proxy``; a client on its store to queue with."""
    monkeypatch.setenv("FWO_SYNC_HOME", str(tmp_path / "home"))
    for var in ("FWO_SYNC_API_KEY", "FWO_SYNC_PROFILE"):
        monkeypatch.delenv(var, raising=False)
    monkeypatch.setenv("FWO_SYNC_PASSWORD", server.password)
    monkeypatch.setattr(cli, "transport_factory", lambda _profile, _secret: proxy)
    assert run(capsys, *LOGIN)[0] == 0
    assert run(capsys, "pull")[0] == 0
    store = next((tmp_path / "home").rglob("*.sqlite3"))
    return SyncClient(proxy, store, max_attempts=1, sleep=lambda _s: None), proxy
