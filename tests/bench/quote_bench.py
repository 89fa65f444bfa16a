"""Quotes approved on site and invoiced, against Odoo's quotations with optional products.

Not a test (pytest does not collect tests/bench). Run from the repository root, on a
machine doing nothing else:

    .venv/bin/python tests/bench/quote_bench.py --count 200

The database ``--db`` is a copy of twins_bench's template (our addons, repair,
sale_management, sale_stock, no demo data), made on first use; each run adds its own
``--count`` orders and sale orders, so runs can be repeated on the same database. Measured
over JSON-RPC, wall time on the client and SQL queries from Odoo's request log
(twins_bench's ``Bench.measure``):

- approving: ``count`` work orders in progress, each with a sent quote of 3 options x 5
  lines, approved one RPC each as the dispatcher (``action_approve`` with a signature: the
  second option's lines become planned parts and charges of the order) against confirming
  as many quotations with the same 5 lines and 10 optional products (sale_management's
  ``sale.order.option``), one ``action_confirm`` RPC each (Odoo's delivery per order);
- invoicing: the completed orders, one invoice each with labor, parts and the approved
  option (``action_create_invoices_per_order``), against Odoo's invoicing wizard on the
  confirmed sale orders (``sale.advance.payment.inv``, as ``_create_invoices``).

The invoices' count and total are printed beside each row: the same work, billed.
"""

import argparse
import base64
import json
import os
import time
from datetime import datetime, timedelta, timezone
from pathlib import Path

from twins_bench import HEADER, ROOT, Bench, ensure_db, format_row, tiny_jpeg

from scripts._odoo_server import OdooServer  # noqa: E402 - ROOT is on sys.path (twins_bench)

OPTIONS = ("Repair", "Replace", "Replace + 5-year care")
LINES = 5  # per option
LABOR_HOURS = 1.5


