"""Customer equipment at 100,000 units, side by side with Odoo's own records, same run.

Not a test (pytest does not collect tests/bench). Run from the repository root, on a
machine doing nothing else:

    .venv/bin/python tests/bench/equipment_bench.py            # --sites 10000 --units 10

It creates a scratch database ``--db`` with our addons and Odoo's ``maintenance`` (no
demo data), fills it with SQL copies of records first made through the ORM (timed: the
setup), starts Odoo on a free port, measures over JSON-RPC as an office user (wall time
on the client, SQL queries from Odoo's request log, as twins_bench's ``Bench.measure``)
and drops the database at the end (``--keep`` keeps it):

- ``--sites`` customers with one site each and ``--units`` units per site, two past
  orders per site naming all its units, one reading per unit and visit, five parts per
  order tagged to units; as many ``maintenance.equipment`` with two maintenance requests
  each, and as many ``stock.lot`` serials of one product;
- a unit's history opening (the unit's form read with its orders and readings, then its
  parts and photos) against a ``maintenance.equipment`` form and its requests;
- a serial search (``name_search``, and an exact search on ``serial_number``) against
  ``stock.lot``'s ``name_search`` and exact search on ``name``;
- a technician's pull of 200 jobs (one page of ``sync_pull``) at sites with 5, then
  50 units each: the query count must not change.
"""

import argparse
import json
import os
import random
import shutil
import subprocess
import time
from datetime import datetime, timedelta, timezone

from twins_bench import HEADER, ROOT, Bench, clone, format_row

from scripts._odoo_server import DATA_DIR, OdooServer, drop_database  # noqa: E402

WIRE = "%Y-%m-%d %H:%M:%S"
MODULES = "field_work_order,field_work_order_mobile,maintenance"
ORDERS_PER_SITE = 2  # past visits per site, each naming all the site's units
PARTS = 5  # parts per past order, each tagged to one of the site's units
JOBS = 200  # the technician's open jobs, one per extra site
PULL_UNITS = (5, 50)  # units per site of the technician's jobs
SAMPLE = 50  # units opened and serials searched per measurement


def create_db(db):
    """A scratch database with our addons and Odoo's maintenance app, no demo data."""
    drop_database(db)
    shutil.rmtree(DATA_DIR / "filestore" / db, ignore_errors=True)
    print(f"creating {db} ({MODULES}; a few minutes)...", flush=True)
    subprocess.run(OdooServer(db).command() + [
        "-i", MODULES, "--without-demo=all", "--stop-after-init", "--log-level=warn",
    ], check=True)


