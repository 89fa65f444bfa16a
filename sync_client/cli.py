"""The ``fwo-sync`` command line: a thin layer over :class:`sync_client.SyncClient`.

Profiles (URL, database, login; never the password or API key) live as JSON
in ``$FWO_SYNC_HOME`` (default ``~/.config/fwo-sync``), next to one SQLite
store per profile. Exit codes: 0 ok, 1 sync error or refused operations
waiting, 2 usage or setup error.
"""

from __future__ import annotations

import argparse
import csv
import getpass
import json
import logging
import os
import re
import sqlite3
import sys
from collections.abc import Callable, Mapping, Sequence
from dataclasses import asdict, dataclass
from datetime import datetime
from pathlib import Path
from typing import IO, Any

from ._client import SyncClient
from ._exceptions import SyncError
from ._store import Operation, Store
from ._transport import JsonRpcTransport, Transport, XmlRpcTransport, _check_url

ENV_HOME = "FWO_SYNC_HOME"
ENV_PROFILE = "FWO_SYNC_PROFILE"
ENV_PASSWORD = "FWO_SYNC_PASSWORD"
ENV_API_KEY = "FWO_SYNC_API_KEY"
PROTOCOLS: dict[str, type[JsonRpcTransport] | type[XmlRpcTransport]] = {
    "jsonrpc": JsonRpcTransport,
    "xmlrpc": XmlRpcTransport,
}


class UsageError(Exception):
    """A problem with how the command was called or set up (exit code 2)."""


@dataclass(frozen=True)
class Profile:
    """Where and as whom to connect; deliberately has no field for the secret."""

    name: str
    url: str
    db: str
    user: str
    protocol: str = "jsonrpc"
    secret_env: str = ""


def default_transport(profile: Profile, secret: str) -> Transport:
    return PROTOCOLS[profile.protocol](profile.url, profile.db, profile.user, secret)


#: Builds the transport of ``login``, ``pull`` and ``push``. Tests (or an
#: embedding program) replace it to talk to a fake or another wire format.
transport_factory: Callable[[Profile, str], Transport] = default_transport


def config_home() -> Path:
    if os.environ.get(ENV_HOME):
        return Path(os.environ[ENV_HOME])
    base = os.environ.get("XDG_CONFIG_HOME") or Path.home() / ".config"
    return Path(base) / "fwo-sync"


def _profile_path(name: str) -> Path:
    if not re.fullmatch(r"[A-Za-z0-9_.-]+", name) or name.startswith("."):
        raise UsageError(f"invalid profile name {name!r}: use letters, digits, '.', '_' or '-'")
    return config_home() / f"{name}.json"


def load_profile(name: str) -> Profile | None:
    path = _profile_path(name)
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        return Profile(**{k: v for k, v in data.items() if k in Profile.__dataclass_fields__})
    except FileNotFoundError:
        return None
    except (OSError, ValueError, TypeError) as exc:
        raise UsageError(f"cannot read profile {path}: {exc}; run `fwo-sync login` again") from None


def _save_profile(profile: Profile) -> Path:
    path = _profile_path(profile.name)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".json.tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as handle:
        json.dump(asdict(profile), handle, indent=2)
    os.replace(tmp, path)
    return path


def _secret(profile: Profile) -> str:
    """The password or API key, from the environment or a prompt, never from disk."""
    names = [n for n in (profile.secret_env, ENV_API_KEY, ENV_PASSWORD) if n]
    for name in names:
        if os.environ.get(name):
            return os.environ[name]
    if not sys.stdin.isatty():
        raise UsageError(f"no password or API key: set {' or '.join(dict.fromkeys(names))}")
    return getpass.getpass(f"Password or API key for {profile.user} at {profile.url}: ")


