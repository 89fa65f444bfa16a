"""``fwo-sync`` as a new integrator meets it, against a live Odoo: each mistake is one clear line.

A wrong database name, a URL without ``http://``, output naming orders by reference, ``status``
before the first push, and the operations the local copy of an order already shows the server
would refuse: refused before they reach the queue.
"""

import io
from datetime import datetime, timedelta, timezone

import pytest

from sync_client import (
    DatabaseNotFoundError,
    InvalidOperationError,
    InvalidUrlError,
    JsonRpcTransport,
    Store,
    SyncClient,
    XmlRpcTransport,
    cli,
)

from ._orders import WIRE, make_order, make_world, read
from ._rpc import Rpc

RAW = ("Traceback", "psycopg2", "OperationalError", "InvalidSchema", "MissingSchema", "Error:")


@pytest.fixture
def admin(odoo):
    return Rpc(odoo)


@pytest.fixture
def home(tmp_path, monkeypatch):
    """An isolated fwo-sync home; no terminal, so a missing secret is an error, not a prompt."""
    monkeypatch.setenv("FWO_SYNC_HOME", str(tmp_path / "home"))
    for var in ("FWO_SYNC_PASSWORD", "FWO_SYNC_API_KEY", "FWO_SYNC_PROFILE"):
        monkeypatch.delenv(var, raising=False)
    monkeypatch.setattr("sys.stdin", io.StringIO())
    return tmp_path / "home"


def run(capsys, *argv):
    code = cli.main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def one_clear_line(err):
    assert err.count("\n") == 1 and err.startswith("fwo-sync: "), err
    assert not any(raw in err for raw in RAW), err
    return err[len("fwo-sync: "):].rstrip("\n")


@pytest.mark.parametrize("protocol", ["jsonrpc", "xmlrpc"])
def test_wrong_database_name(odoo, admin, home, capsys, monkeypatch, protocol):
    _uid, tech = admin.create_user("technician")
    monkeypatch.setenv("FWO_SYNC_PASSWORD", tech)
    typo = f"{odoo.db}_typo"
    code, out, err = run(capsys, "login", "--url", odoo.url, "--db", typo, "--user", tech,
                         "--protocol", protocol)
    assert (code, out) == (1, "")
    assert one_clear_line(err) == (
        f"{odoo.url} has no database '{typo}': check the database name (fwo-sync login --db NAME)")
    assert not (home / "default.json").exists()
    transport = {"jsonrpc": JsonRpcTransport, "xmlrpc": XmlRpcTransport}[protocol]
    with pytest.raises(DatabaseNotFoundError):
        transport(odoo.url, typo, tech, tech).authenticate()
    # The right name logs in.
    assert run(capsys, "login", "--url", odoo.url, "--db", odoo.db, "--user", tech,
               "--protocol", protocol)[0] == 0


@pytest.mark.parametrize("url", ["localhost:{port}", "127.0.0.1:{port}", "odoo.example.com",
                                 "ftp://127.0.0.1:{port}"])
def test_url_without_scheme(odoo, admin, home, capsys, monkeypatch, url):
    _uid, tech = admin.create_user("technician")
    monkeypatch.setenv("FWO_SYNC_PASSWORD", tech)
    url = url.format(port=odoo.port)
    code, out, err = run(capsys, "login", "--url", url, "--db", odoo.db, "--user", tech)
    assert (code, out) == (1, "")
    assert one_clear_line(err) == (
        f"{url!r} is not a server address: write it with http:// or https://, "
        "for example https://odoo.example.com")
    assert not (home / "default.json").exists()
    for transport in (JsonRpcTransport, XmlRpcTransport):
        with pytest.raises(InvalidUrlError):
            transport(url, odoo.db, tech, tech)


@pytest.fixture
def tech_cli(odoo, admin, home, capsys, monkeypatch):
    """A technician logged in with fwo-sync, with two pulled orders (one with a required item)."""
    tech_id, tech = admin.create_user("technician")
    world = make_world(admin)
    checklist = ({"name": "Isolate power", "required": True}, "Check the flue")
    order_id = make_order(admin, odoo, world, tech_id, checklist=checklist)
    other_id = make_order(admin, odoo, world, tech_id)
    monkeypatch.setenv("FWO_SYNC_PASSWORD", tech)
    assert run(capsys, "login", "--url", odoo.url, "--db", odoo.db, "--user", tech)[0] == 0
    assert run(capsys, "pull", "-q")[0] == 0
    order, other = read(admin, "field.work.order", [order_id, other_id],
                        ["name", "checklist_ids"])
    return {"tech": tech, "world": world, "order": order, "other": other,
            "store": home / "default.sqlite3"}


def queued(ctx):
    with Store(ctx["store"]) as store:
        return store.count("pending", "conflict", "error")


def test_status_before_any_push(tech_cli, capsys):
    code, out, _err = run(capsys, "status")
    lines = out.splitlines()
    assert code == 0 and lines[:3] == ["orders:    2", "pending:   0", "conflicts: 0"]
    assert lines[3].startswith("last pull: 20") and lines[3].endswith(" UTC")
    assert lines[4] == "last push: never"


