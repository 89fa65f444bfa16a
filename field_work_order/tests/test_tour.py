from odoo.tests import HttpCase, new_test_user, tagged


@tagged("post_install", "-at_install")
class TestWorkOrderTour(HttpCase):
    def test_dispatcher_schedules_technician_completes(self):
        new_test_user(
            self.env, "tour_dispatcher", groups="base.group_user,field_work_order.group_dispatcher",
            name="Tour Dispatcher",
        )
        tech = new_test_user(
            self.env, "tour_tech", groups="base.group_user,field_work_order.group_technician",
            name="Tour Technician",
        )
        customer = self.env["res.partner"].create({"name": "Tour Customer"})

        self.start_tour(
            "/odoo/action-field_work_order.field_work_order_action",
            "field_work_order_dispatcher_tour", login="tour_dispatcher",
        )
        order = self.env["field.work.order"].search([("partner_id", "=", customer.id)])
        self.assertEqual(len(order), 1)
        self.assertEqual(order.state, "scheduled")
        self.assertEqual(order.user_id, tech)
        self.assertEqual(order.unit_number, "2B")

        order.checklist_ids = [(0, 0, {"name": "Bleed the radiators", "required": True})]
        self.start_tour(
            "/odoo/action-field_work_order.field_work_order_action_my",
            "field_work_order_technician_tour", login="tour_tech",
        )
        self.assertEqual(order.state, "done")
        self.assertTrue(order.checklist_ids.done)
        self.assertEqual(order.checklist_ids.done_by, tech)
        self.assertEqual(len(order.labor_ids), 1)
        self.assertEqual(order.labor_ids.user_id, tech)
        self.assertTrue(order.date_completed)


@tagged("post_install", "-at_install")
class TestWorkOrderPhoneTour(HttpCase):
    browser_size = "360x740"
    touch_enabled = True

    def test_technician_completes_on_a_phone(self):
        tech = new_test_user(
            self.env, "phone_tech", groups="base.group_user,field_work_order.group_technician",
            name="Phone Technician",
        )
        customer = self.env["res.partner"].create({"name": "Phone Customer"})
        order = self.env["field.work.order"].create({
            "partner_id": customer.id, "user_id": tech.id, "scheduled_start": "2030-02-01 08:00:00",
            "checklist_ids": [(0, 0, {"name": "Close the valve", "required": True})],
        })
        order.action_schedule()

        self.start_tour(
            "/odoo/action-field_work_order.field_work_order_action_my",
            "field_work_order_phone_tour", login="phone_tech",
        )
        self.assertEqual(order.state, "done")
        self.assertEqual(order.checklist_ids.done_by, tech)
        self.assertEqual(order.labor_ids.user_id, tech)
        self.assertEqual(len(order.labor_ids), 1)


@tagged("post_install", "-at_install")
class TestDispatcherBoardTour(HttpCase):
    def test_dispatcher_lands_on_done_orders_to_verify(self):
        new_test_user(
            self.env, "board_dispatcher", groups="base.group_user,field_work_order.group_dispatcher",
            name="Board Dispatcher",
        )
        tech = new_test_user(
            self.env, "board_tech", groups="base.group_user,field_work_order.group_technician",
            name="Board Technician",
        )
        customer = self.env["res.partner"].create({"name": "Board Customer"})
        # A known reference for the tour to look for (references are the application's:
        # test shortcut through the models' own trusted path).
        order = self.env["field.work.order"]._fwo_as_trusted().create({
            "name": "FWO-TOUR-DONE", "partner_id": customer.id, "user_id": tech.id,
            "scheduled_start": "2030-03-01 08:00:00",
        }).with_env(self.env)
        order.action_schedule()
        order.with_user(tech).action_start()
        order.with_user(tech).action_complete()
        self.assertEqual(order.state, "done")

        self.start_tour("/odoo", "field_work_order_board_tour", login="board_dispatcher")
        self.assertEqual(order.state, "verified")
