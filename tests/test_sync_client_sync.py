"""SyncClient against the in-process fake server: pull, queue, push, crash safety."""

from __future__ import annotations

import base64
from collections.abc import Iterator
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import pytest

from sync_client import (
    ConflictError,
    InvalidOperationError,
    NotFoundError,
    Store,
    SyncClient,
    TransportError,
)

from .test_sync_client_fake import FakeServer, FakeTransport

NOW = datetime(2026, 3, 1, 9, 0, 0, tzinfo=timezone.utc)


@pytest.fixture
def server() -> FakeServer:
    server = FakeServer()
    for oid in range(1, 6):
        server.add(oid)
    return server


@pytest.fixture
def sleeps() -> list[float]:
    return []


@pytest.fixture
def make_client(
    server: FakeServer, tmp_path: Path, sleeps: list[float]
) -> Iterator[Any]:
    clients: list[SyncClient] = []

    def make(**options: Any) -> SyncClient:
        options.setdefault("sleep", sleeps.append)
        options.setdefault("now", lambda: NOW)
        client = SyncClient(FakeTransport(server), tmp_path / "store.sqlite3", **options)
        clients.append(client)
        return client

    yield make
    for client in clients:
        client.close()


@pytest.fixture
def client(make_client: Any) -> SyncClient:
    client: SyncClient = make_client(page_size=2)
    client.pull()
    return client


# -- pull -----------------------------------------------------------------------


def test_pull_pages_through_the_cursor_and_reports_progress(
    server: FakeServer, make_client: Any
) -> None:
    client = make_client(page_size=2)
    seen: list[tuple[int, int]] = []
    report = client.pull(progress=lambda done, total: seen.append((done, total)))
    assert seen == [(2, 5), (4, 5), (5, 5)]
    assert (report.pages, report.received, report.kept) == (3, 5, 5)
    assert server.pull_calls[0] is False
    assert [o["name"] for o in client.orders()] == [f"WO/2026/{i:05d}" for i in range(1, 6)]
    assert client.status().cursor == str(server.seq)
    assert client.status().last_pull is not None


def test_incremental_pull_brings_only_changes(server: FakeServer, client: SyncClient) -> None:
    server.change(3, state="in_progress")
    report = client.pull()
    assert (report.received, report.kept) == (1, 1)
    assert client.order("WO/2026/00003")["state"] == "in_progress"
    assert client.order(3)["version"] == 2


def test_pull_keeps_an_order_only_if_its_version_is_higher(
    server: FakeServer, client: SyncClient
) -> None:
    server.change(2, state="in_progress")
    server.change(2, note="newest")
    client.pull()
    stale = dict(server.orders[2], version=2, note="older")
    same = dict(server.orders[2], note="same version, other data")
    server.replay = [stale, same]
    report = client.pull()
    assert report.kept == 0
    assert client.order(2)["note"] == "newest"


def test_history_is_taken_from_every_delivery(server: FakeServer, client: SyncClient) -> None:
    server.change(2, note="newest")
    client.pull()
    past = [{"name": "WO/2025/00007", "date_completed": "2025-11-20 09:45:00"}]
    server.replay = [dict(server.orders[2], history=past, note="same version, other data")]
    report = client.pull()
    assert report.kept == 0
    assert client.order(2)["note"] == "newest"
    assert client.order(2)["history"] == past


def test_removed_ids_are_deleted_locally(server: FakeServer, client: SyncClient) -> None:
    server.remove(4)
    report = client.pull()
    assert report.removed == 1
    with pytest.raises(NotFoundError):
        client.order(4)
    assert len(client.orders()) == 4


def test_reset_drops_the_cache_and_pulls_from_scratch(
    server: FakeServer, client: SyncClient
) -> None:
    client.note(1, "queued before the reset")
    # The server forgets order 5 without a tombstone; only a reset can fix the cache.
    del server.orders[5], server.changed[5]
    server.reset_next = True
    report = client.pull()
    assert report.reset and report.received == 4
    assert server.pull_calls[-3:] == [server.pull_calls[-3], False, "2"]
    assert [o["id"] for o in client.orders()] == [1, 2, 3, 4]
    assert len(client.pending()) == 1


