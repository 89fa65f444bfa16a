"""Maintenance agreement benchmark: a year of visits for 1,000 agreements x 3 sites.

Not a test (pytest does not collect it). Run from the repository root, Odoo's
source in ODOO_SRC (default /opt/odoo/18.0), on a database where
field_work_order is installed (it is changed: use a copy):

    .venv/bin/python tests/bench/agreement_bench.py --db fwo_bench [--agreements 1000]
        [--sites 3] [--months 12] [--json FILE]

It creates ``--agreements`` monthly agreements of ``--sites`` sites each, whose
first visit was ``--months`` months ago, then measures with the server's own
code (the daily cron: a batch of 100 agreements per call and transaction):

1. the first run, which creates every visit of the past year: time, SQL
   queries, orders created, peak resident memory of the process so far;
2. a second run the same day, with that history in the database: nothing is
   due; time and queries should not depend on the history, nor should the peak
   memory grow.
"""

import argparse
import json
import os
import resource
import sys
import time
from datetime import date

from dateutil.relativedelta import relativedelta

ODOO_SRC = os.environ.get("ODOO_SRC", "/opt/odoo/18.0")
sys.path.insert(0, ODOO_SRC)

import odoo  # noqa: E402
from odoo import SUPERUSER_ID, api  # noqa: E402
from odoo.tools import config  # noqa: E402


def measure(registry, label):
    """Run the daily cron on its own cursor; return its figures."""
    with registry.cursor() as cr:
        env = api.Environment(cr, SUPERUSER_ID, {})
        Order = env["field.work.order"]
        before = Order.search_count([("agreement_id", "!=", False)])
        queries = cr.sql_log_count
        started = time.perf_counter()
        calls = 0
        while True:  # as Odoo's cron does: a batch per call, a commit after each
            calls += 1
            _done, remaining = env["field.work.order.agreement"]._cron_generate_orders()
            cr.commit()
            env.invalidate_all()
            if not remaining:
                break
        seconds = time.perf_counter() - started
        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024  # Linux: KiB
        queries = cr.sql_log_count - queries
        created = Order.search_count([("agreement_id", "!=", False)]) - before
    result = {"run": label, "cron_calls": calls, "seconds": round(seconds, 1), "queries": queries,
              "orders_created": created, "peak_rss_mib": round(peak / 2**20, 1)}
    print(json.dumps(result))
    return result


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", required=True)
    parser.add_argument("--agreements", type=int, default=1000)
    parser.add_argument("--sites", type=int, default=3)
    parser.add_argument("--months", type=int, default=12)
    parser.add_argument("--json")
    args = parser.parse_args()
    config.parse_config([
        f"--addons-path={ODOO_SRC}/addons,{ODOO_SRC}/odoo/addons,{os.getcwd()}",
        "--db_host", os.environ.get("DB_HOST", "127.0.0.1"),
        "--db_port", os.environ.get("DB_PORT", "5432"),
        "--db_user", os.environ.get("DB_USER", "odoo"),
        "--db_password", os.environ.get("DB_PASSWORD", "odoo"),
        "-d", args.db, "--log-level=warn",
    ])
    registry = odoo.modules.registry.Registry(args.db)
    first_visit = date.today() - relativedelta(months=args.months) + relativedelta(days=1)
    with registry.cursor() as cr:
        env = api.Environment(cr, SUPERUSER_ID, {})
        job_type = env["field.work.order.job.type"].create({
            "name": "Bench filter change",
            "checklist_template_ids": [(0, 0, {"name": "Replace filter", "required": True}),
                                       (0, 0, {"name": "Check airflow"})],
        })
        customers = env["res.partner"].create([
            {"name": f"Bench customer {i}", "is_company": True} for i in range(args.agreements)
        ])
        sites = env["res.partner"].create([
            {"name": f"Site {s}", "parent_id": customer.id, "type": "other"}
            for customer in customers for s in range(args.sites)
        ])
        agreements = env["field.work.order.agreement"].create([{
            "name": f"Bench agreement {i}", "partner_id": customer.id,
            "service_partner_ids": [(6, 0, sites[i * args.sites:(i + 1) * args.sites].ids)],
            "job_type_id": job_type.id, "interval_number": 1, "interval_type": "month",
            "date_start": first_visit, "lead_days": 0, "price_type": "none",
        } for i, customer in enumerate(customers)])
        agreements.action_activate()
    results = {
        "agreements": args.agreements, "sites": args.sites, "months": args.months,
        "runs": [measure(registry, "first run: a year of visits"),
                 measure(registry, "second run: nothing due, history in place")],
    }
    if args.json:
        with open(args.json, "w", encoding="utf-8") as out:
            json.dump(results, out, indent=2)


if __name__ == "__main__":
    main()
