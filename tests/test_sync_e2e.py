"""The sync protocol end to end: sync_client against a live Odoo, over XML-RPC.

Each test makes its own users and orders (unique names) as admin, so the
tests run in any order on the shared server.
"""

import threading
import time
import uuid
from contextlib import closing
from datetime import datetime, timedelta, timezone

import pytest

from sync_client import SyncClient, TransportError, XmlRpcTransport

from ._orders import WIRE, make_order, make_world, read
from ._rpc import Rpc


@pytest.fixture
def admin(odoo):
    return Rpc(odoo)


@pytest.fixture
def world(admin):
    """A customer and a product for this test."""
    return make_world(admin)


@pytest.fixture
def clients(odoo, tmp_path):
    made = []

    def make(login, store="store", transport=None, **options):
        options.setdefault("sleep", lambda _seconds: None)
        transport = transport or XmlRpcTransport(odoo.url, odoo.db, login, login, timeout=60)
        client = SyncClient(transport, tmp_path / f"{login}-{store}.sqlite3", **options)
        made.append(client)
        return client

    yield make
    for client in made:
        client.close()


class LostResponse:
    """A transport whose sync_push reaches the server but whose answer never comes back."""

    def __init__(self, inner, losses=1):
        self.inner, self.losses, self.calls = inner, losses, 0

    def authenticate(self):
        return self.inner.authenticate()

    def execute_kw(self, model, method, args=(), kwargs=None):
        result = self.inner.execute_kw(model, method, args, kwargs)
        if method == "sync_push":
            self.calls += 1
            if self.losses:
                self.losses -= 1
                raise TransportError("connection reset while reading the answer")
        return result


def test_full_then_incremental_pull(admin, odoo, world, clients):
    tech_id, tech = admin.create_user("technician")
    ids = [make_order(admin, odoo, world, tech_id) for _i in range(3)]
    client = clients(tech, page_size=2)

    report = client.pull()
    assert (report.received, report.kept, report.total, report.pages) == (3, 3, 3, 2)
    assert sorted(o["id"] for o in client.orders()) == sorted(ids)
    version = client.order(ids[1])["version"]

    admin("field.work.order", "message_post", [ids[1]], body="Bring a ladder",
          message_type="comment", subtype_xmlid="mail.mt_note")
    report = client.pull()
    # Other databases' transactions can hold the cut point back, so unchanged orders may come
    # again (at-least-once); only the changed one has a higher version and is kept.
    assert report.kept == 1
    assert report.received <= 3
    order = client.order(ids[1])
    assert order["version"] > version
    assert [n["body"] for n in order["notes"]] == ["Bring a ladder"]


def test_two_technicians_see_only_their_orders(admin, odoo, world, clients):
    alice_id, alice = admin.create_user("technician")
    bob_id, bob = admin.create_user("technician")
    alices = sorted(make_order(admin, odoo, world, alice_id) for _i in range(2))
    bobs = [make_order(admin, odoo, world, bob_id)]

    for login, expected in ((alice, alices), (bob, bobs)):
        client = clients(login)
        report = client.pull()
        assert report.total == len(expected)
        assert sorted(o["id"] for o in client.orders()) == expected

    # Pushing to someone else's order is refused and changes nothing.
    messages = read(admin, "field.work.order", bobs, ["message_ids"])[0]["message_ids"]
    result = admin.models.execute_kw(
        odoo.db, alice_id, alice, "field.work.order", "sync_push", [], {"operations": [{
            "uuid": str(uuid.uuid4()), "order_id": bobs[0], "type": "note",
            "payload": {"body": "Not mine"}, "base_version": 1,
            "at": datetime.now(timezone.utc).strftime(WIRE),
        }]},
    )[0]
    assert (result["status"], result["message"]) == (
        "error", f"Work order {bobs[0]} does not exist or is not assigned to you.")
    assert read(admin, "field.work.order", bobs, ["message_ids"])[0]["message_ids"] == messages


def test_reassigned_order_shows_up_in_removed(admin, odoo, world, clients):
    alice_id, alice = admin.create_user("technician")
    bob_id, bob = admin.create_user("technician")
    moved, kept = (make_order(admin, odoo, world, alice_id) for _i in range(2))
    client = clients(alice)
    client.pull()
    assert client.status().orders == 2

    admin("field.work.order", "write", [moved], {"user_id": bob_id,
                                                  "technician_ids": [(6, 0, [bob_id])]})
    report = client.pull()
    assert report.removed == 1
    assert [o["id"] for o in client.orders()] == [kept]
    bobs = clients(bob)
    bobs.pull()
    assert [o["id"] for o in bobs.orders()] == [moved]


