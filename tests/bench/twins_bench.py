"""Our flows side by side with their Odoo-native twins, same database, same run.

Not a test (pytest does not collect tests/bench). Run from the repository root:

    .venv/bin/python tests/bench/twins_bench.py --sizes 1000,10000
    .venv/bin/python tests/bench/twins_bench.py --sizes 100000 --db fwo_bench_twins_100k --template fwo_bench_twins_base

For each size N (the work orders, and as many repair orders, in the database) it
tops the history up to N rows with the data generator, then measures over JSON-RPC
against a running Odoo, as the users who do the work (a dispatcher, an accountant,
a technician), wall time on the client and SQL queries from Odoo's request log:

- the dispatcher board (kanban groups by state and their cards, the list grouped by
  lead technician, a calendar week, the filters mine / late / unassigned) against the
  same calls on ``repair.order``;
- scheduling a batch of orders with 5 parts (our preparation transfers) against
  confirming as many sale orders with the same lines (Odoo's deliveries), and, for
  information, creating both and confirming as many repair orders;
- completing the batch with the parts used (our stock moves) against ending as many
  repair orders with the same parts, in thirds: the van loaded (preparation validated),
  the van's preparation still open (completion cancels it), and no van, the delivery
  from the warehouse still open (completion validates it with the used quantities);
- invoicing the batch, one invoice per order, against Odoo's invoicing wizard on the
  confirmed sale orders (``sale.order._create_invoices``);
- the technician's sync: full pull against reading the same orders record by record,
  push of 250 operations (start, note, part, checklist, labor on 50 orders) against the
  same operations as plain ORM calls, one RPC each.

The batch is ``--batch-ratio`` of N, at most ``--max-batch``. Results of other sizes
already in ``--json`` are kept, so sizes can be run one command at a time. The database
``--db`` is created from a template database ``<db>_base`` (our addons, repair,
sale_management, sale_stock, no demo data) made on first use; ``--fresh`` drops
``--db`` first. Results: a printed table, ``--json``, and the growth chart
``--chart`` (matplotlib, a bench-only dependency).
"""

import argparse
import base64
import io
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from datetime import datetime, timedelta, timezone
from pathlib import Path

import requests
from PIL import Image

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from scripts._odoo_server import OdooServer, connect, db_exists, drop_database  # noqa: E402
from sync_client import JsonRpcTransport, SyncClient  # noqa: E402

WIRE = "%Y-%m-%d %H:%M:%S"
MODULES = "field_work_order,field_work_order_mobile,repair,sale_management,sale_stock"
TECHNICIANS = 10
PRODUCTS = 20
PARTS = 5  # parts per order
PART_QTY = 2.0
LABOR_HOURS = 1.5
SYNC_ORDERS = 50  # orders pushed by the technician (x 5 operations), and as many for the twin
NAIVE_SAMPLE = 50
# Our states and their share of the history; the repair state each one maps to.
STATES = [
    ("draft", 0.08, "draft"), ("scheduled", 0.15, "confirmed"), ("in_progress", 0.03, "under_repair"),
    ("on_hold", 0.02, "under_repair"), ("done", 0.12, "done"), ("verified", 0.55, "done"),
    ("cancelled", 0.05, "cancel"),
]
OPEN = ("draft", "scheduled", "in_progress", "on_hold")
SECOND_COMPANY_SHARE = 0.1
REQUEST = re.compile(r'"POST /(?:jsonrpc|xmlrpc/2/object) HTTP[^"]*" 200 - (\d+) ([\d.]+) ([\d.]+)')


# ----------------------------------------------------------------------------
# Database and server
# ----------------------------------------------------------------------------
def ensure_db(db, base, fresh, modules=MODULES):
    """``db`` copied from the template database ``base`` (``modules`` installed once, no demo
    data); dropped first when ``fresh``."""
    filestore = ROOT / ".odoo" / "filestore"
    if fresh:
        drop_database(db)
        shutil.rmtree(filestore / db, ignore_errors=True)
    if db_exists(db):
        return False
    if not db_exists(base):
        print(f"creating the template database {base} ({modules}; a few minutes)...", flush=True)
        subprocess.run(OdooServer(base).command() + [
            "-i", modules, "--without-demo=all", "--stop-after-init", "--log-level=warn",
        ], check=True)
    conn = connect()
    with conn.cursor() as cr:
        cr.execute(f'CREATE DATABASE "{db}" TEMPLATE "{base}"')
    conn.close()
    if (filestore / base).exists():
        shutil.copytree(filestore / base, filestore / db, dirs_exist_ok=True)
    return True


class Client:
    """JSON-RPC as one user; counts its calls so that the log lines can be matched."""

    calls = 0

    def __init__(self, server, login, password=None):
        self.server = server
        self.login = login
        self.password = password or login
        self.session = requests.Session()
        self.uid = self._rpc("common", "authenticate", [server.db, login, self.password, {}])
        if not self.uid:
            raise RuntimeError(f"cannot log in as {login}")
        self.context = {"lang": "en_US", "tz": "UTC", "uid": self.uid}

    def _rpc(self, service, method, args):
        Client.calls += 1
        resp = self.session.post(f"{self.server.url}/jsonrpc", timeout=7200, json={
            "jsonrpc": "2.0", "method": "call", "params": {
                "service": service, "method": method, "args": args}})
        data = resp.json()
        if "error" in data:
            error = data["error"].get("data", {})
            raise RuntimeError(f"{error.get('name')}: {error.get('message')}")
        return data.get("result")

    def __call__(self, model, method, *args, **kwargs):
        kwargs.setdefault("context", self.context)
        return self._rpc("object", "execute_kw", [
            self.server.db, self.uid, self.password, model, method, list(args), kwargs])


