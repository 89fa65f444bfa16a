"""The access matrix's rows of quotes: reading, building, sending, approving, declining."""

from .access_matrix import (
    ACCESS,
    READERS,
    WORKERS,
    Call,
    Http,
    Route,
    action,
    allow,
    count,
    exists,
    observe_fields,
    window,
    write,
)

QUOTE, LINE = "field.work.order.quote", "field.work.order.quote.line"
BOOK = "field.work.order.job.type.option"


def _state(quote):
    return observe_fields(quote, ["state"])


ROWS = [
    ("quote: read", Call(
        QUOTE, "read", lambda t: [[t.q_draft.id], ["name", "state"]],
        check=lambda t, role, result: result[0]["state"] == "draft", names=("quote",),
    ), allow(*READERS)),
    ("quote: create on the order", Call(
        QUOTE, "create", lambda t: [{"work_order_id": t.o_prog.id, "note": "matrix: new quote"}],
        observe=count(QUOTE, lambda t: [("note", "=", "matrix: new quote")]), expect=(1,),
        names=("dispatcher", "quote"),
    ), allow(*WORKERS)),
    ("quote: write the note (draft)", write(
        lambda t: t.q_draft, {"note": "matrix: a note"}, model=QUOTE,
    ), allow(*WORKERS)),
    ("quote: write the state", write(
        lambda t: t.q_draft, {"state": "approved"}, model=QUOTE,
    ), allow()),
    ("quote: write the note (approved)", write(
        lambda t: t.q_approved, {"note": "matrix: changed"}, model=QUOTE,
        names=("approved",), refusals=(*ACCESS, "UserError"),
    ), allow()),
    ("quote line: change the quantity (draft)", write(
        lambda t: t.q_draft_line, {"quantity": 3.0}, model=LINE,
    ), allow(*WORKERS)),
    ("quote line: write the price (draft)", write(
        lambda t: t.q_draft_line, {"price_unit": 1.0}, model=LINE, names=("price_unit", "dispatcher"),
    ), allow("D")),
    ("quote: action_send (draft)", Call(
        QUOTE, "action_send", lambda t: [[t.q_draft.id]],
        observe=_state(lambda t: t.q_draft), expect=("sent",),
        check=lambda t, role, result: result is True, names=("quote", "assigned"),
    ), allow(*WORKERS)),
    ("quote: action_fwo_add_price_book (draft)", Call(
        QUOTE, "action_fwo_add_price_book", lambda t: [[t.q_draft.id]],
        observe=count("field.work.order.quote.option", lambda t: [("quote_id", "=", t.q_draft.id)]),
        expect=(3,), check=lambda t, role, result: result is True, names=("quote", "assigned"),
    ), allow(*WORKERS)),
    ("quote: action_approve (sent, signed)", Call(
        QUOTE, "action_approve",
        lambda t: [[t.q_sent.id], t.q_sent.option_ids[0].id, t.signature_png, "Casey Client"],
        observe=_state(lambda t: t.q_sent), expect=("approved",),
        check=lambda t, role, result: result is True, names=("quote", "assigned"),
    ), allow(*WORKERS)),
    ("quote: action_approve without a signature", Call(
        QUOTE, "action_approve",
        lambda t: [[t.q_sent.id], t.q_sent.option_ids[0].id, False, "Casey Client"],
        observe=_state(lambda t: t.q_sent), names=("signature",),
        refusals=(*ACCESS, "UserError"),
    ), allow()),
    ("quote: action_decline (sent, with a reason)", Call(
        QUOTE, "action_decline", lambda t: [[t.q_sent.id], "Too expensive"],
        observe=_state(lambda t: t.q_sent), expect=("declined",),
        check=lambda t, role, result: result is True, names=("quote", "assigned"),
    ), allow(*WORKERS)),
    ("quote: unlink (draft)", Call(
        QUOTE, "unlink", lambda t: [[t.q_draft.id]],
        observe=exists(lambda t: t.q_draft), expect=(False,), names=("dispatcher",),
    ), allow("D")),
    # The customer's answer on the portal (field_work_order/controllers/portal.py): the order's
    # customer, or a visitor with the order's link. P is another customer's portal user.
    ("POST portal: approve (sent, signed)", Route(
        lambda t: t.portal_url("approve", f"option_id={t.q_sent.option_ids[1].id}"),
        lambda t: {"name": "Casey Client", "signature": t.signature_png},
        observe=_state(lambda t: t.q_sent), expect=("approved",),
    ), allow()),
    ("POST portal: approve with the order's link (sent, signed)", Route(
        lambda t: t.portal_url("approve", f"option_id={t.q_sent.option_ids[1].id}", link=True),
        lambda t: {"name": "Casey Client", "signature": t.signature_png},
        observe=_state(lambda t: t.q_sent), expect=("approved",),
    ), allow("none")),
    ("POST portal: decline with the order's link (sent)", Route(
        lambda t: t.portal_url("decline", link=True), {"reason": "Too expensive"},
        observe=_state(lambda t: t.q_sent), expect=("declined",),
    ), allow("none")),
    ("POST portal: approve a draft with the order's link", Route(
        lambda t: t.portal_url("approve", f"option_id={t.q_draft.option_ids[0].id}", link=True,
                               quote=t.q_draft),
        lambda t: {"name": "Casey Client", "signature": t.signature_png},
        observe=_state(lambda t: t.q_draft),
        expect=("approved",),
    ), allow()),
    ("GET portal: quote PDF (sent)", Http(
        lambda t: t.portal_url(None, "report_type=pdf"),
    ), allow(*READERS)),
    ("action_view_quotes (in progress)", action(
        lambda t: t.o_prog, "action_view_quotes", check=window(QUOTE),
    ), allow(*READERS)),
    # --- the job type's price book: what technicians quote from, set by dispatchers
    ("price book option: read", Call(
        BOOK, "read", lambda t: [[t.book_option.id], ["name", "line_ids"]],
        check=lambda t, role, result: result[0]["name"] == "Replace the filter",
    ), allow("A", "H", "B", "D")),
    ("price book option: create", Call(
        BOOK, "create", lambda t: [{"job_type_id": t.job_type.id, "name": "matrix: option"}],
        observe=count(BOOK, lambda t: [("name", "=", "matrix: option")]), expect=(1,),
        names=("dispatcher",),
    ), allow("D")),
]


