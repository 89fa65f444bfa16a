"""A live Odoo for the scripts and the tests: settings, ports, databases, the server, RPC, Chromium.

The scripts import it (they run from this folder, which is then first on
``sys.path``), the tests as ``scripts._odoo_server``; nothing here imports
from ``tests/``. The shell helpers of ``_common.sh`` run it as a command::

    python scripts/_odoo_server.py free-port          print a free loopback TCP port
    python scripts/_odoo_server.py port-free PORT     status 0 when PORT can be bound
    python scripts/_odoo_server.py listening PORT [HOST]  status 0 when something accepts there
    python scripts/_odoo_server.py pg-up              status 0 when PostgreSQL accepts the login
    python scripts/_odoo_server.py db-exists DB       status 0: it exists, 1: it does not
    python scripts/_odoo_server.py drop-db DB         drop DB (forcing its connections out)
    python scripts/_odoo_server.py query DB SQL       first column of the first row (empty: none)
    python scripts/_odoo_server.py wait-http URL S    status 0 once URL answers 200 within S seconds

Settings come from the environment with the defaults of ``_common.sh``:
ODOO_SRC, FWO_VENV, FWO_DATA_DIR, DB_HOST, DB_PORT, DB_USER, DB_PASSWORD.
"""

import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import xmlrpc.client
from contextlib import contextmanager
from pathlib import Path
from urllib.request import urlopen

ROOT = Path(__file__).resolve().parent.parent
ODOO_SRC = Path(os.environ.get("ODOO_SRC") or "/opt/odoo/18.0")
VENV = Path(os.environ.get("FWO_VENV") or ROOT / ".venv")
DATA_DIR = Path(os.environ.get("FWO_DATA_DIR") or ROOT / ".odoo")


def db_params():
    return {
        "host": os.environ.get("DB_HOST", "127.0.0.1"),
        "port": int(os.environ.get("DB_PORT", "5432")),
        "user": os.environ.get("DB_USER", "odoo"),
        "password": os.environ.get("DB_PASSWORD", "odoo"),
    }


def connect(db="postgres"):
    """An autocommit connection to ``db`` (psycopg2 is imported here: the settings need none)."""
    import psycopg2  # here: the port commands need no database driver

    conn = psycopg2.connect(dbname=db, **db_params())
    conn.autocommit = True
    return conn


def pg_up():
    try:
        connect().close()
    except Exception:  # noqa: BLE001 - any failure means: cannot log in
        return False
    return True


def query(db, sql, params=()):
    """First column of the first row of ``sql`` on ``db``; None when no row or no such database."""
    import psycopg2

    try:
        conn = connect(db)
    except psycopg2.OperationalError:
        return None
    with conn, conn.cursor() as cr:
        cr.execute(sql, params)
        row = cr.fetchone()
    conn.close()
    return row[0] if row else None


def db_exists(db):
    return query("postgres", "SELECT 1 FROM pg_database WHERE datname = %s", [db]) is not None


def drop_database(db):
    """Drop ``db`` if it exists, its open connections included."""
    conn = connect()
    with conn.cursor() as cr:
        cr.execute('DROP DATABASE IF EXISTS "%s" WITH (FORCE)' % db.replace('"', '""'))
    conn.close()


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def port_free(port):
    with socket.socket() as s:
        try:
            s.bind(("127.0.0.1", port))
        except OSError:
            return False
    return True


def listening(port, host="127.0.0.1"):
    """Something accepts connections on ``port`` (TIME_WAIT leftovers do not count)."""
    try:
        socket.create_connection((host, port), timeout=3).close()
    except OSError:
        return False
    return True


def wait_http(url, seconds, alive=lambda: True):
    """True once ``url`` answers 200 within ``seconds``; False at the deadline or once not ``alive()``."""
    deadline = time.time() + seconds
    while time.time() < deadline and alive():
        try:
            with urlopen(url, timeout=5) as resp:
                if resp.status == 200:
                    return True
        except OSError:
            time.sleep(0.5)
    return False


def odoo_command(*args):
    """odoo-bin with this project's addons path, data dir and database settings, then ``args``."""
    p = db_params()
    # tests/addons: test-only modules an end-to-end test installs, when the checkout has them.
    addons = [ODOO_SRC / "addons", ODOO_SRC / "odoo" / "addons", ROOT,
              *[path for path in [ROOT / "tests" / "addons"] if path.is_dir()]]
    return [
        str(VENV / "bin" / "python"), str(ODOO_SRC / "odoo-bin"),
        f"--addons-path={','.join(map(str, addons))}",
        f"--data-dir={DATA_DIR}",
        f"--db_host={p['host']}", f"--db_port={p['port']}",
        f"--db_user={p['user']}", f"--db_password={p['password']}",
        *args,
    ]


