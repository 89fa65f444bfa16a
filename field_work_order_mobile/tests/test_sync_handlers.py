import json
from datetime import timedelta

from odoo import fields
from odoo.tests import tagged

from odoo.addons.field_work_order.models.field_work_order import BUS_NOTIFICATION
from odoo.addons.field_work_order_mobile.models.field_work_order_sync_stamp import COLLECTOR_KEY

from .common import SyncCommon

#: The operation types of docs/sync.md ("Push"), in the order of its table.
DOCUMENTED_TYPES = ["start", "hold", "resume", "complete", "on_my_way", "note", "material",
                    "labor", "photo", "signature", "checklist", "set", "quote", "quote_approve",
                    "quote_send", "collect_payment", "equipment_add", "reading"]
#: The types that are not transitions of the state machine.
OTHER_TYPES = {"note", "material", "labor", "photo", "signature", "checklist", "set", "quote",
               "quote_approve", "quote_send", "collect_payment", "equipment_add", "reading"}


@tagged("post_install", "-at_install")
class TestSyncHandlers(SyncCommon):
    def test_table_covers_the_documented_types(self):
        handlers = self.Order._sync_handlers()
        self.assertEqual(list(handlers), DOCUMENTED_TYPES)
        self.assertTrue(all(callable(handler) for handler in handlers.values()))
        # The transition operations are the state machine's sync transitions, no more, no less.
        sync_transitions = {name for name, rule in self.Order._fwo_transitions().items()
                            if rule["sync"]}
        self.assertEqual(set(handlers) - OTHER_TYPES, sync_transitions)
        result, = self.push(self.tech, self.op(self.create_order(), "verify"))
        self.assertEqual(result["status"], "error")
        self.assertIn("use one of " + ", ".join(DOCUMENTED_TYPES), result["message"])

    def test_each_transition_operation_runs_its_transition(self):
        order = self.order_in_state("scheduled")
        order.checklist_ids.done = True  # what completing asks for
        self.backdate(order)
        day = order.create_date.replace(hour=0, minute=0, second=0)
        walk = ["on_my_way", "start", "hold", "resume", "complete"]
        transitions = self.Order._fwo_transitions()
        self.assertEqual(set(walk), {name for name, rule in transitions.items() if rule["sync"]})
        for hour, name in enumerate(walk, start=9):
            state = order.state
            at = fields.Datetime.to_string(day + timedelta(hours=hour))
            result, = self.push(self.tech, self.op(order, name, at=at))
            self.assertEqual(result["status"], "applied", f"{name}: {result['message']}")
            self.assertEqual(order.state, transitions[name]["to"] or state, name)

    def _notifications(self):
        self.env.cr.flush()  # the bus writes its rows when the transaction flushes
        return self.env["bus.bus"].sudo().search([("message", "like", BUS_NOTIFICATION)])

    def test_one_stamp_per_operation_and_one_notification_per_push(self):
        order = self.order_in_state("scheduled")
        self.backdate(order)
        day = order.create_date.replace(hour=0, minute=0, second=0)

        def t(hours):
            return fields.Datetime.to_string(day + timedelta(hours=hours))

        version, before = order.sync_version, self._notifications()
        results = self.push(
            self.tech,
            # Each writes the order, a labor line and tracking messages.
            self.op(order, "start", at=t(9)),
            self.op(order, "hold", at=t(10)),
            self.op(order, "labor", {"date_start": t(11), "date_end": False}),  # fails
            self.op(order, "resume", at=t(12)),
        )
        self.assertEqual([r["status"] for r in results], ["applied", "applied", "error", "applied"])
        self.assertEqual([r["version"] for r in results],
                         [version + 1, version + 2, version + 2, version + 3])
        self.assertEqual(order.sync_version, version + 3)
        self.assertNotIn(COLLECTOR_KEY, self.env.cr.postcommit.data)
        sent = self._notifications() - before
        self.assertEqual(len(sent), 1, "one notification for the whole push")
        self.assertEqual(json.loads(sent.message)["payload"], {"ids": [order.id]})
        # Outside a push every change is stamped right away.
        order.with_user(self.tech).write({"unit_number": "4B"})
        self.assertEqual(order.sync_version, version + 4)
