"""Hostile input over real JSON-RPC and XML-RPC: malformed, oversized and type-confused values.

Hypothesis throws garbage at ``sync_push`` (operations with missing, extra and mistyped keys,
huge strings, deep nesting, NaN and infinite numbers, unknown types, other users' orders,
base64 that is no image, batches with garbage between valid operations) and at the RPC contract
(``create``/``write`` on the work order and its line models, every ``action_*``), as a real
technician and a real dispatcher. Every refusal is Odoo's normal answer, HTTP 200 with a fault
(JSON-RPC ``error``, XML-RPC ``Fault``) or a per-operation ``error`` result, worded as a
sentence; the row counts of every table such a call could write are the same afterwards.

The strategies do not depend on the test data: they use placeholders (``@order``...) that each
test replaces with the ids of its fixture, so the cases found once stay as ``@example``.
"""

import base64
import io
import json
import math
import re
import uuid
import xmlrpc.client
from datetime import datetime, timedelta, timezone

import pytest
import requests
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from PIL import Image

from ._orders import WIRE, make_order, make_world
from ._rpc import Rpc

INT32 = 2**31 - 1
OP_TYPES = ("start", "hold", "resume", "complete", "on_my_way", "note", "material", "labor",
            "photo", "signature", "checklist", "set")
SET_FIELDS = ("unit_number", "access_instructions", "site_contact_name", "site_contact_phone")
TABLES = ("field_work_order", "field_work_order_material", "field_work_order_labor",
          "field_work_order_photo", "field_work_order_checklist_line",
          "field_work_order_sync_operation", "stock_move", "ir_attachment", "mail_message")
LOG = "field_work_order_sync_operation"
ODOO_FAULTS = {"odoo.exceptions.UserError", "odoo.exceptions.ValidationError",
               "odoo.exceptions.AccessError", "odoo.exceptions.MissingError"}
XML_FAULT_CODES = {2, 4}  # Odoo's UserError (Validation, Missing) and AccessError
#: What a raw Python or PostgreSQL error looks like in a message.
RAW = re.compile(
    r"Traceback|\b\w+(Error|Exception)\b(?<!UserError)(?<!AccessError)|psycopg|builtins|"
    r"Unexpected error|The database refused|object has no attribute|not subscriptable|"
    r"unhashable|NoneType|invalid input syntax|positional argument|keyword argument|<html",
)
MODELS = ("field.work.order", "field.work.order.material", "field.work.order.labor",
          "field.work.order.checklist.line", "field.work.order.photo")
ACTIONS = {  # action -> the arguments it takes besides the ids
    "action_schedule": (), "action_start": (), "action_hold": (), "action_resume": (),
    "action_complete": (), "action_verify": (), "action_rework": ("reason",),
    "action_cancel": (), "action_reset_draft": (), "action_open_rework_wizard": (),
    "action_view_service_history": (), "action_view_partner_history": (),
    "action_archive": (), "action_unarchive": (), "action_on_my_way": (),
    "action_create_invoices": ("grouped",), "action_create_invoices_per_order": (),
    "action_view_invoices": (), "action_create_followup": (), "action_view_followups": (),
    "action_send_report": (), "action_view_pickings": (), "action_view_stock_moves": (),
    "action_return_unused": (),
}
HOSTILE = settings(max_examples=30, deadline=None, derandomize=True, database=None,
                   suppress_health_check=list(HealthCheck))


def png_b64():
    buffer = io.BytesIO()
    Image.new("RGB", (4, 4), "red").save(buffer, "PNG")
    return base64.b64encode(buffer.getvalue()).decode()


# -- the two wire formats ------------------------------------------------------------------


class Refused(Exception):
    """A fault, already checked to be Odoo's normal one (HTTP 200, a UserError kind)."""


class JsonRpc:
    """``/jsonrpc`` as a plain HTTP client sees it: status, content type, reply."""

    def __init__(self, odoo, uid, password):
        self.odoo, self.uid, self.password = odoo, uid, password
        self.session = requests.Session()

    def __call__(self, model, method, args, kwargs=None):
        body = {"jsonrpc": "2.0", "method": "call", "id": 1, "params": {
            "service": "object", "method": "execute_kw",
            "args": [self.odoo.db, self.uid, self.password, model, method, args, kwargs or {}]}}
        response = self.session.post(f"{self.odoo.url}/jsonrpc", data=json.dumps(body),
                                     headers={"Content-Type": "application/json"}, timeout=120)
        assert response.status_code == 200, (response.status_code, response.text[:300])
        assert response.headers["Content-Type"].startswith("application/json"), response.text[:300]
        reply = response.json()
        if "error" in reply:
            data = reply["error"].get("data") or {}
            assert data.get("name") in ODOO_FAULTS, (data.get("name"), data.get("message"))
            assert_clear(data["message"])
            raise Refused(data["message"])
        return reply["result"]


