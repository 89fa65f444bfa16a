from datetime import datetime, timedelta

import psycopg2

from odoo import SUPERUSER_ID, api
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.fields import Command
from odoo.tests import HttpCase, TransactionCase, new_test_user, tagged


class InvoiceCommon:
    """Accounting data for invoicing work orders, built on the company's chart of accounts.

    Prices are tax-included (15%) on purpose: the customer's fiscal position
    maps that tax to a 5% tax-excluded one, so a copied price would be wrong.
    """

    @classmethod
    def setup_invoicing(cls, env, suffix=""):
        company = env.company
        Tax = env["account.tax"]
        cls.tax_incl = Tax.create({
            "name": f"FWO 15% incl{suffix}", "amount": 15.0, "amount_type": "percent",
            "type_tax_use": "sale", "price_include_override": "tax_included",
            "company_id": company.id,
        })
        cls.tax_excl5 = Tax.create({
            "name": f"FWO 5% excl{suffix}", "amount": 5.0, "amount_type": "percent",
            "type_tax_use": "sale", "price_include_override": "tax_excluded",
            "company_id": company.id,
        })
        cls.tax_excl15 = Tax.create({
            "name": f"FWO 15% excl{suffix}", "amount": 15.0, "amount_type": "percent",
            "type_tax_use": "sale", "price_include_override": "tax_excluded",
            "company_id": company.id,
        })
        cls.fpos = env["account.fiscal.position"].create({
            "name": f"FWO Reduced rate{suffix}",
            "company_id": company.id,
            "tax_ids": [Command.create({
                "tax_src_id": cls.tax_incl.id, "tax_dest_id": cls.tax_excl5.id,
            })],
        })
        # A rule-less pricelist first: Odoo falls back to the first pricelist for
        # customers without one, and that must not be the discount.
        Pricelist = env["product.pricelist"]
        cls.public_pricelist = Pricelist.create({
            "name": f"FWO Public{suffix}", "sequence": 1, "company_id": company.id,
        })
        cls.contract_pricelist = Pricelist.create({
            "name": f"FWO Contract -10%{suffix}", "sequence": 50, "company_id": company.id,
            "item_ids": [Command.create({
                "applied_on": "3_global", "compute_price": "percentage", "percent_price": 10.0,
            })],
        })
        hour = env.ref("uom.product_uom_hour")
        Product = env["product.product"]
        cls.labor_product = Product.create({
            "name": f"Technician Hour{suffix}", "type": "service", "uom_id": hour.id,
            "uom_po_id": hour.id, "list_price": 115.0, "taxes_id": [Command.set(cls.tax_incl.ids)],
        })
        cls.part_incl = Product.create({
            "name": f"Air Filter{suffix}", "type": "consu", "list_price": 23.0,
            "taxes_id": [Command.set(cls.tax_incl.ids)],
        })
        cls.part_excl = Product.create({
            "name": f"Valve{suffix}", "type": "consu", "list_price": 46.0,
            "taxes_id": [Command.set(cls.tax_excl15.ids)],
        })
        cls.flat_product = Product.create({
            "name": f"Boiler Service (flat){suffix}", "type": "service", "list_price": 230.0,
            "taxes_id": [Command.set(cls.tax_incl.ids)],
        })
        company.fwo_labor_product_id = cls.labor_product
        cls.tm_job_type = env["field.work.order.job.type"].create({"name": f"Repair{suffix}"})
        cls.flat_job_type = env["field.work.order.job.type"].create({
            "name": f"Boiler Service{suffix}", "billing_type": "flat_rate",
            "flat_rate_product_id": cls.flat_product.id,
        })
        cls.flat_incl_job_type = env["field.work.order.job.type"].create({
            "name": f"Boiler Service All-In{suffix}", "billing_type": "flat_rate",
            "flat_rate_product_id": cls.flat_product.id, "materials_included": True,
        })
        cls.client = env["res.partner"].create({
            "name": f"Northwind Facilities{suffix}", "is_company": True,
            "property_product_pricelist": cls.contract_pricelist.id,
            "property_account_position_id": cls.fpos.id,
        })
        cls.client_billing = env["res.partner"].create({
            "name": f"Northwind Accounts Payable{suffix}", "parent_id": cls.client.id,
            "type": "invoice",
        })
        cls.other_client = env["res.partner"].create({
            "name": f"Plain Customer{suffix}", "is_company": True,
            "property_product_pricelist": cls.public_pricelist.id,
        })

    @classmethod
    def make_done_order(cls, env, partner, job_type=None, labor=(), materials=(), state="done",
                        **vals):
        """A finished order: ``labor`` as (user, hours), ``materials`` as (product, qty used)."""
        start = datetime(2030, 1, 15, 9, 0)
        order = env["field.work.order"].create({
            "partner_id": partner.id,
            "job_type_id": (job_type or cls.tm_job_type).id,
            "labor_ids": [
                Command.create({
                    "user_id": user.id, "date_start": start,
                    "date_end": start + timedelta(hours=hours),
                })
                for user, hours in labor
            ],
            "material_ids": [
                Command.create({"product_id": product.id, "quantity_used": qty})
                for product, qty in materials
            ],
            **vals,
        })
        dates = {}
        if state in ("done", "verified"):
            dates["date_completed"] = start + timedelta(hours=4)
        if state == "verified":
            dates["date_verified"] = start + timedelta(hours=5)
        # Test shortcut through the one internal path that writes states.
        order._set_state({"state": state, **dates})
        return order


