"""Start, stop and kill a real Odoo server for end-to-end tests."""

import os
import signal
import socket
import subprocess
import time
import xmlrpc.client
from contextlib import contextmanager
from pathlib import Path
from urllib.request import urlopen

import psycopg2
import pytest

ROOT = Path(__file__).resolve().parent.parent
ODOO_SRC = Path(os.environ.get("ODOO_SRC", "/opt/odoo/18.0"))


def db_params():
    return {
        "host": os.environ.get("DB_HOST", "127.0.0.1"),
        "port": int(os.environ.get("DB_PORT", "5432")),
        "user": os.environ.get("DB_USER", "odoo"),
        "password": os.environ.get("DB_PASSWORD", "odoo"),
    }


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def db_from_env():
    """The database scripts/test installed our addons in."""
    db = os.environ.get("FWO_TEST_DB")
    if not db:
        pytest.fail("FWO_TEST_DB is not set: run the tests through scripts/test")
    return db


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
        self.log_path = ROOT / ".odoo" / f"pytest-{db}-{self.port}.log"

    def command(self):
        p = db_params()
        return [
            str(ROOT / ".venv" / "bin" / "python"), str(ODOO_SRC / "odoo-bin"),
            # tests/addons: test-only modules a test installs (fwo_test_rules)
            f"--addons-path={ODOO_SRC}/addons,{ODOO_SRC}/odoo/addons,{ROOT},{ROOT / 'tests' / 'addons'}",
            f"--data-dir={ROOT / '.odoo'}",
            f"--db_host={p['host']}", f"--db_port={p['port']}",
            f"--db_user={p['user']}", f"--db_password={p['password']}",
            "-d", self.db, "--db-filter", f"^{self.db}$",
            "--http-interface=127.0.0.1", f"--http-port={self.port}",
            f"--workers={self.workers}", "--max-cron-threads=0",
            "--log-level=info",
        ]

    def start(self, timeout=120):
        self.log_path.parent.mkdir(exist_ok=True)
        log = open(self.log_path, "ab")  # noqa: SIM115 - closed with the process
        self.proc = subprocess.Popen(self.command(), stdout=log, stderr=subprocess.STDOUT)
        deadline = time.time() + timeout
        while time.time() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"Odoo exited early; see {self.log_path}")
            try:
                with urlopen(f"{self.url}/web/login", timeout=5) as resp:
                    if resp.status == 200:
                        return
            except OSError:
                time.sleep(0.5)
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
        """A committed (autocommit) connection to the test database."""
        conn = psycopg2.connect(dbname=self.db, **db_params())
        conn.autocommit = True
        return conn
