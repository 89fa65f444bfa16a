"""An in-process stand-in for the ``field.work.order`` sync API, used by the client tests.

It follows the protocol contract (cursor pages, versions, tombstones, reset,
uuid log, conflicts, the ``rules`` of ``sync_reference``, which its pushes obey
too) and can fail in the ways a network does: refuse a call, or apply a push
and lose the response.
"""

from __future__ import annotations

import copy
from collections.abc import Iterator, Mapping, Sequence
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

import pytest

from sync_client import AuthError, SyncClient, TransportError


def _state(value: str, open: bool = False, closed: bool = False) -> dict[str, Any]:
    label = value.replace("_", " ").capitalize()
    return {"value": value, "label": label, "open": open, "closed": closed,
            "working": value == "in_progress"}


def _rule(sources: list[str], to: str | bool, by: str = "worker") -> dict[str, Any]:
    return {"from": sources, "to": to, "by": by, "sync": by == "worker"}


#: What the real server publishes as ``sync_reference()["rules"]`` (its shape, as test data).
RULES: dict[str, Any] = {
    "states": [
        _state("draft", open=True), _state("scheduled", open=True),
        _state("in_progress", open=True), _state("on_hold", open=True),
        _state("done", closed=True), _state("verified", closed=True), _state("cancelled"),
    ],
    "transitions": {
        "schedule": _rule(["draft"], "scheduled", "dispatcher"),
        "start": _rule(["scheduled"], "in_progress"),
        "on_my_way": _rule(["scheduled", "on_hold"], False),
        "hold": _rule(["in_progress"], "on_hold"),
        "resume": _rule(["on_hold"], "in_progress"),
        "complete": _rule(["in_progress"], "done"),
        "verify": _rule(["done"], "verified", "dispatcher"),
        "rework": _rule(["done"], "in_progress", "dispatcher"),
        "cancel": _rule(["draft", "scheduled", "in_progress", "on_hold"], "cancelled", "dispatcher"),
        "reset_draft": _rule(["cancelled"], "draft", "dispatcher"),
    },
    "set_fields": ["unit_number", "access_instructions", "site_contact_name", "site_contact_phone"],
    "photo_kinds": ["before", "after", "other"],
    "payment_methods": ["cash", "cheque"],
    "limits": {"max_text": 10000, "max_push": 500, "max_quantity": 1e9, "photo_max_mb": 10,
               "clock_skew_seconds": 300, "quote_options": 3, "quote_lines": 50},
}