class XmlRpc:
    """``/xmlrpc/2/object``; a non-200 answer raises ``ProtocolError``, which fails the test."""

    def __init__(self, odoo, uid, password):
        self.odoo, self.uid, self.password = odoo, uid, password
        self.proxy = xmlrpc.client.ServerProxy(f"{odoo.url}/xmlrpc/2/object")

    def __call__(self, model, method, args, kwargs=None):
        try:
            return self.proxy.execute_kw(self.odoo.db, self.uid, self.password, model, method,
                                         args, kwargs or {})
        except xmlrpc.client.Fault as fault:
            assert fault.faultCode in XML_FAULT_CODES, fault.faultString[-500:]
            assert_clear(fault.faultString)
            raise Refused(fault.faultString) from None


def assert_clear(message):
    """A sentence for a person: not empty, not a wall of text, no raw error."""
    assert isinstance(message, str) and message.strip(), message
    assert len(message) <= 600, message[:300]
    assert not RAW.search(message), message


# -- fixtures --------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def ctx(odoo):
    """A technician and a dispatcher (real users), the technician's scheduled order with a
    checklist line, another technician's order, a product; placeholders -> ids."""
    admin = Rpc(odoo)
    world = make_world(admin)
    tech_id, tech = admin.create_user("technician")
    other_id, _other = admin.create_user("technician")
    disp_id, disp = admin.create_user("dispatcher")
    order = make_order(admin, odoo, world, tech_id)
    other = make_order(admin, odoo, world, other_id)
    lines = admin("field.work.order", "read", [order, other], ["checklist_ids", "material_ids"])
    material = admin("field.work.order.material", "create", {
        "work_order_id": order, "product_id": world["product"], "quantity_used": 1})
    now = datetime.now(timezone.utc)
    ids = {
        "@order": order, "@other_order": other, "@product": world["product"],
        "@line": lines[0]["checklist_ids"][0], "@other_line": lines[1]["checklist_ids"][0],
        "@material": material, "@partner": world["customer"], "@tech": tech_id,
        "@labor": False, "@photo": False,
        "@at": (now - timedelta(minutes=2)).strftime(WIRE),
        "@before": (now - timedelta(hours=1)).strftime(WIRE),
        "@after": (now - timedelta(minutes=30)).strftime(WIRE),
        "@png": png_b64(),
    }
    ids["@labor"] = admin("field.work.order.labor", "create", {
        "work_order_id": order, "user_id": tech_id, "date_start": ids["@before"],
        "date_end": ids["@after"]})
    ids["@photo"] = admin("field.work.order.photo", "create", {
        "work_order_id": order, "image": ids["@png"], "kind": "before"})
    fields = {model: admin(model, "fields_get", attributes=["type", "selection", "readonly"])
              for model in MODELS}
    users = {"technician": (tech_id, tech), "dispatcher": (disp_id, disp)}
    return {"odoo": odoo, "admin": admin, "ids": ids, "fields": fields, "users": users}


def rpc(ctx, protocol, role="technician"):
    uid, password = ctx["users"][role]
    return (JsonRpc if protocol == "json" else XmlRpc)(ctx["odoo"], uid, password)


def fill(value, ids):
    """Replace placeholders (and ``@uuid`` by a fresh uuid) throughout ``value``."""
    if isinstance(value, str):
        if value == "@uuid":
            return str(uuid.uuid4())
        return ids.get(value, value)
    if isinstance(value, list):
        return [fill(v, ids) for v in value]
    if isinstance(value, dict):
        return {fill(k, ids) if isinstance(k, str) else k: fill(v, ids) for k, v in value.items()}
    return value


def counts(ctx):
    with ctx["odoo"].pg() as conn, conn.cursor() as cr:
        cr.execute("SELECT " + ", ".join(f"(SELECT count(*) FROM {t})" for t in TABLES))
        return dict(zip(TABLES, cr.fetchone(), strict=True))


