"""The access matrix's rows of payments: the invoice at completion, payments on site, the invoice."""

from .access_matrix import Call, action, allow, count, write

ORDER, PAYMENT = "field.work.order", "account.payment"

ROWS = [
    ("action_collect_payment (done, invoice posted)", action(
        lambda t: t.o_done, "action_collect_payment", args=lambda t: [10.0, "cash", "matrix"],
        observe=count(PAYMENT, lambda t: [("fwo_order_id", "=", t.o_done.id)]), expect=(1,),
    ), allow("A", "H", "D")),
    ("_fwo_payment_info (private: not over RPC)", Call(
        ORDER, "_fwo_payment_info", lambda t: [[t.o_done.id]],
    ), allow()),
    ("invoice of the done order: read", Call(
        "account.move", "read", lambda t: [[t.inv_done.id], ["amount_residual"]],
        check=lambda t, role, result: result[0]["amount_residual"] == t.inv_done.amount_residual,
        names=("journal entry",),
    ), allow("X")),
    ("job type: write fwo_invoice_at_completion", write(
        lambda t: t.job_type, {"fwo_invoice_at_completion": "no"}, model="field.work.order.job.type",
        names=("job type",),
    ), allow("D")),
    # --- billing rules: set by the office (job type) and the administrator (company)
    ("job type: write fwo_labor_increment, fwo_labor_minimum", write(
        lambda t: t.job_type, {"fwo_labor_increment": 15, "fwo_labor_minimum": 60},
        model="field.work.order.job.type", names=("job type",),
    ), allow("D")),
    ("company: write fwo_labor_increment, fwo_callout_product_id", write(
        lambda t: t.c1, lambda t: {"fwo_labor_increment": 30, "fwo_callout_product_id": t.part.id},
        ["fwo_labor_increment"], expect=(30,), model="res.company", names=("res.company",),
    ), allow()),
    ("company: write fwo_onsite_journal_id", write(
        lambda t: t.c1, lambda t: {"fwo_onsite_journal_id": False}, ["fwo_onsite_journal_id"],
        expect=(False,), model="res.company", names=("res.company",),
    ), allow()),
]


class PaymentRows:
    """What the payments' rows need: the done order's invoice, posted, and the on-site journal
    set (built in the test, rolled back with it: the other concerns' orders have none)."""

    def _build_payments(self):
        self.c1.fwo_onsite_journal_id = self.env["account.journal"].search([
            ("type", "=", "cash"), ("company_id", "=", self.c1.id)], limit=1)
        inv_done = self.o_done.with_user(self.accountant)._create_invoices(grouped=True)
        inv_done.action_post()
        self.env.flush_all()
        self.inv_done = inv_done.with_env(self.env)
