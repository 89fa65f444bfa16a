"""The customer's wishes (preferred days and time of day) from the portal to the board.

Over the real /jsonrpc route and the real portal form, as the real users. The
customer is in Brussels (UTC+1 in January, UTC+2 in July); the technicians work
the company's standard schedule (Monday to Friday, 8-12 and 13-17) in UTC;
2030-01-14 is a Monday.
"""

import json
import re
from datetime import date, datetime, timedelta

from lxml import html as lxml_html

from odoo.tests import HttpCase, new_test_user, tagged
from odoo.tools import mute_logger

from .common import WorkOrderCommon

MONDAY, TUESDAY, WEDNESDAY = "2030-01-14", "2030-01-15", "2030-01-16"


@tagged("post_install", "-at_install")
class TestDispatchWishes(WorkOrderCommon, HttpCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.tech3 = new_test_user(
            cls.env, "fwo_tech3", groups="base.group_user,field_work_order.group_technician",
            name="Theo Tech",
        )
        for user in cls.tech | cls.tech2 | cls.tech3:
            user._fwo_resource().tz = "UTC"
        cls.boiler = cls.env["field.work.order.job.type"].create({"name": "Boiler", "planned_hours": 1.5})
        cls.tech2.fwo_job_type_ids = cls.boiler  # only boilers: never suggested for HVAC Repair
        cls.customer.tz = "Europe/Brussels"
        cls.other_company = cls.env["res.company"].create({"name": "Other Field Co"})
        cls.portal = new_test_user(cls.env, "wish_portal", name="Paula Portal", groups="base.group_portal",
                                   email="wish_portal@example.com")
        cls.portal.partner_id.write({"parent_id": cls.customer.id, "tz": "Europe/Brussels"})

    # ------------------------------------------------------------------
    # helpers
    # ------------------------------------------------------------------
    def rpc(self, user, method, args, ids=None):
        """``execute_kw`` on field.work.order over /jsonrpc as ``user``: (result, error)."""
        response = self.url_open("/jsonrpc", data=json.dumps({
            "jsonrpc": "2.0", "method": "call", "id": 1, "params": {
                "service": "object", "method": "execute_kw",
                "args": [self.env.cr.dbname, user.id, user.login, "field.work.order", method,
                         [ids, *args] if ids is not None else args, {}],
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

    def intervals(self, order, start, end):
        """The order's wish intervals between two UTC times ("YYYY-MM-DD[ HH:MM:SS]")."""
        return order._fwo_wish_intervals(datetime.fromisoformat(start), datetime.fromisoformat(end))

    # ------------------------------------------------------------------
    # The wishes on the order
    # ------------------------------------------------------------------
    def test_wish_intervals(self):
        order = self.draft(preferred_date_from=MONDAY, preferred_date_to=TUESDAY,
                           preferred_window="morning")
        self.assertEqual(self.intervals(order, MONDAY, "2030-01-20"), [
            ["2030-01-14 07:00:00", "2030-01-14 11:00:00"],
            ["2030-01-15 07:00:00", "2030-01-15 11:00:00"],
        ])
        # Cut to the range asked.
        self.assertEqual(self.intervals(order, "2030-01-14 09:00:00", "2030-01-15 08:00:00"), [
            ["2030-01-14 09:00:00", "2030-01-14 11:00:00"],
            ["2030-01-15 07:00:00", "2030-01-15 08:00:00"],
        ])
        self.assertEqual(self.intervals(order, "2030-01-16", "2030-01-20"), [])
        # Whole days: consecutive days are one interval, local midnight to midnight.
        order.with_user(self.dispatcher).preferred_window = False
        self.assertEqual(self.intervals(order, "2030-01-10", "2030-01-20"),
                         [["2030-01-13 23:00:00", "2030-01-15 23:00:00"]])
        # A window on every day: the afternoons (12-17 local) of each day of the range.
        order.with_user(self.dispatcher).write({
            "preferred_date_from": False, "preferred_date_to": False, "preferred_window": "afternoon",
        })
        self.assertEqual(self.intervals(order, MONDAY, WEDNESDAY), [
            ["2030-01-14 11:00:00", "2030-01-14 16:00:00"],
            ["2030-01-15 11:00:00", "2030-01-15 16:00:00"],
        ])
        # Summer time: Brussels is UTC+2.
        order.with_user(self.dispatcher).write({
            "preferred_date_from": "2030-07-01", "preferred_date_to": "2030-07-01",
            "preferred_window": "morning",
        })
        self.assertEqual(self.intervals(order, "2030-06-28", "2030-07-05"),
                         [["2030-07-01 06:00:00", "2030-07-01 10:00:00"]])
        self.assertIs(self.intervals(self.draft(), MONDAY, WEDNESDAY), False)

    def test_who_writes_the_wishes(self):
        order = self.draft()
        wishes = {"preferred_date_from": MONDAY, "preferred_date_to": TUESDAY,
                  "preferred_window": "afternoon"}
        self.assertIs(self.ok(self.dispatcher, "write", [wishes], [order.id]), True)
        self.assertEqual(
            (str(order.preferred_date_from), str(order.preferred_date_to), order.preferred_window),
            (MONDAY, TUESDAY, "afternoon"))
        planned = self.create_order()  # Terry Tech leads it
        for name, value in wishes.items():
            self.refused(self.tech, "write", [{name: value}], "AccessError",
                         r"Only a dispatcher can change .*\(%s\)" % name, [planned.id])
        self.assertEqual(
            (planned.preferred_date_from, planned.preferred_date_to, planned.preferred_window),
            (False, False, False))
        self.refused(self.dispatcher, "write", [{"preferred_date_to": "2030-01-13"}], "ValidationError",
                     r"the last preferred day \(.*13.*\) is before the first one \(.*14.*\)", [order.id])
        self.refused(self.dispatcher, "write", [{"preferred_window": "evening"}], "ValidationError",
                     "must be one of morning, afternoon", [order.id])
        self.assertEqual(str(order.preferred_date_to), TUESDAY)

    # ------------------------------------------------------------------
    # The board and the suggestions
    # ------------------------------------------------------------------
    def test_board_carries_wishes(self):
        queued = self.draft(priority="3", preferred_date_from=MONDAY, preferred_date_to=TUESDAY,
                            preferred_window="morning")
        plain = self.draft(priority="2")
        planned = self.create_order(scheduled_start=f"{MONDAY} 13:00:00", preferred_date_from=MONDAY,
                                    preferred_date_to=MONDAY, preferred_window="afternoon")
        planned.with_user(self.dispatcher).action_schedule()
        window_only = self.create_order(scheduled_start=f"{MONDAY} 08:00:00", user_id=self.tech3.id,
                                        preferred_window="morning")
        board = self.ok(self.dispatcher, "get_dispatch_board", [f"{MONDAY} 00:00:00", f"{TUESDAY} 00:00:00"])
        queue = {entry["id"]: entry for entry in board["unplanned"]}
        self.assertEqual(queue[queued.id]["wishes"], {
            "label": "14–15 Jan, mornings",
            "intervals": [["2030-01-14 07:00:00", "2030-01-14 11:00:00"]],
        })
        self.assertIs(queue[plain.id]["wishes"], False)
        blocks = {(row["id"], block["id"]): block for row in board["technicians"] for block in row["orders"]}
        self.assertEqual(blocks[self.tech.id, planned.id]["wishes"], {
            "label": "14 Jan, afternoon",
            "intervals": [["2030-01-14 11:00:00", "2030-01-14 16:00:00"]],
        })
        self.assertEqual(blocks[self.tech3.id, window_only.id]["wishes"], {
            "label": "any day, mornings",
            "intervals": [["2030-01-14 07:00:00", "2030-01-14 11:00:00"]],
        })
        # Planning outside the wishes is the dispatcher's call: not refused.
        self.assertIs(self.ok(self.dispatcher, "action_plan",
                              [self.tech.id, f"{TUESDAY} 14:00:00", f"{TUESDAY} 16:00:00"], [queued.id]), True)
        self.assertEqual((queued.state, str(queued.scheduled_start)), ("scheduled", f"{TUESDAY} 14:00:00"))

    def test_suggestions_keep_to_wishes(self):
        order = self.draft(preferred_date_from=TUESDAY, preferred_date_to=TUESDAY,
                           preferred_window="afternoon")
        args = [f"{MONDAY} 00:00:00", "2030-01-18 00:00:00"]
        slots = self.ok(self.dispatcher, "action_suggest_slots", args, [order.id])
        # 12:00-17:00 in Brussels is 11:00-16:00 UTC; the technicians lunch from 12 to 13 UTC:
        # the only two free hours of that afternoon start at 13:00 UTC (14:00 local).
        for slot in slots:
            self.assertTrue(f"{TUESDAY} 11:00:00" <= slot["start"] < slot["end"] <= f"{TUESDAY} 16:00:00", slot)
        ours = [(s["user_id"], s["start"], s["end"]) for s in slots
                if s["user_id"] in (self.tech | self.tech2 | self.tech3).ids]
        self.assertEqual(sorted(ours), sorted([
            (self.tech.id, f"{TUESDAY} 13:00:00", f"{TUESDAY} 15:00:00"),
            (self.tech3.id, f"{TUESDAY} 13:00:00", f"{TUESDAY} 15:00:00"),
        ]))
        # A wish with no working time in it: no suggestion at all.
        order.with_user(self.dispatcher).write({
            "preferred_date_from": "2030-01-19", "preferred_date_to": "2030-01-20"})  # a weekend
        self.assertEqual(self.ok(self.dispatcher, "action_suggest_slots", args, [order.id]), [])
        # Without wishes: as before, the first free slots of the range.
        order.with_user(self.dispatcher).write({
            "preferred_date_from": False, "preferred_date_to": False, "preferred_window": False})
        terry = [s for s in self.ok(self.dispatcher, "action_suggest_slots", args, [order.id])
                 if s["user_id"] == self.tech.id]
        self.assertEqual([(s["start"], s["end"]) for s in terry][:2], [
            (f"{MONDAY} 08:00:00", f"{MONDAY} 10:00:00"), (f"{MONDAY} 13:00:00", f"{MONDAY} 15:00:00"),
        ])

    # ------------------------------------------------------------------
    # The portal's request form
    # ------------------------------------------------------------------
    def post_request(self, **values):
        page = self.url_open("/my/work-orders/request")
        self.assertEqual(page.status_code, 200)
        csrf = re.search(r'name="csrf_token" value="([^"]+)"', page.text).group(1)
        form = {
            "csrf_token": csrf, "service_partner_id": str(self.customer.id),
            "description": "The boiler makes a knocking noise.", "priority": "0", **values,
        }
        return self.url_open("/my/work-orders/request", data=form)

    def count(self):
        return self.env["field.work.order"].sudo().with_context(active_test=False).search_count([])

    def test_portal_request_with_service_type_and_wishes(self):
        self.authenticate("wish_portal", "wish_portal")
        page = lxml_html.fromstring(self.url_open("/my/work-orders/request").content)
        offered = page.xpath("//select[@name='job_type_id']/option/@value")
        self.assertIn(str(self.job_type.id), offered)
        self.assertIn(str(self.boiler.id), offered)
        self.assertEqual(page.xpath("//select[@name='preferred_window']/option/@value"),
                         ["", "morning", "afternoon"])
        first, last = date.today() + timedelta(days=7), date.today() + timedelta(days=9)
        before = self.count()
        response = self.post_request(job_type_id=str(self.job_type.id), preferred_date_from=str(first),
                                     preferred_date_to=str(last), preferred_window="afternoon")
        self.assertIn("message=requested", response.url)
        self.assertEqual(self.count(), before + 1)
        order = self.env["field.work.order"].search([], order="id desc", limit=1)
        self.assertEqual(order.partner_id, self.portal.partner_id)
        self.assertEqual((order.job_type_id, order.preferred_date_from, order.preferred_date_to,
                          order.preferred_window), (self.job_type, first, last, "afternoon"))
        self.assertEqual(len(order.checklist_ids), 2)  # the job type's checklist came with it
        # The dispatcher's queue shows them.
        start = f"{first} 00:00:00"
        board = self.ok(self.dispatcher, "get_dispatch_board", [start, f"{last + timedelta(days=1)} 00:00:00"])
        entry = next(e for e in board["unplanned"] if e["id"] == order.id)
        self.assertEqual(len(entry["wishes"]["intervals"]), 3)
        self.assertRegex(entry["wishes"]["label"], r", afternoons$")
        # Nothing chosen: an order without job type nor wishes, as before.
        response = self.post_request()
        self.assertIn("message=requested", response.url)
        order = self.env["field.work.order"].search([], order="id desc", limit=1)
        self.assertEqual((order.job_type_id.id, order.preferred_date_from, order.preferred_window),
                         (False, False, False))

    def test_portal_request_bad_wishes_create_nothing(self):
        self.authenticate("wish_portal", "wish_portal")
        foreign = self.env["field.work.order.job.type"].create({
            "name": "Far Away", "company_id": self.other_company.id})
        archived = self.env["field.work.order.job.type"].create({"name": "Old", "active": False})
        today = date.today()
        cases = [
            ("unknown job type", {"job_type_id": "987654321"}, "type of service from the list"),
            ("job type that is no number", {"job_type_id": "1 OR 1=1"}, "type of service from the list"),
            ("another company's job type", {"job_type_id": str(foreign.id)}, "type of service from the list"),
            ("archived job type", {"job_type_id": str(archived.id)}, "type of service from the list"),
            ("last day before the first", {"preferred_date_from": str(today + timedelta(days=5)),
                                           "preferred_date_to": str(today + timedelta(days=3))},
             "last preferred day is before the first one"),
            ("first day in the past", {"preferred_date_from": str(today - timedelta(days=1))},
             "first preferred day .* is in the past"),
            ("last day in the past", {"preferred_date_to": str(today - timedelta(days=2))},
             "last preferred day .* is in the past"),
            ("no date", {"preferred_date_from": "next week"}, "first preferred day must be a date"),
            ("unknown window", {"preferred_window": "evening"}, "preferred time from the list"),
        ]
        for label, values, message in cases:
            with self.subTest(label):
                before = self.count()
                response = self.post_request(**values)
                self.assertEqual(response.status_code, 400)
                root = lxml_html.fromstring(response.content)
                errors = root.xpath("//div[contains(@class, 'fwo_portal_error')]")
                self.assertEqual(len(errors), 1)
                self.assertRegex(errors[0].text_content(), message)
                # The form comes back with what the customer chose.
                for name, value in values.items():
                    if name.startswith("preferred_date"):
                        self.assertEqual(root.xpath(f"//input[@name='{name}']/@value"), [value])
                self.assertEqual(self.count(), before)
