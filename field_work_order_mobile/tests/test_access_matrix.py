"""The access matrix's rows of the sync API and the Technician App's route.

The rows of the core's models and routes, the roles, the fixtures and the cell
runner are in ``field_work_order/tests/access_matrix.py`` and the
``test_access_matrix_*.py`` files next to it.
"""

import uuid

from odoo import fields
from odoo.tests import BaseCase, tagged

from odoo.addons.field_work_order.tests import test_access_matrix as core_matrix
from odoo.addons.field_work_order.tests.access_matrix import (
    FORGED_CONTEXT,
    WORKERS,
    AccessMatrixCase,
    Call,
    Http,
    allow,
    count,
    printed_matrix,
    state_of,
    tested_matrix,
    write,
)


def _push_start(t):
    order = t.o_sched
    return [], {"operations": [{
        "uuid": str(uuid.uuid4()), "order_id": order.id, "type": "start", "payload": {},
        "base_version": order.sync_version, "at": fields.Datetime.to_string(fields.Datetime.now()),
    }]}


def _push(t, order, op_type, payload):
    return [], {"operations": [{
        "uuid": str(uuid.uuid4()), "order_id": order.id, "type": op_type, "payload": payload,
        "at": fields.Datetime.to_string(fields.Datetime.now()),
    }]}


def _quote_state(quote):
    return lambda t: (getattr(t, quote).with_env(t.env).state,)


def _sync_row(label, args, observe, done, before):
    """A push of one operation: applied for the order's workers, an error result for the others."""
    return (label, Call(
        "field.work.order", "sync_push", lambda t: args(t)[0], lambda t: args(t)[1],
        observe=observe, expect=lambda t, role: done if role in WORKERS else before,
        check=_push_check, names=("technician",), named=("X", "P"),
    ), allow("A", "H", "B", "D", "D2"))


def _push_quote(t):
    return _push(t, t.o_prog, "quote", {"note": "matrix: sync quote", "options": [
        {"name": "Repair", "lines": [{"product_id": t.part.id, "quantity": 1}]}]})


def _pull_check(t, role, result):
    ids = {order["id"] for order in result["orders"]}
    if role in WORKERS:
        return t.o_prog.id in ids
    return not ids & set(t.orders.ids)  # allowed to call, sees none of C1's orders


def _reference_check(t, role, result):
    """The catalog, and the caller's own van only: A has one (the parts of the done order left it)."""
    names = {product["name"] for product in result["products"]}
    if not {"Matrix Filter", "Matrix Tape"} <= names:
        return False
    if role == "A":
        return result["van"] and result["van"]["id"] == t.tech_a.fwo_van_location_id.id
    return result["van"] is False


def _push_check(t, role, result):
    status = result[0]["status"]
    return status == ("applied" if role in WORKERS else "error")