def test_output_names_orders_by_reference(tech_cli, admin, odoo, capsys):
    name = tech_cli["order"]["name"]
    code, out, _err = run(capsys, "queue", "note", name, "Bring a ladder")
    assert code == 0 and out.startswith(f"queued #1: note on {name} (uuid ")
    code, out, _err = run(capsys, "queue", "start", str(tech_cli["order"]["id"]))
    assert code == 0 and out.startswith(f"queued #2: start on {name} (uuid ")
    code, out, _err = run(capsys, "show", name)
    assert code == 0 and f"pending #1: note on {name}" in out and f"pending #2: start on {name}" in out

    # The dispatcher cancels the order while the technician is offline: start is a conflict.
    _disp_id, disp = admin.create_user("dispatcher")
    Rpc(odoo, disp, disp)("field.work.order", "action_cancel", [tech_cli["order"]["id"]])
    code, out, err = run(capsys, "push")
    assert code == 1 and "1 applied" in out and "1 conflict(s)" in out
    code, out, _err = run(capsys, "conflicts")
    row = out.splitlines()[1].split()
    assert code == 0 and row[:4] == ["2", name, "start", "conflict"]
    code, out, _err = run(capsys, "resolve", "2", "--retry")
    assert code == 0 and out.startswith(f"operation #2 re-queued as #3: start on {name} (uuid ")
    code, out, _err = run(capsys, "status")
    assert "last push: 20" in out and out.rstrip().endswith(" UTC")


def test_what_the_cached_order_refuses_is_never_queued(tech_cli, capsys):
    order, other = tech_cli["order"], tech_cli["other"]
    name = order["name"]
    required, optional = order["checklist_ids"]
    now = datetime.now(timezone.utc)
    refusals = [
        (["checklist", name, str(other["checklist_ids"][0])],
         f"checklist line {other['checklist_ids'][0]} is not on {name} (its checklist line ids: "
         f"{required}, {optional}); pull first if the checklist changed"),
        (["hold", name], f"cannot hold {name}: it is scheduled (allowed from: in progress); "
                         "pull first if it changed on the server"),
        (["complete", name], f"cannot complete {name}: it is scheduled (allowed from: in "
                             "progress); pull first if it changed on the server"),
        (["material", name, str(tech_cli["world"]["product"]), "0"],
         "quantity must be a positive number, got 0.0"),
        (["material", name, str(tech_cli["world"]["product"]), "nan"],
         "quantity must be a positive number, got nan"),
        (["set", name, "description=mine now"],
         "description cannot be set from a device (allowed: unit_number, access_instructions, "
         "site_contact_name, site_contact_phone)"),
        (["labor", name, (now - timedelta(hours=1)).strftime(WIRE),
          (now + timedelta(hours=2)).strftime(WIRE)], "labor cannot end in the future"),
        (["note", name, "x" * 10001], "a note is 10001 characters long; the server takes at "
                                      "most 10000"),
    ]
    for argv, message in refusals:
        code, out, err = run(capsys, "queue", *argv)
        assert (code, out) == (1, ""), argv
        assert one_clear_line(err).startswith(message), (argv, err)
        assert queued(tech_cli) == 0, argv

    # What the queue already holds counts: once start is queued, hold is fine and resume is not;
    # complete waits for the required item, queued as done.
    assert run(capsys, "queue", "start", name)[0] == 0
    assert run(capsys, "queue", "hold", name)[0] == 0
    code, _out, err = run(capsys, "queue", "hold", name)
    assert code == 1 and one_clear_line(err).startswith(
        f"cannot hold {name}: it is on hold once the queued operations apply")
    assert run(capsys, "queue", "resume", name)[0] == 0
    code, _out, err = run(capsys, "queue", "complete", name)
    assert code == 1 and one_clear_line(err) == (
        f"cannot complete {name}: required checklist items are not done: Isolate power")
    assert queued(tech_cli) == 3
    assert run(capsys, "queue", "checklist", name, str(required))[0] == 0
    assert run(capsys, "queue", "complete", name)[0] == 0
    assert queued(tech_cli) == 5
    code, out, _err = run(capsys, "push")
    assert code == 0 and "5 applied" in out


def test_library_refuses_before_queueing(tech_cli, odoo):
    """The same checks, raised by the library as InvalidOperationError."""
    transport = JsonRpcTransport(odoo.url, odoo.db, tech_cli["tech"], tech_cli["tech"])
    with SyncClient(transport, tech_cli["store"]) as client:
        order = tech_cli["order"]
        for queue in (lambda: client.checklist(order["id"], tech_cli["other"]["checklist_ids"][0]),
                      lambda: client.resume(order["name"]),
                      lambda: client.set_fields(order["id"], {"unit_number": 4})):
            with pytest.raises(InvalidOperationError):
                queue()
            assert client.pending() == []
