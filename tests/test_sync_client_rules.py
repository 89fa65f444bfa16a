"""The client follows the rules the server publishes (``sync_reference()["rules"]``).

Against the fake server first (another table, the store keeping it offline, a
server without rules), then against a live Odoo whose state machine a test-only
addon changes while the test runs (tests/addons/fwo_test_rules).
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from contextlib import closing
from pathlib import Path
from typing import Any

import pytest

from sync_client import (
    InvalidOperationError,
    JsonRpcTransport,
    ServerError,
    Store,
    SyncClient,
    TransportError,
)

from ._orders import make_order, make_world, read
from ._rpc import Rpc
from .test_sync_client_fake import RULES, FakeServer, FakeTransport

HOLD_FROM_SCHEDULED = "fwo_test_rules.hold_from_scheduled"


@pytest.fixture
def server() -> FakeServer:
    server = FakeServer()
    for oid in (1, 2):
        server.add(oid)
    return server


@pytest.fixture
def client(server: FakeServer, tmp_path: Path) -> Iterator[SyncClient]:
    with SyncClient(FakeTransport(server), tmp_path / "store.sqlite3", sleep=lambda _s: None) as c:
        c.pull()
        yield c


def test_another_table_changes_what_is_accepted_and_predicted(
    server: FakeServer, client: SyncClient
) -> None:
    with pytest.raises(InvalidOperationError, match=r"cannot hold WO/2026/00001: it is scheduled "
                                                    r"\(allowed from: in progress\)"):
        client.hold(1)
    server.rules["transitions"]["hold"]["from"].append("scheduled")
    client.pull()  # every sync reads the rules again
    client.hold(1)
    # The queued hold leads to on hold, as the table says: start no longer, resume yes.
    with pytest.raises(InvalidOperationError, match="it is on hold once the queued operations"):
        client.start(1)
    client.resume(1)
    report = client.push()
    assert (report.applied, report.conflicts) == (2, 0)
    assert server.orders[1]["state"] == "in_progress"


def test_fields_kinds_and_limits_come_from_the_server(
    server: FakeServer, client: SyncClient
) -> None:
    with pytest.raises(InvalidOperationError, match="priority cannot be set from a device"):
        client.set_fields(1, {"priority": "1"})
    server.rules["set_fields"].append("priority")
    server.rules["photo_kinds"] = ["damage"]
    server.rules["limits"].update(max_text=5, max_quantity=3, clock_skew_seconds=0)
    client.pull()
    assert client.set_fields(1, {"priority": "1"}).payload == {"fields": {"priority": "1"}}
    assert client.photo(1, b"jpeg", kind="damage").payload["kind"] == "damage"
    for queue, message in (
        (lambda: client.note(1, "123456"), "a note is 6 characters long; the server takes at most 5"),
        (lambda: client.material(1, 7, 4), "quantity 4 is more than the server takes"),
        (lambda: client.photo(1, b"jpeg", kind="before"), "photo kind must be one of damage, got 'before'"),
    ):
        with pytest.raises(InvalidOperationError, match=message):
            queue()
    assert len(client.pending()) == 2


def test_any_transition_a_device_may_push_and_no_other(
    server: FakeServer, client: SyncClient
) -> None:
    op = client.transition(1, "on_my_way")  # the state stays: start is still allowed after it
    client.start(1)
    with pytest.raises(InvalidOperationError, match="'verify' is not a state change a device "
                                                    "may queue .*: start, on_my_way, hold"):
        client.transition(1, "verify")
    server.rules["transitions"]["hold"]["sync"] = False
    client.pull()
    with pytest.raises(InvalidOperationError, match="'hold' is not a state change"):
        client.hold(1)
    assert client.push().applied == 2
    assert server.applied[0]["uuid"] == op.uuid and server.orders[1]["state"] == "in_progress"


def test_offline_the_last_rules_seen_are_used(
    server: FakeServer, client: SyncClient, tmp_path: Path
) -> None:
    server.rules["transitions"]["hold"]["from"].append("scheduled")
    client.pull()
    server.fail_next = 1000  # the network is gone from now on
    with Store(tmp_path / "store.sqlite3") as store:
        assert store.rules is not None and "scheduled" in store.rules["transitions"]["hold"]["from"]
    offline = SyncClient(FakeTransport(server), tmp_path / "store.sqlite3", max_attempts=1)
    with offline:
        offline.hold(2)  # allowed from scheduled by the stored rules
        offline.resume(2)  # on hold once the hold applies
        with pytest.raises(InvalidOperationError, match="it is scheduled .allowed from: on hold"):
            offline.resume(1)
        assert offline.transport.calls == []  # type: ignore[attr-defined]
        with pytest.raises(TransportError):
            offline.pull()


def test_a_store_without_rules_reads_them_once(
    server: FakeServer, client: SyncClient, tmp_path: Path
) -> None:
    with closing(sqlite3.connect(tmp_path / "store.sqlite3")) as db:  # as an older client left it
        db.execute("DELETE FROM meta WHERE key = 'rules'")
        db.commit()
    assert client.store.rules is None
    transport: FakeTransport = client.transport  # type: ignore[assignment]
    transport.calls.clear()
    client.note(1, "a")
    client.note(2, "b")
    assert transport.calls == ["sync_reference"]


@pytest.mark.parametrize("rules", [None, {}, {**RULES, "transitions": {"start": {"from": "x"}}},
                                   {**RULES, "limits": {**RULES["limits"], "max_text": "many"}}])
def test_a_server_without_usable_rules_is_named(
    server: FakeServer, tmp_path: Path, rules: Any
) -> None:
    server.rules = rules
    with SyncClient(FakeTransport(server), tmp_path / "s.sqlite3") as client:
        with pytest.raises(ServerError, match="no usable rules .* field_work_order_mobile"):
            client.pull()
        assert client.store.rules is None and client.orders() == []


# -- against a live Odoo ------------------------------------------------------------


@pytest.fixture(scope="module")
def rules_addon(odoo: Any) -> Rpc:
    """Install tests/addons/fwo_test_rules on the test database (once), as admin."""
    admin = Rpc(odoo)
    module = admin("ir.module.module", "search_read", [["name", "=", "fwo_test_rules"]],
                   fields=["state"])
    if not module:
        admin("ir.module.module", "update_list")
        module = admin("ir.module.module", "search_read", [["name", "=", "fwo_test_rules"]],
                       fields=["state"])
    if module[0]["state"] != "installed":
        admin("ir.module.module", "button_immediate_install", [module[0]["id"]])
    return admin


def test_live_server_rules_are_followed_without_a_code_change(
    odoo: Any, rules_addon: Rpc, tmp_path: Path
) -> None:
    admin = rules_addon
    tech_id, tech = admin.create_user("technician")
    world = make_world(admin)
    first, second = (make_order(admin, odoo, world, tech_id) for _ in range(2))
    transport = JsonRpcTransport(odoo.url, odoo.db, tech, tech)
    with SyncClient(transport, tmp_path / "tech.sqlite3") as client:
        client.pull()
        with pytest.raises(InvalidOperationError, match="allowed from: in progress"):
            client.hold(first)
        admin("ir.config_parameter", "set_param", HOLD_FROM_SCHEDULED, "1")
        try:
            client.pull()  # fresh rules: hold is allowed from scheduled now
            op = client.hold(first)
            report = client.push()
            assert (report.applied, report.conflicts, report.errors) == (1, 0, 0)
            assert client.store.result(op.uuid)["status"] == "applied"  # type: ignore[index]
            assert read(admin, "field.work.order", [first], ["state"])[0]["state"] == "on_hold"
        finally:
            admin("ir.config_parameter", "set_param", HOLD_FROM_SCHEDULED, False)
        client.pull()
        with pytest.raises(InvalidOperationError, match="allowed from: in progress"):
            client.hold(second)
        assert client.pending() == []
        assert read(admin, "field.work.order", [second], ["state"])[0]["state"] == "scheduled"


def test_a_pushed_operation_shows_in_the_cached_copy_until_the_next_pull(
    odoo: Any, tmp_path: Path
) -> None:
    """Start, push, then hold, resume, tick and complete with no pull in between: each
    step is judged against what the server already applied, not the copy pulled before."""
    admin = Rpc(odoo)
    tech_id, tech = admin.create_user("technician")
    order = make_order(admin, odoo, make_world(admin), tech_id,
                       checklist=({"name": "Isolate power", "required": True},))
    transport = JsonRpcTransport(odoo.url, odoo.db, tech, tech)
    with SyncClient(transport, tmp_path / "tech.sqlite3") as client:
        client.pull()
        pulled = client.order(order)
        line = pulled["checklist"][0]["id"]
        client.start(order)
        assert client.push().applied == 1
        cached = client.order(order)
        assert (cached["state"], cached["version"]) == ("in_progress", pulled["version"])

        client.hold(order)  # refused offline before: the copy still said "scheduled"
        assert client.push().applied == 1
        assert client.order(order)["state"] == "on_hold"
        client.resume(order)
        client.checklist(order, line)
        assert client.push().applied == 2
        assert client.order(order)["checklist"][0]["done"] is True
        client.complete(order)  # the required item is known done without a pull
        report = client.push()
        assert (report.applied, report.conflicts, report.errors) == (1, 0, 0)
        assert read(admin, "field.work.order", [order], ["state"])[0]["state"] == "done"

        client.pull()  # the server's copy replaces the patched one
        assert client.order(order)["state"] == "done"
        assert client.order(order)["version"] > pulled["version"]
