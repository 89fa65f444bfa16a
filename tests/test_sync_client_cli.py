"""The ``fwo-sync`` CLI through ``main([...])``, with the fake server as its transport."""

from __future__ import annotations

import csv
import io
import json
import stat
from pathlib import Path
from typing import Any

import pytest

from sync_client import cli

from .test_sync_client_fake import FakeServer, FakeTransport

LOGIN = ["login", "--url", "https://odoo.example.com/", "--db", "prod", "--user", "tech"]


@pytest.fixture
def server() -> FakeServer:
    server = FakeServer(password="s3cret")
    server.add(1)
    server.add(2, state="in_progress")
    server.add(3, partner_id=False)
    return server


@pytest.fixture
def home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, server: FakeServer) -> Path:
    """An isolated config dir and the fake server wired in as the CLI's transport."""
    monkeypatch.setenv("FWO_SYNC_HOME", str(tmp_path / "home"))
    for var in ("FWO_SYNC_PASSWORD", "FWO_SYNC_API_KEY", "FWO_SYNC_PROFILE"):
        monkeypatch.delenv(var, raising=False)
    monkeypatch.setenv("FWO_SYNC_PASSWORD", "s3cret")
    built: list[tuple[cli.Profile, str]] = []

    def factory(profile: cli.Profile, secret: str) -> FakeTransport:
        built.append((profile, secret))
        return FakeTransport(server, password=secret)

    monkeypatch.setattr(cli, "transport_factory", factory)
    monkeypatch.setattr("sys.stdin", io.StringIO())
    return tmp_path / "home"


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = cli.main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture
def logged_in(home: Path, capsys: pytest.CaptureFixture[str]) -> Path:
    assert run(capsys, *LOGIN)[0] == 0
    assert run(capsys, "pull")[0] == 0
    return home


