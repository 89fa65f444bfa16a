"""SyncClient's equipment operations against the in-process fake server: what is queued and sent.

The server's side (units at the site, exactly once, conflicts on serials) is in
field_work_order_mobile/tests/test_sync_equipment.py and tests/test_sync_equipment_live.py.
"""

from __future__ import annotations

import base64
import io
from pathlib import Path
from typing import Any

import pytest

from sync_client import InvalidOperationError, SyncClient, TransportError, cli

from .test_sync_client_fake import FakeServer, FakeTransport, pulled_client

PNG = b"\x89PNG fake photo"
OPERATIONS = ["start", "on_my_way", "hold", "resume", "complete", "note", "material", "labor",
              "photo", "signature", "checklist", "set", "quote", "quote_approve", "quote_send",
              "collect_payment", "equipment_add", "reading"]


@pytest.fixture
def server() -> FakeServer:
    server = FakeServer()
    server.rules["operation_types"] = list(OPERATIONS)
    server.add(1, state="in_progress", equipment_ids=[31], equipment=[
        {"id": 31, "name": "Rooftop condenser", "serial_number": "C-4471"},
        {"id": 32, "name": "Boiler", "serial_number": "B-1"},
    ], reading_definitions=[
        {"id": 5, "name": "Suction pressure", "uom": "psi", "min_value": 60.0,
         "max_value": 80.0, "has_range": True},
    ])
    server.add(2, state="in_progress")  # pulled from a server before equipment
    return server


client = pulled_client  # the fixture: a client of this module's ``server`` that pulled once


def test_a_unit_added_here_is_read_and_tagged_in_the_same_push(
    server: FakeServer, client: SyncClient
) -> None:
    unit = client.equipment_add(1, "Walk-in cooler", serial_number="WIC-9",
                                location_note="Back room")
    by_op = client.reading(1, unit, "Suction pressure", 85)
    by_uuid = client.reading(1, unit.uuid, None, 14.5, definition_id=5)
    part = client.material(1, 11, 1, equipment=unit)
    photo = client.photo(1, PNG, "after", equipment=32)
    assert unit.payload == {"name": "Walk-in cooler", "serial_number": "WIC-9",
                            "location_note": "Back room"}
    assert by_op.payload == {"equipment_ref": unit.uuid, "name": "Suction pressure", "value": 85}
    assert by_uuid.payload == {"equipment_ref": unit.uuid, "definition_id": 5, "value": 14.5}
    assert part.payload == {"product_id": 11, "quantity": 1, "lot_name": False,
                            "equipment_ref": unit.uuid}
    assert photo.payload == {"image": base64.b64encode(PNG).decode(), "kind": "after",
                             "equipment_id": 32}
    # A lost answer: pushed again with the same uuids, applied once.
    server.lose_next = 1
    with pytest.raises(TransportError):
        client.push()
    report = client.push()
    assert (report.applied, report.duplicate) == (0, 5)
    assert server.applied_uuids() == [unit.uuid, by_op.uuid, by_uuid.uuid, part.uuid, photo.uuid]
    assert [op["type"] for op in server.push_calls[0]] == [
        "equipment_add", "reading", "reading", "material", "photo"]


@pytest.mark.parametrize(("call", "message"), [
    (lambda c: c.equipment_add(1, " "), "a unit needs a name"),
    (lambda c: c.equipment_add(1, "X", product_id=0), "product_id must be a positive integer"),
    (lambda c: c.equipment_add(1, "X", serial_number="S" * 10001), "at most 10000"),
    (lambda c: c.reading(1, 31, "Suction pressure", float("nan")), "must be a number"),
    (lambda c: c.reading(1, 31, "Suction pressure", True), "must be a number"),
    (lambda c: c.reading(1, 31, "", 70), "needs the measurement's name or definition_id"),
    (lambda c: c.reading(1, 99, "Suction pressure", 70), "unit 99 is not a unit of WO/2026/00001"),
    (lambda c: c.reading(1, 31, None, 70, definition_id=6), "measurement 6 is not one of the job's"),
    (lambda c: c.material(1, 11, 1, equipment=99), "unit 99 is not a unit"),
    (lambda c: c.photo(1, PNG, equipment=c.note(1, "x")), "not an equipment_add"),
])
def test_what_the_server_would_refuse_is_not_queued(
    client: SyncClient, call: Any, message: str
) -> None:
    before = len(client.pending())
    with pytest.raises(InvalidOperationError, match=message):
        call(client)
    assert {op.type for op in client.pending()[before:]} <= {"note"}


def test_orders_pulled_before_equipment_leave_the_unit_to_the_server(client: SyncClient) -> None:
    """No ``equipment`` in the copy: the server is the judge of the unit."""
    assert client.reading(2, 77, "Amps", 3.2).payload == {
        "equipment_id": 77, "name": "Amps", "value": 3.2}


def test_a_server_without_equipment_operations_is_told(
    server: FakeServer, client: SyncClient
) -> None:
    server.rules["operation_types"] = OPERATIONS[:-2]
    client.push()  # reads the rules again
    with pytest.raises(InvalidOperationError, match="takes no 'equipment_add' operations"):
        client.equipment_add(1, "Walk-in cooler")
    with pytest.raises(InvalidOperationError, match="takes no 'reading' operations"):
        client.reading(1, 31, "Amps", 3.0)
    del server.rules["operation_types"]  # an older server: not told, left to it
    client.push()
    assert client.equipment_add(1, "Walk-in cooler").type == "equipment_add"


def test_cli_queues_equipment_add_and_reading(
    server: FakeServer, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.setenv("FWO_SYNC_HOME", str(tmp_path / "home"))
    monkeypatch.setenv("FWO_SYNC_PASSWORD", "s3cret")
    for var in ("FWO_SYNC_API_KEY", "FWO_SYNC_PROFILE"):
        monkeypatch.delenv(var, raising=False)
    monkeypatch.setattr(cli, "transport_factory",
                        lambda profile, secret: FakeTransport(server, password=secret))
    monkeypatch.setattr("sys.stdin", io.StringIO())
    assert cli.main(["login", "--url", "https://odoo.example.com/", "--db", "prod",
                     "--user", "tech"]) == 0
    assert cli.main(["pull"]) == 0
    assert cli.main(["queue", "equipment-add", "1", "Ice maker", "--serial", "IM-2",
                     "--product-id", "11", "--location", "Kitchen"]) == 0
    assert cli.main(["queue", "reading", "1", "31", "Suction pressure", "81.5"]) == 0
    capsys.readouterr()
    assert cli.main(["push"]) == 0
    added, reading = server.push_calls[0]
    assert (added["type"], added["payload"]) == ("equipment_add", {
        "name": "Ice maker", "serial_number": "IM-2", "product_id": 11, "location_note": "Kitchen"})
    assert (reading["type"], reading["payload"]) == ("reading", {
        "equipment_id": 31, "name": "Suction pressure", "value": 81.5})
    # The new unit named by the uuid of its operation.
    assert cli.main(["queue", "reading", "1", added["uuid"], "Amps", "3"]) == 0
    assert cli.main(["push"]) == 0
    assert server.push_calls[1][0]["payload"]["equipment_ref"] == added["uuid"]
