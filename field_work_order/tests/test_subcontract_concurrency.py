"""Two verifications of one subcontracted order in two real transactions: one vendor bill.

The data is committed (real cursors, ``registry.cursor()``) and deleted at the end.
"""

import threading
import uuid

import psycopg2

from odoo import SUPERUSER_ID, api
from odoo.tests import TransactionCase, tagged
from odoo.tools import SQL, mute_logger


@tagged("post_install", "-at_install")
class TestSubcontractConcurrency(TransactionCase):
    def setUp(self):
        super().setUp()
        self.cursors = []
        with self.registry.cursor() as cr:
            env = api.Environment(cr, SUPERUSER_ID, {})
            tag = uuid.uuid4().hex[:6]
            customer = env["res.partner"].create({"name": f"Bill race {tag}", "is_company": True})
            vendor = env["res.partner"].create({"name": f"Vendor race {tag}", "is_company": True})
            order = env["field.work.order"].create({
                "partner_id": customer.id, "subcontractor_id": vendor.id,
                "subcontract_price": 300.0, "scheduled_start": "2030-01-15 09:00:00",
            })
            order.action_subcontract_accept()
            order.action_schedule()
            order.action_start()
            order.action_complete()
            self.partner_ids, self.order_id = [customer.id, vendor.id], order.id
        self.addCleanup(self._cleanup)

    def _cleanup(self):
        for cr in self.cursors:
            if not cr.closed:
                cr.rollback()
                cr.close()
        with self.registry.cursor() as cr:
            cr.execute(SQL("SELECT id FROM account_move WHERE fwo_subcontract_order_id = %s",
                           self.order_id))
            bill_ids = tuple(row[0] for row in cr.fetchall()) or (0,)
            for model, ids in (("field.work.order", (self.order_id,)), ("account.move", bill_ids)):
                cr.execute(SQL("DELETE FROM mail_followers WHERE res_model = %s AND res_id IN %s",
                               model, ids))
                cr.execute(SQL("DELETE FROM mail_message WHERE model = %s AND res_id IN %s",
                               model, ids))
            cr.execute(SQL("DELETE FROM account_move WHERE id IN %s", bill_ids))
            cr.execute(SQL("DELETE FROM field_work_order WHERE id = %s", self.order_id))
            cr.execute(SQL("DELETE FROM res_partner WHERE id IN %s", tuple(self.partner_ids)))

    def cursor(self):
        cr = self.registry.cursor()
        self.cursors.append(cr)
        return cr

    def order_in(self, cr):
        return api.Environment(cr, SUPERUSER_ID, {})["field.work.order"].browse(self.order_id)

    def committed_bills(self):
        with self.registry.cursor() as cr:
            cr.execute(SQL(
                "SELECT move_type, state, amount_untaxed FROM account_move "
                "WHERE fwo_subcontract_order_id = %s", self.order_id,
            ))
            return cr.fetchall()

    def test_two_verifications_at_once(self):
        first = self.cursor()
        self.order_in(first).action_verify()  # not committed yet
        result = {}
        second = self.cursor()
        second.execute("SET LOCAL lock_timeout = '20s'")
        order = self.order_in(second)  # outside the thread: it takes the registry lock

        def second_verify():
            try:
                with second, mute_logger("odoo.sql_db"):
                    order.action_verify()  # waits on the first's row lock
            except psycopg2.errors.SerializationFailure as exc:
                result["error"] = exc  # Odoo retries the request: it then finds the order verified

        thread = threading.Thread(target=second_verify)
        thread.start()
        thread.join(1.0)
        self.assertTrue(thread.is_alive(), "the second verification should wait for the first")
        first.commit()
        thread.join(30)
        self.assertFalse(thread.is_alive())
        self.assertIsInstance(result.get("error"), psycopg2.errors.SerializationFailure)
        self.assertEqual(self.committed_bills(), [("in_invoice", "draft", 300.0)])

    def test_verification_on_an_older_snapshot(self):
        late = self.cursor()
        late.execute("SELECT 1")  # its snapshot is taken now, before the other one commits
        with self.cursor() as first:
            self.order_in(first).action_verify()
        with self.assertRaises(psycopg2.errors.SerializationFailure), mute_logger("odoo.sql_db"):
            self.order_in(late).action_verify()
        late.rollback()
        self.assertEqual(self.committed_bills(), [("in_invoice", "draft", 300.0)])
