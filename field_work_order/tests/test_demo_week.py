"""The dispatcher's demo week loads and the board shows it, over XML-RPC as the demo dispatcher.

The test databases are made without demo data: the demo files are loaded here, in the
test's transaction, exactly as installing with demo data loads them (a database that has
them already is read as it is). The week is the one of the day the demo is loaded.
"""

from datetime import datetime, timedelta

import pytz

from odoo import fields
from odoo.tests import HttpCase, tagged
from odoo.tools import convert_file

from ..models.field_work_order_dispatch import WIRE_DATETIME

DEMO_FILES = ("demo/field_work_order_demo.xml", "demo/field_work_order_demo_dispatch.xml")
BRUSSELS = pytz.timezone("Europe/Brussels")
TECHNICIANS = {"tech1": 40, "tech2": 40, "tech3": 40, "tech4": 40, "tech5": 24, "tech6": 24}


@tagged("post_install", "-at_install")
class TestDemoWeek(HttpCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.loaded_here = not cls.env.ref("field_work_order.user_dispatcher", raise_if_not_found=False)
        if cls.loaded_here:
            for path in DEMO_FILES:
                convert_file(cls.env, "field_work_order", path, {}, mode="init", kind="demo")
        cls.loaded_at = fields.Datetime.now()
        # The demo's week, as the demo file reads it: this one, or on a weekend the coming one.
        today = datetime.today().replace(hour=0, minute=0, second=0, microsecond=0)
        cls.monday = today + timedelta(days=(7 - today.weekday()) % 7 if today.weekday() >= 5
                                       else -today.weekday())

    def utc(self, local):
        return BRUSSELS.localize(local).astimezone(pytz.utc).replace(tzinfo=None)

    def board(self, first_day, days=7):
        """The board of ``days`` days from ``first_day`` (Brussels), read as the demo dispatcher."""
        start = self.utc(first_day)
        end = self.utc(first_day + timedelta(days=days))
        uid = self.xmlrpc_common.authenticate(self.env.cr.dbname, "dispatcher", "dispatcher", {})
        self.assertTrue(uid)
        return self.xmlrpc_object.execute_kw(
            self.env.cr.dbname, uid, "dispatcher", "field.work.order", "get_dispatch_board",
            [start.strftime(WIRE_DATETIME), end.strftime(WIRE_DATETIME)])

    def demo_orders(self, prefix):
        data = self.env["ir.model.data"].search([
            ("module", "=", "field_work_order"), ("model", "=", "field.work.order"),
            ("name", "=like", prefix + "%"),
        ])
        return self.env["field.work.order"].browse(data.mapped("res_id"))

    def test_this_week(self):
        board = self.board(self.monday)
        logins = {user.id: user.login for user in self.env["res.users"].search([])}
        rows = {logins[row["id"]]: row for row in board["technicians"]}
        self.assertEqual(set(rows), set(TECHNICIANS), "the six demo technicians, no one else")
        names = sorted(row["name"] for row in board["technicians"])
        self.assertIn("Maria Lopez", names)
        self.assertIn("Marc Dubois", names)
        for login, hours in TECHNICIANS.items():
            row = rows[login]
            self.assertEqual(row["available_hours"], hours, login)
        # Sofia works Monday to Wednesday: 8-12 and 13-17 on three days.
        self.assertEqual(len(rows["tech5"]["working"]), 6)
        self.assertEqual(rows["tech5"]["working"][0][0],
                         self.utc(self.monday + timedelta(hours=8)).strftime(WIRE_DATETIME))
        # Karim is on a training course on Wednesday and Thursday.
        self.assertEqual(rows["tech6"]["time_off"], [[
            self.utc(self.monday + timedelta(days=2)).strftime(WIRE_DATETIME),
            self.utc(self.monday + timedelta(days=3, hours=23, minutes=59)).strftime(WIRE_DATETIME),
            "Training course",
        ]])
        self.assertFalse(any(rows[login]["time_off"] for login in TECHNICIANS if login != "tech6"))
        # Qualifications: Marc boilers, HVAC and preventive; Maria every job type.
        job_types = self.env["field.work.order.job.type"].search([]).grouped("name")
        self.assertEqual(sorted(rows["tech4"]["qualifications"]), sorted(
            (job_types["Boiler Service"] | job_types["HVAC Repair"]
             | job_types["Preventive Maintenance"]).ids))
        self.assertEqual(rows["tech3"]["qualifications"], [])

        week = self.demo_orders("order_week_")
        this_week = week.filtered(lambda o: o.scheduled_start < self.utc(self.monday + timedelta(days=7)))
        self.assertEqual((len(week), len(this_week)), (38, 32))
        shown = {block["id"]: (login, block) for login, row in rows.items() for block in row["orders"]
                 if not block["helper"]}
        self.assertGreaterEqual(len(shown), 32)
        for order in this_week:
            login, block = shown[order.id]
            self.assertEqual(login, order.user_id.login, order.name)
            self.assertTrue(block["located"], order.name)
        self.assertIn("Brussels", shown[this_week[0].id][1]["address"])
        helped = [block for block in rows["tech2"]["orders"] if block["helper"]]
        self.assertEqual(len(helped), 1, "Tina helps Tom on Wednesday morning")

        queue = self.demo_orders("order_queue_")
        unplanned = [entry for entry in board["unplanned"] if not entry["technician_off"]]
        self.assertGreaterEqual(len(unplanned), 8)
        self.assertEqual(unplanned[0]["id"], queue.filtered(lambda o: o.priority == "3").id)
        self.assertEqual([entry["priority"] for entry in unplanned],
                         sorted((entry["priority"] for entry in unplanned), reverse=True))
        self.assertLessEqual(set(queue.ids), {entry["id"] for entry in unplanned})
        # Karim's Wednesday job was planned before his course was booked: back in the queue.
        off = [entry["id"] for entry in board["unplanned"] if entry["technician_off"]]
        self.assertEqual(off, self.env.ref("field_work_order.order_week_karim_2_2").ids)

        if self.loaded_here:
            # What already happened this week is done, the job under way in progress.
            for order in this_week:
                if order.scheduled_end < self.loaded_at - timedelta(minutes=1):
                    self.assertEqual(order.state, "done", order.name)
                elif order.scheduled_start > self.loaded_at + timedelta(minutes=1):
                    self.assertEqual(order.state, "scheduled", order.name)
            self.assertEqual(set((week - this_week).mapped("state")), {"scheduled"})
            self.assertEqual(set(queue.mapped("state")), {"draft"})
            self.assertFalse(queue.user_id)

    def test_next_week(self):
        board = self.board(self.monday + timedelta(days=7))
        booked = sum(len(row["orders"]) for row in board["technicians"])
        self.assertGreaterEqual(booked, 6)
        logins = {user.id: user.login for user in self.env["res.users"].search([])}
        rows = {logins[row["id"]]: row for row in board["technicians"]}
        self.assertEqual(rows["tech5"]["available_hours"], 24)
        self.assertEqual(rows["tech6"]["available_hours"], 40, "back from the course")
        self.assertFalse(rows["tech6"]["time_off"])