def order_row(ctx, order_id):
    with ctx["odoo"].pg() as conn, conn.cursor() as cr:
        cr.execute("SELECT state, sync_version, write_date FROM field_work_order WHERE id = %s",
                   [order_id])
        return cr.fetchone()


# -- strategies: junk values -------------------------------------------------------------------


def nested(depth):
    value = "deep"
    for i in range(depth):
        value = [value] if i % 2 else {"k": value}
    return value


def junk(xml=False):
    """Any value the wire can carry: XML-RPC has no None, no integer beyond 32 bits and no
    control character; JSON has them all (NaN and infinities too, as Python writes them)."""
    text = (st.text(st.characters(blacklist_categories=("Cs", "Cc")), max_size=20) if xml
            else st.text(max_size=20))
    leaves = st.one_of(
        st.booleans(), text,
        st.integers(-INT32, INT32) if xml else st.integers(-(2**70), 2**70),
        st.floats(allow_nan=True, allow_infinity=True),
        st.integers(10_001, 100_000).map(lambda n: "x" * n),  # oversized
        st.integers(20, 150).map(nested),
        *([] if xml else [st.none()]),
    )
    return st.recursive(
        leaves,
        lambda children: st.lists(children, max_size=3) | st.dictionaries(text, children,
                                                                           max_size=3),
        max_leaves=6,
    )


def not_a(*types, xml=False):
    """Junk that is none of ``types`` (bools count as their own type) and not empty."""
    def other(value):
        if isinstance(value, bool):
            return bool not in types and value is not False
        if isinstance(value, (list, tuple)) and not value:
            return False  # an empty list of values creates nothing: a valid call
        return value is not None and not isinstance(value, types)
    return junk(xml).filter(other)


def key_text(xml):
    return st.text(st.characters(blacklist_categories=("Cs", "Cc")) if xml else st.characters(),
                   min_size=1, max_size=8)


def nul_text(xml):
    return st.nothing() if xml else st.text(max_size=10).map(lambda t: f"{t}\x00{t}")


def bad_datetime(xml):
    def unparsable(text):
        try:
            datetime.strptime(text, WIRE)
        except ValueError:
            return bool(text.strip())
        return False
    return st.one_of(not_a(str, xml=xml),
                     st.text(max_size=25).filter(unparsable) if not xml else st.just("yesterday"),
                     st.sampled_from(["2999-01-01 00:00:00", "2026-13-40 25:61:00", "now"]))


# -- strategies: operations that must be refused -------------------------------------------------

VALID_PAYLOADS = {
    **{kind: {} for kind in ("start", "hold", "resume", "complete", "on_my_way")},
    "note": {"body": "Hostile note"},
    "material": {"product_id": "@product", "quantity": 1},
    "labor": {"date_start": "@before", "date_end": "@after", "description": "Travel"},
    "photo": {"image": "@png", "kind": "before"},
    "signature": {"image": "@png", "signed_by": "Ann"},
    "checklist": {"line_id": "@line", "done": True},
    "set": {"fields": {"unit_number": "4B"}},
}
MISSING = object()


