"""Invoicing maintenance agreements: per visit at the agreed price, per period once a period."""

from datetime import datetime

import psycopg2
from freezegun import freeze_time

from odoo.exceptions import AccessError, UserError
from odoo.fields import Command
from odoo.tests import TransactionCase, new_test_user, tagged
from odoo.tools import mute_logger

from .test_work_order_invoice import InvoiceCommon


@tagged("post_install", "-at_install")
class TestAgreementInvoice(InvoiceCommon, TransactionCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.setup_invoicing(cls.env)
        cls.env.company.partner_id.tz = "Europe/Brussels"
        cls.dispatcher = new_test_user(
            cls.env, "fwo_agr_dispatcher",
            groups="base.group_user,field_work_order.group_dispatcher", name="Dee Dispatcher",
        )
        cls.accountant = new_test_user(
            cls.env, "fwo_agr_accountant", groups="base.group_user,account.group_account_invoice",
            name="Ann Accountant",
        )
        cls.visit_product = cls.env["product.product"].create({
            "name": "Maintenance Visit", "type": "service", "list_price": 999.0,
            "taxes_id": [Command.set(cls.tax_excl15.ids)],
        })
        cls.site = cls.env["res.partner"].create({
            "name": "Plain Customer, Warehouse", "parent_id": cls.other_client.id,
            "type": "other",
        })
        cls.Move = cls.env["account.move"]

    def agreement(self, **vals):
        agreement = self.env["field.work.order.agreement"].with_user(self.dispatcher).create({
            "name": "Boiler care",
            "partner_id": self.other_client.id,
            "service_partner_ids": [Command.set((self.other_client | self.site).ids)],
            "job_type_id": self.tm_job_type.id,
            "interval_number": 1,
            "interval_type": "month",
            "date_start": "2030-01-15",
            "lead_days": 14,
            "price_type": "per_visit",
            "price": 80.0,
            "product_id": self.visit_product.id,
            **vals,
        })
        agreement.action_activate()
        return agreement

    def finish(self, order, materials=()):
        """Complete ``order`` with 2 hours of labor and ``materials`` as (product, qty used)."""
        start = datetime(2030, 1, 15, 9, 0)
        order.write({
            "labor_ids": [Command.create({
                "user_id": self.dispatcher.id, "date_start": start,
                "date_end": datetime(2030, 1, 15, 11, 0),
            })],
            "material_ids": [
                Command.create({"product_id": product.id, "quantity_used": qty})
                for product, qty in materials
            ],
        })
        order._set_state({"state": "done", "date_completed": datetime(2030, 1, 15, 13, 0)})
        return order

    def visits(self, agreement, when="2030-01-05 08:00:00"):
        with freeze_time(when):
            agreement.with_user(self.dispatcher).action_generate_orders()
        return agreement.order_ids.sorted("id")

    def invoice(self, orders):
        before = self.Move.search([])
        orders.with_user(self.accountant).action_create_invoices(grouped=True)
        return (self.Move.search([]) - before).sorted("id")

    def test_per_visit_agreed_price_plus_materials(self):
        agreement = self.agreement()
        orders = self.visits(agreement)
        self.assertEqual(len(orders), 2)
        self.assertTrue(all(orders.mapped("billable")))
        self.finish(orders[0], materials=[(self.part_excl, 1.0)])
        self.finish(orders[1])
        self.assertEqual(orders.mapped("invoice_status"), ["to_invoice", "to_invoice"])
        first, second = self.invoice(orders)
        # The agreed 80.00 replaces the 2 hours (115.00 each); the valve is billed at 46.00.
        self.assertEqual(first.invoice_line_ids.mapped("price_unit"), [80.0, 46.0])
        self.assertAlmostEqual(first.amount_untaxed, 126.0, places=2)
        self.assertAlmostEqual(first.amount_total, 144.9, places=2)
        self.assertEqual(first.invoice_line_ids[0].product_id, self.visit_product)
        self.assertIn("visit of 2030-01-15", first.invoice_line_ids[0].name)
        self.assertEqual(second.invoice_line_ids.mapped("price_unit"), [80.0])
        self.assertAlmostEqual(second.amount_total, 92.0, places=2)
        self.assertEqual(orders.mapped("invoice_status"), ["invoiced", "invoiced"])
        with self.assertRaisesRegex(UserError, "already invoiced"):
            orders[0].with_user(self.accountant).action_create_invoices()

    def test_per_visit_materials_included_by_the_job_type(self):
        agreement = self.agreement(job_type_id=self.flat_incl_job_type.id)
        order = self.finish(self.visits(agreement)[0], materials=[(self.part_excl, 3.0)])
        invoice = self.invoice(order)
        self.assertEqual(invoice.invoice_line_ids.mapped("price_unit"), [80.0])
        self.assertAlmostEqual(invoice.amount_untaxed, 80.0, places=2)

    def test_covered_visits_are_not_billable(self):
        agreement = self.agreement(price_type="none", price=0.0, product_id=False)
        orders = self.visits(agreement)
        self.assertEqual(orders.mapped("billable"), [False, False])
        self.finish(orders[0], materials=[(self.part_excl, 1.0)])
        self.assertEqual(orders[0].invoice_status, "no")
        before = self.Move.search_count([])
        with self.assertRaisesRegex(UserError, "not billable"):
            orders[0].with_user(self.accountant).action_create_invoices()
        # Ticked billable by hand, a covered visit is still not invoiced.
        orders[0].with_user(self.dispatcher).billable = True
        with self.assertRaisesRegex(UserError, "Covered .* the order itself is not invoiced"):
            orders[0].with_user(self.accountant).action_create_invoices()
        self.assertEqual(self.Move.search_count([]), before)

    def test_per_period_once_per_period(self):
        agreement = self.agreement(price_type="per_period", price=300.0, date_end="2030-12-31")
        self.assertEqual(self.visits(agreement).mapped("billable"), [False, False])
        as_accountant = agreement.with_user(self.accountant)
        with freeze_time("2030-03-20 08:00:00"):
            action = as_accountant.action_invoice_period()
        invoices = self.Move.search(action["domain"]).sorted("id")
        self.assertEqual(len(invoices), 3)
        self.assertEqual(invoices.mapped("amount_untaxed"), [300.0, 300.0, 300.0])
        self.assertEqual(invoices.mapped("amount_total"), [345.0, 345.0, 345.0])
        self.assertEqual(set(invoices.mapped("move_type")), {"out_invoice"})
        self.assertEqual(set(invoices.mapped("state")), {"draft"})
        self.assertEqual(invoices.partner_id, self.other_client)
        self.assertEqual(
            [(p.date_start.isoformat(), p.date_end.isoformat()) for p in agreement.period_ids],
            [("2030-01-15", "2030-02-14"), ("2030-02-15", "2030-03-14"),
             ("2030-03-15", "2030-04-14")],
        )
        self.assertIn("2030-02-15 - 2030-03-14", invoices[1].invoice_line_ids.name)
        # Again the same day, then by the monthly cron: nothing more.
        with freeze_time("2030-03-20 09:00:00"):
            again = as_accountant.action_invoice_period()
            self.env["field.work.order.agreement"]._cron_invoice_periods()
        self.assertEqual(again["domain"], [("id", "in", [])])
        self.assertEqual(len(agreement.period_ids), 3)
        with freeze_time("2030-04-20 08:00:00"):
            self.env["field.work.order.agreement"]._cron_invoice_periods()
        self.assertEqual(len(agreement.period_ids), 4)
        self.assertEqual(agreement.period_ids[-1].move_id.amount_untaxed, 300.0)
        # The end date stops the periods: 12 in 2030, whatever the date.
        with freeze_time("2031-06-01 08:00:00"):
            self.env["field.work.order.agreement"]._cron_invoice_periods()
        self.assertEqual(len(agreement.period_ids), 12)
        self.assertEqual(agreement.period_ids[-1].date_start.isoformat(), "2030-12-15")
        # The database refuses a second record of an invoiced period.
        with self.assertRaises(psycopg2.errors.UniqueViolation), mute_logger("odoo.sql_db"):
            self.env["field.work.order.agreement.period"].create({
                "agreement_id": agreement.id, "date_start": "2030-01-15", "date_end": "2030-02-14",
            })
            self.env.flush_all()

    def test_per_period_cancelled_invoice_frees_its_period(self):
        agreement = self.agreement(price_type="per_period", price=300.0, date_end="2030-12-31")
        as_accountant = agreement.with_user(self.accountant)
        with freeze_time("2030-03-20 08:00:00"):
            as_accountant.action_invoice_period()
            first = agreement.period_ids.sorted("date_start")[1].move_id
            first.with_user(self.accountant).button_cancel()
            again = as_accountant.action_invoice_period()
            third = agreement.period_ids.sorted("date_start")[2].move_id
            third.with_user(self.accountant).unlink()
            last = as_accountant.action_invoice_period()
            nothing = as_accountant.action_invoice_period()
        redone = self.Move.search(again["domain"])
        self.assertEqual(len(redone), 1)
        self.assertEqual(redone.amount_untaxed, 300.0)
        self.assertIn("2030-02-15 - 2030-03-14", redone.invoice_line_ids.name)
        self.assertEqual(len(self.Move.search(last["domain"])), 1)
        self.assertEqual(nothing["domain"], [("id", "in", [])])
        periods = agreement.period_ids.sorted("date_start")
        self.assertEqual(len(periods), 3)
        self.assertEqual(periods[1].move_id, redone)
        self.assertEqual(periods.move_id.mapped("state"), ["draft", "draft", "draft"])
        self.assertEqual(self.Move.browse(first.id).state, "cancel")

    def test_per_period_refusals(self):
        per_visit = self.agreement()
        with self.assertRaisesRegex(UserError, "not billed per period"):
            per_visit.with_user(self.accountant).action_invoice_period()
        per_period = self.agreement(price_type="per_period", price=300.0)
        with self.assertRaises(AccessError):
            per_period.with_user(self.dispatcher).action_invoice_period()
        self.assertFalse(per_period.period_ids)
