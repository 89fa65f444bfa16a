"""Two devices collecting the same payment in two real transactions: one payment.

The data is committed (real cursors, ``registry.cursor()``) and deleted at the end.
"""

import uuid

import psycopg2

from odoo.tests import tagged
from odoo.tools import SQL, mute_logger

from .common import ConcurrencyCase


@tagged("post_install", "-at_install")
class TestWorkOrderPaymentConcurrency(ConcurrencyCase):
    def setUp(self):
        super().setUp()
        with self.committed() as env:
            tag = uuid.uuid4().hex[:6]
            company = env.company
            self.journal_before = company.fwo_onsite_journal_id.id
            company.fwo_onsite_journal_id = env["account.journal"].search([
                ("type", "=", "cash"), ("company_id", "=", company.id)], limit=1)
            customer = env["res.partner"].create({"name": f"Payment race {tag}", "is_company": True})
            product = env["product.product"].create({
                "name": f"Race part {tag}", "type": "consu", "list_price": 80.0, "taxes_id": [],
            })
            order = env["field.work.order"].create({
                "partner_id": customer.id,
                "material_ids": [(0, 0, {"product_id": product.id, "quantity_used": 1})],
            })
            order._set_state({"state": "done", "date_completed": "2030-01-15 12:00:00"})
            invoice = order._create_invoices(grouped=True)
            invoice.action_post()
            self.company_id, self.partner_id, self.order_id = company.id, customer.id, order.id
            self.template_id, self.invoice_id = product.product_tmpl_id.id, invoice.id
            self.uid = env.ref("base.user_admin").id  # a dispatcher
        self.on_cleanup(self._delete)

    def _delete(self, cr):
        cr.execute(SQL("SELECT id, move_id FROM account_payment WHERE fwo_order_id = %s", self.order_id))
        rows = cr.fetchall()
        payment_ids = tuple(row[0] for row in rows) or (0,)
        move_ids = (self.invoice_id, *(row[1] for row in rows if row[1]))
        cr.execute(SQL("SELECT id, full_reconcile_id FROM account_move_line WHERE move_id IN %s", move_ids))
        lines = cr.fetchall()
        line_ids = tuple(row[0] for row in lines)
        full_ids = tuple({row[1] for row in lines if row[1]}) or (0,)
        cr.execute(SQL("DELETE FROM account_partial_reconcile WHERE debit_move_id IN %s "
                       "OR credit_move_id IN %s", line_ids, line_ids))
        cr.execute(SQL("UPDATE account_move_line SET full_reconcile_id = NULL WHERE id IN %s", line_ids))
        cr.execute(SQL("DELETE FROM account_full_reconcile WHERE id IN %s", full_ids))
        cr.execute(SQL("DELETE FROM account_move_line WHERE move_id IN %s", move_ids))
        cr.execute(SQL("UPDATE account_move SET origin_payment_id = NULL WHERE id IN %s", move_ids))
        self.delete(cr, "account.payment", payment_ids)
        self.delete(cr, "account.move", move_ids)
        self.delete(cr, "field.work.order", [self.order_id])
        cr.execute(SQL("DELETE FROM product_template WHERE id = %s", self.template_id))
        cr.execute(SQL("DELETE FROM account_payment_register WHERE partner_id = %s", self.partner_id))
        self.delete(cr, "res.partner", [self.partner_id])
        cr.execute(SQL("UPDATE res_company SET fwo_onsite_journal_id = %s WHERE id = %s",
                       self.journal_before or None, self.company_id))

    def collect(self, env):
        """A payment as RPC runs it: again after a serialization failure, on a fresh snapshot."""
        order = env["field.work.order"].browse(self.order_id)
        for _attempt in range(3):
            try:
                with mute_logger("odoo.sql_db"):
                    return order.action_collect_payment(80.0, "cash", "")
            except psycopg2.errors.SerializationFailure:
                env.cr.rollback()
                env.transaction.clear()
        raise AssertionError("three serialization failures in a row")

    def test_two_devices_collect_at_once(self):
        outcomes = self.run_parallel([self.collect, self.collect], uid=self.uid)
        results = sorted((bool(o.error), str(o.error or o.result)) for o in outcomes)
        self.assertEqual(results[0], (False, "True"))
        self.assertRegex(results[1][1], r"already paid: nothing is due")
        with self.registry.cursor() as cr:
            cr.execute(SQL("SELECT amount FROM account_payment WHERE fwo_order_id = %s", self.order_id))
            self.assertEqual([float(row[0]) for row in cr.fetchall()], [80.0])
            cr.execute(SQL("SELECT amount_residual, payment_state FROM account_move WHERE id = %s",
                           self.invoice_id))
            self.assertEqual(cr.fetchone(), (0.0, "paid"))
