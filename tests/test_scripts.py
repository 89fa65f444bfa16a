"""The setup, run and test commands fail with one actionable line on bad environments."""

import os
import socket
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


def run_script(name, env_overrides, timeout=300):
    env = {**os.environ, **env_overrides}
    env.pop("FWO_TEST_DB", None)
    return subprocess.run(
        ["bash", str(ROOT / "scripts" / name)], env=env, capture_output=True, text=True,
        timeout=timeout, stdin=subprocess.DEVNULL,
    )


def assert_one_line_error(result, *words):
    assert result.returncode != 0
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("error: ")
    for word in words:
        assert word in lines[0]
    assert "Traceback" not in result.stdout + result.stderr


@pytest.mark.parametrize("script", ["setup", "run", "test"])
def test_missing_odoo_source(script, tmp_path):
    result = run_script(script, {"ODOO_SRC": str(tmp_path / "no-odoo")})
    assert_one_line_error(result, "no Odoo 18 source", "ODOO_SRC", "18.0")


@pytest.mark.parametrize("script", ["setup", "run", "test"])
def test_postgresql_unreachable(script):
    with socket.socket() as s:  # a port where nothing listens
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    result = run_script(script, {"DB_PORT": str(port)})
    assert_one_line_error(result, "PostgreSQL", str(port))


def test_http_port_taken():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        s.listen()
        port = s.getsockname()[1]
        result = run_script("run", {"FWO_HTTP_PORT": str(port)})
    assert_one_line_error(result, f"port {port} is already in use", "FWO_HTTP_PORT")


def test_missing_chrome(tmp_path):
    # A PATH holding only what the script needs before it looks for Chrome.
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    for tool in ("dirname", "bash"):
        (bin_dir / tool).symlink_to(subprocess.check_output(["bash", "-c", f"command -v {tool}"],
                                                            text=True).strip())
    result = run_script("test", {"PATH": str(bin_dir)})
    assert_one_line_error(result, "no Chrome/Chromium found", "chromium")