ROWS = [
    # --- the sync's version of the order: only the server sets it, context keys or not
    *[(f"write sync_version{suffix}", write(lambda t: t.o_prog, {"sync_version": 999}, context=context),
       allow()) for context, suffix in ((None, ""), (FORGED_CONTEXT, " with forged context keys"))],
    # --- the app's sync ----------------------------------------------------
    # B and D2 are technicians (a dispatcher is one by implication): they may call the
    # sync, and it gives them none of C1's orders.
    ("sync_pull (no cursor; B, D2: none of the orders)", Call(
        "field.work.order", "sync_pull", [], {"cursor": False, "limit": 200},
        check=_pull_check, names=("technician",), named=("X", "P"),
    ), allow("A", "H", "B", "D", "D2")),
    ("sync_push start (scheduled; B, D2: status error)", Call(
        "field.work.order", "sync_push", lambda t: _push_start(t)[0],
        lambda t: _push_start(t)[1], observe=state_of(lambda t: t.o_sched),
        expect=lambda t, role: ("in_progress",) if role in WORKERS else ("scheduled",),
        check=_push_check, names=("technician",), named=("X", "P"),
    ), allow("A", "H", "B", "D", "D2")),
    ("sync_push quote (in progress; B, D2: status error)", Call(
        "field.work.order", "sync_push", lambda t: _push_quote(t)[0],
        lambda t: _push_quote(t)[1],
        observe=count("field.work.order.quote", lambda t: [("note", "=", "matrix: sync quote")]),
        expect=lambda t, role: (1,) if role in WORKERS else (0,),
        check=_push_check, names=("technician",), named=("X", "P"),
    ), allow("A", "H", "B", "D", "D2")),
    _sync_row("sync_push quote_send (draft quote; B, D2: status error)",
              lambda t: _push(t, t.o_prog, "quote_send", {"quote_id": t.q_draft.id}),
              _quote_state("q_draft"), ("sent",), ("draft",)),
    _sync_row("sync_push quote_approve (sent, signed; B, D2: status error)",
              lambda t: _push(t, t.o_prog, "quote_approve", {
                  "quote_id": t.q_sent.id, "option_id": t.q_sent.option_ids.id,
                  "signature": t.signature_png, "signer_name": "Casey Client"}),
              _quote_state("q_sent"), ("approved",), ("sent",)),
    _sync_row("sync_push collect_payment (done, invoice posted; B, D2: status error)",
              lambda t: _push(t, t.o_done, "collect_payment", {"amount": 1.0, "method": "cash"}),
              count("account.payment", lambda t: [("fwo_order_id", "=", t.o_done.id)]), (1,), (0,)),
    _sync_row("sync_push equipment_add (in progress; B, D2: status error)",
              lambda t: _push(t, t.o_prog, "equipment_add", {"name": "Matrix sync unit"}),
              count("field.work.order.equipment", lambda t: [("name", "=", "Matrix sync unit")]),
              (1,), (0,)),
    _sync_row("sync_push reading (a unit at the site; B, D2: status error)",
              lambda t: _push(t, t.o_prog, "reading", {
                  "equipment_id": t.unit.id, "name": "Matrix pressure", "value": 70}),
              count("field.work.order.reading", lambda t: [("name", "=", "Matrix pressure")]),
              (1,), (0,)),
    ("sync_reference (A: their own van; others: no van)", Call(
        "field.work.order", "sync_reference", [], {"after_id": False, "limit": 500},
        check=_reference_check, names=("technician",), named=("X", "P"),
    ), allow("A", "H", "B", "D", "D2")),
    # Technicians (dispatchers are ones) get the app; the others are sent elsewhere.
    ("GET /field-service (the Technician App)", Http(
        lambda t: "/field-service", page=b"field_work_order_mobile.assets_app"),
     allow("A", "H", "B", "D", "D2")),
]


@tagged("post_install", "-at_install")
class TestAccessMatrixSync(AccessMatrixCase):
    """sync_pull, sync_push, sync_reference and /field-service as each role."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        Quote = cls.env["field.work.order.quote"]
        cls.q_draft, cls.q_sent = (Quote.create({
            "work_order_id": cls.o_prog.id, "option_ids": [(0, 0, {"name": "Repair", "line_ids": [
                (0, 0, {"product_id": cls.part.id, "quantity": 1})]})],
        }) for _i in range(2))
        cls.q_sent.action_send()
        cls.c1.fwo_onsite_journal_id = cls.env["account.journal"].search([
            ("type", "=", "cash"), ("company_id", "=", cls.c1.id)], limit=1)
        cls.o_done.with_user(cls.accountant)._create_invoices(grouped=True).action_post()
        cls.unit = cls.env["field.work.order.equipment"].create({
            "name": "Matrix unit", "partner_id": cls.o_prog.partner_id.id,
            "service_partner_id": cls.o_prog.service_partner_id.id, "company_id": cls.c1.id,
        })
        cls.env.flush_all()
        cls.q_draft, cls.q_sent = cls.q_draft.with_env(cls.env), cls.q_sent.with_env(cls.env)

    def test_access_matrix(self):
        self.check_matrix(ROWS)


@tagged("post_install", "-at_install")
class TestAccessMatrixDoc(BaseCase):
    """docs/security.md prints the matrix of both addons: a row added to one and not the other fails."""

    def test_security_doc_prints_the_matrix(self):
        self.assertEqual(printed_matrix(), tested_matrix(core_matrix.ROWS + ROWS))