@contextmanager
def serving(db):
    """A started OdooServer on ``db``, stopped when the block ends."""
    server = OdooServer(db)
    server.start()
    try:
        yield server
    finally:
        server.stop()


class OdooServer:
    """One Odoo process serving ``db`` on a free loopback port."""

    def __init__(self, db, workers=0):
        self.db = db
        self.workers = workers
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.proc = None
        self.log_path = DATA_DIR / f"pytest-{db}-{self.port}.log"

    def command(self):
        return odoo_command(
            "-d", self.db, "--db-filter", f"^{self.db}$",
            "--http-interface=127.0.0.1", f"--http-port={self.port}",
            f"--workers={self.workers}", "--max-cron-threads=0",
            "--log-level=info",
        )

    def start(self, timeout=120):
        self.log_path.parent.mkdir(parents=True, exist_ok=True)
        log = open(self.log_path, "ab")  # noqa: SIM115 - closed with the process
        self.proc = subprocess.Popen(self.command(), stdout=log, stderr=subprocess.STDOUT)
        if wait_http(f"{self.url}/web/login", timeout, alive=lambda: self.proc.poll() is None):
            return
        if self.proc.poll() is not None:
            raise RuntimeError(f"Odoo exited early; see {self.log_path}")
        raise RuntimeError(f"Odoo did not answer within {timeout}s; see {self.log_path}")

    def stop(self):
        if self.proc and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()

    def kill(self):
        """SIGKILL: the process dies mid-request, as on a power cut."""
        os.kill(self.proc.pid, signal.SIGKILL)
        self.proc.wait()

    def restart(self):
        self.stop()
        self.start()

    def xmlrpc(self, service):
        return xmlrpc.client.ServerProxy(f"{self.url}/xmlrpc/2/{service}", allow_none=False)

    def login(self, login, password):
        return self.xmlrpc("common").authenticate(self.db, login, password, {})

    def pg(self):
        """A committed (autocommit) connection to the served database."""
        return connect(self.db)


class Rpc:
    """``execute_kw`` over XML-RPC on ``db`` at ``url`` as ``login``: ``rpc(model, method, *args, **kw)``."""

    def __init__(self, url, db, login, password=None, allow_none=False):
        self.db, self.login_name = db, login
        self.password = login if password is None else password
        self.uid = xmlrpc.client.ServerProxy(f"{url}/xmlrpc/2/common").authenticate(
            db, login, self.password, {})
        if not self.uid:
            raise AssertionError(f"cannot log in as {login}")
        self.models = xmlrpc.client.ServerProxy(f"{url}/xmlrpc/2/object", allow_none=allow_none)

    def __call__(self, model, method, *args, **kwargs):
        return self.models.execute_kw(self.db, self.uid, self.password, model, method, list(args), kwargs)

    def ref(self, xmlid):
        """The database id of ``module.name``."""
        module, name = xmlid.split(".")
        data = self("ir.model.data", "search_read", [["module", "=", module], ["name", "=", name]],
                    fields=["res_id"])
        return data[0]["res_id"]


# --- Debian's Chromium through Playwright (no browser download needed) -------
CHROMIUM_ARGS = [
    "--no-sandbox", "--disable-gpu", "--disable-background-networking",
    "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-quic",
]


def chromium_path():
    for name in ("chromium", "chromium-browser", "google-chrome"):
        path = shutil.which(name)
        if path:
            return path
    raise RuntimeError("no Chromium found: run scripts/setup")


def launch(playwright):
    return playwright.chromium.launch(executable_path=chromium_path(), args=CHROMIUM_ARGS)


def login(page, base_url, login, password, landing="**/odoo**"):
    """Log in on /web/login and wait for the page the user lands on (technicians: their app)."""
    page.goto(f"{base_url}/web/login")
    page.fill("input[name=login]", login)
    page.fill("input[name=password]", password)
    page.click("button[type=submit]")
    page.wait_for_url(landing)


def main(argv):
    """The commands of the module docstring; the exit status is the answer."""
    command, args = argv[0], argv[1:]
    if command == "free-port":
        print(free_port())
        return 0
    if command == "query":
        value = query(args[0], args[1])
        print("" if value is None else value)
        return 0
    if command == "drop-db":
        drop_database(args[0])
        return 0
    checks = {
        "port-free": lambda: port_free(int(args[0])),
        "listening": lambda: listening(int(args[0]), *args[1:]),
        "pg-up": pg_up,
        "db-exists": lambda: db_exists(args[0]),
        "wait-http": lambda: wait_http(args[0], float(args[1])),
    }
    if command not in checks:
        print(f"usage: {__doc__}", file=sys.stderr)
        return 2
    return 0 if checks[command]() else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
