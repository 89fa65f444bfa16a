"""The access matrix's rows of the order's buttons: transitions, subcontracting, stock, history, invoicing."""

from .access_matrix import (
    FORGED_CONTEXT,
    ISSUE_CONTEXT,
    READERS,
    WORKERS,
    Call,
    action,
    allow,
    observe_fields,
    state_of,
    window,
)
from .common import PNG


def _open_labor_since(t, order):
    return order.labor_ids.filtered(
        lambda line: not line.date_end and line.date_start >= t.cell_started
    )


def _started_now(t, role, result):
    """Context keys are not a device time: the start is stamped with the server clock."""
    order = t.o_sched.with_env(t.env)
    return bool(order.date_started and order.date_started >= t.cell_started
                and _open_labor_since(t, order))


def _invoiced(t):
    order = t.o_done.with_env(t.env)
    invoices = order.invoice_ids
    return (order.invoice_status, len(invoices),
            bool(invoices) and all(m.state == "draft" and m.amount_untaxed > 0 for m in invoices))


def _return_pickings(t):
    return (t.env["stock.picking"].search_count(
        [("fwo_order_id", "=", t.o_done.id), ("fwo_purpose", "=", "return")]),)


def _followups(t):
    return (t.env["field.work.order"].search_count([("parent_id", "=", t.o_done.id)]),)


def _on_my_way_notes(t):
    return (t.env["mail.message"].search_count([
        ("model", "=", "field.work.order"), ("res_id", "=", t.o_sched.id),
        ("body", "ilike", "is on the way"),
    ]),)

