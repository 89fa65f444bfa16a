"""Two-node load: technicians syncing and dispatchers reading the board through nginx.

Not a test (pytest does not collect it). Run from the repository root:

    .venv/bin/python tests/bench/cluster_load.py [--technicians 20] [--seconds 60]

It brings the cluster up (``scripts/cluster up``: two prefork Odoo nodes, one
database, one filestore, nginx in front), makes this run's technicians and
scheduled orders, and for ``--seconds`` lets every technician work through their
jobs with the sync client (start, note and part, photo and checklist, hold,
resume and part, labor and complete, a push after each step) while the
dispatchers read the board. Then it checks the database (see
``_cluster.check_invariants``), prints throughput and latency, writes them to
``tests/bench/results/cluster_load.json`` and takes the cluster down. The exit
status is 1 when an invariant fails or the servers answered an error.
"""

import argparse
import json
import os
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from tests.bench._cluster import (  # noqa: E402
    RESULTS,
    Admin,
    Cluster,
    Dispatcher,
    Stats,
    Technician,
    check_invariants,
    prepare,
    print_checks,
    wait_reports,
)


def warm_up(cluster, per_node=4):
    """Load the registry in every worker of both nodes (a new worker's first request takes seconds)."""
    def call(url):
        Admin(url, cluster.db)("field.work.order", "search_count", [])

    threads = [threading.Thread(target=call, args=(cluster.node_url(n),))
               for n in range(1, len(cluster.node_ports) + 1) for _ in range(per_node)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()


def run_load(cluster, args, tmp, fault=None):
    """Prepare, run the technicians and dispatchers (``fault(elapsed)`` called every second), check.

    Returns (ok, result dict).
    """
    admin = Admin(cluster.url, cluster.db)
    warm_up(cluster)
    data = prepare(admin, args.technicians, args.orders_each, args.dispatchers)
    print(f"run {data.tag}: {len(data.technicians)} technicians x {args.orders_each} orders, "
          f"{len(data.dispatchers)} dispatchers, {args.seconds} s through {cluster.url}", flush=True)
    stats = Stats()
    techs = [Technician(cluster.url, cluster.db, uid, login, data.orders[uid], data.products,
                        Path(tmp) / f"{login}.sqlite3", stats) for uid, login in data.technicians]
    disps = [Dispatcher(cluster.url, cluster.db, login, stats) for _uid, login in data.dispatchers]
    logins = [threading.Thread(target=c.transport.authenticate) for c in techs + disps]
    for thread in logins:  # every phone logged in before the clock starts
        thread.start()
    for thread in logins:
        thread.join()
    logs = cluster.log_sizes()
    load_before = os.getloadavg()
    start = time.time()
    deadline = start + args.seconds
    threads = [threading.Thread(target=t.work, args=(deadline,), daemon=True) for t in techs]
    threads += [threading.Thread(target=d.work, args=(deadline,), daemon=True) for d in disps]
    for thread in threads:
        thread.start()
    events = []
    while any(t.is_alive() for t in threads):
        time.sleep(1)
        if fault:
            event = fault(time.time() - start)
            if event:
                events.append(event)
                print(f"  {time.time() - start:5.1f} s: {event}", flush=True)
        if time.time() > deadline + 300:
            print("  some clients did not stop 300 s after the deadline", flush=True)
            break
    elapsed = time.time() - start
    load_after = os.getloadavg()
    acked, queued, problems = {}, {}, []
    for tech in techs:
        acked.update(tech.finish())
        queued.update(tech.queued)
        problems += tech.problems
    for disp in disps:
        problems += disp.problems
    ids = [i for order_ids in data.orders.values() for i in order_ids]
    left = wait_reports(cluster.db, ids, args.report_timeout)
    checks, figures = check_invariants(cluster.db, data, acked, queued)
    if left:
        checks["no report email sent twice (each completed order's report once)"].append(
            f"{left} reports still waiting after {args.report_timeout} s")
    summary = stats.summary(elapsed)
    client_errors = problems + [f"{n} {kind} answers were errors" for kind, row in summary.items()
                                if kind != "all" and (n := row["errors"])]
    http_5xx, odoo_errors = cluster.http_5xx(logs), cluster.odoo_errors(logs)
    if fault is None:
        checks["zero server errors"] = [f"HTTP {line}" for line in http_5xx] + odoo_errors + client_errors
    else:  # the fault makes answers fail: the clients must retry them and carry on
        checks["the clients carried on: every failed answer retried, nothing refused or left queued"] = (
            client_errors)
    figures.update({"http_5xx": len(http_5xx), "odoo_log_errors": len(odoo_errors)})
    result = {
        "run": data.tag, "technicians": args.technicians, "dispatchers": args.dispatchers,
        "seconds": round(elapsed, 1), "requested_seconds": args.seconds,
        "workers_per_node": int(cluster.env.get("FWO_CLUSTER_WORKERS", "2")), "nodes": len(cluster.node_ports),
        "load_average_before": [round(x, 2) for x in load_before],
        "load_average_after": [round(x, 2) for x in load_after],
        "requests": summary, "operations_per_s": round(len(acked) / elapsed, 1),
        "figures": figures, "events": events,
        "checks": {name: {"ok": not fails, "failures": fails[:20]} for name, fails in checks.items()},
    }
    print(f"\n{'request':<12}{'count':>7}{'per s':>8}{'p50 ms':>8}{'p95 ms':>8}{'p99 ms':>8}"
          f"{'retried':>9}{'errors':>8}")
    for kind, row in summary.items():
        print(f"{kind:<12}{row['requests']:>7}{row['per_s']:>8}{row['p50_ms']:>8}{row['p95_ms']:>8}"
              f"{row['p99_ms']:>8}{row['retried']:>9}{row['errors']:>8}")
    print(f"\n{len(acked)} operations acknowledged in {elapsed:.1f} s ({result['operations_per_s']}/s); "
          f"{figures['orders_done']} of {figures['orders']} orders completed, "
          f"{figures['done_stock_moves']} done stock moves, {figures['report_emails']} report emails, "
          f"{figures['reports_not_emailed']} 'not emailed' notes; HTTP 5xx: {figures['http_5xx']}, "
          f"errors in the Odoo logs: {figures['odoo_log_errors']}")
    print("invariants:")
    ok = print_checks(checks)
    return ok, result


def write_result(name, result):
    RESULTS.mkdir(parents=True, exist_ok=True)
    path = RESULTS / f"{name}.json"
    path.write_text(json.dumps(result, indent=2, sort_keys=True) + "\n")
    print(f"figures written to {path.relative_to(ROOT)}")


def parser(doc):
    p = argparse.ArgumentParser(description=doc.split("\n\n")[0])
    p.add_argument("--db", default=os.environ.get("FWO_CLUSTER_DB", "fwo_cluster"))
    p.add_argument("--technicians", type=int, default=20)
    p.add_argument("--dispatchers", type=int, default=2)
    p.add_argument("--seconds", type=int, default=60)
    p.add_argument("--orders-each", type=int, default=15, help="jobs per technician")
    p.add_argument("--report-timeout", type=int, default=300,
                   help="seconds to wait for the report crons after the load")
    p.add_argument("--keep-up", action="store_true", help="leave the cluster running afterwards")
    return p


def main():
    args = parser(__doc__).parse_args()
    cluster = Cluster(args.db)
    cluster.up()
    try:
        with tempfile.TemporaryDirectory() as tmp:
            ok, result = run_load(cluster, args, tmp)
        write_result("cluster_load", result)
    finally:
        if not args.keep_up:
            cluster.down()
    print("cluster load: " + ("all invariants hold" if ok else "FAILED"))
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
