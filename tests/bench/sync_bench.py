"""Sync benchmark: 10,000 orders x 5 material lines for one technician, 1,000 for another.

Not a test (pytest does not collect it). Run from the repository root:

    .venv/bin/python tests/bench/sync_bench.py [--db fwo_bench] [--orders 10000] [--naive 300]
        [--protocol jsonrpc|xmlrpc]

It creates the database with our addons if it does not exist, adds the
orders (one order made through the ORM, cloned with SQL), starts Odoo on a
free port and measures, in one run: full pull of 1,000 and of ``--orders``
orders, SQL queries per page for several page sizes (from Odoo's request log
line), incremental pull of 100 changed orders, push of 1,000 operations (start,
note, material, checklist, labor), photos separately, and the naive read
(odoorpc browsing order by order, timed on ``--naive`` orders and scaled to all
of them). ``sync_client`` talks ``--protocol`` (JSON-RPC by default, as
docs/sync-client.md shows it).
"""

import argparse
import io
import os
import re
import subprocess
import sys
import tempfile
import time
from datetime import datetime, timedelta, timezone
from pathlib import Path

import odoorpc
from PIL import Image

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from scripts._odoo_server import OdooServer, db_exists  # noqa: E402
from sync_client import JsonRpcTransport, SyncClient, XmlRpcTransport  # noqa: E402
from tests._rpc import Rpc  # noqa: E402

WIRE = "%Y-%m-%d %H:%M:%S"
SMALL = 1000  # orders of the second technician
PROTOCOLS = {"jsonrpc": (JsonRpcTransport, "POST /jsonrpc"),
             "xmlrpc": (XmlRpcTransport, "POST /xmlrpc/2/object")}


def ensure_db(db):
    if db_exists(db):
        return
    print(f"creating database {db} with our addons (about a minute)...", flush=True)
    cmd = OdooServer(db).command() + [
        "-i", "field_work_order,field_work_order_mobile", "--without-demo=all",
        "--stop-after-init", "--log-level=warn",
    ]
    subprocess.run(cmd, check=True)


def prepare(server, n_orders):
    """One technician, one template order made through the ORM, cloned with SQL."""
    admin = Rpc(server)
    tech_id, tech = admin.create_user("technician", name="Bench Technician")
    partner = admin("res.partner", "create", {"name": "Bench Customer", "phone": "+1 555 0100",
                                              "street": "1 Main St", "city": "Springfield"})
    products = [admin("product.product", "create", {"name": f"Bench part {i}", "type": "consu"})
                for i in range(5)]
    template = admin("field.work.order", "create", {
        "partner_id": partner, "user_id": tech_id, "description": "Replace the filters",
        "scheduled_start": (datetime.now(timezone.utc) + timedelta(days=1)).strftime(WIRE),
        "material_ids": [(0, 0, {"product_id": p, "product_uom_qty": 2}) for p in products],
        "checklist_ids": [(0, 0, {"name": "Isolate power"})],
    })
    admin("field.work.order", "action_schedule", [template])
    conn = server.pg()
    conn.autocommit = False
    with conn.cursor() as cr:
        def columns(table, skip):
            cr.execute("SELECT column_name FROM information_schema.columns WHERE table_name = %s",
                       [table])
            return [c for (c,) in cr.fetchall() if c not in skip]

        order_cols = columns("field_work_order", {"id", "name"})
        cols = ", ".join(order_cols)
        cr.execute(
            f"INSERT INTO field_work_order ({cols}, name) "  # noqa: S608 - our column names
            f"SELECT {cols}, 'BENCH/' || %s || '/' || g FROM field_work_order, "
            "generate_series(1, %s) g WHERE id = %s RETURNING id",
            [tech, n_orders - 1, template],
        )
        ids = [template] + [i for (i,) in cr.fetchall()]
        cr.execute("INSERT INTO field_work_order_technician_rel (work_order_id, user_id) "
                   "SELECT unnest(%s::int[]), %s", [ids[1:], tech_id])
        # The followers the ORM gave the template (the lead technician follows the orders
        # assigned to them), so that a note is posted as on an order created in Odoo.
        cr.execute(
            "WITH template AS (SELECT id, partner_id FROM mail_followers "
            "WHERE res_model = 'field.work.order' AND res_id = %s), "
            "cloned AS (INSERT INTO mail_followers (res_model, res_id, partner_id) "
            "SELECT 'field.work.order', o, template.partner_id FROM template, unnest(%s::int[]) o "
            "RETURNING id, partner_id) "
            "INSERT INTO mail_followers_mail_message_subtype_rel "
            "(mail_followers_id, mail_message_subtype_id) "
            "SELECT cloned.id, rel.mail_message_subtype_id FROM cloned "
            "JOIN template ON template.partner_id = cloned.partner_id "
            "JOIN mail_followers_mail_message_subtype_rel rel ON rel.mail_followers_id = template.id",
            [template, ids[1:]],
        )
        for table in ("field_work_order_material", "field_work_order_checklist_line"):
            line_cols = ", ".join(columns(table, {"id", "work_order_id"}))
            cr.execute(
                f"INSERT INTO {table} ({line_cols}, work_order_id) "  # noqa: S608
                f"SELECT {line_cols}, o FROM {table}, unnest(%s::int[]) o "
                "WHERE work_order_id = %s ORDER BY o, id",
                [ids[1:], template],
            )
        # Stamp them as written now (what _sync_touch does); created yesterday, so the labor
        # pushed below (two hours ago) is not before the order existed.
        cr.execute("UPDATE field_work_order SET sync_txid = pg_current_xact_id()::text::bigint, "
                   "sync_version = 1, create_date = create_date - interval '1 day' "
                   "WHERE id = ANY(%s)", [ids])
    conn.commit()
    conn.close()
    return admin, tech_id, tech, products, ids