def test_pull_restarts_where_the_crash_happened(server: FakeServer, make_client: Any) -> None:
    client = make_client(page_size=2, max_attempts=1)
    transport = client.transport
    calls: list[str] = []
    real = transport.execute_kw

    def die_on_second_page(*args: Any, **kwargs: Any) -> Any:
        calls.append("x")
        if len(calls) == 3:  # the rules, the first page, then the second page
            raise TransportError("link down")
        return real(*args, **kwargs)

    transport.execute_kw = die_on_second_page
    with pytest.raises(TransportError):
        client.pull()
    assert len(client.orders()) == 2
    cursor = client.status().cursor
    transport.execute_kw = real
    client.pull()
    assert server.pull_calls[-2] == cursor
    assert len(client.orders()) == 5


# -- queue ----------------------------------------------------------------------


def test_every_enqueue_is_on_disk_before_it_returns(tmp_path: Path, make_client: Any) -> None:
    client = make_client()
    client.pull()
    ops = [
        client.start("WO/2026/00001"),
        client.note(1, "gate code 1234"),
        client.material(1, product_id=42, quantity=2.5, lot_name=None),
        client.labor(1, "2026-03-01 08:00:00", NOW - timedelta(minutes=30), "repair"),
        client.photo(1, b"\x89PNG fake", kind="before"),
        client.signature(2, b"sig", signed_by="Ann"),
        client.checklist(2, line_id=9, done=True),
        client.set_fields(2, {"unit_number": "1", "access_instructions": None}),
    ]
    # Simulated crash: no close, no commit call, just a fresh process on the same file.
    del client
    with Store(tmp_path / "store.sqlite3") as store:
        pending = store.pending()
    assert [op.uuid for op in pending] == [op.uuid for op in ops]
    assert len({op.uuid for op in pending}) == len(ops)
    assert [op.type for op in pending] == [
        "start", "note", "material", "labor", "photo", "signature", "checklist", "set"]
    assert all(op.base_version == 1 and op.at == "2026-03-01 09:00:00" for op in pending)
    assert pending[2].payload == {"product_id": 42, "quantity": 2.5, "lot_name": False}
    assert pending[3].payload["date_end"] == "2026-03-01 08:30:00"
    assert base64.b64decode(pending[4].payload["image"]) == b"\x89PNG fake"
    assert pending[7].payload == {"fields": {"unit_number": "1", "access_instructions": False}}


def test_photo_from_a_file_and_at_in_utc(tmp_path: Path, make_client: Any) -> None:
    paris = timezone(timedelta(hours=1))
    client = make_client(now=lambda: datetime(2026, 3, 1, 10, 30, tzinfo=paris))
    client.pull()
    image = tmp_path / "after.jpg"
    image.write_bytes(b"\xff\xd8jpeg")
    op = client.photo("wo/2026/00002", image, kind="after")
    assert base64.b64decode(op.payload["image"]) == b"\xff\xd8jpeg"
    assert op.at == "2026-03-01 09:30:00"


@pytest.mark.parametrize(
    "queue",
    [
        lambda c: c.note(1, "  "),
        lambda c: c.material(1, 0, 1),
        lambda c: c.material(1, 5, 0),
        lambda c: c.material(1, 5, True),
        lambda c: c.labor(1, "2026-03-01 10:00:00", "2026-03-01 09:00:00"),
        lambda c: c.labor(1, "yesterday", "2026-03-01 09:00:00"),
        lambda c: c.photo(1, b"x", kind="selfie"),
        lambda c: c.photo(1, b""),
        lambda c: c.photo(1, "/nonexistent/photo.jpg"),
        lambda c: c.signature(1, b"x", signed_by=""),
        lambda c: c.checklist(1, line_id="9"),
        lambda c: c.set_fields(1, {}),
        lambda c: c.set_fields(1, {"priority": "1"}),
        lambda c: c.set_fields(1, {"unit_number": 12}),
        lambda c: c.material(1, 5, float("nan")),
        lambda c: c.material(1, 5, float("inf")),
        lambda c: c.labor(1, "2026-03-01 08:00:00", "2026-03-01 09:30:00"),  # ends in the future
        lambda c: c.note(1, "x" * 10001),
    ],
)
def test_bad_operations_are_refused_locally(client: SyncClient, queue: Any) -> None:
    with pytest.raises(InvalidOperationError):
        queue(client)
    assert client.pending() == []


