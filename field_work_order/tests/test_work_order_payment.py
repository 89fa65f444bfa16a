"""Paid before the van leaves: the invoice at completion, payments on site, the Pay Now link.

Amounts (see test_quote.py): 2 hours of labor (180.00 + 9.00), an air filter used
(18.00 + 0.90) and the approved option Replace (172.80 + 25.92): 370.80 + 35.82 = 406.62.
"""

from odoo.exceptions import AccessError, UserError
from odoo.fields import Command
from odoo.tests import tagged

from .common import PNG, at
from .policy_common import ACCESS, PolicyRpcCase
from .test_work_order_invoice import InvoiceCommon

ORDER = "field.work.order"


@tagged("post_install", "-at_install")
class TestWorkOrderPayment(InvoiceCommon, PolicyRpcCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.setup_invoicing(cls.env, " (pay)")
        cls.descaling = cls.env["product.product"].create({
            "name": "Descaling (pay)", "type": "service", "list_price": 100.0,
            "taxes_id": [Command.set(cls.tax_excl15.ids)],
        })
        cls.journal = cls.env["account.journal"].search([
            ("type", "=", "cash"), ("company_id", "=", cls.company.id)], limit=1)
        cls.company.write({"fwo_invoice_at_completion": True, "fwo_onsite_journal_id": cls.journal.id})
        cls.Payment = cls.env["account.payment"]

    # --- helpers -----------------------------------------------------------------------
    def completed(self, job_type=None):
        """An order of the customer with a used part and an approved quote, completed by its technician."""
        order = self.order_in_state("in_progress", partner_id=self.client.id,
                                    job_type_id=(job_type or self.tm_job_type).id)
        as_tech = order.with_user(self.tech)
        quote = self.env["field.work.order.quote"].with_user(self.tech).create({
            "work_order_id": order.id, "option_ids": [Command.create({"name": "Replace", "line_ids": [
                Command.create({"product_id": self.part_excl.id, "quantity": 2}),
                Command.create({"product_id": self.descaling.id, "quantity": 1}),
            ]})],
        })
        quote.action_send()
        quote.action_approve(quote.option_ids.id, PNG, "Casey Client")
        self.env["field.work.order.material"].with_user(self.tech).create({
            "work_order_id": order.id, "product_id": self.part_incl.id, "quantity_used": 1,
        })
        as_tech.with_context(**at("2030-01-15 11:00:00")).action_complete()
        return order.with_env(self.env)

    def collect(self, user, order, amount, method="cash", reference=""):
        return self.rpc(user, ORDER, "action_collect_payment", [[order.id], amount, method, reference])

    def refused_collect(self, order, amount, *words, method="cash", reference="", user=None, code=None):
        before = self.Payment.search_count([])
        self.assert_refused(user or self.tech, ORDER, "action_collect_payment",
                            [[order.id], amount, method, reference], *words, code=code)
        self.assertEqual(self.Payment.search_count([]), before)

    def assert_said(self, order, text):
        self.assertEqual(len(order.message_ids.filtered(lambda m: text in (m.body or ""))), 1, text)

    def payments(self, order):
        return self.Payment.search([("fwo_order_id", "=", order.id)])

    # --- invoice at completion ----------------------------------------------------------
    def test_completion_posts_one_invoice(self):
        order = self.completed()
        invoice = order.invoice_ids
        self.assertEqual(len(invoice), 1)
        self.assertEqual((invoice.state, invoice.payment_state, invoice.partner_id),
                         ("posted", "not_paid", self.client_billing))
        self.assertEqual([round(invoice[f], 2) for f in ("amount_untaxed", "amount_tax", "amount_total")],
                         [370.8, 35.82, 406.62])
        self.assertEqual(
            [(line.product_id, line.quantity, round(line.price_total, 2))
             for line in invoice.invoice_line_ids.filtered(lambda line: line.display_type == "product")],
            [(self.labor_product, 2.0, 189.0), (self.part_incl, 1.0, 18.9),
             (self.part_excl, 2.0, 95.22), (self.descaling, 1.0, 103.5)],
        )
        self.assertEqual(order.invoice_status, "invoiced")
        self.assert_said(order, f"Invoice {invoice.name} posted at completion: ")
        # Retried: a second complete is refused, the hook run again bills nothing more.
        with self.assertRaisesRegex(UserError, "it is Done"):
            order.with_user(self.tech).action_complete()
        order.with_user(self.tech)._fwo_after_transition("complete")
        self.assertEqual(order.invoice_ids, invoice)
        self.assertEqual(self.env["account.move"].search_count([("fwo_order_ids", "in", order.ids)]), 1)

        # What the technician's app shows: the amount due and the customer's Pay Now link.
        info = order.with_user(self.tech)._fwo_payment_info()
        self.assertEqual(info, {order.id: {
            "invoice_id": invoice.id, "invoice_name": invoice.name, "amount_total": 406.62,
            "amount_due": 406.62, "currency": invoice.currency_id.name, "payment_state": "not_paid",
            "payment_url": f"{self.base_url()}/my/invoices/{invoice.id}?access_token={invoice.access_token}",
        }})
        self.assertTrue(invoice.access_token)
        with self.assertRaises(AccessError):
            order.with_user(self.tech2)._fwo_payment_info()

    def test_setting_off_or_overridden(self):
        never = self.tm_job_type.copy({"name": "Repair, invoiced later", "fwo_invoice_at_completion": "no"})
        order = self.completed(never)
        self.assertFalse(order.invoice_ids)
        self.assertEqual(order.invoice_status, "to_invoice")
        self.assertEqual(order.with_user(self.tech)._fwo_payment_info(), {order.id: False})
        # Company off, job type "always": invoiced; company off, no override: not.
        self.company.fwo_invoice_at_completion = False
        self.assertFalse(self.completed(self.tm_job_type).invoice_ids)
        always = self.tm_job_type.copy({"name": "Repair, pay now", "fwo_invoice_at_completion": "yes"})
        self.assertEqual(self.completed(always).invoice_ids.state, "posted")

    def test_nothing_to_bill_still_completes(self):
        order = self.order_in_state("in_progress", partner_id=self.client.id,
                                    job_type_id=self.tm_job_type.id, labor_product_id=False,
                                    ).with_env(self.env)
        order.with_user(self.tech).with_context(**at("2030-01-15 11:00:00")).action_complete()
        self.assertEqual((order.state, order.invoice_ids.ids), ("done", []))
        self.assert_said(order, "Not invoiced at completion: ")

    # --- payments on site ---------------------------------------------------------------
    def test_collect_once(self):
        order = self.completed()
        invoice = order.invoice_ids
        self.assertIs(self.collect(self.tech, order, 406.62), True)
        # A second device (or a double tap) sends the same payment: refused, nothing added.
        self.refused_collect(order, 406.62, "already paid")
        payment = self.payments(order)
        self.assertEqual(len(payment), 1)
        self.assertEqual((payment.amount, payment.journal_id, payment.partner_id),
                         (406.62, self.journal, self.client))
        self.assertIn("Cash", payment.memo)
        self.assertIn(invoice.name, payment.memo)
        self.assertEqual(payment.reconciled_invoice_ids, invoice)
        self.assertEqual((invoice.payment_state, invoice.amount_residual), ("paid", 0.0))
        self.assert_said(order, "Cash payment of ")
        self.assertEqual(order.with_user(self.tech)._fwo_payment_info()[order.id]["payment_state"], "paid")

    def test_partial_then_the_rest(self):
        order = self.completed()
        invoice = order.invoice_ids
        self.refused_collect(order, 406.63, "more than")
        self.refused_collect(order, 0, "above 0")
        self.refused_collect(order, "12", "above 0")
        self.refused_collect(order, 10.0, "not a payment method", method="card")
        self.refused_collect(order, 10.0, "cheque's number", method="cheque")
        self.collect(self.tech, order, 100.0, "cheque", "000123")
        self.assertEqual((invoice.payment_state, invoice.amount_residual), ("partial", 306.62))
        self.assertIn("000123", self.payments(order).memo)
        self.refused_collect(order, 306.63, "more than")
        self.collect(self.dispatcher, order, 306.62)
        self.assertEqual(sorted(self.payments(order).mapped("amount")), [100.0, 306.62])
        self.assertEqual((invoice.payment_state, invoice.amount_residual), ("paid", 0.0))
        info = order.with_user(self.tech)._fwo_payment_info()[order.id]
        self.assertEqual((info["amount_due"], info["payment_state"]), (0.0, "paid"))

    def test_who_may_collect_and_read(self):
        order = self.completed()
        invoice = order.invoice_ids
        self.refused_collect(order, 10.0, user=self.tech2, code=ACCESS)
        self.refused_collect(order, 10.0, user=self.accountant, code=ACCESS)
        # Technicians read no invoice, pay nothing directly, call no private method.
        for user in (self.tech, self.tech2):
            self.assert_refused(user, "account.move", "read", [[invoice.id], ["amount_residual"]],
                                code=ACCESS)
        self.assert_refused(self.tech, "account.payment", "create", [{
            "amount": 1.0, "partner_id": self.client.id, "journal_id": self.journal.id,
        }], code=ACCESS)
        self.assert_refused(self.tech, ORDER, "_fwo_payment_info", [[order.id]], code=ACCESS)
        # No journal, no posted invoice: a sentence, nothing written.
        self.company.fwo_onsite_journal_id = False
        self.refused_collect(order, 10.0, "No journal for on-site payments")
        self.company.fwo_onsite_journal_id = self.journal
        self.company.fwo_invoice_at_completion = False
        draft = self.completed()
        draft.with_user(self.accountant).action_create_invoices()
        self.refused_collect(draft, 10.0, "has no posted invoice")

    def test_payment_info_in_constant_queries(self):
        orders = self.completed() | self.completed() | self.completed()
        counts = []
        for batch in (orders[:1], orders):
            self.env.invalidate_all()
            batch = batch.with_user(self.tech)
            start = self.env.cr.sql_log_count
            info = batch._fwo_payment_info()
            counts.append(self.env.cr.sql_log_count - start)
            self.assertEqual(len(info), len(batch))
        self.assertEqual(counts[0], counts[1])

    # --- Pay Now through the portal link ------------------------------------------------
    def test_customer_pays_through_the_link(self):
        order = self.completed()
        invoice = order.invoice_ids
        url = order.with_user(self.tech)._fwo_payment_info()[order.id]["payment_url"]
        provider = self.env.ref("payment.payment_provider_demo")
        self.assertEqual((provider.code, provider.state, provider.is_published), ("demo", "test", True))
        self.authenticate(None, None)  # the customer, not logged in: the token opens the invoice
        page = self.url_open(url)
        self.assertEqual(page.status_code, 200)
        self.assertIn(invoice.name, page.text)
        self.assertIn('data-provider-code="demo"', page.text)
        method = provider.payment_method_ids[:1]
        processing = self.make_jsonrpc_request(f"/invoice/transaction/{invoice.id}", {
            "access_token": invoice.access_token, "provider_id": provider.id,
            "payment_method_id": method.id, "token_id": None, "amount": invoice.amount_residual,
            "flow": "direct", "tokenization_requested": False, "is_validation": False,
            "landing_route": invoice.get_portal_url(),
        })
        self.make_jsonrpc_request("/payment/demo/simulate_payment", {
            "reference": processing["reference"], "payment_details": "4242",
            "simulated_state": "done",
        })
        status = self.make_jsonrpc_request("/payment/status/poll", {})
        self.assertEqual(status["state"], "done")
        self.env.invalidate_all()
        self.assertEqual((invoice.payment_state, invoice.amount_residual), ("paid", 0.0))
        self.assertEqual(invoice.transaction_ids.payment_id.amount, 406.62)