class _LazyTransport:
    """Builds the real transport, and asks for the secret, only when a command goes online."""

    def __init__(self, profile: Profile | None) -> None:
        self._profile = profile
        self._transport: Transport | None = None

    def _get(self) -> Transport:
        if self._transport is None:
            if self._profile is None:
                raise UsageError("this command needs the server: run `fwo-sync login` first")
            self._transport = transport_factory(self._profile, _secret(self._profile))
        return self._transport

    def authenticate(self) -> int:
        return self._get().authenticate()

    def execute_kw(
        self,
        model: str,
        method: str,
        args: Sequence[Any] = (),
        kwargs: Mapping[str, Any] | None = None,
    ) -> Any:
        return self._get().execute_kw(model, method, args, kwargs)


def _client(args: argparse.Namespace) -> SyncClient:
    profile = load_profile(args.profile)
    if args.store:
        path = Path(args.store)
    elif profile is not None:
        path = config_home() / f"{profile.name}.sqlite3"
    else:
        raise UsageError(
            f"no profile {args.profile!r}: run `fwo-sync login` first, or pass --store"
        )
    return SyncClient(_LazyTransport(profile), path)


# -- output helpers ---------------------------------------------------------------


def _label(value: Any) -> str:
    """How an Odoo value reads in a table: names of relations, '' for False."""
    if value is False or value is None:
        return ""
    if isinstance(value, (list, tuple)) and len(value) == 2 and isinstance(value[0], int):
        return str(value[1])
    if isinstance(value, dict):
        return str(value.get("display_name") or value.get("name") or "")
    return str(value)


def _table(headers: Sequence[str], rows: Sequence[Sequence[str]], out: IO[str]) -> None:
    widths = [max([len(h), *(len(r[i]) for r in rows)]) for i, h in enumerate(headers)]
    for row in (headers, *rows):
        cells = (cell.ljust(width) for cell, width in zip(row, widths, strict=True))
        out.write("  ".join(cells).rstrip() + "\n")


def _progress(done: int, total: int) -> None:
    width = 30
    filled = width * done // total if total else width
    sys.stderr.write(f"\rpulling [{'#' * filled}{'.' * (width - filled)}] {done}/{total}")
    sys.stderr.flush()


def _print_op(verb: str, op: Operation, client: SyncClient) -> None:
    print(f"{verb} #{op.id}: {op.type} on {client.order_label(op.order_id)} (uuid {op.uuid})")


def _utc(value: str | None) -> str:
    return f"{value} UTC" if value else "never"


# -- commands -------------------------------------------------------------------


def cmd_login(args: argparse.Namespace) -> int:
    secret_env = args.api_key_env or args.password_env or ""
    profile = Profile(args.profile, _check_url(args.url), args.db, args.user,
                      args.protocol, secret_env)
    _profile_path(profile.name)  # refuse a bad name before asking the server
    uid = transport_factory(profile, _secret(profile)).authenticate()
    old = load_profile(profile.name)
    store_path = config_home() / f"{profile.name}.sqlite3"
    if old and (old.url, old.db, old.user) != (profile.url, profile.db, profile.user):
        if store_path.exists():
            with Store(store_path) as store:
                waiting = store.count("pending", "conflict", "error")
                if waiting:
                    raise UsageError(
                        f"profile {profile.name!r} has {waiting} unpushed operation(s) of "
                        f"{old.user} on {old.url}: push or resolve them first, or use --profile"
                    )
                store.reset_orders()
    path = _save_profile(profile)
    print(f"logged in as {profile.user} (uid {uid}) on {profile.url}, database {profile.db}; "
          f"profile saved to {path}")
    return 0


def cmd_pull(args: argparse.Namespace) -> int:
    with _client(args) as client:
        report = client.pull(progress=None if args.quiet else _progress)
    if report.pages and not args.quiet:
        sys.stderr.write("\n")
    reset = " after a reset requested by the server" if report.reset else ""
    print(f"pulled {report.received} order(s){reset}: {report.kept} new or changed, "
          f"{report.removed} removed")
    return 0


