"""Faults on the two-node cluster, each followed by recovery and the invariant check.

Not a test (pytest does not collect it). Run from the repository root, as root
(the full-disk fault mounts a tmpfs, the PostgreSQL fault restarts the server):

    .venv/bin/python tests/bench/cluster_faults.py [--faults node,worker,...]

Faults (all by default, in this order):

- ``node``: kill -9 one Odoo node (master and workers) in the middle of the load;
  the clients carry on through the other node; the node is started again.
- ``worker``: kill -9 HTTP workers of both nodes, one every few seconds, during pushes.
- ``connections``: every database connection of the nodes cut during pulls and pushes
  (what a PostgreSQL restart does to them, on this database only).
- ``postgres``: restart the PostgreSQL server during a pull (every database on it!).
- ``client``: kill -9 the sync client between writing its queue and sending it, then
  again after the server answered and before the answer was stored; start it again.
- ``photo``: a photo over the Largest Synced Photo setting.
- ``disk``: the filestore full (a small tmpfs mounted over it), then space freed.

The figures go to ``tests/bench/results/cluster_faults.json``; the exit status is 1
when a check fails.
"""

import errno
import hashlib
import json
import os
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from sync_client import Store, SyncError  # noqa: E402
from tests.bench._cluster import (  # noqa: E402
    RESULTS,
    Admin,
    Cluster,
    Stats,
    Technician,
    check_invariants,
    jpeg,
    pg,
    prepare,
    print_checks,
    wait_reports,
)
from tests.bench.cluster_load import parser, run_load, write_result  # noqa: E402

ALL = ["node", "worker", "connections", "postgres", "client", "photo", "disk"]


def load_with(cluster, args, tmp, fault):
    ok, result = run_load(cluster, args, tmp, fault=fault)
    return ok, {key: result[key] for key in ("requests", "operations_per_s", "figures", "events", "checks",
                                              "seconds", "requested_seconds", "technicians", "dispatchers")}


def fault_node(cluster, args, tmp):
    """kill -9 node 1 a third into the load; start it again at two thirds."""
    state = {}

    def fault(elapsed):
        if "killed" not in state and elapsed >= args.seconds / 3:
            state["killed"] = elapsed
            cluster.kill_node(1)
            return "node 1 killed (SIGKILL to its master, workers and gevent process)"
        if "killed" in state and "started" not in state and elapsed >= 2 * args.seconds / 3:
            state["started"] = elapsed
            began = time.time()
            cluster.start_node(1)
            return f"node 1 started again, answering after {time.time() - began:.1f} s"
        return None

    return load_with(cluster, args, tmp, fault)


def fault_worker(cluster, args, tmp):
    """kill -9 an HTTP worker applying a push, on each node in turn, every 5 s of the load."""
    state = {"next": 5.0, "node": 1}

    def fault(elapsed):
        if elapsed < state["next"] or elapsed > args.seconds - 3:
            return None
        state["next"] += 5
        n = state["node"]
        state["node"] = 2 if n == 1 else 1
        until = time.time() + 2
        while time.time() < until and not (pushing := cluster.pushing(n)):
            time.sleep(0.02)
        if pushing:
            os.kill(pushing[0], 9)
            return f"node {n}: HTTP worker {pushing[0]} killed while applying a push (its master forks another)"
        workers = cluster.workers(n)
        if not workers:
            return f"node {n}: no HTTP worker found"
        os.kill(workers[0], 9)
        return f"node {n}: HTTP worker {workers[0]} killed (no push in flight on that node then)"

    return load_with(cluster, args, tmp, fault)


def fault_connections(cluster, args, tmp):
    """Terminate every backend of the cluster's database, twice, during the load."""
    state = {"at": [args.seconds / 3, 2 * args.seconds / 3]}

    def fault(elapsed):
        if not state["at"] or elapsed < state["at"][0]:
            return None
        state["at"].pop(0)
        with pg("postgres") as conn, conn.cursor() as cr:
            cr.execute("SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity "
                       "WHERE datname = %s AND pid <> pg_backend_pid()", [cluster.db])
            count = cr.fetchone()[0]
        return f"{count} database connections of the nodes terminated"

    return load_with(cluster, args, tmp, fault)


def postgres_cluster():
    """(version, name) of the local PostgreSQL cluster on DB_PORT, from pg_lsclusters."""
    port = os.environ.get("DB_PORT", "5432")
    out = subprocess.run(["pg_lsclusters", "--no-header"], capture_output=True, text=True, check=True).stdout
    for line in out.splitlines():
        version, name, cluster_port, *_rest = line.split()
        if cluster_port == port:
            return version, name
    raise SystemExit(f"no local PostgreSQL cluster on port {port}")


