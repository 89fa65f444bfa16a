"""The sync API under the permission policy, over the real XML-RPC route, as the real users.

The context keys this addon reads unlock nothing, device times are checked for
every caller, and the technician's whole job works through ``sync_push``. The
core's refusals are in field_work_order/tests/test_policy_rpc.py.
"""

from datetime import timedelta

from odoo import fields
from odoo.tests import tagged

from odoo.addons.field_work_order.tests.policy_common import PolicyRpcCase, context_keys_read_by

from .common import SyncCommon


@tagged("post_install", "-at_install")
class TestSyncPolicyRpc(SyncCommon, PolicyRpcCase):
    def test_context_keys_of_the_addons_unlock_nothing(self):
        """Every key both addons read, with a flag and a date value, as the assigned technician."""
        keys = sorted({*context_keys_read_by("field_work_order"),
                       *context_keys_read_by("field_work_order_mobile")})
        # The search must find the keys this test is about (so a broken regex fails here).
        self.assertTrue({"fwo_device_time", "fwo_trusted"} <= set(keys), keys)
        self.check_context_keys_unlock_nothing(keys, more_writes=[{"sync_version": 0}])

    def test_device_time_is_checked_for_every_caller(self):
        order = self.order_in_state("scheduled")
        self.backdate(order)
        future = self.at(timedelta(hours=1))
        early = fields.Datetime.to_string(order.create_date - timedelta(days=1))
        results = self.rpc(self.tech, "field.work.order", "sync_push", [[
            self.op(order, "start", at=future), self.op(order, "start", at=early),
        ]])
        self.assertEqual([r["status"] for r in results], ["error", "error"])
        self.assertIn(f"{future} is in the future", results[0]["message"])
        self.assertIn(f"{early} is before {order.name} was created", results[1]["message"])
        # Dispatched (scheduled) one hour ago: a start dated before that is refused too.
        self.env.cr.execute(
            "UPDATE field_work_order SET date_last_state_update = %s WHERE id = %s",
            (fields.Datetime.now() - timedelta(hours=1), order.id),
        )
        self.env.invalidate_all()
        before_dispatch = self.at(timedelta(hours=-2))
        result, = self.rpc(self.tech, "field.work.order", "sync_push", [[
            self.op(order, "start", at=before_dispatch)]])
        self.assertEqual(result["status"], "error")
        self.assertIn(f"{before_dispatch} is before the last status change", result["message"])
        self.assertEqual((order.state, len(order.labor_ids)), ("scheduled", 0))
        started = self.at(timedelta(minutes=-30))
        result, = self.rpc(self.tech, "field.work.order", "sync_push", [[
            self.op(order, "start", at=started)]])
        self.assertEqual(result["status"], "applied")
        self.assertEqual(fields.Datetime.to_string(order.date_started), started)
        self.assertEqual(fields.Datetime.to_string(order.labor_ids.date_start), started)

    def test_technician_does_the_job_through_sync_push(self):
        order = self.order_in_state("scheduled")
        self.backdate(order)
        lines = order.checklist_ids
        times = [self.at(timedelta(minutes=m)) for m in (-50, -40, -30, -20, -10)]
        ops = [
            self.op(order, "start", at=times[0]),
            self.op(order, "material", {"product_id": self.filter.id, "quantity": 2}, at=times[1]),
            *[self.op(order, "checklist", {"line_id": line.id, "done": True}, at=times[1])
              for line in lines],
            self.op(order, "photo", {"kind": "after", "image": self.png}, at=times[2]),
            self.op(order, "signature", {"image": self.png, "signed_by": "Zoë"}, at=times[3]),
            self.op(order, "set", {"fields": {"unit_number": "7"}}, at=times[3]),
            self.op(order, "complete", at=times[4]),
        ]
        results = self.rpc(self.tech, "field.work.order", "sync_push", [ops])
        self.assertEqual([r["status"] for r in results], ["applied"] * len(ops), results)
        self.assertEqual(order.state, "done")
        self.assertEqual(fields.Datetime.to_string(order.date_started), times[0])
        self.assertEqual(fields.Datetime.to_string(order.date_completed), times[4])
        self.assertEqual(order.material_ids.quantity_used, 2)
        self.assertEqual(fields.Datetime.to_string(lines[0].done_on), times[1])
        self.assertEqual((len(order.photo_ids), order.signed_by, order.unit_number),
                         (1, "Zoë", "7"))
        self.assertAlmostEqual(order.labor_ids.duration, 40 / 60, places=4)
        # Fields outside the site list cannot be set from the app.
        result, = self.rpc(self.tech, "field.work.order", "sync_push", [[
            self.op(order, "set", {"fields": {"billable": False}})]])
        self.assertEqual(result["status"], "error")
        self.assertIn("cannot be set from the app", result["message"])
        self.assertTrue(order.billable)
