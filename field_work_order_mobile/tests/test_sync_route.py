"""Today's route in the pull, over the real /jsonrpc route as the technician.

The technician works in Asia/Kolkata (UTC+5:30, no daylight saving time), so "today"
is their day, not the server's: a stop at 05:00 there is at 23:30 UTC the day before.
The sites lie on one meridian (0.1 degree of latitude is 11.1195 km); at a road factor
of 1.3 and 40 km/h, 0.1 degree takes 22 minutes and 0.2 degree 43 (see
field_work_order's ``TestDispatch.test_route``).
"""

import json
import xmlrpc.client
from datetime import datetime, time, timedelta

import pytz

from odoo import fields
from odoo.tests import HttpCase, tagged

from .common import SyncCommon

TZ = pytz.timezone("Asia/Kolkata")
COMPANY_TZ = pytz.timezone("America/New_York")


def local_today(tz):
    return pytz.utc.localize(fields.Datetime.now()).astimezone(tz).date()


def utc(day, hour, minute=0, tz=TZ):
    """The wire UTC time of ``hour:minute`` on ``day`` in ``tz``."""
    local = tz.localize(datetime.combine(day, time(hour, minute)))
    return local.astimezone(pytz.utc).strftime("%Y-%m-%d %H:%M:%S")


@tagged("post_install", "-at_install")
class TestSyncRoute(SyncCommon, HttpCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.tech.tz = "Asia/Kolkata"
        cls.tech2.tz = False  # counts their day in the company's time zone
        cls.company.partner_id.tz = COMPANY_TZ.zone
        Partner = cls.env["res.partner"]
        cls.site_a, cls.site_b, cls.site_c = Partner.create([
            {"name": f"Site {name}", "parent_id": cls.customer.id, "type": "other",
             "street": f"{number} Meridian Road", "city": "Springfield",
             "partner_latitude": latitude, "partner_longitude": 4.0}
            for name, number, latitude in (("A", 1, 50.0), ("B", 2, 50.1), ("C", 3, 50.3))
        ])
        cls.company.write({"fwo_road_factor": 1.3, "fwo_average_speed": 40.0,
                           "fwo_maps_url": "https://maps.example.com/dir/"})
        cls.today = local_today(TZ)
        day = cls.today
        cls.stops = [
            cls.create_order(scheduled_start=utc(day, hour), service_partner_id=site.id)
            for hour, site in ((13, cls.site_c), (5, cls.site_a), (15, cls.site), (10, cls.site_b))
        ]
        # Not on the route: after the technician's midnight (still today in UTC), cancelled,
        # and another technician's.
        cls.tomorrow = cls.create_order(scheduled_start=utc(day + timedelta(days=1), 0, 10),
                                        service_partner_id=cls.site_a.id)
        cls.cancelled = cls.create_order(scheduled_start=utc(day, 11), service_partner_id=cls.site_b.id)
        cls.cancelled.with_user(cls.dispatcher).action_cancel()
        cls.others = cls.create_order(scheduled_start=utc(local_today(COMPANY_TZ), 9, tz=COMPANY_TZ),
                                      user_id=cls.tech2.id)

    def pull_page(self, user, **kwargs):
        """One ``sync_pull`` over /jsonrpc as ``user`` (login and password)."""
        response = self.url_open("/jsonrpc", data=json.dumps({
            "jsonrpc": "2.0", "method": "call", "id": 1, "params": {
                "service": "object", "method": "execute_kw",
                "args": [self.env.cr.dbname, user.id, user.login, "field.work.order", "sync_pull",
                         [], kwargs],
            },
        }), headers={"Content-Type": "application/json"})
        body = response.json()
        self.assertFalse(body.get("error"), body.get("error"))
        return body["result"]

    def test_pull_carries_todays_route(self):
        page = self.pull_page(self.tech)
        xmlrpc.client.dumps((page,), allow_none=False)  # what Odoo's /xmlrpc/2 does
        route = page["route"]
        a, b, c, annex = self.stops[1], self.stops[3], self.stops[0], self.stops[2]
        self.assertEqual((route["user_id"], route["day"], route["tz"]),
                         (self.tech.id, self.today.isoformat(), "Asia/Kolkata"))
        self.assertEqual([stop["order_id"] for stop in route["stops"]], [a.id, b.id, c.id, annex.id])
        self.assertEqual([stop["start"] for stop in route["stops"]],
                         [utc(self.today, 5), utc(self.today, 10), utc(self.today, 13), utc(self.today, 15)])
        self.assertEqual(route["stops"][0]["start"][11:], "23:30:00")  # the day before, in UTC
        self.assertEqual([stop["travel_minutes"] for stop in route["stops"]], [False, 22, 43, False])
        self.assertEqual([stop["distance_km"] for stop in route["stops"]], [False, 11.1, 22.2, False])
        self.assertEqual([stop["located"] for stop in route["stops"]], [True, True, True, False])
        self.assertEqual(route["travel_minutes"], 65)
        self.assertEqual(route["unlocated"], [annex.name])
        self.assertEqual(route["maps_url"], "https://maps.example.com/dir/50.000000,4.000000/"
                                            "50.100000,4.000000/50.300000,4.000000")
        first = route["stops"][0]
        self.assertEqual((first["name"], first["partner"]), (a.name, "Acme Offices"))
        self.assertIn("1 Meridian Road", first["address"])
        # The same answer the dispatch board's method gives for that day.
        self.assertEqual({k: v for k, v in route.items() if k != "tz"},
                         self.Order.with_user(self.dispatcher).get_route(self.tech.id, self.today.isoformat()))
        # The orders of the route are in the pull: the app opens them offline.
        self.assertLessEqual({stop["order_id"] for stop in route["stops"]},
                             {order["id"] for order in page["orders"]})

    def test_route_on_every_page_and_per_technician(self):
        first = self.pull_page(self.tech, limit=4)
        last = self.pull_page(self.tech, cursor=first["cursor"], limit=4)
        self.assertEqual((first["has_more"], last["has_more"]), (True, False))
        self.assertEqual(first["route"], last["route"])
        self.assertEqual(len(last["route"]["stops"]), 4)
        theirs = self.pull_page(self.tech2)["route"]
        self.assertEqual((theirs["user_id"], theirs["tz"]), (self.tech2.id, "America/New_York"))
        self.assertEqual([stop["order_id"] for stop in theirs["stops"]], [self.others.id])
        self.assertEqual((theirs["travel_minutes"], theirs["unlocated"], theirs["maps_url"]),
                         (0, [self.others.name], False))

    def test_route_costs_the_same_queries_for_4_or_12_stops(self):
        def queries():
            self.env.invalidate_all()
            before = self.env.cr.sql_log_count
            route = self.Order.with_user(self.tech)._sync_route()
            return self.env.cr.sql_log_count - before, len(route["stops"])

        queries()  # warm up caches (rules, fields, groups)
        small = queries()
        sites = self.env["res.partner"].create([
            {"name": f"Extra {i}", "parent_id": self.customer.id, "type": "other",
             "partner_latitude": 50.0 + i / 10, "partner_longitude": 4.1} for i in range(8)
        ])
        for i, site in enumerate(sites):
            self.create_order(scheduled_start=utc(self.today, 16, i * 5), service_partner_id=site.id)
        large = queries()
        self.assertEqual((small[1], large[1]), (4, 12))
        self.assertEqual(small[0], large[0])
