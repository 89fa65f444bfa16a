import re
from datetime import datetime

from freezegun import freeze_time

from odoo.exceptions import UserError, ValidationError
from odoo.tests import tagged

from .common import PNG, WorkOrderCommon, at


@tagged("post_install", "-at_install")
class TestWorkOrderLabor(WorkOrderCommon):
    def test_start_hold_resume_complete_log_labor(self):
        order = self.order_in_state("scheduled")
        as_tech = order.with_user(self.tech)

        as_tech.with_context(**at("2030-01-15 09:00:00")).action_start()
        self.assertEqual(len(order.labor_ids), 1)
        first = order.labor_ids
        self.assertEqual(first.user_id, self.tech)
        self.assertEqual(first.date_start, datetime(2030, 1, 15, 9, 0))
        self.assertFalse(first.date_end)

        as_tech.with_context(**at("2030-01-15 10:15:00")).action_hold()
        self.assertEqual(first.date_end, datetime(2030, 1, 15, 10, 15))
        self.assertEqual(first.duration, 1.25)

        as_tech.with_context(**at("2030-01-15 10:45:00")).action_resume()
        self.assertEqual(len(order.labor_ids), 2)
        second = order.labor_ids - first
        self.assertEqual(second.user_id, self.tech)
        self.assertEqual(second.date_start, datetime(2030, 1, 15, 10, 45))
        self.assertFalse(second.date_end)

        as_tech.checklist_ids.filtered("required").done = True
        as_tech.with_context(**at("2030-01-15 11:30:00")).action_complete()
        self.assertEqual(second.date_end, datetime(2030, 1, 15, 11, 30))
        self.assertEqual(second.duration, 0.75)
        self.assertEqual(order.labor_hours, 2.0)

    def test_helper_technician_and_one_open_line_per_user(self):
        order = self.order_in_state("scheduled", technician_ids=[(4, self.tech2.id)])
        self.assertEqual(order.technician_ids, self.tech | self.tech2)
        as_helper = order.with_user(self.tech2).with_context(**at("2030-01-15 09:00:00"))
        self.assertIs(as_helper.action_start(), True)
        self.assertEqual(order.labor_ids.user_id, self.tech2)

        # The lead joins later and logs his own time by hand (hand-typed times may not be
        # in the future: the clock is set to after them).
        Labor = self.env["field.work.order.labor"].with_user(self.tech)
        clock = freeze_time("2030-01-15 12:00:00")
        clock.start()
        self.addCleanup(clock.stop)
        lead_line = Labor.create({
            "work_order_id": order.id, "user_id": self.tech.id, "date_start": "2030-01-15 09:30:00",
        })
        self.assertEqual(len(order.labor_ids.filtered(lambda line: not line.date_end)), 2)
        message = f"Terry Tech already has an open labor line on {order.name}."
        with self.assertRaisesRegex(ValidationError, f"^{re.escape(message)}$"):
            Labor.create({
                "work_order_id": order.id, "user_id": self.tech.id,
                "date_start": "2030-01-15 09:40:00",
            })
        # Reopening a closed line while another is open is refused the same way.
        closed = Labor.create({
            "work_order_id": order.id, "user_id": self.tech.id,
            "date_start": "2030-01-15 08:00:00", "date_end": "2030-01-15 08:30:00",
        })
        with self.assertRaisesRegex(ValidationError, f"^{re.escape(message)}$"):
            closed.date_end = False

        as_helper.checklist_ids.filtered("required").done = True
        as_helper.with_context(**at("2030-01-15 11:00:00")).action_complete()
        self.assertFalse(order.labor_ids.filtered(lambda line: not line.date_end))
        self.assertEqual(lead_line.duration, 1.5)
        # 2 h helper + 1.5 h lead + 0.5 h earlier line
        self.assertEqual(order.labor_hours, 4.0)

    def test_labor_bad_input(self):
        order = self.order_in_state("in_progress")
        Labor = self.env["field.work.order.labor"].with_user(self.tech)
        with self.assertRaisesRegex(
            ValidationError, rf"^{re.escape(order.name)}: a labor line cannot end before it starts\.$"
        ):
            Labor.create({
                "work_order_id": order.id, "user_id": self.tech.id,
                "date_start": "2030-01-15 10:00:00", "date_end": "2030-01-15 09:59:00",
            })
        with self.assertRaisesRegex(
            ValidationError, rf"^{re.escape(order.name)}: labor hours cannot be negative\.$"
        ):
            Labor.create({
                "work_order_id": order.id, "user_id": self.tech2.id,
                "date_start": "2030-01-15 10:00:00", "duration": -1.0,
            })
        line = order.labor_ids
        with self.assertRaisesRegex(ValidationError, "cannot end before it starts"):
            line.with_user(self.tech).date_end = "2030-01-15 08:00:00"
        self.assertEqual(len(order.labor_ids), 1)
        self.assertFalse(line.date_end)


