"""Two verifications of one subcontracted order in two real transactions: one vendor bill.

The data is committed (real cursors, ``registry.cursor()``) and deleted at the end.
"""

import uuid

import psycopg2

from odoo.tests import tagged
from odoo.tools import SQL, mute_logger

from .common import ConcurrencyCase


@tagged("post_install", "-at_install")
class TestSubcontractConcurrency(ConcurrencyCase):
    def setUp(self):
        super().setUp()
        with self.committed() as env:
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
        self.on_cleanup(self._delete)

    def _delete(self, cr):
        cr.execute(SQL("SELECT id FROM account_move WHERE fwo_subcontract_order_id = %s",
                       self.order_id))
        self.delete(cr, "account.move", [row[0] for row in cr.fetchall()])
        self.delete(cr, "field.work.order", [self.order_id])
        self.delete(cr, "res.partner", self.partner_ids)

    def order_in(self, cr):
        return self.env_of(cr)["field.work.order"].browse(self.order_id)

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
        second = self.cursor()
        second.execute("SET LOCAL lock_timeout = '20s'")
        order = self.order_in(second)  # outside the thread: it takes the registry lock

        def second_verify():
            with second, mute_logger("odoo.sql_db"):
                order.action_verify()  # waits on the first's row lock

        outcome = self.start(second_verify)
        self.assertTrue(outcome.waits(1.0), "the second verification should wait for the first")
        first.commit()
        self.finish(outcome)
        # Odoo retries the request: it then finds the order verified.
        self.assertIsInstance(outcome.error, psycopg2.errors.SerializationFailure)
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