def requests_logged(log_path, after, request="POST /xmlrpc/2/object"):
    """(queries, SQL seconds, other server seconds) of each RPC logged after byte ``after``."""
    with open(log_path, "rb") as log:
        log.seek(after)
        lines = log.read().decode(errors="replace").splitlines()
    found = [re.search(r'" 200 - (\d+) ([\d.]+) ([\d.]+)', line) for line in lines
             if request in line]
    return [(int(m.group(1)), float(m.group(2)), float(m.group(3))) for m in found if m]


def last_request_queries(log_path, after, request):
    """Query count and SQL time of the last request logged after byte offset ``after``."""
    queries, sql_time, _other = requests_logged(log_path, after, request)[-1]
    return queries, sql_time


def timed(fn):
    start = time.perf_counter()
    result = fn()
    return result, time.perf_counter() - start


def jpeg(size=(1600, 1200)):
    data = io.BytesIO()
    Image.effect_noise(size, 64).convert("RGB").save(data, "JPEG", quality=90)
    return data.getvalue()


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--db", default="fwo_bench")
    parser.add_argument("--orders", type=int, default=10000)
    parser.add_argument("--naive", type=int, default=300, help="orders read the naive way")
    parser.add_argument("--photos", type=int, default=10)
    parser.add_argument("--protocol", choices=sorted(PROTOCOLS), default="jsonrpc",
                        help="sync_client's transport")
    args = parser.parse_args()

    ensure_db(args.db)
    print("load average (1, 5, 15 min): %.2f %.2f %.2f" % os.getloadavg())
    server = OdooServer(args.db)
    server.start()
    try:
        run(server, args)
    finally:
        server.stop()


def full_pull(transport, path):
    """sync_client's full pull (pages of 500, into SQLite): (report, seconds)."""
    client = SyncClient(transport, path, page_size=500)
    report, seconds = timed(client.pull)
    client.close()
    return report, seconds


