"""The dispatch board against Odoo's own calendar view, same database, same run, as the data grows.

Not a test (pytest does not collect tests/bench). Run from the repository root, on a
machine doing nothing else:

    .venv/bin/python tests/bench/dispatch_bench.py --sizes 1000,10000,100000 --fresh

One week holds 1,500 orders on 50 field technicians (six one-hour jobs a day each, Monday to
Friday, at sites spread over Brussels; five technicians on a two-day course, a third of them
qualified for one job type only). Around that week, N other orders (N = each of ``--sizes``)
are cloned with SQL, as in twins_bench: closed ones over the two years before, open ones over
the three months after, the drafts half without technician nor slot (the board's queue).
Measured over JSON-RPC as the dispatcher, wall time on the client and SQL queries from
Odoo's request log (twins_bench's ``Bench.measure``):

- the week: ``get_dispatch_board(week start, week end)`` against the calendar view's
  ``search_read`` of the same week (its fields, and the dispatcher's default filter "To Do");
  best of 3, after one warm-up call each;
- a drop: ``action_plan`` on 50 draft orders with 5 planned parts, one RPC each, against the
  form's way, ``write({user_id, scheduled_start, scheduled_end})`` then ``action_schedule``
  (two RPCs) on 50 others.

The database ``--db`` is a copy of the template ``<db>_base`` (our two addons, no demo
data), made on first use; sizes grow the same database, so run them in increasing order.
Results: a printed table and ``--json`` (results of other sizes already there are kept).
"""

import argparse
import json
import os
import random
import sys
import time
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytz
from twins_bench import HEADER, ROOT, WIRE, Bench, clone, clone_lines, ensure_db, format_row

from scripts._odoo_server import OdooServer  # noqa: E402 - ROOT is on sys.path (twins_bench)

MODULES = "field_work_order,field_work_order_mobile"
TECHNICIANS = 50
ON_COURSE = 5  # technicians off on Wednesday and Thursday of the week
WEEK_ORDERS = 1500  # 50 technicians x 5 days x 6 jobs
SLOTS = [(8, 0), (9, 30), (11, 0), (13, 0), (14, 30), (16, 0)]  # one-hour jobs, in working hours
CUSTOMERS = 1000
PRODUCTS = 20
DROPS = 50
TZ = pytz.utc  # the technicians' and the company schedule's time zone
# Brussels: the customers' sites are spread over this box (latitude, longitude).
BOX = ((50.79, 50.89), (4.30, 4.43))
# The week's states (most still to do; the start of the week done), and their share.
WEEK_STATES = [("scheduled", 0.80), ("in_progress", 0.03), ("on_hold", 0.02), ("done", 0.08),
               ("verified", 0.04), ("cancelled", 0.03)]
# Around the week, as twins_bench's history.
HISTORY_STATES = [("draft", 0.08), ("scheduled", 0.15), ("in_progress", 0.03), ("on_hold", 0.02),
                  ("done", 0.12), ("verified", 0.55), ("cancelled", 0.05)]
STATE_ACTIONS = {  # how each template order gets its state, through the ORM
    "draft": [], "scheduled": ["action_schedule"], "in_progress": ["action_schedule", "action_start"],
    "on_hold": ["action_schedule", "action_start", "action_hold"],
    "done": ["action_schedule", "action_start", "parts", "action_complete"],
    "verified": ["action_schedule", "action_start", "parts", "action_complete", "action_verify"],
    "cancelled": ["action_cancel"],
}
CALENDAR_FIELDS = ["partner_id", "job_type_id", "user_id", "state", "scheduled_start",
                   "scheduled_end", "calendar_title", "display_name"]  # field_work_order_view_calendar
TO_DO = [("state", "not in", ["verified", "cancelled"])]  # the dispatcher's default filter


def utc(local):
    return TZ.localize(local).astimezone(pytz.utc).replace(tzinfo=None)