class QuoteRows:
    """What the quotes' rows need: three quotes of the order in progress (built in the test,
    rolled back with it) and their portal addresses."""

    def _build_quotes(self):
        Quote = self.env[QUOTE].with_user(self.disp)

        def quote():
            return Quote.create({"work_order_id": self.o_prog.id, "option_ids": [
                (0, 0, {"name": "Repair", "line_ids": [
                    (0, 0, {"product_id": self.part.id, "quantity": 1}),
                    (0, 0, {"product_id": self.labor_product.id, "quantity": 1}),
                ]}),
                (0, 0, {"name": "Replace", "line_ids": [
                    (0, 0, {"product_id": self.part.id, "quantity": 2}),
                ]}),
            ]})

        self.q_draft, self.q_sent, self.q_approved = quote(), quote(), quote()
        (self.q_sent | self.q_approved).action_send()
        self.q_approved.action_approve(self.q_approved.option_ids[0].id, self.signature_png, "Casey")
        self.q_draft_line = self.q_draft.option_ids[0].line_ids[0]
        self.book_option = self.env[BOOK].create({
            "job_type_id": self.job_type.id, "name": "Replace the filter",
            "line_ids": [(0, 0, {"product_id": self.part.id, "quantity": 1})],
        })
        self.o_prog.sudo()._portal_ensure_token()
        self.env.flush_all()
        for name in ("q_draft", "q_sent", "q_approved", "q_draft_line", "book_option"):
            setattr(self, name, getattr(self, name).with_env(self.env))

    def portal_url(self, action, query="", link=False, quote=None):
        """The portal's URL of a quote of the order in progress, with the order's link or not."""
        quote = quote or self.q_sent
        args = "&".join(filter(None, [f"access_token={self.o_prog.access_token}" if link else "",
                                      query]))
        return (f"/my/work-orders/{self.o_prog.id}/quotes/{quote.id}"
                + (f"/{action}" if action else "") + (f"?{args}" if args else ""))
