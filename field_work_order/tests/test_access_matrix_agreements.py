"""The access matrix's rows of maintenance agreements: dispatchers run them, invoicing users bill them."""

from .access_matrix import (
    Call,
    allow,
    count,
    exists,
    observe_fields,
    window,
    write,
)


def _agreement_orders(t):
    return (t.env["field.work.order"].search_count([("agreement_id", "=", t.agreement.id)]),)


def _agreement_rows():
    """Maintenance agreements: dispatchers run them, invoicing users read and bill them."""
    model = "field.work.order.agreement"
    return [
        ("agreement: read", Call(
            model, "read", lambda t: [[t.agreement.id], ["name", "state"]],
            check=lambda t, role, result: [(r["name"], r["state"]) for r in result]
            == [("Matrix Agreement", "active")], names=("agreement",),
        ), allow("D", "X")),
        ("agreement: create", Call(
            model, "create", lambda t: [{
                "name": "matrix: new agreement", "company_id": t.c1.id, "price_type": "none",
                "partner_id": t.customer.id,
                "service_partner_ids": [(6, 0, t.customer.ids)], "job_type_id": t.job_type.id,
            }],
            observe=count(model, lambda t: [("name", "=", "matrix: new agreement")]),
            expect=(1,), names=("agreement", "dispatcher"),
        ), allow("D")),
        ("agreement: write the interval", write(
            lambda t: t.agreement, {"interval_number": 2}, model=model,
            names=("agreement", "dispatcher"),
        ), allow("D")),
        ("agreement: write the status", write(
            lambda t: t.agreement, {"state": "ended"}, model=model, names=("agreement", "state"),
        ), allow()),
        ("agreement: action_generate_orders (one visit due)", Call(
            model, "action_generate_orders", lambda t: [[t.agreement.id]],
            observe=_agreement_orders, expect=(1,), check=lambda t, role, result: result is True,
            names=("agreement", "dispatcher"),
        ), allow("D")),
        ("agreement: action_pause", Call(
            model, "action_pause", lambda t: [[t.agreement.id]],
            observe=observe_fields(lambda t: t.agreement, ["state"]), expect=("paused",),
            check=lambda t, role, result: result is True, names=("agreement", "dispatcher"),
        ), allow("D")),
        ("agreement: action_invoice_period (one period begun)", Call(
            model, "action_invoice_period", lambda t: [[t.agreement_pp.id]],
            observe=count("field.work.order.agreement.period",
                           lambda t: [("agreement_id", "=", t.agreement_pp.id)]),
            expect=(1,), check=window("account.move"),
            names=("agreement", "journal entry", "invoice"),
        ), allow("X")),
        ("agreement: unlink", Call(
            model, "unlink", lambda t: [[t.agreement.id]],
            observe=exists(lambda t: t.agreement), expect=(False,),
            names=("agreement", "dispatcher"),
        ), allow("D")),
    ]

ROWS = _agreement_rows()

