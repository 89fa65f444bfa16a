"""``SyncClient``: pull orders into the local store, queue operations, push them."""

from __future__ import annotations

import base64
import json
import math
import time
import uuid
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Any, Literal, TypedDict

from ._exceptions import (
    ConflictError,
    InvalidOperationError,
    NotFoundError,
    ServerError,
    TooLargeError,
    TransportError,
)
from ._rules import Rules
from ._store import Operation, Store, utc_now
from ._transport import Transport

MODEL = "field.work.order"
_WIRE_DATETIME = "%Y-%m-%d %H:%M:%S"

#: Default of ``max_batch_bytes``: 4 MiB of JSON per push, half the Technician App's
#: 8 MB and far under the proxy's ``client_max_body_size`` (docs/scaling.md).
MAX_BATCH_BYTES = 4 * 1024 * 1024

#: Called as ``progress(received, total)`` after every pulled page.
Progress = Callable[[int, int], None]


@dataclass(frozen=True)
class SyncStatus:
    """What is waiting locally; ``last_pull``/``last_push`` are UTC, wire format."""

    pending: int
    conflicts: int
    orders: int
    cursor: str | None
    last_pull: str | None
    last_push: str | None

    @property
    def last_sync(self) -> str | None:
        """The most recent successful pull or push."""
        return max(filter(None, (self.last_pull, self.last_push)), default=None)


@dataclass
class PullReport:
    """What one :meth:`SyncClient.pull` did."""

    received: int = 0
    kept: int = 0
    removed: int = 0
    total: int = 0
    pages: int = 0
    reset: bool = False


@dataclass
class PushReport:
    """What one :meth:`SyncClient.push` did, and what still waits for a decision."""

    sent: int = 0
    applied: int = 0
    duplicate: int = 0
    conflicts: int = 0
    errors: int = 0
    #: Of ``errors``: operations refused as too large (HTTP 413) even when sent alone.
    too_large: int = 0
    #: Operations kept back because they name a refused one (``quote_ref``, ``equipment_ref``).
    waiting: int = 0
    #: How many ``sync_push`` calls were answered.
    batches: int = 0
    unresolved: list[Operation] = field(default_factory=list)

    def raise_for_conflicts(self) -> None:
        """Raise :class:`ConflictError` if any refused operation awaits :meth:`resolve`."""
        if self.unresolved:
            raise ConflictError(self.unresolved)


class QuoteLine(TypedDict):
    """A product and its quantity in an option of :meth:`SyncClient.quote`."""

    product_id: int
    quantity: float


class QuoteOption(TypedDict):
    """One choice of :meth:`SyncClient.quote` (e.g. Repair, Replace); the server prices it."""

    name: str
    lines: list[QuoteLine]


def _utc_text(value: datetime | str, what: str) -> str:
    """Normalise a datetime (naive means UTC) or wire string to the wire format."""
    if isinstance(value, datetime):
        if value.tzinfo is not None:
            value = value.astimezone(timezone.utc)
        return value.strftime(_WIRE_DATETIME)
    try:
        return datetime.strptime(value, _WIRE_DATETIME).strftime(_WIRE_DATETIME)
    except (TypeError, ValueError):
        raise InvalidOperationError(
            f"{what} must be a datetime or a 'YYYY-MM-DD HH:MM:SS' UTC string, got {value!r}"
        ) from None


def _json_size(value: Any) -> int:
    """Bytes of ``value`` as JSON, the way the JSON-RPC transport encodes it."""
    return len(json.dumps(value).encode())


