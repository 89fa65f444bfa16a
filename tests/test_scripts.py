"""The setup, run and test commands: setup runs by itself when something is
missing, gets Odoo with a shallow git clone, and every bad environment gives one
actionable error line.

None of these tests writes into the real virtualenv or the real Odoo source:
the scripts get a stand-in virtualenv (see ``venv``) and a local repository
standing in for Odoo's, so they need neither network nor pip.
"""

import os
import shlex
import shutil
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

from scripts._odoo_server import free_port

ROOT = Path(__file__).resolve().parent.parent
ODOO_SRC = Path(os.environ.get("ODOO_SRC") or "/opt/odoo/18.0")
REAL_STAMP = Path(os.environ.get("FWO_VENV") or ROOT / ".venv") / ".fwo-setup-stamp"


def common(command, **env):
    """Output of COMMAND run in bash after sourcing scripts/_common.sh."""
    return subprocess.run(
        ["bash", "-c", f'. "$1/scripts/_common.sh" && {command}', "_", str(ROOT)],
        env={**os.environ, **env}, capture_output=True, text=True, check=True,
    ).stdout


@pytest.fixture
def venv(tmp_path):
    """A virtualenv stand-in: its python is the interpreter running these tests
    (it refuses pip, so nothing can be installed into the real virtualenv
    through it) and its setup stamp is the current one, so the scripts find it
    up to date."""
    path = tmp_path / "venv"
    (path / "bin").mkdir(parents=True)
    python = path / "bin" / "python"
    python.write_text(
        "#!/bin/sh\n"
        'case " $* " in *" -m pip "*) echo "error: no pip from the tests" >&2; exit 1;; esac\n'
        f'exec {shlex.quote(sys.executable)} "$@"\n'
    )
    python.chmod(0o755)
    (path / ".fwo-setup-stamp").write_text(common("setup_stamp", ODOO_SRC=str(ODOO_SRC)))
    return path


def run_script(name, venv, **env_overrides):
    env = {
        **os.environ,
        "FWO_VENV": str(venv),
        # Never the network: a test that wants a clone names its repository.
        "ODOO_GIT_URL": f"file://{venv.parent}/no-such-repository",
        **env_overrides,
    }
    env.pop("FWO_TEST_DB", None)
    return subprocess.run(
        ["bash", str(ROOT / "scripts" / name)], env=env, capture_output=True, text=True,
        timeout=120, stdin=subprocess.DEVNULL,
    )


def assert_one_line_error(result, *words):
    assert result.returncode != 0
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("error: ")
    for word in words:
        assert word in lines[0]
    assert "Traceback" not in result.stdout + result.stderr


def git(*args, cwd):
    return subprocess.run(
        ["git", "-c", "user.name=fwo tests", "-c", "user.email=fwo-tests", "-c", "commit.gpgsign=false",
         *args],
        cwd=cwd, capture_output=True, text=True, check=True,
    ).stdout.strip()


@pytest.fixture
def odoo_repository(tmp_path):
    """A local git repository standing in for Odoo's: branch 18.0 with an
    odoo-bin and a byte copy of the real requirements.txt (same setup stamp,
    so setup installs nothing), two commits so that a depth-1 clone is shallow."""
    repo = tmp_path / "remote"
    repo.mkdir()
    git("init", "-q", "-b", "18.0", cwd=repo)
    (repo / "odoo-bin").write_text("#!/usr/bin/env python3\n# stands in for Odoo's odoo-bin\n")
    shutil.copyfile(ODOO_SRC / "requirements.txt", repo / "requirements.txt")
    git("add", ".", cwd=repo)
    git("commit", "-q", "-m", "first", cwd=repo)
    (repo / "README.md").write_text("stand-in for Odoo 18.0\n")
    git("add", ".", cwd=repo)
    git("commit", "-q", "-m", "second", cwd=repo)
    return repo


def test_setup_clones_missing_odoo(tmp_path, venv, odoo_repository):
    stamp_before = REAL_STAMP.read_bytes() if REAL_STAMP.exists() else None
    odoo = tmp_path / "odoo"
    env = {"ODOO_SRC": str(odoo), "ODOO_GIT_URL": f"file://{odoo_repository}"}

    result = run_script("setup", venv, **env)
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stderr == ""
    assert all(line.startswith("setup: ") for line in result.stdout.splitlines()), result.stdout
    clone_lines = [line for line in result.stdout.splitlines() if line.startswith("setup: cloning")]
    assert clone_lines == [f"setup: cloning Odoo 18.0 from file://{odoo_repository} into {odoo} "
                           "(shallow clone, a few minutes)"]
    assert "setup: Python dependencies up to date" in result.stdout
    assert (odoo / "odoo-bin").read_bytes() == (odoo_repository / "odoo-bin").read_bytes()
    assert git("rev-parse", "--is-shallow-repository", cwd=odoo) == "true"
    assert git("rev-parse", "HEAD", cwd=odoo) == git("rev-parse", "HEAD", cwd=odoo_repository)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["odoo", "remote", "venv"]  # no temporary clone left
    head = git("rev-parse", "HEAD", cwd=odoo)
    git("commit", "-q", "--allow-empty", "-m", "third", cwd=odoo_repository)

    again = run_script("setup", venv, **env)
    assert again.returncode == 0, again.stdout + again.stderr
    assert "setup: cloning" not in again.stdout
    assert f"setup: Odoo source found at {odoo}" in again.stdout
    assert git("rev-parse", "HEAD", cwd=odoo) == head

    assert (REAL_STAMP.read_bytes() if REAL_STAMP.exists() else None) == stamp_before


