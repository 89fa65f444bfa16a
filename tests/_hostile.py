"""Shared pieces of the hostile input tests (test_hostile_sync.py, test_hostile_orm.py):
the callers over both protocols, the fixture, the placeholders and the junk strategies."""


import base64
import io
import json
import re
import uuid
import xmlrpc.client
from datetime import datetime, timedelta, timezone

import pytest
import requests
from hypothesis import HealthCheck, settings
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