def run(server, args):
    _admin, _tech_id, small_tech, _products, small_ids = prepare(server, SMALL)
    admin, tech_id, tech, products, ids = prepare(server, args.orders)
    print(f"{len(ids)} orders x 5 material lines for {tech} (uid {tech_id}), "
          f"{len(small_ids)} for {small_tech}; sync_client over {args.protocol}\n")
    transport_class, request = PROTOCOLS[args.protocol]
    transport = transport_class(server.url, server.db, tech, tech, timeout=600)
    figures = {}

    # Queries per page: the first page of a full pull at several page sizes.
    per_page = {}
    transport.execute_kw("field.work.order", "sync_pull", [], {"limit": 5})  # warm the caches
    for limit in (50, 100, 200, 500):
        offset = server.log_path.stat().st_size
        page, seconds = timed(lambda lim=limit: transport.execute_kw(
            "field.work.order", "sync_pull", [], {"cursor": False, "limit": lim}))
        time.sleep(0.2)  # let the log line land
        queries, sql_time = last_request_queries(server.log_path, offset, request)
        per_page[limit] = queries
        print(f"page of {len(page['orders']):>3} orders: {queries} SQL queries, "
              f"{seconds:.2f} s ({sql_time:.2f} s in SQL)")
    figures["queries"] = per_page

    with tempfile.TemporaryDirectory() as tmp:
        small = transport_class(server.url, server.db, small_tech, small_tech, timeout=600)
        for pulled, path in ((small, "small.sqlite3"), (transport, "bench.sqlite3")):
            offset = server.log_path.stat().st_size
            report, seconds = full_pull(pulled, Path(tmp) / path)
            time.sleep(0.2)  # let the log lines land
            logged = requests_logged(server.log_path, offset, request)
            print(f"\nfull pull (sync_client, pages of 500, into SQLite): {report.received} "
                  f"orders, {report.pages} pages, {seconds:.2f} s "
                  f"({report.received / seconds:.0f} orders/s); in Odoo: {len(logged)} requests, "
                  f"{sum(q for q, _s, _o in logged)} SQL queries, "
                  f"{sum(s for _q, s, _o in logged):.2f} s in SQL + "
                  f"{sum(o for _q, _s, o in logged):.2f} s other")
        full = seconds
        assert report.received >= len(ids), report
        client = SyncClient(transport, Path(tmp) / "bench.sqlite3", page_size=500)

        changed = ids[1000:1100]
        admin("field.work.order", "write", changed, {"description": "Changed for the bench"})
        report, incremental = timed(client.pull)
        print(f"incremental pull after 100 changes: {report.received} received, "
              f"{report.kept} newer, {incremental:.2f} s")

        # Push: 200 orders x (start, note, material, checklist, labor) = 1,000 operations.
        device = datetime.now(timezone.utc).replace(microsecond=0)
        for order_id in ids[2000:2200]:
            order = client.order(order_id)
            client.start(order_id)
            client.note(order_id, "Arrived, customer present")
            client.material(order_id, products[0], 1)
            client.checklist(order_id, order["checklist"][0]["id"])
            client.labor(order_id, device - timedelta(hours=2), device - timedelta(hours=1),
                         "Travel")
        pending = client.status().pending
        print("load average before the push: %.2f %.2f %.2f" % os.getloadavg())
        offset = server.log_path.stat().st_size
        report, push = timed(client.push)
        print(f"push of {pending} operations (batches of 100): {report.applied} applied, "
              f"{report.errors} errors, {report.conflicts} conflicts, {push:.1f} s "
              f"({pending / push:.0f} ops/s)")
        time.sleep(0.2)  # let the log lines land
        logged = requests_logged(server.log_path, offset, request)
        queries = sum(q for q, _s, _o in logged)
        print(f"  in Odoo: {len(logged)} requests, {queries} SQL queries "
              f"({queries / pending:.1f} per operation), "
              f"{sum(s for _q, s, _o in logged):.1f} s in SQL + "
              f"{sum(o for _q, _s, o in logged):.1f} s other")
        assert report.applied == pending == 1000, report.unresolved[:1]

        photo = jpeg()
        for order_id in ids[3000:3000 + args.photos]:
            client.photo(order_id, photo, kind="after")
        report, photos = timed(client.push)
        print(f"push of {args.photos} photos of {len(photo) / 1e6:.1f} MB (1600x1200 JPEG): "
              f"{report.applied} applied, {photos:.1f} s ({photos / args.photos * 1000:.0f} ms "
              "per photo)")
        client.close()

    # The naive way: odoorpc, order by order, reading what the app shows (fields named: a
    # technician may not read every field of a customer, so browse()'s read-all fails).
    rpc = odoorpc.ODOO("127.0.0.1", port=server.port, timeout=600)
    rpc.login(server.db, tech, tech)
    env = rpc.env
    sample = env["field.work.order"].search([], limit=args.naive, order="id")
    start = time.perf_counter()
    for order_id in sample:
        order = env["field.work.order"].read([order_id], [
            "name", "state", "partner_id", "description", "scheduled_start", "technician_ids",
            "material_ids", "checklist_ids"])[0]
        env["res.partner"].read([order["partner_id"][0]], ["name", "phone", "street", "city"])
        env["res.users"].read(order["technician_ids"], ["name"])
        env["field.work.order.material"].read(order["material_ids"], [
            "product_id", "product_uom_qty", "quantity_used", "product_uom_id"])
        env["field.work.order.checklist.line"].read(order["checklist_ids"], ["name", "done"])
    naive_sample = time.perf_counter() - start
    naive = naive_sample / len(sample) * len(ids)
    print(f"\nnaive read (odoorpc, order by order): {len(sample)} orders in {naive_sample:.1f} s, "
          f"{naive_sample / len(sample) * 1000:.0f} ms per order -> {naive:.0f} s for "
          f"{len(ids)} orders")

    print("\n== summary")
    print(f"full pull {full:.1f} s vs naive {naive:.0f} s: {naive / full:.0f}x faster "
          "(target >= 20x)")
    counts = sorted(set(per_page.values()))
    print(f"SQL queries per page for 50/100/200/500 orders: "
          f"{'/'.join(str(per_page[k]) for k in sorted(per_page))} "
          f"({'constant' if len(counts) == 1 else 'NOT constant'})")
    print(f"push: {1000 / push:.0f} ops/s (target >= 200)")


if __name__ == "__main__":
    main()
