"""Billing rules over the real /jsonrpc route, as the real users: labor rounding, minimum, call-out.

Prices for ``InvoiceCommon.other_client`` (no pricelist rule, no fiscal position):
labor 115.00 an hour tax included (15%), i.e. 100.00 an hour before tax; the
call-out product 57.50 included, i.e. 50.00 before tax. For ``client`` (-10%,
15% included mapped to 5% excluded): labor 90.00 an hour, call-out 45.00, + 5%.
"""

from datetime import datetime, timedelta

from freezegun import freeze_time

from odoo.fields import Command
from odoo.tests import HttpCase, new_test_user, tagged

from . import test_quote
from .common import WorkOrderCommon
from .test_work_order_invoice import InvoiceCommon

ORDER = "field.work.order"
JOB_TYPE = "field.work.order.job.type"


@tagged("post_install", "-at_install")
class TestBillingRules(InvoiceCommon, WorkOrderCommon, HttpCase):
    ok = test_quote.TestQuote.ok
    refused = test_quote.TestQuote.refused
    amounts = test_quote.TestQuote.amounts

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.setup_invoicing(cls.env, " (rules)")
        cls.admin = new_test_user(
            cls.env, "fwo_rules_admin", groups="base.group_user,base.group_system",
            name="Ivy Admin",
        )
        cls.callout = cls.env["product.product"].create({
            "name": "Call-Out", "type": "service", "list_price": 57.5,
            "taxes_id": [Command.set(cls.tax_incl.ids)],
        })
        cls.emergency = cls.env["product.product"].create({
            "name": "Emergency Call-Out", "type": "service", "list_price": 115.0,
            "taxes_id": [Command.set(cls.tax_incl.ids)],
        })

    def rpc(self, *args, **kwargs):
        self.env.flush_all()  # the request reads the database, not this test's cache
        return test_quote.TestQuote.rpc(self, *args, **kwargs)

    def rules(self, increment=0, minimum=0, callout=None):
        self.env.company.write({
            "fwo_labor_increment": increment, "fwo_labor_minimum": minimum,
            "fwo_callout_product_id": callout and callout.id,
        })

    def done_order(self, labor, partner=None, job_type=None):
        """A finished order; ``labor`` as (user, hours), one line each, one after the other."""
        start = datetime(2030, 1, 15, 9, 0)
        lines = []
        for user, hours in labor:
            lines.append(Command.create({
                "user_id": user.id, "date_start": start, "date_end": start + timedelta(hours=hours),
            }))
            start += timedelta(hours=hours, minutes=5)
        return self.make_done_order(
            self.env, partner or self.other_client, job_type=job_type, labor_ids=lines,
        )

    def invoice(self, orders, grouped=False):
        action = self.ok(self.accountant, ORDER, "action_create_invoices", [orders.ids],
                         {"grouped": grouped})
        if action.get("res_id"):
            return self.env["account.move"].browse(action["res_id"])
        return self.env["account.move"].search(action["domain"], order="id")

    def lines(self, invoice):
        return [
            (line.product_id, line.quantity, round(line.price_subtotal, 2))
            for line in invoice.invoice_line_ids.filtered(lambda line: line.display_type == "product")
        ]

    # --- labor -----------------------------------------------------------------------
    def test_company_without_rules_unchanged(self):
        order = self.done_order([(self.tech, 0.01)])  # 36 seconds
        invoice = self.invoice(order)
        self.assertEqual(self.lines(invoice), [(self.labor_product, 0.01, 1.0)])
        self.assertEqual(self.amounts(invoice), [1.0, 0.15, 1.15])
        self.assertNotIn("rounded", invoice.invoice_line_ids.name)
        self.assertNotIn("minimum", invoice.invoice_line_ids.name)

    def test_increment_alone(self):
        self.rules(increment=15)
        # 36 s -> 15 min; 18 min -> 30 min; 30 min stays 30 min (no float surprise).
        order = self.done_order([(self.tech, 0.01), (self.tech2, 0.3)])
        exact = self.done_order([(self.tech, 0.5)])
        invoices = self.invoice(order | exact, grouped=True)
        self.assertEqual(self.lines(invoices[0]), [
            (self.labor_product, 0.25, 25.0), (self.labor_product, 0.5, 50.0),
        ])
        self.assertEqual(self.amounts(invoices[0]), [75.0, 11.25, 86.25])
        self.assertEqual(self.lines(invoices[1]), [(self.labor_product, 0.5, 50.0)])
        label = invoices[0].invoice_line_ids[0].name
        self.assertIn("Terry Tech (rounded up to 15 min)", label)
        self.assertNotIn("minimum", label)

    def test_increment_applies_to_each_technicians_total(self):
        """Pausing and resuming (two lines of 6 min) bills 15 min, not 30."""
        self.rules(increment=15)
        order = self.done_order([(self.tech, 0.1), (self.tech, 0.1)])
        invoice = self.invoice(order)
        self.assertEqual(self.lines(invoice), [(self.labor_product, 0.25, 25.0)])

    def test_minimum_alone(self):
        self.rules(minimum=60)
        order = self.done_order([(self.tech, 0.01), (self.tech2, 1.5)])
        invoice = self.invoice(order)
        self.assertEqual(self.lines(invoice), [
            (self.labor_product, 1.0, 100.0), (self.labor_product, 1.5, 150.0),
        ])
        self.assertEqual(self.amounts(invoice), [250.0, 37.5, 287.5])
        self.assertIn("Terry Tech (minimum 1 h)", invoice.invoice_line_ids[0].name)

    def test_increment_and_minimum(self):
        self.rules(increment=15, minimum=60)
        # 36 s -> 1 h (the minimum); 66 min -> 75 min.
        order = self.done_order([(self.tech, 0.01), (self.tech2, 1.1)], partner=self.client)
        invoice = self.invoice(order)
        # 90.00 an hour for this customer, + 5%.
        self.assertEqual(self.lines(invoice), [
            (self.labor_product, 1.0, 90.0), (self.labor_product, 1.25, 112.5),
        ])
        self.assertEqual(self.amounts(invoice), [202.5, 10.13, 212.63])
        self.assertIn("Terry Tech (rounded up to 15 min, minimum 1 h)", invoice.invoice_line_ids[0].name)

    def test_job_type_overrides(self):
        self.rules(increment=15, minimum=60, callout=self.callout)
        job_type = self.env[JOB_TYPE].create({"name": "Night Repair"})
        self.ok(self.dispatcher, JOB_TYPE, "write", [job_type.ids, {
            "fwo_labor_increment": 30, "fwo_callout_product_id": self.emergency.id,
        }])
        night = self.done_order([(self.tech, 1.1), (self.tech2, 0.01)], job_type=job_type)
        day = self.done_order([(self.tech, 1.1), (self.tech2, 0.01)])
        night_invoice, day_invoice = self.invoice(night | day, grouped=True)
        # Night: 66 min -> 90 min; 36 s -> the company's minimum, 1 h; the emergency call-out.
        self.assertEqual(self.lines(night_invoice), [
            (self.labor_product, 1.5, 150.0), (self.labor_product, 1.0, 100.0),
            (self.emergency, 1.0, 100.0),
        ])
        self.assertEqual(self.amounts(night_invoice), [350.0, 52.5, 402.5])
        self.assertIn("(rounded up to 30 min, minimum 1 h)", night_invoice.invoice_line_ids[0].name)
        # Day: the company's rules.
        self.assertEqual(self.lines(day_invoice), [
            (self.labor_product, 1.25, 125.0), (self.labor_product, 1.0, 100.0),
            (self.callout, 1.0, 50.0),
        ])
        self.assertEqual(self.amounts(day_invoice), [275.0, 41.25, 316.25])

    # --- call-out --------------------------------------------------------------------
    def test_callout_once_per_order(self):
        self.rules(callout=self.callout)
        first = self.done_order([(self.tech, 1.0), (self.tech2, 1.0)])
        second = self.done_order([(self.tech, 0.5)])
        flat = self.make_done_order(self.env, self.other_client, job_type=self.flat_job_type)
        invoice = self.invoice(first | second | flat)
        self.assertEqual(len(invoice), 1)
        # One call-out per order (visit), whatever the number of technicians or lines.
        self.assertEqual(self.lines(invoice), [
            (self.labor_product, 1.0, 100.0), (self.labor_product, 1.0, 100.0),
            (self.callout, 1.0, 50.0),
            (self.labor_product, 0.5, 50.0), (self.callout, 1.0, 50.0),
            (self.flat_product, 1.0, 200.0), (self.callout, 1.0, 50.0),
        ])
        self.assertEqual(self.amounts(invoice), [600.0, 90.0, 690.0])
        callout_line = invoice.invoice_line_ids.filtered(lambda line: line.product_id == self.callout)[0]
        self.assertIn(first.name, callout_line.name)
        self.assertIn("call-out", callout_line.name)

    def test_callout_at_the_customers_price(self):
        self.rules(callout=self.callout)
        invoice = self.invoice(self.done_order([(self.tech, 1.0)], partner=self.client))
        # 57.50 - 10% = 51.75 included -> 45.00 + 5%.
        self.assertEqual(self.lines(invoice), [
            (self.labor_product, 1.0, 90.0), (self.callout, 1.0, 45.0),
        ])
        self.assertEqual(self.amounts(invoice), [135.0, 6.75, 141.75])

    def test_callout_alone_is_invoiceable(self):
        """A trip where nothing could be done still costs the call-out."""
        self.rules(callout=self.callout)
        order = self.make_done_order(self.env, self.other_client)
        invoice = self.invoice(order)
        self.assertEqual(self.lines(invoice), [(self.callout, 1.0, 50.0)])

    def test_agreement_visit_has_no_callout(self):
        """A per-visit agreement's price is the price of the visit: no call-out on top."""
        self.rules(increment=15, minimum=60, callout=self.callout)
        visit_product = self.env["product.product"].create({
            "name": "Maintenance Visit", "type": "service", "list_price": 80.0,
            "taxes_id": [Command.set(self.tax_excl15.ids)],
        })
        agreement = self.env["field.work.order.agreement"].create({
            "name": "Boiler care", "partner_id": self.other_client.id,
            "service_partner_ids": [Command.set(self.other_client.ids)],
            "job_type_id": self.tm_job_type.id, "interval_number": 1, "interval_type": "month",
            "date_start": "2030-01-15", "lead_days": 14, "price_type": "per_visit",
            "price": 80.0, "product_id": visit_product.id,
        })
        agreement.action_activate()
        with freeze_time("2030-01-05 08:00:00"):
            agreement.action_generate_orders()
        visit = agreement.order_ids
        self.assertEqual(len(visit), 1)
        visit.write({"labor_ids": [Command.create({
            "user_id": self.tech.id, "date_start": datetime(2030, 1, 15, 9, 0),
            "date_end": datetime(2030, 1, 15, 9, 10),
        })]})
        visit._set_state({"state": "done", "date_completed": datetime(2030, 1, 15, 12, 0)})
        invoice = self.invoice(visit)
        self.assertEqual(self.lines(invoice), [(visit_product, 1.0, 80.0)])

    # --- who sets the rules ----------------------------------------------------------
    def test_admin_sets_the_company_rules_in_the_settings(self):
        settings = self.ok(self.admin, "res.config.settings", "create", [{
            "fwo_labor_increment": 15, "fwo_labor_minimum": 60,
            "fwo_callout_product_id": self.callout.id,
        }])
        self.ok(self.admin, "res.config.settings", "execute", [[settings]])
        company = self.env.company
        self.assertEqual(
            (company.fwo_labor_increment, company.fwo_labor_minimum, company.fwo_callout_product_id),
            (15, 60, self.callout),
        )

    def test_dispatcher_and_technician_cannot_set_the_company_rules(self):
        for user in (self.dispatcher, self.tech, self.accountant):
            self.refused(user, "res.company", "write", [self.env.company.ids, {
                "fwo_labor_increment": 1,
            }], "AccessError", "not allowed to")
            self.refused(user, "res.config.settings", "create", [{"fwo_labor_minimum": 1}],
                         "AccessError", "not allowed to")
        self.assertEqual(self.env.company.fwo_labor_increment, 0)
        self.assertEqual(self.env.company.fwo_labor_minimum, 0)

    def test_technician_cannot_set_job_type_rules(self):
        self.refused(self.tech, JOB_TYPE, "write", [self.tm_job_type.ids, {
            "fwo_labor_minimum": 1,
        }], "AccessError", "not allowed to")
        self.assertEqual(self.tm_job_type.fwo_labor_minimum, 0)

    def test_negative_minutes_are_refused(self):
        self.refused(self.dispatcher, JOB_TYPE, "write", [self.tm_job_type.ids, {
            "fwo_labor_increment": -15,
        }], "ValidationError", r"Repair \(rules\): the labor rounding .* 0 or more")
        self.refused(self.admin, "res.company", "write", [self.env.company.ids, {
            "fwo_labor_minimum": -1,
        }], "ValidationError", "0 or more")