def payload_corruptions(kind, xml):
    """(key, bad value or MISSING) pairs that make a ``kind`` payload invalid."""
    uuid_like = st.uuids().map(str)
    text = not_a(str, xml=xml)
    by_kind = {
        "note": [("body", st.one_of(st.just(MISSING), text, st.just("   "),
                                    st.just("n" * 10_001), nul_text(xml)))],
        "material": [
            ("product_id", st.one_of(st.just(MISSING), not_a(int, xml=xml),
                                     st.integers(-INT32, 0), st.just(INT32))),
            ("quantity", st.one_of(st.just(MISSING), not_a(int, float, xml=xml),
                                   st.floats(max_value=0), st.integers(-INT32, 0),
                                   st.sampled_from([math.nan, math.inf, -math.inf, 1e12]))),
            ("lot_name", st.one_of(not_a(str, xml=xml), nul_text(xml),
                                   uuid_like.map(lambda u: f"no-such-lot-{u}"))),
        ],
        "labor": [(key, st.one_of(st.just(MISSING), bad_datetime(xml)))
                  for key in ("date_start", "date_end")]
        + [("date_end", st.just("@at_yesterday")), ("description", not_a(str, xml=xml))],
        "photo": [
            ("image", st.one_of(st.just(MISSING), not_a(str, xml=xml), st.just(""),
                                st.text(max_size=20).map(lambda t: f"!!{t}"),
                                st.binary(min_size=1, max_size=300).map(
                                    lambda b: base64.b64encode(b).decode()))),
            ("kind", st.one_of(not_a(str, xml=xml),
                               st.text(max_size=10).filter(
                                   lambda k: k not in ("before", "after", "other")))),
            ("note", not_a(str, xml=xml)),
        ],
        "signature": [
            ("image", st.one_of(st.just(MISSING), not_a(str, xml=xml),
                                st.binary(min_size=1, max_size=300).map(
                                    lambda b: base64.b64encode(b).decode()))),
            ("signed_by", st.one_of(st.just(MISSING), not_a(str, xml=xml), st.just(" "))),
        ],
        "checklist": [
            ("line_id", st.one_of(st.just(MISSING), not_a(int, xml=xml), st.integers(-INT32, 0),
                                  st.just("@other_line"), st.just(INT32))),
            ("done", not_a(bool, xml=xml)),
        ],
        "set": [
            ("fields", st.one_of(
                st.just(MISSING), not_a(dict, xml=xml), st.just({}),
                st.text(max_size=15).filter(lambda f: f not in SET_FIELDS).map(
                    lambda f: {f: "x"}),
                not_a(str, xml=xml).map(lambda v: {"unit_number": v}),
                st.just({"unit_number": "u" * 10_001}),
                nul_text(xml).map(lambda v: {"site_contact_name": v}))),
        ],
    }
    return by_kind.get(kind, [])


def op_corruptions(xml):
    """(key, bad value or MISSING) pairs that make any operation invalid."""
    return [
        ("uuid", st.one_of(st.just(MISSING), not_a(str, xml=xml), st.just(""),
                           st.integers(65, 5000).map(lambda n: "u" * n), nul_text(xml))),
        ("type", st.one_of(st.just(MISSING), not_a(str, xml=xml),
                           st.text(max_size=30).filter(lambda t: t not in OP_TYPES),
                           st.just("t" * 100_000))),
        ("order_id", st.one_of(st.just(MISSING), not_a(int, xml=xml), st.integers(-INT32, 0),
                               *([] if xml else [st.integers(INT32 + 1, 2**70)]),
                               st.just("@other_order"), st.just(INT32))),
        ("at", st.one_of(st.just(MISSING), bad_datetime(xml), st.just("2000-01-01 00:00:00"))),
        ("payload", not_a(dict, xml=xml)),
    ]


@st.composite
def bad_op(draw, xml=False):
    """One operation that the server must refuse (an ``error`` result)."""
    if draw(st.integers(0, 9)) == 0:
        return draw(not_a(dict, xml=xml))  # not even a dict
    kind = draw(st.sampled_from(OP_TYPES))
    op = {"uuid": "@uuid", "order_id": "@order", "type": kind,
          "payload": dict(VALID_PAYLOADS[kind]), "base_version": 1, "at": "@at"}
    choices = op_corruptions(xml) + [("payload." + k, v) for k, v in payload_corruptions(kind, xml)]
    if kind == "set":
        choices.append(("base_version", st.one_of(st.just(MISSING), st.booleans(),
                                                  st.integers(-INT32, -1), st.text(max_size=5))))
    key, values = draw(st.sampled_from(choices))
    value = draw(values)
    target, key = (op["payload"], key[8:]) if key.startswith("payload.") else (op, key)
    if value is MISSING:
        target.pop(key, None)
    elif value == "@at_yesterday":
        target["date_start"], target["date_end"] = "@after", "@before"  # ends before it starts
    else:
        target[key] = value
    known = {*op, *VALID_PAYLOADS[kind], "lot_name", "note", "description", "done", "kind"}
    extra = draw(st.dictionaries(key_text(xml).filter(lambda k: k not in known), junk(xml),
                                 max_size=2))
    op.update(extra)  # extra keys are ignored: they never make an operation valid or invalid
    return op


def claims_a_uuid(op):
    """Whether the server logs the operation's uuid (exactly once, with its error)."""
    value = op.get("uuid") if isinstance(op, dict) else None
    return isinstance(value, str) and 1 <= len(value) <= 64 and "\x00" not in value


