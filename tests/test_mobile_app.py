"""The technician app at /field-service in a phone-sized Chromium against a real Odoo.

These tests stop and start Odoo, so they run on a server of their own on the
test database (conftest.py's ``app_server``, shared with
test_mobile_app_equipment.py; the session-wide ``odoo`` server stays up for
the other tests), always on the same port: the service worker, its cache and the app's
IndexedDB belong to the origin. Each test logs in a technician made for it
in a fresh browser context (its own cookies, cache and IndexedDB).
"""

import base64
import io
import json
import time
import uuid
from urllib.parse import parse_qs, urlparse
from urllib.request import Request, urlopen

import pytest
from PIL import Image
from playwright.sync_api import expect

from ._browser import login
from ._orders import make_order, make_world, read
from ._rpc import Rpc

APP = "**/field-service"
PHONE = {"viewport": {"width": 360, "height": 640}, "has_touch": True, "is_mobile": True}
STORE = "odoo.__WOWL_DEBUG__.root.store"
QUEUED = f"""() => {STORE}.queue.operations.map(
    (o) => ({{seq: o.seq, uuid: o.uuid, type: o.type, at: o.at, status: o.status,
              message: o.message}}))"""


@pytest.fixture
def odoo_app(app_server):
    """The app's server (conftest.py), up at the start of each test and again after it."""
    if app_server.proc.poll() is not None:
        app_server.start()
    yield app_server
    if app_server.proc.poll() is not None:
        app_server.start()


@pytest.fixture
def phone(phone_browser, request, tmp_path):
    """Makes phone-sized touch browser contexts, closed at the end of the test. When the test
    failed, each page's console and a screenshot are kept (printed in the test's report)."""
    contexts, console = [], []
    failed_before = request.session.testsfailed

    def watch(page):
        page.on("console", lambda m: console.append(f"{page.url} {m.type}: {m.text}"))
        page.on("pageerror", lambda e: console.append(f"{page.url} page error: {e}"))

    def new():
        context = phone_browser.new_context(**PHONE)
        context.set_default_timeout(20000)
        context.on("page", watch)
        contexts.append(context)
        return context

    yield new
    if request.session.testsfailed > failed_before:
        for number, page in enumerate(p for c in contexts for p in c.pages):
            path = tmp_path / f"page-{number}.png"
            page.screenshot(path=path)
            print(f"screenshot of {page.url}: {path}")
        print("\n".join(console))
    for context in contexts:
        context.close()


@pytest.fixture
def admin(odoo_app):
    return Rpc(odoo_app)


@pytest.fixture
def world(admin):
    return make_world(admin)


def technician_with_order(admin, odoo, world, **vals):
    tech_id, tech = admin.create_user("technician")
    order_id = make_order(admin, odoo, world, tech_id, **vals)
    name = read(admin, "field.work.order", [order_id], ["name"])[0]["name"]
    return tech_id, tech, order_id, name


def open_app(context, odoo, tech):
    """Logs ``tech`` in on /web/login: technicians land on the app, which syncs."""
    page = context.new_page()
    login(page, odoo.url, tech, tech, landing=APP)
    wait_synced(page)
    return page


def wait_synced(page, timeout=30000):
    """The app loaded its IndexedDB and finished a sync with the server."""
    page.wait_for_function(
        f"() => window.odoo?.__WOWL_DEBUG__?.root?.store?.state.ready "
        f"&& {STORE}.state.lastSync && !{STORE}.state.syncing && !{STORE}.running",
        timeout=timeout)


def queued(page):
    return page.evaluate(QUEUED)


def wait_queued(page, count):
    page.wait_for_function(f"() => {STORE}.queue.operations.length === {count}")
    return queued(page)


def wait_pending(page, count, timeout=30000):
    page.wait_for_function(f"() => {STORE}.state.pending === {count} && !{STORE}.running",
                           timeout=timeout)


