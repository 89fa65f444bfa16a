"""The local SQLite store: cached orders, the pull cursor and the durable op queue.

Every write is one ``BEGIN IMMEDIATE … COMMIT`` transaction on a WAL database
with ``synchronous=FULL``, so once a method returns its change survives a
crash or a power cut, and two processes (say the CLI and an app) can share
one file.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from ._exceptions import NotFoundError

_SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (
    key TEXT PRIMARY KEY,
    value TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS orders (
    id INTEGER PRIMARY KEY,
    name TEXT NOT NULL,
    state TEXT NOT NULL,
    version INTEGER NOT NULL,
    data TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS orders_name ON orders (name);
CREATE INDEX IF NOT EXISTS orders_state ON orders (state);
CREATE TABLE IF NOT EXISTS ops (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    uuid TEXT NOT NULL UNIQUE,
    order_id INTEGER NOT NULL,
    type TEXT NOT NULL,
    payload TEXT NOT NULL,
    base_version INTEGER NOT NULL,
    at TEXT NOT NULL,
    status TEXT NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'conflict', 'error')),
    message TEXT NOT NULL DEFAULT '',
    current TEXT NOT NULL DEFAULT 'false'
);
CREATE INDEX IF NOT EXISTS ops_status ON ops (status, id);
CREATE TABLE IF NOT EXISTS results (
    uuid TEXT PRIMARY KEY,
    op_id INTEGER NOT NULL,
    order_id INTEGER NOT NULL,
    type TEXT NOT NULL,
    status TEXT NOT NULL,
    message TEXT NOT NULL,
    version INTEGER NOT NULL,
    recorded_at TEXT NOT NULL
);
"""

#: Result statuses after which an operation leaves the queue for good.
DONE_STATUSES = frozenset({"applied", "duplicate", "dropped"})

#: Payload keys naming another operation of the device by its uuid: the operation
#: waits for that one (it cannot apply before the quote or unit it names exists).
REF_KEYS = ("quote_ref", "equipment_ref")


def utc_now() -> str:
    """The wire format of timestamps: naive UTC, as Odoo stores datetimes."""
    return datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M:%S")


@dataclass(frozen=True)
class Operation:
    """One queued operation, as stored and as sent to ``sync_push``.

    ``status`` is ``pending`` while it waits to be pushed, ``conflict`` or
    ``error`` once the server refused it (then ``message`` and ``current``
    say why), until :meth:`SyncClient.resolve` decides.
    """

    id: int
    uuid: str
    order_id: int
    type: str
    payload: dict[str, Any]
    base_version: int
    at: str
    status: str = "pending"
    message: str = ""
    current: Any = field(default=False)

    @property
    def refs(self) -> set[str]:
        """The uuids of the queued operations this one names (and waits for)."""
        return {str(self.payload[key]) for key in REF_KEYS if self.payload.get(key)}

    def wire(self) -> dict[str, Any]:
        """The dict ``sync_push`` expects."""
        return {
            "uuid": self.uuid,
            "order_id": self.order_id,
            "type": self.type,
            "payload": self.payload,
            "base_version": self.base_version,
            "at": self.at,
        }