def cmd_push(args: argparse.Namespace) -> int:
    with _client(args) as client:
        report = client.push()
    print(f"pushed {report.sent} operation(s): {report.applied} applied, "
          f"{report.duplicate} already applied, {report.conflicts} conflict(s), "
          f"{report.errors} error(s)")
    if report.too_large:
        print(f"{report.too_large} operation(s) too large for the server even alone: "
              "parked as errors")
    if report.waiting:
        print(f"{report.waiting} operation(s) wait for a refused operation they name")
    report.raise_for_conflicts()
    return 0


def cmd_status(args: argparse.Namespace) -> int:
    with _client(args) as client:
        status = client.status()
    print(f"orders:    {status.orders}")
    print(f"pending:   {status.pending}")
    print(f"conflicts: {status.conflicts}")
    print(f"last pull: {_utc(status.last_pull)}")
    print(f"last push: {_utc(status.last_push)}")
    return 0


def cmd_orders(args: argparse.Namespace) -> int:
    with _client(args) as client:
        orders = client.orders(args.state)
    rows = [
        [_label(o.get("name")), _label(o.get("state")), str(o.get("version")),
         _label(o.get("partner_id", o.get("partner")))]
        for o in orders
    ]
    _table(["REFERENCE", "STATE", "VERSION", "CUSTOMER"], rows, sys.stdout)
    return 0


def cmd_show(args: argparse.Namespace) -> int:
    with _client(args) as client:
        order = client.order(args.ref)
        waiting = [op for op in client.pending() if op.order_id == order["id"]]
        print(json.dumps(order, indent=2, ensure_ascii=False, sort_keys=True))
        for op in waiting:
            _print_op("pending", op, client)
    return 0


def cmd_conflicts(args: argparse.Namespace) -> int:
    with _client(args) as client:
        rows = [[str(op.id), client.order_label(op.order_id), op.type, op.status, op.at,
                 op.message] for op in client.conflicts()]
    _table(["ID", "ORDER", "TYPE", "STATUS", "AT (UTC)", "MESSAGE"], rows, sys.stdout)
    return 0


def cmd_resolve(args: argparse.Namespace) -> int:
    with _client(args) as client:
        new = client.resolve(args.id, "retry" if args.retry else "drop")
        if new is None:
            print(f"dropped operation #{args.id}")
        else:
            _print_op(f"operation #{args.id} re-queued as", new, client)
    return 0


def _csv_cell(value: Any) -> str:
    if value is False or value is None:
        return ""
    if isinstance(value, (dict, list)):
        return json.dumps(value, ensure_ascii=False, sort_keys=True)
    return str(value)


def cmd_export(args: argparse.Namespace) -> int:
    with _client(args) as client:
        orders = client.orders(args.state)
    out = open(args.output, "w", encoding="utf-8", newline="") if args.output else sys.stdout
    try:
        if args.format == "json":
            json.dump(orders, out, indent=2, ensure_ascii=False, sort_keys=True)
            out.write("\n")
        else:
            first = ["id", "name", "state", "version"]
            rest = sorted({key for order in orders for key in order} - set(first))
            writer = csv.writer(out)
            writer.writerow(first + rest)
            for order in orders:
                writer.writerow([_csv_cell(order.get(key)) for key in first + rest])
    finally:
        if out is not sys.stdout:
            out.close()
    return 0


def _field_value(text: str) -> tuple[str, str | bool]:
    """``FIELD=VALUE``: the fields a device may set are texts; ``FIELD=`` empties one."""
    name, sep, raw = text.partition("=")
    if not sep or not name:
        raise UsageError(f"expected FIELD=VALUE, got {text!r}")
    return name, raw or False


def _datetime(text: str) -> datetime:
    try:
        return datetime.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"{text!r} is not a date and time like '2026-03-01 09:00:00' (UTC)"
        ) from None


def _unit(text: str) -> int | str:
    """A unit as typed: its server id, or the uuid of a queued equipment-add."""
    return int(text) if text.isdigit() else text


