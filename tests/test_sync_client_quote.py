"""SyncClient's quotes and payments against the in-process fake server: what is queued and sent.

The server's side (prices, approval, exactly once) is in
field_work_order_mobile/tests/test_sync_quote.py and tests/test_sync_quote_live.py.
"""

from __future__ import annotations

import base64
from typing import Any

import pytest

from sync_client import InvalidOperationError, QuoteOption, SyncClient, TransportError

from .test_sync_client_fake import FakeServer, pulled_client

PNG = b"\x89PNG fake signature"
OPTIONS: list[QuoteOption] = [
    {"name": "Repair", "lines": [{"product_id": 11, "quantity": 1}]},
    {"name": "Replace", "lines": [{"product_id": 12, "quantity": 1}, {"product_id": 11, "quantity": 2}]},
]


@pytest.fixture
def server() -> FakeServer:
    server = FakeServer()
    server.add(1, state="in_progress")
    server.add(2, state="in_progress", quotes=[{
        "id": 40, "name": "Quote 1 for WO/2026/00002", "state": "sent",
        "options": [{"id": 401, "name": "Repair"}, {"id": 402, "name": "Replace"}],
    }])
    return server


client = pulled_client  # the fixture: a client of this module's ``server`` that pulled once


def test_a_quote_made_here_is_approved_and_sent_in_the_same_push(
    server: FakeServer, client: SyncClient
) -> None:
    quote = client.quote(1, OPTIONS, note="Corroded valve")
    approve = client.quote_approve(1, quote, "Replace", PNG, "Casey Client")
    send = client.quote_send(1, quote.uuid)
    assert quote.payload == {"options": OPTIONS, "note": "Corroded valve", "send": False}
    assert approve.payload == {
        "quote_ref": quote.uuid, "option_index": 1, "signer_name": "Casey Client",
        "signature": base64.b64encode(PNG).decode(),
    }
    assert send.payload == {"quote_ref": quote.uuid}
    # A lost answer: pushed again with the same uuids, applied once.
    server.lose_next = 1
    with pytest.raises(TransportError):
        client.push()
    report = client.push()
    assert (report.applied, report.duplicate) == (0, 3)
    assert server.applied_uuids() == [quote.uuid, approve.uuid, send.uuid]
    assert [op["type"] for op in server.push_calls[0]] == ["quote", "quote_approve", "quote_send"]


def test_a_server_quote_is_named_by_its_ids_or_its_option_names(client: SyncClient) -> None:
    by_name = client.quote_approve(2, 40, "Replace", PNG, "Casey")
    by_id = client.quote_approve(2, 40, 401, PNG, "Casey")
    assert (by_name.payload["quote_id"], by_name.payload["option_id"]) == (40, 402)
    assert (by_id.payload["quote_id"], by_id.payload["option_id"]) == (40, 401)
    assert client.quote_send(2, 40).payload == {"quote_id": 40}


def test_collect_payment_follows_the_servers_methods(
    server: FakeServer, client: SyncClient
) -> None:
    op = client.collect_payment(1, 125.5, "cheque", "CHQ 0042")
    assert (op.type, op.payload) == (
        "collect_payment", {"amount": 125.5, "method": "cheque", "reference": "CHQ 0042"})
    with pytest.raises(InvalidOperationError, match="method must be one of cash, cheque"):
        client.collect_payment(1, 10, "card")
    server.rules["payment_methods"] = ["cash", "cheque", "card"]
    client.push()  # reads the rules again
    assert client.collect_payment(1, 10, "card").payload["method"] == "card"


@pytest.mark.parametrize(("call", "message"), [
    (lambda c: c.quote(1, OPTIONS * 2), "1 to 3 options"),
    (lambda c: c.quote(1, [{"name": " ", "lines": [{"product_id": 1, "quantity": 1}]}]),
     "needs a name"),
    (lambda c: c.quote(1, [{"name": "Fix", "lines": []}]), "Fix' needs 1 to 50 lines"),
    (lambda c: c.quote(1, [{"name": "Fix", "lines": [{"product_id": 0, "quantity": 1}]}]),
     "product_id"),
    (lambda c: c.quote(1, [{"name": "Fix", "lines": [{"product_id": 3, "quantity": -1}]}]),
     "positive number"),
    (lambda c: c.quote_approve(2, 40, "Overhaul", PNG, "Casey"), "no option named 'Overhaul'"),
    (lambda c: c.quote_approve(2, c.quote(1, OPTIONS), 3, PNG, "Casey"), "position, 0 to 2"),
    (lambda c: c.quote_approve(2, 40, 401, PNG, " "), "signer's name"),
    (lambda c: c.quote_approve(2, 40, 401, b"", "Casey"), "signature is empty"),
    (lambda c: c.quote_send(2, c.note(2, "hello")), "not a quote"),
    (lambda c: c.collect_payment(1, 0, "cash"), "positive number"),
    (lambda c: c.collect_payment(1, float("nan"), "cash"), "positive number"),
])
def test_what_the_server_would_refuse_is_not_queued(
    client: SyncClient, call: Any, message: str
) -> None:
    before = len(client.pending())
    with pytest.raises(InvalidOperationError, match=message):
        call(client)
    queued = {op.type for op in client.pending()[before:]}
    assert queued <= {"quote", "note"}  # only what the case queued on purpose first