def push_garbage(ctx, protocol, batch):
    before, order = counts(ctx), order_row(ctx, ctx["ids"]["@order"])
    ops = fill(batch, ctx["ids"])
    results = rpc(ctx, protocol)("field.work.order", "sync_push", [], {"operations": ops})
    assert len(results) == len(ops)
    for op, result in zip(ops, results, strict=True):
        assert result["status"] == "error", (op, result)
        assert_clear(result["message"])
        if not (isinstance(op, dict) and op.get("order_id") == ctx["ids"]["@order"]):
            assert (result["version"], result["current"]) == (0, False), result
    after = counts(ctx)
    assert after[LOG] == before[LOG] + sum(map(claims_a_uuid, ops))
    assert {**after, LOG: 0} == {**before, LOG: 0}
    assert order_row(ctx, ctx["ids"]["@order"]) == order


# Cases found before the server's fix: NaN and infinite quantities, a NUL in a lot name or a
# field value answered "Unexpected error: ..."; a NUL in a uuid or a type, and a type that is a
# list, failed the whole batch with a raw ValueError/TypeError fault; a NUL in a note was applied
# with the character silently dropped.
FOUND = [
    {"uuid": "@uuid", "order_id": "@order", "type": "material", "at": "@at", "base_version": 1,
     "payload": {"product_id": "@product", "quantity": quantity}}
    for quantity in (math.nan, math.inf)
] + [
    {"uuid": "@uuid", "order_id": "@order", "type": "note", "at": "@at", "base_version": 1,
     "payload": {"body": "a\x00b"}},
    {"uuid": "@uuid", "order_id": "@order", "type": "material", "at": "@at", "base_version": 1,
     "payload": {"product_id": "@product", "quantity": 1, "lot_name": "L\x00"}},
    {"uuid": "@uuid", "order_id": "@order", "type": "set", "at": "@at", "base_version": 1,
     "payload": {"fields": {"unit_number": "4\x00B"}}},
    {"uuid": "u\x00", "order_id": "@order", "type": "note", "at": "@at", "payload": {"body": "x"}},
    {"uuid": "@uuid", "order_id": "@order", "type": ["note"], "at": "@at", "payload": {}},
    {"uuid": "@uuid", "order_id": "@order", "type": "t\x00", "at": "@at", "payload": {}},
]


@HOSTILE
@given(batch=st.lists(bad_op(), min_size=1, max_size=4))
@example(batch=FOUND)
def test_sync_push_refuses_garbage_per_operation_json(ctx, batch):
    push_garbage(ctx, "json", batch)


@settings(HOSTILE, max_examples=25)
@given(batch=st.lists(bad_op(xml=True), min_size=1, max_size=4))
@example(batch=FOUND[:2])
def test_sync_push_refuses_garbage_per_operation_xml(ctx, batch):
    push_garbage(ctx, "xml", batch)


@settings(HOSTILE, max_examples=12)
@given(garbage=st.lists(bad_op(), min_size=3, max_size=3), quantity=st.integers(1, 5))
def test_valid_operations_among_garbage_keep_their_semantics(ctx, garbage, quantity):
    """Garbage between valid operations: each valid one is applied once, alone, in order."""
    marker = f"Among garbage {uuid.uuid4()}"
    note = {"uuid": "@uuid", "order_id": "@order", "type": "note", "at": "@at",
            "base_version": 1, "payload": {"body": marker}}
    material = {"uuid": "@uuid", "order_id": "@order", "type": "material", "at": "@at",
                "base_version": 1, "payload": {"product_id": "@product", "quantity": quantity}}
    batch = fill([garbage[0], note, garbage[1], material, garbage[2]], ctx["ids"])
    before, version = counts(ctx), order_row(ctx, ctx["ids"]["@order"])[1]
    used = ctx["admin"]("field.work.order.material", "read", [ctx["ids"]["@material"]],
                        ["quantity_used"])[0]["quantity_used"]
    results = rpc(ctx, "json")("field.work.order", "sync_push", [], {"operations": batch})
    assert [r["status"] for r in results] == ["error", "applied", "error", "applied", "error"]
    assert [results[1]["version"], results[3]["version"]] == [version + 1, version + 2]
    after = counts(ctx)
    assert after[LOG] == before[LOG] + 2 + sum(map(claims_a_uuid, garbage))
    assert after["mail_message"] == before["mail_message"] + 1
    assert {**after, LOG: 0, "mail_message": 0} == {**before, LOG: 0, "mail_message": 0}
    assert ctx["admin"]("field.work.order.material", "read", [ctx["ids"]["@material"]],
                        ["quantity_used"])[0]["quantity_used"] == used + quantity
    notes = ctx["admin"]("mail.message", "search_count", [
        ("model", "=", "field.work.order"), ("res_id", "=", ctx["ids"]["@order"]),
        ("body", "ilike", marker)])
    assert notes == 1