def wait_offline_ready(page, timeout=30):
    """The service worker controls the page and its cache holds the shell, every asset and the
    signature pad's fonts (the app stores them last, after its first sync)."""
    page.wait_for_function("() => navigator.serviceWorker.controller !== null",
                           timeout=timeout * 1000)
    deadline = time.time() + timeout
    missing = ["?"]
    while time.time() < deadline:
        missing = page.evaluate("""async () => {
            // The app's URL and cache, as the server names them (its session info).
            const app = odoo.loader.modules.get("@web/session").session.fwo_app;
            const cache = await caches.open(app.cache);
            const wanted = [app.url, ...performance.getEntriesByType("resource")
                .map((e) => new URL(e.name))
                .filter((u) => u.origin === location.origin && u.pathname.startsWith("/web/assets/"))
                .map((u) => u.pathname + u.search), "/web/sign/get_fonts/?fwo-post"];
            const missing = [];
            for (const url of wanted) {
                if (!(await cache.match(url))) missing.push(url);
            }
            return missing;
        }""")
        if not missing:
            return
        time.sleep(0.3)
    raise AssertionError(f"not cached for offline use: {missing}")


def open_job(page, name):
    page.locator(".o_fwo_job_card", has_text=name).click()
    expect(page.locator(".o_fwo_job .o_fwo_job_ref")).to_have_text(name)


def add_note(page, body):
    page.fill(".o_fwo_note_input", body)
    page.click(".o_fwo_add_note")
    expect(page.locator(".o_fwo_note", has_text=body)).to_be_visible()


def add_photo(page, path):
    thumbs = page.locator(".o_fwo_thumb").count()
    page.set_input_files(".o_fwo_photo_input", str(path))
    expect(page.locator(".o_fwo_thumb")).to_have_count(thumbs + 1)


def add_material(page, search, more=0):
    page.click(".o_fwo_add_material")
    page.fill(".o_fwo_product_search", search)
    expect(page.locator(".o_fwo_product")).to_have_count(1)
    page.click(".o_fwo_product")
    for _i in range(more):
        page.click(".o_fwo_plus")
    expect(page.locator(".o_fwo_quantity")).to_have_value(str(1 + more))
    page.click(".o_fwo_material_add")
    expect(page.locator(".modal")).to_have_count(0)


def tick(page, item):
    box = page.locator(".o_fwo_check", has_text=item).locator("input")
    box.click()
    expect(box).to_be_checked()


def complete(page):
    expect(page.locator(".o_fwo_next_step")).to_have_text("Complete")
    page.click(".o_fwo_next_step")
    page.click(".o_fwo_complete_confirm")
    expect(page.locator(".o_fwo_completed")).to_be_visible()


def log_pushes(page):
    """Every sync_push the server answered: its uuids, and the statuses or the error name."""
    answered = []

    def on_response(response):
        if response.url.endswith("/sync_push"):
            operations = response.request.post_data_json["params"]["kwargs"]["operations"]
            body = response.json()
            answered.append({
                "uuids": [op["uuid"] for op in operations],
                "answer": [r["status"] for r in body["result"]] if "result" in body
                else body["error"]["data"]["name"],
            })

    page.on("response", on_response)
    return answered


def record_pushes(page):
    """(url, body, statuses) of every push the server answered without an error."""
    pushed = []
    page.on("response", lambda r: r.url.endswith("/sync_push") and r.ok and pushed.append(
        (r.url, r.request.post_data, [x["status"] for x in r.json()["result"]])))
    return pushed


def push_back_online_then_again(page, odoo, pushed, uuids):
    """Back online the queue goes in one push, every operation applied; the same push sent
    again from the same phone and session (an answer lost on the way back) is answered
    duplicate for each operation."""
    odoo.start()
    page.click(".o_fwo_sync_button")
    wait_pending(page, 0, timeout=60000)
    assert queued(page) == []
    assert [([op["uuid"] for op in json.loads(body)["params"]["kwargs"]["operations"]], statuses)
            for _url, body, statuses in pushed] == [(uuids, ["applied"] * len(uuids))]
    url, body, _statuses = pushed[0]
    again = page.evaluate("""async ([url, body]) => (await fetch(url, {
        method: "POST", headers: {"Content-Type": "application/json"}, body})).json()""",
                          [url, body])
    assert [(r["uuid"], r["status"], r["first_status"]) for r in again["result"]] == [
        (u, "duplicate", "applied") for u in uuids]


def sync_log(admin, uuids):
    rows = admin("field.work.order.sync.operation", "search_read", [["uuid", "in", uuids]],
                 fields=["uuid", "type", "status", "message", "at", "user_id", "order_id"])
    return sorted(rows, key=lambda r: uuids.index(r["uuid"]))


def notes_of(admin, order_id):
    return admin("mail.message", "search_read", [["model", "=", "field.work.order"],
                                                 ["res_id", "=", order_id],
                                                 ["message_type", "=", "comment"]],
                 fields=["body", "date"])