class Store:
    """A SQLite file holding one user's orders, cursor and operation queue."""

    def __init__(self, path: str | Path) -> None:
        self.path = Path(path)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self._db = sqlite3.connect(self.path, isolation_level=None, timeout=30.0)
        self._db.row_factory = sqlite3.Row
        mode = self._db.execute("PRAGMA journal_mode=WAL").fetchone()[0]
        if str(mode).lower() != "wal":
            raise OSError(f"cannot switch {self.path} to WAL mode (got {mode!r})")
        self._db.execute("PRAGMA synchronous=FULL")
        self._db.executescript(_SCHEMA)

    def close(self) -> None:
        self._db.close()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @contextmanager
    def _write(self) -> Iterator[sqlite3.Connection]:
        self._db.execute("BEGIN IMMEDIATE")
        try:
            yield self._db
        except BaseException:
            self._db.execute("ROLLBACK")
            raise
        self._db.execute("COMMIT")

    # -- metadata ---------------------------------------------------------

    def get_meta(self, key: str) -> str | None:
        row = self._db.execute("SELECT value FROM meta WHERE key = ?", (key,)).fetchone()
        return None if row is None else str(row[0])

    def set_meta(self, key: str, value: str) -> None:
        with self._write() as db:
            self._put_meta(db, key, value)

    @staticmethod
    def _put_meta(db: sqlite3.Connection, key: str, value: str | None) -> None:
        if value is None:
            db.execute("DELETE FROM meta WHERE key = ?", (key,))
        else:
            db.execute(
                "INSERT INTO meta (key, value) VALUES (?, ?) "
                "ON CONFLICT (key) DO UPDATE SET value = excluded.value",
                (key, value),
            )

    @property
    def cursor(self) -> str | None:
        """The opaque pull cursor, ``None`` before the first page."""
        return self.get_meta("cursor")

    @property
    def rules(self) -> dict[str, Any] | None:
        """The server's rules as last received (``sync_reference``), ``None`` before that.

        Kept on disk so that a client offline since then goes on checking queued
        operations against them.
        """
        text = self.get_meta("rules")
        return None if text is None else dict(json.loads(text))

    def set_rules(self, rules: Mapping[str, Any]) -> None:
        self.set_meta("rules", json.dumps(rules))  # in the server's order

    # -- orders -----------------------------------------------------------

    def apply_page(
        self, orders: Iterable[Mapping[str, Any]], removed: Iterable[int], cursor: str
    ) -> int:
        """Store one pulled page and its cursor atomically; return how many orders were kept.

        An order replaces the stored one only if its version is higher, since
        delivery is at-least-once and a page may repeat an older copy. Its
        ``history`` (past work at the address, which does not bump the
        version) is taken from every delivery.
        """
        kept = 0
        with self._write() as db:
            for order in orders:
                replaced = db.execute(
                    "INSERT INTO orders (id, name, state, version, data) VALUES (?, ?, ?, ?, ?) "
                    "ON CONFLICT (id) DO UPDATE SET name = excluded.name, "
                    "state = excluded.state, version = excluded.version, data = excluded.data "
                    "WHERE excluded.version > orders.version",
                    (
                        int(order["id"]),
                        str(order.get("name") or ""),
                        str(order.get("state") or ""),
                        int(order["version"]),
                        json.dumps(order, sort_keys=True),
                    ),
                ).rowcount
                kept += replaced
                if not replaced and "history" in order:
                    db.execute(
                        "UPDATE orders SET data = json_set(data, '$.history', json(?)) WHERE id = ?",
                        (json.dumps(order["history"]), int(order["id"])),
                    )
            db.executemany("DELETE FROM orders WHERE id = ?", [(int(i),) for i in removed])
            self._put_meta(db, "cursor", cursor)
        return kept

    def show_applied(
        self, order_id: int, version: int, state: str | None = None,
        checklist: Mapping[int, bool] | None = None,
    ) -> None:
        """Write an applied operation's effect into the cached order, keeping its version.

        Only when the cached copy is older than the server's version after the
        operation: a newer pull already shows it, or something since.
        """
        with self._write() as db:
            row = db.execute(
                "SELECT data FROM orders WHERE id = ? AND version < ?", (int(order_id), int(version))
            ).fetchone()
            if row is None:
                return
            data = json.loads(row[0])
            if state is not None:
                data["state"] = state
            for line in data.get("checklist") or ():
                if isinstance(line, dict) and checklist and int(line["id"]) in checklist:
                    line["done"] = checklist[int(line["id"])]
            db.execute(
                "UPDATE orders SET state = ?, data = ? WHERE id = ?",
                (str(data.get("state") or ""), json.dumps(data, sort_keys=True), int(order_id)),
            )

    def reset_orders(self) -> None:
        """Forget every cached order and the cursor (the queue is kept)."""
        with self._write() as db:
            db.execute("DELETE FROM orders")
            self._put_meta(db, "cursor", None)

    def order_count(self) -> int:
        return int(self._db.execute("SELECT count(*) FROM orders").fetchone()[0])

    def orders(self, state: str | None = None) -> list[dict[str, Any]]:
        sql = "SELECT data FROM orders"
        params: tuple[str, ...] = ()
        if state is not None:
            sql += " WHERE state = ?"
            params = (state,)
        rows = self._db.execute(sql + " ORDER BY name, id", params).fetchall()
        return [json.loads(row[0]) for row in rows]

    def order(self, ref: int | str) -> dict[str, Any]:
        """Find an order by id or by reference (case-insensitive), e.g. ``WO/2026/00001``."""
        row = None
        if isinstance(ref, str):
            row = self._db.execute(
                "SELECT data FROM orders WHERE name = ? COLLATE NOCASE ORDER BY id LIMIT 1",
                (ref.strip(),),
            ).fetchone()
        if row is None and (isinstance(ref, int) or ref.strip().isdigit()):
            row = self._db.execute("SELECT data FROM orders WHERE id = ?", (int(ref),)).fetchone()
        if row is None:
            raise NotFoundError(
                f"no order {ref!r} in the local store: check the reference, or pull first"
            )
        return dict(json.loads(row[0]))

    # -- operation queue --------------------------------------------------

    def enqueue(
        self,
        uuid: str,
        order_id: int,
        type: str,
        payload: Mapping[str, Any],
        base_version: int,
        at: str,
    ) -> Operation:
        """Append one operation; it is committed to disk when this returns."""
        with self._write() as db:
            op_id = db.execute(
                "INSERT INTO ops (uuid, order_id, type, payload, base_version, at) "
                "VALUES (?, ?, ?, ?, ?, ?)",
                (uuid, order_id, type, json.dumps(payload), base_version, at),
            ).lastrowid
        assert op_id is not None
        return self.operation(op_id)

    def operation(self, op_id: int) -> Operation:
        row = self._db.execute("SELECT * FROM ops WHERE id = ?", (op_id,)).fetchone()
        if row is None:
            raise NotFoundError(f"no queued operation {op_id}: list them with `fwo-sync conflicts`")
        return self._op(row)

    @staticmethod
    def _op(row: sqlite3.Row) -> Operation:
        return Operation(
            id=row["id"],
            uuid=row["uuid"],
            order_id=row["order_id"],
            type=row["type"],
            payload=json.loads(row["payload"]),
            base_version=row["base_version"],
            at=row["at"],
            status=row["status"],
            message=row["message"],
            current=json.loads(row["current"]),
        )

    def _ops(self, where: str, limit: int | None = None) -> list[Operation]:
        rows = self._db.execute(
            f"SELECT * FROM ops WHERE {where} ORDER BY id LIMIT ?", (limit or -1,)
        )
        return [self._op(row) for row in rows]

    def pending(self, limit: int | None = None, after: int = 0) -> list[Operation]:
        """Operations still to push, oldest first (those queued after op ``after``)."""
        return self._ops(f"status = 'pending' AND id > {int(after)}", limit)

    def refused_uuids(self) -> set[str]:
        """The uuids of the operations the server refused, waiting for a decision."""
        rows = self._db.execute("SELECT uuid FROM ops WHERE status IN ('conflict', 'error')")
        return {str(row[0]) for row in rows}

    def conflicts(self) -> list[Operation]:
        """Operations the server refused (``conflict`` or ``error``), oldest first."""
        return self._ops("status IN ('conflict', 'error')")

    def count(self, *statuses: str) -> int:
        marks = ",".join("?" * len(statuses))
        row = self._db.execute(f"SELECT count(*) FROM ops WHERE status IN ({marks})", statuses)
        return int(row.fetchone()[0])

    def record_results(self, outcomes: Iterable[tuple[Operation, str, str, int, Any]]) -> None:
        """Store the server's verdicts ``(op, status, message, version, current)`` atomically.

        Done operations move from the queue to ``results`` in the same
        transaction, so an operation never leaves the queue before its
        result is on disk. Refused ones stay, marked ``conflict`` or ``error``.
        """
        now = utc_now()
        with self._write() as db:
            for op, status, message, version, current in outcomes:
                if status in DONE_STATUSES:
                    db.execute(
                        "INSERT OR REPLACE INTO results "
                        "(uuid, op_id, order_id, type, status, message, version, recorded_at) "
                        "VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                        (op.uuid, op.id, op.order_id, op.type, status, message, version, now),
                    )
                    db.execute("DELETE FROM ops WHERE id = ?", (op.id,))
                else:
                    db.execute(
                        "UPDATE ops SET status = ?, message = ?, current = ? WHERE id = ?",
                        (status, message, json.dumps(current), op.id),
                    )

    def replace(self, op: Operation, uuid: str, base_version: int) -> Operation:
        """Swap a refused operation for a fresh pending copy under a new uuid.

        The server remembers every uuid, so re-sending the old one would only
        repeat its first answer; the copy goes to the end of the queue. The
        pending operations naming the old uuid (``quote_ref``, ``equipment_ref``)
        never left the device: they are moved behind the copy and name it instead.
        """
        with self._write() as db:
            db.execute("DELETE FROM ops WHERE id = ?", (op.id,))
            op_id = db.execute(
                "INSERT INTO ops (uuid, order_id, type, payload, base_version, at) "
                "VALUES (?, ?, ?, ?, ?, ?)",
                (uuid, op.order_id, op.type, json.dumps(op.payload), base_version, op.at),
            ).lastrowid
            marks = " OR ".join(f"json_extract(payload, '$.{key}') = :old" for key in REF_KEYS)
            waiting = [self._op(row) for row in db.execute(
                f"SELECT * FROM ops WHERE status = 'pending' AND ({marks}) ORDER BY id",
                {"old": op.uuid},
            )]
            for dependent in waiting:
                payload = {key: uuid if key in REF_KEYS and value == op.uuid else value
                           for key, value in dependent.payload.items()}
                db.execute("DELETE FROM ops WHERE id = ?", (dependent.id,))
                db.execute(
                    "INSERT INTO ops (uuid, order_id, type, payload, base_version, at) "
                    "VALUES (?, ?, ?, ?, ?, ?)",
                    (dependent.uuid, dependent.order_id, dependent.type, json.dumps(payload),
                     dependent.base_version, dependent.at),
                )
        assert op_id is not None
        return self.operation(op_id)

    def result(self, uuid: str) -> dict[str, Any] | None:
        """The stored outcome of a finished operation, if any."""
        row = self._db.execute("SELECT * FROM results WHERE uuid = ?", (uuid,)).fetchone()
        return None if row is None else dict(row)