@tagged("post_install", "-at_install")
class TestWorkOrderMaterials(WorkOrderCommon):
    def test_quantities_cannot_be_negative(self):
        order = self.order_in_state("in_progress")
        Material = self.env["field.work.order.material"].with_user(self.tech)
        message = f"{order.name}: the quantity of Filter cannot be negative."
        # Planned quantities are the dispatcher's, used ones the technician's.
        for user, vals in ((self.dispatcher, {"product_uom_qty": -1.0}),
                           (self.tech, {"quantity_used": -0.5})):
            with self.subTest(vals=vals), self.assertRaisesRegex(
                ValidationError, f"^{re.escape(message)}$"
            ):
                Material.with_user(user).create({
                    "work_order_id": order.id, "product_id": self.filter.id, **vals,
                })
        line = order.material_ids.with_user(self.tech)
        with self.assertRaisesRegex(ValidationError, f"^{re.escape(message)}$"):
            line.quantity_used = -3
        self.assertEqual(len(order.material_ids), 1)
        self.assertEqual(line.quantity_used, 0.0)
        line.quantity_used = 3
        self.assertEqual(order.material_ids.quantity_used, 3.0)
        self.assertEqual(order.material_ids.product_uom_id, self.filter.uom_id)

    def test_lot_must_belong_to_the_product(self):
        compressor = self.env["product.product"].create({
            "name": "Compressor", "type": "consu", "is_storable": True, "tracking": "lot",
        })
        lot = self.env["stock.lot"].create({"name": "LOT-42", "product_id": compressor.id})
        order = self.order_in_state("in_progress")
        # Lots are Inventory records: this technician is also an Inventory user.
        self.tech.groups_id = [(4, self.env.ref("stock.group_stock_user").id)]
        Material = self.env["field.work.order.material"].with_user(self.tech)
        with self.assertRaisesRegex(
            ValidationError, r"^Lot LOT-42 belongs to Compressor, not to Filter\.$"
        ):
            Material.create({"work_order_id": order.id, "product_id": self.filter.id, "lot_id": lot.id})
        line = Material.create({
            "work_order_id": order.id, "product_id": compressor.id, "lot_id": lot.id,
            "quantity_used": 1,
        })
        self.assertEqual(line.lot_id, lot)
        self.assertEqual(line.tracking, "lot")


@tagged("post_install", "-at_install")
class TestWorkOrderChecklistSignature(WorkOrderCommon):
    def test_required_items_block_completion(self):
        order = self.order_in_state("in_progress")
        as_tech = order.with_user(self.tech)
        message = (
            f"{order.name} cannot be completed: required checklist items are not done: "
            "Check thermostat."
        )
        with self.assertRaisesRegex(UserError, f"^{re.escape(message)}$"):
            as_tech.action_complete()
        self.assertEqual(order.state, "in_progress")
        self.assertFalse(order.date_completed)

        required = as_tech.checklist_ids.filtered("required")
        optional = as_tech.checklist_ids - required
        required.with_context(**at("2030-01-15 10:20:00")).done = True
        self.assertEqual(required.done_by, self.tech)
        self.assertEqual(required.done_on, datetime(2030, 1, 15, 10, 20))
        self.assertFalse(optional.done)
        self.assertIs(as_tech.with_context(**at("2030-01-15 10:30:00")).action_complete(), True)
        self.assertEqual(order.state, "done")
        self.assertEqual(order.date_completed, datetime(2030, 1, 15, 10, 30))

    def test_every_missing_required_item_is_named(self):
        order = self.order_in_state(
            "in_progress", checklist_ids=[
                (0, 0, {"name": "Isolate power", "required": True}),
                (0, 0, {"name": "Test pressure", "required": True}),
                (0, 0, {"name": "Sweep floor"}),
            ],
        )
        with self.assertRaisesRegex(UserError, r"not done: Isolate power, Test pressure\.$"):
            order.with_user(self.tech).action_complete()

    def test_unticking_clears_who_and_when(self):
        order = self.order_in_state("in_progress")
        item = order.checklist_ids.filtered("required").with_user(self.tech)
        item.done = True
        self.assertEqual(item.done_by, self.tech)
        self.assertTrue(item.done_on)
        item.done = False
        self.assertEqual(item.read(["done", "done_by", "done_on"])[0], {
            "id": item.id, "done": False, "done_by": False, "done_on": False,
        })

    def test_signature_required_by_the_company(self):
        self.company.fwo_signature_required = True
        order = self.order_in_state("in_progress")
        as_tech = order.with_user(self.tech)
        as_tech.checklist_ids.done = True
        message = f"{order.name} cannot be completed without the customer's signature."
        with self.assertRaisesRegex(UserError, f"^{re.escape(message)}$"):
            as_tech.action_complete()
        self.assertEqual(order.state, "in_progress")

        as_tech.with_context(**at("2030-01-15 10:50:00")).write(
            {"signature": PNG, "signed_by": "Carla Customer"}
        )
        self.assertEqual(order.signed_by, "Carla Customer")
        self.assertEqual(order.signed_on, datetime(2030, 1, 15, 10, 50))
        self.assertIs(as_tech.with_context(**at("2030-01-15 11:00:00")).action_complete(), True)
        self.assertEqual(order.state, "done")

        order.with_user(self.dispatcher).signature = False
        self.assertFalse(order.signed_on)

    def test_signature_not_required_by_default(self):
        self.assertFalse(self.company.fwo_signature_required)
        order = self.order_in_state("done")
        self.assertEqual(order.state, "done")
        self.assertFalse(order.signature)
        signed = self.create_order(signature=PNG, signed_by="Carla Customer")
        self.assertTrue(signed.signed_on)