def jpeg(path, size):
    Image.new("RGB", size, (200, 120, 40)).save(path, "JPEG", quality=90)
    return path


def van_with(admin, tech_id, product_id, quantity):
    """Gives the technician a van holding ``quantity`` of the product."""
    admin("res.users", "action_fwo_create_van", [tech_id])
    van = read(admin, "res.users", [tech_id], ["fwo_van_location_id"])[0]["fwo_van_location_id"][0]
    quant = admin("stock.quant", "create", {
        "product_id": product_id, "location_id": van, "inventory_quantity": quantity,
    }, context={"inventory_mode": True})
    # Over JSON-RPC: the method returns None, which XML-RPC cannot carry back.
    json_rpc(admin, "stock.quant", "action_apply_inventory", [quant],
             context={"inventory_mode": True})
    return van


def json_rpc(admin, model, method, *args, **kwargs):
    body = json.dumps({"jsonrpc": "2.0", "method": "call", "params": {
        "service": "object", "method": "execute_kw",
        "args": [admin.odoo.db, admin.uid, admin.password, model, method, list(args), kwargs],
    }}).encode()
    request = Request(f"{admin.odoo.url}/jsonrpc", body, {"Content-Type": "application/json"})
    with urlopen(request, timeout=60) as response:
        answer = json.load(response)
    if "error" in answer:
        raise AssertionError(answer["error"])
    return answer.get("result")  # absent when the method returned None


def van_quantity(admin, van, product_id):
    quants = admin("stock.quant", "search_read", [["location_id", "=", van],
                                                  ["product_id", "=", product_id]],
                   fields=["quantity"])
    return sum(q["quantity"] for q in quants)


