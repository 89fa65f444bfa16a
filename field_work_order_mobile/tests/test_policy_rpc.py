"""The permission policy over the real XML-RPC route, as the real users (never sudo).

What a technician's phone or an integrator can do with plain RPC calls: each
refusal of issue #9's list, that no context key the addons read unlocks
anything, and that the technician's whole job still works online and through
``sync_push``.
"""

import re
import xmlrpc.client
from datetime import timedelta
from pathlib import Path

from odoo import fields
from odoo.tests import HttpCase, tagged

from .common import SyncCommon

ACCESS = 4  # XML-RPC fault code of an AccessError

ADDONS = [Path(__file__).resolve().parents[2] / name
          for name in ("field_work_order", "field_work_order_mobile")]
# How server code reads a context key: context.get("key"), context["key"], "key" in context.
CONTEXT_READS = [
    re.compile(r"""context\.get\(\s*["']([\w.]+)["']"""),
    re.compile(r"""context\[\s*["']([\w.]+)["']\s*\]"""),
    re.compile(r"""["']([\w.]+)["']\s+(?:not\s+)?in\s+(?:self\.)?(?:env\.)?context"""),
]


def context_keys_read_by_the_addons():
    keys = set()
    for addon in ADDONS:
        for path in addon.rglob("*.py"):
            if "tests" in path.parts:
                continue
            text = path.read_text()
            for pattern in CONTEXT_READS:
                keys.update(pattern.findall(text))
    return sorted(keys)


@tagged("post_install", "-at_install")
class TestPolicyRpc(SyncCommon, HttpCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env["ir.config_parameter"].set_param("report.url", cls.base_url())
        cls.cable = cls.env["product.product"].create({"name": "Cable", "type": "consu"})

    # --- helpers -----------------------------------------------------------------
    def rpc(self, user, model, method, args, kwargs=None, context=None):
        """``execute_kw`` over /xmlrpc/2/object as ``user`` (password = login)."""
        kwargs = dict(kwargs or {})
        if context is not None:
            kwargs["context"] = context
        result = self.xmlrpc_object.execute_kw(
            self.env.cr.dbname, user.id, user.login, model, method, args, kwargs,
        )
        self.env.invalidate_all()
        return result

    def assert_refused(self, user, model, method, args, *words, kwargs=None, context=None,
                       code=None):
        """The call faults, with ``words`` in its message (``code`` 4: an AccessError)."""
        with self.assertRaises(xmlrpc.client.Fault) as caught:
            self.rpc(user, model, method, args, kwargs, context)
        if code is not None:
            self.assertEqual(caught.exception.faultCode, code, caught.exception.faultString)
        for word in words:
            self.assertIn(word, caught.exception.faultString)
        self.env.invalidate_all()
        return caught.exception.faultString

    def order_counts(self, order):
        """What a refused call must not have added: labor lines, stock moves, pickings, messages."""
        self.env.invalidate_all()
        return (
            self.env["field.work.order.labor"].search_count([("work_order_id", "=", order.id)]),
            self.env["stock.move"].search_count([("fwo_order_id", "=", order.id)]),
            self.env["stock.picking"].search_count([("fwo_order_id", "=", order.id)]),
            self.env["mail.message"].search_count([
                ("model", "=", "field.work.order"), ("res_id", "=", order.id),
            ]),
            self.env["mail.tracking.value"].search_count([
                ("mail_message_id.model", "=", "field.work.order"),
                ("mail_message_id.res_id", "=", order.id),
            ]),
        )

    # --- the refusals ------------------------------------------------------------
    def test_context_keys_of_the_addons_unlock_nothing(self):
        """Every key the addons read, with a flag and a date value, as the assigned technician."""
        keys = context_keys_read_by_the_addons()
        # The search must find the keys this test is about (so a broken regex fails here).
        self.assertTrue({"fwo_device_time", "fwo_trusted"} <= set(keys), keys)
        order = self.order_in_state("scheduled")
        self.backdate(order, days=3000)  # so that 2021 is after the order's creation
        started_before = fields.Datetime.now().replace(microsecond=0)
        for key in keys:
            for value in (True, "2021-01-01 00:00:00", "trusted"):
                context = {key: value, "fwo_transition": True, "fwo_at": "2021-01-01 00:00:00"}
                with self.subTest(key=key, value=value):
                    for vals in ({"state": "verified"}, {"date_started": "2020-01-01 00:00:00"},
                                 {"billable": False}, {"technician_ids": [(4, self.tech2.id)]},
                                 {"sync_version": 0}):
                        self.assert_refused(self.tech, "field.work.order", "write",
                                            [[order.id], vals], context=context, code=ACCESS)
                    self.assert_refused(self.tech, "field.work.order", "action_schedule",
                                        [[order.id]], context=context)
        self.assertEqual((order.state, order.billable, order.technician_ids), (
            "scheduled", True, self.tech))
        # Starting is the technician's; whatever the context says, it happens now.
        self.rpc(self.tech, "field.work.order", "action_start", [[order.id]],
                 context={key: "2021-01-01 00:00:00" for key in keys})
        self.assertEqual(order.state, "in_progress")
        self.assertGreaterEqual(order.date_started, started_before)
        self.assertGreaterEqual(order.labor_ids.date_start, started_before)
        self.assertEqual(len(order.labor_ids), 1)

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
        order = self.order_in_state("done", signature=self.png, signed_by="Zoe")
        self.assert_refused(self.tech, "field.work.order", "write",
                            [[order.id], {"signed_by": "Someone else"}],
                            "Ask a dispatcher", code=ACCESS)
        self.assertEqual(order.signed_by, "Zoe")

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
            "photo_ids": [(0, 0, {"kind": "before", "image": self.png}),
                          (0, 0, {"kind": "after", "image": self.png})],
            "signature": self.png, "signed_by": "Zoë Ångström",
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