ROWS = [
    # --- transitions -----------------------------------------------------
    ("action_schedule (draft)", action(
        lambda t: t.o_draft, "action_schedule", observe=state_of(lambda t: t.o_draft),
        expect=("scheduled",),
    ), allow("D")),
    ("action_start (scheduled)", action(
        lambda t: t.o_sched, "action_start", observe=state_of(lambda t: t.o_sched),
        expect=("in_progress",), names=(),
    ), allow(*WORKERS)),
    ("action_start with fwo_transition/fwo_at context (dated now)", action(
        lambda t: t.o_sched, "action_start", observe=state_of(lambda t: t.o_sched),
        expect=("in_progress",), check=_started_now, context=ISSUE_CONTEXT, names=(),
    ), allow(*WORKERS)),
    ("action_start with forged context keys (dated now)", action(
        lambda t: t.o_sched, "action_start", observe=state_of(lambda t: t.o_sched),
        expect=("in_progress",), check=_started_now, context=FORGED_CONTEXT, names=(),
    ), allow(*WORKERS)),
    ("action_on_my_way (scheduled)", action(
        lambda t: t.o_sched, "action_on_my_way", observe=_on_my_way_notes, expect=(1,),
    ), allow(*WORKERS)),
    # The portal's sign route (POST /my/work-orders/<id>/sign) calls this as the visitor:
    # the order's customer alone signs there, none of the roles of the matrix.
    ("portal_sign (done, by the sign route)", Call(
        "field.work.order", "portal_sign", lambda t: [[t.o_done.id], "Forged Signer", PNG],
        observe=observe_fields(lambda t: t.o_done, ["signed_by", "signed_on"]),
        names=("customer",),
    ), allow()),
    ("action_hold (in progress)", action(
        lambda t: t.o_prog, "action_hold", observe=state_of(lambda t: t.o_prog),
        expect=("on_hold",), names=(),
    ), allow(*WORKERS)),
    ("action_resume (on hold)", action(
        lambda t: t.o_hold, "action_resume", observe=state_of(lambda t: t.o_hold),
        expect=("in_progress",), names=(),
    ), allow(*WORKERS)),
    ("action_complete (in progress, checklist done)", action(
        lambda t: t.o_ready, "action_complete", observe=state_of(lambda t: t.o_ready),
        expect=("done",), names=(),
    ), allow(*WORKERS)),
    ("action_verify (done, D did not work on it)", action(
        lambda t: t.o_done, "action_verify", observe=state_of(lambda t: t.o_done),
        expect=("verified",),
    ), allow("D")),
    ("action_open_rework_wizard (done)", action(
        lambda t: t.o_done, "action_open_rework_wizard",
        check=window("field.work.order.rework"),
    ), allow("D")),
    ("action_rework (done, with a reason)", action(
        lambda t: t.o_done, "action_rework", args=["The vent still rattles."],
        observe=state_of(lambda t: t.o_done), expect=("in_progress",),
    ), allow("D")),
    # --- subcontracting (the vendor's own portal users: field_work_order/tests/test_subcontract.py)
    ("action_subcontract_accept (subcontracted, to accept)", action(
        lambda t: t.o_sub, "action_subcontract_accept",
        observe=observe_fields(lambda t: t.o_sub, ["subcontract_state"]), expect=("accepted",),
    ), allow("D")),
    ("action_subcontract_decline (subcontracted, with a reason)", action(
        lambda t: t.o_sub, "action_subcontract_decline", args=["No electrician free that week."],
        observe=observe_fields(lambda t: t.o_sub, ["state", "subcontractor_id", "subcontract_state"]),
        expect=("draft", False, "declined"),
    ), allow("D")),
    ("action_view_vendor_bill (subcontracted)", action(
        lambda t: t.o_sub, "action_view_vendor_bill", check=window("account.move"),
        names=("invoicing",),
    ), allow("X")),
    ("action_cancel (scheduled)", action(
        lambda t: t.o_sched, "action_cancel", observe=state_of(lambda t: t.o_sched),
        expect=("cancelled",),
    ), allow("D")),
    ("action_reset_draft (cancelled)", action(
        lambda t: t.o_cancel, "action_reset_draft", observe=state_of(lambda t: t.o_cancel),
        expect=("draft",),
    ), allow("D")),
    ("action_archive (draft)", action(
        lambda t: t.o_draft, "action_archive", observe=observe_fields(
            lambda t: t.o_draft.with_context(active_test=False), ["active"]),
        expect=(False,), names=("dispatcher", "active", "archive"),
    ), allow("D")),
    ("action_unarchive (archived draft)", action(
        lambda t: t.o_archived, "action_unarchive", observe=observe_fields(
            lambda t: t.o_archived.with_context(active_test=False), ["active"]),
        expect=(True,), names=("dispatcher", "active", "archive"),
    ), allow("D")),
    # --- stock, follow-ups, history --------------------------------------
    ("action_return_unused (done, 1 of 2 parts left in the van)", action(
        lambda t: t.o_done, "action_return_unused", observe=_return_pickings, expect=(1,),
    ), allow("D")),
    ("action_create_followup (done)", action(
        lambda t: t.o_done, "action_create_followup", observe=_followups, expect=(1,),
        check=window("field.work.order"),
    ), allow("D")),
    ("action_view_service_history", action(
        lambda t: t.o_done, "action_view_service_history", check=window("field.work.order"),
    ), allow("D")),
    ("action_view_partner_history", action(
        lambda t: t.o_done, "action_view_partner_history", check=window("field.work.order"),
    ), allow("D")),
    # Transfers and stock moves are Inventory records: without Inventory rights (none of these
    # roles has them) the list could not be read, so the buttons refuse.
    ("action_view_pickings (Inventory users only)", action(
        lambda t: t.o_done, "action_view_pickings", check=window("stock.picking"),
        names=("inventory",),
    ), allow()),
    ("action_view_stock_moves (Inventory users only)", action(
        lambda t: t.o_done, "action_view_stock_moves", check=window("stock.move"),
        names=("inventory",),
    ), allow()),
    ("action_view_followups", action(
        lambda t: t.o_done, "action_view_followups", check=window("field.work.order"), names=(),
    ), allow(*READERS)),
    ("action_send_report (done)", action(
        lambda t: t.o_done, "action_send_report", check=window("mail.compose.message"), names=(),
    ), allow(*WORKERS)),
    ("action_share (Odoo's Share wizard: the portal link by email)", Call(
        "field.work.order", "action_share", [],
        lambda t: {"context": {"active_id": t.o_done.id, "active_model": "field.work.order"}},
        check=lambda t, role, result: result.get("res_model") == "portal.share",
        names=("dispatcher",),
    ), allow("D")),
    # --- invoicing ---------------------------------------------------------
    ("action_create_invoices (done, billable, labor)", action(
        lambda t: t.o_done, "action_create_invoices", observe=_invoiced,
        expect=("invoiced", 1, True), check=window("account.move"),
        names=("billing", "invoic", "account.move"),
    ), allow("X")),
    ("action_create_invoices_per_order (done, billable, labor)", action(
        lambda t: t.o_done, "action_create_invoices_per_order", observe=_invoiced,
        expect=("invoiced", 1, True), check=window("account.move"),
        names=("billing", "invoic", "account.move"),
    ), allow("X")),
    ("action_view_invoices", action(
        lambda t: t.o_done, "action_view_invoices", check=window("account.move"),
        names=("billing", "invoic", "account.move"),
    ), allow("X")),
]

