import ast
import re
from datetime import datetime

from odoo.exceptions import AccessError, ValidationError
from odoo.tests import Form, tagged

from .common import WorkOrderCommon


@tagged("post_install", "-at_install")
class TestWorkOrderDoubleBooking(WorkOrderCommon):
    def book(self, start, end, **vals):
        return self.create_order(scheduled_start=start, scheduled_end=end, job_type_id=False, **vals)

    def test_overlapping_slots_warn_both_orders(self):
        # Times in the reader's time zone and language (these users: UTC, English).
        first = self.book("2030-01-15 09:00:00", "2030-01-15 11:00:00")
        second = self.book("2030-01-15 10:00:00", "2030-01-15 12:00:00")
        self.assertEqual(
            first.overlap_warning,
            f"Terry Tech also booked on {second.name} (01/15/2030 10:00:00 - 01/15/2030 12:00:00)",
        )
        self.assertEqual(
            second.overlap_warning,
            f"Terry Tech also booked on {first.name} (01/15/2030 09:00:00 - 01/15/2030 11:00:00)",
        )
        # Readable by the technician too, over the same field.
        self.assertEqual(
            first.with_user(self.tech).overlap_warning, first.overlap_warning
        )

    def test_only_shared_technicians_are_named(self):
        first = self.book(
            "2030-01-15 09:00:00", "2030-01-15 11:00:00", technician_ids=[(4, self.tech2.id)]
        )
        second = self.book("2030-01-15 10:30:00", "2030-01-15 11:30:00", user_id=self.tech2.id)
        self.assertEqual(
            second.overlap_warning,
            f"Tess Tech also booked on {first.name} (01/15/2030 09:00:00 - 01/15/2030 11:00:00)",
        )
        self.assertEqual(
            first.overlap_warning,
            f"Tess Tech also booked on {second.name} (01/15/2030 10:30:00 - 01/15/2030 11:30:00)",
        )

    def test_no_warning_for_touching_slots_or_other_technicians(self):
        first = self.book("2030-01-15 09:00:00", "2030-01-15 11:00:00")
        touching = self.book("2030-01-15 11:00:00", "2030-01-15 12:00:00")
        other_tech = self.book("2030-01-15 09:30:00", "2030-01-15 10:30:00", user_id=self.tech2.id)
        self.assertEqual((first | touching | other_tech).mapped("overlap_warning"), [False] * 3)

    def test_closed_orders_do_not_count(self):
        first = self.book("2030-01-15 09:00:00", "2030-01-15 11:00:00")
        other = self.order_in_state("cancelled", scheduled_start="2030-01-15 10:00:00")
        self.assertFalse(first.overlap_warning)
        self.assertFalse(other.overlap_warning)

        done = self.order_in_state("done", scheduled_start="2030-01-15 10:00:00")
        first.invalidate_recordset(["overlap_warning"])
        self.assertFalse(first.overlap_warning)
        self.assertFalse(done.overlap_warning)

        # Reopening the cancelled one brings the warning back.
        other.with_user(self.dispatcher).action_reset_draft()
        first.invalidate_recordset(["overlap_warning"])
        self.assertRegex(first.overlap_warning, rf"^Terry Tech also booked on {re.escape(other.name)} ")

    def test_schedule_posts_a_double_booking_note(self):
        first = self.book("2030-01-15 09:00:00", "2030-01-15 11:00:00")
        second = self.book("2030-01-15 10:00:00", "2030-01-15 12:00:00")
        self.assertIs(second.action_schedule(), True)
        note = second.message_ids.filtered(lambda m: "Double booking" in str(m.body))
        self.assertEqual(len(note), 1)
        self.assertEqual(
            str(note.body),
            f"<p>Double booking: Terry Tech also booked on {first.name} "
            "(01/15/2030 09:00:00 - 01/15/2030 11:00:00)</p>",
        )
        self.assertEqual(note.subtype_id, self.env.ref("mail.mt_note"))
        self.assertEqual(second.state, "scheduled")

        lone = self.book("2030-01-16 09:00:00", "2030-01-16 11:00:00")
        lone.action_schedule()
        self.assertFalse(lone.message_ids.filtered(lambda m: "Double booking" in str(m.body)))


