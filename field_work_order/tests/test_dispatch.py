"""The dispatch board's server contract over the real /jsonrpc route, as the real users.

``action_plan`` (a drop), ``get_dispatch_board``, ``action_suggest_slots`` and
``get_route``: their effects, every refusal, and the figures they answer. The
technicians work the company's standard schedule (Monday to Friday, 8-12 and
13-17) in UTC; 2030-01-14 is a Monday.
"""

import json
from datetime import datetime

from odoo.tests import HttpCase, new_test_user, tagged
from odoo.tools import mute_logger

from .common import WorkOrderCommon

MONDAY, TUESDAY = "2030-01-14", "2030-01-15"


@tagged("post_install", "-at_install")
class TestDispatch(WorkOrderCommon, HttpCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.tech3 = new_test_user(
            cls.env, "fwo_tech3", groups="base.group_user,field_work_order.group_technician",
            name="Theo Tech",
        )
        technicians = cls.tech | cls.tech2 | cls.tech3
        for user in technicians:
            user._fwo_resource().tz = "UTC"
        cls.boiler = cls.env["field.work.order.job.type"].create({"name": "Boiler", "planned_hours": 1.5})
        cls.tech2.fwo_job_type_ids = cls.boiler  # only boilers
        cls.env["resource.calendar.leaves"].with_user(cls.dispatcher).create({
            "name": "Dentist", "resource_id": cls.tech3._fwo_resource().id,
            "date_from": f"{MONDAY} 00:00:00", "date_to": f"{MONDAY} 23:59:59",
        })
        Partner = cls.env["res.partner"]
        # On one meridian: 0.1 degree of latitude is 11.1195 km.
        cls.site_a = Partner.create({"name": "Site A", "parent_id": cls.customer.id, "type": "other",
                                     "partner_latitude": 50.0, "partner_longitude": 4.0})
        cls.site_b = Partner.create({"name": "Site B", "parent_id": cls.customer.id, "type": "other",
                                     "partner_latitude": 50.1, "partner_longitude": 4.0})
        cls.site_c = Partner.create({"name": "Site C", "parent_id": cls.customer.id, "type": "other",
                                     "partner_latitude": 50.3, "partner_longitude": 4.0})
        cls.company.write({"fwo_road_factor": 1.3, "fwo_average_speed": 40.0,
                           "fwo_maps_url": "https://maps.example.com/dir/"})
        cls.other_company = cls.env["res.company"].create({"name": "Other Field Co"})

    def rpc(self, user, method, args, kwargs=None, ids=None):
        """``execute_kw`` on field.work.order over /jsonrpc as ``user``: (result, error)."""
        response = self.url_open("/jsonrpc", data=json.dumps({
            "jsonrpc": "2.0", "method": "call", "id": 1, "params": {
                "service": "object", "method": "execute_kw",
                "args": [self.env.cr.dbname, user.id, user.login, "field.work.order", method,
                         [ids, *args] if ids is not None else args, kwargs or {}],
            },
        }), headers={"Content-Type": "application/json"})
        self.env.invalidate_all()
        body = response.json()
        return body.get("result"), body.get("error")

    def ok(self, user, method, args, ids=None):
        result, error = self.rpc(user, method, args, ids=ids)
        self.assertFalse(error, error and error["data"]["message"])
        return result

    def refused(self, user, method, args, kind, pattern, ids=None):
        with mute_logger("odoo.http"):
            result, error = self.rpc(user, method, args, ids=ids)
        self.assertTrue(error, f"{method} was allowed: {result!r}")
        self.assertEqual(error["data"]["name"], f"odoo.exceptions.{kind}", error["data"]["message"])
        self.assertRegex(error["data"]["message"], pattern)

    def draft(self, **vals):
        return self.create_order(user_id=False, scheduled_start=False, **vals)

    def test_plan_a_draft_order(self):
        order = self.draft(service_partner_id=self.site_a.id)
        self.assertIs(self.ok(self.dispatcher, "action_plan",
                              [self.tech.id, f"{MONDAY} 10:00:00", f"{MONDAY} 12:00:00"], [order.id]),
                      True)
        self.assertEqual((order.state, order.user_id, order.technician_ids), ("scheduled", self.tech, self.tech))
        self.assertEqual((str(order.scheduled_start), str(order.scheduled_end)),
                         (f"{MONDAY} 10:00:00", f"{MONDAY} 12:00:00"))

    def test_plan_moves_scheduled_and_on_hold_orders(self):
        stock = self.env["stock.warehouse"].search([("company_id", "=", self.company.id)], limit=1).lot_stock_id
        pump = self.env["product.product"].create({"name": "Pump", "type": "consu", "is_storable": True})
        self.env["stock.quant"]._update_available_quantity(pump, stock, 5)
        scheduled = self.create_order(
            location_id=stock.id, technician_ids=[(4, self.tech3.id)], job_type_id=self.boiler.id,
            material_ids=[(0, 0, {"product_id": pump.id, "product_uom_qty": 2})],
        )
        scheduled.with_user(self.dispatcher).action_schedule()
        picking = scheduled.sudo().picking_ids
        self.assertEqual(len(picking), 1)
        self.ok(self.dispatcher, "action_plan",
                [self.tech2.id, f"{TUESDAY} 13:00:00", f"{TUESDAY} 15:30:00"], [scheduled.id])
        self.assertEqual((scheduled.state, scheduled.user_id), ("scheduled", self.tech2))
        self.assertEqual(scheduled.technician_ids, self.tech2 | self.tech3)  # the lead replaced, the helper kept
        self.assertEqual(str(picking.scheduled_date), f"{TUESDAY} 13:00:00")
        self.assertEqual(len(scheduled.sudo().picking_ids), 1)

        on_hold = self.order_in_state("on_hold")
        self.ok(self.dispatcher, "action_plan",
                [self.tech.id, f"{TUESDAY} 08:00:00", f"{TUESDAY} 09:00:00"], [on_hold.id])
        self.assertEqual((on_hold.state, str(on_hold.scheduled_start)), ("on_hold", f"{TUESDAY} 08:00:00"))

    def test_plan_refusals(self):
        order = self.draft()
        args = [self.tech.id, f"{MONDAY} 10:00:00", f"{MONDAY} 12:00:00"]
        self.refused(self.tech, "action_plan", args, "AccessError", ".", [order.id])
        self.refused(self.accountant, "action_plan", args, "AccessError", "Only a dispatcher", [order.id])
        self.refused(self.dispatcher, "action_plan", [self.tech3.id, f"{MONDAY} 10:00:00", f"{MONDAY} 12:00:00"],
                     "UserError", r"Theo Tech is off from 2030-01-14 00:00 to 2030-01-14 23:59 "
                     r"\(UTC\) \(Dentist\)", [order.id])
        self.refused(self.dispatcher, "action_plan", [self.tech2.id, *args[1:]], "UserError",
                     "Tess Tech is not qualified for HVAC Repair jobs", [order.id])
        self.refused(self.dispatcher, "action_plan", [self.tech.id, f"{MONDAY} 12:00:00", f"{MONDAY} 10:00:00"],
                     "UserError", "The end must be after the start", [order.id])
        self.refused(self.dispatcher, "action_plan", [self.tech.id, "tomorrow", f"{MONDAY} 10:00:00"],
                     "UserError", "UTC time as 'YYYY-MM-DD HH:MM:SS'", [order.id])
        self.refused(self.dispatcher, "action_plan", [self.customer.id, *args[1:]], "UserError",
                     "is not a field technician", [order.id])
        for state in ("in_progress", "done", "verified", "cancelled"):
            self.refused(self.dispatcher, "action_plan", args, "UserError", "Cannot plan",
                         [self.order_in_state(state).id])
        foreign = self.env["field.work.order"].sudo().create({
            "partner_id": self.env["res.partner"].create({"name": "Far", "company_id": self.other_company.id}).id,
            "company_id": self.other_company.id,
        })
        self.refused(self.dispatcher, "action_plan", args, "AccessError", ".", [foreign.id])
        self.assertEqual((order.state, order.user_id.id, order.scheduled_start), ("draft", False, False))

    def test_board(self):
        planned = self.create_order(scheduled_start=f"{MONDAY} 09:00:00", scheduled_end=f"{MONDAY} 11:00:00",
                                    service_partner_id=self.site_a.id, technician_ids=[(4, self.tech3.id)])
        planned.with_user(self.dispatcher).action_schedule()
        clash = self.create_order(scheduled_start=f"{MONDAY} 10:30:00", scheduled_end=f"{MONDAY} 11:30:00",
                                  service_partner_id=self.site_c.id)
        late = self.create_order(scheduled_start=f"{MONDAY} 17:30:00", scheduled_end=f"{MONDAY} 18:30:00")
        queued = self.draft(priority="2")
        self.env["field.work.order"].sudo().create({  # another company's: never shown
            "partner_id": self.env["res.partner"].create({"name": "Far", "company_id": self.other_company.id}).id,
            "company_id": self.other_company.id, "scheduled_start": f"{MONDAY} 09:00:00",
        })
        board = self.ok(self.dispatcher, "get_dispatch_board", [f"{MONDAY} 00:00:00", f"{TUESDAY} 00:00:00"])
        rows = {row["id"]: row for row in board["technicians"]}
        self.assertTrue({self.tech.id, self.tech2.id, self.tech3.id} <= set(rows))
        self.assertNotIn(self.dispatcher.id, rows)
        terry = rows[self.tech.id]
        self.assertEqual([b["id"] for b in terry["orders"]], [planned.id, clash.id, late.id])
        self.assertEqual(terry["working"], [["2030-01-14 08:00:00", "2030-01-14 12:00:00"],
                                            ["2030-01-14 13:00:00", "2030-01-14 17:00:00"]])
        self.assertEqual((terry["available_hours"], terry["booked_hours"]), (8.0, 4.0))
        self.assertEqual(rows[self.tech3.id]["time_off"][0][2], "Dentist")
        self.assertEqual(rows[self.tech3.id]["available_hours"], 0.0)
        self.assertEqual([(b["id"], b["helper"]) for b in rows[self.tech3.id]["orders"]], [(planned.id, True)])
        self.assertEqual(rows[self.tech2.id]["qualifications"], [self.boiler.id])
        self.assertEqual(rows[self.tech3.id]["resource_id"], self.tech3._fwo_resource().id)
        self.assertIn(queued.id, [o["id"] for o in board["unplanned"]])
        self.assertEqual(board["unplanned"][0]["priority"], "2")
        kinds = sorted((c["type"], c["user_id"], tuple(c["order_ids"])) for c in board["conflicts"])
        self.assertIn(("overlap", self.tech.id, (planned.id, clash.id)), kinds)
        self.assertIn(("outside_hours", self.tech.id, (late.id,)), kinds)
        self.assertIn(("time_off", self.tech3.id, (planned.id,)), kinds)
        all_ids = {b["id"] for row in board["technicians"] for b in row["orders"]}
        self.assertEqual(all_ids, {planned.id, clash.id, late.id})
        self.refused(self.tech, "get_dispatch_board", [f"{MONDAY} 00:00:00", f"{TUESDAY} 00:00:00"],
                     "AccessError", "Only a dispatcher")
        self.refused(self.accountant, "get_dispatch_board", [f"{MONDAY} 00:00:00", f"{TUESDAY} 00:00:00"],
                     "AccessError", "Only a dispatcher")

    def test_board_travel_conflict(self):
        first = self.create_order(scheduled_start=f"{MONDAY} 09:00:00", scheduled_end=f"{MONDAY} 10:00:00",
                                  service_partner_id=self.site_a.id)
        second = self.create_order(scheduled_start=f"{MONDAY} 10:10:00", scheduled_end=f"{MONDAY} 11:00:00",
                                   service_partner_id=self.site_b.id)
        board = self.ok(self.dispatcher, "get_dispatch_board", [f"{MONDAY} 00:00:00", f"{TUESDAY} 00:00:00"])
        travel = [c for c in board["conflicts"] if c["type"] == "travel"]
        self.assertEqual([tuple(c["order_ids"]) for c in travel], [(first.id, second.id)])
        self.assertIn("22 min of travel", travel[0]["reason"])

    def test_board_queries_do_not_grow(self):
        Order = self.env["field.work.order"].with_user(self.dispatcher)

        def queries():
            self.env.invalidate_all()
            before = self.env.cr.sql_log_count
            Order.get_dispatch_board(f"{MONDAY} 00:00:00", f"{TUESDAY} 00:00:00")
            return self.env.cr.sql_log_count - before

        def add(hour):
            self.create_order(scheduled_start=f"{MONDAY} {hour:02d}:00:00")
            self.create_order(scheduled_start=f"{MONDAY} {hour:02d}:00:00", user_id=self.tech2.id,
                              job_type_id=self.boiler.id, service_partner_id=self.site_a.id)
            self.draft(service_partner_id=self.site_b.id)

        # Every kind of block and conflict from the start: consecutive orders (travel),
        # overlapping ones, one outside working hours, drafts in the queue.
        for hour in (8, 9, 10):
            add(hour)
        self.create_order(scheduled_start=f"{MONDAY} 17:30:00")
        queries()  # the first call fills Odoo's caches (xml ids of the groups)
        few = queries()
        for hour in range(11, 17):
            add(hour)
        self.assertEqual(queries(), few)

    def test_suggestions(self):
        busy = self.create_order(scheduled_start=f"{MONDAY} 08:00:00", scheduled_end=f"{MONDAY} 10:00:00",
                                 service_partner_id=self.site_a.id)
        busy.with_user(self.dispatcher).action_schedule()
        order = self.draft(service_partner_id=self.site_b.id)
        wednesday = "2030-01-16"
        slots = self.ok(self.dispatcher, "action_suggest_slots", [f"{MONDAY} 00:00:00", f"{wednesday} 00:00:00"],
                        [order.id])
        users = {slot["user_id"] for slot in slots}
        self.assertNotIn(self.tech2.id, users)  # not qualified for HVAC Repair
        self.assertNotIn((self.tech3.id, MONDAY), {(s["user_id"], s["start"][:10]) for s in slots})  # off
        travels = [slot["travel_minutes"] for slot in slots]
        self.assertEqual(travels, sorted(travels))
        terry = [slot for slot in slots if slot["user_id"] == self.tech.id]
        # Monday morning: busy until 10:00, then 22 minutes to drive: 10:30 + 2 h ends after 12:00.
        self.assertEqual(terry, [
            {"user_id": self.tech.id, "start": f"{TUESDAY} 08:00:00", "end": f"{TUESDAY} 10:00:00",
             "travel_minutes": 0},
            {"user_id": self.tech.id, "start": f"{TUESDAY} 13:00:00", "end": f"{TUESDAY} 15:00:00",
             "travel_minutes": 0},
            {"user_id": self.tech.id, "start": f"{MONDAY} 13:00:00", "end": f"{MONDAY} 15:00:00",
             "travel_minutes": 22},
        ])
        for slot in slots:
            start, end = (datetime.strptime(slot[k], "%Y-%m-%d %H:%M:%S") for k in ("start", "end"))
            self.assertEqual((end - start).total_seconds(), 2 * 3600)
            self.assertTrue(8 <= start.hour and (end.hour < 12 or (end.hour, end.minute) == (12, 0))
                            or 13 <= start.hour and (end.hour, end.minute) <= (17, 0), slot)
            if slot["user_id"] == self.tech.id:
                self.assertTrue(end <= busy.scheduled_start or start >= busy.scheduled_end, slot)
        self.refused(self.accountant, "action_suggest_slots", [f"{MONDAY} 00:00:00", f"{TUESDAY} 00:00:00"],
                     "AccessError", "Only a dispatcher", [order.id])

    def test_route(self):
        orders = [
            self.create_order(scheduled_start=f"{MONDAY} {hour}:00:00", service_partner_id=site.id)
            for hour, site in (("08", self.site_a), ("13", self.site_c), ("10", self.site_b),
                               ("15", self.site))
        ]
        route = self.ok(self.dispatcher, "get_route", [self.tech.id, MONDAY])
        self.assertEqual([stop["order_id"] for stop in route["stops"]],
                         [orders[0].id, orders[2].id, orders[1].id, orders[3].id])
        self.assertEqual([stop["travel_minutes"] for stop in route["stops"]], [False, 22, 43, False])
        self.assertEqual([stop["located"] for stop in route["stops"]], [True, True, True, False])
        self.assertEqual(route["travel_minutes"], 65)
        self.assertEqual(route["unlocated"], [orders[3].name])
        self.assertEqual(route["maps_url"], "https://maps.example.com/dir/50.000000,4.000000/"
                                            "50.100000,4.000000/50.300000,4.000000")
        mine = self.ok(self.tech, "get_route", [self.tech.id, MONDAY])
        self.assertEqual(len(mine["stops"]), 4)
        self.refused(self.tech2, "get_route", [self.tech.id, MONDAY], "AccessError", "Only a dispatcher")
        self.refused(self.accountant, "get_route", [self.tech.id, MONDAY], "AccessError", ".")

    def test_dispatchers_land_on_the_board(self):
        """A new dispatcher opens Odoo on the board; a chosen home action, technicians and
        administrators are left alone."""
        board = self.env.ref("field_work_order.field_work_order_dispatch_action")
        kanban = self.env.ref("field_work_order.field_work_order_action")
        new = new_test_user(self.env, "fwo_new_dispatcher",
                            groups="base.group_user,field_work_order.group_dispatcher")
        chosen = new_test_user(self.env, "fwo_chosen_dispatcher", action_id=kanban.id,
                               groups="base.group_user,field_work_order.group_dispatcher")
        promoted = new_test_user(self.env, "fwo_promoted",
                                 groups="base.group_user,field_work_order.group_technician")
        self.assertFalse(promoted.action_id)
        self.assertFalse(self.tech.action_id)
        self.assertFalse(self.env.ref("base.user_admin").action_id)
        promoted.groups_id += self.env.ref("field_work_order.group_dispatcher")
        self.assertEqual([new.action_id.id, chosen.action_id.id, promoted.action_id.id],
                         [board.id, kanban.id, board.id])
