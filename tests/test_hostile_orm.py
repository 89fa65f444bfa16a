"""Hostile input over real JSON-RPC and XML-RPC against the RPC contract of the models.

``create``/``write`` on the work order and its line models and every ``action_*``, with
type-confused values, as a real technician and a real dispatcher: every refusal is Odoo's
normal fault worded as a sentence, and nothing is written. Shared pieces: _hostile.py.
"""


import math

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from ._hostile import (
    ACTIONS,
    HOSTILE,
    INT32,
    MODELS,
    Refused,
    counts,
    fill,
    junk,
    not_a,
    nul_text,
    order_row,
    rpc,
    xml_safe,
)
from ._orders import make_order

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