def restart_postgres():
    """``pg_ctlcluster … restart`` (fast shutdown: every session cut); the seconds it took."""
    version, name = postgres_cluster()
    began = time.time()
    subprocess.run(["pg_ctlcluster", "--skip-systemctl-redirect", version, name, "restart"], check=True)
    seconds = time.time() - began
    print(f"  PostgreSQL {version}/{name} restarted in {seconds:.1f} s", flush=True)
    return seconds


def fault_postgres(cluster, args, tmp):
    """Restart the PostgreSQL server while a technician pulls 60 orders page by page."""
    admin = Admin(cluster.url, cluster.db)
    data = prepare(admin, 1, 60, dispatchers=0)
    uid, login = data.technicians[0]
    stats = Stats()
    tech = Technician(cluster.url, cluster.db, uid, login, data.orders[uid], data.products,
                      Path(tmp) / "pg.sqlite3", stats)
    pulls, errors = [], []

    def pull_again_and_again(deadline):
        while time.time() < deadline:
            tech.store = Path(tmp) / f"pg-{len(pulls) + len(errors)}.sqlite3"  # a new phone: full pull
            with tech.client(page_size=2) as client:
                start = time.time()
                try:
                    report = client.pull()
                    pulls.append((round(time.time() - start, 2), report.received, report.pages))
                except SyncError as exc:
                    errors.append(f"{type(exc).__name__}: {exc}")

    deadline = time.time() + 25
    thread = threading.Thread(target=pull_again_and_again, args=(deadline,))
    thread.start()
    time.sleep(3)
    began = time.time()
    restarted = restart_postgres()
    thread.join()
    # Recovery: a last full pull and one job's push through the cluster.
    tech.store = Path(tmp) / "pg-final.sqlite3"
    with tech.client() as client:
        final = client.pull()
    tech.step = 0
    with tech.client() as client:
        for _ in range(6):
            tech.queue_step(client)
            tech.push(client)
    acked = tech.finish()
    wait_reports(cluster.db, tech.order_ids, args.report_timeout)
    checks, figures = check_invariants(cluster.db, data, acked, tech.queued)
    checks["every pull completed or was resumed (60 orders)"] = (
        [f"final pull received {final.received}"] if final.received != 60 else [])
    checks["the pull interrupted by the restart recovered by itself"] = errors
    figures.update({"restart_seconds": round(restarted, 1), "pulls": pulls,
                    "requests": stats.summary(max(1.0, time.time() - began))})
    return print_checks(checks), {"figures": figures, "checks": _checks(checks)}


def _checks(checks):
    return {name: {"ok": not fails, "failures": fails[:20]} for name, fails in checks.items()}


CHILD = """
import json, os, signal, sys
sys.path.insert(0, {root!r})
from sync_client import SyncClient, XmlRpcTransport
mode, store, url, db, login, order_id, product_id = sys.argv[1:]
client = SyncClient(XmlRpcTransport(url, db, login, login, timeout=60), store)
if mode == "queue":
    client.pull()
    ops = [client.start(int(order_id)), client.note(int(order_id), "Arrived on site " + login + "-child"),
           client.material(int(order_id), int(product_id), 3)]
    print(json.dumps([op.uuid for op in ops]), flush=True)
    signal.pause()  # about to push: killed here
elif mode == "answer-lost":
    def die(outcomes):
        os.kill(os.getpid(), signal.SIGKILL)  # the server answered; the answer is never stored
    client.store.record_results = die
    client.push()
else:
    report = client.push()
    print(json.dumps({{"applied": report.applied, "duplicate": report.duplicate, "errors": report.errors}}),
          flush=True)
"""


