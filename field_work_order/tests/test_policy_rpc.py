"""The core's permission policy over the real XML-RPC route, as the real users (never sudo).

What a technician's phone or an integrator can do with plain RPC calls: each
refusal of issue #9's list, that no context key the addon reads unlocks
anything, and that the technician's whole job still works online. The sync
API's side is in field_work_order_mobile/tests/test_policy_rpc.py.
"""

from datetime import timedelta

from odoo import fields
from odoo.tests import tagged

from .common import PNG
from .policy_common import ACCESS, PolicyRpcCase, context_keys_read_by


@tagged("post_install", "-at_install")
class TestPolicyRpc(PolicyRpcCase):
    def test_context_keys_of_the_addons_unlock_nothing(self):
        """Every key the addon reads, with a flag and a date value, as the assigned technician."""
        keys = context_keys_read_by("field_work_order")
        # The search must find the keys this test is about (so a broken regex fails here).
        self.assertTrue({"fwo_device_time", "fwo_trusted"} <= set(keys), keys)
        self.check_context_keys_unlock_nothing(keys)

    def test_the_reported_bypasses_are_refused(self):
        order = self.order_in_state("scheduled")
        before = self.order_counts(order)
        # 1. State and its dates: not writable, whatever the context.
        for vals in ({"state": "verified"}, {"date_started": "2020-01-01 00:00:00"}):
            message = self.assert_refused(self.tech, "field.work.order", "write",
                                          [[order.id], vals], context={"fwo_transition": True})
            self.assertIn(next(iter(vals)), message)
        # 2. Scheduling (which moves stock) is the dispatcher's.
        draft = self.create_order()
        self.assert_refused(self.tech, "field.work.order", "action_schedule", [[draft.id]],
                            "Only a dispatcher can schedule work orders.")
        self.assertEqual(draft.state, "draft")
        self.assertFalse(self.env["stock.picking"].search([("fwo_order_id", "=", draft.id)]))
        # 3. Fields the form shows read-only: refused, naming the field and the role.
        for name, value in (("billable", False), ("partner_id", self.site.id),
                            ("technician_ids", [(4, self.tech2.id)]),
                            ("scheduled_start", "2031-01-01 08:00:00"),
                            ("description", "Done already"), ("location_id", False)):
            message = self.assert_refused(self.tech, "field.work.order", "write",
                                          [[order.id], {name: value}], f"({name})",
                                          "Only a dispatcher", code=ACCESS)
            self.assertNotIn("Traceback", message.splitlines()[-1])
        self.assertEqual((order.billable, order.partner_id, order.technician_ids,
                          fields.Datetime.to_string(order.scheduled_start)),
                         (True, self.customer, self.tech, "2030-01-15 09:00:00"))
        # 4. Required checklist items: neither removed nor made optional by a technician.
        required = order.checklist_ids.filtered("required")
        self.assertEqual(len(required), 1)
        self.assert_refused(self.tech, "field.work.order.checklist.line", "unlink",
                            [required.ids], "Only a dispatcher can remove checklist items.")
        self.assert_refused(self.tech, "field.work.order.checklist.line", "write",
                            [required.ids, {"required": False}], "(required)")
        self.assert_refused(self.tech, "field.work.order.checklist.line", "create",
                            [{"work_order_id": order.id, "name": "Extra"}],
                            "Only a dispatcher can add checklist items.")
        self.assertEqual(len(order.checklist_ids), 2)
        self.assertTrue(required.exists().required)
        # Site fields stay the technician's.
        self.rpc(self.tech, "field.work.order", "write",
                 [[order.id], {"unit_number": "4B", "access_instructions": "Key box 1234"}])
        self.assertEqual((order.unit_number, order.access_instructions), ("4B", "Key box 1234"))
        after = self.order_counts(order)
        # Only the tracked site fields added a message; nothing else was written.
        self.assertEqual(after[:3], before[:3])
        self.assertEqual(after[3], before[3] + 1)
        # 5. So completing without the required item stays refused, and adds nothing.
        self.rpc(self.tech, "field.work.order", "action_start", [[order.id]])
        before = self.order_counts(order)
        self.assert_refused(self.tech, "field.work.order", "action_complete", [[order.id]],
                            "required checklist items are not done: Check thermostat")
        self.assertEqual(self.order_counts(order), before)
        self.assertEqual(order.state, "in_progress")
        self.assertFalse(order.labor_ids.date_end)

    def test_lines_follow_their_owners(self):
        order = self.order_in_state("scheduled")
        self.rpc(self.tech, "field.work.order", "action_start", [[order.id]])  # labor opens now
        planned = order.material_ids
        self.assertEqual(planned.product_uom_qty, 2)
        # Planned quantities are the dispatcher's, used ones the technician's.
        self.assert_refused(self.tech, "field.work.order.material", "write",
                            [planned.ids, {"product_uom_qty": 5}], "(product_uom_qty)")
        self.assert_refused(self.tech, "field.work.order.material", "unlink", [planned.ids],
                            "Only a dispatcher can remove a planned part.")
        self.assert_refused(self.tech, "field.work.order.material", "create",
                            [{"work_order_id": order.id, "product_id": self.cable.id,
                              "product_uom_qty": 4}], "(product_uom_qty)")
        self.rpc(self.tech, "field.work.order.material", "write",
                 [planned.ids, {"quantity_used": 3}])
        extra = self.rpc(self.tech, "field.work.order.material", "create",
                         [{"work_order_id": order.id, "product_id": self.cable.id,
                           "quantity_used": 1.5}])
        self.rpc(self.tech, "field.work.order.material", "unlink", [[extra]])
        self.assertEqual((planned.product_uom_qty, planned.quantity_used), (2, 3))
        self.rpc(self.dispatcher, "field.work.order.material", "write",
                 [planned.ids, {"product_uom_qty": 5}])
        self.assertEqual(planned.product_uom_qty, 5)
        # A labor line belongs to its user.
        helper_line = self.env["field.work.order.labor"].create({
            "work_order_id": order.id, "user_id": self.tech2.id,
            "date_start": "2030-01-15 09:00:00", "date_end": "2030-01-15 10:00:00",
        })
        own_line = order.labor_ids.filtered(lambda line: line.user_id == self.tech)
        self.assert_refused(self.tech, "field.work.order.labor", "write",
                            [helper_line.ids, {"duration": 8}],
                            "Only a dispatcher can change the labor of someone else.")
        self.assert_refused(self.tech, "field.work.order.labor", "unlink", [helper_line.ids],
                            "Only a dispatcher can delete the labor of someone else.")
        self.assert_refused(self.tech, "field.work.order.labor", "write",
                            [own_line.ids, {"user_id": self.tech2.id}],
                            "Only a dispatcher can give a labor line to someone else.")
        now = fields.Datetime.now()
        self.assert_refused(self.tech, "field.work.order.labor", "create", [{
            "work_order_id": order.id, "user_id": self.tech2.id,
            "date_start": fields.Datetime.to_string(now - timedelta(hours=2)),
            "date_end": fields.Datetime.to_string(now - timedelta(hours=1)),
        }], "Only a dispatcher can log labor for someone else.")
        future = fields.Datetime.to_string(now + timedelta(days=1))
        self.assert_refused(self.tech, "field.work.order.labor", "write",
                            [own_line.ids, {"date_end": future}], future, "in the future")
        self.assertEqual(helper_line.duration, 1)
        self.rpc(self.tech, "field.work.order.labor", "write",
                 [own_line.ids, {"description": "Replaced the filter"}])
        self.assertEqual(own_line.description, "Replaced the filter")

    def test_parts_source_is_an_internal_location_of_the_company(self):
        order = self.order_in_state("draft")
        customers = self.env.ref("stock.stock_location_customers")
        self.assert_refused(self.dispatcher, "field.work.order", "write",
                            [[order.id], {"location_id": customers.id}],
                            "parts can only be taken from an internal location")
        other_company = self.env["res.company"].create({"name": "Other Co"})
        foreign = self.env["stock.warehouse"].search(
            [("company_id", "=", other_company.id)], limit=1).lot_stock_id
        self.assertTrue(foreign)
        self.assert_refused(self.dispatcher, "field.work.order", "write",
                            [[order.id], {"location_id": foreign.id}])
        stock = self.env["stock.warehouse"].search(
            [("company_id", "=", self.company.id)], limit=1).lot_stock_id
        self.rpc(self.dispatcher, "field.work.order", "write",
                 [[order.id], {"location_id": stock.id}])
        self.assertEqual(order.location_id, stock)

    def test_signature_of_a_done_order_stays(self):
        order = self.order_in_state("done", signature=PNG, signed_by="Zoe")
        self.assert_refused(self.tech, "field.work.order", "write",
                            [[order.id], {"signed_by": "Someone else"}],
                            "Ask a dispatcher", code=ACCESS)
        self.assertEqual(order.signed_by, "Zoe")

    # --- the technician's job still works ----------------------------------------
    def test_technician_does_the_job_over_rpc(self):
        order = self.order_in_state("scheduled")
        Order = "field.work.order"
        self.rpc(self.tech, Order, "action_start", [[order.id]])
        planned = order.material_ids
        self.rpc(self.tech, Order, "write", [[order.id], {
            "material_ids": [(1, planned.id, {"quantity_used": 2}),
                             (0, 0, {"product_id": self.cable.id, "quantity_used": 3})],
            "checklist_ids": [(1, line.id, {"done": True}) for line in order.checklist_ids],
            "photo_ids": [(0, 0, {"kind": "before", "image": PNG}),
                          (0, 0, {"kind": "after", "image": PNG})],
            "signature": PNG, "signed_by": "Zoë Ångström",
        }])
        self.assertIs(self.rpc(self.tech, Order, "action_complete", [[order.id]]), True)
        self.assertEqual(order.state, "done")
        self.assertEqual(sorted(order.material_ids.mapped("quantity_used")), [2, 3])
        self.assertEqual(order.checklist_ids.done_by, self.tech)
        self.assertEqual(len(order.photo_ids), 2)
        self.assertEqual((order.signed_by, bool(order.signed_on)), ("Zoë Ångström", True))
        self.assertEqual(len(order.labor_ids), 1)
        self.assertTrue(order.labor_ids.date_end)
        moves = self.env["stock.move"].search([("fwo_order_id", "=", order.id)])
        self.assertEqual(sorted(moves.mapped("quantity")), [2, 3])
        self.assertEqual(set(moves.mapped("state")), {"done"})