class EquipmentBench(Bench):
    def setup(self):
        """Users, one of each record made through the ORM, then the bulk copied with SQL."""
        admin, ref = self.admin, self.ref
        company = admin("res.users", "read", [admin.uid], ["company_id"])[0]["company_id"][0]
        base = [ref("base.group_user")]
        office = admin("res.users", "create", {
            "name": "Bench Office", "login": "bench_office", "password": "bench_office",
            "email": "bench_office@example.com",
            "groups_id": [(6, 0, base + [ref("field_work_order.group_dispatcher"),
                                         ref("stock.group_stock_user"),
                                         ref("maintenance.group_equipment_manager")])]})
        tech = admin("res.users", "create", {
            "name": "Bench Technician", "login": "bench_tech", "password": "bench_tech",
            "email": "bench_tech@example.com",
            "groups_id": [(6, 0, base + [ref("field_work_order.group_technician")])]})
        customer = admin("res.partner", "create", {
            "name": "Bench Customer", "is_company": True, "street": "1 Main Street", "city": "Springfield",
            "child_ids": [(0, 0, {"type": "delivery", "name": "Site", "street": "1 Side Road"})]})
        site = admin("res.partner", "read", [customer], ["child_ids"])[0]["child_ids"][0]
        products = admin("product.product", "create", [
            {"name": f"Bench part {i}", "type": "consu"} for i in range(PARTS)])
        model = admin("product.product", "create", {
            "name": "Bench condenser", "type": "consu", "is_storable": True, "tracking": "serial"})
        unit = admin("field.work.order.equipment", "create", {
            "name": "Condenser", "partner_id": customer, "service_partner_id": site,
            "location_note": "Roof, east side", "product_id": model, "manufacturer": "Bench",
            "serial_number": "TEMPLATE", "install_date": "2021-04-01", "warranty_end": "2027-03-31"})
        order = admin("field.work.order", "create", {
            "partner_id": customer, "service_partner_id": site, "description": "Yearly service",
            "equipment_ids": [(6, 0, [unit])],
            "material_ids": [(0, 0, {"product_id": p, "product_uom_qty": 1, "equipment_id": unit})
                             for p in products]})
        lot = admin("stock.lot", "create", {"name": "TEMPLATE", "product_id": model})
        equipment = admin("maintenance.equipment", "create", {
            "name": "Condenser", "serial_no": "TEMPLATE", "location": "Roof, east side"})
        request = admin("maintenance.request", "create", {
            "name": "Yearly service", "equipment_id": equipment, "maintenance_type": "preventive"})
        self.ids = {"company": company, "office": office, "tech": tech, "customer": customer,
                    "site": site, "unit": unit, "order": order, "lot": lot, "equipment": equipment,
                    "request": request, "model": model}
        self.next_visit = 0

    def fill(self, sites, per_site):
        """``sites`` customers and sites, their units, visits, readings and parts; the twins."""
        ids = self.ids
        conn = self.server.pg()
        conn.autocommit = False
        with conn.cursor() as cr:
            self.customers_sites = self.partners(cr, sites, "Bench Customer")
            customers = [c for c, _s in self.customers_sites]
            site_ids = [s for _c, s in self.customers_sites]
            units = self.units(cr, self.customers_sites, per_site, 0)
            orders = self.visits(cr, self.customers_sites)
            count = len(units)
            lots = clone(cr, "stock_lot", ids["lot"], "generate_series(1, %(n)s) s(g)", {
                "name": "'LOT-' || lpad(s.g::text, 6, '0')"}, {"n": count})
            equipment = clone(cr, "maintenance_equipment", ids["equipment"], "generate_series(1, %(n)s) s(g)", {
                "name": "jsonb_build_object('en_US', 'Condenser ' || s.g)",
                "serial_no": "'MSN-' || lpad(s.g::text, 6, '0')"}, {"n": count})
            requests = clone(cr, "maintenance_request", ids["request"],
                             "unnest(%(e)s::int[]) WITH ORDINALITY s0(e, g0), generate_series(1, %(n)s) k, "
                             "LATERAL (SELECT s0.g0 * 10 + k AS g) s", {
                                 "equipment_id": "s0.e", "name": "'Yearly service ' || s.g",
                                 "request_date": "(now() - (k * interval '90 days'))::date"},
                             {"e": equipment, "n": ORDERS_PER_SITE})
            for table in ("res_partner", "field_work_order", "field_work_order_equipment",
                          "field_work_order_equipment_rel", "field_work_order_reading",
                          "field_work_order_material", "stock_lot", "maintenance_equipment",
                          "maintenance_request"):
                cr.execute(f"ANALYZE {table}")  # noqa: S608 - our table names
        conn.commit()
        conn.close()
        self.units_sample = random.Random(21).sample(units, SAMPLE)
        self.equipment_sample = random.Random(21).sample(equipment, SAMPLE)
        return {"customers": len(customers), "sites": len(site_ids), "units": count,
                "orders": len(orders), "lots": len(lots), "maintenance_equipment": len(equipment),
                "maintenance_requests": len(requests)}

    def visits(self, cr, customers_sites):
        """Past visits at each site naming all its units, a reading per unit, parts tagged to units."""
        ids = self.ids
        orders = clone(cr, "field_work_order", ids["order"],
                       "unnest(%(c)s::int[], %(s)s::int[]) WITH ORDINALITY s0(c, site, i), "
                       "generate_series(1, %(n)s) k, LATERAL (SELECT %(first)s + s0.i * 10 + k AS g) s", {
                           "name": "'BENCH/EQ/' || s.g", "partner_id": "s0.c",
                           "service_partner_id": "s0.site", "state": "'done'", "access_token": "NULL",
                           "scheduled_start": "now() at time zone 'utc' - (k * interval '90 days')"},
                       {"c": [c for c, _s in customers_sites], "s": [s for _c, s in customers_sites],
                        "n": ORDERS_PER_SITE, "first": self.next_visit})
        self.next_visit += 10 * (len(customers_sites) + 1)
        self.link(cr, orders)
        # The template order's parts on each copy, the k-th part tagged to the site's k-th unit.
        cr.execute("SELECT column_name FROM information_schema.columns WHERE table_name = "
                   "'field_work_order_material' AND column_name NOT IN ('id', 'work_order_id', "
                   "'equipment_id')")
        columns = [c for (c,) in cr.fetchall()]
        cr.execute(
            f"INSERT INTO field_work_order_material ({', '.join(columns)}, work_order_id, equipment_id) "  # noqa: S608
            f"SELECT {', '.join('m.' + c for c in columns)}, o.id, u.id FROM field_work_order o "
            "JOIN field_work_order_material m ON m.work_order_id = %s "
            "JOIN LATERAL (SELECT id FROM field_work_order_equipment e "
            "WHERE e.service_partner_id = o.service_partner_id ORDER BY id "
            "OFFSET (SELECT count(*) FROM field_work_order_material m2 "
            "WHERE m2.work_order_id = m.work_order_id AND m2.id < m.id) LIMIT 1) u ON true "
            "WHERE o.id = ANY(%s)", [ids["order"], orders])
        return orders

    def link(self, cr, orders):
        """Name every unit of the orders' sites on the orders; a reading per new unit on past visits."""
        cr.execute(
            "WITH new AS (INSERT INTO field_work_order_equipment_rel (work_order_id, equipment_id) "
            "SELECT o.id, u.id FROM field_work_order o JOIN field_work_order_equipment u "
            "ON u.service_partner_id = o.service_partner_id WHERE o.id = ANY(%s) "
            "ON CONFLICT DO NOTHING RETURNING work_order_id, equipment_id) "
            "INSERT INTO field_work_order_reading (equipment_id, work_order_id, company_id, name, "
            "value, uom, min_value, max_value, has_range, out_of_range, taken_on, create_uid, "
            "create_date, write_uid, write_date) "
            "SELECT r.equipment_id, r.work_order_id, %s, 'Suction pressure', 60 + (r.equipment_id %% 25), "
            "'psi', 60, 80, true, (r.equipment_id %% 25) > 20, o.scheduled_start, 1, now(), 1, now() "
            "FROM new r JOIN field_work_order o ON o.id = r.work_order_id WHERE o.state = 'done'",
            [orders, self.ids["company"]])

    def partners(self, cr, count, prefix):
        """``count`` customers, each with one service address: [(customer, site)]."""
        ids = self.ids
        customers = clone(cr, "res_partner", ids["customer"], "generate_series(1, %(n)s) s(g)", {
            "name": f"'{prefix} ' || s.g", "complete_name": f"'{prefix} ' || s.g",
            "commercial_partner_id": "NULL"}, {"n": count})
        cr.execute("UPDATE res_partner SET commercial_partner_id = id WHERE id = ANY(%s)", [customers])
        sites = clone(cr, "res_partner", ids["site"], "unnest(%(c)s::int[]) WITH ORDINALITY s(c, g)", {
            "name": "'Site ' || s.g", "parent_id": "s.c", "commercial_partner_id": "s.c",
            "complete_name": f"'{prefix} ' || s.g || ', Site ' || s.g"}, {"c": customers})
        return list(zip(customers, sites, strict=True))

    def units(self, cr, customers_sites, per_site, first):
        """``per_site`` units at each site, serials numbered from ``first``."""
        return clone(cr, "field_work_order_equipment", self.ids["unit"],
                     "unnest(%(c)s::int[], %(s)s::int[]) WITH ORDINALITY s0(c, site, i), "
                     "generate_series(1, %(n)s) k, LATERAL (SELECT %(first)s + (s0.i - 1) * %(n)s + k AS g) s", {
                         "name": "'Unit ' || s.g", "partner_id": "s0.c", "service_partner_id": "s0.site",
                         "serial_number": "'SN-' || lpad(s.g::text, greatest(6, length(s.g::text)), '0')",
                         "access_token": "NULL"},
                     {"c": [c for c, _s in customers_sites], "s": [s for _c, s in customers_sites],
                      "n": per_site, "first": first})

    # -- measurements -------------------------------------------------------------
    def history(self, size):
        office = self.client("bench_office")
        unit_spec = {
            "name": {}, "serial_number": {}, "partner_id": {"fields": {"display_name": {}}},
            "service_partner_id": {"fields": {"display_name": {}}}, "location_note": {},
            "product_id": {"fields": {"display_name": {}}}, "install_date": {}, "warranty_end": {},
            "under_warranty": {}, "active": {}, "order_count": {},
            "order_ids": {"fields": {"name": {}, "state": {}, "scheduled_start": {},
                                     "user_id": {"fields": {"display_name": {}}}},
                          "order": "scheduled_start desc, id desc"},
            "reading_ids": {"fields": {"name": {}, "value": {}, "uom": {}, "out_of_range": {}, "taken_on": {},
                                       "work_order_id": {"fields": {"display_name": {}}}}},
        }
        part_spec = {"work_order_id": {"fields": {"display_name": {}}}, "product_id": {"fields": {"display_name": {}}},
                     "quantity_used": {}, "lot_id": {"fields": {"display_name": {}}}}
        photo_spec = {"work_order_id": {"fields": {"display_name": {}}}, "kind": {}, "note": {}, "taken_on": {}}
        equipment_spec = {
            "name": {}, "serial_no": {}, "category_id": {"fields": {"display_name": {}}},
            "owner_user_id": {"fields": {"display_name": {}}}, "location": {}, "effective_date": {},
            "warranty_date": {}, "maintenance_count": {}, "maintenance_open_count": {},
            "maintenance_team_id": {"fields": {"display_name": {}}},
        }
        request_spec = {"name": {}, "request_date": {}, "stage_id": {"fields": {"display_name": {}}},
                        "user_id": {"fields": {"display_name": {}}}, "maintenance_type": {}, "schedule_date": {}}
        seen = {}

        def ours():
            for unit in self.units_sample:
                record = office("field.work.order.equipment", "web_read", [unit], unit_spec)[0]
                parts = office("field.work.order.material", "web_search_read", [("equipment_id", "=", unit)],
                               part_spec, order="id desc", limit=80)
                office("field.work.order.photo", "web_search_read", [("equipment_id", "=", unit)], photo_spec,
                       order="taken_on desc", limit=80)
                seen["ours"] = (len(record["order_ids"]), len(record["reading_ids"]), parts["length"])

        def native():
            for equipment in self.equipment_sample:
                office("maintenance.equipment", "web_read", [equipment], equipment_spec)
                requests = office("maintenance.request", "web_search_read", [("equipment_id", "=", equipment)],
                                  request_spec, order="request_date desc, id desc", limit=80)
                seen["native"] = requests["length"]

        _r, *mine = self.measure(ours)
        _r, *theirs = self.measure(native)
        visits, readings, parts = seen["ours"]
        self.record("open a unit's history (vs a maintenance.equipment and its requests)", size, SAMPLE,
                    mine[:2], theirs[:2],
                    f"per unit {visits} visits, {readings} readings, {parts} parts (3 RPC); "
                    f"per equipment {seen['native']} requests (2 RPC)")

    def serial_search(self, size):
        office = self.client("bench_office")
        serials = [f"SN-{random.Random(i).randint(1, size):06d}" for i in range(SAMPLE)]
        lots = [f"LOT-{random.Random(i).randint(1, size):06d}" for i in range(SAMPLE)]
        found = {}

        def by_name(model, names, key):
            def run():
                found[key] = sum(len(office(model, "name_search", name, limit=8)) for name in names)
            return run

        def exact(model, field, names, key):
            def run():
                found[key] = sum(len(office(model, "search_read", [(field, "=", name)], ["display_name"]))
                                 for name in names)
            return run

        for label, ours_fn, native_fn, ours_key, native_key in (
            ("serial search, name_search (vs stock.lot name_search)",
             by_name("field.work.order.equipment", serials, "ours"), by_name("stock.lot", lots, "native"),
             "ours", "native"),
            ("serial search, exact serial_number (vs stock.lot exact name)",
             exact("field.work.order.equipment", "serial_number", serials, "ours_exact"),
             exact("stock.lot", "name", lots, "native_exact"), "ours_exact", "native_exact"),
        ):
            _r, *mine = self.measure(ours_fn)
            _r, *theirs = self.measure(native_fn)
            self.record(label, size, SAMPLE, mine[:2], theirs[:2],
                        f"{found[ours_key]} units found, {found[native_key]} lots found")

    def pull(self, size):
        """200 jobs of one technician at 200 more sites; one page of the pull at 5 then 50 units per site."""
        ids = self.ids
        conn = self.server.pg()
        conn.autocommit = False
        with conn.cursor() as cr:
            job_sites = self.partners(cr, JOBS, "Bench Job Customer")
            first_serial = 10 * size
            self.units(cr, job_sites, PULL_UNITS[0], first_serial)
            past = self.visits(cr, job_sites)
        conn.commit()
        office = self.client("bench_office")
        start = datetime.now(timezone.utc).replace(tzinfo=None, microsecond=0) + timedelta(hours=1)
        jobs = office("field.work.order", "create", [{
            "partner_id": customer, "service_partner_id": site, "user_id": ids["tech"],
            "description": "Yearly service", "scheduled_start": (start + timedelta(minutes=5 * i)).strftime(WIRE),
        } for i, (customer, site) in enumerate(job_sites)])
        office("field.work.order", "action_schedule", jobs)
        tech = self.client("bench_tech")
        tech("field.work.order", "sync_pull", limit=5)  # warm the caches
        added = PULL_UNITS[0]
        got = {}

        def page():
            orders = tech("field.work.order", "sync_pull", cursor=False, limit=JOBS)["orders"]
            got["orders"] = len(orders)
            got["units"] = sum(len(o.get("equipment") or ()) for o in orders)
            got["visits"] = sum(len(u.get("history") or ()) for o in orders for u in o.get("equipment") or ())
            got["carries"] = bool(orders) and "equipment" in orders[0]

        for per_site in PULL_UNITS:
            with conn.cursor() as cr:
                if per_site > added:
                    self.units(cr, job_sites, per_site - added, first_serial + 1000 * JOBS)
                    added = per_site
                self.link(cr, jobs + past)
                cr.execute("UPDATE field_work_order SET sync_txid = pg_current_xact_id()::text::bigint "
                           "WHERE id = ANY(%s)", [jobs])
                cr.execute("ANALYZE field_work_order_equipment_rel")
            conn.commit()
            _r, *mine = self.measure(page)
            carried = (f"{got['units']} units with {got['visits']} past visits carried" if got["carries"]
                       else "the pull carries no units")
            self.record(f"technician's pull, {JOBS} jobs with {per_site} units each (one page)", size,
                        got["orders"], mine[:2], None, carried)
        conn.close()


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--db", default="fwo_bench_equipment")
    parser.add_argument("--sites", type=int, default=10000)
    parser.add_argument("--units", type=int, default=10, help="units per site")
    parser.add_argument("--keep", action="store_true", help="do not drop --db at the end")
    parser.add_argument("--json", default=str(ROOT / "tests" / "bench" / "results" / "equipment.json"))
    args = parser.parse_args()

    started = time.perf_counter()
    load_start = [round(x, 2) for x in os.getloadavg()]
    print("load average (1, 5, 15 min): %.2f %.2f %.2f" % tuple(load_start), flush=True)
    create_db(args.db)
    installed = time.perf_counter() - started
    server = OdooServer(args.db)
    server.start()
    try:
        bench = EquipmentBench(server, args)
        setup_start = time.perf_counter()
        bench.setup()
        counts = bench.fill(args.sites, args.units)
        setup = time.perf_counter() - setup_start
        size = counts["units"]
        print(f"setup: {counts} in {setup:.0f} s (install {installed:.0f} s)\n{HEADER}", flush=True)
        bench.history(size)
        bench.serial_search(size)
        bench.pull(size)
    finally:
        server.stop()
        if not args.keep:
            drop_database(args.db)
            shutil.rmtree(DATA_DIR / "filestore" / args.db, ignore_errors=True)
    total = time.perf_counter() - started
    with open(args.json, "w") as out:
        json.dump({
            "runs": [{"date": datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M UTC"), "seconds": round(total),
                      "install_seconds": round(installed), "setup_seconds": round(setup), "data": counts,
                      "cpus": os.cpu_count(), "load_average_start": load_start,
                      "load_average_end": [round(x, 2) for x in os.getloadavg()]}],
            "results": bench.results,
        }, out, indent=1)
        out.write("\n")
    print(f"\n{HEADER}")
    for row in bench.results:
        print(format_row(row))
    print(f"\nwritten: {args.json} (whole run {total / 60:.1f} min)")


if __name__ == "__main__":
    main()