@pytest.mark.parametrize("script", ["setup", "run", "test"])
def test_missing_odoo_source_unreachable_repository(script, tmp_path, venv):
    # setup clones a missing ODOO_SRC; run and test call setup for it.
    url = f"file://{tmp_path}/nowhere/odoo.git"
    result = run_script(script, venv, ODOO_SRC=str(tmp_path / "no-odoo"), ODOO_GIT_URL=url)
    assert_one_line_error(result, "could not clone Odoo 18.0", f"ODOO_GIT_URL={url}",
                          f"ODOO_SRC={tmp_path / 'no-odoo'}", "ODOO_SRC to a folder")
    if script != "setup":
        assert f"setup: needed (no Odoo source at {tmp_path / 'no-odoo'})" in result.stdout
    assert sorted(p.name for p in tmp_path.iterdir()) == ["venv"]  # neither ODOO_SRC nor a half clone


def test_odoo_src_without_odoo_bin_is_left_alone(tmp_path, venv, odoo_repository):
    odoo = tmp_path / "odoo"
    odoo.mkdir()
    (odoo / "notes.txt").write_text("mine\n")
    result = run_script("setup", venv, ODOO_SRC=str(odoo), ODOO_GIT_URL=f"file://{odoo_repository}")
    assert_one_line_error(result, f"ODOO_SRC={odoo} exists but holds no odoo-bin")
    assert [p.name for p in odoo.iterdir()] == ["notes.txt"]


@pytest.mark.parametrize("script", ["run", "test"])
def test_missing_virtualenv_runs_setup(script, tmp_path):
    # A virtualenv path setup cannot create fails fast, after proving that
    # run/test called setup (a real virtualenv takes minutes of pip).
    (tmp_path / "file").write_text("")
    result = run_script(script, tmp_path / "file" / "venv")
    assert f"setup: needed (no virtualenv at {tmp_path / 'file' / 'venv'})" in result.stdout
    assert "setup: creating virtualenv" in result.stdout
    assert_one_line_error(result, "could not create a virtualenv", "FWO_VENV")


@pytest.mark.parametrize("script", ["run", "test"])
def test_outdated_virtualenv_runs_setup(script, venv):
    (venv / ".fwo-setup-stamp").write_text("outdated\n")
    # DB_USER=postgres stops setup before pip.
    result = run_script(script, venv, DB_USER="postgres")
    assert f"setup: needed (Python dependencies of {venv} outdated)" in result.stdout
    assert_one_line_error(result, "superuser 'postgres'", "DB_USER")


def test_up_to_date_check_is_fast(venv):
    # What run and test cost before their own work when all is set up.
    start = time.monotonic()
    assert common("setup_needed", FWO_VENV=str(venv)) == ""  # nothing to set up
    assert time.monotonic() - start < 2
    assert "setup: needed" not in common("ensure_setup", FWO_VENV=str(venv))


@pytest.mark.parametrize("script", ["setup", "run", "test"])
def test_postgresql_unreachable(script, venv):
    port = free_port()  # a port where nothing listens
    result = run_script(script, venv, DB_PORT=str(port))
    assert_one_line_error(result, "PostgreSQL", str(port))


def test_http_port_taken(venv):
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        s.listen()
        port = s.getsockname()[1]
        result = run_script("run", venv, FWO_HTTP_PORT=str(port))
    assert "setup:" not in result.stdout  # all set up: setup did not run
    assert_one_line_error(result, f"port {port} is already in use", "FWO_HTTP_PORT")


def test_missing_chrome(tmp_path, venv):
    # A PATH holding only what the up-to-date check needs: no Chromium, no
    # wkhtmltopdf, and no apt-get to install them, so setup says what to install.
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    for tool in ("dirname", "bash", "cat", "sha256sum"):
        (bin_dir / tool).symlink_to(shutil.which(tool))
    result = run_script("test", venv, PATH=str(bin_dir))
    assert "setup: needed (missing chromium wkhtmltopdf poppler-utils)" in result.stdout
    assert_one_line_error(result, "missing chromium", "apt-get install chromium")