def fault_client(cluster, args, tmp):
    admin = Admin(cluster.url, cluster.db)
    data = prepare(admin, 1, 1, dispatchers=0)
    uid, login = data.technicians[0]
    order_id = data.orders[uid][0]
    store = Path(tmp) / "child.sqlite3"
    code = CHILD.format(root=str(ROOT))
    python = sys.executable

    def child(mode):
        return [python, "-c", code, mode, str(store), cluster.url, cluster.db, login, str(order_id),
                str(data.products[0])]

    checks = {}
    proc = subprocess.Popen(child("queue"), stdout=subprocess.PIPE, text=True)
    uuids = json.loads(proc.stdout.readline())
    proc.kill()  # SIGKILL between writing the queue and sending it
    proc.wait()
    with pg(cluster.db) as conn, conn.cursor() as cr:
        cr.execute("SELECT count(*) FROM field_work_order_sync_operation WHERE uuid = ANY(%s)", [uuids])
        on_server = cr.fetchone()[0]
    with Store(store) as st:
        pending = [op.uuid for op in st.pending()]
    checks["killed before sending: the 3 operations are queued, none on the server"] = (
        [] if pending == uuids and on_server == 0 else [f"queued {pending}, on the server {on_server}"])
    lost = subprocess.run(child("answer-lost"), check=False)
    with pg(cluster.db) as conn, conn.cursor() as cr:
        cr.execute("SELECT count(*) FROM field_work_order_sync_operation WHERE uuid = ANY(%s) "
                   "AND status = 'applied'", [uuids])
        applied = cr.fetchone()[0]
    with Store(store) as st:
        pending = [op.uuid for op in st.pending()]
    checks["killed after the server answered: applied there, still queued here"] = (
        [] if lost.returncode == -9 and applied == 3 and pending == uuids
        else [f"exit {lost.returncode}, applied {applied}, queued {len(pending)}"])
    again = subprocess.run(child("push"), capture_output=True, text=True, check=False)
    report = json.loads(again.stdout.strip().splitlines()[-1]) if again.returncode == 0 else {}
    checks["started again: the re-sent operations answered duplicate, applied once"] = (
        [] if report == {"applied": 0, "duplicate": 3, "errors": 0} else [f"{report} {again.stderr[-500:]}"])
    with Store(store) as st:
        acked = {uuid: st.result(uuid)["status"] for uuid in uuids if st.result(uuid)}
    queued = {uuids[0]: ("start", order_id, None), uuids[1]: ("note", order_id, f"{login}-child"),
              uuids[2]: ("material", order_id, (data.products[0], 3))}
    inv, figures = check_invariants(cluster.db, data, acked, queued)
    checks.update(inv)
    return print_checks(checks), {"figures": figures, "checks": _checks(checks)}


def one_technician(cluster, tmp, name, orders=1):
    admin = Admin(cluster.url, cluster.db)
    data = prepare(admin, 1, orders, dispatchers=0)
    uid, login = data.technicians[0]
    tech = Technician(cluster.url, cluster.db, uid, login, data.orders[uid], data.products,
                      Path(tmp) / f"{name}.sqlite3", Stats())
    return admin, data, tech


def fault_photo(cluster, args, tmp):
    """A photo over the limit is refused alone, with the sizes in the message; nothing stored."""
    admin, data, tech = one_technician(cluster, tmp, "photo")
    order_id = tech.order_ids[0]
    key = "field_work_order_mobile.photo_max_mb"
    before = admin("ir.config_parameter", "get_param", key) or False
    admin("ir.config_parameter", "set_param", key, "1")
    checks = {}
    try:
        big = jpeg("too big", size=(1600, 1200), noise=True)
        with tech.client() as client:
            client.pull()
            tech._remember(client.start(order_id))
            photo = client.photo(order_id, big, kind="before")
            tech._remember(client.note(order_id, f"Arrived on site {tech.login}-photo"), f"{tech.login}-photo")
            report = client.push()
            refused = client.conflicts()
            message = refused[0].message if refused else ""
            expected = (f"The photo is too large ({len(big) / 1024 / 1024:.1f} MB): photos may be at most 1.0 MB.")
            checks["the photo alone is refused, with a message saying why"] = (
                [] if (report.applied, report.errors, [op.uuid for op in refused], message)
                == (2, 1, [photo.uuid], expected) else [f"{report} {message!r}"])
            client.resolve(refused[0].id, "drop")  # the user's decision: take a smaller one
            small = client.photo(order_id, jpeg("small enough"), kind="before")
            tech._remember(small)
            report = client.push()
            checks["a smaller photo then goes through"] = [] if report.applied == 1 else [f"{report}"]
        acked = tech.finish()
        with pg(cluster.db) as conn, conn.cursor() as cr:
            cr.execute("SELECT status, message FROM field_work_order_sync_operation WHERE uuid = %s",
                       [photo.uuid])
            logged = cr.fetchone()
        checks["the refused photo is logged as refused, nothing stored"] = (
            [] if logged == ("error", expected) else [f"logged {logged}"])
        inv, figures = check_invariants(cluster.db, data, acked, tech.queued)
        checks.update(inv)
        figures["photo_bytes"] = len(big)
        figures["message"] = message
    finally:
        admin("ir.config_parameter", "set_param", key, before)
    return print_checks(checks), {"figures": figures, "checks": _checks(checks)}


def fill(path):
    """Write zeros into ``path`` until the disk is full; return the bytes written."""
    written = 0
    chunk = b"\0" * 65536
    with open(path, "wb") as filler:
        try:
            while True:
                filler.write(chunk)
                filler.flush()
                written += len(chunk)
        except OSError as exc:
            if exc.errno != errno.ENOSPC:
                raise
    return written