def test_offline_day_then_reconnect_applies_each_operation_once(odoo_app, admin, world, phone,
                                                                 tmp_path):
    tag = uuid.uuid4().hex[:8]
    tech_id, tech = admin.create_user("technician")
    product = admin("product.product", "create", {
        "name": f"Filter {tag}", "type": "consu", "is_storable": True})
    van = van_with(admin, tech_id, product, 10)
    order_id = make_order(admin, odoo_app, world, tech_id, checklist=(
        {"name": "Isolate power", "required": True}, "Clean the vents"),
        material_ids=[(0, 0, {"product_id": product, "product_uom_qty": 1})])
    order = read(admin, "field.work.order", [order_id],
                 ["name", "material_ids", "checklist_ids", "location_id"])[0]
    assert order["location_id"][0] == van
    required = [line["id"] for line in read(admin, "field.work.order.checklist.line",
                                            order["checklist_ids"], ["required"])
                if line["required"]]

    context = phone()
    page = open_app(context, odoo_app, tech)
    wait_offline_ready(page)
    expect(page.locator(".o_fwo_job_card")).to_have_count(1)

    odoo_app.stop()
    open_job(page, order["name"])
    page.click(".o_fwo_next_step")  # Start
    expect(page.locator(".o_fwo_hold")).to_be_visible()
    page.wait_for_timeout(1100)  # device times have whole seconds: completion comes a second later
    add_note(page, f"Replaced the filter {tag}")
    add_photo(page, jpeg(tmp_path / "site.jpg", (3000, 2000)))
    add_material(page, f"Filter {tag}", more=1)
    tick(page, "Isolate power")
    complete(page)
    expect(page.locator(".o_fwo_connection")).to_have_text("Offline")
    ops = wait_queued(page, 6)
    assert [(op["type"], op["status"]) for op in ops] == [
        ("start", "pending"), ("note", "pending"), ("photo", "pending"),
        ("material", "pending"), ("checklist", "pending"), ("complete", "pending")]
    at = {op["type"]: op["at"] for op in ops}
    assert at["complete"] > at["start"]

    # The photo was downscaled on the phone before it was queued.
    image = page.evaluate(f"() => {STORE}.queue.operations.find((o) => o.type === 'photo')"
                          ".payload.image")
    with Image.open(io.BytesIO(base64.b64decode(image))) as photo:
        assert (photo.format, photo.size) == ("JPEG", (1920, 1280))

    # Reloaded with the server still down: the shell comes from the service worker's cache,
    # the queue from IndexedDB.
    page.reload()
    page.wait_for_function("() => window.odoo?.__WOWL_DEBUG__?.root?.store?.state.ready")
    expect(page.locator(".o_fwo_connection")).to_have_text("Offline")
    expect(page.locator(".o_fwo_pending")).to_have_text("6 pending")
    assert queued(page) == ops
    # Still on that job (#job=<id>), shown done from the queued operations.
    expect(page.locator(".o_fwo_job .o_fwo_job_ref")).to_have_text(order["name"])
    expect(page.locator(".o_fwo_completed")).to_be_visible()

    odoo_app.start()
    page.click(".o_fwo_sync_button")
    wait_pending(page, 0, timeout=60000)
    expect(page.locator(".o_fwo_connection")).to_have_text("Online")
    expect(page.locator(".o_fwo_pending")).to_have_text("0 pending")
    assert queued(page) == []

    done = read(admin, "field.work.order", [order_id], [
        "state", "date_started", "date_completed", "labor_ids", "photo_ids", "material_ids",
        "checklist_ids"])[0]
    assert (done["state"], done["date_started"], done["date_completed"]) == (
        "done", at["start"], at["complete"])
    assert [n["body"] for n in notes_of(admin, order_id)] == [f"<p>Replaced the filter {tag}</p>"]
    photos = read(admin, "field.work.order.photo", done["photo_ids"], ["taken_on", "kind"])
    assert [(p["taken_on"], p["kind"]) for p in photos] == [(at["photo"], "before")]
    materials = read(admin, "field.work.order.material", done["material_ids"],
                     ["product_id", "product_uom_qty", "quantity_used"])
    assert done["material_ids"] == order["material_ids"]
    assert [(m["product_id"][0], m["product_uom_qty"], m["quantity_used"]) for m in materials] == [
        (product, 1.0, 2.0)]
    assert van_quantity(admin, van, product) == 8.0  # consumed once, at completion
    checklist = read(admin, "field.work.order.checklist.line", done["checklist_ids"],
                     ["done", "done_on", "done_by"])
    assert [(c["id"], c["done"], c["done_on"], c["done_by"][0]) for c in checklist
            if c["done"]] == [(required[0], True, at["checklist"], tech_id)]
    assert len(checklist) == 2
    labor = read(admin, "field.work.order.labor", done["labor_ids"],
                 ["user_id", "date_start", "date_end"])
    assert [(line["user_id"][0], line["date_start"], line["date_end"]) for line in labor] == [
        (tech_id, at["start"], at["complete"])]
    log = sync_log(admin, [op["uuid"] for op in ops])
    assert [(r["uuid"], r["type"], r["status"], r["at"], r["user_id"][0], r["order_id"])
            for r in log] == [(op["uuid"], op["type"], "applied", op["at"], tech_id, order_id)
                              for op in ops]


def test_push_cut_off_midway_is_resent_and_answered_duplicate(odoo_app, admin, world, phone):
    tag = uuid.uuid4().hex[:8]
    tech_id, tech, order_id, name = technician_with_order(admin, odoo_app, world)
    admin("product.product", "write", [world["product"]], {"name": f"Gasket {tag}"})
    context = phone()
    page = open_app(context, odoo_app, tech)
    pushes = []
    network = {"up": True}

    def cut_first(route):
        if not network["up"]:  # the emulated offline phone does not stop routed requests
            route.abort("internetdisconnected")
            return
        response = route.fetch()  # the server applies and commits the push...
        operations = route.request.post_data_json["params"]["kwargs"]["operations"]
        pushes.append({"uuids": [op["uuid"] for op in operations],
                       "results": response.json()["result"]})
        if len(pushes) == 1:
            route.abort("connectionreset")  # ...and the phone never gets the answer
        else:
            route.fulfill(response=response)

    page.route("**/sync_push", cut_first)
    # Three actions without network, so that the cut push carries all three at once.
    open_job(page, name)
    network["up"] = False
    context.set_offline(True)
    page.click(".o_fwo_next_step")
    expect(page.locator(".o_fwo_hold")).to_be_visible()
    add_note(page, f"Cut off {tag}")
    add_material(page, f"Gasket {tag}")
    ops = wait_queued(page, 3)
    uuids = [op["uuid"] for op in ops]
    assert pushes == []

    network["up"] = True
    context.set_offline(False)  # the app syncs when the phone is back online, then retries
    wait_pending(page, 0, timeout=60000)
    assert len(pushes) == 2
    assert pushes[0]["uuids"] == uuids
    assert [r["status"] for r in pushes[0]["results"]] == ["applied"] * 3
    assert pushes[1]["uuids"] == uuids
    assert [(r["status"], r["first_status"]) for r in pushes[1]["results"]] == [
        ("duplicate", "applied")] * 3
    assert queued(page) == []
    expect(page.locator(".o_fwo_failed")).to_have_count(0)

    order = read(admin, "field.work.order", [order_id],
                 ["state", "date_started", "labor_ids", "material_ids"])[0]
    assert (order["state"], order["date_started"]) == ("in_progress", ops[0]["at"])
    assert len(order["labor_ids"]) == 1
    assert [n["body"] for n in notes_of(admin, order_id)] == [f"<p>Cut off {tag}</p>"]
    materials = read(admin, "field.work.order.material", order["material_ids"],
                     ["product_id", "quantity_used"])
    assert [(m["product_id"][0], m["quantity_used"]) for m in materials] == [
        (world["product"], 1.0)]
    assert [(r["uuid"], r["status"]) for r in sync_log(admin, uuids)] == [
        (u, "applied") for u in uuids]


