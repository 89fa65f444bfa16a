"""What only committed transactions on separate connections can show.

Each test opens real cursors (``registry.cursor()``), commits, and deletes
what it committed at the end.
"""

import uuid
from contextlib import closing

from psycopg2 import errors as pgerrors

from odoo.tests import tagged
from odoo.tools import SQL, mute_logger

from odoo.addons.field_work_order.tests.common import ConcurrencyCase


@tagged("post_install", "-at_install")
class TestSyncConcurrency(ConcurrencyCase):
    def setUp(self):
        super().setUp()
        self.admin_id = self.env.ref("base.user_admin").id
        with self.committed() as env:
            customer = env["res.partner"].create({"name": f"Sync race {uuid.uuid4().hex[:6]}"})
            orders = env["field.work.order"].create([
                {"partner_id": customer.id, "description": name} for name in ("X", "Y")
            ])
            self.customer_id, (self.x_id, self.y_id) = customer.id, orders.ids
        self.on_cleanup(self._delete)

    def _delete(self, cr):
        ids = (self.x_id, self.y_id)
        cr.execute(SQL("DELETE FROM field_work_order_sync_operation WHERE order_id IN %s", ids))
        cr.execute(SQL("DELETE FROM field_work_order_sync_tombstone WHERE order_id IN %s", ids))
        self.delete(cr, "field.work.order", ids)
        cr.execute(SQL("DELETE FROM res_partner WHERE id = %s", self.customer_id))

    def env_of(self, cr, uid=None):
        return super().env_of(cr, uid or self.admin_id)

    def pull(self, cursor):
        """Our two orders as an incremental pull from ``cursor`` delivers them, and the page.

        Other databases' transactions on the same PostgreSQL hold the snapshot's xmin back,
        so a pull may deliver an order again (at-least-once): assert on what it carries.
        """
        with closing(self.cursor()) as cr:
            page = self.env_of(cr)["field.work.order"].sync_pull(cursor=cursor, limit=1000)
            cr.rollback()
        self.assertFalse(page["has_more"])
        return {o["id"]: o for o in page["orders"] if o["id"] in (self.x_id, self.y_id)}, page

    def test_transactions_committed_out_of_order_are_not_missed(self):
        _orders, page = self.pull(False)
        cursor0 = page["cursor"]

        # T1 starts and changes X first, but commits last.
        cr1 = self.cursor()
        self.env_of(cr1)["field.work.order"].browse(self.x_id).description = "X changed by T1"
        self.env_of(cr1).flush_all()
        cr1.execute("SELECT write_date FROM field_work_order WHERE id = %s", [self.x_id])
        t1_write_date = cr1.fetchone()[0]
        # T2 changes Y and commits.
        with self.cursor() as cr2:
            self.env_of(cr2)["field.work.order"].browse(self.y_id).description = "Y changed by T2"

        # A pull now sees T2's change, not T1's (still running).
        orders, page = self.pull(cursor0)
        self.assertEqual(orders[self.y_id]["description"], "Y changed by T2")
        self.assertNotEqual(orders.get(self.x_id, {}).get("description"), "X changed by T1")
        cursor1 = page["cursor"]
        with closing(self.cursor()) as cr:
            cr.execute("SELECT now() AT TIME ZONE 'UTC'")
            pulled_at = cr.fetchone()[0]
        # This is what fools a write_date cursor: T1's stamp is older than the pull.
        self.assertLess(t1_write_date, pulled_at)

        cr1.commit()
        cr1.close()
        orders, page = self.pull(cursor1)
        self.assertEqual(orders[self.x_id]["description"], "X changed by T1")
        version = orders[self.x_id]["version"]
        # Later pulls never go back to an older version of X.
        orders, _page = self.pull(page["cursor"])
        self.assertGreaterEqual(orders.get(self.x_id, {"version": version})["version"], version)

    def op(self, op_uuid):
        return {"uuid": op_uuid, "order_id": self.x_id, "type": "note",
                "payload": {"body": "Racing"}, "base_version": 0,
                "at": "2000-01-01 00:00:00"}

    def notes(self):
        with closing(self.cursor()) as cr:
            cr.execute("SELECT count(*) FROM mail_message WHERE model = 'field.work.order' "
                       "AND res_id = %s AND message_type = 'comment'", [self.x_id])
            return cr.fetchone()[0]

    def push(self, cr, op_uuid):
        return self.env_of(cr)["field.work.order"].sync_push([self.op(op_uuid)])[0]

    @mute_logger("odoo.sql_db")  # the expected serialization failure is logged as a bad query
    def test_same_uuid_committed_by_a_concurrent_request(self):
        """The uuid row is invisible to the second transaction's snapshot: a serialization
        failure (which Odoo retries), then ``duplicate`` on the retry."""
        with self.registry.cursor() as cr:  # the device time must not precede the order
            cr.execute("UPDATE field_work_order SET create_date = '2000-01-01' WHERE id = %s",
                       [self.x_id])
        op_uuid = str(uuid.uuid4())
        second = self.cursor()
        second.execute("SELECT 1")  # its snapshot is taken now, before the first commits
        with self.cursor() as first:
            self.assertEqual(self.push(first, op_uuid)["status"], "applied")
        with self.assertRaises(pgerrors.SerializationFailure):
            self.push(second, op_uuid)
        second.rollback()
        # What Odoo's retry does: the same call in a new transaction.
        result = self.push(second, op_uuid)
        second.commit()
        self.assertEqual((result["status"], result["first_status"]), ("duplicate", "applied"))
        self.assertEqual(self.notes(), 1)

    @mute_logger("odoo.sql_db")
    def test_same_uuid_while_the_first_request_still_runs(self):
        """The second insert waits for the first transaction, then fails to serialize."""
        with self.registry.cursor() as cr:
            cr.execute("UPDATE field_work_order SET create_date = '2000-01-01' WHERE id = %s",
                       [self.x_id])
        op_uuid = str(uuid.uuid4())
        first, second = self.cursor(), self.cursor()
        second.execute("SELECT 1")
        self.assertEqual(self.push(first, op_uuid)["status"], "applied")  # not committed yet
        env2 = self.env_of(second)  # outside the thread: building it takes the registry lock
        outcome = self.start(lambda: env2["field.work.order"].sync_push([self.op(op_uuid)])[0])
        self.assertTrue(outcome.waits(1.5), "the second insert should wait for the first")
        first.commit()
        self.finish(outcome)
        self.assertIsInstance(outcome.error, pgerrors.SerializationFailure, outcome.result)
        second.rollback()
        result = self.push(second, op_uuid)
        second.commit()
        self.assertEqual(result["status"], "duplicate")
        self.assertEqual(self.notes(), 1)
