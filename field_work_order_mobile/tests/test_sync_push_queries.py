from datetime import timedelta

from odoo import fields
from odoo.tests import tagged

from .common import SyncCommon

#: Queries of a push of the day's mix (start, note, part used, checklist tick, labor) on
#: 5 and on 10 orders, as the technician: what the batch reads once (about 18), then
#: about 6.8 per operation.
PUSH_25, PUSH_50 = 187, 356


@tagged("post_install", "-at_install")
class TestSyncPushQueries(SyncCommon):
    """A push costs a fixed number of queries per operation, whatever the batch's size."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.orders = cls.env["field.work.order"].with_user(cls.dispatcher).create([{
            "partner_id": cls.customer.id, "user_id": cls.tech.id, "job_type_id": cls.job_type.id,
            "scheduled_start": "2030-01-15 09:00:00",
        } for _i in range(16)])
        cls.orders.with_user(cls.dispatcher).action_schedule()

    def setUp(self):
        super().setUp()
        self.backdate(self.orders)
        self.day = self.orders[0].create_date.replace(hour=0, minute=0, second=0)

    def t(self, hours):
        return fields.Datetime.to_string(self.day + timedelta(hours=hours))

    def day_of(self, order):
        """The bench's five operations on one order, as the app queues them."""
        return [
            self.op(order, "start", at=self.t(9)),
            self.op(order, "note", {"body": "Arrived, customer present"}, at=self.t(9.1)),
            self.op(order, "material", {"product_id": self.filter.id, "quantity": 1}, at=self.t(9.2)),
            self.op(order, "checklist", {"line_id": order.checklist_ids[0].id}, at=self.t(9.3)),
            self.op(order, "labor", {"date_start": self.t(8), "date_end": self.t(9),
                                     "description": "Travel"}, at=self.t(9.4)),
        ]

    def queries(self, orders):
        ops = [op for order in orders for op in self.day_of(order)]
        self.env.invalidate_all()
        before = self.env.cr.sql_log_count
        results = self.Order.with_user(self.tech).sync_push(ops)
        count = self.env.cr.sql_log_count - before
        self.assertEqual([r["status"] for r in results], ["applied"] * len(ops))
        self.env.invalidate_all()
        self.assertEqual(orders.mapped("state"), ["in_progress"] * len(orders))
        self.assertEqual(sum(orders.material_ids.mapped("quantity_used")), len(orders))
        self.assertEqual(len(orders.labor_ids.filtered(lambda line: line.description == "Travel")),
                         len(orders))
        self.assertEqual(self.env["field.work.order.sync.operation"].search_count(
            [("order_id", "in", orders.ids), ("status", "=", "applied")]), len(ops))
        return count

    def test_queries_per_operation_are_constant(self):
        self.queries(self.orders[:1])  # warm up caches (rules, fields, groups)
        small, large = self.queries(self.orders[1:6]), self.queries(self.orders[6:16])
        self.assertEqual((small, large), (PUSH_25, PUSH_50))