def test_offline_queue_then_push_keeps_device_time(admin, odoo, world, clients, tmp_path):
    tech_id, tech = admin.create_user("technician")
    order_id = make_order(admin, odoo, world, tech_id, hours_ago=5)
    clients(tech).pull()

    # Offline: the same store, a server nobody answers on. Work done 3 hours ago.
    device_time = datetime.now(timezone.utc).replace(microsecond=0) - timedelta(hours=3)
    dead = XmlRpcTransport("http://127.0.0.1:9", odoo.db, tech, tech, timeout=2)
    offline = clients(tech, transport=dead, now=lambda: device_time, max_attempts=2)
    line_id = offline.order(order_id)["checklist"][0]["id"]
    offline.start(order_id)
    offline.note(order_id, "Pump seized")
    offline.material(order_id, world["product"], 2)
    offline.checklist(order_id, line_id)
    with pytest.raises(TransportError, match="gave up after 2 attempts"):
        offline.push()
    assert offline.status().pending == 4
    offline.close()

    # Back online, a new process on the same store pushes what was queued.
    online = clients(tech)
    report = online.push()
    assert (report.sent, report.applied, report.errors, report.conflicts) == (4, 4, 0, 0)
    assert online.status().pending == 0

    order = read(admin, "field.work.order", [order_id], ["state", "date_started", "labor_ids"])[0]
    at = device_time.strftime(WIRE)
    assert (order["state"], order["date_started"]) == ("in_progress", at)
    labor = read(admin, "field.work.order.labor", order["labor_ids"], ["date_start", "user_id"])
    assert [(line["date_start"], line["user_id"][0]) for line in labor] == [(at, tech_id)]
    online.pull()
    pulled = online.order(order_id)
    assert [(n["body"], n["date"]) for n in pulled["notes"]] == [("Pump seized", at)]
    assert [(m["product_id"], m["quantity_used"]) for m in pulled["materials"]] == [
        (world["product"], 2.0)]
    assert (pulled["checklist"][0]["done"], pulled["checklist"][0]["done_on"]) == (True, at)


def test_replay_after_lost_response_applies_once(admin, odoo, world, clients):
    tech_id, tech = admin.create_user("technician")
    order_id = make_order(admin, odoo, world, tech_id)
    inner = XmlRpcTransport(odoo.url, odoo.db, tech, tech)
    lossy = LostResponse(inner)
    client = clients(tech, transport=lossy)
    client.pull()
    client.start(order_id)
    client.note(order_id, "Only once")
    client.material(order_id, world["product"], 1.5)

    report = client.push()  # first answer lost, the client retries with the same uuids
    assert lossy.calls == 2
    assert (report.applied, report.duplicate, report.errors) == (0, 3, 0)
    assert client.status().pending == 0

    order = read(admin, "field.work.order", [order_id],
                 ["state", "labor_ids", "material_ids", "message_ids"])[0]
    assert order["state"] == "in_progress"
    assert len(order["labor_ids"]) == 1
    materials = read(admin, "field.work.order.material", order["material_ids"], ["quantity_used"])
    assert [m["quantity_used"] for m in materials] == [1.5]
    notes = admin("mail.message", "search_count", [["model", "=", "field.work.order"],
                                                   ["res_id", "=", order_id],
                                                   ["message_type", "=", "comment"]])
    assert notes == 1


def wait_for_blocked_push(odoo, timeout=30):
    """Wait until Odoo's push is stuck on our row lock (seen in pg_stat_activity)."""
    deadline = time.time() + timeout
    # Not ``with conn``: psycopg2 would open a transaction, and pg_stat_activity is read once
    # per transaction.
    conn = odoo.pg()
    with closing(conn), conn.cursor() as cr:
        while time.time() < deadline:
            cr.execute(
                "SELECT query FROM pg_stat_activity WHERE datname = %s AND state = 'active' "
                "AND wait_event_type = 'Lock' AND query ILIKE '%%field_work_order%%'",
                [odoo.db],
            )
            row = cr.fetchone()
            if row:
                return row[0]
            time.sleep(0.1)
        cr.execute("SELECT state, wait_event_type, wait_event, left(query, 120) "
                   "FROM pg_stat_activity WHERE datname = %s", [odoo.db])
        activity = cr.fetchall()
    raise AssertionError(f"the push never blocked on the order's row lock: {activity}")