def fault_disk(cluster, args, tmp):
    """The filestore full: the photo is refused clearly, nothing half-written; freed, the retry applies once."""
    admin, data, tech = one_technician(cluster, tmp, "disk")
    order_id = tech.order_ids[0]
    filestore = cluster.data_dir / "filestore" / cluster.db
    checks, figures = {}, {}
    subprocess.run(["mount", "-t", "tmpfs", "-o", "size=4m", "tmpfs", str(filestore)], check=True)
    mounted = True
    try:
        filled = fill(filestore / "filler")
        photo_bytes = jpeg("full disk", size=(800, 600))
        with tech.client() as client:
            client.pull()
            tech._remember(client.start(order_id))
            client.photo(order_id, photo_bytes, kind="after")
            tech._remember(client.note(order_id, f"Arrived on site {tech.login}-disk"), f"{tech.login}-disk")
            report = client.push()
            refused = client.conflicts()
            message = refused[0].message if refused else ""
            expected = ("The server could not store the file: No space left on device. Nothing was saved. "
                        "Ask your administrator to free space on the server's file storage, then try again.")
            checks["the photo is refused with a clear message, the other operations applied"] = (
                [] if (report.applied, report.errors, message) == (2, 1, expected) else [f"{report} {message!r}"])
            files = sorted(str(p.relative_to(filestore)) for p in filestore.rglob("*") if p.is_file())
            checks["nothing half-written in the filestore"] = (
                [] if all(f == "filler" or f.startswith("checklist/") for f in files) else files)
            (filestore / "filler").unlink()  # the administrator frees space
            if refused:
                tech._remember(client.resolve(refused[0].id, "retry"))
                report = client.push()
            checks["after freeing space the retry applies once"] = (
                [] if refused and (report.applied, report.errors) == (1, 0) else [f"{report}"])
        acked = tech.finish()
        # Recovery of the storage: its files go back to the real filestore.
        keep = Path(tmp) / "keep"
        shutil.copytree(filestore, keep)
        subprocess.run(["umount", str(filestore)], check=True)
        mounted = False
        shutil.copytree(keep, filestore, dirs_exist_ok=True)
        with pg(cluster.db) as conn, conn.cursor() as cr:
            cr.execute("SELECT a.store_fname, a.checksum, a.file_size FROM ir_attachment a "
                       "JOIN field_work_order_photo p ON a.res_model = 'field.work.order.photo' "
                       "AND a.res_id = p.id AND a.res_field = 'image' WHERE p.work_order_id = %s", [order_id])
            rows = cr.fetchall()
        stored = []
        for fname, checksum, size in rows:
            path = filestore / fname
            content = path.read_bytes() if path.exists() else b""
            stored.append((hashlib.sha1(content).hexdigest() == checksum, len(content) == size))
        checks["the photo's file is whole in the filestore"] = [] if stored == [(True, True)] else [f"{stored}"]
        inv, figures = check_invariants(cluster.db, data, acked, tech.queued)
        checks.update(inv)
        figures.update({"tmpfs_filled_bytes": filled, "message": message})
    finally:
        if mounted:
            subprocess.run(["umount", str(filestore)], check=False)
    return print_checks(checks), {"figures": figures, "checks": _checks(checks)}


FAULTS = {"node": fault_node, "worker": fault_worker, "connections": fault_connections,
          "postgres": fault_postgres, "client": fault_client, "photo": fault_photo, "disk": fault_disk}


def main():
    p = parser(__doc__)
    p.set_defaults(technicians=8, seconds=30, orders_each=10, report_timeout=300)
    p.add_argument("--faults", default=",".join(ALL), help=f"comma-separated, from {', '.join(ALL)}")
    args = p.parse_args()
    faults = [f.strip() for f in args.faults.split(",") if f.strip()]
    unknown = sorted(set(faults) - set(ALL))
    if unknown:
        p.error(f"unknown faults: {', '.join(unknown)}")
    cluster = Cluster(args.db)
    cluster.up()
    results, ok = {}, True
    try:
        for name in faults:
            print(f"\n== fault: {name}", flush=True)
            with tempfile.TemporaryDirectory() as tmp:
                passed, result = FAULTS[name](cluster, args, tmp)
            results[name] = {"ok": passed, **result}
            ok = ok and passed
        # Faults run apart (say the PostgreSQL restart) join the others' last figures.
        path = RESULTS / "cluster_faults.json"
        previous = json.loads(path.read_text())["faults"] if path.exists() else {}
        write_result("cluster_faults", {"faults": {**previous, **results}})
    finally:
        if not args.keep_up:
            cluster.down()
    print("\ncluster faults: " + ", ".join(f"{n} {'ok' if r['ok'] else 'FAILED'}" for n, r in results.items()))
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
