import re
from datetime import datetime

from odoo.exceptions import AccessError, UserError
from odoo.tests import tagged

from .common import WorkOrderCommon, at

STATES = ("draft", "scheduled", "in_progress", "on_hold", "done", "verified", "cancelled")
STATE_LABELS = {
    "draft": "Draft", "scheduled": "Scheduled", "in_progress": "In Progress",
    "on_hold": "On Hold", "done": "Done", "verified": "Verified", "cancelled": "Cancelled",
}
# method: (allowed from, verb in the refusal, target state)
TRANSITIONS = {
    "action_schedule": (("draft",), "schedule", "scheduled"),
    "action_start": (("scheduled",), "start", "in_progress"),
    "action_hold": (("in_progress",), "put on hold", "on_hold"),
    "action_resume": (("on_hold",), "resume", "in_progress"),
    "action_complete": (("in_progress",), "complete", "done"),
    "action_verify": (("done",), "verify", "verified"),
    "action_rework": (("done",), "send back for rework", "in_progress"),
    "action_cancel": (("draft", "scheduled", "in_progress", "on_hold"), "cancel", "cancelled"),
    "action_reset_draft": (("cancelled",), "reset to draft", "draft"),
}
DATES = ("date_started", "date_completed", "date_verified")


def call(order, method):
    if method == "action_rework":
        return order.action_rework("Leaking valve")
    return getattr(order, method)()


