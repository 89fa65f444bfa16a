"""The portal's request and done-order tours in Chromium, on a desktop and on a phone."""

import base64

from lxml import html as lxml_html

from odoo.tests import HttpCase, new_test_user, tagged

from .common import at, serve_report_assets
from .portal_common import png_bytes, real_pdf

#: The PNG the request tour uploads (field_work_order_portal_tour.js).
TOUR_PNG = base64.b64decode(
    "iVBORw0KGgoAAAANSUhEUgAAAAQAAAAECAIAAAAmkwkpAAAAFElEQVR4nGO8o6HBAANMDEgANwcAPFABNItyfxYAAAAASUVORK5CYII="
)


@tagged("post_install", "-at_install")
class TestPortalTour(HttpCase):
    """A customer requests a visit on the portal, then follows the done order, in Chromium."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        serve_report_assets(cls)

    def setUp(self):
        super().setUp()
        self.env.company.write({"fwo_notify_request": True, "fwo_signature_required": False,
                                "fwo_send_report_on_done": False})
        self.tech = new_test_user(self.env, "tour_portal_tech", name="Tina Tour",
                                  groups="base.group_user,field_work_order.group_technician")
        acme = self.env["res.partner"].create({
            "name": "Acme Offices", "is_company": True, "street": "1 Main Street", "city": "Brussels",
        })
        self.annex = self.env["res.partner"].create({
            "name": "Acme Annex", "parent_id": acme.id, "type": "other",
            "street": "5 Side Street", "city": "Brussels",
        })
        self.customer = new_test_user(self.env, "tour_customer", name="Carla Customer",
                                      groups="base.group_portal", email="carla@acme.example")
        self.customer.partner_id.parent_id = acme

    def _requested_order(self):
        order = self.env["field.work.order"].search([("partner_id", "=", self.customer.partner_id.id)])
        self.assertEqual(len(order), 1)
        self.assertEqual(order.state, "draft")
        self.assertEqual(order.service_partner_id, self.annex)
        self.assertEqual(order.unit_number, "3A")
        self.assertEqual(order.description, "Water drips from the ceiling.")
        self.assertEqual(len(order.photo_ids), 1)
        self.assertEqual(base64.b64decode(order.photo_ids.image), TOUR_PNG)
        return order

    def test_customer_requests_a_visit_then_follows_the_done_order(self):
        self.start_tour("/my", "field_work_order_portal_request_tour", login="tour_customer")
        order = self._requested_order()

        # The office plans it and the technician finishes it with the customer's signature.
        order.write({"user_id": self.tech.id, "scheduled_start": "2030-01-15 09:00:00"})
        order.action_schedule()
        as_tech = order.with_user(self.tech)
        as_tech.with_context(**at("2030-01-15 09:00:00")).action_start()
        as_tech.write({"signature": base64.b64encode(png_bytes((60, 20), (0, 0, 0))),
                       "signed_by": "Carla Customer"})
        as_tech.with_context(**at("2030-01-15 10:00:00")).action_complete()

        self.start_tour("/my/work-orders", "field_work_order_portal_done_tour", login="tour_customer")
        messages = order.message_ids.filtered(
            lambda m: "Thanks, the heating works again." in (m.body or ""))
        self.assertEqual(len(messages), 1)
        self.assertEqual(messages.author_id, self.customer.partner_id)
        self.assertEqual(messages.message_type, "comment")

        # The link the customer clicked returns the service report PDF.
        self.authenticate("tour_customer", "tour_customer")
        root = lxml_html.fromstring(self.url_open(f"/my/work-orders/{order.id}").content)
        href = root.xpath("//a[contains(@class, 'fwo_portal_download')]/@href")[0]
        with real_pdf(self.env):
            response = self.url_open(href)
        self.assertEqual(response.headers["Content-Type"], "application/pdf")
        self.assertTrue(response.content.startswith(b"%PDF"))


@tagged("post_install", "-at_install")
class TestPortalPhoneTour(TestPortalTour):
    """The request form on a 360 px wide phone."""

    browser_size = "360x740"
    touch_enabled = True

    def test_customer_requests_a_visit_then_follows_the_done_order(self):
        self.start_tour("/my", "field_work_order_portal_request_tour", login="tour_customer")
        self._requested_order()
