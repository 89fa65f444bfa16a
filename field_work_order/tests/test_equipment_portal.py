"""The customer's equipment on the portal: each customer sees and asks a visit for their own units."""

import xmlrpc.client
from unittest.mock import patch

from lxml import html as lxml_html

from odoo import Command
from odoo.tests import tagged
from odoo.tools import mute_logger

from odoo.addons.portal.controllers.portal import CustomerPortal

from .portal_common import PortalCase


@tagged("post_install", "-at_install")
class TestEquipmentPortal(PortalCase):
    """The list, a unit's page, its reports and visit requests as two customers' portal users."""

    browser_size = "360x640"
    touch_enabled = True

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        Unit = cls.env["field.work.order.equipment"].with_user(cls.dispatcher)
        cls.boiler = Unit.create({
            "name": "Roof Boiler", "partner_id": cls.acme.id, "serial_number": "B-1001",
            "location_note": "Roof, east side", "manufacturer": "Vaillant",
            "install_date": "2021-03-01", "warranty_end": "2099-03-01",
        })
        cls.cooler = Unit.create({
            "name": "Walk-in Cooler", "partner_id": cls.acme.id,
            "service_partner_id": cls.acme_annex.id, "serial_number": "C-4471",
            "warranty_end": "2020-01-01",
        })
        cls.heater = Unit.create({
            "name": "Water Heater", "partner_id": cls.acme.id,
            "service_partner_id": cls.acme_annex.id,
        })
        cls.retired = Unit.create({
            "name": "Old Chiller", "partner_id": cls.acme.id, "serial_number": "X-1",
        })
        cls.retired.action_archive()
        cls.globex_unit = Unit.create({
            "name": "Harbour Lift", "partner_id": cls.globex.id, "serial_number": "L-9",
        })
        job_type = cls.env["field.work.order.job.type"].create({
            "name": "Boiler Service",
            "reading_ids": [Command.create({"name": "Pressure", "uom": "bar",
                                            "min_value": 1.0, "max_value": 2.0})],
        })
        cls.acme_done.write({"equipment_ids": [Command.set(cls.boiler.ids)]})
        cls.acme_second = cls._order(cls.acme, "done", equipment_ids=[Command.set(cls.boiler.ids)])
        cls.acme_cancelled = cls._order(cls.acme, "scheduled",
                                          equipment_ids=[Command.set(cls.boiler.ids)])
        cls.acme_cancelled.with_user(cls.dispatcher).action_cancel()
        cls.globex_done.write({"equipment_ids": [Command.set(cls.globex_unit.ids)]})
        definition = job_type.reading_ids
        Reading = cls.env["field.work.order.reading"]
        Reading.create([
            {"equipment_id": cls.boiler.id, "work_order_id": cls.acme_done.id,
             "definition_id": definition.id, "value": 1.5, "taken_on": "2030-01-10 09:00:00"},
            {"equipment_id": cls.boiler.id, "work_order_id": cls.acme_second.id,
             "definition_id": definition.id, "value": 2.7, "taken_on": "2030-01-15 09:30:00"},
        ])
        cls.globex_reading = Reading.create({
            "equipment_id": cls.globex_unit.id, "work_order_id": cls.globex_done.id,
            "name": "Load", "value": 300,
        })
        cls.acme_units = cls.boiler | cls.cooler | cls.heater

    def _unit_rows(self, response):
        root = lxml_html.fromstring(response.content)
        return [e.text_content().strip() for e in root.xpath("//*[contains(@class, 'fwo_portal_unit_name')]")]

    # ------------------------------------------------------------------
    # List
    # ------------------------------------------------------------------
    def test_list_shows_the_customers_units_only(self):
        self.authenticate("alice_portal", "alice_portal")
        counters = self.make_jsonrpc_request("/my/counters", {"counters": ["equipment_count"]})
        self.assertEqual(counters["equipment_count"], 3)
        self.assertIn('href="/my/equipment"', self.url_open("/my").text)
        response = self.url_open("/my/equipment")
        self.assertEqual(response.status_code, 200)
        self.assertEqual(sorted(self._unit_rows(response)),
                         ["Roof Boiler", "Walk-in Cooler", "Water Heater"])
        self.assertNotIn("Harbour Lift", response.text)
        self.assertNotIn("Old Chiller", response.text)
        root = lxml_html.fromstring(response.content)
        self.assertEqual(len(root.xpath("//*[contains(@class, 'fwo_portal_unit_under_warranty')]")), 1)
        self.assertEqual(len(root.xpath("//*[contains(@class, 'fwo_portal_unit_warranty_ended')]")), 1)
        self.assertIn("Roof, east side", response.text)
        last = [e.text_content().strip() for e in root.xpath(
            "//*[contains(@class, 'fwo_portal_unit_last_visit')]")]
        self.assertEqual(sum("Last visit" in text for text in last), 1)  # the boiler's two done visits
        self.assertEqual(sum("No visit yet" in text for text in last), 2)
        # Search by serial or name.
        self.assertEqual(self._unit_rows(self.url_open("/my/equipment?search=C-4471")), ["Walk-in Cooler"])
        self.assertEqual(self._unit_rows(self.url_open("/my/equipment?search=heater")), ["Water Heater"])
        self.assertEqual(self._unit_rows(self.url_open("/my/equipment?search=L-9")), [])
        # Two per page: Odoo's portal pager.
        with patch.object(CustomerPortal, "_items_per_page", 2):
            first = self._unit_rows(self.url_open("/my/equipment"))
            second = self._unit_rows(self.url_open("/my/equipment/page/2"))
        self.assertEqual((len(first), len(second)), (2, 1))
        self.assertEqual(sorted(first + second), ["Roof Boiler", "Walk-in Cooler", "Water Heater"])
        self.authenticate("bob_portal", "bob_portal")
        self.assertEqual(self._unit_rows(self.url_open("/my/equipment")), ["Harbour Lift"])
        self.assertEqual(self.make_jsonrpc_request("/my/counters", {"counters": ["equipment_count"]}),
                         {"equipment_count": 1})

    # ------------------------------------------------------------------
    # A unit's page and its reports
    # ------------------------------------------------------------------
    def test_unit_page_lists_its_visits_reports_and_readings(self):
        self.authenticate("alice_portal", "alice_portal")
        response = self.url_open(f"/my/equipment/{self.boiler.id}")
        self.assertEqual(response.status_code, 200)
        root = lxml_html.fromstring(response.content)
        count = root.xpath("//*[contains(@class, 'fwo_portal_unit_visit_count')]")[0].text_content()
        self.assertEqual(count.strip(), "2")
        refs = [e.text_content().strip() for e in root.xpath("//*[contains(@class, 'fwo_portal_unit_visit_ref')]")]
        self.assertEqual(sorted(refs), sorted((self.acme_done | self.acme_second).mapped("name")))
        self.assertNotIn(self.acme_cancelled.name, response.text)
        links = root.xpath("//a[contains(@class, 'fwo_portal_unit_visit_ref')]/@href")
        self.assertEqual(sorted(links), sorted([f"/my/work-orders/{self.acme_done.id}",
                                                f"/my/work-orders/{self.acme_second.id}"]))
        reports = root.xpath("//a[contains(@class, 'fwo_portal_unit_visit_report')]/@href")
        self.assertEqual(len(reports), 2)
        # The last reading of the measurement only: 2.7 bar, out of 1-2 bar.
        readings = root.xpath("//*[contains(@class, 'fwo_portal_unit_reading ')]")
        self.assertEqual(len(readings), 1)
        self.assertIn("2.70", readings[0].text_content())
        self.assertEqual(len(root.xpath("//*[contains(@class, 'fwo_portal_unit_reading_out')]")), 1)
        self.assertIn("B-1001", response.text)
        self.assertIn("Vaillant", response.text)
        self.assertEqual(len(root.xpath("//a[contains(@class, 'fwo_portal_unit_request')]")), 1)
        with self.real_pdf():
            pdf = self.url_open(reports[0])
        self.assertEqual(pdf.headers["Content-Type"], "application/pdf")
        self.assertTrue(pdf.content.startswith(b"%PDF"))
        # The order's page names its unit.
        order_page = self.url_open(f"/my/work-orders/{self.acme_done.id}")
        self.assertIn("Roof Boiler (B-1001)", order_page.text)
        # A retired unit keeps its page, without the request button.
        root = lxml_html.fromstring(self.url_open(f"/my/equipment/{self.retired.id}").content)
        self.assertEqual(len(root.xpath("//*[contains(@class, 'fwo_portal_unit_retired')]")), 1)
        self.assertFalse(root.xpath("//a[contains(@class, 'fwo_portal_unit_request')]"))

    def test_foreign_units_are_refused_by_id_token_and_report(self):
        own_token = self.boiler._portal_ensure_token()
        foreign_token = self.globex_unit._portal_ensure_token()
        self.authenticate("alice_portal", "alice_portal")
        foreign = self.globex_unit
        for url in (
            f"/my/equipment/{foreign.id}",
            f"/my/equipment/{foreign.id}?access_token={own_token}",
            f"/my/equipment/{foreign.id}?access_token=",
            "/my/equipment/987654321",
            f"/my/equipment/{foreign.id}/report/{self.globex_done.id}",
            f"/my/equipment/{foreign.id}/report/{self.globex_done.id}?access_token={own_token}",
        ):
            with self.subTest(url):
                response = self.url_open(url)
                self.assertNotIn("Harbour Lift", response.text)
                self.assertDeniedPage(response)
        # Another customer's order through one's own unit: not one of its visits.
        with mute_logger("odoo.http"):
            response = self.url_open(f"/my/equipment/{self.boiler.id}/report/{self.globex_done.id}")
        self.assertEqual(response.status_code, 404)
        self.assertNotIn(b"%PDF", response.content[:10])
        # Without a login: a unit's link opens that unit only, and no order's page.
        self.logout()
        response = self.url_open(f"/my/equipment/{foreign.id}?access_token={foreign_token}")
        self.assertEqual(response.status_code, 200)
        self.assertIn("Harbour Lift", response.text)
        root = lxml_html.fromstring(response.content)
        self.assertFalse(root.xpath("//a[contains(@class, 'fwo_portal_unit_visit_ref')]"))
        self.assertFalse(root.xpath("//a[contains(@class, 'fwo_portal_unit_request')]"))
        self.assertNotIn(self.globex_done.access_token or "no-token", response.text)
        self.assertEqual(len(root.xpath("//a[contains(@class, 'fwo_portal_unit_visit_report')]")), 1)
        for url in (
            f"/my/equipment/{self.boiler.id}?access_token={foreign_token}",
            f"/my/equipment/{self.boiler.id}",
            f"/my/equipment/{self.boiler.id}/report/{self.acme_done.id}?access_token={foreign_token}",
        ):
            with self.subTest(public=url):
                response = self.url_open(url)
                self.assertNotIn("Roof Boiler", response.text)
                self.assertDeniedPage(response)
        self.assertDeniedPage(self.url_open("/my/equipment"))

    def test_portal_user_over_rpc(self):
        alice, bob = self.alice, self.bob
        rows = self._rpc(alice, "field.work.order.equipment", "search_read", [], fields=["name"])
        self.assertEqual(sorted(r["id"] for r in rows), sorted(self.acme_units.ids))
        result = self._jsonrpc(bob, "field.work.order.equipment", "search_read",
                               [("serial_number", "=", "B-1001")], fields=["name"])
        self.assertEqual(result["result"], [])
        result = self._jsonrpc(bob, "field.work.order.equipment", "search",
                               [("active", "in", (True, False))])
        self.assertEqual(result["result"], self.globex_unit.ids)
        self.assertRpcRefused(bob, "field.work.order.equipment", "read", self.boiler.ids, ["name"])
        self.assertRpcRefused(alice, "field.work.order.equipment", "read", self.globex_unit.ids,
                              ["serial_number"])
        self.assertRpcRefused(alice, "field.work.order.reading", "read", self.globex_reading.ids,
                              ["value"])
        readings = self._rpc(alice, "field.work.order.reading", "search_read", [], fields=["value"])
        self.assertEqual(sorted(r["value"] for r in readings), [1.5, 2.7])
        self.assertRpcRefused(alice, "field.work.order.equipment", "write", self.boiler.ids,
                              {"warranty_end": "2199-01-01"})
        self.assertRpcRefused(alice, "field.work.order.equipment", "create",
                              {"name": "Mine", "partner_id": self.acme.id})
        self.assertRpcRefused(alice, "field.work.order.equipment", "unlink", self.boiler.ids)
        self.assertEqual(str(self.boiler.warranty_end), "2099-03-01")
        with self.assertRaises(xmlrpc.client.Fault) as cm:
            self._rpc(alice, "field.work.order", "portal_create_request", {
                "equipment_id": self.globex_unit.id, "description": "Fix it"})
        self.assertIn("not one of yours", cm.exception.faultString)
        self.assertFalse(self.Order.search([("equipment_ids", "in", self.globex_unit.ids),
                                            ("id", "!=", self.globex_done.id)]))

    # ------------------------------------------------------------------
    # Request a visit for a unit
    # ------------------------------------------------------------------
    def test_request_a_visit_for_a_unit(self):
        self.authenticate("alice_portal", "alice_portal")
        response = self.url_open(f"/my/work-orders/request?equipment_id={self.cooler.id}")
        root = lxml_html.fromstring(response.content)
        self.assertEqual(root.xpath("//input[@name='equipment_id']/@value"), [str(self.cooler.id)])
        self.assertEqual(root.xpath("//select[@name='service_partner_id']/option[@selected]/@value"),
                         [str(self.acme_annex.id)])
        # Another customer's unit in the link: a plain form.
        root = lxml_html.fromstring(self.url_open(
            f"/my/work-orders/request?equipment_id={self.globex_unit.id}").content)
        self.assertFalse(root.xpath("//input[@name='equipment_id']"))
        self.assertNotIn("Harbour Lift", lxml_html.tostring(root).decode())

        before = self._counts()
        refused = (
            (self._form(equipment_id=str(self.globex_unit.id)), "not one of yours"),
            (self._form(equipment_id="987654321"), "not one of yours"),
            (self._form(equipment_id="x"), "not one of yours"),
            (self._form(equipment_id=str(self.retired.id),
                        service_partner_id=str(self.acme.id)), "retired"),
            # The cooler is at the annex, not at the head office.
            (self._form(equipment_id=str(self.cooler.id), service_partner_id=str(self.acme.id)),
             "request its visit at that address"),
        )
        for form, message in refused:
            with self.subTest(form=form["equipment_id"]):
                response = self._post_request(form)
                self.assertEqual(response.status_code, 400)
                self.assertIn(message, response.text)
                self.assertNotIn("Harbour Lift", response.text)
        self.assertEqual(self._counts(), before)

        response = self._post_request(self._form(equipment_id=str(self.cooler.id)))
        self.assertEqual(response.status_code, 200)
        self.assertIn("message=requested", response.url)
        created = self.Order.search([("create_uid", "=", self.alice.id)])
        self.assertEqual(len(created), 1)
        self.assertEqual(created.equipment_ids, self.cooler)
        self.assertEqual(created.service_partner_id, self.acme_annex)
        self.assertEqual((created.state, created.partner_id), ("draft", self.alice.partner_id))
        self.assertEqual(self.cooler.order_count, 1)
        # The unit's site when the request names no address (over RPC).
        order_id = self._rpc(self.alice, "field.work.order", "portal_create_request", {
            "equipment_id": self.heater.id, "description": "No hot water"})
        order = self.Order.browse(order_id)
        self.assertEqual((order.equipment_ids, order.service_partner_id),
                         (self.heater, self.acme_annex))

    def test_tour_phone_opens_a_unit_and_requests_a_visit(self):
        self.start_tour("/my/equipment", "field_work_order_portal_equipment_tour",
                        login="alice_portal")
        created = self.Order.search([("create_uid", "=", self.alice.id)])
        self.assertEqual(len(created), 1)
        self.assertEqual(created.equipment_ids, self.boiler)
        self.assertEqual(created.service_partner_id, self.acme)
        self.assertEqual(created.description, "The boiler loses pressure.")