def whole_call_garbage(xml):
    """Calls of the sync methods refused as a whole: a fault, nothing logged."""
    ops = st.lists(st.just({"uuid": "@uuid", "order_id": "@order", "type": "note",
                            "at": "@at", "payload": {"body": "never"}}), max_size=2)
    return st.one_of(
        st.tuples(st.just("sync_push"), st.just([]), not_a(list, xml=xml).map(
            lambda v: {"operations": v})),
        st.tuples(st.just("sync_push"), st.just([]), st.just({})),
        st.tuples(st.just("sync_push"), st.just([]), st.just({"operations": [{}] * 501})),
        st.tuples(st.just("sync_push"), st.lists(junk(xml), min_size=2, max_size=3),
                  st.just({})),
        st.tuples(st.just("sync_push"), st.just([]), st.tuples(ops, st.text(
            min_size=1, max_size=8).filter(lambda k: k not in ("operations", "context")),
            junk(xml)).map(lambda t: {"operations": t[0], t[1]: t[2]})),
        st.tuples(st.sampled_from(["sync_pull", "sync_reference"]), st.just([]),
                  st.fixed_dictionaries({"limit": st.one_of(
                      not_a(int, xml=xml), st.integers(-INT32, 0), st.integers(5001, INT32))})),
        st.tuples(st.just("sync_pull"), st.just([]),
                  st.fixed_dictionaries({"cursor": st.one_of(  # a falsy cursor means "none"
                      not_a(bool, xml=xml), st.text(min_size=1, max_size=50)).filter(bool)})),
        st.tuples(st.sampled_from(["sync_pull", "sync_reference"]), st.just([]),
                  st.dictionaries(st.text(min_size=1, max_size=8).filter(
                      lambda k: k not in ("cursor", "limit", "after_id", "context")),
                      junk(xml), min_size=1, max_size=2)),
    )


@settings(HOSTILE, max_examples=30)
@given(call=whole_call_garbage(False), protocol=st.sampled_from(["json", "xml"]))
@example(call=("sync_push", [], {"operations": [], "junk": 1}), protocol="json")
@example(call=("sync_push", [], {}), protocol="json")
@example(call=("sync_push", [[], 5], {}), protocol="xml")
def test_sync_calls_refused_as_a_whole(ctx, call, protocol):
    method, args, kwargs = call
    if protocol == "xml":
        args, kwargs = xml_safe(args), xml_safe(kwargs)
    before = counts(ctx)
    with pytest.raises(Refused):
        rpc(ctx, protocol)("field.work.order", method, args, fill(kwargs, ctx["ids"]))
    assert counts(ctx) == before


def xml_safe(value):
    """XML-RPC cannot carry None, big integers or control characters: make them plain text."""
    if value is None:
        return "None"
    if isinstance(value, int) and not isinstance(value, bool) and abs(value) > INT32:
        return str(value)
    if isinstance(value, str):
        return "".join(c if c.isprintable() or c in "\t\n" else "?" for c in value)
    if isinstance(value, (list, tuple)):
        return [xml_safe(v) for v in value]
    if isinstance(value, dict):
        return {xml_safe(k): xml_safe(v) for k, v in value.items()}
    return value


# -- the RPC contract: create, write, action_* -----------------------------------------------------

CHECKED_TYPES = ("boolean", "integer", "float", "monetary", "char", "text", "html", "selection",
                 "many2one", "one2many", "many2many", "date", "datetime", "binary")