@tagged("post_install", "-at_install")
class TestWorkOrderJobType(WorkOrderCommon):
    def test_defaults_copied_on_create(self):
        order = self.create_order()
        self.assertEqual(
            [(line.name, line.required) for line in order.checklist_ids],
            [("Check thermostat", True), ("Clean vents", False)],
        )
        self.assertEqual(
            [(m.product_id, m.product_uom_qty, m.quantity_used, m.product_uom_id)
             for m in order.material_ids],
            [(self.filter, 2.0, 0.0, self.filter.uom_id)],
        )
        self.assertEqual(order.scheduled_end, datetime(2030, 1, 15, 11, 0))
        # The template is copied, not shared.
        order.checklist_ids[0].name = "Check thermostat and wiring"
        self.assertEqual(self.job_type.checklist_template_ids[0].name, "Check thermostat")

    def test_choosing_a_job_type_sets_the_planned_duration(self):
        long_job = self.env["field.work.order.job.type"].create({"name": "Overhaul", "planned_hours": 3.5})
        form = Form(self.env["field.work.order"].with_user(self.dispatcher))
        form.partner_id = self.customer
        form.scheduled_start = datetime(2030, 1, 15, 9, 0)
        form.job_type_id = self.job_type
        self.assertEqual(form.scheduled_end, datetime(2030, 1, 15, 11, 0))
        form.job_type_id = long_job
        self.assertEqual(form.scheduled_end, datetime(2030, 1, 15, 12, 30))
        self.assertEqual(form.save().scheduled_end, datetime(2030, 1, 15, 12, 30))

    def test_the_customer_field_offers_customers_not_staff(self):
        domain = ast.literal_eval(self.env["field.work.order"]._fields["partner_id"].domain)
        offered = self.env["res.partner"].with_user(self.dispatcher).search(domain)
        self.assertIn(self.customer, offered)
        staff = (self.dispatcher | self.tech | self.tech2 | self.accountant).partner_id
        self.assertFalse(offered & staff)

    def test_explicit_lines_are_kept(self):
        order = self.create_order(
            checklist_ids=[(0, 0, {"name": "Read the meter", "required": True})],
            scheduled_end="2030-01-15 15:00:00",
        )
        self.assertEqual(order.checklist_ids.mapped("name"), ["Read the meter"])
        self.assertEqual(order.material_ids.product_id, self.filter)
        self.assertEqual(order.scheduled_end, datetime(2030, 1, 15, 15, 0))

    def test_without_job_type_one_hour_slot(self):
        order = self.create_order(job_type_id=False)
        self.assertFalse(order.checklist_ids)
        self.assertFalse(order.material_ids)
        self.assertEqual(order.scheduled_end, datetime(2030, 1, 15, 10, 0))

    def test_schedule_bad_input(self):
        order = self.create_order()
        with self.assertRaisesRegex(
            ValidationError,
            rf"^{re.escape(order.name)}: the scheduled end is before the scheduled start\.$",
        ):
            order.with_user(self.dispatcher).scheduled_end = "2030-01-15 08:00:00"
        self.assertEqual(order.scheduled_end, datetime(2030, 1, 15, 11, 0))

        vendor = self.env["res.partner"].create({"name": "Cool Air Ltd", "is_company": True})
        with self.assertRaisesRegex(
            ValidationError,
            rf"^{re.escape(order.name)}: assign either technicians or a subcontractor, not both\.$",
        ):
            order.with_user(self.dispatcher).subcontractor_id = vendor
        self.assertFalse(order.subcontractor_id)

        with self.assertRaisesRegex(ValidationError, "cannot be negative"):
            self.job_type.material_ids.product_uom_qty = -1


@tagged("post_install", "-at_install")
class TestWorkOrderServiceHistory(WorkOrderCommon):
    def test_technician_sees_history_without_reading_the_records(self):
        past = self.order_in_state("done", user_id=self.tech2.id, service_partner_id=self.site.id)
        self.order_in_state("cancelled", service_partner_id=self.site.id)
        elsewhere = self.order_in_state("done", user_id=self.tech2.id)  # at the customer's main address
        current = self.order_in_state("scheduled", service_partner_id=self.site.id)

        history = str(current.with_user(self.tech).service_history)
        self.assertIn(f"<td>{past.name}</td><td>2030-01-15</td><td>HVAC Repair</td><td>Done</td>", history)
        self.assertNotIn(elsewhere.name, history)
        self.assertEqual(history.count("<tr>"), 3)  # header, the done and the cancelled order
        with self.assertRaises(AccessError):
            past.with_user(self.tech).read(["name"])

    def test_history_escapes_what_users_typed(self):
        job_type = self.env["field.work.order.job.type"].create({"name": "<img src=x onerror=alert(1)>"})
        self.order_in_state("done", job_type_id=job_type.id, service_partner_id=self.site.id)
        current = self.create_order(service_partner_id=self.site.id)
        history = str(current.with_user(self.tech).service_history)
        self.assertIn("<td>&lt;img src=x onerror=alert(1)&gt;</td>", history)
        self.assertNotIn("<img", history)

    def test_dispatcher_smart_button_counts(self):
        for _i in range(3):
            self.create_order(service_partner_id=self.site.id)
        order = self.create_order()
        at_site = self.create_order(service_partner_id=self.site.id).with_user(self.dispatcher)
        self.assertEqual((at_site.service_order_count, at_site.partner_order_count), (4, 5))
        as_dispatcher = order.with_user(self.dispatcher)
        self.assertEqual((as_dispatcher.service_order_count, as_dispatcher.partner_order_count), (1, 5))
        action = at_site.action_view_service_history()
        self.assertEqual(action["domain"], [("service_partner_id", "=", self.site.id)])
        self.assertEqual(
            self.env["field.work.order"].with_user(self.dispatcher).search_count(action["domain"]), 4
        )
