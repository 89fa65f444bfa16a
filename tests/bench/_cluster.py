"""What the two-node load and fault scripts share: the cluster, the data, the clients, the checks.

The cluster is ``scripts/cluster`` (two prefork Odoo nodes behind nginx, one
database, one filestore); its settings come from the same environment variables.
Each run makes its own technicians and orders (names carry the run's tag), so
runs on one database never mix, and the invariants read only the run's orders.
"""

import io
import os
import random
import re
import signal
import subprocess
import threading
import time
import uuid
import xmlrpc.client
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from pathlib import Path

from PIL import Image

ROOT = Path(__file__).resolve().parents[2]

from scripts._odoo_server import connect, db_params  # noqa: E402
from sync_client import AuthError, JsonRpcTransport, SyncClient, TransportError  # noqa: E402
from sync_client._exceptions import SyncError  # noqa: E402

WIRE = "%Y-%m-%d %H:%M:%S"
RESULTS = ROOT / "tests" / "bench" / "results"
REPORT_SUBJECT = "Service Report ("
NOT_EMAILED = "The service report was not emailed"


class Cluster:
    """``scripts/cluster`` with this run's settings, and the processes it started."""

    def __init__(self, db):
        self.db = db
        self.env = dict(os.environ, FWO_CLUSTER_DB=db)
        self.port = int(self.env.get("FWO_CLUSTER_PORT", "8070"))
        self.node_ports = [int(p) for p in self.env.get("FWO_CLUSTER_NODE_PORTS", "8071 8072").split()]
        data_dir = Path(self.env.get("FWO_DATA_DIR", ROOT / ".odoo"))
        self.data_dir = data_dir
        self.run_dir = Path(self.env.get("FWO_CLUSTER_RUN", data_dir / "cluster"))
        self.url = f"http://127.0.0.1:{self.port}"

    def script(self, *args):
        subprocess.run(["bash", str(ROOT / "scripts" / "cluster"), *args], env=self.env, check=True)

    def up(self):
        self.script("up")

    def down(self):
        self.script("down")

    def node_url(self, n):
        return f"http://127.0.0.1:{self.node_ports[n - 1]}"

    def node_pid(self, n):
        return int((self.run_dir / f"node{n}.pid").read_text().split()[0])

    def workers(self, n):
        """The HTTP worker processes of node ``n``: the master's children sharing its listening socket."""
        master = self.node_pid(n)
        out = subprocess.run(["ss", "-Hltnp", f"sport = :{self.node_ports[n - 1]}"],
                             capture_output=True, text=True, check=False).stdout
        return sorted({int(pid) for pid in re.findall(r"pid=(\d+)", out)} - {master})

    def pushing(self, n):
        """HTTP workers of node ``n`` in the middle of a writing request (a push: pulls and board reads
        write nothing), as their database sessions show: a transaction that has written."""
        with connect(self.db) as conn, conn.cursor() as cr:
            cr.execute("SELECT client_port FROM pg_stat_activity WHERE datname = %s "
                       "AND backend_xid IS NOT NULL", [self.db])
            ports = {port for (port,) in cr.fetchall()}
        if not ports:
            return []
        # The process holding each connection (application_name is the master's for the
        # connections a worker inherited when it was forked).
        out = subprocess.run(["ss", "-Htnp", f"dport = :{db_params()['port']}"],
                             capture_output=True, text=True, check=False).stdout
        pids = set()
        for line in out.splitlines():
            local = re.search(r"127\.0\.0\.1:(\d+)\s+\S+:\d+", line)
            if local and int(local.group(1)) in ports:
                pids |= {int(pid) for pid in re.findall(r"pid=(\d+)", line)}
        return sorted(pids & set(self.workers(n)))

    def kill_node(self, n):
        """SIGKILL to the node's master and all its processes, as a machine lost."""
        os.killpg(self.node_pid(n), signal.SIGKILL)
        (self.run_dir / f"node{n}.pid").unlink(missing_ok=True)

    def start_node(self, n):
        self.script("start-node", str(n))

    def log_sizes(self):
        logs = [self.run_dir / "nginx" / "access.log"] + [
            self.run_dir / f"node{n}.log" for n in range(1, len(self.node_ports) + 1)]
        return {p: (p.stat().st_size if p.exists() else 0) for p in logs}

    def new_log_lines(self, since):
        """{log path: lines written since ``log_sizes()`` was ``since``}."""
        out = {}
        for path, offset in since.items():
            with open(path, "rb") as log:
                log.seek(offset)
                out[path] = log.read().decode(errors="replace").splitlines()
        return out

    def http_5xx(self, since):
        """nginx access log lines of answers 500 and above since ``since``."""
        lines = self.new_log_lines(since)[self.run_dir / "nginx" / "access.log"]
        return [line for line in lines if re.search(r'" 5\d\d ', line)]

    def odoo_errors(self, since):
        """Tracebacks and ERROR lines of the nodes' logs, except SMTP delivery (no mail server here)."""
        found = []
        for path, lines in self.new_log_lines(since).items():
            if path.name.startswith("node"):
                found += [f"{path.name}: {line}" for line in lines
                          if (" ERROR " in line or " CRITICAL " in line)
                          and "mail.mail" not in line and "smtp" not in line.lower()
                          # A worker's 2 s read timeout on a connection that brought no
                          # complete request: no client got an answer from it, none failed.
                          and "Request timed out" not in line]
        return found


