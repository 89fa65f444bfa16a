from freezegun import freeze_time

from odoo.exceptions import AccessError
from odoo.tests import new_test_user, tagged

from .common import PNG, WorkOrderCommon, at


@tagged("post_install", "-at_install")
class TestWorkOrderAccess(WorkOrderCommon):
    """Who sees and changes what, always as the real user (never sudo)."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.mine = cls.order_in_state("in_progress")
        cls.theirs = cls.order_in_state("in_progress", user_id=cls.tech2.id)
        cls.helping = cls.order_in_state(
            "scheduled", user_id=cls.tech2.id, technician_ids=[(4, cls.tech.id)]
        )
        cls.unassigned = cls.create_order(user_id=False)
        cls.orders = cls.mine | cls.theirs | cls.helping | cls.unassigned

    def test_technician_sees_only_his_orders(self):
        Orders = self.env["field.work.order"].with_user(self.tech)
        self.assertEqual(Orders.search_count([]), 2)
        self.assertEqual(Orders.search([]), self.mine | self.helping)
        self.assertEqual(
            self.env["field.work.order"].with_user(self.tech2).search_count([]), 2
        )
        with self.assertRaises(AccessError):
            self.theirs.with_user(self.tech).read(["name"])
        with self.assertRaises(AccessError):
            self.unassigned.with_user(self.tech).read(["name"])

    def test_technician_writes_only_his_orders(self):
        self.mine.with_user(self.tech).write({"access_instructions": "Key under the mat."})
        self.assertEqual(self.mine.access_instructions, "Key under the mat.")
        with self.assertRaises(AccessError):
            self.theirs.with_user(self.tech).write({"access_instructions": "Not mine"})
        self.assertFalse(self.theirs.access_instructions)
        # A technician cannot put himself on somebody else's order.
        with self.assertRaises(AccessError):
            self.theirs.with_user(self.tech).write({"technician_ids": [(4, self.tech.id)]})
        self.assertEqual(self.theirs.technician_ids, self.tech2)

    def test_technician_cannot_create_delete_verify_or_cancel(self):
        with self.assertRaises(AccessError):
            self.env["field.work.order"].with_user(self.tech).create(
                {"partner_id": self.customer.id, "user_id": self.tech.id}
            )
        draft = self.create_order()
        with self.assertRaises(AccessError):
            draft.with_user(self.tech).unlink()
        self.assertTrue(draft.exists())
        with self.assertRaisesRegex(AccessError, "^Only a dispatcher can cancel work orders.$"):
            self.mine.with_user(self.tech).action_cancel()
        done = self.order_in_state("done")
        with self.assertRaisesRegex(AccessError, "^Only a dispatcher can verify work orders.$"):
            done.with_user(self.tech).action_verify()
        self.assertEqual((self.mine.state, done.state), ("in_progress", "done"))

    def test_helper_sees_and_starts(self):
        as_helper = self.helping.with_user(self.tech)
        self.assertEqual(as_helper.user_id, self.tech2)
        self.assertIs(as_helper.with_context(**at("2030-01-15 09:00:00")).action_start(), True)
        self.assertEqual(self.helping.state, "in_progress")
        self.assertEqual(self.helping.labor_ids.user_id, self.tech)

    def test_lead_technician_is_always_assigned(self):
        order = self.create_order(technician_ids=[(6, 0, [self.tech2.id])])
        self.assertEqual(order.technician_ids, self.tech | self.tech2)

        order = self.create_order()
        as_dispatcher = order.with_user(self.dispatcher)
        as_dispatcher.technician_ids = [(6, 0, [self.tech2.id])]
        self.assertEqual(order.technician_ids, self.tech | self.tech2)
        as_dispatcher.technician_ids = [(5, 0, 0)]
        self.assertEqual(order.technician_ids, self.tech)

        as_dispatcher.user_id = self.tech2
        self.assertEqual(order.technician_ids, self.tech | self.tech2)
        as_dispatcher.write({"user_id": self.dispatcher2.id, "technician_ids": [(6, 0, [])]})
        self.assertEqual(order.technician_ids, self.dispatcher2)

    def test_dispatcher_sees_all_orders_of_his_company(self):
        Orders = self.env["field.work.order"].with_user(self.dispatcher)
        self.assertEqual(Orders.search_count([("partner_id", "=", self.customer.id)]), 4)
        self.assertEqual(Orders.search([("id", "in", self.orders.ids)]), self.orders)
        self.theirs.with_user(self.dispatcher).write({"priority": "2"})
        self.assertEqual(self.theirs.priority, "2")

    def test_multi_company_isolation(self):
        company_b = self.env["res.company"].create({"name": "Other Branch"})
        dispatcher_b = new_test_user(
            self.env, "fwo_dispatcher_b", groups="base.group_user,field_work_order.group_dispatcher",
            company_id=company_b.id, company_ids=[(6, 0, [company_b.id])], name="Bea Branch",
        )
        tech_b = new_test_user(
            self.env, "fwo_tech_b", groups="base.group_user,field_work_order.group_technician",
            company_id=company_b.id, company_ids=[(6, 0, [company_b.id])],
        )
        order_b = self.env["field.work.order"].with_user(dispatcher_b).create({
            "partner_id": self.customer.id, "user_id": tech_b.id,
        })
        self.assertEqual(order_b.company_id, company_b)

        Orders = self.env["field.work.order"].with_user(self.dispatcher)
        self.assertEqual(Orders.search_count([("partner_id", "=", self.customer.id)]), 4)
        self.assertEqual(Orders.search_count([("id", "=", order_b.id)]), 0)
        with self.assertRaises(AccessError):
            order_b.with_user(self.dispatcher).read(["name"])
        with self.assertRaises(AccessError):
            self.mine.with_user(dispatcher_b).read(["name"])
        self.assertEqual(
            self.env["field.work.order"].with_user(dispatcher_b).search_count([]), 1
        )

        # Given both companies, and both selected, he sees both.
        self.dispatcher.company_ids = [(4, company_b.id)]
        both = Orders.with_context(allowed_company_ids=[self.company.id, company_b.id])
        self.assertEqual(both.search_count([("partner_id", "=", self.customer.id)]), 5)

    def test_accountant_reads_but_does_not_write(self):
        Orders = self.env["field.work.order"].with_user(self.accountant)
        self.assertEqual(Orders.search_count([("partner_id", "=", self.customer.id)]), 4)
        as_accountant = self.mine.with_user(self.accountant)
        self.assertEqual(as_accountant.read(["state"])[0]["state"], "in_progress")
        self.assertEqual(as_accountant.labor_ids.user_id, self.tech)
        self.assertEqual(as_accountant.material_ids.product_uom_qty, 2.0)
        with self.assertRaises(AccessError):
            as_accountant.write({"description": "Invoiced"})
        with self.assertRaises(AccessError):
            as_accountant.material_ids.write({"quantity_used": 5})
        with self.assertRaises(AccessError):
            Orders.create({"partner_id": self.customer.id})
        with self.assertRaises(AccessError):
            as_accountant.action_cancel()
        self.assertEqual(self.mine.state, "in_progress")

    @freeze_time("2030-01-15 12:00:00")  # hand-typed labor times may not be in the future
    def test_technician_adds_lines_only_on_his_orders(self):
        env = self.env(user=self.tech)
        for order, allowed in ((self.mine, True), (self.theirs, False)):
            line_vals = {
                "field.work.order.material": {"product_id": self.filter.id, "quantity_used": 1},
                "field.work.order.labor": {
                    "user_id": self.tech.id, "date_start": "2030-01-15 07:00:00",
                    "date_end": "2030-01-15 07:30:00",
                },
                "field.work.order.photo": {"kind": "before", "image": PNG, "note": "Rusty valve"},
            }
            for model, vals in line_vals.items():
                with self.subTest(order=order.name, model=model):
                    if allowed:
                        line = env[model].create({"work_order_id": order.id, **vals})
                        self.assertEqual(line.work_order_id, order)
                    else:
                        with self.assertRaises(AccessError):
                            env[model].create({"work_order_id": order.id, **vals})
            item = order.checklist_ids.filtered("required").with_env(env)
            with self.subTest(order=order.name, tick=True):
                if allowed:
                    item.done = True
                    self.assertEqual(item.done_by, self.tech)
                else:
                    with self.assertRaises(AccessError):
                        item.done = True
        self.assertEqual(len(self.mine.material_ids), 2)
        self.assertEqual(len(self.mine.labor_ids), 2)
        self.assertEqual(len(self.mine.photo_ids), 1)
        # What is on the checklist is the dispatcher's, even on his own orders.
        with self.assertRaisesRegex(AccessError, "^Only a dispatcher can add checklist items.$"):
            env["field.work.order.checklist.line"].create({
                "work_order_id": self.mine.id, "name": "Photograph the nameplate",
            })
        self.assertEqual(len(self.mine.checklist_ids), 2)
        self.assertEqual(len(self.theirs.material_ids), 1)
        self.assertEqual(len(self.theirs.labor_ids), 1)
        self.assertFalse(self.theirs.photo_ids)
        self.assertEqual(len(self.theirs.checklist_ids), 2)
        self.assertFalse(self.theirs.checklist_ids.filtered("done"))