@tagged("post_install", "-at_install")
class TestWorkOrderInvoice(InvoiceCommon, TransactionCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.setup_invoicing(cls.env)
        cls.accountant = new_test_user(
            cls.env, "fwo_inv_accountant", groups="base.group_user,account.group_account_invoice",
            name="Ada Accountant",
        )
        cls.tech_a = new_test_user(
            cls.env, "fwo_inv_tech_a", groups="base.group_user,field_work_order.group_technician",
            name="Alex Tech",
        )
        cls.tech_b = new_test_user(
            cls.env, "fwo_inv_tech_b", groups="base.group_user,field_work_order.group_technician",
            name="Blake Tech",
        )
        cls.Move = cls.env["account.move"]

    def mixed_order(self, **vals):
        return self.make_done_order(
            self.env, self.client, labor=[(self.tech_a, 1.5), (self.tech_b, 2.0)],
            materials=[(self.part_incl, 2.0), (self.part_excl, 1.0)], **vals,
        )

    def invoice(self, orders, **kwargs):
        """Invoice as the accountant; return the new invoices."""
        before = self.Move.search([])
        action = orders.with_user(self.accountant).action_create_invoices(**kwargs)
        self.assertEqual(action["type"], "ir.actions.act_window")
        return self.Move.search([]) - before

    def test_mixed_order_prices_taxes_totals(self):
        order = self.mixed_order()
        self.assertEqual(order.invoice_status, "to_invoice")
        self.assertEqual(order.labor_product_id, self.labor_product)

        invoice = self.invoice(order)

        self.assertEqual(len(invoice), 1)
        self.assertEqual(invoice.move_type, "out_invoice")
        self.assertEqual(invoice.state, "draft")
        self.assertEqual(invoice.partner_id, self.client_billing)
        self.assertEqual(invoice.fiscal_position_id, self.fpos)
        self.assertEqual(invoice.invoice_origin, order.name)
        self.assertEqual(invoice.fwo_order_ids, order)
        lines = invoice.invoice_line_ids
        self.assertEqual(lines.mapped("display_type"), ["product"] * 4)
        hour = self.env.ref("uom.product_uom_hour")
        # Pricelist -10% on tax-included prices, then 15% included -> 5% excluded:
        # labor 115 * 0.9 / 1.15 = 90; filter 23 * 0.9 / 1.15 = 18; the valve's
        # excluded tax is not mapped: 46 * 0.9 = 41.4.
        expected = [
            (self.labor_product, 1.5, hour, 90.0, self.tax_excl5, 135.0, "Alex Tech"),
            (self.labor_product, 2.0, hour, 90.0, self.tax_excl5, 180.0, "Blake Tech"),
            (self.part_incl, 2.0, self.part_incl.uom_id, 18.0, self.tax_excl5, 36.0, "Air Filter"),
            (self.part_excl, 1.0, self.part_excl.uom_id, 41.4, self.tax_excl15, 41.4, "Valve"),
        ]
        for line, (product, qty, uom, price, taxes, subtotal, label) in zip(
            lines, expected, strict=True
        ):
            self.assertEqual(line.product_id, product)
            self.assertEqual(line.quantity, qty)
            self.assertEqual(line.product_uom_id, uom)
            self.assertAlmostEqual(line.price_unit, price, places=2)
            self.assertEqual(line.tax_ids, taxes)
            self.assertAlmostEqual(line.price_subtotal, subtotal, places=2)
            self.assertIn(order.name, line.name)
            self.assertIn(label, line.name)
            self.assertTrue(line.account_id)
        # 5% of 351 = 17.55; 15% of 41.4 = 6.21
        self.assertAlmostEqual(invoice.amount_untaxed, 392.4, places=2)
        self.assertAlmostEqual(invoice.amount_tax, 23.76, places=2)
        self.assertAlmostEqual(invoice.amount_total, 416.16, places=2)
        self.assertEqual(order.invoice_status, "invoiced")
        self.assertEqual(order.with_user(self.accountant).invoice_ids, invoice)
        self.assertEqual(order.with_user(self.accountant).invoice_count, 1)
        self.assertEqual(invoice.with_user(self.accountant).fwo_order_count, 1)
        # Both smart buttons open the other side.
        action = invoice.with_user(self.accountant).action_view_fwo_orders()
        self.assertEqual(action["res_id"], order.id)
        action = order.with_user(self.accountant).action_view_invoices()
        self.assertEqual(action["res_id"], invoice.id)

    def test_customer_without_pricelist_or_fiscal_position(self):
        order = self.make_done_order(
            self.env, self.other_client, labor=[(self.tech_a, 1.0)],
            materials=[(self.part_incl, 1.0)],
        )
        invoice = self.invoice(order)
        self.assertEqual(invoice.partner_id, self.other_client)
        self.assertFalse(invoice.fiscal_position_id)
        self.assertEqual(invoice.invoice_line_ids.mapped("price_unit"), [115.0, 23.0])
        self.assertEqual(invoice.invoice_line_ids.tax_ids, self.tax_incl)
        self.assertAlmostEqual(invoice.amount_untaxed, 120.0, places=2)  # 138 / 1.15
        self.assertAlmostEqual(invoice.amount_total, 138.0, places=2)

    def test_two_orders_of_one_customer_grouped(self):
        first = self.mixed_order()
        second = self.make_done_order(
            self.env, self.client, labor=[(self.tech_a, 1.0)], materials=[(self.part_incl, 1.0)],
        )
        invoice = self.invoice(first | second)
        self.assertEqual(len(invoice), 1)
        self.assertEqual(invoice.fwo_order_ids, first | second)
        sections = invoice.invoice_line_ids.filtered(lambda line: line.display_type == "line_section")
        products = invoice.invoice_line_ids.filtered(lambda line: line.display_type == "product")
        self.assertEqual(len(sections), 2)
        self.assertEqual(len(products), 6)
        self.assertIn(first.name, sections[0].name)
        self.assertIn(second.name, sections[1].name)
        self.assertEqual(invoice.invoice_origin, f"{first.name}, {second.name}")
        # 392.4 + 90 + 18 untaxed; tax 23.76 + 5% of 108 = 5.4
        self.assertAlmostEqual(invoice.amount_untaxed, 500.4, places=2)
        self.assertAlmostEqual(invoice.amount_tax, 29.16, places=2)
        self.assertAlmostEqual(invoice.amount_total, 529.56, places=2)
        self.assertEqual((first | second).mapped("invoice_status"), ["invoiced", "invoiced"])

    def test_grouped_gives_one_invoice_per_order(self):
        first = self.mixed_order()
        second = self.mixed_order()
        invoices = self.invoice(first | second, grouped=True)
        self.assertEqual(len(invoices), 2)
        self.assertEqual(invoices.fwo_order_ids, first | second)
        for invoice in invoices:
            self.assertEqual(len(invoice.fwo_order_ids), 1)
            self.assertEqual(len(invoice.invoice_line_ids), 4)
            self.assertAlmostEqual(invoice.amount_total, 416.16, places=2)

    def test_orders_of_two_customers_make_two_invoices(self):
        first = self.mixed_order()
        second = self.make_done_order(self.env, self.other_client, labor=[(self.tech_a, 1.0)])
        invoices = self.invoice(first | second)
        self.assertEqual(len(invoices), 2)
        self.assertEqual(
            invoices.sorted("amount_total").mapped("amount_total"), [115.0, 416.16]
        )

    def test_flat_rate_job_type(self):
        order = self.make_done_order(
            self.env, self.client, job_type=self.flat_job_type,
            labor=[(self.tech_a, 3.0)], materials=[(self.part_incl, 1.0)],
        )
        invoice = self.invoice(order)
        lines = invoice.invoice_line_ids
        self.assertEqual(lines.product_id, self.flat_product | self.part_incl)
        flat = lines.filtered(lambda line: line.product_id == self.flat_product)
        self.assertEqual(flat.quantity, 1.0)
        self.assertAlmostEqual(flat.price_unit, 180.0, places=2)  # 230 * 0.9 / 1.15
        self.assertIn("flat rate", flat.name)
        self.assertAlmostEqual(invoice.amount_untaxed, 198.0, places=2)
        self.assertAlmostEqual(invoice.amount_total, 207.9, places=2)

    def test_flat_rate_with_materials_included(self):
        order = self.make_done_order(
            self.env, self.client, job_type=self.flat_incl_job_type,
            labor=[(self.tech_a, 3.0)], materials=[(self.part_incl, 4.0)],
        )
        invoice = self.invoice(order)
        self.assertEqual(invoice.invoice_line_ids.product_id, self.flat_product)
        self.assertAlmostEqual(invoice.amount_untaxed, 180.0, places=2)

    def test_flat_rate_needs_its_product(self):
        with self.assertRaisesRegex(ValidationError, "flat-rate product"):
            self.env["field.work.order.job.type"].create({
                "name": "No product", "billing_type": "flat_rate",
            })

    def test_not_billable_is_refused(self):
        order = self.mixed_order(billable=False)
        self.assertEqual(order.invoice_status, "no")
        with self.assertRaisesRegex(UserError, f"{order.name} is not billable"):
            self.invoice(order)
        self.assertFalse(self.Move.search([("fwo_order_ids", "in", order.ids)]))

    def test_already_invoiced_is_refused(self):
        order = self.mixed_order()
        invoice = self.invoice(order)
        with self.assertRaisesRegex(UserError, f"{order.name} is already invoiced"):
            self.invoice(order)
        self.assertEqual(self.Move.search([("fwo_order_ids", "in", order.ids)]), invoice)

    def test_invoiced_order_cannot_go_back_to_rework(self):
        order = self.mixed_order()
        self.invoice(order)
        dispatcher = new_test_user(
            self.env, "fwo_rework_dispatcher", groups="base.group_user,field_work_order.group_dispatcher",
        )
        with self.assertRaisesRegex(UserError, f"{order.name} is already invoiced: cancel or credit"):
            order.with_user(dispatcher).action_rework("The leak is back.")
        self.assertEqual(order.state, "done")
        self.assertTrue(order.date_completed)

    def test_invoiceable_state_setting(self):
        done = self.mixed_order()
        verified = self.mixed_order(state="verified")
        running = self.make_done_order(
            self.env, self.client, labor=[(self.tech_a, 1.0)], state="in_progress",
        )
        self.assertEqual(running.invoice_status, "no")
        with self.assertRaisesRegex(UserError, f"{running.name} cannot be invoiced yet"):
            self.invoice(running)
        self.env.company.fwo_invoice_state = "verified"
        self.assertEqual(done.invoice_status, "no")
        self.assertEqual(verified.invoice_status, "to_invoice")
        with self.assertRaisesRegex(UserError, f"{done.name} cannot be invoiced yet: it is Done"):
            self.invoice(done)
        self.assertEqual(len(self.invoice(verified)), 1)

    def test_batch_is_all_or_nothing(self):
        good = self.mixed_order()
        bad = self.mixed_order(billable=False)
        also_good = self.mixed_order()
        count = self.Move.search_count([])
        with self.assertRaisesRegex(UserError, bad.name):
            self.invoice(good | bad | also_good)
        self.assertEqual(self.Move.search_count([]), count)
        self.assertEqual((good | also_good).mapped("invoice_status"), ["to_invoice"] * 2)

    def test_product_without_income_account_is_refused(self):
        category = self.env["product.category"].create({
            "name": "No accounts", "property_account_income_categ_id": False,
        })
        part = self.env["product.product"].create({
            "name": "Gasket", "type": "consu", "list_price": 5.0, "categ_id": category.id,
        })
        order = self.make_done_order(
            self.env, self.client, labor=[(self.tech_a, 1.0)], materials=[(part, 1.0)],
        )
        count = self.Move.search_count([])
        with self.assertRaisesRegex(UserError, f"{order.name} cannot be invoiced: Gasket has no "
                                               "income account"):
            self.invoice(order)
        self.assertEqual(self.Move.search_count([]), count)

    def test_nothing_to_invoice_is_refused(self):
        order = self.make_done_order(self.env, self.client)
        with self.assertRaisesRegex(UserError, f"{order.name} has nothing to invoice"):
            self.invoice(order)

    def test_cancelled_invoice_puts_order_back(self):
        order = self.mixed_order()
        invoice = self.invoice(order).with_user(self.accountant)
        invoice.button_cancel()
        self.assertEqual(invoice.state, "cancel")
        self.assertEqual(order.invoice_status, "to_invoice")
        second = self.invoice(order)
        self.assertEqual(len(second), 1)
        self.assertEqual(order.invoice_status, "invoiced")
        self.assertEqual(order.with_user(self.accountant).invoice_ids, invoice | second)

    def test_deleted_draft_invoice_puts_order_back(self):
        order = self.mixed_order()
        self.invoice(order).with_user(self.accountant).unlink()
        self.assertEqual(order.invoice_status, "to_invoice")

    def reverse(self, invoice):
        wizard = self.env["account.move.reversal"].with_user(self.accountant).with_context(
            active_model="account.move", active_ids=invoice.ids,
        ).create({"reason": "Customer dispute", "journal_id": invoice.journal_id.id})
        return wizard

    def test_full_credit_note_puts_order_back(self):
        order = self.mixed_order()
        invoice = self.invoice(order).with_user(self.accountant)
        invoice.action_post()
        wizard = self.reverse(invoice)
        wizard.refund_moves()
        credit_note = wizard.new_move_ids
        self.assertEqual(credit_note.move_type, "out_refund")
        self.assertFalse(credit_note.with_user(self.accountant).fwo_order_ids)
        self.assertEqual(order.invoice_status, "invoiced")  # draft credit note: nothing yet
        credit_note.action_post()
        self.assertEqual(invoice.payment_state, "reversed")
        self.assertEqual(order.invoice_status, "to_invoice")
        # The order's button shows the invoice and its credit note.
        self.assertEqual(order.with_user(self.accountant).invoice_count, 2)

    def test_partial_credit_note_keeps_order_invoiced(self):
        order = self.mixed_order()
        invoice = self.invoice(order).with_user(self.accountant)
        invoice.action_post()
        wizard = self.reverse(invoice)
        wizard.refund_moves()
        credit_note = wizard.new_move_ids
        # Refund only the valve.
        credit_note.write({"invoice_line_ids": [
            Command.unlink(line.id)
            for line in credit_note.invoice_line_ids
            if line.product_id != self.part_excl
        ]})
        credit_note.action_post()
        self.assertAlmostEqual(credit_note.amount_total, 47.61, places=2)
        self.assertEqual(invoice.payment_state, "partial")
        self.assertEqual(order.invoice_status, "invoiced")

    def test_reverse_and_replace_keeps_order_on_the_new_invoice(self):
        order = self.mixed_order()
        invoice = self.invoice(order).with_user(self.accountant)
        invoice.action_post()
        wizard = self.reverse(invoice)
        wizard.modify_moves()
        replacement = wizard.new_move_ids
        self.assertEqual(invoice.payment_state, "reversed")
        self.assertEqual(replacement.move_type, "out_invoice")
        self.assertEqual(replacement.state, "draft")
        self.assertEqual(replacement.fwo_order_ids, order)
        self.assertEqual(order.invoice_status, "invoiced")

    def test_accountant_cannot_edit_orders(self):
        order = self.mixed_order()
        with self.assertRaises(AccessError):
            order.with_user(self.accountant).write({"billable": False})
        # ...yet invoices them: the link is written from the invoice side.
        self.assertEqual(len(self.invoice(order)), 1)

    def test_technician_cannot_invoice(self):
        order = self.mixed_order(technician_ids=[Command.set(self.tech_a.ids)])
        with self.assertRaises(AccessError):
            order.with_user(self.tech_a).action_create_invoices()
        self.assertEqual(order.invoice_status, "to_invoice")

    def test_action_opens_all_invoices(self):
        first = self.mixed_order()
        second = self.make_done_order(self.env, self.other_client, labor=[(self.tech_a, 1.0)])
        action = (first | second).with_user(self.accountant).action_create_invoices()
        moves = self.Move.search([("fwo_order_ids", "in", (first | second).ids)])
        self.assertEqual(len(moves), 2)
        self.assertEqual(action["domain"][0][:2], ("id", "in"))
        self.assertEqual(sorted(action["domain"][0][2]), sorted(moves.ids))
        self.assertNotIn(None, action.values())


@tagged("post_install", "-at_install")
class TestWorkOrderInvoiceConcurrency(InvoiceCommon, TransactionCase):
    """Two accountants, two real transactions, one order."""

    def test_second_accountant_is_refused_while_first_invoices(self):
        registry = self.registry
        with registry.cursor() as cr:
            env = api.Environment(cr, SUPERUSER_ID, {})
            labor_product_before = env.company.fwo_labor_product_id.id  # the addon's default
            self.setup_invoicing(env, suffix=" (concurrency)")
            accountants = [
                new_test_user(
                    env, f"fwo_inv_concurrent_{i}",
                    groups="base.group_user,account.group_account_invoice",
                ).id
                for i in (1, 2)
            ]
            tech = new_test_user(
                env, "fwo_inv_concurrent_tech", groups="field_work_order.group_technician",
            )
            order_id = self.make_done_order(
                env, self.client, labor=[(tech, 2.0)], materials=[(self.part_incl, 1.0)],
            ).id
            data = {
                "tax": (self.tax_incl | self.tax_excl5 | self.tax_excl15).ids,
                "fpos": self.fpos.id,
                "pricelist": (self.public_pricelist | self.contract_pricelist).ids,
                "product": (self.labor_product | self.part_incl | self.part_excl
                            | self.flat_product).ids,
                "job_type": (self.tm_job_type | self.flat_job_type | self.flat_incl_job_type).ids,
                "partner": (self.client_billing | self.client | self.other_client).ids,
                "user": [*accountants, tech.id],
                "labor_product_before": labor_product_before,
            }
        self.addCleanup(self._cleanup, order_id, data)

        cr1, cr2 = registry.cursor(), registry.cursor()
        try:
            env1 = api.Environment(cr1, accountants[0], {})
            env2 = api.Environment(cr2, accountants[1], {})
            # Second accountant's transaction starts (snapshot taken) before the first commits.
            env2["field.work.order"].browse(order_id).invoice_status  # noqa: B018
            env1["field.work.order"].browse(order_id).action_create_invoices()
            env1.flush_all()
            with self.assertRaisesRegex(UserError, "being invoiced by someone else"):
                env2["field.work.order"].browse(order_id).action_create_invoices()
            cr2.rollback()

            # First commits while a second transaction, started earlier, is still open:
            # PostgreSQL refuses its lock, so Odoo would retry that request...
            env2["field.work.order"].browse(order_id).invoice_status  # noqa: B018
            cr1.commit()
            with self.assertRaises(psycopg2.errors.SerializationFailure):
                env2["field.work.order"].browse(order_id).action_create_invoices()
            cr2.rollback()
            env2.invalidate_all()
            # ...and the retry sees the order invoiced.
            with self.assertRaisesRegex(UserError, "is already invoiced"):
                env2["field.work.order"].browse(order_id).action_create_invoices()
            cr2.rollback()
            invoices = env2["account.move"].sudo().search([("fwo_order_ids", "in", order_id)])
            self.assertEqual(len(invoices), 1)
        finally:
            cr1.close()
            cr2.close()

    def _cleanup(self, order_id, data):
        """Remove what the test committed (it lives outside the test transaction)."""
        with self.registry.cursor() as cr:
            env = api.Environment(cr, SUPERUSER_ID, {})
            order = env["field.work.order"].browse(order_id)
            order.invoice_ids.filtered(lambda m: m.state == "draft").unlink()
            order._set_state({"state": "cancelled"})
            order.unlink()
            users = env["res.users"].browse(data["user"])
            partners = users.partner_id
            users.unlink()
            partners.unlink()
            env["field.work.order.job.type"].browse(data["job_type"]).unlink()
            env.company.fwo_labor_product_id = data["labor_product_before"]
            env["product.product"].browse(data["product"]).product_tmpl_id.unlink()
            env["res.partner"].browse(data["partner"]).unlink()
            env["account.fiscal.position"].browse(data["fpos"]).unlink()
            env["product.pricelist"].browse(data["pricelist"]).unlink()
            env["account.tax"].browse(data["tax"]).unlink()


@tagged("post_install", "-at_install")
class TestWorkOrderInvoiceTour(InvoiceCommon, HttpCase):
    def test_accountant_invoices_two_orders_of_one_customer(self):
        self.setup_invoicing(self.env)
        new_test_user(
            self.env, "fwo_tour_accountant",
            groups="base.group_user,account.group_account_invoice", name="Tour Accountant",
        )
        tech = new_test_user(self.env, "fwo_tour_inv_tech", groups="field_work_order.group_technician")
        customer = self.env["res.partner"].create({"name": "Tour Invoice Customer", "is_company": True})
        north, south = self.env["res.partner"].create([
            {"name": "Tour Site North", "parent_id": customer.id, "type": "other"},
            {"name": "Tour Site South", "parent_id": customer.id, "type": "other"},
        ])
        orders = self.make_done_order(
            self.env, customer, labor=[(tech, 1.0)], service_partner_id=north.id,
        ) | self.make_done_order(
            self.env, customer, labor=[(tech, 2.0)], materials=[(self.part_incl, 1.0)],
            service_partner_id=south.id,
        )
        self.start_tour(
            "/odoo/action-field_work_order.field_work_order_action_to_invoice",
            "field_work_order_invoice_tour", login="fwo_tour_accountant",
        )
        invoices = self.env["account.move"].search([("fwo_order_ids", "in", orders.ids)])
        self.assertEqual(len(invoices), 1)
        self.assertEqual(invoices.move_type, "out_invoice")
        self.assertEqual(invoices.state, "draft")
        self.assertEqual(invoices.partner_id, customer)
        self.assertEqual(invoices.fwo_order_ids, orders)
        products = invoices.invoice_line_ids.filtered(lambda line: line.display_type == "product")
        self.assertEqual(len(products), 3)
        for order in orders:
            self.assertTrue(any(order.name in line.name for line in products))
        self.assertAlmostEqual(invoices.amount_total, 368.0, places=2)  # 3 h * 115 + 23
        self.assertEqual(orders.mapped("invoice_status"), ["invoiced", "invoiced"])
