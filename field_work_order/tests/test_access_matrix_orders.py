"""The access matrix's rows of the order itself: read it, write its fields, create and unlink it."""

from .access_matrix import (
    FORGED_CONTEXT,
    READERS,
    WORKERS,
    Call,
    allow,
    exists,
    observe_fields,
    resolve,
    write,
)


def _draft_order_vals(t):
    return {
        "partner_id": t.customer.id, "company_id": t.c1.id, "user_id": t.tech_a.id,
        "description": "matrix: created over RPC",
    }


def _created_orders(t):
    return (t.env["field.work.order"].search_count(
        [("description", "=", "matrix: created over RPC")]),)


# Fields of the order, by who may write them.
SITE_FIELDS = {
    "unit_number": "7B", "access_instructions": "Ring twice",
    "site_contact_name": "Robin Roe", "site_contact_phone": "+1 555 0199",
}
SYSTEM_FIELDS = {
    "state": "done", "date_started": "2021-01-01 00:00:00",
    "date_completed": "2021-01-01 00:00:00", "date_verified": "2021-01-01 00:00:00",
    "signed_on": "2021-01-01 00:00:00", "report_to_send": True,
    "name": "WO/FORGED/1", "parent_id": lambda t: t.o_done.id,
    "date_last_state_update": "2021-01-01 00:00:00", "invoice_status": "invoiced",
    "visit_date": "2021-01-01", "agreement_id": lambda t: t.agreement.id,
}


def _planning_rows():
    """One row per planning/business field: dispatchers only."""
    values = {
        "partner_id": lambda t: t.customer2.id,
        "service_partner_id": lambda t: t.site2.id,
        "description": "New scope",
        "safety_requirements": "Harness above 2 m",
        "priority": "2",
        "job_type_id": lambda t: t.job_type2.id,
        "scheduled_start": "2030-01-15 08:00:00",
        "scheduled_end": "2030-01-15 16:00:00",
        "deadline": "2030-02-01 00:00:00",
        "preferred_date_from": "2030-01-20",
        "preferred_date_to": "2030-01-22",
        "preferred_window": "morning",
        "user_id": lambda t: t.tech_h.id,
        "billable": False,
        "labor_product_id": lambda t: t.labor_product2.id,
        "location_id": lambda t: t.shelf.id,
    }
    rows = []
    for fname, value in values.items():
        rows.append((
            f"write {fname}",
            write(lambda t: t.o_prog, lambda t, f=fname, v=value: {f: resolve(v, t)}, [fname],
                  expect=lambda t, role, v=value: (resolve(v, t),)),
            allow("D"),
        ))
    rows += [
        ("write technician_ids (add B)", Call(
            "field.work.order", "write",
            lambda t: [[t.o_prog.id], {"technician_ids": [[4, t.tech_b.id]]}],
            observe=lambda t: (t.tech_b in t.o_prog.with_env(t.env).technician_ids,),
            expect=(True,), check=lambda t, role, result: result is True,
            names=("technician_ids",),
        ), allow("D")),
        ("write subcontractor_id (instead of the lead)", Call(
            "field.work.order", "write",
            lambda t: [[t.o_prog.id], {"user_id": False, "subcontractor_id": t.vendor.id}],
            observe=observe_fields(lambda t: t.o_prog, ["user_id", "subcontractor_id"]),
            expect=lambda t, role: (False, t.vendor.id),
            check=lambda t, role, result: result is True,
            names=("subcontractor_id", "user_id"),
        ), allow("D")),
        # Moving an order to another company drags its lines, stock and rules along: D's cell
        # is left out; the others must be refused.
        ("write company_id", write(
            lambda t: t.o_prog, lambda t: {"company_id": t.c2.id}, ["company_id"],
            expect=lambda t, role: (t.c2.id,),
        ), allow(skip=("D",))),
    ]
    return rows


def _system_rows():
    """Fields only the server sets: refused to everyone, context keys or not (sync_version: the
    mobile addon's rows)."""
    rows = []
    for context, suffix in ((None, ""), (FORGED_CONTEXT, " with forged context keys")):
        for fname, value in SYSTEM_FIELDS.items():
            rows.append((
                f"write {fname}{suffix}",
                write(lambda t: t.o_prog, lambda t, f=fname, v=value: {f: resolve(v, t)}, [fname],
                      expect=lambda t, role, v=value: (resolve(v, t),), context=context),
                allow(),
            ))
    return rows

ROWS = [
    # --- reading ---------------------------------------------------------
    ("read name, state", Call(
        "field.work.order", "read", lambda t: [[t.o_prog.id], ["name", "state"]],
        check=lambda t, role, result: [(r["id"], r["name"], r["state"]) for r in result]
        == [(t.o_prog.id, t.o_prog.name, "in_progress")],
    ), allow(*READERS)),
    # --- writing the order -----------------------------------------------
    *[(f"write {fname}", write(lambda t: t.o_prog, {fname: value}), allow(*WORKERS))
      for fname, value in SITE_FIELDS.items()],
    *_planning_rows(),
    *_system_rows(),
    ("write signature, signed_by (in progress)", write(
        lambda t: t.o_prog, lambda t: {"signature": t.new_signature, "signed_by": "Morgan Owner"},
        ["signature", "signed_by"], expect=lambda t, role: (t.new_signature.encode(), "Morgan Owner"),
        names=("signature", "signed_by", "dispatcher"),
    ), allow(*WORKERS)),
    ("write signature, signed_by (done)", write(
        lambda t: t.o_done, lambda t: {"signature": t.new_signature, "signed_by": "Morgan Owner"},
        ["signature", "signed_by"], expect=lambda t, role: (t.new_signature.encode(), "Morgan Owner"),
        names=("signature", "signed_by", "dispatcher"),
    ), allow("D")),
    ("create an order", Call(
        "field.work.order", "create", lambda t: [_draft_order_vals(t)],
        observe=_created_orders, expect=(1,), check=lambda t, role, result: isinstance(result, int),
        names=("dispatcher",),
    ), allow("D")),
    ("unlink a draft order", Call(
        "field.work.order", "unlink", lambda t: [[t.o_draft.id]],
        observe=exists(lambda t: t.o_draft), expect=(False,), names=("dispatcher",),
    ), allow("D")),
]