class DispatchBench(Bench):
    """twins_bench's measuring (``measure``, ``record``, ``ref``, ``client``) on another data set."""

    PARAM = "fwo_dispatch_bench.setup"

    # -- one-time setup ---------------------------------------------------------
    def setup(self):
        """Users, technicians on their schedule and time off, job types, parts, located customers,
        the week's 1,500 orders: once per database."""
        admin = self.admin
        param = admin("ir.config_parameter", "get_param", self.PARAM)
        if param:
            self.ids = json.loads(param)
            return
        ref = self.ref
        rng = random.Random(7)
        company = admin("res.users", "read", [admin.uid], ["company_id"])[0]["company_id"][0]
        today = datetime.now(TZ).replace(tzinfo=None)
        monday = (today - timedelta(days=today.weekday())).replace(hour=0, minute=0, second=0, microsecond=0)
        base = [ref("base.group_user")]
        dispatcher = admin("res.users", "create", {
            "name": "Bench Dispatcher", "login": "bench_dispatcher", "password": "bench_dispatcher",
            "email": "bench_dispatcher@example.com", "tz": "UTC",
            "groups_id": [(6, 0, base + [ref("field_work_order.group_dispatcher"),
                                         ref("stock.group_stock_user")])],
            "company_id": company, "company_ids": [(6, 0, [company])]})
        job_types = admin("field.work.order.job.type", "create", [
            {"name": "Boiler Service", "planned_hours": 1.0}, {"name": "Electrical", "planned_hours": 1.0}])
        technicians = admin("res.users", "create", [{
            "name": f"Bench Technician {i + 1:02d}", "login": f"bench_tech{i + 1}",
            "password": f"bench_tech{i + 1}", "email": f"bench_tech{i + 1}@example.com",
            "tz": "UTC",
            "groups_id": [(6, 0, base + [ref("field_work_order.group_technician")])],
            "company_id": company, "company_ids": [(6, 0, [company])],
            # a third qualified for boilers only, the others for every job type
            "fwo_job_type_ids": [(6, 0, job_types[:1] if i % 3 == 0 else [])],
        } for i in range(TECHNICIANS)])
        resources = {r["user_id"][0]: r["id"] for r in admin(
            "resource.resource", "search_read", [("user_id", "in", technicians)], ["user_id"])}
        admin("resource.calendar.leaves", "create", [{
            "name": "Training course", "resource_id": resources[user],
            "date_from": utc(monday + timedelta(days=2)).strftime(WIRE),
            "date_to": utc(monday + timedelta(days=3, hours=23, minutes=59)).strftime(WIRE),
        } for user in technicians[-ON_COURSE:]])
        products = admin("product.product", "create", [{
            "name": f"Bench part {i + 1:02d}", "default_code": f"BP{i + 1:02d}", "type": "consu",
            "is_storable": True, "list_price": 10.0 + i, "standard_price": 5.0 + i / 2,
        } for i in range(PRODUCTS)])
        warehouse = admin("stock.warehouse", "search_read", [("company_id", "=", company)],
                          ["lot_stock_id"], limit=1)[0]
        quants = admin("stock.quant", "create", [
            {"product_id": p, "location_id": warehouse["lot_stock_id"][0], "inventory_quantity": 1_000_000}
            for p in products], context={"inventory_mode": True})
        admin("stock.quant", "action_apply_inventory", quants, context={"inventory_mode": True})

        def spot():
            return (round(rng.uniform(*BOX[0]), 5), round(rng.uniform(*BOX[1]), 5))

        partners = admin("res.partner", "create", [{
            "name": f"Bench Customer {i + 1:04d}", "is_company": True, "street": f"Rue Bench {i + 1}",
            "city": "Brussels", "zip": "1000", "country_id": ref("base.be"),
            "partner_latitude": lat, "partner_longitude": lon,
            "child_ids": [(0, 0, {"type": "delivery", "name": f"Site {i + 1}", "street": f"Avenue Bench {i + 1}",
                                  "city": "Brussels", "zip": "1050", "country_id": ref("base.be"),
                                  "partner_latitude": site[0], "partner_longitude": site[1]})],
        } for i, ((lat, lon), site) in enumerate((spot(), spot()) for _ in range(CUSTOMERS))])
        addresses = {p["id"]: p["child_ids"][0] for p in admin("res.partner", "read", partners, ["child_ids"])}
        self.ids = {"company": company, "dispatcher": dispatcher, "technicians": technicians,
                    "job_types": job_types, "products": products, "partners": partners,
                    "addresses": [addresses[p] for p in partners], "monday": monday.strftime(WIRE),
                    "week": [utc(monday).strftime(WIRE), utc(monday + timedelta(days=7)).strftime(WIRE)],
                    "history": 0, "serial": 0, "drops": 0}
        self.make_templates()
        self.fill_week(rng)
        self.save()

    def save(self):
        self.admin("ir.config_parameter", "set_param", self.PARAM, json.dumps(self.ids))

    def order_vals(self, i, tech, start, products=None):
        """twins_bench's order (5 planned parts, 3 checklist items) on a boiler job."""
        return dict(super().order_vals(i, tech, start, products), job_type_id=self.ids["job_types"][0])

    def make_templates(self):
        """One order per state, made through the ORM as the dispatcher, to be cloned with SQL."""
        office = self.client("bench_dispatcher")
        start = datetime.now(timezone.utc).replace(tzinfo=None, microsecond=0) - timedelta(days=1)
        templates = {}
        for i, (state, actions) in enumerate(STATE_ACTIONS.items()):
            order = office("field.work.order", "create", self.order_vals(i, self.ids["technicians"][0], start))
            for action in actions:
                if action == "parts":
                    self.use_parts(office, [order])
                else:
                    office("field.work.order", action, [order])
            templates[state] = order
        self.ids["templates"] = templates

    def insert(self, cr, state, count, serial, columns, arrays):
        """``count`` copies of the ``state`` template; ``columns``: SQL per column over ``s``, the
        row of ``arrays`` (each a list of ``count`` values, read as ``s.<key>``)."""
        if not count:
            return []
        params = {"serial": serial, "count": count, **{f"a_{key}": values for key, values in arrays.items()}}
        casts = {"tech": "int", "start": "timestamp", "partner": "int", "address": "int", "job": "int"}
        series = ", ".join(f"(%(a_{key})s::{casts[key]}[])[g] AS {key}" for key in arrays)
        rows = f"(SELECT g, {series} FROM generate_series(1, %(count)s) g) s"
        when = "s.start"
        ids = clone(cr, "field_work_order", self.ids["templates"][state], rows, {
            "name": "'BENCH-' || (%(serial)s + s.g)",
            "partner_id": "s.partner", "service_partner_id": "s.address",
            "user_id": "s.tech", "job_type_id": "s.job",
            "scheduled_start": when, "scheduled_end": f"{when} + interval '1 hour'",
            "deadline": f"{when} + interval '2 days'",
            "date_started": f"CASE WHEN t.date_started IS NULL THEN NULL ELSE {when} END",
            "date_completed": f"CASE WHEN t.date_completed IS NULL THEN NULL ELSE {when} + interval '1 hour' END",
            "date_verified": f"CASE WHEN t.date_verified IS NULL THEN NULL ELSE {when} + interval '1 day' END",
            "date_last_state_update": f"{when} + interval '1 hour'",
            "create_date": f"{when} - interval '7 days'", "write_date": f"{when} + interval '1 hour'",
            "sync_txid": "pg_current_xact_id()::text::bigint", "sync_version": "1",
            **columns,
        }, params)
        cr.execute("INSERT INTO field_work_order_technician_rel (work_order_id, user_id) "
                   "SELECT id, user_id FROM field_work_order WHERE id = ANY(%s) AND user_id IS NOT NULL", [ids])
        for table in ("field_work_order_material", "field_work_order_checklist_line"):
            clone_lines(cr, table, "work_order_id", self.ids["templates"][state], ids, {
                "company_id": "o.company_id", "create_date": "o.create_date", "write_date": "o.write_date"})
        return ids

    def fill_week(self, rng):
        """The week: six one-hour jobs a day per technician, Monday to Friday, states by share."""
        monday = datetime.strptime(self.ids["monday"], WIRE)
        slots = [(tech, utc(monday + timedelta(days=day, hours=h, minutes=m)))
                 for tech in self.ids["technicians"] for day in range(5) for h, m in SLOTS]
        rng.shuffle(slots)
        conn = self.server.pg()
        conn.autocommit = False
        with conn.cursor() as cr:
            taken = 0
            for index, (state, share) in enumerate(WEEK_STATES):
                count = len(slots) - taken if index == len(WEEK_STATES) - 1 else round(len(slots) * share)
                part = slots[taken:taken + count]
                taken += count
                customers = [rng.randrange(CUSTOMERS) for _ in part]
                self.insert(cr, state, count, self.ids["serial"], {}, {
                    "tech": [tech for tech, _start in part], "start": [start for _t, start in part],
                    "partner": [self.ids["partners"][c] for c in customers],
                    "address": [self.ids["addresses"][c] for c in customers],
                    "job": [self.ids["job_types"][g % 2] for g in range(count)],
                })
                self.ids["serial"] += count
        conn.commit()
        conn.close()

    def grow_history(self, size):
        """Clone orders around the week until ``size`` of them are outside it."""
        add = size - self.ids["history"]
        if add <= 0:
            return
        started = time.perf_counter()
        rng = random.Random(size)
        week_start, week_end = (datetime.strptime(w, WIRE) for w in self.ids["week"])
        techs = self.ids["technicians"]
        conn = self.server.pg()
        conn.autocommit = False
        with conn.cursor() as cr:
            for state, share in HISTORY_STATES:
                count = round(add * share)
                if state in ("done", "verified", "cancelled"):  # the two years before the week
                    starts = [week_start - timedelta(days=1 + 730 * rng.random()) for _ in range(count)]
                elif state in ("in_progress", "on_hold"):  # stalled over the month before
                    starts = [week_start - timedelta(days=1 + 30 * rng.random()) for _ in range(count)]
                else:  # planned over the three months after
                    starts = [week_end + timedelta(days=1 + 90 * rng.random()) for _ in range(count)]
                customers = [rng.randrange(CUSTOMERS) for _ in range(count)]
                columns = {}
                leads = [rng.choice(techs) for _ in range(count)]
                if state == "draft":  # half of them not planned at all: the board's queue
                    columns = {"user_id": "CASE WHEN mod(s.g, 2) = 0 THEN NULL ELSE s.tech END",
                               "scheduled_start": "CASE WHEN mod(s.g, 2) = 0 THEN NULL ELSE s.start END",
                               "scheduled_end": "CASE WHEN mod(s.g, 2) = 0 THEN NULL ELSE s.start "
                                                "+ interval '1 hour' END"}
                ids = self.insert(cr, state, count, self.ids["serial"], columns, {
                    "tech": leads, "start": starts,
                    "partner": [self.ids["partners"][c] for c in customers],
                    "address": [self.ids["addresses"][c] for c in customers],
                    "job": [self.ids["job_types"][g % 2] for g in range(count)],
                })
                self.ids["serial"] += count
                if state == "draft" and ids:
                    cr.execute("DELETE FROM field_work_order_technician_rel r USING field_work_order o "
                               "WHERE o.id = r.work_order_id AND o.id = ANY(%s) AND o.user_id IS NULL", [ids])
        conn.commit()
        conn.close()
        with self.server.pg() as conn, conn.cursor() as cr:
            cr.execute("ANALYZE field_work_order")
        self.ids["history"] = size
        self.save()
        print(f"history: {add} orders added around the week with SQL ({time.perf_counter() - started:.1f} s)",
              flush=True)

    # -- flows ------------------------------------------------------------------
    def run_size(self, size):
        self.grow_history(size)
        total = self.admin("field.work.order", "search_count", [])
        print(f"\n== {size} orders around the week, {total} in the database; load average "
              "%.2f %.2f %.2f" % os.getloadavg(), flush=True)
        self.week(size, total)
        self.drop(size)

    def week(self, size, total):
        office = self.client("bench_dispatcher")
        start, end = self.ids["week"]

        def board():
            answer = office("field.work.order", "get_dispatch_board", start, end)
            return (sum(1 for row in answer["technicians"] for b in row["orders"] if not b["helper"])
                    + sum(len(v["orders"]) for v in answer["subcontractors"]), len(answer["unplanned"]),
                    len(answer["conflicts"]), len(answer["technicians"]))

        def calendar():
            # the calendar view's own read of a week: start <= end of range, stop >= its start
            return len(office("field.work.order", "search_read",
                              TO_DO + [("scheduled_start", "<=", end), ("scheduled_end", ">=", start)],
                              CALENDAR_FIELDS))

        figures = {}
        for key, fn in (("ours", board), ("native", calendar)):
            fn()  # warm-up: views, rules, the registry's caches
            runs = [self.measure(fn) for _ in range(3)]  # best of 3: the machine's load is not ours
            figures[key] = min(runs, key=lambda run: run[1])
        (blocks, queue, conflicts, people), *ours = figures["ours"]
        rows, *native = figures["native"]
        self.record("week view: get_dispatch_board (vs calendar search_read)", size, total,
                    ours[:2], native[:2],
                    f"board: {blocks} orders on {people} technicians, {queue} in the queue, {conflicts} "
                    f"conflicts; calendar: {rows} orders")

    def drop(self, size):
        """A drop on the board against the form's two calls, on 2 x 50 new draft orders with parts."""
        office = self.client("bench_dispatcher")
        techs = self.ids["technicians"]
        monday = datetime.strptime(self.ids["monday"], WIRE) + timedelta(days=7 + self.ids["drops"] % 5)
        self.ids["drops"] += 1
        vals = [dict(self.order_vals(i, False, monday), scheduled_start=False, deadline=False)
                for i in range(2 * (DROPS + 1))]
        orders = office("field.work.order", "create", vals)
        slots = [(techs[i % len(techs)], utc(monday + timedelta(hours=8 + i // len(techs))))
                 for i in range(2 * (DROPS + 1))]
        pairs = list(zip(orders, slots, strict=True))
        planned, formed = pairs[:DROPS + 1], pairs[DROPS + 1:]
        # warm-up, not measured: one of each
        self.plan_one(office, *planned.pop())
        self.form_one(office, *formed.pop())

        def plan():
            for order, slot in planned:
                self.plan_one(office, order, slot)

        def form():
            for order, slot in formed:
                self.form_one(office, order, slot)

        _r, *ours = self.measure(plan)
        _r, *native = self.measure(form)
        states = [(s["state"], s["state_count"]) for s in office(
            "field.work.order", "read_group", [("id", "in", orders)], ["state"], ["state"])]
        pickings = office("stock.picking", "search_count", [("fwo_order_id", "in", orders)])
        self.record("drop: action_plan (vs write + action_schedule), per order", size, len(planned),
                    ours[:2], native[:2],
                    f"{len(planned)} vs {len(formed)} orders; states {states}; "
                    f"{pickings} preparation transfers")
        self.save()

    def plan_one(self, office, order, slot):
        tech, start = slot
        office("field.work.order", "action_plan", [order], tech, start.strftime(WIRE),
               (start + timedelta(hours=1)).strftime(WIRE))

    def form_one(self, office, order, slot):
        tech, start = slot
        office("field.work.order", "write", [order], {
            "user_id": tech, "scheduled_start": start.strftime(WIRE),
            "scheduled_end": (start + timedelta(hours=1)).strftime(WIRE)})
        office("field.work.order", "action_schedule", [order])


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--db", default="fwo_bench_dispatch")
    parser.add_argument("--sizes", default="1000,10000", help="orders around the week, comma-separated")
    parser.add_argument("--template", help="template database (default: <db>_base)")
    parser.add_argument("--fresh", action="store_true", help="drop --db first (the template is kept)")
    parser.add_argument("--json", type=Path, default=ROOT / "tests" / "bench" / "results" / "dispatch.json")
    args = parser.parse_args()
    sizes = [int(s) for s in args.sizes.split(",")]

    started = time.perf_counter()
    ensure_db(args.db, args.template or f"{args.db}_base", args.fresh, MODULES)
    server = OdooServer(args.db)
    load_start = [round(x, 2) for x in os.getloadavg()]
    print("load average (1, 5, 15 min): %.2f %.2f %.2f" % tuple(load_start), flush=True)
    server.start()
    try:
        bench = DispatchBench(server, args)
        bench.setup()
        print(HEADER)
        for size in sizes:
            if size < bench.ids["history"]:
                raise SystemExit(f"{args.db} already holds {bench.ids['history']} orders around the week: "
                                 "use --fresh or another --db")
            bench.run_size(size)
    finally:
        server.stop()
    total = time.perf_counter() - started
    args.json.parent.mkdir(parents=True, exist_ok=True)
    runs, results = [], []
    if args.json.exists():  # keep the other sizes of earlier runs
        earlier = json.loads(args.json.read_text())
        runs = [r for r in earlier["runs"] if not set(r["sizes"]) <= set(sizes)]
        results = [r for r in earlier["results"] if r["size"] not in sizes]
    runs.append({"date": datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M UTC"), "sizes": sizes,
                 "seconds": round(total), "cpus": os.cpu_count(), "load_average_start": load_start,
                 "load_average_end": [round(x, 2) for x in os.getloadavg()]})
    results = sorted(results + bench.results, key=lambda r: (r["size"], r["flow"]))
    args.json.write_text(json.dumps({"runs": runs, "results": results}, indent=1) + "\n")
    print(f"\n{HEADER}")
    for row in bench.results:
        print(format_row(row))
    print(f"\nwritten: {args.json} (whole run {total / 60:.1f} min)")


if __name__ == "__main__":
    sys.exit(main())