def test_session_expired_offline_keeps_queue_then_pushes_after_login(odoo_app, admin, world,
                                                                     phone):
    tag = uuid.uuid4().hex[:8]
    tech_id, tech, order_id, name = technician_with_order(admin, odoo_app, world)
    context = phone()
    page = open_app(context, odoo_app, tech)
    sent = log_pushes(page)
    open_job(page, name)

    odoo_app.stop()
    page.click(".o_fwo_next_step")
    expect(page.locator(".o_fwo_hold")).to_be_visible()
    add_note(page, f"Session ended {tag}")
    ops = wait_queued(page, 2)
    uuids = [op["uuid"] for op in ops]
    context.clear_cookies()  # the session is gone
    odoo_app.start()

    page.click(".o_fwo_sync_button")
    expect(page.locator(".o_fwo_login")).to_be_visible()
    expect(page.locator(".o_fwo_pending")).to_have_text("2 pending")
    assert queued(page) == ops
    expired = {"uuids": uuids, "answer": "odoo.http.SessionExpiredException"}
    assert sent and all(push == expired for push in sent)
    assert sync_log(admin, uuids) == []  # refused before anything ran

    page.click(".o_fwo_login a")
    page.wait_for_url("**/web/login**")
    page.fill("input[name=login]", tech)
    page.fill("input[name=password]", tech)
    page.click("button[type=submit]")
    page.wait_for_url(APP)
    wait_synced(page)
    wait_pending(page, 0)
    expect(page.locator(".o_fwo_login")).to_have_count(0)
    assert queued(page) == []
    # Until the login, every push (the app's own retries included) was refused; then one applied them.
    assert sent[-1] == {"uuids": uuids, "answer": ["applied", "applied"]}
    assert all(push == expired for push in sent[:-1])

    order = read(admin, "field.work.order", [order_id], ["state", "date_started", "labor_ids"])[0]
    assert (order["state"], order["date_started"]) == ("in_progress", ops[0]["at"])
    assert len(order["labor_ids"]) == 1
    assert [n["body"] for n in notes_of(admin, order_id)] == [f"<p>Session ended {tag}</p>"]
    assert [(r["uuid"], r["type"], r["status"]) for r in sync_log(admin, uuids)] == [
        (uuids[0], "start", "applied"), (uuids[1], "note", "applied")]