def test_unknown_order_cannot_be_queued(client: SyncClient) -> None:
    with pytest.raises(NotFoundError, match="pull first"):
        client.start("WO/2026/99999")
    with pytest.raises(NotFoundError):
        client.start(99)


# -- push -----------------------------------------------------------------------


def test_push_sends_in_enqueue_order_in_batches(server: FakeServer, make_client: Any) -> None:
    client = make_client(batch_size=2)
    client.pull()
    ops = [client.start(1), client.note(1, "a"), client.note(2, "b"), client.hold(1),
           client.set_fields(3, {"unit_number": "2"})]
    report = client.push()
    assert [len(batch) for batch in server.push_calls] == [2, 2, 1]
    sent = [op for batch in server.push_calls for op in batch]
    assert [op["uuid"] for op in sent] == [op.uuid for op in ops]
    assert sent[0] == {"uuid": ops[0].uuid, "order_id": 1, "type": "start", "payload": {},
                       "base_version": 1, "at": "2026-03-01 09:00:00"}
    assert (report.sent, report.applied, report.unresolved) == (5, 5, [])
    assert client.status().pending == 0 and client.status().last_push
    assert client.store.result(ops[0].uuid)["status"] == "applied"  # type: ignore[index]
    assert server.orders[1]["state"] == "on_hold"


def test_lost_response_is_resent_and_applied_exactly_once(
    server: FakeServer, make_client: Any
) -> None:
    client = make_client(max_attempts=1)
    client.pull()
    ops = [client.start(1), client.note(1, "once")]
    server.lose_next = 1
    with pytest.raises(TransportError, match="nothing was lost"):
        client.push()
    assert [op.uuid for op in client.pending()] == [op.uuid for op in ops]
    report = client.push()
    assert (report.applied, report.duplicate) == (0, 2)
    assert server.applied_uuids() == [op.uuid for op in ops]
    assert server.orders[1]["notes"] == ["once"]
    assert client.pending() == []


def test_lost_response_is_retried_automatically(server: FakeServer, make_client: Any) -> None:
    client = make_client(max_attempts=3)
    client.pull()
    op = client.note(2, "hello")
    server.lose_next = 1
    report = client.push()
    assert report.duplicate == 1
    assert server.applied_uuids() == [op.uuid]