def bad_value(ftype, selection, xml):
    """A value of the wrong kind for a field of type ``ftype``, never an empty one."""
    big = st.nothing() if xml else st.integers(INT32 + 1, 2**70)
    word = st.text("abcxyz/-: ", min_size=1, max_size=10)
    return {
        "boolean": not_a(bool, xml=xml),
        "integer": st.one_of(not_a(int, xml=xml), big),
        "float": st.one_of(not_a(int, float, xml=xml),
                           st.sampled_from([math.nan, math.inf, 1e300])),
        "monetary": st.one_of(not_a(int, float, xml=xml), st.sampled_from([math.nan, -math.inf])),
        "char": st.one_of(not_a(str, xml=xml), nul_text(xml)),
        "text": st.one_of(not_a(str, xml=xml), nul_text(xml)),
        "html": st.one_of(not_a(str, xml=xml), nul_text(xml)),
        "selection": st.one_of(not_a(str, xml=xml), word.filter(
            lambda v: v not in [key for key, _label in selection or ()])),
        "many2one": st.one_of(not_a(int, xml=xml), st.integers(-INT32, 0), big),
        "one2many": st.one_of(not_a(list, xml=xml), st.lists(st.one_of(
            st.just([9, 0, 0]), st.just(["a"]), st.just([6, 0, ["x"]]), st.just([0, 0, "v"]),
            word), min_size=1, max_size=2)),
        "many2many": st.one_of(not_a(list, xml=xml), st.just([[6, 0, ["x"]]]),
                               st.just([[4, -1]])),
        "date": st.one_of(not_a(str, xml=xml),
                          st.sampled_from(["yesterday", "2026-02-30", "31/12/2026"])),
        "datetime": st.one_of(not_a(str, xml=xml),
                              st.sampled_from(["yesterday", "2026-02-30 10:00:00"])),
        "binary": not_a(str, xml=xml),
    }[ftype]


@st.composite
def bad_vals(draw, fields, xml):
    """Field values with one type-confused value (or an unknown field), or not a dict at all."""
    if draw(st.integers(0, 9)) == 0:
        return draw(not_a(dict, xml=xml))
    names = sorted(n for n, f in fields.items() if f["type"] in CHECKED_TYPES)
    name = draw(st.sampled_from([*names, "@unknown"]))
    if name == "@unknown":
        return {draw(st.text("abcxyz_", min_size=1, max_size=20).filter(
            lambda n: n not in fields)): 1}
    field = fields[name]
    return {name: draw(bad_value(field["type"], field.get("selection"), xml))}


BASE_VALS = {
    "field.work.order": {"partner_id": "@partner"},
    "field.work.order.material": {"work_order_id": "@order", "product_id": "@product"},
    "field.work.order.labor": {"work_order_id": "@order", "user_id": "@tech",
                               "date_start": "@before"},
    "field.work.order.checklist.line": {"work_order_id": "@order", "name": "Hostile"},
    "field.work.order.photo": {"work_order_id": "@order", "image": "@png"},
}
RECORDS = {"field.work.order": "@order", "field.work.order.material": "@material",
           "field.work.order.labor": "@labor", "field.work.order.checklist.line": "@line",
           "field.work.order.photo": "@photo"}


def write_dates(ctx, model, record):
    with ctx["odoo"].pg() as conn, conn.cursor() as cr:
        cr.execute(f"SELECT write_date FROM {model.replace('.', '_')} WHERE id = %s", [record])
        return cr.fetchone()


@settings(HOSTILE, max_examples=45)
@given(data=st.data(), model=st.sampled_from(MODELS), method=st.sampled_from(["create", "write"]),
       role=st.sampled_from(["dispatcher", "technician"]), protocol=st.sampled_from(["json", "xml"]),
       vals=st.none())
@example(data=None, model="field.work.order", method="create", role="dispatcher", protocol="json",
         vals={"partner_id": "abc"})
@example(data=None, model="field.work.order", method="create", role="dispatcher", protocol="json",
         vals={"priority": 7})
@example(data=None, model="field.work.order", method="create", role="dispatcher", protocol="json",
         vals={"scheduled_start": "yesterday"})
@example(data=None, model="field.work.order", method="create", role="dispatcher", protocol="json",
         vals={"no_such_field": 1})
@example(data=None, model="field.work.order", method="create", role="dispatcher", protocol="json",
         vals={"partner_id": 2**40})
@example(data=None, model="field.work.order", method="write", role="dispatcher", protocol="json",
         vals={"unit_number": "a\x00b"})
@example(data=None, model="field.work.order", method="write", role="dispatcher", protocol="json",
         vals="junk")
@example(data=None, model="field.work.order", method="write", role="dispatcher", protocol="json",
         vals={"technician_ids": [[6, 0, ["a"]]]})
@example(data=None, model="field.work.order.material", method="create", role="dispatcher",
         protocol="json", vals={"quantity_used": math.nan})
@example(data=None, model="field.work.order.labor", method="create", role="dispatcher",
         protocol="xml", vals={"date_end": [1]})
@example(data=None, model="field.work.order.checklist.line", method="create", role="dispatcher",
         protocol="json", vals={"work_order_id": "x"})