def cmd_queue(args: argparse.Namespace) -> int:
    with _client(args) as client:
        kind, ref = args.op, args.ref
        if kind in ("start", "hold", "resume", "complete"):
            op = client.transition(ref, kind)
        elif kind == "transition":
            op = client.transition(ref, args.name)
        elif kind == "note":
            op = client.note(ref, args.body)
        elif kind == "material":
            op = client.material(ref, args.product_id, args.quantity, args.lot,
                                 equipment=args.unit and _unit(args.unit))
        elif kind == "correct-material":
            op = client.correct_material(ref, args.line_id, args.quantity_used)
        elif kind == "labor":
            op = client.labor(ref, args.start, args.end, args.description)
        elif kind == "photo":
            op = client.photo(ref, Path(args.file), args.kind, equipment=args.unit and _unit(args.unit))
        elif kind == "equipment-add":
            op = client.equipment_add(ref, args.name, args.serial, args.product_id, args.location)
        elif kind == "reading":
            op = client.reading(ref, _unit(args.unit), args.name, args.value, args.definition_id)
        elif kind == "signature":
            op = client.signature(ref, Path(args.file), args.signed_by)
        elif kind == "checklist":
            op = client.checklist(ref, args.line_id, not args.undone)
        else:
            op = client.set_fields(ref, dict(_field_value(f) for f in args.fields))
        _print_op("queued", op, client)
    return 0


# -- parser ---------------------------------------------------------------------


_UNIT_HELP = "its id, or the uuid of a queued equipment-add"