class Bench:
    def __init__(self, server, args):
        self.server = server
        self.args = args
        self.results = []
        self.admin = Client(server, "admin", "admin")

    # -- measuring --------------------------------------------------------------
    def logged(self, offset, expected):
        """(queries, SQL s, other s) of the requests logged after ``offset``; waits for ``expected``."""
        deadline = time.time() + 10
        while True:
            with open(self.server.log_path, "rb") as log:
                log.seek(offset)
                text = log.read().decode(errors="replace")
            found = [(int(m[1]), float(m[2]), float(m[3])) for m in REQUEST.finditer(text)]
            if len(found) >= expected or time.time() > deadline:
                return found
            time.sleep(0.1)

    def measure(self, fn):
        """Run ``fn`` (RPC calls); return (result, seconds, queries, requests)."""
        offset = self.server.log_path.stat().st_size
        calls = Client.calls
        start = time.perf_counter()
        result = fn()
        seconds = time.perf_counter() - start
        time.sleep(0.2)  # let the last log line land
        made = Client.calls - calls + getattr(fn, "extra_calls", 0)
        found = self.logged(offset, made)
        return result, seconds, sum(q for q, _s, _o in found), len(found)

    def record(self, flow, size, n, ours, native, note=""):
        """``ours`` / ``native``: (seconds, queries) or None; prints and keeps one table row."""
        row = {"flow": flow, "size": size, "n": n,
               "ours_s": round(ours[0], 3) if ours else None, "ours_queries": ours[1] if ours else None,
               "native_s": round(native[0], 3) if native else None,
               "native_queries": native[1] if native else None, "note": note}
        row["ratio"] = round(ours[0] / native[0], 2) if ours and native and native[0] else None
        self.results.append(row)
        print(format_row(row), flush=True)

    # -- one-time setup ---------------------------------------------------------
    def setup(self):
        """Companies, users, vans, products with stock, customers: once per database."""
        admin = self.admin
        param = admin("ir.config_parameter", "get_param", "fwo_twins_bench.setup")
        if param:
            self.ids = json.loads(param)
            return
        ref = self.ref
        company = admin("res.users", "read", [admin.uid], ["company_id"])[0]["company_id"][0]
        company_b = admin("res.company", "create", {"name": "Bench Company B"})
        admin("res.users", "write", [admin.uid], {"company_ids": [(4, company_b)]})
        base = [ref("base.group_user")]
        groups = {
            "dispatcher": base + [ref("field_work_order.group_dispatcher"), ref("stock.group_stock_user"),
                                  ref("sales_team.group_sale_salesman_all_leads")],
            "accountant": base + [ref("account.group_account_invoice"),
                                  ref("sales_team.group_sale_salesman_all_leads")],
        }
        users = {}
        for login, group_ids in groups.items():
            users[login] = admin("res.users", "create", {
                "name": f"Bench {login.title()}", "login": f"bench_{login}", "password": f"bench_{login}",
                "email": f"bench_{login}@example.com", "groups_id": [(6, 0, group_ids)],
                "company_id": company, "company_ids": [(6, 0, [company])]})
        technicians = admin("res.users", "create", [{
            "name": f"Bench Technician {i + 1}", "login": f"bench_tech{i + 1}",
            "password": f"bench_tech{i + 1}", "email": f"bench_tech{i + 1}@example.com",
            "groups_id": [(6, 0, base + [ref("field_work_order.group_technician")])],
            "company_id": company, "company_ids": [(6, 0, [company])],
        } for i in range(TECHNICIANS)])
        admin("res.users", "action_fwo_create_van", technicians)
        vans = [u["fwo_van_location_id"][0] for u in admin(
            "res.users", "read", technicians, ["fwo_van_location_id"])]
        products = admin("product.product", "create", [{
            "name": f"Bench part {i + 1:02d}", "default_code": f"BP{i + 1:02d}", "type": "consu",
            "is_storable": True, "list_price": 10.0 + i, "standard_price": 5.0 + i / 2,
            "invoice_policy": "order",
        } for i in range(PRODUCTS)])
        warehouse = admin("stock.warehouse", "search_read", [("company_id", "=", company)],
                          ["lot_stock_id"], limit=1)[0]
        quants = admin("stock.quant", "create", [
            {"product_id": p, "location_id": loc, "inventory_quantity": 1_000_000}
            for p in products for loc in [warehouse["lot_stock_id"][0], *vans]
        ], context={"inventory_mode": True})
        admin("stock.quant", "action_apply_inventory", quants, context={"inventory_mode": True})
        both = dict(admin.context, allowed_company_ids=[company_b, company])
        warehouse_b = admin("stock.warehouse", "create", {"name": "Bench B", "code": "WHB",
                                                          "company_id": company_b}, context=both)
        b_repair_type = admin("stock.warehouse", "read", [warehouse_b], ["repair_type_id"],
                              context=both)[0]["repair_type_id"]
        self.ids = {"company": company, "company_b": company_b, "b_repair_type": b_repair_type[0],
                    "users": users, "technicians": technicians, "products": products,
                    "labor_product": ref("field_work_order.product_product_labor"),
                    "partners": [], "addresses": [], "history": 0, "templates": None}
        self.save()

    def save(self):
        self.admin("ir.config_parameter", "set_param", "fwo_twins_bench.setup", json.dumps(self.ids))

    def ref(self, xmlid):
        module, name = xmlid.split(".")
        return self.admin("ir.model.data", "search_read", [("module", "=", module), ("name", "=", name)],
                          ["res_id"])[0]["res_id"]

    def client(self, login):
        return Client(self.server, login)

    # -- data generator ---------------------------------------------------------
    def customers(self, wanted):
        """Customers with a street address and a service address (a delivery contact)."""
        missing = wanted - len(self.ids["partners"])
        if missing <= 0:
            return
        start = len(self.ids["partners"])
        new = self.admin("res.partner", "create", [{
            "name": f"Bench Customer {i + 1:05d}", "is_company": True, "street": f"{i + 1} Main Street",
            "city": "Springfield", "zip": f"{10000 + i}", "phone": f"+1 555 {i:06d}",
            "email": f"customer{i + 1}@example.com",
            "child_ids": [(0, 0, {"type": "delivery", "name": f"Site {i + 1}",
                                  "street": f"{i + 1} Side Road", "city": "Shelbyville",
                                  "zip": f"{20000 + i}"})],
        } for i in range(start, start + missing)])
        children = {p["id"]: p["child_ids"][0] for p in self.admin(
            "res.partner", "read", new, ["child_ids"])}
        self.ids["partners"] += new
        self.ids["addresses"] += [children[p] for p in new]

    def order_vals(self, i, tech, start, products=None):
        products = products or self.parts_of(i)
        return {
            "partner_id": self.ids["partners"][i % len(self.ids["partners"])],
            "service_partner_id": self.ids["addresses"][i % len(self.ids["addresses"])],
            "user_id": tech, "description": "Replace the filters and check the pump",
            "scheduled_start": start.strftime(WIRE), "deadline": (start + timedelta(days=2)).strftime(WIRE),
            "material_ids": [(0, 0, {"product_id": p, "product_uom_qty": PART_QTY}) for p in products],
            "checklist_ids": [(0, 0, {"name": name}) for name in (
                "Isolate power", "Check pressure", "Clean the site")],
        }

    def parts_of(self, i):
        products = self.ids["products"]
        return [products[(i + k) % len(products)] for k in range(PARTS)]

    def make_templates(self):
        """One order and one repair order per state, made through the ORM as their users."""
        if self.ids["templates"]:
            return
        office = self.client("bench_dispatcher")
        tech = self.ids["technicians"][0]
        start = datetime.now(timezone.utc).replace(tzinfo=None) - timedelta(days=1)
        ours = {}
        for i, (state, _share, _repair) in enumerate(STATES):
            order = office("field.work.order", "create", self.order_vals(i, tech, start))
            photo = base64.b64encode(tiny_jpeg()).decode()
            office("field.work.order.photo", "create", {"work_order_id": order, "kind": "before",
                                                          "image": photo, "note": "Before the job"})
            if state != "draft":
                office("field.work.order", "action_schedule", [order])
            if state in ("in_progress", "on_hold", "done", "verified"):
                office("field.work.order", "action_start", [order])
            if state == "on_hold":
                office("field.work.order", "action_hold", [order])
            if state in ("done", "verified"):
                self.use_parts(office, [order])
                office("field.work.order", "action_complete", [order])
            if state == "verified":
                office("field.work.order", "action_verify", [order])
            if state == "cancelled":
                office("field.work.order", "action_cancel", [order])
            ours[state] = order
        repairs = {}
        for i, repair_state in enumerate(dict.fromkeys(r for _s, _w, r in STATES)):
            repair = office("repair.order", "create", self.repair_vals(i, tech))
            if repair_state in ("confirmed", "under_repair", "done"):
                office("repair.order", "action_validate", [repair])
            if repair_state in ("under_repair", "done"):
                office("repair.order", "action_repair_start", [repair])
            if repair_state == "done":
                office("repair.order", "action_repair_end", [repair])
            if repair_state == "cancel":
                office("repair.order", "action_repair_cancel", [repair])
            repairs[repair_state] = repair
        self.ids["templates"] = {"ours": ours, "repair": repairs}
        self.save()

    def repair_vals(self, i, user):
        return {
            "partner_id": self.ids["partners"][i % len(self.ids["partners"])], "user_id": user,
            "internal_notes": "Replace the filters and check the pump",
            "move_ids": [(0, 0, {"product_id": p, "product_uom_qty": PART_QTY, "repair_line_type": "add"})
                         for p in self.parts_of(i)],
        }

    def use_parts(self, client, orders):
        """The technician logs every planned part as used and ticks the checklist."""
        lines = client("field.work.order.material", "search", [("work_order_id", "in", orders)])
        client("field.work.order.material", "write", lines, {"quantity_used": PART_QTY})
        checks = client("field.work.order.checklist.line", "search", [("work_order_id", "in", orders)])
        client("field.work.order.checklist.line", "write", checks, {"done": True})

    def grow_history(self, size):
        """Clone the templates with SQL until the database holds ``size`` orders of each model.

        Spread over two years (closed ones in the past, open ones around today,
        some late), over the customers and technicians (and the dispatcher, whose
        "mine" filter then finds its share), 10% in the second company.
        """
        self.customers(max(50, size // 20))
        self.make_templates()
        started = time.perf_counter()
        with self.server.pg() as counting, counting.cursor() as cr:
            cr.execute("SELECT (SELECT count(*) FROM field_work_order), (SELECT count(*) FROM repair_order)")
            ours_rows, repair_rows = cr.fetchone()
        add, add_repair = size - ours_rows, size - repair_rows
        if add <= 0 and add_repair <= 0:
            return
        leads = [*self.ids["technicians"], self.ids["users"]["dispatcher"]]
        conn = self.server.pg()
        conn.autocommit = False
        offset, repair_offset = self.ids.setdefault("serials", [0, 0])
        with conn.cursor() as cr:
            for state, share, repair_state in STATES:
                count, repair_count = max(0, round(add * share)), max(0, round(add_repair * share))
                when = ("(now() at time zone 'utc') - make_interval(days => 730) * s.r" if state not in OPEN
                        else "(now() at time zone 'utc') + make_interval(days => 40) * s.r - interval '10 days'")
                params = {"partners": self.ids["partners"], "addresses": self.ids["addresses"],
                          "leads": leads, "count": count, "offset": offset,
                          "company_b": self.ids["company_b"], "b_share": SECOND_COMPANY_SHARE}
                rows = (
                    "(SELECT g, floor(random() * %(np)s)::int + 1 AS pi, "
                    "floor(random() * %(nl)s)::int + 1 AS li, random() AS r, random() AS c "
                    "FROM generate_series(1, %(count)s) g) s"
                )
                params.update(np=len(self.ids["partners"]), nl=len(leads))
                company = "CASE WHEN s.c < %(b_share)s THEN %(company_b)s ELSE t.company_id END"
                # Half the requests not planned yet have nobody assigned (the "unassigned" filter).
                lead = ("CASE WHEN s.r < 0.5 THEN NULL ELSE (%(leads)s::int[])[s.li] END" if state == "draft"
                        else "(%(leads)s::int[])[s.li]")
                ids = [] if not count else clone(cr, "field_work_order", self.ids["templates"]["ours"][state], rows, {
                    "name": "'HIST-' || (%(offset)s + s.g)",
                    "company_id": company,
                    "partner_id": "(%(partners)s::int[])[s.pi]",
                    "service_partner_id": "(%(addresses)s::int[])[s.pi]",
                    "user_id": lead,
                    "technician_count": f"CASE WHEN {lead} IS NULL THEN 0 ELSE 1 END",
                    "scheduled_start": when,
                    "scheduled_end": f"{when} + interval '90 minutes'",
                    "deadline": f"{when} + interval '2 days'",
                    "date_started": f"CASE WHEN t.date_started IS NULL THEN NULL ELSE {when} END",
                    "date_completed": f"CASE WHEN t.date_completed IS NULL THEN NULL "
                                      f"ELSE {when} + interval '90 minutes' END",
                    "date_verified": f"CASE WHEN t.date_verified IS NULL THEN NULL ELSE {when} + interval '1 day' END",
                    "date_last_state_update": f"{when} + interval '90 minutes'",
                    "create_date": f"{when} - interval '7 days'",
                    "write_date": f"{when} + interval '1 day'",
                    "sync_txid": "pg_current_xact_id()::text::bigint",
                    "sync_version": "1",
                }, params)
                offset += count
                cr.execute("INSERT INTO field_work_order_technician_rel (work_order_id, user_id) "
                           "SELECT id, user_id FROM field_work_order WHERE id = ANY(%s) AND user_id IS NOT NULL",
                           [ids])
                template = self.ids["templates"]["ours"][state]
                for table, extra in (
                    ("field_work_order_material", {}),
                    ("field_work_order_checklist_line", {"done_on": "CASE WHEN c.done THEN o.date_completed END"}),
                    ("field_work_order_photo", {"taken_on": "o.scheduled_start"}),
                    ("field_work_order_labor", {
                        "user_id": "o.user_id", "date_start": "o.date_started",
                        "date_end": "CASE WHEN c.date_end IS NULL THEN NULL ELSE o.date_completed END",
                        "duration": "CASE WHEN c.date_end IS NULL THEN 0 ELSE 1.5 END"}),
                ):
                    clone_lines(cr, table, "work_order_id", template, ids, {
                        "company_id": "o.company_id", "create_date": "o.create_date",
                        "write_date": "o.write_date", **extra})
                rep_template = self.ids["templates"]["repair"][repair_state]
                rep_ids = [] if not repair_count else clone(cr, "repair_order", rep_template, rows, {
                    "name": "'RHIST-' || (%(offset)s + s.g)",
                    "company_id": company,
                    "picking_type_id": f"CASE WHEN s.c < %(b_share)s THEN {self.ids['b_repair_type']} "
                                       "ELSE t.picking_type_id END",
                    "partner_id": "(%(partners)s::int[])[s.pi]",
                    "user_id": lead,
                    "schedule_date": when,
                    "create_date": f"{when} - interval '7 days'",
                    "write_date": f"{when} + interval '1 day'",
                }, dict(params, count=repair_count, offset=repair_offset))
                repair_offset += repair_count
                clone_lines(cr, "stock_move", "repair_id", rep_template, rep_ids, {
                    "company_id": "o.company_id", "partner_id": "o.partner_id",
                    "date": "o.schedule_date", "create_date": "o.create_date", "write_date": "o.write_date",
                    "reference": "o.name", "origin": "o.name"})
        conn.commit()
        # What autovacuum does to a table that grew: without fresh statistics the
        # planner takes 100,000 rows for 100 and scans where it would use an index.
        conn.autocommit = True
        with conn.cursor() as cr:
            cr.execute("ANALYZE")
        conn.close()
        self.ids["history"] = size
        self.ids["serials"] = [offset, repair_offset]
        self.save()
        print(f"history: {add} orders and {add_repair} repair orders added with SQL "
              f"({time.perf_counter() - started:.1f} s)", flush=True)

    # -- flows ------------------------------------------------------------------
    def run_size(self, size):
        self.grow_history(size)
        batch = min(max(10, round(size * self.args.batch_ratio)), self.args.max_batch)
        print(f"\n== {size} orders in the database (and {size} repair orders); batch of {batch}; "
              "load average %.2f %.2f %.2f" % os.getloadavg(), flush=True)
        self.board(size)
        self.schedule_complete_invoice(size, batch)
        self.sync(size)

    def board(self, size):
        office = self.client("bench_dispatcher")
        uid = office.uid
        now = datetime.now(timezone.utc).replace(tzinfo=None)
        monday = (now - timedelta(days=now.weekday())).replace(hour=0, minute=0, second=0, microsecond=0)
        week = [monday.strftime(WIRE), (monday + timedelta(days=7)).strftime(WIRE)]
        m2o = {"fields": {"display_name": {}}}
        activity = {f: {} for f in ("activity_exception_decoration", "activity_exception_icon",
                                    "activity_state", "activity_summary", "activity_type_icon")}
        activity["activity_type_id"] = m2o
        models = {
            "ours": {
                "model": "field.work.order",
                # The fields of field_work_order_view_kanban (TestQueryCounts holds the same).
                "kanban": {"state": {}, "is_dispatcher": {}, "technician_count": {}, "name": {}, "priority": {},
                           "partner_id": m2o, "job_type_id": m2o, "unit_number": {}, "scheduled_start": {},
                           "activity_ids": {}, **activity, "user_id": m2o},
                "list": {"is_dispatcher": {}, "priority": {}, "name": {}, "partner_id": m2o, "unit_number": {},
                         "job_type_id": m2o, "scheduled_start": {}, "user_id": m2o, "state": {}},
                "calendar": ["partner_id", "job_type_id", "user_id", "state", "scheduled_start",
                             "scheduled_end", "calendar_title", "display_name"],
                "week": [("scheduled_start", "<", week[1]), ("scheduled_end", ">", week[0])],
                "filters": {
                    "mine": [("technician_ids", "in", [uid])],
                    "late": [("deadline", "<", now.strftime(WIRE)), ("state", "in", list(OPEN))],
                    "unassigned": [("user_id", "=", False), ("subcontractor_id", "=", False)],
                },
                "progress": None,
            },
            "native": {
                "model": "repair.order",
                "kanban": {"activity_state": {}, "name": {}, "state": {}, "product_id": m2o,
                           "tag_ids": {"fields": {"display_name": {}, "color": {}}}, "partner_id": m2o},
                "list": {"company_id": m2o, "priority": {}, "name": {}, "schedule_date": {}, "product_id": m2o,
                         "parts_availability_state": {}, "parts_availability": {}, "partner_id": m2o,
                         "sale_order_id": m2o, "state": {}, "activity_exception_decoration": {}},
                "calendar": ["partner_id", "product_id", "user_id", "state", "schedule_date", "display_name"],
                "week": [("schedule_date", ">=", week[0]), ("schedule_date", "<", week[1])],
                "filters": {
                    "mine": [("user_id", "=", uid)],
                    "late": [("state", "=", "confirmed"), ("schedule_date", "<", now.strftime("%Y-%m-%d"))],
                    "unassigned": [("user_id", "=", False)],
                },
                "progress": {"field": "activity_state",
                             "colors": {"planned": "success", "today": "warning", "overdue": "danger"}},
            },
        }
        for side in models.values():  # warm the server's caches (views, rules) for both
            office(side["model"], "search_count", [])
        figures = {}
        for key, side in models.items():
            model = side["model"]
            rows = office(model, "search_count", [])

            def kanban(side=side, model=model):
                groups = office(model, "web_read_group", [], ["state"], ["state"], lazy=True)
                if side["progress"]:
                    office(model, "read_progress_bar", [], "state", side["progress"])
                for group in groups["groups"]:
                    if not group.get("__fold"):
                        office(model, "web_search_read", group["__domain"], side["kanban"], limit=40,
                               count_limit=10001)

            def grouped_list(side=side, model=model):
                office(model, "web_read_group", [], [], ["user_id"], limit=80, lazy=True)

            def calendar(side=side, model=model):
                return len(office(model, "search_read", side["week"], side["calendar"]))

            flows = [("board: kanban by state", kanban), ("board: list grouped by technician", grouped_list),
                     ("board: calendar week", calendar)]
            for name, domain in side["filters"].items():
                def search(domain=domain, model=model, side=side):
                    return office(model, "web_search_read", domain, side["list"], limit=80,
                                  count_limit=10001)["length"]
                flows.append((f"board: filter {name}", search))
            for flow, fn in flows:  # best of 3: reads are short, the machine's load is not
                runs = [self.measure(fn) for _ in range(3)]
                result, seconds, queries, _n = min(runs, key=lambda run: run[1])
                figures.setdefault(flow, {})[key] = (seconds, queries, result, rows)
        for flow, sides in figures.items():
            extra = []
            for key in ("ours", "native"):
                result = sides[key][2]
                extra.append(f"{key} {sides[key][3]} rows" + (f", {result} found" if isinstance(result, int) else ""))
            self.record(flow, size, sides["ours"][3], sides["ours"][:2], sides["native"][:2], "; ".join(extra))

    def schedule_complete_invoice(self, size, batch):
        office = self.client("bench_dispatcher")
        accountant = self.client("bench_accountant")
        techs = self.ids["technicians"]
        start = datetime.now(timezone.utc).replace(tzinfo=None, microsecond=0) + timedelta(days=1)
        base = len(self.results) * 1000  # another spread of customers and parts for each run
        vals = [self.order_vals(base + i, techs[i % len(techs)], start + timedelta(minutes=10 * i))
                for i in range(batch)]
        # The last third takes its parts from the warehouse stock (no van): a delivery is prepared.
        stock = office("stock.warehouse", "search_read", [("company_id", "=", self.ids["company"])],
                       ["lot_stock_id"], limit=1)[0]["lot_stock_id"][0]
        third = batch // 3
        for order_vals in vals[2 * third:]:
            order_vals["location_id"] = stock
        orders, *ours_create = self.measure(lambda: office("field.work.order", "create", vals))
        sale_vals = [{
            "partner_id": v["partner_id"], "partner_shipping_id": v["service_partner_id"],
            "order_line": [(0, 0, {"product_id": p, "product_uom_qty": PART_QTY})
                           for p in self.parts_of(base + i)]
            + [(0, 0, {"product_id": self.ids["labor_product"], "product_uom_qty": LABOR_HOURS})],
        } for i, v in enumerate(vals)]
        sales, *sale_create = self.measure(lambda: office("sale.order", "create", sale_vals))
        self.record("create N orders with 5 parts (vs N sale orders, 6 lines)", size, batch,
                    ours_create[:2], sale_create[:2])

        _r, *ours = self.measure(lambda: office("field.work.order", "action_schedule", orders))
        _r, *native = self.measure(lambda: office("sale.order", "action_confirm", sales))
        pickings = office("stock.picking", "search_count", [("fwo_order_id", "in", orders)])
        deliveries = office("stock.picking", "search_count", [("sale_id", "in", sales)])
        self.record("schedule N orders with parts (vs confirm N sale orders)", size, batch, ours[:2],
                    native[:2], f"{pickings} preparation transfers vs {deliveries} deliveries")

        repair_vals = [dict(self.repair_vals(base + i, techs[i % len(techs)]),
                            partner_id=v["partner_id"]) for i, v in enumerate(vals)]
        repairs = office("repair.order", "create", repair_vals)
        _r, *repair_start = self.measure(lambda: office("repair.order", "action_repair_start", repairs))
        self.record("(info) confirm and start N repair orders", size, batch, None, repair_start[:2],
                    "native only: reserves the parts, as our scheduling does")

        # The technicians' day, not measured: start, 1.5 h of labor, the parts used, checklist ticked.
        office("field.work.order", "action_start", orders)
        conn = self.server.pg()
        with conn.cursor() as cr:
            cr.execute("UPDATE field_work_order_labor SET date_start = now() at time zone 'utc' - interval "
                       "'2 hours', date_end = now() at time zone 'utc' - interval '30 minutes', duration = %s "
                       "WHERE work_order_id = ANY(%s)", [LABOR_HOURS, orders])
        conn.close()
        self.use_parts(office, orders)

        # A third of the vans were loaded before the visit (the warehouse validated the
        # preparation): completing consumes from the van. The second third still have their
        # van's preparation open: completing also cancels it and releases its reservation. The
        # last third have no van and their delivery is open: completing validates it.
        loaded = office("stock.picking", "search", [("fwo_order_id", "in", orders[:third]),
                                                    ("fwo_purpose", "=", "prepare")])
        office("stock.picking", "button_validate", loaded)
        for label, part, twin in (
            ("complete N orders with used parts, van loaded (vs end N repair orders)",
             orders[:third], repairs[:third]),
            ("complete N orders with used parts, preparation open (vs end N repair orders)",
             orders[third:2 * third], repairs[third:2 * third]),
            ("complete N orders with used parts, no van, delivery open (vs end N repair orders)",
             orders[2 * third:], repairs[2 * third:]),
        ):
            _r, *ours = self.measure(lambda part=part: office("field.work.order", "action_complete", part))
            _r, *native = self.measure(lambda twin=twin: office("repair.order", "action_repair_end", twin))
            moves = office("stock.move", "search_count", [("fwo_order_id", "in", part), ("state", "=", "done")])
            rmoves = office("stock.move", "search_count", [("repair_id", "in", twin), ("state", "=", "done")])
            self.record(label, size, len(part), ours[:2], native[:2], f"{moves} vs {rmoves} done stock moves")

        def ours_invoice():
            accountant("field.work.order", "action_create_invoices_per_order", orders)

        def native_invoice():
            wizard = accountant("sale.advance.payment.inv", "create", {
                "advance_payment_method": "delivered", "consolidated_billing": False,
                "sale_order_ids": [(6, 0, sales)]}, context=dict(
                    accountant.context, active_model="sale.order", active_ids=sales))
            accountant("sale.advance.payment.inv", "create_invoices", [wizard])

        _r, *ours = self.measure(ours_invoice)
        _r, *native = self.measure(native_invoice)
        totals = {}
        for key, domain in (("ours", [("fwo_order_ids", "in", orders)]),
                            ("native", [("line_ids.sale_line_ids.order_id", "in", sales)])):
            moves = accountant("account.move", "search_read", domain, ["amount_total"])
            totals[key] = (len(moves), round(sum(m["amount_total"] for m in moves), 2))
        self.record("invoice N done orders (vs sale.order._create_invoices)", size, batch, ours[:2],
                    native[:2], f"invoices and total: ours {totals['ours']}, native {totals['native']}")

    def sync(self, size):
        tech_id = self.ids["technicians"][0]
        login = "bench_tech1"
        office = self.client("bench_dispatcher")
        tech = self.client(login)
        start = datetime.now(timezone.utc).replace(tzinfo=None, microsecond=0) + timedelta(hours=1)
        base = len(self.results) * 1000
        orders = office("field.work.order", "create", [
            self.order_vals(base + i, tech_id, start + timedelta(minutes=i)) for i in range(2 * SYNC_ORDERS)])
        office("field.work.order", "action_schedule", orders)
        conn = self.server.pg()  # created yesterday: the labor pushed below (2 h ago) is not before
        with conn.cursor() as cr:
            cr.execute("UPDATE field_work_order SET create_date = create_date - interval '1 day' "
                       "WHERE id = ANY(%s)", [orders])
        conn.close()
        products = self.ids["products"]
        transport = JsonRpcTransport(self.server.url, self.server.db, login, login, timeout=3600)
        with tempfile.TemporaryDirectory() as tmp:
            client = SyncClient(transport, Path(tmp) / "bench.sqlite3", page_size=500)

            def pull():
                report = client.pull()
                pull.extra_calls = report.pages  # XML-RPC pages, not counted by Client
                return report.received

            received, *ours = self.measure(pull)
            visible = tech("field.work.order", "search", [], order="id")
            sample = visible[:NAIVE_SAMPLE]

            def naive():
                for order_id in sample:
                    order = tech("field.work.order", "read", [order_id], [
                        "name", "state", "partner_id", "description", "scheduled_start", "technician_ids",
                        "material_ids", "checklist_ids"])[0]
                    tech("res.partner", "read", [order["partner_id"][0]], ["name", "phone", "street", "city"])
                    tech("res.users", "read", order["technician_ids"], ["name"])
                    tech("field.work.order.material", "read", order["material_ids"], [
                        "product_id", "product_uom_qty", "quantity_used", "product_uom_id"])
                    tech("field.work.order.checklist.line", "read", order["checklist_ids"], ["name", "done"])

            _r, *native = self.measure(naive)
            scale = received / len(sample)
            self.record("sync: full pull of one technician (vs reading order by order)", size, received,
                        ours[:2], (native[0] * scale, round(native[1] * scale)),
                        f"order by order timed on {len(sample)} orders, scaled to {received}")

            device = datetime.now(timezone.utc).replace(microsecond=0)
            pushed, twin = orders[:SYNC_ORDERS], orders[SYNC_ORDERS:]
            client.pull()
            for order_id in pushed:
                order = client.order(order_id)
                client.start(order_id)
                client.note(order_id, "Arrived, customer present")
                client.material(order_id, products[0], 1)
                client.checklist(order_id, order["checklist"][0]["id"])
                client.labor(order_id, device - timedelta(hours=2), device - timedelta(hours=1), "Travel")
            pending = client.status().pending

            def push():
                report = client.push()
                push.extra_calls = -(-pending // 100)
                if report.applied != pending:
                    raise RuntimeError(f"push: {report.applied} of {pending} applied, first refused: "
                                       f"{report.unresolved[:1]}")
                return report.applied

            applied, *ours = self.measure(push)
            checklist = {line["work_order_id"][0]: line["id"] for line in tech(
                "field.work.order.checklist.line", "search_read", [("work_order_id", "in", twin)],
                ["work_order_id"], order="id desc")}
            labor_start, labor_end = (device - timedelta(hours=2)).strftime(WIRE), (
                device - timedelta(hours=1)).strftime(WIRE)

            def plain():
                for order_id in twin:
                    tech("field.work.order", "action_start", [order_id])
                    tech("field.work.order", "message_post", [order_id], body="Arrived, customer present",
                         message_type="comment", subtype_xmlid="mail.mt_note")
                    tech("field.work.order.material", "create", {
                        "work_order_id": order_id, "product_id": products[0], "quantity_used": 1})
                    tech("field.work.order.checklist.line", "write", [checklist[order_id]], {"done": True})
                    tech("field.work.order.labor", "create", {
                        "work_order_id": order_id, "user_id": tech_id, "date_start": labor_start,
                        "date_end": labor_end, "description": "Travel"})

            _r, *native = self.measure(plain)
            self.record("sync: push of operations (vs the same as plain ORM calls)", size, applied, ours[:2],
                        native[:2], f"start, note, material, checklist, labor on {SYNC_ORDERS} orders; one RPC each")
            client.close()


def clone(cr, table, template, rows, overrides, params):
    """Insert one copy of row ``template`` per row of ``rows`` (alias s), with SQL ``overrides``."""
    cr.execute("SELECT column_name FROM information_schema.columns WHERE table_name = %s AND "
               "column_name != 'id' ORDER BY ordinal_position", [table])
    columns = [c for (c,) in cr.fetchall()]
    exprs = [overrides.get(c, f"t.{c}") for c in columns]
    cr.execute(
        f"INSERT INTO {table} ({', '.join(columns)}) SELECT {', '.join(exprs)} "  # noqa: S608 - our SQL
        f"FROM {table} t, {rows} WHERE t.id = %(template)s ORDER BY s.g RETURNING id",
        {**params, "template": template},
    )
    return [i for (i,) in cr.fetchall()]


def clone_lines(cr, table, parent_column, template, parents, overrides):
    """Copy the lines of parent ``template`` onto each of ``parents`` (alias o, lines alias c)."""
    parent_table = "repair_order" if parent_column == "repair_id" else "field_work_order"
    cr.execute("SELECT column_name FROM information_schema.columns WHERE table_name = %s AND "
               "column_name != 'id' ORDER BY ordinal_position", [table])
    columns = [c for (c,) in cr.fetchall()]
    overrides = {**overrides, parent_column: "o.id"}
    exprs = [overrides.get(c, f"c.{c}") for c in columns]
    cr.execute(
        f"INSERT INTO {table} ({', '.join(columns)}) SELECT {', '.join(exprs)} "  # noqa: S608
        f"FROM {table} c JOIN {parent_table} o ON o.id = ANY(%s) WHERE c.{parent_column} = %s "
        "ORDER BY o.id, c.id",
        [parents, template],
    )


def tiny_jpeg():
    data = io.BytesIO()
    Image.effect_noise((320, 240), 64).convert("RGB").save(data, "JPEG", quality=80)
    return data.getvalue()


# ----------------------------------------------------------------------------
# Output
# ----------------------------------------------------------------------------
HEADER = f"{'flow':<78} {'N':>6} {'ours s':>8} {'ours q':>7} {'native s':>9} {'native q':>8} {'ratio':>6}"


def format_row(row):
    def num(value, fmt):
        return format(value, fmt) if value is not None else "-"

    return (f"{row['flow'][:78]:<78} {row['n']:>6} {num(row['ours_s'], '8.2f')} {num(row['ours_queries'], '7d')} "
            f"{num(row['native_s'], '9.2f')} {num(row['native_queries'], '8d')} {num(row['ratio'], '6.2f')}"
            + (f"  [{row['note']}]" if row["note"] else ""))


def chart(results, path):
    """Per record (batch flows) and per call (board reads) against the database size, ours and native."""
    import matplotlib  # noqa: PLC0415 - bench-only dependency

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt  # noqa: PLC0415

    all_flows = [f for f in dict.fromkeys(r["flow"] for r in results) if not f.startswith("(info)")]
    panels = [
        ("ms per record", "s", 1000, True, [f for f in all_flows if not f.startswith("board")]),
        ("SQL queries per record", "queries", 1, True, [f for f in all_flows if not f.startswith("board")]),
        ("board reads: ms per call", "s", 1000, False, [f for f in all_flows if f.startswith("board")]),
    ]
    fig, axes = plt.subplots(1, 3, figsize=(18, 6))
    for axis, (title, key, scale, per_record, flows) in zip(axes, panels, strict=True):
        for index, flow in enumerate(flows):
            rows = sorted((r for r in results if r["flow"] == flow), key=lambda r: r["size"])
            label = flow.split(" (vs")[0].replace("board: ", "")
            for side, style in (("ours", "-o"), ("native", "--s")):
                values = [r[f"{side}_{key}"] * scale / (r["n"] if per_record else 1)
                          if r[f"{side}_{key}"] is not None else None for r in rows]
                axis.plot([r["size"] for r in rows], values, style, color=f"C{index}",
                          label=f"{label} ({side})")
        axis.set_xscale("log")
        axis.set_yscale("log")
        axis.set_xlabel("work orders (and repair orders) in the database")
        axis.set_title(title)
        axis.grid(True, which="both", alpha=0.3)
        axis.legend(fontsize=7, loc="upper center", bbox_to_anchor=(0.5, -0.2), ncol=1 if per_record else 2)
    fig.suptitle("Our flows (solid) and their Odoo-native twins (dashed) as the data grows: flat lines = "
                 "cost per record independent of the database size")
    fig.tight_layout()
    path.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(path, dpi=100, bbox_inches="tight")
    print(f"chart: {path}")


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--db", default="fwo_bench_twins")
    parser.add_argument("--sizes", default="1000,10000", help="database sizes, comma-separated")
    parser.add_argument("--batch-ratio", type=float, default=0.1,
                        help="share of N scheduled, completed and invoiced (default 0.1)")
    parser.add_argument("--max-batch", type=int, default=200,
                        help="at most this many orders per batch (default 200; 1000 for the issue's "
                        "invoicing of 1,000 orders at 10,000)")
    parser.add_argument("--template", help="template database (default: <db>_base)")
    parser.add_argument("--fresh", action="store_true", help="drop --db first (the template is kept)")
    parser.add_argument("--port", type=int, default=0, help="HTTP port (default: a free one)")
    parser.add_argument("--json", type=Path, default=ROOT / "tests" / "bench" / "results" / "twins.json")
    parser.add_argument("--chart", type=Path, default=ROOT / "docs" / "images" / "twins-growth.png")
    args = parser.parse_args()
    sizes = [int(s) for s in args.sizes.split(",")]

    started = time.perf_counter()
    ensure_db(args.db, args.template or f"{args.db}_base", args.fresh)
    server = OdooServer(args.db)
    if args.port:
        server.port, server.url = args.port, f"http://127.0.0.1:{args.port}"
        server.log_path = ROOT / ".odoo" / f"pytest-{args.db}-{args.port}.log"
    load_start = [round(x, 2) for x in os.getloadavg()]
    print("load average (1, 5, 15 min): %.2f %.2f %.2f" % tuple(load_start), flush=True)
    server.start()
    try:
        bench = Bench(server, args)
        bench.setup()
        print(HEADER)
        for size in sizes:
            if size < bench.ids["history"]:
                raise SystemExit(f"{args.db} already holds {bench.ids['history']} orders: use --fresh "
                                 "or another --db")
            bench.run_size(size)
    finally:
        server.stop()
    total = time.perf_counter() - started
    args.json.parent.mkdir(parents=True, exist_ok=True)
    runs, results = [], []
    if args.json.exists():  # keep the other sizes of earlier runs: one file, one chart
        earlier = json.loads(args.json.read_text())
        runs = [r for r in earlier["runs"] if not set(r["sizes"]) <= set(sizes)]
        results = [r for r in earlier["results"] if r["size"] not in sizes]
    runs.append({"date": datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M UTC"), "sizes": sizes,
                 "batch_ratio": args.batch_ratio, "max_batch": args.max_batch, "seconds": round(total),
                 "cpus": os.cpu_count(), "load_average_start": load_start,
                 "load_average_end": [round(x, 2) for x in os.getloadavg()]})
    results = sorted(results + bench.results, key=lambda r: r["size"])
    args.json.write_text(json.dumps({"runs": runs, "results": results}, indent=1) + "\n")
    print(f"\n{HEADER}")
    for row in bench.results:
        print(format_row(row))
    print(f"\nwritten: {args.json} (whole run {total / 60:.1f} min)")
    chart(results, args.chart)


if __name__ == "__main__":
    main()