def test_login_saves_a_profile_without_the_secret(
    home: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, _err = run(capsys, *LOGIN)
    assert code == 0 and "logged in as tech (uid 2)" in out
    path = home / "default.json"
    text = path.read_text()
    assert "s3cret" not in text
    assert json.loads(text) == {"name": "default", "url": "https://odoo.example.com",
                                "db": "prod", "user": "tech", "protocol": "jsonrpc",
                                "secret_env": ""}
    assert stat.S_IMODE(path.stat().st_mode) == 0o600


def test_login_with_an_api_key_variable(
    home: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("FWO_SYNC_PASSWORD")
    monkeypatch.setenv("TECH_KEY", "s3cret")
    code, _out, _err = run(capsys, "--profile", "van", *LOGIN, "--api-key-env", "TECH_KEY",
                           "--protocol", "xmlrpc")
    assert code == 0
    profile = json.loads((home / "van.json").read_text())
    assert profile["secret_env"] == "TECH_KEY" and profile["protocol"] == "xmlrpc"
    assert "s3cret" not in json.dumps(profile)
    assert run(capsys, "--profile", "van", "pull", "-q")[0] == 0


def test_wrong_password_is_one_line_and_exit_1(
    home: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("FWO_SYNC_PASSWORD", "wrong")
    code, _out, err = run(capsys, *LOGIN)
    assert code == 1
    assert err.count("\n") == 1 and "Traceback" not in err and "wrong" not in err
    assert not (home / "default.json").exists()


def test_no_secret_and_no_terminal_is_a_usage_error(
    home: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("FWO_SYNC_PASSWORD")
    code, _out, err = run(capsys, *LOGIN)
    assert code == 2 and "set FWO_SYNC_API_KEY or FWO_SYNC_PASSWORD" in err


def test_usage_errors_exit_2(home: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert run(capsys)[0] == 2
    assert run(capsys, "status")[0] == 2  # no profile yet
    assert run(capsys, "resolve", "1")[0] == 2  # --retry or --drop is required
    assert run(capsys, "--help")[0] == 0


def test_pull_shows_progress_then_status(
    logged_in: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, _err = run(capsys, "status")
    assert code == 0
    assert "orders:    3" in out and "pending:   0" in out and "conflicts: 0" in out
    assert "last pull: 20" in out and " UTC\nlast push: never\n" in out


def test_pull_progress_bar_on_stderr(home: Path, capsys: pytest.CaptureFixture[str]) -> None:
    run(capsys, *LOGIN)
    code, out, err = run(capsys, "pull")
    assert code == 0 and "pulled 3 order(s): 3 new or changed, 0 removed" in out
    assert "3/3" in err and "#" in err


def test_orders_table_and_state_filter(
    logged_in: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, _err = run(capsys, "orders")
    lines = out.splitlines()
    assert code == 0 and lines[0].split() == ["REFERENCE", "STATE", "VERSION", "CUSTOMER"]
    assert lines[1].split() == ["WO/2026/00001", "scheduled", "1", "Acme", "Corp"]
    assert lines[3].split() == ["WO/2026/00003", "scheduled", "1"]
    code, out, _err = run(capsys, "orders", "--state", "in_progress")
    assert [line.split()[0] for line in out.splitlines()[1:]] == ["WO/2026/00002"]


def test_show(logged_in: Path, capsys: pytest.CaptureFixture[str]) -> None:
    run(capsys, "queue", "note", "WO/2026/00002", "bring a ladder")
    code, out, _err = run(capsys, "show", "wo/2026/00002")
    assert code == 0
    body, pending = out.split("\n}\n")
    assert json.loads(body + "}")["id"] == 2
    assert "pending #1: note on WO/2026/00002" in pending
    code, _out, err = run(capsys, "show", "WO/1999/1")
    assert code == 1 and "pull first" in err


def test_queue_push_conflicts_and_resolve(
    logged_in: Path, capsys: pytest.CaptureFixture[str], server: FakeServer, tmp_path: Path
) -> None:
    photo = tmp_path / "p.jpg"
    photo.write_bytes(b"jpeg")
    for argv in (
        ["start", "WO/2026/00001"],
        ["start", "WO/2026/00003"],  # put on hold on the server meanwhile → conflict
        ["material", "WO/2026/00002", "42", "1.5", "--lot", "L1"],
        ["labor", "WO/2026/00002", "2026-03-01 08:00:00", "2026-03-01T09:30:00+01:00"],
        ["photo", "WO/2026/00002", str(photo), "--kind", "after"],
        ["signature", "WO/2026/00002", str(photo), "--signed-by", "Ann"],
        ["checklist", "WO/2026/00002", "7", "--undone"],
        ["set", "WO/2026/00002", "unit_number=12", "access_instructions=back door"],
    ):
        code, out, _err = run(capsys, "queue", *argv)
        assert code == 0 and out.startswith("queued #"), argv
    assert "pending:   8" in run(capsys, "status")[1]
    server.change(3, state="on_hold")
    code, out, err = run(capsys, "push")
    sent = {op["type"]: op["payload"] for op in server.push_calls[0]}
    assert sent["labor"]["date_end"] == "2026-03-01 08:30:00"
    assert sent["material"] == {"product_id": 42, "quantity": 1.5, "lot_name": "L1"}
    assert sent["checklist"] == {"line_id": 7, "done": False}
    assert sent["set"] == {"fields": {"unit_number": "12", "access_instructions": "back door"}}
    assert code == 1 and "7 applied" in out and "1 conflict(s)" in out
    assert err.count("\n") == 1 and "fwo-sync conflicts" in err
    assert server.orders[2]["access_instructions"] == "back door"

    code, out, _err = run(capsys, "conflicts")
    row = out.splitlines()[1].split()
    assert code == 0 and row[:4] == ["2", "WO/2026/00003", "start", "conflict"]
    assert "pending:   0" in run(capsys, "status")[1]
    code, out, _err = run(capsys, "resolve", "2", "--retry")
    assert code == 0 and "re-queued as #9: start on WO/2026/00003" in out
    server.change(3, state="scheduled")
    assert run(capsys, "push")[0] == 0
    assert server.orders[3]["state"] == "in_progress"

    # The applied start shows in the local copy (no pull since): on my way is refused offline.
    code, _out, err = run(capsys, "queue", "transition", "WO/2026/00001", "on_my_way")
    assert code == 1 and "it is in progress" in err
    # In progress in the local copy, put on hold on the server meanwhile: a conflict.
    server.change(1, state="on_hold")
    assert run(capsys, "queue", "transition", "WO/2026/00001", "hold")[0] == 0
    assert run(capsys, "push")[0] == 1
    code, out, _err = run(capsys, "resolve", "10", "--drop")
    assert code == 0 and out == "dropped operation #10\n"
    assert "conflicts: 0" in run(capsys, "status")[1]


def test_export_json_and_csv(
    logged_in: Path, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    code, out, _err = run(capsys, "export", "--format", "json")
    orders: list[dict[str, Any]] = json.loads(out)
    assert code == 0 and [o["name"] for o in orders] == [
        "WO/2026/00001", "WO/2026/00002", "WO/2026/00003"]
    target = tmp_path / "orders.csv"
    assert run(capsys, "export", "--format", "csv", "-o", str(target))[0] == 0
    with target.open(newline="") as handle:
        rows = list(csv.DictReader(handle))
    assert list(rows[0])[:4] == ["id", "name", "state", "version"]
    assert rows[0]["partner_id"] == '[7, "Acme Corp"]' and rows[2]["partner_id"] == ""
    assert rows[1]["state"] == "in_progress"


def test_store_override_works_without_a_profile(
    logged_in: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    store = logged_in / "default.sqlite3"
    code, out, _err = run(capsys, "--profile", "nobody", "--store", str(store), "orders")
    assert code == 0 and "WO/2026/00003" in out
    assert run(capsys, "--profile", "nobody", "--store", str(store), "queue", "hold", "2")[0] == 0
    code, _out, err = run(capsys, "--profile", "nobody", "--store", str(store), "push")
    assert code == 2 and "fwo-sync login" in err


def test_relogin_as_someone_else_refuses_while_ops_wait(
    logged_in: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert run(capsys, "queue", "start", "1")[0] == 0
    other = [*LOGIN[:-1], "someone"]
    code, _out, err = run(capsys, *other)
    assert code == 2 and "1 unpushed operation(s) of tech" in err
    assert run(capsys, "push")[0] == 0
    assert run(capsys, *other)[0] == 0
    assert "orders:    0" in run(capsys, "status")[1]


def test_queue_correct_material_sends_the_lines_new_total(
    server: FakeServer, logged_in: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    server.change(2, materials=[{"id": 31, "product_id": 42, "product_name": "Gasket",
                                 "product_uom_qty": 0, "quantity_used": 3, "uom": "Units", "lot": False}])
    assert run(capsys, "pull")[0] == 0
    code, out, _err = run(capsys, "queue", "correct-material", "WO/2026/00002", "31", "1")
    assert code == 0 and out.startswith("queued #")
    code, _out, err = run(capsys, "queue", "correct-material", "WO/2026/00002", "32", "1")
    assert code == 1 and "material line 32 is not on WO/2026/00002" in err
    assert run(capsys, "push")[0] == 0
    assert [(op["type"], op["payload"]) for op in server.push_calls[0]] == [
        ("material", {"line_id": 31, "quantity_used": 1.0})]