def test_server_killed_during_push_then_retried_applies_once(admin, odoo, world, clients,
                                                             tmp_path):
    tech_id, tech = admin.create_user("technician")
    order_id = make_order(admin, odoo, world, tech_id)
    client = clients(tech, max_attempts=1)
    client.pull()
    client.start(order_id)
    client.note(order_id, "Before the crash")
    client.material(order_id, world["product"], 3)
    device = datetime.now(timezone.utc).replace(microsecond=0)
    client.labor(order_id, device - timedelta(hours=2), device - timedelta(hours=1), "Travel")
    uuids = [op.uuid for op in client.pending()]

    lock = odoo.pg()
    lock.autocommit = False
    outcome = {}
    try:
        with lock.cursor() as cr:
            cr.execute("SELECT id FROM field_work_order WHERE id = %s FOR UPDATE", [order_id])

        def push():  # its own client on the same store: SQLite connections stay in their thread
            transport = XmlRpcTransport(odoo.url, odoo.db, tech, tech)
            try:
                with SyncClient(transport, tmp_path / f"{tech}-store.sqlite3",
                                max_attempts=1) as pusher:
                    outcome["report"] = pusher.push()
            except Exception as exc:  # noqa: BLE001 - checked below
                outcome["error"] = exc

        thread = threading.Thread(target=push)
        thread.start()
        query = wait_for_blocked_push(odoo)
        assert "field_work_order" in query
        odoo.kill()
        thread.join(30)
    finally:
        lock.rollback()
        lock.close()
        if odoo.proc.poll() is not None:
            odoo.start()
    assert isinstance(outcome.get("error"), TransportError), outcome
    assert client.status().pending == 4

    with odoo.pg() as conn, conn.cursor() as cr:  # the killed request committed nothing
        cr.execute("SELECT count(*) FROM field_work_order_sync_operation WHERE uuid = ANY(%s)",
                   [uuids])
        assert cr.fetchone()[0] == 0

    report = client.push()
    assert (report.applied, report.duplicate, report.errors) == (4, 0, 0)
    assert client.push().sent == 0

    order = read(admin, "field.work.order", [order_id],
                 ["state", "labor_ids", "material_ids"])[0]
    assert order["state"] == "in_progress"
    labor = read(admin, "field.work.order.labor", order["labor_ids"], ["description"])
    assert sorted(line["description"] or "" for line in labor) == ["", "Travel"]
    materials = read(admin, "field.work.order.material", order["material_ids"], ["quantity_used"])
    assert [m["quantity_used"] for m in materials] == [3.0]
    with odoo.pg() as conn, conn.cursor() as cr:
        cr.execute("SELECT status, count(*) FROM field_work_order_sync_operation "
                   "WHERE uuid = ANY(%s) GROUP BY status", [uuids])
        assert cr.fetchall() == [("applied", 4)]


def test_concurrent_pushes_of_one_uuid_apply_it_once(admin, odoo, world, clients):
    """Two requests with the same uuid: the second waits for the first, fails to serialize,
    is retried by Odoo and answers duplicate."""
    tech_id, tech = admin.create_user("technician")
    order_id = make_order(admin, odoo, world, tech_id)
    op = {"uuid": str(uuid.uuid4()), "order_id": order_id, "type": "note",
          "payload": {"body": "Raced"}, "base_version": 1,
          "at": datetime.now(timezone.utc).strftime(WIRE)}
    results = {}

    def push(name):
        models = odoo.xmlrpc("object")
        results[name] = models.execute_kw(odoo.db, tech_id, tech, "field.work.order",
                                          "sync_push", [], {"operations": [op]})[0]

    lock = odoo.pg()
    lock.autocommit = False
    try:
        with lock.cursor() as cr:
            cr.execute("SELECT id FROM field_work_order WHERE id = %s FOR UPDATE", [order_id])
        first = threading.Thread(target=push, args=("first",))
        first.start()
        wait_for_blocked_push(odoo)  # the first holds the uuid row, waiting on our lock
        second = threading.Thread(target=push, args=("second",))
        second.start()
        deadline = time.time() + 30
        conn = odoo.pg()
        with closing(conn), conn.cursor() as cr:
            while time.time() < deadline:  # the second waits on the first's uuid row
                cr.execute("SELECT count(*) FROM pg_stat_activity WHERE datname = %s "
                           "AND wait_event_type = 'Lock'", [odoo.db])
                if cr.fetchone()[0] >= 2:
                    break
                time.sleep(0.1)
            else:
                raise AssertionError("the second push never waited for the first")
    finally:
        lock.rollback()
        lock.close()
    first.join(60)
    second.join(60)
    assert results["first"]["status"] == "applied"
    assert (results["second"]["status"], results["second"]["first_status"]) == (
        "duplicate", "applied")
    notes = admin("mail.message", "search_count", [["model", "=", "field.work.order"],
                                                   ["res_id", "=", order_id],
                                                   ["message_type", "=", "comment"]])
    assert notes == 1