class Admin:
    """XML-RPC as admin on one URL."""

    def __init__(self, url, db):
        self.url, self.db = url, db
        self.uid = xmlrpc.client.ServerProxy(f"{url}/xmlrpc/2/common").authenticate(db, "admin", "admin", {})
        if not self.uid:
            raise SystemExit(f"cannot log in as admin on {db} at {url}")
        self.models = xmlrpc.client.ServerProxy(f"{url}/xmlrpc/2/object", allow_none=True)

    def __call__(self, model, method, *args, **kwargs):
        return self.models.execute_kw(self.db, self.uid, "admin", model, method, list(args), kwargs)

    def ref(self, xmlid):
        module, name = xmlid.split(".")
        return self("ir.model.data", "search_read", [["module", "=", module], ["name", "=", name]],
                    fields=["res_id"])[0]["res_id"]


@dataclass
class RunData:
    tag: str
    technicians: list  # [(uid, login)]
    dispatchers: list
    orders: dict  # technician uid -> [order ids]
    products: list
    emailed: set  # order ids whose customer has an email address


def prepare(admin, technicians, orders_each, dispatchers=2, email_every=4):
    """Users, customers, consumable parts and scheduled orders for one run, made in batches."""
    tag = datetime.now(timezone.utc).strftime("%H%M%S") + uuid.uuid4().hex[:4]
    base, tech_group, disp_group = (admin.ref("base.group_user"),
                                    admin.ref("field_work_order.group_technician"),
                                    admin.ref("field_work_order.group_dispatcher"))
    company = admin("res.users", "read", [admin.uid], ["company_id"])[0]["company_id"][0]
    admin("res.company", "write", [company], {"fwo_send_report_on_done": True})

    def users(role, group, count):
        logins = [f"c{tag}_{role}{i}" for i in range(count)]
        ids = admin("res.users", "create", [{
            "name": f"Cluster {role} {i} {tag}", "login": login, "password": login,
            "email": f"{login}@example.com", "groups_id": [(6, 0, [base, group])],
        } for i, login in enumerate(logins)])
        return list(zip(ids, logins, strict=True))

    techs = users("tech", tech_group, technicians)
    disps = users("disp", disp_group, dispatchers)
    products = admin("product.product", "create", [
        {"name": f"Cluster part {i} {tag}", "type": "consu"} for i in range(2)])
    n = technicians * orders_each
    partners = admin("res.partner", "create", [{
        "name": f"Cluster customer {i} {tag}", "street": f"{i} Main St", "city": "Springfield",
        "email": f"customer{i}.{tag}@example.com" if i % email_every == 0 else False,
    } for i in range(n)])
    start = (datetime.now(timezone.utc) - timedelta(hours=1)).strftime(WIRE)
    vals = []
    for i in range(n):
        uid = techs[i % technicians][0]
        vals.append({
            "partner_id": partners[i], "user_id": uid, "description": f"Cluster job {tag}",
            "scheduled_start": start,
            "material_ids": [(0, 0, {"product_id": p, "product_uom_qty": 2}) for p in products],
            "checklist_ids": [(0, 0, {"name": "Isolate power", "required": True})],
        })
    ids = []
    for chunk in range(0, n, 50):
        ids += admin("field.work.order", "create", vals[chunk:chunk + 50])
    for chunk in range(0, n, 50):
        admin("field.work.order", "action_schedule", ids[chunk:chunk + 50])
    # Created "an hour ago", so device times of the run are after the orders existed.
    with connect(admin.db) as conn, conn.cursor() as cr:
        cr.execute("UPDATE field_work_order SET create_date = create_date - interval '2 hours', "
                   "date_last_state_update = date_last_state_update - interval '2 hours' "
                   "WHERE id = ANY(%s)", [ids])
    orders = {uid: [] for uid, _login in techs}
    for i, order_id in enumerate(ids):
        orders[techs[i % technicians][0]].append(order_id)
    emailed = {order_id for i, order_id in enumerate(ids) if i % email_every == 0}
    return RunData(tag, techs, disps, orders, products, emailed)