class FakeServer:
    def __init__(self, password: str = "s3cret") -> None:
        self.password = password
        self.orders: dict[int, dict[str, Any]] = {}
        self.seq = 0
        self.changed: dict[int, int] = {}  # order id -> seq of its last change
        self.tombstones: dict[int, int] = {}  # order id -> seq of its removal
        self.uuid_log: dict[str, dict[str, Any]] = {}
        self.applied: list[dict[str, Any]] = []
        self.push_calls: list[list[dict[str, Any]]] = []
        self.pull_calls: list[Any] = []
        self.replay: list[dict[str, Any]] = []  # stale copies to re-deliver on the next page
        self.reset_next = False
        self.fail_next = 0  # refuse this many calls with TransportError
        self.lose_next = 0  # apply this many pushes, then lose their response
        self.rules = copy.deepcopy(RULES)  # change it to change the server's rules

    def add(self, oid: int, state: str = "scheduled", **extra: Any) -> dict[str, Any]:
        order = {
            "id": oid, "name": f"WO/2026/{oid:05d}", "state": state, "version": 1,
            "partner_id": [7, "Acme Corp"], "notes": [], "materials": [], **extra,
        }
        self.orders[oid] = order
        self._touch(oid)
        return order

    def _touch(self, oid: int) -> None:
        self.seq += 1
        self.changed[oid] = self.seq
        self.tombstones.pop(oid, None)

    def change(self, oid: int, **values: Any) -> None:
        self.orders[oid].update(values)
        self.orders[oid]["version"] += 1
        self._touch(oid)

    def remove(self, oid: int) -> None:
        del self.orders[oid]
        del self.changed[oid]
        self.seq += 1
        self.tombstones[oid] = self.seq

    # -- the RPC methods ------------------------------------------------------

    def sync_reference(self, after_id: Any = False, limit: int = 1000) -> dict[str, Any]:
        """No products, van or job types: only the rules matter to the client."""
        return {"products": [], "has_more": False, "after_id": after_id, "van": False,
                "stock": [], "lots": [], "job_types": [], "checklist_templates": [],
                "settings": {"signature_required": False, "photo_max_mb": 10},
                "rules": copy.deepcopy(self.rules)}

    def sync_pull(self, cursor: Any = False, limit: int = 200) -> dict[str, Any]:
        self.pull_calls.append(cursor)
        if self.reset_next and cursor:
            self.reset_next = False
            return {"cursor": "", "has_more": False, "total": 0, "reset": True,
                    "orders": [], "removed": []}
        after = int(cursor or 0)
        events = sorted(
            [(s, "order", i) for i, s in self.changed.items() if s > after]
            + [(s, "removed", i) for i, s in self.tombstones.items() if s > after and cursor]
        )
        page, rest = events[:limit], events[limit:]
        orders = [copy.deepcopy(self.orders[i]) for _s, kind, i in page if kind == "order"]
        orders = self.replay + orders
        self.replay = []
        return {
            "cursor": str(page[-1][0] if rest else self.seq),
            "has_more": bool(rest),
            "total": sum(1 for _s, kind, _i in events if kind == "order"),
            "reset": False,
            "orders": orders,
            "removed": [i for _s, kind, i in page if kind == "removed"],
        }

    def sync_push(self, operations: Sequence[Mapping[str, Any]]) -> list[dict[str, Any]]:
        self.push_calls.append([dict(op) for op in operations])
        return [self._apply(op) for op in operations]

    def _apply(self, op: Mapping[str, Any]) -> dict[str, Any]:
        first = self.uuid_log.get(op["uuid"])
        if first is not None:
            return {**first, "status": "duplicate", "first_status": first["status"]}
        order = self.orders.get(op["order_id"])
        rule = self.rules["transitions"].get(op["type"])
        result: dict[str, Any] = {"uuid": op["uuid"], "message": "", "current": False}
        if order is None:
            result.update(status="error", message="order not found or not yours", version=0)
        elif rule is not None and order["state"] not in rule["from"]:
            result.update(
                status="conflict", version=order["version"],
                message=f"cannot {op['type']} an order in state {order['state']}",
                current={"state": order["state"], "version": order["version"]},
            )
        else:
            if rule is not None:
                order["state"] = rule["to"] or order["state"]
            elif op["type"] == "note":
                order["notes"].append(op["payload"]["body"])
            elif op["type"] == "set":
                order.update(op["payload"]["fields"])
            order["version"] += 1
            self._touch(order["id"])
            self.applied.append(dict(op))
            result.update(status="applied", version=order["version"])
        self.uuid_log[op["uuid"]] = result
        return dict(result)

    def applied_uuids(self) -> list[str]:
        return [op["uuid"] for op in self.applied]


class FakeTransport:
    """Implements :class:`sync_client.Transport` on top of a :class:`FakeServer`."""

    def __init__(self, server: FakeServer, password: str | None = None) -> None:
        self.server = server
        self.password = server.password if password is None else password
        self.calls: list[str] = []

    def authenticate(self) -> int:
        if self.password != self.server.password:
            raise AuthError("the fake server refused login tech: check the password")
        return 2

    def execute_kw(
        self,
        model: str,
        method: str,
        args: Sequence[Any] = (),
        kwargs: Mapping[str, Any] | None = None,
    ) -> Any:
        assert model == "field.work.order"
        self.calls.append(method)
        if self.server.fail_next:
            self.server.fail_next -= 1
            raise TransportError("cannot reach the fake server: Connection refused")
        self.authenticate()
        result = getattr(self.server, method)(*args, **(kwargs or {}))
        if method == "sync_push" and self.server.lose_next:
            self.server.lose_next -= 1
            raise TransportError("the fake server applied the push, then the connection dropped")
        return result


@pytest.fixture
def pulled_client(server: FakeServer, tmp_path: Path) -> Iterator[SyncClient]:
    """A client of the test module's fake ``server`` that pulled once, at a fixed time and
    without waiting or retrying (the modules that use it name it ``client``)."""
    client = SyncClient(FakeTransport(server), tmp_path / "store.sqlite3",
                        now=lambda: datetime(2026, 3, 1, 9, 0, 0, tzinfo=timezone.utc),
                        sleep=lambda _s: None, max_attempts=1)
    client.pull()
    yield client
    client.close()


def test_fake_pages_follow_the_cursor() -> None:
    server = FakeServer()
    for oid in (1, 2, 3):
        server.add(oid)
    first = server.sync_pull(False, limit=2)
    assert [o["id"] for o in first["orders"]] == [1, 2] and first["has_more"]
    second = server.sync_pull(first["cursor"], limit=2)
    assert [o["id"] for o in second["orders"]] == [3] and not second["has_more"]


def test_fake_transport_refuses_a_wrong_password() -> None:
    with pytest.raises(AuthError):
        FakeTransport(FakeServer(), password="nope").authenticate()