class QuoteBench(Bench):
    def run(self, count):
        office = self.client("bench_dispatcher")
        accountant = self.client("bench_accountant")
        techs = self.ids["technicians"]
        products = self.ids["products"]
        self.customers(count)
        serial = self.admin("field.work.order", "search_count", [])
        start = datetime.now(timezone.utc).replace(tzinfo=None, microsecond=0) + timedelta(hours=1)
        vals = [self.order_vals(serial + i, techs[i % len(techs)], start + timedelta(minutes=10 * i))
                for i in range(count)]
        for v in vals:  # no planned parts: what is billed comes from the labor and the quote
            v.pop("material_ids")
        orders = office("field.work.order", "create", vals)
        office("field.work.order", "action_schedule", orders)
        office("field.work.order", "action_start", orders)

        def lines(i, k):
            return [(0, 0, {"product_id": products[(i + k * LINES + j) % len(products)],
                            "quantity": 1 + j % 3}) for j in range(LINES)]

        quotes = office("field.work.order.quote", "create", [{
            "work_order_id": order,
            "option_ids": [(0, 0, {"name": name, "sequence": k, "line_ids": lines(i, k)})
                           for k, name in enumerate(OPTIONS)],
        } for i, order in enumerate(orders)])
        office("field.work.order.quote", "action_send", quotes)
        options = office("field.work.order.quote.option", "search_read",
                         [("quote_id", "in", quotes)], ["quote_id", "sequence"], order="quote_id, sequence")
        second = {o["quote_id"][0]: o["id"] for o in options if o["sequence"] == 1}
        signature = base64.b64encode(tiny_jpeg()).decode()

        sales = office("sale.order", "create", [{
            "partner_id": v["partner_id"], "partner_shipping_id": v["service_partner_id"],
            "order_line": [(0, 0, {"product_id": command[2]["product_id"],
                                   "product_uom_qty": command[2]["quantity"]})
                           for command in lines(i, 1)],
            "sale_order_option_ids": [(0, 0, {"product_id": command[2]["product_id"],
                                              "quantity": command[2]["quantity"]})
                                      for k in (0, 2) for command in lines(i, k)],
        } for i, v in enumerate(vals)])

        def approve():
            for quote in quotes:
                office("field.work.order.quote", "action_approve", [quote], second[quote], signature,
                       "Bench Customer")

        def confirm():
            for sale in sales:
                office("sale.order", "action_confirm", [sale])

        _r, *ours = self.measure(approve)
        _r, *native = self.measure(confirm)
        planned = office("field.work.order.material", "search_count",
                         [("work_order_id", "in", orders), ("quote_line_id", "!=", False)])
        self.record(f"approve N quotes, {len(OPTIONS)} options x {LINES} lines (vs confirm N quotations)",
                    count, count, ours[:2], native[:2],
                    f"{planned} approved lines on the orders; 10 optional products per quotation")

        # The technicians' day, not measured: 1.5 h of labor, the approved parts used, done.
        conn = self.server.pg()
        with conn.cursor() as cr:
            cr.execute("UPDATE field_work_order_labor SET date_start = now() at time zone 'utc' - interval "
                       "'2 hours', date_end = now() at time zone 'utc' - interval '30 minutes', duration = %s "
                       "WHERE work_order_id = ANY(%s)", [LABOR_HOURS, orders])
        conn.close()
        parts = office("field.work.order.material", "search_read", [("work_order_id", "in", orders)],
                       ["product_uom_qty"])
        for qty in {p["product_uom_qty"] for p in parts}:  # one write per quantity, not per line
            office("field.work.order.material", "write",
                   [p["id"] for p in parts if p["product_uom_qty"] == qty], {"quantity_used": qty})
        checks = office("field.work.order.checklist.line", "search", [("work_order_id", "in", orders)])
        office("field.work.order.checklist.line", "write", checks, {"done": True})
        office("field.work.order", "action_complete", orders)

        def ours_invoice():
            accountant("field.work.order", "action_create_invoices_per_order", orders)

        def native_invoice():
            wizard = accountant("sale.advance.payment.inv", "create", {
                "advance_payment_method": "delivered", "consolidated_billing": False,
                "sale_order_ids": [(6, 0, sales)]}, context=dict(
                    accountant.context, active_model="sale.order", active_ids=sales))
            accountant("sale.advance.payment.inv", "create_invoices", [wizard])

        _r, *ours = self.measure(ours_invoice)
        # Odoo invoices what was delivered: deliver the confirmed lines first (not measured).
        pickings = office("stock.picking", "search", [("sale_id", "in", sales), ("state", "!=", "done")])
        office("stock.picking", "action_assign", pickings)
        moves = office("stock.move", "search_read", [("picking_id", "in", pickings)], ["product_uom_qty"])
        for qty in {m["product_uom_qty"] for m in moves}:
            office("stock.move", "write", [m["id"] for m in moves if m["product_uom_qty"] == qty],
                   {"quantity": qty, "picked": True})
        office("stock.picking", "button_validate", pickings,
               context=dict(office.context, skip_backorder=True, skip_sms=True))
        _r, *native = self.measure(native_invoice)
        totals = {}
        for key, domain in (("ours", [("fwo_order_ids", "in", orders)]),
                            ("native", [("line_ids.sale_line_ids.order_id", "in", sales)])):
            moves = accountant("account.move", "search_read", domain, ["amount_total"])
            totals[key] = (len(moves), round(sum(m["amount_total"] for m in moves), 2))
        self.record("invoice N orders with an approved option (vs sale.order._create_invoices)", count,
                    count, ours[:2], native[:2],
                    f"invoices and total: ours {totals['ours']}, native {totals['native']} "
                    "(ours adds the labor)")


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--db", default="fwo_bench_quotes")
    parser.add_argument("--template", default="fwo_bench_twins_base")
    parser.add_argument("--count", type=int, default=200, help="quotes approved and orders invoiced")
    parser.add_argument("--fresh", action="store_true", help="drop --db first (the template is kept)")
    parser.add_argument("--json", type=Path, default=ROOT / "tests" / "bench" / "results" / "quotes.json")
    args = parser.parse_args()

    started = time.perf_counter()
    ensure_db(args.db, args.template, args.fresh)
    server = OdooServer(args.db)
    load_start = [round(x, 2) for x in os.getloadavg()]
    server.start()
    try:
        bench = QuoteBench(server, args)
        bench.setup()
        print(HEADER)
        bench.run(args.count)
    finally:
        server.stop()
    total = time.perf_counter() - started
    args.json.parent.mkdir(parents=True, exist_ok=True)
    args.json.write_text(json.dumps({
        "runs": [{"date": datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M UTC"), "count": args.count,
                  "seconds": round(total), "cpus": os.cpu_count(), "load_average_start": load_start,
                  "load_average_end": [round(x, 2) for x in os.getloadavg()]}],
        "results": bench.results,
    }, indent=1) + "\n")
    print(f"\n{HEADER}")
    for row in bench.results:
        print(format_row(row))
    print(f"\nwritten: {args.json} (whole run {total / 60:.1f} min)")


if __name__ == "__main__":
    main()