def jpeg(seed, size=(320, 240), noise=False):
    """A photo whose content is unique to ``seed`` (``noise``: hard to compress, about 1.4 MB at 1600x1200)."""
    rnd = random.Random(seed)
    if noise:
        image = Image.effect_noise(size, 64).convert("RGB")
        image.paste((rnd.randrange(256), 0, 0), (0, 0, 20, 20))
        data = io.BytesIO()
        image.save(data, "JPEG", quality=90)
        return data.getvalue()
    image = Image.new("RGB", size, (rnd.randrange(256), rnd.randrange(256), rnd.randrange(256)))
    for _ in range(20):
        x, y = rnd.randrange(size[0]), rnd.randrange(size[1])
        image.paste((rnd.randrange(256), rnd.randrange(256), rnd.randrange(256)), (x, y, x + 20, y + 20))
    data = io.BytesIO()
    image.save(data, "JPEG", quality=85)
    return data.getvalue()


class Stats:
    """Latency and outcome of every request, by kind; thread-safe."""

    def __init__(self):
        self.lock = threading.Lock()
        self.samples = []  # (kind, seconds, outcome)

    def add(self, kind, seconds, outcome):
        with self.lock:
            self.samples.append((kind, seconds, outcome))

    @staticmethod
    def percentile(values, p):
        if not values:
            return 0.0
        values = sorted(values)
        return values[min(len(values) - 1, int(round(p / 100 * (len(values) - 1))))]

    def summary(self, seconds):
        kinds = sorted({k for k, _s, _o in self.samples})
        rows = {}
        for kind in kinds + ["all"]:
            times = [s for k, s, _o in self.samples if kind in ("all", k)]
            outcomes = [o for k, _s, o in self.samples if kind in ("all", k)]
            rows[kind] = {
                "requests": len(times),
                "per_s": round(len(times) / seconds, 1),
                "p50_ms": round(self.percentile(times, 50) * 1000),
                "p95_ms": round(self.percentile(times, 95) * 1000),
                "p99_ms": round(self.percentile(times, 99) * 1000),
                "retried": outcomes.count("retried"),
                "errors": outcomes.count("error"),
            }
        return rows


class SessionTransport(JsonRpcTransport):
    """As the Technician App talks to Odoo: one login (a web session), then ``/web/dataset/call_kw``.

    XML-RPC checks the password on every call, and Odoo hashes it again in each worker
    that has not seen it yet; a session cookie is checked in the session store, which
    the nodes share with the filestore.
    """

    def authenticate(self):
        result = self._post("/web/session/authenticate",
                            {"db": self.db, "login": self.login, "password": self._password})
        if not isinstance(result, dict) or not result.get("uid"):
            raise AuthError(f"{self.url} refused login {self.login!r}")
        self._uid = int(result["uid"])
        return self._uid

    def _execute(self, model, method, args, kwargs):
        return self._post(f"/web/dataset/call_kw/{model}/{method}",
                          {"model": model, "method": method, "args": list(args), "kwargs": dict(kwargs or {})})


class TimedTransport(SessionTransport):
    """The session transport, timing every call into ``stats`` (by method) and its outcome."""

    def __init__(self, *args, stats, **kwargs):
        super().__init__(*args, **kwargs)
        self.stats = stats

    def execute_kw(self, model, method, args=(), kwargs=None):
        start = time.perf_counter()
        kind = {"sync_pull": "pull", "sync_push": "push"}.get(method, method)
        try:
            result = super().execute_kw(model, method, args, kwargs)
        except TransportError:
            self.stats.add(kind, time.perf_counter() - start, "retried")
            raise
        except SyncError:
            self.stats.add(kind, time.perf_counter() - start, "error")
            raise
        self.stats.add(kind, time.perf_counter() - start, "ok")
        return result


