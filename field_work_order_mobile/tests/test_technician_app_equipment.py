"""Issue #21's path on a phone: the customer's unit found by its serial, its history and
warranty; readings recorded (one out of range); a unit found on site added; a part and a
photo tagged to units; the job completed."""

from datetime import date, timedelta

from odoo import fields
from odoo.fields import Command
from odoo.tests import HttpCase, new_test_user, tagged

from odoo.addons.field_work_order.tests.common import at, print_without_delay


@tagged("post_install", "-at_install")
class TestTechnicianAppEquipment(HttpCase):
    browser_size = "360x640"
    touch_enabled = True

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        # wkhtmltopdf fetches the report's CSS from this test's server.
        cls.env["ir.config_parameter"].sudo().set_param("report.url", cls.base_url())
        print_without_delay(cls.env)
        cls.env.company.write({"fwo_signature_required": False, "fwo_invoice_at_completion": False})
        cls.tech = new_test_user(
            cls.env, "equipment_tech", groups="base.group_user,field_work_order.group_technician",
            name="Equipment Technician",
        )
        dispatcher = new_test_user(
            cls.env, "equipment_dispatcher",
            groups="base.group_user,field_work_order.group_dispatcher", name="Equipment Dispatcher",
        )
        cls.tech.action_fwo_create_van()
        Product = cls.env["product.product"]
        cls.motor = Product.create({"name": "Tour Fan Motor", "type": "consu"})
        capacitor = Product.create({"name": "Tour Capacitor", "type": "consu"})
        cls.job_type = cls.env["field.work.order.job.type"].create({
            "name": "Refrigeration service",
            "reading_ids": [
                Command.create({"name": "Suction pressure", "uom": "psi", "sequence": 1,
                                "min_value": 60, "max_value": 80}),
                Command.create({"name": "Supply air", "uom": "°C", "sequence": 2,
                                "min_value": 12, "max_value": 16}),
            ],
        })
        cls.customer = cls.env["res.partner"].create({
            "name": "Greenleaf Tour Bakery", "is_company": True, "street": "12 Mill Lane",
            "city": "Springfield",
        })
        today = fields.Date.context_today(cls.env["res.users"])
        cls.condenser = cls.env["field.work.order.equipment"].create({
            "name": "Rooftop condenser", "partner_id": cls.customer.id,
            "service_partner_id": cls.customer.id, "serial_number": "C-4471",
            "location_note": "Roof, east side", "install_date": date(2021, 5, 3),
            "warranty_end": today + timedelta(days=120),
        })
        Order = cls.env["field.work.order"].with_user(dispatcher)
        # Its last visit: a pressure out of range and a capacitor replaced.
        past = Order.create({
            "partner_id": cls.customer.id, "job_type_id": cls.job_type.id, "user_id": cls.tech.id,
            "scheduled_start": fields.Datetime.now() - timedelta(days=60),
            "equipment_ids": [Command.set(cls.condenser.ids)],
            "material_ids": [Command.create({"product_id": capacitor.id, "product_uom_qty": 1})],
        })
        past.action_schedule()
        # Device times come after the order's last status change (just now).
        started = fields.Datetime.now() + timedelta(minutes=1)
        past.with_user(cls.tech).with_context(**at(started)).action_start()
        past.with_env(cls.env).material_ids.write({"quantity_used": 1, "equipment_id": cls.condenser.id})
        cls.env["field.work.order.reading"].create({
            "equipment_id": cls.condenser.id, "work_order_id": past.id,
            "definition_id": cls.job_type.reading_ids[0].id, "value": 84, "taken_on": started,
        })
        past.with_user(cls.tech).with_context(**at(started + timedelta(hours=1))).action_complete()
        cls.past = past
        cls.order = Order.create({
            "partner_id": cls.customer.id, "job_type_id": cls.job_type.id, "user_id": cls.tech.id,
            "description": "Cooler warm in the afternoons.",
            "scheduled_start": fields.Datetime.now() - timedelta(minutes=5),
            "equipment_ids": [Command.set(cls.condenser.ids)],
            "material_ids": [Command.create({"product_id": cls.motor.id, "product_uom_qty": 1})],
        })
        cls.order.action_schedule()
        cls.order.with_user(cls.tech).action_start()

    def test_units_readings_and_tags_on_a_phone(self):
        self.start_tour("/field-service", "field_work_order_mobile_equipment", login="equipment_tech")

        order = self.env["field.work.order"].browse(self.order.id)  # as the test's admin
        order.invalidate_recordset()
        self.assertEqual(order.state, "done")
        ops = self.env["field.work.order.sync.operation"].search([("order_id", "=", order.id)], order="id")
        self.assertEqual(ops.mapped("type"),
                         ["reading", "reading", "equipment_add", "material", "photo", "complete"])
        self.assertEqual(set(ops.mapped("status")), {"applied"})

        # Exactly the two readings of the phone, the pressure out of range.
        readings = self.env["field.work.order.reading"].search([("work_order_id", "=", order.id)])
        self.assertEqual(
            sorted((r.equipment_id, r.name, r.value, r.uom, r.out_of_range) for r in readings),
            sorted([(self.condenser, "Suction pressure", 95.0, "psi", True),
                    (self.condenser, "Supply air", 14.0, "°C", False)]),
        )
        self.assertEqual(readings.definition_id, self.job_type.reading_ids)

        # The unit found on site: the customer's, at the site, on the order, added by the technician.
        new = self.env["field.work.order.equipment"].search([("serial_number", "=", "EV-2090")])
        self.assertEqual(len(new), 1)
        self.assertEqual(
            (new.name, new.partner_id, new.service_partner_id, new.location_note, new.create_uid),
            ("Walk-in freezer evaporator", self.customer, self.customer, "Back room", self.tech),
        )
        self.assertFalse(new.warranty_end)
        self.assertEqual(ops.filtered(lambda op: op.type == "equipment_add").res_id, new.id)
        self.assertEqual(order.equipment_ids, self.condenser | new)
        self.assertEqual(
            self.env["field.work.order.equipment"].search_count(
                [("service_partner_id", "=", self.customer.id)]), 2)

        # The tags: the fan motor (the planned line, used once) in the new unit; the photo of the condenser.
        self.assertEqual(
            [(m.product_id, m.product_uom_qty, m.quantity_used, m.equipment_id) for m in order.material_ids],
            [(self.motor, 1.0, 1.0, new)],
        )
        self.assertEqual(len(order.photo_ids), 1)
        self.assertEqual(order.photo_ids.equipment_id, self.condenser)

        # The unit's history now holds both visits.
        self.assertEqual(self.condenser.order_ids, self.past | order)

        # The service report renders (real wkhtmltopdf) with the readings of the visit.
        report = self.env.ref("field_work_order.field_work_order_action_report_service")
        Report = self.env["ir.actions.report"].with_context(force_report_rendering=True)
        pdf, kind = Report._render_qweb_pdf(report, order.ids)
        self.assertEqual(kind, "pdf")
        self.assertTrue(pdf.startswith(b"%PDF"))
        html = Report._render_qweb_html(report, order.ids)[0].decode()
        self.assertIn(order.name, html)
        # The work per unit: a section for each of the two units, one reading marked out of range.
        self.assertIn("Walk-in freezer evaporator", html)
        self.assertIn(self.condenser.name, html)
        self.assertEqual(html.count("fwo_reading fwo_out_of_range"), 1)
        self.assertEqual(html.count("fwo_out_of_range_label"), 1)