def test_second_user_on_same_phone_never_sees_first_users_queue(odoo_app, admin, world, phone):
    a_id, a, a_order, a_name = technician_with_order(admin, odoo_app, world)
    b_id, b, b_order, b_name = technician_with_order(admin, odoo_app, world)
    context = phone()
    page = open_app(context, odoo_app, a)
    open_job(page, a_name)

    odoo_app.stop()
    page.click(".o_fwo_next_step")
    expect(page.locator(".o_fwo_hold")).to_be_visible()
    add_note(page, "A's note")
    a_ops = wait_queued(page, 2)
    a_uuids = [op["uuid"] for op in a_ops]
    page.close()  # A leaves the app before the network is back
    odoo_app.start()

    page = context.new_page()
    sent = log_pushes(page)
    page.goto(f"{odoo_app.url}/web/session/logout")
    page.wait_for_url("**/web/login**")
    login(page, odoo_app.url, b, b, landing=APP)
    wait_synced(page)
    store = page.evaluate(f"""() => ({{
        user: {STORE}.user.id, db: {STORE}.db.name, pending: {STORE}.state.pending,
        operations: {STORE}.queue.operations.length, jobs: [...{STORE}.jobs.keys()]}})""")
    assert store == {"user": b_id, "db": f"fwo-app/{odoo_app.db}/{b_id}", "pending": 0,
                     "operations": 0, "jobs": [b_order]}
    expect(page.locator(".o_fwo_pending")).to_have_text("0 pending")
    expect(page.locator(".o_fwo_job_card")).to_have_count(1)
    expect(page.locator(".o_fwo_job_card")).to_contain_text(b_name)
    assert sent == []  # B had nothing to send, and A's queue is not B's

    # A's work stays in A's database on the phone, unsent.
    kept = page.evaluate("""(name) => new Promise((resolve, reject) => {
        const open = indexedDB.open(name);
        open.onerror = () => reject(open.error);
        open.onsuccess = () => {
            const get = open.result.transaction("queue").objectStore("queue").getAll();
            get.onsuccess = () => { resolve(get.result.map((o) => [o.uuid, o.type, o.status]));
                                    open.result.close(); };
            get.onerror = () => reject(get.error);
        };
    })""", f"fwo-app/{odoo_app.db}/{a_id}")
    assert kept == [[a_uuids[0], "start", "pending"], [a_uuids[1], "note", "pending"]]
    assert sync_log(admin, a_uuids) == []
    order = read(admin, "field.work.order", [a_order], ["state", "labor_ids"])[0]
    assert (order["state"], order["labor_ids"]) == ("scheduled", [])
    assert notes_of(admin, a_order) == []


def test_refused_photo_is_shown_on_that_photo(odoo_app, admin, world, phone, tmp_path):
    tag = uuid.uuid4().hex[:8]
    tech_id, tech, order_id, name = technician_with_order(admin, odoo_app, world)
    context = phone()
    page = open_app(context, odoo_app, tech)
    sent = log_pushes(page)
    open_job(page, name)
    page.click(".o_fwo_next_step")
    expect(page.locator(".o_fwo_hold")).to_be_visible()
    wait_pending(page, 0)

    fake = tmp_path / "photo.jpg"
    fake.write_bytes(b"this is a shopping list, not a picture\n" * 20)
    context.set_offline(True)  # queued together, sent in one push
    add_note(page, f"Photo attached {tag}")
    add_photo(page, fake)
    ops = wait_queued(page, 2)
    context.set_offline(False)

    refused = page.locator(".o_fwo_thumb_refused")
    expect(refused).to_have_count(1)
    message = refused.locator(".o_fwo_refused_message").inner_text()
    assert "image" in message
    wait_pending(page, 0)
    expect(page.locator(".o_fwo_failed")).to_have_text("1 to review")
    left = queued(page)
    assert [(op["uuid"], op["type"], op["status"], op["message"]) for op in left] == [
        (ops[1]["uuid"], "photo", "error", message)]
    uuids = [op["uuid"] for op in ops]
    assert [push["answer"] for push in sent] == [["applied"], ["applied", "error"]]
    assert sent[1]["uuids"] == uuids  # the note and the photo went in one push

    order = read(admin, "field.work.order", [order_id], ["photo_ids"])[0]
    assert order["photo_ids"] == []
    assert [n["body"] for n in notes_of(admin, order_id)] == [f"<p>Photo attached {tag}</p>"]
    log = sync_log(admin, uuids)
    assert [(r["type"], r["status"]) for r in log] == [("note", "applied"), ("photo", "error")]
    assert log[1]["message"] == message


@pytest.fixture
def company(odoo_app, admin):
    """The admin's company, its invoicing and completion settings restored after the test: the
    other tests of the database complete orders too."""
    fields = ["fwo_invoice_at_completion", "fwo_labor_product_id", "fwo_labor_minimum",
              "fwo_labor_increment", "fwo_callout_product_id", "fwo_signature_required"]
    company = admin("res.users", "read", [admin.uid], ["company_id"])[0]["company_id"][0]
    before = {key: value[0] if isinstance(value, list) else value
              for key, value in read(admin, "res.company", [company], fields)[0].items()
              if key != "id"}
    yield company
    if odoo_app.proc.poll() is not None:  # the test failed with the server stopped
        odoo_app.start()
    admin("res.company", "write", [company], before)


