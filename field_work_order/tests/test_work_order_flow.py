from datetime import datetime

from odoo.exceptions import AccessError, UserError
from odoo.tests import tagged

from .common import WorkOrderCommon, at


@tagged("post_install", "-at_install")
class TestWorkOrderFlow(WorkOrderCommon):
    def test_full_lifecycle(self):
        order = self.create_order()
        self.assertRegex(order.name, r"^WO/\d{4}/\d{5}$")
        self.assertEqual(order.service_partner_id, self.customer)
        self.assertEqual(order.technician_ids, self.tech)
        self.assertEqual(order.scheduled_end, datetime(2030, 1, 15, 11, 0))
        self.assertEqual(order.checklist_ids.mapped("name"), ["Check thermostat", "Clean vents"])
        self.assertEqual(order.material_ids.product_uom_qty, 2.0)

        self.assertIs(order.action_schedule(), True)
        self.assertEqual(order.state, "scheduled")

        as_tech = order.with_user(self.tech)
        as_tech.with_context(**at("2030-01-15 09:05:00")).action_start()
        self.assertEqual(order.state, "in_progress")
        self.assertEqual(order.date_started, datetime(2030, 1, 15, 9, 5))
        self.assertEqual(len(order.labor_ids), 1)

        as_tech.with_context(**at("2030-01-15 10:05:00")).action_hold()
        self.assertEqual(order.labor_ids.duration, 1.0)
        as_tech.with_context(**at("2030-01-15 10:35:00")).action_resume()
        self.assertEqual(len(order.labor_ids), 2)

        with self.assertRaisesRegex(UserError, "Check thermostat"):
            as_tech.action_complete()
        as_tech.checklist_ids.filtered("required").done = True
        self.assertEqual(order.checklist_ids.filtered("required").done_by, self.tech)
        as_tech.with_context(**at("2030-01-15 11:05:00")).action_complete()
        self.assertEqual(order.state, "done")
        self.assertEqual(order.labor_hours, 1.5)
        self.assertFalse(order.labor_ids.filtered(lambda line: not line.date_end))

        with self.assertRaises(AccessError):
            as_tech.action_verify()
        order.with_user(self.dispatcher).action_verify()
        self.assertEqual(order.state, "verified")
        self.assertTrue(order.date_verified)

    def test_illegal_transition_is_refused(self):
        order = self.create_order()
        with self.assertRaisesRegex(UserError, "Cannot start"):
            order.action_start()
        self.assertEqual(order.state, "draft")
