"""An in-process stand-in for the ``field.work.order`` sync API, used by the client tests.

It follows the protocol contract (cursor pages, versions, tombstones, reset,
uuid log, conflicts) and can fail in the ways a network does: refuse a call,
or apply a push and lose the response.
"""

from __future__ import annotations

import copy
from collections.abc import Mapping, Sequence
from typing import Any

import pytest

from sync_client import AuthError, TransportError

TRANSITIONS = {
    "start": ("assigned", "in_progress"),
    "hold": ("in_progress", "on_hold"),
    "resume": ("on_hold", "in_progress"),
    "complete": ("in_progress", "done"),
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

    def add(self, oid: int, state: str = "assigned", **extra: Any) -> dict[str, Any]:
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

    # -- the two RPC methods ------------------------------------------------

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
        result: dict[str, Any] = {"uuid": op["uuid"], "message": "", "current": False}
        if order is None:
            result.update(status="error", message="order not found or not yours", version=0)
        elif op["type"] in TRANSITIONS and order["state"] != TRANSITIONS[op["type"]][0]:
            result.update(
                status="conflict", version=order["version"],
                message=f"cannot {op['type']} an order in state {order['state']}",
                current={"state": order["state"], "version": order["version"]},
            )
        else:
            if op["type"] in TRANSITIONS:
                order["state"] = TRANSITIONS[op["type"]][1]
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
