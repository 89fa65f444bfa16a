import logging

from odoo.fields import Command
from odoo.tests import TransactionCase, new_test_user, tagged

from .test_work_order_invoice import InvoiceCommon

_logger = logging.getLogger(__name__)

# Our queries on top of Odoo's own account.move.create, per order invoiced.
MAX_OVERHEAD_PER_ORDER = 10


@tagged("post_install", "-at_install")
class TestWorkOrderInvoiceQueries(InvoiceCommon, TransactionCase):
    """Invoicing N orders costs Odoo's invoice creation plus a small constant per order.

    Each order has labor by one technician and two materials (three invoice
    lines); its customer has a discount pricelist and a fiscal position
    mapping taxes, so the whole pricing path runs. Orders are invoiced one
    invoice per order (``grouped=True``, the largest number of invoices).
    The baseline is a native ``account.move.create`` of the very same invoice
    values (without the link to the orders), run as the same accountant.
    """

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.setup_invoicing(cls.env)
        cls.accountant = new_test_user(
            cls.env, "fwo_inv_q_accountant",
            groups="base.group_user,account.group_account_invoice",
        )
        cls.tech_q = new_test_user(
            cls.env, "fwo_inv_q_tech", groups="field_work_order.group_technician",
        )
        # Several customers, each with its own invoice address lookup.
        cls.customers = cls.env["res.partner"].create([
            {
                "name": f"Query Customer {i}", "is_company": True,
                "property_product_pricelist": cls.contract_pricelist.id,
                "property_account_position_id": cls.fpos.id,
            }
            for i in range(5)
        ])

    def make_orders(self, count):
        return self.env["field.work.order"].concat(*(
            self.make_done_order(
                self.env, self.customers[i % len(self.customers)],
                labor=[(self.tech_q, 1.5)],
                materials=[(self.part_incl, 2.0), (self.part_excl, 1.0)],
            )
            for i in range(count)
        ))

    def count_queries(self, func):
        self.env.flush_all()
        self.env.invalidate_all()
        before = self.env.cr.sql_log_count
        result = func()
        self.env.flush_all()
        return self.env.cr.sql_log_count - before, result

    def measure(self, count, lines_per_order=3):
        ours, twins = self.make_orders(count), self.make_orders(count)
        Move = self.env["account.move"].with_user(self.accountant)

        twins = twins.with_user(self.accountant)
        vals_by_company = twins._prepare_invoice_vals(twins._invoice_charges(), grouped=True)
        vals_list = [
            {key: value for key, value in vals.items() if key != "fwo_order_ids"}
            for vals in vals_by_company[self.env.company]
        ]
        native, native_moves = self.count_queries(lambda: Move.create(vals_list))

        ours = ours.with_user(self.accountant)
        total, _action = self.count_queries(lambda: ours.action_create_invoices(grouped=True))

        invoices = Move.search([("fwo_order_ids", "in", ours.ids)])
        self.assertEqual(len(invoices), count)
        self.assertEqual(len(native_moves), count)
        self.assertEqual(len(invoices.invoice_line_ids), lines_per_order * count)
        self.assertEqual(set(ours.mapped("invoice_status")), {"invoiced"})
        # Same invoices both ways: the baseline is a fair one.
        self.assertAlmostEqual(
            sum(invoices.mapped("amount_total")), sum(native_moves.mapped("amount_total")),
            places=2,
        )
        overhead = (total - native) / count
        _logger.info(
            "Invoicing %s orders: action_create_invoices %s queries, native "
            "account.move.create %s queries, overhead %.2f per order",
            count, total, native, overhead,
        )
        self.assertLess(overhead, MAX_OVERHEAD_PER_ORDER)
        return overhead

    def test_overhead_10_orders(self):
        self.measure(10)

    def test_overhead_100_orders(self):
        self.measure(100)

    def test_overhead_with_billing_rules(self):
        """Rounding, minimum and a call-out line (four lines an order) stay within the constant."""
        callout = self.env["product.product"].create({
            "name": "Query Call-Out", "type": "service", "list_price": 57.5,
            "taxes_id": [Command.set(self.tax_incl.ids)],
        })
        self.env.company.write({
            "fwo_labor_increment": 15, "fwo_labor_minimum": 60, "fwo_callout_product_id": callout.id,
        })
        self.measure(20, lines_per_order=4)