def sign(page, name):
    """The customer types their name and draws on the signature pad."""
    expect(page.locator(".modal .o_web_sign_draw_button.active")).to_be_visible()
    page.fill(".modal input.o_fwo_signer_name", name)
    box = page.locator(".modal canvas.o_web_sign_signature").bounding_box()
    page.mouse.move(box["x"] + box["width"] * 0.1, box["y"] + box["height"] * 0.5)
    page.mouse.down()
    for step in range(1, 11):
        page.mouse.move(box["x"] + box["width"] * (0.1 + step * 0.07),
                        box["y"] + box["height"] * (0.3 if step % 2 else 0.7))
    page.mouse.up()
    page.click(".o_fwo_signature_confirm:enabled")
    expect(page.locator(".modal")).to_have_count(0)


def test_quote_signed_offline_then_pushed_twice_invoices_once(odoo_app, admin, world, phone,
                                                             company):
    """Issue #20's flow with the server stopped: part used, quote of two price-book options, the
    customer signs the second, complete; back online the queue is applied, and the same push
    sent again changes nothing. Prices: 15% tax on top; labor 100.00 an hour (an hour at least),
    the valve 46.00, the filter 20.00, the fitting 50.00."""
    tag = uuid.uuid4().hex[:8]
    tax = admin("account.tax", "create", {
        "name": f"15% {tag}", "amount": 15.0, "amount_type": "percent", "type_tax_use": "sale",
        "price_include_override": "tax_excluded"})

    def product(name, price, **vals):
        return admin("product.product", "create", {
            "name": f"{name} {tag}", "list_price": price, "taxes_id": [(6, 0, [tax])], **vals})

    hour = admin.ref("uom.product_uom_hour")
    labor = product("Hour", 100.0, type="service", uom_id=hour, uom_po_id=hour)
    valve = product("Valve", 46.0, type="consu", is_storable=True)
    filter_ = product("Filter", 20.0, type="consu")
    fitting = product("Fitting", 50.0, type="service")
    admin("res.company", "write", [company], {
        "fwo_invoice_at_completion": True, "fwo_labor_product_id": labor,
        "fwo_labor_minimum": 60, "fwo_labor_increment": 15, "fwo_callout_product_id": False,
        "fwo_signature_required": False})
    job_type = admin("field.work.order.job.type", "create", {"name": f"Repair {tag}", "option_ids": [
        (0, 0, {"name": "Patch", "sequence": 1,
                "line_ids": [(0, 0, {"product_id": filter_, "quantity": 1})]}),
        (0, 0, {"name": "Refit", "sequence": 2,
                "line_ids": [(0, 0, {"product_id": filter_, "quantity": 2}),
                             (0, 0, {"product_id": fitting, "quantity": 1})]}),
    ]})
    tech_id, tech = admin.create_user("technician")
    van = van_with(admin, tech_id, valve, 3)
    order_id = make_order(admin, odoo_app, world, tech_id, checklist=(), job_type_id=job_type,
                          material_ids=[(0, 0, {"product_id": valve, "product_uom_qty": 1})])
    name = read(admin, "field.work.order", [order_id], ["name"])[0]["name"]

    context = phone()
    page = open_app(context, odoo_app, tech)
    pushed = record_pushes(page)
    wait_offline_ready(page)

    odoo_app.stop()
    open_job(page, name)
    page.click(".o_fwo_next_step")  # Start
    expect(page.locator(".o_fwo_hold")).to_be_visible()
    # Device times have whole seconds: the completion must come at least a second later,
    # or the labor line lasts 0 hours and nothing is billed for it.
    page.wait_for_timeout(1100)
    used = page.locator(".o_fwo_material_line", has_text=f"Valve {tag}")
    used.locator(".o_fwo_part_used").click()
    expect(used.locator(".o_fwo_used")).to_contain_text("1")
    page.click(".o_fwo_quote_extra")
    page.click(".o_fwo_book_option:has-text('Patch')")
    page.click(".o_fwo_book_option:has-text('Refit')")
    totals = page.locator(".o_fwo_quote_option .o_fwo_option_total")
    expect(totals).to_have_count(2)
    expect(totals.nth(0)).to_contain_text("23.00")  # 20.00 + 15%
    expect(totals.nth(1)).to_contain_text("103.50")  # 2 x 20.00 + 50.00, + 15%
    page.click(".o_fwo_quote_approve:enabled")
    page.locator(".o_fwo_quote_option").nth(1).locator(".o_fwo_option_pick").click()
    sign(page, "Carla Customer")
    expect(page.locator(".o_fwo_quote_approved")).to_contain_text("Refit")
    complete(page)
    expect(page.locator(".o_fwo_connection")).to_have_text("Offline")
    summary = page.locator(".o_fwo_completion")
    expect(summary.locator(".o_fwo_estimate")).to_have_text("Estimate")
    expect(summary.locator(".o_fwo_amount_due")).to_contain_text("156.40")  # 103.50 + 52.90
    expect(summary.locator(".o_fwo_payment_qr")).to_have_count(0)
    ops = wait_queued(page, 5)
    assert [(op["type"], op["status"]) for op in ops] == [
        ("start", "pending"), ("material", "pending"), ("quote", "pending"),
        ("quote_approve", "pending"), ("complete", "pending")]
    uuids = [op["uuid"] for op in ops]

    push_back_online_then_again(page, odoo_app, pushed, uuids)

    order = read(admin, "field.work.order", [order_id],
                 ["state", "invoice_ids", "material_ids", "labor_ids"])[0]
    assert order["state"] == "done"
    assert len(order["labor_ids"]) == 1
    quotes = admin("field.work.order.quote", "search_read", [("work_order_id", "=", order_id)],
                   ["state", "approved_option_id", "signer_name", "signature", "option_ids",
                    "amount_total"])
    assert [(q["state"], q["approved_option_id"][1], q["signer_name"], bool(q["signature"]),
             len(q["option_ids"]), q["amount_total"]) for q in quotes] == [
        ("approved", "Refit", "Carla Customer", True, 2, 103.5)]
    materials = read(admin, "field.work.order.material", order["material_ids"],
                     ["product_id", "product_uom_qty", "quantity_used", "quote_line_id"])
    # The approved option's part planned once (its service is billed from the quote only).
    assert sorted((m["product_id"][0], m["product_uom_qty"], m["quantity_used"],
                   bool(m["quote_line_id"])) for m in materials) == sorted([
        (valve, 1.0, 1.0, False), (filter_, 2.0, 0.0, True)])
    assert van_quantity(admin, van, valve) == 2.0

    assert len(order["invoice_ids"]) == 1
    invoice = read(admin, "account.move", order["invoice_ids"], [
        "state", "amount_untaxed", "amount_tax", "amount_total", "amount_residual",
        "invoice_line_ids", "access_token"])[0]
    lines = read(admin, "account.move.line", invoice["invoice_line_ids"],
                 ["display_type", "product_id", "quantity", "price_subtotal", "price_total"])
    assert sorted((line["product_id"][0], line["quantity"], line["price_subtotal"])
                  for line in lines if line["display_type"] == "product") == sorted([
        (labor, 1.0, 100.0), (valve, 1.0, 46.0), (filter_, 2.0, 40.0), (fitting, 1.0, 50.0)])
    # 100 + 46 + 40 + 50 = 236.00; taxes 15.00 + 6.90 + 6.00 + 7.50 = 35.40
    assert (invoice["state"], invoice["amount_untaxed"], invoice["amount_tax"],
            invoice["amount_total"], invoice["amount_residual"]) == (
        "posted", 236.0, 35.4, 271.4, 271.4)
    log = sync_log(admin, uuids)
    assert [(r["type"], r["status"]) for r in log] == [(op["type"], "applied") for op in ops]

    # The pull brought the invoice: the summary shows what is due and the payment page's QR.
    page.click(".o_fwo_sync_button")
    wait_synced(page)
    expect(summary.locator(".o_fwo_estimate")).to_have_count(0)
    expect(summary.locator(".o_fwo_amount_due")).to_contain_text("271.40")
    qr = summary.locator(".o_fwo_payment_qr")
    expect(qr).to_be_visible()
    page.wait_for_function("(img) => img.complete && img.naturalWidth > 0", arg=qr.element_handle())
    src = urlparse(qr.get_attribute("src"))
    assert (src.path, parse_qs(src.query)["barcode_type"]) == ("/report/barcode/", ["QR"])
    assert parse_qs(src.query)["value"][0].endswith(
        f"/my/invoices/{invoice['id']}?access_token={invoice['access_token']}")
