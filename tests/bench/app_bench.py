"""Technician app benchmark: 200 jobs on a phone with a CPU four times slower.

Not a test (pytest does not collect it). Run from the repository root:

    .venv/bin/python tests/bench/app_bench.py [--db fwo_app_bench] [--jobs 200] [--json FILE] [--nginx]

It creates the database with our addons if it does not exist, gives a new
technician ``--jobs`` scheduled jobs for today (checklist, planned parts),
starts Odoo on a free port and drives Debian's Chromium at 360x640 with touch,
its CPU throttled 4x (DevTools ``Emulation.setCPUThrottlingRate``):

1. first online load: bytes transferred and time until My Jobs lists every job;
2. the server stopped: opening the app from the cache, time until My Jobs
   lists every job (the goal is under 1 s);
3. a day's queue made offline (20 jobs x start, 2 photos, 3 materials, a
   checklist tick, a signature, complete), then the server started again:
   time until every operation is acknowledged, and the server's count of
   applied operations.

The first load is also broken down (``first_load_*``, seconds since navigation,
from the page's Resource Timing and the app's performance marks), and a second
online load, with the app's files cached, is timed. With ``--nginx`` the phone
talks to nginx in front of Odoo, with the project's compression settings
(scripts/nginx_gzip.conf, those of scripts/cluster); "no signal" then stops both.
"""

import argparse
import base64
import io
import json
import os
import shutil
import subprocess
import sys
import time
from datetime import datetime, timedelta, timezone
from pathlib import Path

from PIL import Image
from playwright.sync_api import sync_playwright

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from sync_bench import ensure_db  # noqa: E402

from tests._browser import launch  # noqa: E402
from tests._odoo import OdooServer, free_port  # noqa: E402
from tests._rpc import Rpc  # noqa: E402

WIRE = "%Y-%m-%d %H:%M:%S"
DAY_JOBS = 20
CPU_SLOWDOWN = 4
JOB_CARD = ".o_fwo_job_card"


def prepare(server, n_jobs):
    """A technician with ``n_jobs`` jobs scheduled today, made through the ORM over RPC."""
    admin = Rpc(server)
    tech_id, tech = admin.create_user("technician", name="Bench App Technician")
    run = f"{int(tech[-4:], 16) % 10000:04d}"  # barcodes are unique: one set per run
    partners = admin("res.partner", "create", [
        {"name": f"Bench Site {i}", "street": f"{i} Harbour Street", "city": "Springfield",
         "zip": "01101", "phone": "+1 555 0100"} for i in range(50)
    ])
    products = admin("product.product", "create", [
        {"name": f"Bench part {i}", "type": "consu", "default_code": f"BP-{run}-{i:03d}",
         "barcode": f"2{run}{i:05d}"} for i in range(40)
    ])
    start = datetime.now(timezone.utc).replace(hour=6, minute=0, second=0, microsecond=0)
    orders = admin("field.work.order", "create", [{
        "partner_id": partners[i % len(partners)],
        "user_id": tech_id,
        "unit_number": f"{i % 12 + 1}B",
        "description": "Quarterly service: filters, belts, condensate drain.",
        "access_instructions": "Key at the front desk.",
        "scheduled_start": (start + timedelta(minutes=3 * i)).strftime(WIRE),
        "material_ids": [(0, 0, {"product_id": products[(i + k) % len(products)], "product_uom_qty": 2})
                         for k in range(3)],
        "checklist_ids": [(0, 0, {"name": "Isolate power"}), (0, 0, {"name": "Test run"})],
    } for i in range(n_jobs)])
    admin("field.work.order", "action_schedule", orders)
    return admin, tech, orders, products


def site_photo():
    """A 1920x1440 JPEG as the app makes them (quality 85), with a photo's amount of detail."""
    size = (1920, 1440)
    noise = Image.effect_noise(size, 40).convert("RGB")
    scene = Image.linear_gradient("L").resize(size).convert("RGB")
    data = io.BytesIO()
    Image.blend(scene, noise, 0.25).save(data, "JPEG", quality=85)
    return data.getvalue()


def transferred_bytes(page):
    return page.evaluate(
        "() => [...performance.getEntriesByType('navigation'), ...performance.getEntriesByType('resource')]"
        ".reduce((sum, e) => sum + (e.transferSize || 0), 0)"
    )


def wait_for_jobs(page, count, timeout=60000):
    """Seconds since navigation until the app holds ``count`` jobs and My Jobs shows them."""
    page.wait_for_function(
        f"(odoo.__WOWL_DEBUG__?.root?.store?.jobs.size || 0) >= {count}"
        f" && document.querySelector('{JOB_CARD}') !== null",
        timeout=timeout,
    )
    return page.evaluate("performance.now()") / 1000


def my_jobs_shown(page):
    """When the app first showed My Jobs (its ``fwo:my-jobs`` mark), in seconds since navigation."""
    return page.evaluate("performance.getEntriesByName('fwo:my-jobs')[0].startTime") / 1000


