import json

from odoo.exceptions import UserError
from odoo.tests import HttpCase, new_test_user, tagged

from odoo.addons.bus.models.bus import channel_with_db, json_dump

from .common import WorkOrderCommon, at

NOTIFICATION = "field_work_order/changed"


class BusCommon(WorkOrderCommon):
    def setUp(self):
        super().setUp()
        self.mark_bus()

    def mark_bus(self):
        """Write what is pending to bus.bus and remember where the next notifications start."""
        self.flush_tracking()
        self.last_bus_id = self.env["bus.bus"].sudo()._bus_last_id()

    def dispatch_channel(self, company):
        return json_dump(channel_with_db(self.env.cr.dbname, (company, "field_work_order_dispatch")))

    def sent(self):
        """(channel, payload) of the work order notifications written to bus.bus since mark_bus()."""
        self.flush_tracking()
        rows = self.env["bus.bus"].sudo().search([("id", ">", self.last_bus_id)], order="id")
        self.mark_bus()
        return [
            (row.channel, json.loads(row.message)["payload"])
            for row in rows if json.loads(row.message)["type"] == NOTIFICATION
        ]


@tagged("post_install", "-at_install")
class TestWorkOrderBusNotifications(BusCommon):
    def test_channel_is_the_company_dispatch_channel(self):
        channel = self.dispatch_channel(self.company)
        self.assertEqual(
            json.loads(channel),
            [self.env.cr.dbname, "res.company", self.company.id, "field_work_order_dispatch"],
        )
        self.assertEqual(channel, json.dumps(json.loads(channel), separators=(",", ":")))

    def test_every_state_change_notifies_the_ids(self):
        order = self.create_order()
        channel = self.dispatch_channel(self.company)
        self.assertEqual(self.sent(), [(channel, {"ids": [order.id]})])

        as_tech = order.with_user(self.tech).with_context(**at("2030-01-15 09:00:00"))
        as_dispatcher = order.with_user(self.dispatcher2)
        steps = [
            lambda: as_dispatcher.action_schedule(),
            lambda: as_tech.action_start(),
            lambda: as_tech.with_context(**at("2030-01-15 10:00:00")).action_hold(),
            lambda: as_tech.with_context(**at("2030-01-15 10:30:00")).action_resume(),
            lambda: (
                as_tech.checklist_ids.write({"done": True}),
                as_tech.with_context(**at("2030-01-15 11:00:00")).action_complete(),
            ),
            lambda: as_dispatcher.action_rework("Filter upside down"),
            lambda: as_tech.with_context(**at("2030-01-15 11:30:00")).action_complete(),
            lambda: as_dispatcher.action_verify(),
        ]
        states = []
        for step in steps:
            step()
            states.append(order.state)
            self.assertEqual(self.sent(), [(channel, {"ids": [order.id]})], order.state)
        self.assertEqual(states, [
            "scheduled", "in_progress", "on_hold", "in_progress", "done", "in_progress", "done",
            "verified",
        ])

        other = self.create_order()
        self.sent()
        other.with_user(self.dispatcher).action_cancel()
        self.assertEqual(self.sent(), [(channel, {"ids": [other.id]})])
        other.with_user(self.dispatcher).action_reset_draft()
        self.assertEqual(self.sent(), [(channel, {"ids": [other.id]})])

    def test_refused_transition_sends_nothing(self):
        order = self.create_order()
        self.sent()
        with self.assertRaisesRegex(UserError, "^Cannot start"):
            order.with_user(self.dispatcher).action_start()
        self.assertEqual(self.sent(), [])

    def test_one_notification_per_company(self):
        company_b = self.env["res.company"].create({"name": "Other Branch"})
        self.dispatcher.company_ids = [(4, company_b.id)]
        tech_b = new_test_user(
            self.env, "fwo_bus_tech_b", groups="base.group_user,field_work_order.group_technician",
            company_id=company_b.id, company_ids=[(6, 0, [company_b.id])],
        )
        orders_a = self.create_order() | self.create_order()
        Orders = self.env["field.work.order"].with_user(self.dispatcher).with_context(
            allowed_company_ids=[company_b.id, self.company.id]
        )
        order_b = Orders.create({"partner_id": self.customer.id, "user_id": tech_b.id})
        self.assertEqual(order_b.company_id, company_b)
        self.sent()

        (orders_a | order_b).with_user(self.dispatcher).with_context(
            allowed_company_ids=[self.company.id, company_b.id]
        ).action_cancel()
        self.assertEqual(sorted(self.sent()), sorted([
            (self.dispatch_channel(self.company), {"ids": orders_a.ids}),
            (self.dispatch_channel(company_b), {"ids": order_b.ids}),
        ]))


@tagged("post_install", "-at_install")
class TestWorkOrderBusSubscription(BusCommon, HttpCase):
    """Who listens: the subscription built by Odoo's own bus route, over a real HTTP request.

    ``/websocket/peek_notifications`` runs ``ir.websocket._build_bus_channel_list`` (our override)
    for the logged-in user and returns the channels and the notifications waiting on them.
    """

    def peek(self, login):
        self.authenticate(login, login)
        return self.make_jsonrpc_request("/websocket/peek_notifications", {
            "channels": [], "last": self.last_bus_id, "is_first_poll": True,
        })

    def changes(self, result):
        return [
            n["message"]["payload"] for n in result["notifications"]
            if n["message"]["type"] == NOTIFICATION
        ]

    def test_dispatchers_subscribe_technicians_do_not(self):
        order = self.create_order()
        self.mark_bus()
        order.with_user(self.dispatcher).action_schedule()
        order.with_user(self.tech).with_context(**at("2030-01-15 09:00:00")).action_start()
        self.flush_tracking()
        channel = json.loads(self.dispatch_channel(self.company))

        as_dispatcher = self.peek("fwo_dispatcher")
        self.assertIn(channel, as_dispatcher["channels"])
        self.assertEqual(self.changes(as_dispatcher), [{"ids": [order.id]}, {"ids": [order.id]}])

        as_tech = self.peek("fwo_tech")
        self.assertNotIn(channel, as_tech["channels"])
        self.assertFalse([c for c in as_tech["channels"] if "field_work_order_dispatch" in c])
        self.assertEqual(self.changes(as_tech), [])

        # Asking for the channel by name does not subscribe anyone: only strings are accepted
        # and they never equal the (company, name) channel.
        self.authenticate("fwo_tech", "fwo_tech")
        asked = self.make_jsonrpc_request("/websocket/peek_notifications", {
            "channels": ["field_work_order_dispatch"], "last": self.last_bus_id,
            "is_first_poll": True,
        })
        self.assertNotIn(channel, asked["channels"])
        self.assertEqual(self.changes(asked), [])

    def test_dispatcher_of_two_companies_gets_both_channels(self):
        company_b = self.env["res.company"].create({"name": "Other Branch"})
        self.dispatcher.company_ids = [(4, company_b.id)]
        result = self.peek("fwo_dispatcher")
        dispatch = [c for c in result["channels"] if "field_work_order_dispatch" in c]
        self.assertEqual(sorted(dispatch), sorted([
            json.loads(self.dispatch_channel(self.company)),
            json.loads(self.dispatch_channel(company_b)),
        ]))