def _queue_parser(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    queue = sub.add_parser("queue", help="queue an operation for the next push (offline)")
    ops = queue.add_subparsers(dest="op", required=True, metavar="OPERATION")
    for kind in ("start", "hold", "resume", "complete"):
        ops.add_parser(kind, help=f"{kind} the work order").add_argument("ref")
    p = ops.add_parser("transition", help="another state change the server lets a device make "
                       "(e.g. on_my_way)")
    p.add_argument("ref")
    p.add_argument("name")
    p = ops.add_parser("note", help="post a note")
    p.add_argument("ref")
    p.add_argument("body")
    p = ops.add_parser("material", help="record used material")
    p.add_argument("ref")
    p.add_argument("product_id", type=int)
    p.add_argument("quantity", type=float)
    p.add_argument("--lot", help="lot or serial number")
    p.add_argument("--unit", help="the unit the part went into: " + _UNIT_HELP)
    p = ops.add_parser("correct-material", help="correct the used quantity of a material line "
                       "(the new total, before completion)")
    p.add_argument("ref")
    p.add_argument("line_id", type=int)
    p.add_argument("quantity_used", type=float)
    p = ops.add_parser("labor", help="record a labor line (times in UTC)")
    p.add_argument("ref")
    p.add_argument("start", type=_datetime)
    p.add_argument("end", type=_datetime)
    p.add_argument("--description", default="")
    p = ops.add_parser("photo", help="attach a photo")
    p.add_argument("ref")
    p.add_argument("file")
    p.add_argument("--kind", default="other", help="before, after or other (as the server lists them)")
    p.add_argument("--unit", help="the unit the photo shows: " + _UNIT_HELP)
    p = ops.add_parser("equipment-add", help="add a unit found on the order's site")
    p.add_argument("ref")
    p.add_argument("name")
    p.add_argument("--serial", help="its serial number")
    p.add_argument("--product-id", type=int, help="its product (model)")
    p.add_argument("--location", help='where on the site, e.g. "Roof, east side"')
    p = ops.add_parser("reading", help="record a measurement of a unit")
    p.add_argument("ref")
    p.add_argument("unit", help=_UNIT_HELP)
    p.add_argument("name", help="the measurement, e.g. 'Suction pressure'")
    p.add_argument("value", type=float)
    p.add_argument("--definition-id", type=int, help="the job's measurement id (its range)")
    p = ops.add_parser("signature", help="attach the customer's signature")
    p.add_argument("ref")
    p.add_argument("file")
    p.add_argument("--signed-by", required=True)
    p = ops.add_parser("checklist", help="tick (or --undone: untick) a checklist line")
    p.add_argument("ref")
    p.add_argument("line_id", type=int)
    p.add_argument("--undone", action="store_true")
    p = ops.add_parser("set", help="edit site fields: FIELD=TEXT (FIELD= empties it)")
    p.add_argument("ref")
    p.add_argument("fields", nargs="+", metavar="FIELD=VALUE")
    queue.set_defaults(func=cmd_queue)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="fwo-sync", description="Offline sync of field work orders with Odoo."
    )
    parser.add_argument("--profile", default=os.environ.get(ENV_PROFILE, "default"),
                        help=f"profile name (default: ${ENV_PROFILE} or 'default')")
    parser.add_argument("--store", help="SQLite store to use instead of the profile's")
    parser.add_argument("-v", "--verbose", action="store_true", help="log calls on stderr")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    p = sub.add_parser("login", help="check credentials and save a profile (never the secret)")
    p.add_argument("--url", required=True)
    p.add_argument("--db", required=True)
    p.add_argument("--user", required=True)
    p.add_argument("--protocol", choices=sorted(PROTOCOLS), default="jsonrpc")
    secret = p.add_mutually_exclusive_group()
    secret.add_argument("--api-key-env", metavar="VAR",
                        help=f"read the API key from $VAR (default ${ENV_API_KEY})")
    secret.add_argument("--password-env", metavar="VAR",
                        help=f"read the password from $VAR (default ${ENV_PASSWORD})")
    p.set_defaults(func=cmd_login)

    p = sub.add_parser("pull", help="fetch new and changed orders")
    p.add_argument("-q", "--quiet", action="store_true", help="no progress bar")
    p.set_defaults(func=cmd_pull)
    sub.add_parser("push", help="send queued operations").set_defaults(func=cmd_push)
    sub.add_parser("status", help="pending operations, conflicts, last sync").set_defaults(
        func=cmd_status)
    p = sub.add_parser("orders", help="list cached orders")
    p.add_argument("--state")
    p.set_defaults(func=cmd_orders)
    p = sub.add_parser("show", help="show one cached order")
    p.add_argument("ref", help="reference (e.g. WO/2026/00001) or id")
    p.set_defaults(func=cmd_show)
    sub.add_parser("conflicts", help="operations the server refused").set_defaults(
        func=cmd_conflicts)
    p = sub.add_parser("resolve", help="retry or drop a refused operation")
    p.add_argument("id", type=int)
    action = p.add_mutually_exclusive_group(required=True)
    action.add_argument("--retry", action="store_true", help="queue it again under a new uuid")
    action.add_argument("--drop", action="store_true", help="give it up")
    p.set_defaults(func=cmd_resolve)
    p = sub.add_parser("export", help="write cached orders as JSON or CSV")
    p.add_argument("--format", choices=("json", "csv"), default="json")
    p.add_argument("--state")
    p.add_argument("-o", "--output", help="file to write (default: standard output)")
    p.set_defaults(func=cmd_export)
    _queue_parser(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit as exc:
        return exc.code if isinstance(exc.code, int) else 2
    if args.verbose:
        logging.basicConfig(level=logging.DEBUG, format="%(name)s: %(message)s")
    try:
        return int(args.func(args))
    except UsageError as exc:
        print(f"fwo-sync: {exc}", file=sys.stderr)
        return 2
    except SyncError as exc:
        print(f"fwo-sync: {exc}", file=sys.stderr)
        return 1
    except sqlite3.Error as exc:
        print(f"fwo-sync: local store error: {exc}", file=sys.stderr)
        return 1
    except OSError as exc:
        print(f"fwo-sync: {exc.strerror or exc}: {exc.filename or ''}".rstrip(": "),
              file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("fwo-sync: interrupted; everything queued so far is kept", file=sys.stderr)
        return 130