def test_create_and_write_refuse_type_confused_values(ctx, data, model, method, role, protocol,
                                                       vals):
    if vals is None:
        vals = data.draw(bad_vals(ctx["fields"][model], protocol == "xml"))
    record = ctx["ids"][RECORDS[model]]
    if method == "create":
        args = [{**fill(BASE_VALS[model], ctx["ids"]), **vals} if isinstance(vals, dict)
                else vals]
    else:
        args = [[record], vals]
    before, stamp = counts(ctx), write_dates(ctx, model, record)
    with pytest.raises(Refused):
        rpc(ctx, protocol, role)(model, method, args)
    assert counts(ctx) == before
    assert write_dates(ctx, model, record) == stamp


def junk_ids():
    return st.one_of(
        st.lists(st.one_of(st.text(min_size=1, max_size=5), st.floats(), st.dictionaries(
            st.text(max_size=3), st.integers(), min_size=1, max_size=1)), min_size=1, max_size=2),
        st.text(min_size=1, max_size=5),
    )


@st.composite
def bad_action_call(draw):
    """An action with junk ids, arguments it does not take, or a mistyped one."""
    action = draw(st.sampled_from(sorted(ACTIONS)))
    params = ACTIONS[action]
    ids = draw(st.one_of(junk_ids(), st.just(["@order"]), st.just(["@other_order"])))
    how = draw(st.sampled_from(["ids", "positional", "keyword", "typed"] if params
                               else ["ids", "positional", "keyword"]))
    args, kwargs = [], {}
    if how == "ids":
        ids = draw(junk_ids())
    elif how == "positional":
        args = draw(st.lists(junk(), min_size=len(params) + 1, max_size=len(params) + 2))
    elif how == "keyword":
        kwargs = draw(st.dictionaries(st.text(min_size=1, max_size=8).filter(
            lambda k: k not in (*params, "context")), junk(), min_size=1, max_size=2))
    else:
        param = params[0]
        kwargs = {param: draw(not_a(str) if param == "reason" else not_a(bool))}
    return action, ids, args, kwargs


@settings(HOSTILE, max_examples=40)
@given(call=bad_action_call(), role=st.sampled_from(["dispatcher", "technician"]),
       protocol=st.sampled_from(["json", "xml"]))
@example(call=("action_start", ["abc"], [], {}), role="dispatcher", protocol="json")
@example(call=("action_start", [{"a": 1}], [], {}), role="dispatcher", protocol="json")
@example(call=("action_start", ["@order"], ["junk"], {}), role="technician", protocol="xml")
@example(call=("action_start", ["@order"], [], {"junk": 1}), role="technician", protocol="json")
@example(call=("action_schedule", ["@order"], [None], {}), role="dispatcher", protocol="json")
@example(call=("action_create_invoices", ["@order"], [], {"grouped": "abc"}), role="dispatcher",
         protocol="json")
def test_actions_refuse_junk_arguments(ctx, call, role, protocol):
    action, ids, args, kwargs = call
    ids, args, kwargs = fill(ids, ctx["ids"]), fill(args, ctx["ids"]), fill(kwargs, ctx["ids"])
    if protocol == "xml":
        ids, args, kwargs = xml_safe(ids), xml_safe(args), xml_safe(kwargs)
    before = counts(ctx)
    orders = [order_row(ctx, ctx["ids"][o]) for o in ("@order", "@other_order")]
    with pytest.raises(Refused):
        rpc(ctx, protocol, role)("field.work.order", action, [ids, *args], kwargs)
    assert counts(ctx) == before
    assert [order_row(ctx, ctx["ids"][o]) for o in ("@order", "@other_order")] == orders


def test_rework_needs_a_reason_as_text(ctx):
    """A done order sent back with a reason that is not text: a sentence, still done."""
    admin, ids = ctx["admin"], ctx["ids"]
    world = {"customer": ids["@partner"], "product": ids["@product"]}
    done = make_order(admin, ctx["odoo"], world, ids["@tech"], checklist=())
    for action in ("action_start", "action_complete"):
        rpc(ctx, "json")("field.work.order", action, [[done]])
    before = counts(ctx)
    for reason in (42, ["leak"], {"why": "leak"}, True):
        with pytest.raises(Refused, match="Say why the work failed verification"):
            rpc(ctx, "json", "dispatcher")("field.work.order", "action_rework", [[done], reason])
    assert counts(ctx) == before
    assert order_row(ctx, done)[0] == "done"
