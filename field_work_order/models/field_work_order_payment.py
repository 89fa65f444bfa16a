"""Paid before the van leaves: the invoice at completion, payments on site, the Pay Now link."""

from odoo import fields, models
from odoo.exceptions import AccessError, UserError
from odoo.tools import float_compare, format_amount

from .field_work_order_policy import rpc_checked

PAYMENT_METHODS = ("cash", "cheque")


class FieldWorkOrderPayment(models.Model):
    _inherit = "field.work.order"

    # --- invoice at completion ---------------------------------------------------------
    def _fwo_after_transition(self, name):
        """Completed (or verified, when only verified orders are invoiced): invoice now if set to."""
        if name in ("complete", "verify"):
            self._fwo_invoice_at_completion()
        return super()._fwo_after_transition(name)

    def _fwo_invoice_at_completion(self):
        """Create and post one invoice per order whose job type or company says so.

        Runs inside the transition, after its own checks (a technician's complete):
        technicians have no accounting rights, so the invoice is made with the
        application's. Never twice: only orders still To Invoice are billed, and the
        transition holds the orders' rows. An order that cannot be invoiced (nothing
        to bill, a product without income account) is completed anyway: its chatter
        says why and the office invoices it by hand.
        """
        orders = self.filtered(
            lambda order: order.invoice_status == "to_invoice"
            and order.job_type_id._fwo_invoices_at_completion(order.company_id)
        ).sudo()
        if not orders:
            return
        billable = orders.browse()
        for order in orders:
            try:
                order._invoice_charges()
            except UserError as error:
                order.message_post(body=self.env._(
                    "Not invoiced at completion: %(reason)s Invoice it from the office.",
                    reason=error.args[0],
                ))
            else:
                billable |= order
        if not billable:
            return
        invoices = billable._create_invoices(grouped=True)
        invoices.action_post()
        invoices._fwo_ensure_access_tokens()
        for invoice in invoices:
            invoice.fwo_order_ids.message_post(body=self.env._(
                "Invoice %(invoice)s posted at completion: %(amount)s.",
                invoice=invoice.name,
                amount=format_amount(self.env, invoice.amount_total, invoice.currency_id),
            ))

    # --- payment information -----------------------------------------------------------
    def _fwo_payment_info(self):
        """{order id: False | what the customer owes on its posted invoice, and where to pay}.

        Constant queries for the whole recordset. The caller may be a technician: the
        orders must be readable by them (checked here), the invoices are then read
        with the application's rights. A grouped invoice's amounts are the invoice's.
        """
        self.check_access("read")
        orders = self.sudo()
        invoice_of = {order.id: order._fwo_payable_invoice() for order in orders}
        invoices = self.env["account.move"].sudo().union(*invoice_of.values())
        invoices._fwo_ensure_access_tokens()
        base_url = self.env["ir.config_parameter"].sudo().get_param("web.base.url", "").rstrip("/")
        info = {}
        for order_id, invoice in invoice_of.items():
            info[order_id] = {
                "invoice_id": invoice.id,
                "invoice_name": invoice.name,
                "amount_total": invoice.amount_total,
                "amount_due": invoice.amount_residual,
                "currency": invoice.currency_id.name,
                "payment_state": invoice.payment_state,
                "payment_url": base_url + invoice.get_portal_url(),
            } if invoice else False
        return info

    def _fwo_payable_invoice(self):
        """The order's posted customer invoice (the latest, should there be several)."""
        self.ensure_one()
        posted = self._active_invoices().filtered(lambda move: move.state == "posted")
        return posted.sorted("id")[-1:] if posted else posted

    # --- payments on site --------------------------------------------------------------
    @rpc_checked
    def action_collect_payment(self, amount, method, reference=False):
        """Record money the technician took on site (cash or a cheque) on the order's invoice.

        One posted payment in the company's on-site journal, reconciled with the
        posted invoice, never more than the amount due. Two devices cannot both
        pay the same due amount: the invoice's row is locked and read again, and
        the second payment is refused (nothing due, or more than what is left).
        A resent sync operation does not come here twice (its uuid).
        """
        if len(self) != 1:
            raise UserError(self.env._("Collect a payment on one work order at a time."))
        verb = self.env._("collect a payment on")
        if self.env.user.share:
            raise AccessError(self.env._(
                "Only the order's technicians or a dispatcher can collect a payment on %(order)s.",
                order=self.name,
            ))
        self._check_can_work(verb)
        if method not in PAYMENT_METHODS:
            raise UserError(self.env._(
                "%(method)s is not a payment method taken on site: use cash or cheque.",
                method=repr(method),
            ))
        if isinstance(amount, bool) or not isinstance(amount, (int, float)) or amount <= 0:
            raise UserError(self.env._(
                "The amount collected must be a number above 0, not %(amount)s.", amount=repr(amount),
            ))
        if reference in (None, False):
            reference = ""
        if not isinstance(reference, str):
            raise UserError(self.env._("The payment reference must be text."))
        reference = reference.strip()
        if method == "cheque" and not reference:
            raise UserError(self.env._("Give the cheque's number as the payment reference."))
        order = self.sudo()
        journal = order.company_id.fwo_onsite_journal_id
        if not journal:
            raise UserError(self.env._(
                "No journal for on-site payments is set for %(company)s: ask an administrator "
                "to choose one in the Field Service settings.", company=order.company_id.name,
            ))
        invoice = order._fwo_payable_invoice()
        if not invoice:
            raise UserError(self.env._(
                "%(order)s has no posted invoice: there is nothing to pay yet.", order=order.name,
            ))
        invoice._fwo_lock()
        currency = invoice.currency_id
        due = invoice.amount_residual
        if currency.is_zero(due):
            raise UserError(self.env._(
                "Invoice %(invoice)s of %(order)s is already paid: nothing is due.",
                invoice=invoice.name, order=order.name,
            ))
        if float_compare(amount, due, precision_rounding=currency.rounding) > 0:
            raise UserError(self.env._(
                "%(amount)s is more than the %(due)s due on invoice %(invoice)s.",
                amount=format_amount(self.env, amount, currency),
                due=format_amount(self.env, due, currency), invoice=invoice.name,
            ))
        labels = {"cash": self.env._("Cash"), "cheque": self.env._("Cheque")}
        memo = " - ".join(filter(None, [labels[method], reference, order.name, invoice.name]))
        wizard = self.env["account.payment.register"].sudo().with_context(
            active_model="account.move", active_ids=invoice.ids,
        ).create({
            "journal_id": journal.id,
            "amount": currency.round(amount),
            "payment_date": fields.Date.context_today(self),
            "communication": memo,
            "payment_difference_handling": "open",
        })
        payment = wizard._create_payments().sudo()
        payment.fwo_order_id = order
        order.message_post(body=self.env._(
            "%(method)s payment of %(amount)s collected by %(user)s on invoice %(invoice)s"
            "%(reference)s; still due: %(due)s.",
            method=labels[method], amount=format_amount(self.env, payment.amount, currency),
            user=self.env.user.name, invoice=invoice.name,
            reference=self.env._(" (reference %(reference)s)", reference=reference) if reference else "",
            due=format_amount(self.env, invoice.amount_residual, currency),
        ))
        return True