@dataclass
class Technician:
    """One technician's phone: a sync client on its own store, working through its orders."""

    url: str
    db: str
    uid: int
    login: str
    order_ids: list
    products: list
    store: Path
    stats: Stats
    photos: bool = True
    queued: dict = field(default_factory=dict)  # uuid -> (type, order id, payload digest)
    problems: list = field(default_factory=list)
    step: int = 0

    def __post_init__(self):
        self.transport = TimedTransport(self.url, self.db, self.login, self.login, timeout=120,
                                        stats=self.stats)

    def client(self, **kwargs):
        return SyncClient(self.transport, self.store, backoff=0.5, max_backoff=4, max_attempts=12, **kwargs)

    def _remember(self, op, digest=None):
        self.queued[op.uuid] = (op.type, op.order_id, digest)

    def queue_step(self, client):
        """Queue the next step of the current job; False when every job is done."""
        job, step = divmod(self.step, 6)
        if job >= len(self.order_ids):
            return False
        order_id = self.order_ids[job]
        token = f"{self.login}-{self.step}"
        if step == 0:
            self._remember(client.start(order_id))
        elif step == 1:
            self._remember(client.note(order_id, f"Arrived on site {token}"), token)
            self._remember(client.material(order_id, self.products[0], 1), (self.products[0], 1))
        elif step == 2:
            if self.photos:
                self._remember(client.photo(order_id, jpeg(token), kind="before"))
            line = client.order(order_id)["checklist"][0]["id"]
            self._remember(client.checklist(order_id, line))
        elif step == 3:
            self._remember(client.hold(order_id))
        elif step == 4:
            self._remember(client.resume(order_id))
            self._remember(client.material(order_id, self.products[1], 2), (self.products[1], 2))
        else:
            now = datetime.now(timezone.utc).replace(microsecond=0)
            self._remember(client.labor(order_id, now - timedelta(minutes=50), now - timedelta(minutes=40),
                                        f"Travel {token}"), f"Travel {token}")
            self._remember(client.complete(order_id))
        self.step += 1
        return True

    def push(self, client):
        report = client.push()
        for op in report.unresolved:
            self.problems.append(f"{self.login}: {op.type} on order {op.order_id} refused: {op.status} "
                                 f"{op.message}")
            client.resolve(op.id, "drop")
        return report

    def work(self, deadline, think=0.1):
        """Pull, then one step and one push after another until ``deadline`` or no job left."""
        with self.client() as client:
            try:
                client.pull()
                while time.time() < deadline and self.queue_step(client):
                    self.push(client)
                    if self.step % 6 == 0:
                        client.pull()
                    time.sleep(think)
            except Exception as exc:  # noqa: BLE001 - whatever stops a phone is reported
                self.problems.append(f"{self.login}: {type(exc).__name__}: {exc}")

    def finish(self):
        """Push whatever is still queued (after a fault); the acknowledged uuids, from the store."""
        with self.client() as client:
            try:
                self.push(client)
            except SyncError as exc:
                self.problems.append(f"{self.login}: final push: {type(exc).__name__}: {exc}")
            pending = client.status().pending
            if pending:
                self.problems.append(f"{self.login}: {pending} operations still queued")
            rows = client.store._db.execute(
                "SELECT uuid, status FROM results WHERE status IN ('applied', 'duplicate')").fetchall()
        return {row[0]: row[1] for row in rows}


class Dispatcher:
    """Reads the board (the kanban's fields, by scheduled start) and the counts by status."""

    def __init__(self, url, db, login, stats):
        self.transport = TimedTransport(url, db, login, login, timeout=120, stats=stats)
        self.problems = []

    def work(self, deadline, think=0.5):
        fields = ["name", "state", "partner_id", "user_id", "scheduled_start", "priority"]
        while time.time() < deadline:
            try:
                self.transport.execute_kw("field.work.order", "search_read", [[]],
                                          {"fields": fields, "limit": 80, "order": "scheduled_start desc"})
                self.transport.execute_kw("field.work.order", "read_group", [[], ["state"], ["state"]])
            except TransportError:
                pass  # a node went away: the next read goes to the other one
            except SyncError as exc:
                self.problems.append(f"dispatcher: {type(exc).__name__}: {exc}")
            time.sleep(think)