def _no_none(value: Any) -> Any:
    """XML-RPC cannot carry None and Odoo uses False for "empty": convert throughout."""
    if value is None:
        return False
    if isinstance(value, Mapping):
        return {str(k): _no_none(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_no_none(v) for v in value]
    return value


def _positive_id(value: Any, what: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value <= 0:
        raise InvalidOperationError(f"{what} must be a positive integer id, got {value!r}")
    return value


def _max_text(text: str, what: str, rules: Rules) -> None:
    if len(text) > rules.max_text:
        raise InvalidOperationError(
            f"{what} is {len(text)} characters long; the server takes at most {rules.max_text}"
        )


def _image_b64(image: bytes | str | Path, what: str) -> str:
    """Read a file (path) or take raw bytes, and return base64 text for the wire."""
    if isinstance(image, (str, Path)):
        try:
            image = Path(image).read_bytes()
        except OSError as exc:
            raise InvalidOperationError(f"cannot read the {what} file: {exc}") from None
    if not image:
        raise InvalidOperationError(f"the {what} is empty")
    return base64.b64encode(image).decode("ascii")


class SyncClient:
    """Offline-first access to one user's field work orders.

    Reads come from the local :class:`Store`; queueing helpers only write to
    it (each operation gets its uuid and is committed before the helper
    returns); :meth:`pull` and :meth:`push` are the only calls that need the
    server, and both retry transport errors with exponential backoff.
    """

    def __init__(
        self,
        transport: Transport,
        store: Store | str | Path,
        *,
        page_size: int = 500,
        batch_size: int = 100,
        max_batch_bytes: int = MAX_BATCH_BYTES,
        max_attempts: int = 5,
        backoff: float = 0.5,
        max_backoff: float = 30.0,
        sleep: Callable[[float], None] = time.sleep,
        now: Callable[[], datetime] = lambda: datetime.now(timezone.utc),
    ) -> None:
        if min(max_attempts, page_size, batch_size, max_batch_bytes) < 1:
            raise ValueError(
                "max_attempts, page_size, batch_size and max_batch_bytes must be at least 1"
            )
        self.transport = transport
        self.store = store if isinstance(store, Store) else Store(store)
        self.page_size = page_size
        self.batch_size = batch_size
        self.max_batch_bytes = max_batch_bytes
        self.max_attempts = max_attempts
        self.backoff = backoff
        self.max_backoff = max_backoff
        self._sleep = sleep
        self._now = now

    def close(self) -> None:
        self.store.close()

    def __enter__(self) -> SyncClient:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- server calls -------------------------------------------------------

    def _call(
        self, method: str, args: Sequence[Any], kwargs: Mapping[str, Any] | None = None
    ) -> Any:
        """Call ``field.work.order.<method>``, retrying transport errors with backoff.

        Retrying is safe for both sync methods: a pull page is read-only and a
        pushed operation is applied once per uuid. They are called with keyword
        arguments only, which every transport can carry (JSON-2 has no positional ones).
        """
        attempt = 0
        while True:
            attempt += 1
            try:
                return self.transport.execute_kw(MODEL, method, args, kwargs)
            except TransportError as exc:
                if attempt >= self.max_attempts:
                    raise TransportError(
                        f"{exc} (gave up after {attempt} attempts; nothing was lost, "
                        "run it again later)"
                    ) from exc
                self._sleep(min(self.max_backoff, self.backoff * 2 ** (attempt - 1)))

    def _rules(self, refresh: bool = False) -> Rules:
        """The server's rules: as stored, or read from ``sync_reference`` (and stored).

        Read from the server when the store has none yet or on ``refresh``; an
        offline client goes on with the last ones it received.
        """
        raw = None if refresh else self.store.rules
        if raw is None:
            answer = self._call("sync_reference", [], {"limit": 1})
            rules = Rules.from_server(answer.get("rules") if isinstance(answer, Mapping) else None)
            self.store.set_rules(rules.raw)
            return rules
        return Rules.from_server(raw)

    def pull(self, progress: Progress | None = None) -> PullReport:
        """Bring the local store up to date, page by page from the stored cursor.

        The server's rules are read again first. Each page and its cursor are
        committed together, so an interrupted pull resumes where it stopped.
        ``reset`` from the server empties the cache and restarts from scratch
        (pending operations are kept).
        """
        self._rules(refresh=True)
        report = PullReport()
        cursor = self.store.cursor
        while True:
            page = self._call("sync_pull", [], {"cursor": cursor or False, "limit": self.page_size})
            orders, removed, next_cursor = self._check_page(page)
            if page["reset"]:
                self.store.reset_orders()
                if cursor is not None:
                    if report.reset:
                        raise ServerError("the server asked for a reset twice in one pull")
                    report = PullReport(reset=True)
                    cursor = None
                    continue
                report.reset = True
            report.pages += 1
            report.total = report.total or int(page["total"])
            report.kept += self.store.apply_page(orders, removed, next_cursor)
            report.received += len(orders)
            report.removed += len(removed)
            report.total = max(report.total, report.received)
            if progress is not None:
                progress(report.received, report.total)
            if not page["has_more"]:
                break
            if next_cursor == cursor:
                raise ServerError("sync_pull says has_more but did not move the cursor")
            cursor = next_cursor
        self.store.set_meta("last_pull", utc_now())
        return report

    @staticmethod
    def _check_page(page: Any) -> tuple[list[dict[str, Any]], list[int], str]:
        try:
            orders = [dict(order) for order in page["orders"]]
            removed = [int(i) for i in page["removed"]]
            cursor = page["cursor"]
            if not all(isinstance(o.get("id"), int) and isinstance(o.get("version"), int)
                       for o in orders):
                raise TypeError("an order has no integer id or version")
            if not isinstance(cursor, str) or not isinstance(page["total"], int):
                raise TypeError("cursor must be a string and total an integer")
            if not {"reset", "has_more"} <= page.keys():
                raise KeyError("reset/has_more")
        except (AttributeError, KeyError, TypeError, ValueError) as exc:
            raise ServerError(
                f"unexpected answer to sync_pull ({exc}): is the field_work_order_mobile "
                "module installed and up to date on the server?"
            ) from None
        return orders, removed, cursor

    def push(self) -> PushReport:
        """Send pending operations oldest first, in batches, and store each verdict.

        A batch holds at most ``batch_size`` operations and ``max_batch_bytes``
        of JSON; an operation larger than that goes alone. Applied and
        duplicate operations leave the queue in the same transaction that
        stores their result; conflicts and errors stay, listed by
        :meth:`conflicts`, until :meth:`resolve`, and the operations behind
        them are still sent, except those naming them (``quote_ref``,
        ``equipment_ref``), which wait with them. A batch the server or its
        proxy refuses as too large (HTTP 413) is halved and sent again; one
        operation refused so is parked as an ``error``. If a response is
        lost, the operations are still pending and are re-sent with the same
        uuid next time, which the server answers ``duplicate``. The server's
        rules are read again first, for the operations queued next.
        """
        self._rules(refresh=True)
        report = PushReport()
        waiting: set[str] = set()
        after = 0
        while candidates := self.store.pending(self.batch_size, after=after):
            batch: list[Operation] = []
            size = 2  # the brackets of the JSON list
            refused = self.store.refused_uuids()
            for op in candidates:
                op_size = _json_size(op.wire())
                if batch and size + 2 + op_size > self.max_batch_bytes:
                    break
                after = op.id
                if op.refs & (waiting | refused):
                    waiting.add(op.uuid)
                    continue
                size += op_size + (2 if batch else 0)  # ", " between items
                batch.append(op)
            self._push_batch(batch, waiting, report)
        report.waiting = len(waiting)
        self.store.set_meta("last_push", utc_now())
        report.unresolved = self.store.conflicts()
        return report

    def _push_batch(
        self, batch: list[Operation], waiting: set[str], report: PushReport
    ) -> None:
        """Send one batch; halve it on HTTP 413, park a single operation refused so."""
        blocked = waiting | self.store.refused_uuids()
        for op in batch:
            if op.refs & blocked:
                waiting.add(op.uuid)
        batch = [op for op in batch if op.uuid not in waiting]
        if not batch:
            return
        try:
            results = self._call("sync_push", [], {"operations": [op.wire() for op in batch]})
        except TooLargeError as exc:
            if len(batch) > 1:
                half = len(batch) // 2
                self._push_batch(batch[:half], waiting, report)
                self._push_batch(batch[half:], waiting, report)
                return
            results = [{"uuid": batch[0].uuid, "status": "error", "message": str(exc)}]
            report.too_large += 1
        else:
            report.batches += 1
        outcomes = self._outcomes(batch, results)
        self.store.record_results(outcomes)
        self._show_applied(outcomes)
        report.sent += len(batch)
        for _op, status, *_ in outcomes:
            if status == "applied":
                report.applied += 1
            elif status == "duplicate":
                report.duplicate += 1
            elif status == "conflict":
                report.conflicts += 1
            else:
                report.errors += 1
        if len(outcomes) < len(batch):
            raise ServerError(
                f"sync_push answered {len(outcomes)} results for {len(batch)} operations; "
                "the others stay queued"
            )

    def _show_applied(self, outcomes: Sequence[tuple[Operation, str, str, int, Any]]) -> None:
        """Show in the cached orders what the server just applied, until a pull replaces them.

        Without it, a hold queued after a pushed start would be judged against
        the copy pulled before the start, and refused offline.
        """
        rules = self._rules()
        for op, status, _message, version, _current in outcomes:
            if status != "applied":
                continue
            rule = rules.sync_transition(op.type)
            if rule is not None and rule.target:
                self.store.show_applied(op.order_id, version, state=rule.target)
            elif op.type == "checklist":
                self.store.show_applied(
                    op.order_id, version,
                    checklist={int(op.payload["line_id"]): bool(op.payload.get("done"))},
                )

    @staticmethod
    def _outcomes(
        batch: Sequence[Operation], results: Any
    ) -> list[tuple[Operation, str, str, int, Any]]:
        """Pair results with operations by uuid and normalise each verdict."""
        if not isinstance(results, list):
            raise ServerError(f"unexpected answer to sync_push: {type(results).__name__}")
        by_uuid = {r.get("uuid"): r for r in results if isinstance(r, dict)}
        outcomes = []
        for op in batch:
            result = by_uuid.get(op.uuid)
            if result is None:
                continue
            status = str(result.get("status"))
            message = str(result.get("message") or "")
            if status == "duplicate" and result.get("first_status") in ("conflict", "error"):
                # A lost response hid a refusal: keep it visible, never dropped.
                status = str(result["first_status"])
            elif status not in ("applied", "duplicate", "conflict", "error"):
                message = f"unknown result status {status!r} from the server: {message}"
                status = "error"
            version = result.get("version")
            outcomes.append(
                (op, status, message, version if isinstance(version, int) else 0,
                 result.get("current", False))
            )
        return outcomes

    # -- local reads ------------------------------------------------------------

    def orders(self, state: str | None = None) -> list[dict[str, Any]]:
        """Cached orders, by reference, optionally only those in ``state``."""
        return self.store.orders(state)

    def order(self, ref: int | str) -> dict[str, Any]:
        """One cached order by id or reference; :class:`NotFoundError` if unknown."""
        return self.store.order(ref)

    def pending(self) -> list[Operation]:
        """Operations waiting to be pushed, oldest first."""
        return self.store.pending()

    def conflicts(self) -> list[Operation]:
        """Operations the server refused, waiting for :meth:`resolve`."""
        return self.store.conflicts()

    def status(self) -> SyncStatus:
        return SyncStatus(
            pending=self.store.count("pending"),
            conflicts=self.store.count("conflict", "error"),
            orders=self.store.order_count(),
            cursor=self.store.cursor,
            last_pull=self.store.get_meta("last_pull"),
            last_push=self.store.get_meta("last_push"),
        )

    def resolve(self, op_id: int, action: Literal["retry", "drop"]) -> Operation | None:
        """Decide what to do with a refused operation.

        ``drop`` removes it (recorded as ``dropped`` in the results).
        ``retry`` queues a copy under a *new* uuid, based on the newest
        version known locally or reported by the conflict, and returns it:
        re-sending the old uuid would only get the first answer again. The
        copy keeps the original device time ``at``. Pull first so the local
        order reflects the server.
        """
        op = self.store.operation(op_id)
        if op.status == "pending":
            raise InvalidOperationError(
                f"operation {op_id} was not refused: it is still waiting to be pushed"
            )
        if action == "drop":
            self.store.record_results(
                [(op, "dropped", f"dropped by the user ({op.message})", op.base_version, False)]
            )
            return None
        if action == "retry":
            versions = [op.base_version]
            if isinstance(op.current, dict) and isinstance(op.current.get("version"), int):
                versions.append(op.current["version"])
            try:
                versions.append(int(self.store.order(op.order_id)["version"]))
            except NotFoundError:
                pass
            return self.store.replace(op, str(uuid.uuid4()), max(versions))
        raise InvalidOperationError(f"unknown resolution {action!r}: use 'retry' or 'drop'")

    # -- queueing helpers ---------------------------------------------------------

    def order_label(self, order_id: int) -> str:
        """How output names an order: its reference, or its id once it left the local store."""
        try:
            return str(self.store.order(order_id)["name"])
        except NotFoundError:
            return f"work order id {order_id} (no longer in the local store)"

    def _projected(self, cached: Mapping[str, Any], rules: Rules) -> tuple[str, dict[int, bool]]:
        """The order's state and checklist once the operations still queued for it apply."""
        state = str(cached.get("state") or "")
        checklist = {int(line["id"]): bool(line.get("done"))
                     for line in cached.get("checklist") or () if isinstance(line, dict)}
        for op in self.store.pending():
            if op.order_id != cached["id"]:
                continue
            rule = rules.sync_transition(op.type)
            if rule is not None and state in rule.sources:
                state = rule.target or state
            elif op.type == "checklist":
                checklist[int(op.payload["line_id"])] = bool(op.payload.get("done"))
        return state, checklist

    def _check_offline(
        self, cached: Mapping[str, Any], type: str, payload: Mapping[str, Any], rules: Rules
    ) -> None:
        """Refuse what the cached order already shows the server would refuse.

        Only what the local copy knows for sure, judged by the server's rules: an
        order in a state the rules do not list, or without a checklist in its copy,
        is left to the server.
        """
        name = cached.get("name") or f"work order id {cached['id']}"
        rule = rules.sync_transition(type)
        if type == "material" and "line_id" in payload and "materials" in cached:
            lines = sorted(line["id"] for line in cached["materials"])
            if payload["line_id"] not in lines:
                raise InvalidOperationError(
                    f"material line {payload['line_id']} is not on {name} (its material line "
                    f"ids: {', '.join(map(str, lines)) or 'none'}); pull first if it changed"
                )
        if rule is None and type != "checklist":
            return
        state, checklist = self._projected(cached, rules)
        if rule is None:
            if "checklist" in cached and payload["line_id"] not in checklist:
                known = ", ".join(map(str, sorted(checklist))) or "none"
                raise InvalidOperationError(
                    f"checklist line {payload['line_id']} is not on {name} "
                    f"(its checklist line ids: {known}); pull first if the checklist changed"
                )
            return
        if state in rules.states and state not in rule.sources:
            queued = "" if state == cached.get("state") else " once the queued operations apply"
            allowed = ", ".join(s.replace("_", " ") for s in rule.sources) or "no state"
            raise InvalidOperationError(
                f"cannot {type} {name}: it is {state.replace('_', ' ')}{queued} "
                f"(allowed from: {allowed}); pull first if it changed on the server"
            )
        if type == "complete" and "checklist" in cached:
            missing = [str(line.get("name")) for line in cached["checklist"]
                       if isinstance(line, dict) and line.get("required")
                       and not checklist.get(int(line["id"]))]
            if missing:
                raise InvalidOperationError(
                    f"cannot complete {name}: required checklist items are not done: "
                    f"{', '.join(missing)}"
                )

    def _enqueue(
        self, order: int | str, type: str, payload: Mapping[str, Any], rules: Rules | None = None
    ) -> Operation:
        """Check the operation against the cached order, then persist it with its uuid.

        Nothing is queued when a check fails (:class:`InvalidOperationError`); the
        operation is on disk when this returns.
        """
        cached = self.store.order(order)
        self._check_offline(cached, type, payload, rules or self._rules())
        at = self._now().astimezone(timezone.utc).strftime(_WIRE_DATETIME)
        return self.store.enqueue(
            str(uuid.uuid4()), int(cached["id"]), type, _no_none(payload),
            int(cached["version"]), at,
        )

    def transition(self, order: int | str, name: str) -> Operation:
        """Queue a state change: any transition the server's rules let a device push.

        ``start``, ``hold``, ``resume`` and ``complete`` are shortcuts; others the
        server declares (``on_my_way``, or one added later) go through here.
        """
        rules = self._rules()
        if rules.sync_transition(name) is None:
            raise InvalidOperationError(
                f"{name!r} is not a state change a device may queue (the server allows: "
                f"{', '.join(rules.sync_transitions()) or 'none'}); pull first if that changed"
            )
        return self._enqueue(order, name, {}, rules)

    def start(self, order: int | str) -> Operation:
        """Queue starting the work (labor starts at the time of this call)."""
        return self.transition(order, "start")

    def hold(self, order: int | str) -> Operation:
        return self.transition(order, "hold")

    def resume(self, order: int | str) -> Operation:
        return self.transition(order, "resume")

    def complete(self, order: int | str) -> Operation:
        return self.transition(order, "complete")

    def note(self, order: int | str, body: str) -> Operation:
        if not isinstance(body, str) or not body.strip():
            raise InvalidOperationError("a note needs some text")
        rules = self._rules()
        _max_text(body, "a note", rules)
        return self._enqueue(order, "note", {"body": body}, rules)

    def material(
        self,
        order: int | str,
        product_id: int,
        quantity: float,
        lot_name: str | None = None,
        equipment: int | str | Operation | None = None,
    ) -> Operation:
        """Queue used material; it adds to the order's line for that product.

        ``equipment``: the unit the part went into (see :meth:`reading`).
        """
        _positive_id(product_id, "product_id")
        if (isinstance(quantity, bool) or not isinstance(quantity, (int, float))
                or not math.isfinite(quantity) or quantity <= 0):
            raise InvalidOperationError(f"quantity must be a positive number, got {quantity!r}")
        rules = self._rules()
        if quantity > rules.max_quantity:
            raise InvalidOperationError(
                f"quantity {quantity!r} is more than the server takes ({rules.max_quantity:,.0f})"
            )
        payload = {"product_id": product_id, "quantity": quantity, "lot_name": lot_name or False}
        if equipment is not None:
            payload.update(self._unit_ref(order, equipment))
        return self._enqueue(order, "material", payload, rules)

    def correct_material(self, order: int | str, line_id: int, quantity_used: float) -> Operation:
        """Queue a correction: the order's material line ``line_id`` was used ``quantity_used``
        in total (not an addition; 0 when nothing was used). The server refuses it once the
        order is done."""
        _positive_id(line_id, "line_id")
        if (isinstance(quantity_used, bool) or not isinstance(quantity_used, (int, float))
                or not math.isfinite(quantity_used) or quantity_used < 0):
            raise InvalidOperationError(
                f"quantity_used must be a number of at least 0, got {quantity_used!r}"
            )
        rules = self._rules()
        if quantity_used > rules.max_quantity:
            raise InvalidOperationError(
                f"quantity_used {quantity_used!r} is more than the server takes "
                f"({rules.max_quantity:,.0f})"
            )
        payload = {"line_id": line_id, "quantity_used": quantity_used}
        return self._enqueue(order, "material", payload, rules)

    def labor(
        self,
        order: int | str,
        date_start: datetime | str,
        date_end: datetime | str,
        description: str = "",
    ) -> Operation:
        """Queue a labor line; naive datetimes are taken as UTC."""
        start = _utc_text(date_start, "date_start")
        end = _utc_text(date_end, "date_end")
        if end < start:
            raise InvalidOperationError(f"labor ends ({end}) before it starts ({start})")
        rules = self._rules()
        latest = (self._now().astimezone(timezone.utc) + rules.clock_skew).strftime(_WIRE_DATETIME)
        if end > latest:
            raise InvalidOperationError(
                f"labor cannot end in the future ({end} UTC): record it once it is done"
            )
        if not isinstance(description, str):
            raise InvalidOperationError("a labor description must be a text")
        _max_text(description, "a labor description", rules)
        payload = {"date_start": start, "date_end": end, "description": description}
        return self._enqueue(order, "labor", payload, rules)

    def photo(
        self,
        order: int | str,
        image: bytes | str | Path,
        kind: str = "other",
        equipment: int | str | Operation | None = None,
    ) -> Operation:
        """Queue a photo from a file path or raw bytes; ``kind`` is one the server lists.

        ``equipment``: the unit the photo shows (see :meth:`reading`).
        """
        rules = self._rules()
        if kind not in rules.photo_kinds:
            raise InvalidOperationError(
                f"photo kind must be one of {', '.join(rules.photo_kinds)}, got {kind!r}"
            )
        payload = {"image": _image_b64(image, "photo"), "kind": kind}
        if equipment is not None:
            payload.update(self._unit_ref(order, equipment))
        return self._enqueue(order, "photo", payload, rules)

    def signature(self, order: int | str, image: bytes | str | Path, signed_by: str) -> Operation:
        if not isinstance(signed_by, str) or not signed_by.strip():
            raise InvalidOperationError("a signature needs the signer's name")
        payload = {"image": _image_b64(image, "signature"), "signed_by": signed_by}
        return self._enqueue(order, "signature", payload)

    def checklist(self, order: int | str, line_id: int, done: bool = True) -> Operation:
        _positive_id(line_id, "line_id")
        return self._enqueue(order, "checklist", {"line_id": line_id, "done": bool(done)})

    def set_fields(self, order: int | str, fields: Mapping[str, Any]) -> Operation:
        """Queue edits of scalar fields; the server merges edits of different fields."""
        if not fields or not all(isinstance(k, str) and k for k in fields):
            raise InvalidOperationError("set_fields needs at least one field name and value")
        rules = self._rules()
        unknown = sorted(set(fields) - set(rules.set_fields))
        if unknown:
            raise InvalidOperationError(
                f"{', '.join(unknown)} cannot be set from a device "
                f"(allowed: {', '.join(rules.set_fields)})"
            )
        for name, value in fields.items():
            if value is not False and value is not None and not isinstance(value, str):
                raise InvalidOperationError(f"{name} must be a text, or false to empty it")
            if isinstance(value, str):
                _max_text(value, name, rules)
        return self._enqueue(order, "set", {"fields": dict(fields)}, rules)

    # -- quotes and payments --------------------------------------------------------

    def quote(
        self,
        order: int | str,
        options: Sequence[QuoteOption],
        note: str | None = None,
        send: bool = False,
    ) -> Operation:
        """Queue a quote of 1 to 3 options; the server prices it for the customer.

        The returned operation names the quote in :meth:`quote_approve` and
        :meth:`quote_send` before the server has given it an id (its uuid is the
        ``quote_ref``): the three can be pushed together. ``send``: offer it at once.
        """
        rules = self._rules()
        if not isinstance(options, Sequence) or not 1 <= len(options) <= rules.quote_options:
            raise InvalidOperationError(
                f"a quote offers 1 to {rules.quote_options} options, got {options!r}"
            )
        wire_options = []
        for option in options:
            name = option.get("name") if isinstance(option, Mapping) else None
            if not isinstance(name, str) or not name.strip():
                raise InvalidOperationError("each option of a quote needs a name")
            lines = option.get("lines")
            if not isinstance(lines, Sequence) or not 1 <= len(lines) <= rules.quote_lines:
                raise InvalidOperationError(
                    f"the option {name!r} needs 1 to {rules.quote_lines} lines"
                )
            wire_lines = []
            for line in lines:
                quantity = line.get("quantity", 1.0) if isinstance(line, Mapping) else None
                product_id = line.get("product_id") if isinstance(line, Mapping) else None
                _positive_id(product_id, f"a product_id of the option {name!r}")
                if (isinstance(quantity, bool) or not isinstance(quantity, (int, float))
                        or not math.isfinite(quantity) or not 0 < quantity <= rules.max_quantity):
                    raise InvalidOperationError(
                        f"the option {name!r}: a quantity must be a positive number, "
                        f"got {quantity!r}"
                    )
                wire_lines.append({"product_id": product_id, "quantity": quantity})
            wire_options.append({"name": name, "lines": wire_lines})
        if note is not None:
            if not isinstance(note, str):
                raise InvalidOperationError("a quote's note must be a text")
            _max_text(note, "a quote's note", rules)
        payload = {"options": wire_options, "note": note or False, "send": bool(send)}
        return self._enqueue(order, "quote", payload, rules)

    def _quote_ref(self, quote: int | str | Operation) -> dict[str, Any]:
        """``quote_id`` for a server id; ``quote_ref`` for a queued ``quote`` (or its uuid)."""
        if isinstance(quote, Operation):
            if quote.type != "quote":
                raise InvalidOperationError(
                    f"operation {quote.id} is a {quote.type!r} operation, not a quote"
                )
            return {"quote_ref": quote.uuid}
        if isinstance(quote, str) and quote:
            return {"quote_ref": quote}
        return {"quote_id": _positive_id(quote, "quote")}

    def quote_approve(
        self,
        order: int | str,
        quote: int | str | Operation,
        option: int | str,
        signature: bytes | str | Path,
        signer_name: str,
    ) -> Operation:
        """Queue the customer's signed choice of one option of a quote.

        ``quote``: its server id, or the :meth:`quote` operation (or its uuid) when
        made on this device. ``option``: its server id for a server quote, its
        position from 0 for a quote made here, or its name (either).
        """
        if not isinstance(signer_name, str) or not signer_name.strip():
            raise InvalidOperationError("approving a quote needs the signer's name")
        payload: dict[str, Any] = self._quote_ref(quote)
        payload.update(self._option_ref(order, payload, option))
        payload.update(signature=_image_b64(signature, "signature"), signer_name=signer_name)
        return self._enqueue(order, "quote_approve", payload)

    def _option_ref(
        self, order: int | str, ref: Mapping[str, Any], option: int | str
    ) -> dict[str, Any]:
        """``option_id`` or ``option_index`` of ``option`` (an id, a position or a name)."""
        if isinstance(option, str):
            if "quote_ref" in ref:
                queued = [op for op in self.store.pending() if op.uuid == ref["quote_ref"]]
                names = [o.get("name") for o in (queued[0].payload.get("options") or [])
                         ] if queued else []
                if option in names:
                    return {"option_index": names.index(option)}
            else:
                quotes = self.store.order(order).get("quotes") or []
                for cached in quotes:
                    if isinstance(cached, dict) and cached.get("id") == ref["quote_id"]:
                        for known in cached.get("options") or []:
                            if isinstance(known, dict) and known.get("name") == option:
                                return {"option_id": int(known["id"])}
            raise InvalidOperationError(
                f"no option named {option!r} in that quote (as known here): give its id or "
                "position, or pull first"
            )
        if isinstance(option, bool) or not isinstance(option, int):
            raise InvalidOperationError(f"option must be an id, a position or a name, got {option!r}")
        if "quote_ref" in ref:
            last = self._rules().quote_options - 1
            if not 0 <= option <= last:
                raise InvalidOperationError(
                    f"the option of a quote made here is its position, 0 to {last}, got {option!r}"
                )
            return {"option_index": option}
        return {"option_id": _positive_id(option, "option")}

    def quote_send(self, order: int | str, quote: int | str | Operation) -> Operation:
        """Queue offering a draft quote to the customer (see :meth:`quote_approve` for ``quote``)."""
        return self._enqueue(order, "quote_send", self._quote_ref(quote))

    def collect_payment(
        self, order: int | str, amount: float, method: str, reference: str = ""
    ) -> Operation:
        """Queue cash or a cheque taken on site for the order's invoice, at most what is due."""
        if (isinstance(amount, bool) or not isinstance(amount, (int, float))
                or not math.isfinite(amount) or amount <= 0):
            raise InvalidOperationError(f"amount must be a positive number, got {amount!r}")
        rules = self._rules()
        if method not in rules.payment_methods:
            raise InvalidOperationError(
                f"method must be one of {', '.join(rules.payment_methods)}, got {method!r}"
            )
        if not isinstance(reference, str):
            raise InvalidOperationError("a payment reference must be a text")
        payload = {"amount": amount, "method": method, "reference": reference}
        return self._enqueue(order, "collect_payment", payload, rules)

    # -- equipment --------------------------------------------------------------------

    def _check_takes(self, rules: Rules, op_type: str) -> None:
        if not rules.takes(op_type):
            raise InvalidOperationError(
                f"this server takes no {op_type!r} operations (it takes: "
                f"{', '.join(rules.operation_types)}): update field_work_order_mobile on it"
            )

    def equipment_add(
        self,
        order: int | str,
        name: str,
        serial_number: str | None = None,
        product_id: int | None = None,
        location_note: str | None = None,
    ) -> Operation:
        """Queue a unit found on the order's site: the customer's, at that site, on the order.

        The returned operation names the unit in :meth:`reading`, :meth:`material`
        and :meth:`photo` before the server has given it an id (its uuid is the
        ``equipment_ref``). A serial number another unit has is a conflict.
        """
        rules = self._rules()
        self._check_takes(rules, "equipment_add")
        if not isinstance(name, str) or not name.strip():
            raise InvalidOperationError("a unit needs a name (e.g. 'Rooftop condenser')")
        payload: dict[str, Any] = {"name": name}
        for key, text in (("serial_number", serial_number), ("location_note", location_note)):
            if text is not None:
                if not isinstance(text, str):
                    raise InvalidOperationError(f"{key} must be a text")
                _max_text(text, key, rules)
                payload[key] = text
        if product_id is not None:
            payload["product_id"] = _positive_id(product_id, "product_id")
        return self._enqueue(order, "equipment_add", payload, rules)

    def reading(
        self,
        order: int | str,
        equipment: int | str | Operation,
        name: str | None,
        value: float,
        definition_id: int | None = None,
    ) -> Operation:
        """Queue a measurement of one of the order's units (out of range is fine: it is flagged).

        ``equipment``: the unit's server id, or the :meth:`equipment_add` operation
        (or its uuid) when it was added here. ``definition_id``: one of the order's
        ``reading_definitions`` (its name and range are used); else ``name``, whose
        range is the job type's measurement of that name, if any.
        """
        rules = self._rules()
        self._check_takes(rules, "reading")
        if (isinstance(value, bool) or not isinstance(value, (int, float))
                or not math.isfinite(value)):
            raise InvalidOperationError(f"a reading's value must be a number, got {value!r}")
        payload: dict[str, Any] = self._unit_ref(order, equipment)
        payload["value"] = value
        if definition_id is not None:
            _positive_id(definition_id, "definition_id")
            cached = self.store.order(order)
            known = [d.get("id") for d in cached.get("reading_definitions") or ()
                     if isinstance(d, dict)]
            if "reading_definitions" in cached and definition_id not in known:
                raise InvalidOperationError(
                    f"measurement {definition_id} is not one of the job's (its measurements: "
                    f"{', '.join(map(str, known)) or 'none'}); pull first if they changed"
                )
            payload["definition_id"] = definition_id
        elif not isinstance(name, str) or not name.strip():
            raise InvalidOperationError("a reading needs the measurement's name or definition_id")
        if name is not None:
            payload["name"] = name
        return self._enqueue(order, "reading", payload, rules)

    def _unit_ref(self, order: int | str, unit: int | str | Operation) -> dict[str, Any]:
        """``equipment_id`` for a server id (a unit the cached order shows), ``equipment_ref``
        for a queued ``equipment_add`` (or its uuid)."""
        if isinstance(unit, Operation):
            if unit.type != "equipment_add":
                raise InvalidOperationError(
                    f"operation {unit.id} is a {unit.type!r} operation, not an equipment_add"
                )
            return {"equipment_ref": unit.uuid}
        if isinstance(unit, str) and unit:
            return {"equipment_ref": unit}
        unit_id = _positive_id(unit, "equipment")
        cached = self.store.order(order)
        if "equipment" in cached:
            known = sorted(int(u["id"]) for u in cached["equipment"]
                           if isinstance(u, dict) and isinstance(u.get("id"), int))
            if unit_id not in known:
                raise InvalidOperationError(
                    f"unit {unit_id} is not a unit of {cached.get('name')} nor at its site "
                    f"(its units: {', '.join(map(str, known)) or 'none'}); pull first if that "
                    "changed"
                )
        return {"equipment_id": unit_id}