@tagged("post_install", "-at_install")
class TestWorkOrderTransitions(WorkOrderCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.orders = {state: cls.order_in_state(state) for state in STATES}

    def snapshot(self, order):
        return order.read(["state", *DATES])[0]

    def test_each_transition_from_its_allowed_states(self):
        for method, (allowed, _verb, target) in TRANSITIONS.items():
            for state in allowed:
                with self.subTest(method=method, state=state):
                    order = self.order_in_state(state)
                    order.checklist_ids.done = True
                    # dispatcher2 never worked on these orders, so he may verify them.
                    as_dispatcher = order.with_user(self.dispatcher2).with_context(**at("2030-01-15 13:00:00"))
                    self.assertIs(call(as_dispatcher, method), True)
                    self.assertEqual(order.state, target)

    def test_each_transition_refused_from_other_states(self):
        for method, (allowed, verb, _target) in TRANSITIONS.items():
            for state in set(STATES) - set(allowed):
                with self.subTest(method=method, state=state):
                    order = self.orders[state]
                    before = self.snapshot(order)
                    allowed_labels = ", ".join(STATE_LABELS[s] for s in allowed)
                    message = (
                        f"Cannot {verb} {order.name}: it is {STATE_LABELS[state]} "
                        f"(allowed from: {allowed_labels})."
                    )
                    with self.assertRaisesRegex(UserError, f"^{re.escape(message)}$"):
                        call(order.with_user(self.dispatcher2), method)
                    order.invalidate_recordset()
                    self.assertEqual(self.snapshot(order), before)

    def test_dates_set_by_the_transitions(self):
        order = self.orders["verified"]
        self.assertEqual(order.date_started, datetime(2030, 1, 15, 9, 0))
        self.assertEqual(order.date_completed, datetime(2030, 1, 15, 11, 0))
        self.assertEqual(order.date_verified, datetime(2030, 1, 15, 12, 0))
        self.assertEqual(self.orders["scheduled"].read(DATES)[0], {
            "id": self.orders["scheduled"].id, "date_started": False,
            "date_completed": False, "date_verified": False,
        })

    def test_schedule_needs_an_assignee_and_a_start(self):
        order = self.create_order(user_id=False)
        with self.assertRaisesRegex(
            UserError, rf"^{re.escape(order.name)} needs a lead technician or a subcontractor "
            r"before it can be scheduled\.$",
        ):
            order.action_schedule()
        self.assertEqual(order.state, "draft")

        order = self.create_order(scheduled_start=False)
        with self.assertRaisesRegex(
            UserError,
            rf"^{re.escape(order.name)} needs a scheduled start before it can be scheduled\.$",
        ):
            order.action_schedule()
        self.assertEqual(order.state, "draft")

        vendor = self.env["res.partner"].create({"name": "Cool Air Ltd", "is_company": True})
        order = self.create_order(user_id=False, subcontractor_id=vendor.id)
        self.assertIs(order.action_schedule(), True)
        self.assertEqual(order.state, "scheduled")
        self.assertFalse(order.technician_ids)

    def test_start_by_unassigned_technician_or_dispatcher(self):
        order = self.order_in_state("scheduled")
        with self.assertRaises(AccessError):
            order.with_user(self.tech2).action_start()
        self.assertEqual(order.state, "scheduled")
        self.assertFalse(order.labor_ids)

        as_dispatcher = order.with_user(self.dispatcher).with_context(**at("2030-01-15 09:10:00"))
        self.assertIs(as_dispatcher.action_start(), True)
        self.assertEqual(order.state, "in_progress")
        self.assertEqual(order.date_started, datetime(2030, 1, 15, 9, 10))
        # The dispatcher starts it on behalf of the lead: the time goes to the lead.
        self.assertEqual(order.labor_ids.user_id, self.tech)
        self.assertEqual(order.labor_ids.date_start, datetime(2030, 1, 15, 9, 10))

    def test_verify_only_by_a_dispatcher_who_did_not_do_the_work(self):
        order = self.order_in_state("done")
        with self.assertRaisesRegex(AccessError, "^Only a dispatcher can verify work orders.$"):
            order.with_user(self.tech).action_verify()

        # A dispatcher who logged time on the job cannot verify his own work.
        self.env["field.work.order.labor"].with_user(self.dispatcher).create({
            "work_order_id": order.id, "user_id": self.dispatcher.id,
            "date_start": "2030-01-15 09:00:00", "date_end": "2030-01-15 09:30:00",
        })
        message = (
            f"{order.name} must be verified by someone other than the technicians who did the work."
        )
        with self.assertRaisesRegex(AccessError, f"^{re.escape(message)}$"):
            order.with_user(self.dispatcher).action_verify()
        self.assertEqual(order.state, "done")
        self.assertFalse(order.date_verified)

        # A dispatcher assigned as a helper neither.
        helped = self.order_in_state("done", technician_ids=[(4, self.dispatcher2.id)])
        with self.assertRaisesRegex(AccessError, "must be verified by someone other"):
            helped.with_user(self.dispatcher2).action_verify()

        as_other = order.with_user(self.dispatcher2).with_context(**at("2030-01-15 15:00:00"))
        self.assertIs(as_other.action_verify(), True)
        self.assertEqual(order.state, "verified")
        self.assertEqual(order.date_verified, datetime(2030, 1, 15, 15, 0))

    def test_rework_needs_a_reason_posted_in_the_chatter(self):
        order = self.order_in_state("done")
        as_dispatcher = order.with_user(self.dispatcher)
        for reason in ("", "   ", None):
            with self.subTest(reason=reason), self.assertRaisesRegex(
                UserError, r"^Say why the work failed verification before sending it back\.$"
            ):
                as_dispatcher.action_rework(reason)
        self.assertEqual(order.state, "done")
        self.assertEqual(order.date_completed, datetime(2030, 1, 15, 11, 0))

        with self.assertRaisesRegex(AccessError, "^Only a dispatcher can send back for rework"):
            order.with_user(self.tech).action_rework("Sloppy")

        self.assertIs(as_dispatcher.action_rework("Valve still <leaking>"), True)
        self.assertEqual(order.state, "in_progress")
        self.assertFalse(order.date_completed)
        self.assertEqual(order.date_started, datetime(2030, 1, 15, 9, 0))
        message = order.message_ids[0]
        self.assertEqual(
            str(message.body),
            "<p><b>Sent back for rework</b></p><p>Valve still &lt;leaking&gt;</p>",
        )
        self.assertEqual(message.partner_ids, self.tech.partner_id)

    def test_cancel_and_reset(self):
        order = self.order_in_state("in_progress")
        with self.assertRaisesRegex(AccessError, "^Only a dispatcher can cancel work orders.$"):
            order.with_user(self.tech).action_cancel()
        self.assertEqual(order.state, "in_progress")

        as_dispatcher = order.with_user(self.dispatcher).with_context(**at("2030-01-15 09:45:00"))
        self.assertIs(as_dispatcher.action_cancel(), True)
        self.assertEqual(order.state, "cancelled")
        # Cancelling stops the clock of whoever was working on it.
        self.assertEqual(order.labor_ids.date_end, datetime(2030, 1, 15, 9, 45))
        self.assertEqual(order.labor_hours, 0.75)

        with self.assertRaisesRegex(AccessError, "^Only a dispatcher can reset to draft"):
            order.with_user(self.tech).action_reset_draft()
        self.assertIs(order.with_user(self.dispatcher).action_reset_draft(), True)
        self.assertEqual(order.state, "draft")

        done = self.orders["done"]
        with self.assertRaisesRegex(UserError, f"^Cannot cancel {re.escape(done.name)}: it is Done"):
            done.with_user(self.dispatcher).action_cancel()

    def test_protected_fields_only_through_transitions(self):
        order = self.order_in_state("scheduled")
        as_dispatcher = order.with_user(self.dispatcher)
        pattern = (
            r"^%s cannot be edited on Work Order: the application sets them itself "
            r"\(through the order's actions: Schedule, Start, Complete, Verify\.\.\.\)\.$"
        )
        for vals, fields_named in (
            ({"state": "done"}, r"State \(state\)"),
            ({"date_started": "2030-01-15 08:00:00"}, r"Started On \(date_started\)"),
            ({"state": "verified", "date_verified": "2030-01-15 08:00:00"},
             r"Verified On \(date_verified\), State \(state\)"),
            ({"date_completed": False}, r"Completed On \(date_completed\)"),
        ):
            with self.subTest(vals=vals), self.assertRaisesRegex(UserError, pattern % fields_named):
                as_dispatcher.write(vals)
        self.assertEqual(order.state, "scheduled")
        self.assertFalse(order.date_started)

        Orders = self.env["field.work.order"].with_user(self.dispatcher)
        base = {"partner_id": self.customer.id}
        with self.assertRaisesRegex(UserError, pattern % r"State \(state\)"):
            Orders.create({**base, "state": "done"})
        with self.assertRaisesRegex(UserError, pattern % r"Started On \(date_started\)"):
            Orders.create({**base, "date_started": "2030-01-15 08:00:00"})
        self.assertEqual(Orders.search_count([("partner_id", "=", self.customer.id)]), 8)
        # Creating a draft explicitly is harmless.
        self.assertEqual(Orders.create({**base, "state": "draft"}).state, "draft")

    def test_state_change_is_tracked_in_the_chatter(self):
        order = self.create_order()
        self.flush_tracking()
        order.with_user(self.dispatcher).action_schedule()
        self.flush_tracking()
        state_field = self.env["ir.model.fields"]._get("field.work.order", "state")
        tracking = self.env["mail.tracking.value"].search([
            ("field_id", "=", state_field.id),
            ("mail_message_id.model", "=", "field.work.order"),
            ("mail_message_id.res_id", "=", order.id),
        ])
        self.assertEqual(len(tracking), 1)
        self.assertEqual(
            (tracking.old_value_char, tracking.new_value_char), ("Draft", "Scheduled")
        )
        self.assertEqual(tracking.mail_message_id.author_id, self.dispatcher.partner_id)
