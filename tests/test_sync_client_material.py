"""SyncClient's material correction against the in-process fake server: what is queued and sent.

The server's side (the line's used quantity set, stock and invoice, refusals)
is in field_work_order_mobile/tests/test_sync_material_correction.py.
"""

from __future__ import annotations

import pytest

from sync_client import InvalidOperationError, SyncClient

from .test_sync_client_fake import FakeServer, pulled_client

GASKET = {"id": 21, "product_id": 41, "product_name": "Gasket", "product_uom_qty": 2,
          "quantity_used": 3, "uom": "Units", "lot": False}


@pytest.fixture
def server() -> FakeServer:
    server = FakeServer()
    server.add(1, state="in_progress", materials=[GASKET])
    return server


client = pulled_client  # the fixture: a client of this module's ``server`` that pulled once


def test_a_correction_sends_the_lines_new_total_once(server: FakeServer, client: SyncClient) -> None:
    op = client.correct_material(1, line_id=21, quantity_used=1)
    zero = client.correct_material("WO/2026/00001", 21, 0.0)
    assert (op.type, op.payload) == ("material", {"line_id": 21, "quantity_used": 1})
    assert zero.payload == {"line_id": 21, "quantity_used": 0.0}
    assert client.push().applied == 2
    assert client.push().applied == 0  # nothing left to send: each went once
    sent = [op for push in server.push_calls for op in push]
    assert [(o["type"], o["payload"]) for o in sent] == [
        ("material", {"line_id": 21, "quantity_used": 1}),
        ("material", {"line_id": 21, "quantity_used": 0.0}),
    ]


def test_a_correction_of_a_line_not_on_the_order_or_a_bad_quantity_is_not_queued(
    server: FakeServer, client: SyncClient
) -> None:
    server.rules["limits"]["max_quantity"] = 10
    client.pull()
    for queue, message in (
        (lambda: client.correct_material(1, 99, 1), r"material line 99 is not on .*line ids: 21\)"),
        (lambda: client.correct_material(1, 0, 1), "line_id must be a positive integer id, got 0"),
        (lambda: client.correct_material(1, 21, -1), "quantity_used must be a number of at least 0"),
        (lambda: client.correct_material(1, 21, float("nan")), "quantity_used must be a number"),
        (lambda: client.correct_material(1, 21, True), "quantity_used must be a number"),  # type: ignore[arg-type]
        (lambda: client.correct_material(1, 21, 11), "quantity_used 11 is more than the server takes"),
    ):
        with pytest.raises(InvalidOperationError, match=message):
            queue()
    assert client.pending() == []