def test_crash_between_send_and_store_is_exactly_once(
    server: FakeServer, make_client: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    client = make_client()
    client.pull()
    op = client.start(3)

    def crash(*args: Any) -> None:
        raise SystemExit("power cut")

    monkeypatch.setattr(client.store, "record_results", crash)
    with pytest.raises(SystemExit):
        client.push()
    assert server.applied_uuids() == [op.uuid]
    reopened = make_client()  # the next run, on the same file
    assert [p.uuid for p in reopened.pending()] == [op.uuid]
    report = reopened.push()
    assert report.duplicate == 1
    assert server.applied_uuids() == [op.uuid]
    assert reopened.pending() == [] and reopened.conflicts() == []


def test_backoff_doubles_up_to_the_cap(
    server: FakeServer, make_client: Any, sleeps: list[float]
) -> None:
    client = make_client(max_attempts=6, backoff=1.0, max_backoff=5.0)
    client.pull()
    client.note(1, "x")
    server.fail_next = 5
    assert client.push().applied == 1
    assert sleeps == [1.0, 2.0, 4.0, 5.0, 5.0]


def test_give_up_after_max_attempts_and_lose_nothing(
    server: FakeServer, make_client: Any, sleeps: list[float]
) -> None:
    client = make_client(max_attempts=3, backoff=0.5)
    client.pull()
    op = client.start(1)
    server.fail_next = 10
    with pytest.raises(TransportError, match="gave up after 3 attempts"):
        client.push()
    assert sleeps == [0.5, 1.0]
    assert server.applied == [] and [p.uuid for p in client.pending()] == [op.uuid]


def test_conflicts_are_kept_until_resolved(server: FakeServer, client: SyncClient) -> None:
    done = client.start(1)  # scheduled in the local copy...
    server.change(1, state="cancelled")  # ...but the dispatcher cancelled it meanwhile
    note = client.note(1, "additive ops never conflict")
    report = client.push()
    assert (report.applied, report.conflicts) == (1, 1)
    assert [c.uuid for c in report.unresolved] == [done.uuid]
    with pytest.raises(ConflictError, match="fwo-sync conflicts"):
        report.raise_for_conflicts()
    conflict = client.conflicts()[0]
    assert conflict.status == "conflict" and "cancelled" in conflict.message
    assert conflict.current == {"state": "cancelled", "version": 2}
    # Pushing again neither drops nor re-sends it.
    assert client.push().sent == 0
    assert client.status().conflicts == 1 and client.status().pending == 0
    assert note.uuid in server.applied_uuids()

    server.change(1, state="scheduled")
    client.pull()
    retried = client.resolve(conflict.id, "retry")
    assert retried is not None and retried.uuid != done.uuid
    assert retried.base_version == 4 and retried.at == done.at and retried.id > note.id
    assert client.conflicts() == []
    assert client.push().applied == 1
    assert server.orders[1]["state"] == "in_progress"


def test_drop_records_the_decision(server: FakeServer, client: SyncClient) -> None:
    op = client.start(2)
    server.change(2, state="cancelled")
    client.push()
    conflict = client.conflicts()[0]
    assert client.resolve(conflict.id, "drop") is None
    assert client.conflicts() == [] and client.status().conflicts == 0
    assert client.store.result(op.uuid)["status"] == "dropped"  # type: ignore[index]


def test_errors_are_kept_like_conflicts(server: FakeServer, client: SyncClient) -> None:
    op = client.note(5, "order gone")
    server.remove(5)
    report = client.push()
    assert report.errors == 1
    assert [(c.uuid, c.status) for c in client.conflicts()] == [(op.uuid, "error")]


def test_a_conflict_behind_a_lost_response_stays_a_conflict(
    server: FakeServer, make_client: Any
) -> None:
    client = make_client(max_attempts=2)
    client.pull()
    client.start(1)
    server.change(1, state="cancelled")
    server.lose_next = 1
    report = client.push()
    assert report.conflicts == 1
    assert client.conflicts()[0].status == "conflict"


def test_resolve_refuses_what_is_not_a_conflict(client: SyncClient) -> None:
    op = client.start(1)
    with pytest.raises(InvalidOperationError, match="still waiting"):
        client.resolve(op.id, "drop")
    with pytest.raises(NotFoundError):
        client.resolve(12345, "retry")


def test_status(server: FakeServer, client: SyncClient) -> None:
    client.start(1)
    client.start(2)
    server.change(2, state="cancelled")
    client.push()
    client.note(3, "later")
    status = client.status()
    assert (status.orders, status.pending, status.conflicts) == (5, 1, 1)
    assert status.last_sync == max(status.last_pull or "", status.last_push or "")


def test_pull_retries_transport_errors(
    server: FakeServer, make_client: Any, sleeps: list[float]
) -> None:
    client = make_client()
    server.fail_next = 2
    assert client.pull().received == 5
    assert sleeps == [0.5, 1.0]