def wait_reports(db, order_ids, timeout):
    """Wait until the report cron (on either node) has taken every flagged order of the run."""
    deadline = time.time() + timeout
    while True:
        with connect(db) as conn, conn.cursor() as cr:
            cr.execute("SELECT count(*) FROM field_work_order WHERE report_to_send AND id = ANY(%s)",
                       [order_ids])
            left = cr.fetchone()[0]
        if not left or time.time() > deadline:
            return left
        time.sleep(2)


def check_invariants(db, data, acked, queued):
    """The database against what the phones were told: [(check, failures)] and figures.

    ``acked``: uuid -> status the server answered (applied/duplicate) as each store recorded
    it; ``queued``: uuid -> (type, order id, digest) of every operation queued.
    """
    ids = [i for order_ids in data.orders.values() for i in order_ids]
    checks = {}
    conn = connect(db)
    cr = conn.cursor()

    # 1. Every acknowledged operation applied exactly once; nothing applied that was not acknowledged.
    cr.execute("SELECT uuid, status FROM field_work_order_sync_operation WHERE order_id = ANY(%s)", [ids])
    logged = dict(cr.fetchall())
    fails = [f"{u}: acknowledged {s} but logged {logged.get(u)}" for u, s in acked.items()
             if logged.get(u) != "applied"]
    fails += [f"{u}: logged {s} on the server, never acknowledged" for u, s in logged.items()
              if u not in acked and s == "applied"]
    notes = [d for u, (t, _o, d) in queued.items() if t == "note" and u in acked]
    cr.execute("SELECT substring(body from 'Arrived on site ([^<]+)'), count(*) FROM mail_message "
               "WHERE model = 'field.work.order' AND res_id = ANY(%s) AND body LIKE '%%Arrived on site%%' "
               "GROUP BY 1", [ids])
    note_counts = dict(cr.fetchall())
    fails += [f"note {d}: {note_counts.get(d, 0)} messages" for d in notes if note_counts.get(d, 0) != 1]
    fails += [f"note {d}: posted, never acknowledged" for d in note_counts if d not in notes]
    labors = [d for u, (t, _o, d) in queued.items() if t == "labor" and u in acked]
    cr.execute("SELECT description, count(*) FROM field_work_order_labor WHERE work_order_id = ANY(%s) "
               "AND description LIKE 'Travel %%' GROUP BY 1", [ids])
    labor_counts = dict(cr.fetchall())
    fails += [f"labor {d}: {labor_counts.get(d, 0)} lines" for d in labors if labor_counts.get(d, 0) != 1]
    expected_qty = {}
    for u, (t, order_id, digest) in queued.items():
        if t == "material" and u in acked:
            key = (order_id, digest[0])
            expected_qty[key] = expected_qty.get(key, 0) + digest[1]
    cr.execute("SELECT work_order_id, product_id, sum(quantity_used) FROM field_work_order_material "
               "WHERE work_order_id = ANY(%s) GROUP BY 1, 2", [ids])
    used = {(o, p): float(q) for o, p, q in cr.fetchall()}
    fails += [f"order {o} product {p}: used {used.get((o, p), 0)} != acknowledged {q}"
              for (o, p), q in expected_qty.items() if abs(used.get((o, p), 0) - q) > 1e-6]
    fails += [f"order {o} product {p}: used {q} never acknowledged" for (o, p), q in used.items()
              if q and (o, p) not in expected_qty]
    photos = {}
    for u, (t, order_id, _d) in queued.items():
        if t == "photo" and u in acked:
            photos[order_id] = photos.get(order_id, 0) + 1
    cr.execute("SELECT work_order_id, count(*) FROM field_work_order_photo WHERE work_order_id = ANY(%s) "
               "GROUP BY 1", [ids])
    photo_counts = dict(cr.fetchall())
    fails += [f"order {o}: {photo_counts.get(o, 0)} photos != acknowledged {photos.get(o, 0)}"
              for o in {**photos, **photo_counts} if photo_counts.get(o, 0) != photos.get(o, 0)]
    checks["acknowledged operations applied exactly once"] = fails

    # 2. No technician with two open labor lines on one order (and none on a done order).
    cr.execute("SELECT work_order_id, user_id, count(*) FROM field_work_order_labor "
               "WHERE date_end IS NULL AND work_order_id = ANY(%s) GROUP BY 1, 2 HAVING count(*) > 1", [ids])
    fails = [f"order {o} user {u}: {n} open labor lines" for o, u, n in cr.fetchall()]
    cr.execute("SELECT l.work_order_id FROM field_work_order_labor l JOIN field_work_order o "
               "ON o.id = l.work_order_id WHERE l.date_end IS NULL AND o.state = 'done' AND o.id = ANY(%s)",
               [ids])
    fails += [f"order {o}: done with an open labor line" for (o,) in cr.fetchall()]
    checks["no technician with two open labor lines on one order"] = fails

    # 3. Used quantities of completed orders equal their done stock moves (to the customer, net).
    cr.execute("""
        WITH used AS (
            SELECT m.work_order_id AS o, m.product_id AS p, sum(m.quantity_used) AS q
            FROM field_work_order_material m JOIN field_work_order w ON w.id = m.work_order_id
            WHERE w.state = 'done' AND w.id = ANY(%(ids)s) GROUP BY 1, 2),
        moved AS (
            SELECT sm.fwo_order_id AS o, sm.product_id AS p,
                   sum(CASE WHEN dst.usage = 'customer' THEN sm.quantity ELSE -sm.quantity END) AS q
            FROM stock_move sm
            JOIN stock_location src ON src.id = sm.location_id
            JOIN stock_location dst ON dst.id = sm.location_dest_id
            WHERE sm.state = 'done' AND sm.fwo_order_id = ANY(%(ids)s)
              AND (src.usage = 'customer') <> (dst.usage = 'customer')
            GROUP BY 1, 2)
        SELECT coalesce(used.o, moved.o), coalesce(used.p, moved.p), coalesce(used.q, 0), coalesce(moved.q, 0)
        FROM used FULL JOIN moved ON used.o = moved.o AND used.p = moved.p
        WHERE abs(coalesce(used.q, 0) - coalesce(moved.q, 0)) > 0.0001
    """, {"ids": ids})
    checks["used quantities equal the done stock moves"] = [
        f"order {o} product {p}: used {u} moved {m}" for o, p, u, m in cr.fetchall()]
    cr.execute("SELECT count(*), count(*) FILTER (WHERE state = 'done') FROM field_work_order "
               "WHERE id = ANY(%s)", [ids])
    total, done = cr.fetchone()
    cr.execute("SELECT count(*) FROM stock_move WHERE state = 'done' AND fwo_order_id = ANY(%s)", [ids])
    moves = cr.fetchone()[0]

    # 4. Each completed order's report handled once by the crons of both nodes.
    cr.execute("SELECT id FROM field_work_order WHERE state = 'done' AND id = ANY(%s)", [ids])
    done_ids = [o for (o,) in cr.fetchall()]
    cr.execute("SELECT res_id, count(*) FILTER (WHERE subject LIKE %s), "
               "count(*) FILTER (WHERE body LIKE %s) FROM mail_message "
               "WHERE model = 'field.work.order' AND res_id = ANY(%s) GROUP BY 1",
               [f"%{REPORT_SUBJECT}%", f"%{NOT_EMAILED}%", done_ids])
    reports = {o: (sent, skipped) for o, sent, skipped in cr.fetchall()}
    fails = []
    for order_id in done_ids:
        sent, skipped = reports.get(order_id, (0, 0))
        want = (1, 0) if order_id in data.emailed else (0, 1)
        if (sent, skipped) != want:
            fails.append(f"order {order_id}: {sent} report emails, {skipped} 'not emailed' notes "
                         f"(want {want[0]}, {want[1]})")
    checks["no report email sent twice (each completed order's report once)"] = fails
    cr.execute("SELECT count(*) FROM mail_mail mm JOIN mail_message m ON m.id = mm.mail_message_id "
               "WHERE m.model = 'field.work.order' AND m.res_id = ANY(%s) AND m.subject LIKE %s",
               [done_ids, f"%{REPORT_SUBJECT}%"])
    report_mails = cr.fetchone()[0]
    conn.close()
    figures = {
        "orders": total, "orders_done": done, "done_stock_moves": moves,
        "operations_acknowledged": len(acked), "operations_queued": len(queued),
        "report_emails": sum(s for s, _k in reports.values()), "report_mail_mail": report_mails,
        "reports_not_emailed": sum(k for _s, k in reports.values()),
    }
    return checks, figures


def print_checks(checks):
    ok = True
    for name, fails in checks.items():
        print(f"  [{'ok' if not fails else 'FAIL'}] {name}" + (f": {len(fails)} failures" if fails else ""))
        for line in fails[:10]:
            print(f"        {line}")
        ok = ok and not fails
    return ok