FIRST_LOAD = """() => {
    const seconds = (ms) => (ms === undefined ? null : Math.round(ms) / 1000);
    const mark = (name) => seconds(performance.getEntriesByName(name)[0]?.startTime);
    const resources = performance.getEntriesByType("resource");
    const boot = performance.getEntriesByName("fwo:boot")[0].startTime;
    const started = performance.getEntriesByName("fwo:services-started")[0].startTime;
    // Before the app started (the offline cache fetches the same files again afterwards).
    const bundles = resources.filter((e) => e.name.includes("/web/assets/") && e.startTime < boot);
    const calls = (path, before = Infinity) =>
        resources.filter((e) => new URL(e.name).pathname.startsWith(path) && e.startTime < before);
    const span = (entries) => entries.length
        ? [seconds(entries[0].startTime), seconds(Math.max(...entries.map((e) => e.responseEnd)))]
        : null;
    const kb = (entries, key) => Math.round(entries.reduce((sum, e) => sum + e[key], 0) / 1024);
    const nav = performance.getEntriesByType("navigation")[0];
    return {
        html: [seconds(nav.requestStart), seconds(nav.responseEnd)],
        bundles: span(bundles),
        bundles_kb_transferred: kb(bundles, "transferSize"),
        bundles_kb_decoded: kb(bundles, "decodedBodySize"),
        boot: mark("fwo:boot"),
        translations: span(calls("/web/webclient/translations/", started)),
        services_started: mark("fwo:services-started"),
        store_loaded: mark("fwo:store-loaded"),
        my_jobs_drawn: mark("fwo:my-jobs"),
        sync_reference: span(calls("/web/dataset/call_kw/field.work.order/sync_reference")),
        sync_pull: span(calls("/web/dataset/call_kw/field.work.order/sync_pull")),
        first_card: mark("fwo:first-card"),
    };
}"""


class Nginx:
    """nginx on a free port in front of ``server``, with the project's compression settings."""

    def __init__(self, server, folder):
        self.server = server
        self.folder = folder
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"

    def start(self):
        self.folder.mkdir(parents=True, exist_ok=True)
        (self.folder / "nginx.conf").write_text(f"""
worker_processes 1;
pid {self.folder}/nginx.pid;
error_log {self.folder}/error.log warn;
events {{ worker_connections 256; }}
http {{
    access_log off;
    client_body_temp_path {self.folder}/body;
    proxy_temp_path {self.folder}/proxy;
    client_max_body_size 64m;
    include {ROOT}/scripts/nginx_gzip.conf;
    server {{
        listen 127.0.0.1:{self.port};
        proxy_read_timeout 720s;
        proxy_set_header Host $http_host;
        location / {{ proxy_pass {self.server.url}; proxy_redirect off; }}
    }}
}}
""")
        subprocess.run(["nginx", "-p", str(self.folder), "-c", str(self.folder / "nginx.conf")], check=True)

    def stop(self):
        subprocess.run(["nginx", "-p", str(self.folder), "-c", str(self.folder / "nginx.conf"), "-s", "stop"],
                       check=False)
        for _ in range(100):  # its port is free again once the pid file is gone
            if not (self.folder / "nginx.pid").exists():
                break
            time.sleep(0.1)


class Gateway:
    """What the phone talks to: Odoo, or nginx in front of it; "no signal" stops both."""

    def __init__(self, server, nginx):
        self.server = server
        self.nginx = nginx
        self.url = nginx.url if nginx else server.url

    def start(self):
        self.server.start()
        if self.nginx:
            self.nginx.start()

    def stop(self):
        if self.nginx:
            self.nginx.stop()
        self.server.stop()


def throttle(page):
    cdp = page.context.new_cdp_session(page)
    cdp.send("Emulation.setCPUThrottlingRate", {"rate": CPU_SLOWDOWN})
    return cdp


QUEUE_DAY = """async ([jobs, products, photo]) => {
    const store = odoo.__WOWL_DEBUG__.root.store;
    const started = performance.now();
    for (const job of jobs) {
        const view = store.jobView(job);
        const add = (type, payload = {}) =>
            store.queue.add({ order_id: job, type, payload, base_version: view.version });
        await add("start");
        for (const kind of ["before", "after"]) {
            await add("photo", { image: photo, kind });
        }
        for (const product of products) {
            await add("material", { product_id: product, quantity: 1 });
        }
        await add("checklist", { line_id: view.checklist[0].id, done: true });
        await add("signature", { image: photo, signed_by: "Bench Customer" });
        await add("complete");
    }
    return [store.queue.pending.length, (performance.now() - started) / 1000];
}"""

