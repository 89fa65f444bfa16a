"""Issue #20's path on a phone: extra work quoted, approved and signed on site, paid before the van leaves.

Prices for the customer (public pricelist, no fiscal position), 15% tax:
labor 100.00 an hour (115.00 included), billed at least an hour; the valve
46.00 + 15%; the filter 20.00 (23.00 included); the fitting 50.00 + 15%.
"""

from datetime import timedelta

from odoo import fields
from odoo.fields import Command
from odoo.tests import HttpCase, new_test_user, tagged

from odoo.addons.field_work_order.tests.test_work_order_invoice import InvoiceCommon


@tagged("post_install", "-at_install")
class TestTechnicianAppQuote(InvoiceCommon, HttpCase):
    browser_size = "360x640"
    touch_enabled = True

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.setup_invoicing(cls.env, " (app quote)")
        cls.env.company.write({
            "fwo_labor_increment": 15, "fwo_labor_minimum": 60, "fwo_callout_product_id": False,
            "fwo_signature_required": False, "fwo_invoice_at_completion": True,
        })
        cls.tech = new_test_user(
            cls.env, "quote_tech", groups="base.group_user,field_work_order.group_technician",
            name="Quote Technician",
        )
        dispatcher = new_test_user(
            cls.env, "quote_dispatcher", groups="base.group_user,field_work_order.group_dispatcher",
            name="Quote Dispatcher",
        )
        cls.tech.action_fwo_create_van()
        Product = cls.env["product.product"]
        cls.valve = Product.create({
            "name": "Quote Tour Valve", "is_storable": True, "list_price": 46.0,
            "taxes_id": [Command.set(cls.tax_excl15.ids)],
        })
        cls.env["stock.quant"]._update_available_quantity(cls.valve, cls.tech.fwo_van_location_id, 3)
        cls.filter = Product.create({
            "name": "Quote Tour Filter", "type": "consu", "list_price": 23.0,
            "taxes_id": [Command.set(cls.tax_incl.ids)],
        })
        cls.fitting = Product.create({
            "name": "Quote Tour Fitting", "type": "service", "list_price": 50.0,
            "taxes_id": [Command.set(cls.tax_excl15.ids)],
        })
        Option = cls.env["field.work.order.job.type.option"]
        Option.create({
            "name": "Patch", "sequence": 1, "job_type_id": cls.tm_job_type.id,
            "line_ids": [Command.create({"product_id": cls.filter.id, "quantity": 1})],
        })
        Option.create({
            "name": "Refit", "sequence": 2, "job_type_id": cls.tm_job_type.id,
            "line_ids": [
                Command.create({"product_id": cls.filter.id, "quantity": 2}),
                Command.create({"product_id": cls.fitting.id, "quantity": 1}),
            ],
        })
        customer = cls.env["res.partner"].create({
            "name": "Quote Tour Customer", "is_company": True,
            "property_product_pricelist": cls.public_pricelist.id,
        })
        cls.order = cls.env["field.work.order"].with_user(dispatcher).create({
            "partner_id": customer.id,
            "job_type_id": cls.tm_job_type.id,
            "user_id": cls.tech.id,
            "description": "The boiler leaks at the valve.",
            "scheduled_start": fields.Datetime.now() - timedelta(minutes=5),
            "material_ids": [Command.create({"product_id": cls.valve.id, "product_uom_qty": 1})],
        })
        cls.order.with_user(dispatcher).action_schedule()
        cls.order.with_user(cls.tech).action_start()

    def test_quote_sign_complete_and_pay_on_a_phone(self):
        self.start_tour("/field-service", "field_work_order_mobile_quote_and_pay", login="quote_tech")

        order = self.env["field.work.order"].browse(self.order.id)  # as the test's admin
        order.invalidate_recordset()
        self.assertEqual(order.state, "done")
        ops = self.env["field.work.order.sync.operation"].search([("order_id", "=", order.id)], order="id")
        self.assertEqual(ops.mapped("type"), ["material", "quote", "quote_approve", "complete"])
        self.assertEqual(set(ops.mapped("status")), {"applied"})

        # One quote, its second option approved and signed by the customer.
        quote = self.env["field.work.order.quote"].search([("work_order_id", "=", order.id)])
        self.assertEqual(len(quote), 1)
        self.assertEqual(quote.state, "approved")
        self.assertEqual(quote.option_ids.sorted("sequence").mapped("name"), ["Patch", "Refit"])
        self.assertEqual(quote.approved_option_id.name, "Refit")
        self.assertEqual(quote.signer_name, "Carla Customer")
        self.assertTrue(quote.signature)

        # Invoiced at completion and posted: labor (an hour at least), the valve used, the option.
        invoice = order.invoice_ids
        self.assertEqual(len(invoice), 1)
        self.assertEqual(invoice.state, "posted")
        lines = sorted(
            (line.product_id.name, line.quantity, round(line.price_subtotal, 2))
            for line in invoice.invoice_line_ids.filtered(lambda line: line.display_type == "product")
        )
        self.assertEqual(lines, sorted([
            (self.labor_product.name, 1.0, 100.0),
            ("Quote Tour Valve", 1.0, 46.0),
            ("Quote Tour Filter", 2.0, 40.0),
            ("Quote Tour Fitting", 1.0, 50.0),
        ]))
        # 100 + 46 + 40 + 50 = 236.00; taxes 15.00 + 6.90 + 6.00 + 7.50 = 35.40
        self.assertEqual(
            (invoice.amount_untaxed, invoice.amount_tax, invoice.amount_total), (236.0, 35.4, 271.4),
        )
        self.assertEqual(invoice.amount_residual, 271.4)

        # The QR code the summary showed is this invoice's payment page (the tour checked the image).
        info = order.with_user(self.tech)._fwo_payment_info()[order.id]
        self.assertEqual((info["invoice_id"], info["amount_due"], info["payment_state"]),
                         (invoice.id, 271.4, "not_paid"))
        self.assertIn(f"/my/invoices/{invoice.id}?access_token=", info["payment_url"])
