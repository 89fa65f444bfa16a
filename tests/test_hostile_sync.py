"""Hostile input over real JSON-RPC and XML-RPC against ``sync_push``: malformed operations.

Hypothesis throws garbage at ``sync_push`` (operations with missing, extra and mistyped keys,
huge strings, deep nesting, NaN and infinite numbers, unknown types, other users' orders,
base64 that is no image, batches with garbage between valid operations) as a real technician.
Every refusal is a per-operation ``error`` result or a fault worded as a sentence; the row counts
of every table such a call could write are the same afterwards. Shared pieces: _hostile.py.
"""


import base64
import math
import uuid

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from ._hostile import (
    HOSTILE,
    INT32,
    LOG,
    OP_TYPES,
    SET_FIELDS,
    Refused,
    assert_clear,
    bad_datetime,
    counts,
    fill,
    junk,
    key_text,
    not_a,
    nul_text,
    order_row,
    rpc,
    xml_safe,
)

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