PUSH_ALL = """async () => {
    const store = odoo.__WOWL_DEBUG__.root.store;
    const started = performance.now();
    while (store.queue.pending.length) {
        try {
            await store.sync();
        } catch {
            await new Promise((resolve) => setTimeout(resolve, 200));
        }
    }
    return [(performance.now() - started) / 1000, store.queue.failed.length];
}"""


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--db", default="fwo_app_bench")
    parser.add_argument("--jobs", type=int, default=200)
    parser.add_argument("--json", default=str(ROOT / ".odoo" / "app_bench.json"))
    parser.add_argument("--nginx", action="store_true",
                        help="through nginx with the project's gzip settings (scripts/nginx_gzip.conf)")
    args = parser.parse_args()
    if args.nginx and not shutil.which("nginx"):
        parser.error("--nginx: nginx is missing (sudo apt-get install nginx)")
    ensure_db(args.db)
    print("load average (1, 5, 15 min): %.2f %.2f %.2f" % os.getloadavg())
    server = OdooServer(args.db)
    nginx = Nginx(server, ROOT / ".odoo" / f"app-bench-nginx-{server.port}") if args.nginx else None
    gateway = Gateway(server, nginx)
    gateway.start()
    try:
        figures = run(server, gateway, args)
    finally:
        gateway.stop()
    print()
    width = max(len(k) for k in figures)
    for key, value in figures.items():
        print(f"{key:<{width}}  {value}")
    Path(args.json).parent.mkdir(parents=True, exist_ok=True)
    Path(args.json).write_text(json.dumps(figures, indent=2))
    print(f"\nwritten {args.json}")


def run(server, gateway, args):
    admin, tech, orders, products = prepare(server, args.jobs)
    print(f"{len(orders)} jobs for {tech}", flush=True)
    photo = base64.b64encode(site_photo()).decode()
    figures = {"jobs": len(orders), "cpu_slowdown": CPU_SLOWDOWN, "nginx_gzip": bool(args.nginx)}
    with sync_playwright() as p:
        browser = launch(p)
        phone = {"viewport": {"width": 360, "height": 640}, "has_touch": True, "is_mobile": True}
        # Log in elsewhere: the first load below starts with empty caches, as on a new phone.
        login_context = browser.new_context(**phone)
        login_page = login_context.new_page()
        login_page.goto(f"{gateway.url}/web/login")
        login_page.fill("input[name=login]", tech)
        login_page.fill("input[name=password]", tech)
        login_page.click("button[type=submit]")
        login_page.wait_for_url("**/field-service")
        cookies = login_context.storage_state()
        login_context.close()
        context = browser.new_context(storage_state=cookies, **phone)
        page = context.new_page()
        page.on("console", lambda m: m.type == "error" and print("console:", m.text, flush=True))
        page.on("crash", lambda: print("the page crashed", flush=True))
        # 1. First load online, nothing cached yet.
        throttle(page)
        page.goto(f"{gateway.url}/field-service")
        figures["online_first_load_s"] = round(wait_for_jobs(page, len(orders)), 3)
        page.wait_for_function("navigator.serviceWorker.controller !== null", timeout=60000)
        page.wait_for_load_state("networkidle")
        figures["online_first_load_kb"] = round(transferred_bytes(page) / 1024)
        for key, value in page.evaluate(FIRST_LOAD).items():
            figures[f"first_load_{key}"] = value
        # What the app stores for offline start, including the signature pad's fonts (second load).
        page.goto(f"{gateway.url}/field-service")
        figures["online_cached_load_s"] = round(wait_for_jobs(page, len(orders)), 3)
        page.wait_for_function(
            "caches.open(odoo.loader.modules.get('@web/session').session.fwo_app.cache)"
            ".then(c => c.match('/web/sign/get_fonts/?fwo-post')).then(Boolean)",
            timeout=60000,
        )
        page.wait_for_load_state("networkidle")
        figures["offline_cache_kb"] = round(page.evaluate("""async () => {
            const cache = await caches.open(odoo.loader.modules.get('@web/session').session.fwo_app.cache);
            let total = 0;
            for (const request of await cache.keys()) {
                total += (await (await cache.match(request)).arrayBuffer()).byteLength;
            }
            return total;
        }""") / 1024)
        # 2. Server stopped: the app opens from the cache.
        gateway.stop()
        times = []
        for _ in range(3):
            page.goto(f"{gateway.url}/field-service")
            wait_for_jobs(page, len(orders))
            times.append(my_jobs_shown(page))
        figures["offline_open_s"] = round(min(times), 3)
        figures["offline_open_s_runs"] = [round(t, 3) for t in times]
        # 3. A day's queue made offline, pushed when the server answers again.
        day = orders[:DAY_JOBS]
        pending, queue_s = page.evaluate(QUEUE_DAY, [day, products[:3], photo])
        figures["day_queue_operations"] = pending
        figures["day_queue_write_s"] = round(queue_s, 3)
        figures["day_queue_mb"] = round(page.evaluate(
            "() => JSON.stringify(odoo.__WOWL_DEBUG__.root.store.queue.pending.map(o => o.payload)).length"
        ) / 1e6, 1)
        gateway.start()
        push_s, failed = page.evaluate(PUSH_ALL)
        figures["day_queue_push_s"] = round(push_s, 3)
        figures["day_queue_failed"] = failed
        browser.close()
    done = admin("field.work.order", "search_count", [["id", "in", day], ["state", "=", "done"]])
    applied = admin("field.work.order.sync.operation", "search_count",
                    [["order_id", "in", day], ["status", "=", "applied"]])
    figures["day_jobs_done_on_server"] = done
    figures["day_operations_applied_on_server"] = applied
    return figures


if __name__ == "__main__":
    main()
