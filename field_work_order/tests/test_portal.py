"""The customer portal's request form and chatter, and the report e-mail of a finished job."""

import base64
import json
import re

from lxml import html as lxml_html

from odoo.tests import HttpCase, new_test_user, tagged

from .common import at
from .portal_common import PDF, PortalCase, png_bytes


@tagged("post_install", "-at_install")
class TestPortal(PortalCase):
    """The request form and the chatter as two customers' real portal users see them."""

    # ------------------------------------------------------------------
    # Request form
    # ------------------------------------------------------------------
    def test_request_form_creates_a_draft_order_with_photos(self):
        self.authenticate("alice_portal", "alice_portal")
        before = self.Order.search_count([])
        first, second = png_bytes(color=(10, 200, 10)), png_bytes((20, 10), (0, 0, 250))
        bus_before = self.env["bus.bus"].sudo().search_count([])
        response = self._post_request(
            self._form(description="  The boiler makes a knocking noise.  "),
            photos=[("boiler.png", first), ("valve.png", second)],
        )
        self.assertEqual(response.status_code, 200)
        self.assertIn("message=requested", response.url)
        self.assertIn("we received your request", response.text)
        self.assertEqual(self.Order.search_count([]), before + 1)
        order = self.Order.search([], order="id desc", limit=1)
        self.assertEqual(order.state, "draft")
        self.assertEqual(order.partner_id, self.alice.partner_id)
        self.assertEqual(order.service_partner_id, self.acme_annex)
        self.assertEqual(order.unit_number, "2C")
        self.assertEqual(order.description, "The boiler makes a knocking noise.")
        self.assertEqual(order.access_instructions, "Key at the front desk.")
        self.assertEqual(order.priority, "1")
        self.assertEqual(order.create_uid, self.alice)
        self.assertEqual(len(order.photo_ids), 2)
        self.assertEqual(
            sorted(base64.b64decode(p.image) for p in order.photo_ids), sorted([first, second])
        )
        self.assertEqual(order.photo_ids.mapped("note"), ["boiler.png", "valve.png"])
        # The dispatchers see it on their board at once: readable by them, and announced.
        self.assertEqual(self.Order.with_user(self.dispatcher).search_count(
            [("id", "=", order.id), ("state", "=", "draft")]), 1)
        bus = self.env["bus.bus"].sudo().search([], order="id desc", limit=10)
        self.assertGreater(self.env["bus.bus"].sudo().search_count([]), bus_before)
        payloads = [json.loads(b.message) for b in bus if "field_work_order_dispatch" in b.channel]
        self.assertTrue(any(order.id in p["payload"]["ids"] for p in payloads), payloads)
        # The customer's request received email, with the order's portal link and token.
        mails = self.env["mail.mail"].sudo().search([
            ("model", "=", order._name), ("res_id", "=", order.id),
            ("recipient_ids", "in", self.alice.partner_id.ids),
        ])
        self.assertEqual(len(mails), 1)
        self.assertIn(f"/my/work-orders/{order.id}?access_token={order.access_token}", mails.body_html)
        self.assertTrue(order.notified_request)

    def test_request_form_new_address(self):
        self.authenticate("alice_portal", "alice_portal")
        before = self.env["res.partner"].sudo().search_count([("parent_id", "=", self.acme.id)])
        response = self._post_request(self._form(
            service_partner_id="new", new_name="Warehouse", new_street="7 Dock Lane",
            new_zip="2000", new_city="Antwerp",
        ))
        self.assertIn("message=requested", response.url)
        order = self.Order.search([], order="id desc", limit=1)
        self.assertEqual(order.service_partner_id.parent_id, self.acme)
        self.assertEqual(order.service_partner_id.street, "7 Dock Lane")
        self.assertEqual(order.service_partner_id.city, "Antwerp")
        self.assertEqual(
            self.env["res.partner"].sudo().search_count([("parent_id", "=", self.acme.id)]),
            before + 1,
        )

    def test_request_form_bad_input_creates_nothing(self):
        self.authenticate("alice_portal", "alice_portal")
        self.env["ir.config_parameter"].sudo().set_param(
            "field_work_order.portal_photo_max_mb", "0.01")  # about 10 KB
        big = png_bytes((300, 300), noise=True)
        self.assertGreater(len(big), 11000)
        cases = [
            ("another customer's address", self._form(service_partner_id=str(self.globex.id)), [],
             "not one of your addresses"),
            ("unknown address id", self._form(service_partner_id="987654321"), [],
             "not one of your addresses"),
            ("address id that is no number", self._form(service_partner_id="1 OR 1=1"), [],
             "not one of your addresses"),
            ("oversized photo", self._form(), [("big.png", big)], "too large"),
            ("PDF named .png", self._form(), [("scan.png", PDF)], "is not a photo"),
            ("broken PNG", self._form(), [("half.png", png_bytes()[:30])], "is not a photo"),
            ("script in the description",
             self._form(description="Leak <script>alert('x')</script>"), [], "HTML or script"),
            ("HTML in the access instructions",
             self._form(access_instructions="<b>gate</b> 1234"), [], "HTML or script"),
            ("no description", self._form(description="   "), [], "Describe the job"),
            ("unknown priority", self._form(priority="9"), [], "priority"),
        ]
        for label, form, photos, message in cases:
            with self.subTest(label):
                before = self._counts()
                response = self._post_request(form, photos)
                self.assertEqual(response.status_code, 400)
                root = lxml_html.fromstring(response.content)
                errors = root.xpath("//div[contains(@class, 'fwo_portal_error')]")
                self.assertEqual(len(errors), 1)
                self.assertIn(message, errors[0].text_content())
                # The form comes back with what the customer typed.
                self.assertEqual(
                    root.xpath("//textarea[@name='description']")[0].text_content(),
                    form["description"],
                )
                self.assertEqual(root.xpath("//input[@name='unit_number']/@value"), ["2C"])
                self.assertEqual(self._counts(), before)
        # No CSRF token: refused on the form too, nothing created.
        before = self._counts()
        response = self._post_request(self._form(), csrf=False)
        self.assertEqual(response.status_code, 400)
        self.assertIn("security token", response.text)
        self.assertIn("The boiler makes a knocking noise.", response.text)
        self.assertEqual(self._counts(), before)
        response = self._post_request(dict(self._form(), csrf_token="forged"), csrf=False)
        self.assertEqual(response.status_code, 400)
        self.assertEqual(self._counts(), before)

    def test_request_rate_limit_per_user(self):
        self.env["ir.config_parameter"].sudo().set_param("field_work_order.portal_max_per_hour", "2")
        self.authenticate("alice_portal", "alice_portal")
        before = self.Order.search_count([])
        for _i in range(2):
            self.assertIn("message=requested", self._post_request(self._form()).url)
        response = self._post_request(self._form())
        self.assertEqual(response.status_code, 400)
        self.assertIn("You already sent 2 requests in the last hour", response.text)
        self.assertEqual(self.Order.search_count([]), before + 2)
        # Another customer's user has their own count.
        self.authenticate("bob_portal", "bob_portal")
        response = self._post_request(self._form(service_partner_id=str(self.globex.id)))
        self.assertIn("message=requested", response.url)
        self.assertEqual(self.Order.search_count([]), before + 3)

    # ------------------------------------------------------------------
    # Chatter
    # ------------------------------------------------------------------
    def test_customer_messages_the_office(self):
        self.authenticate("alice_portal", "alice_portal")
        page = self.url_open(f"/my/work-orders/{self.acme_done.id}")
        token = re.search(r'data-token="([^"]+)"', page.text).group(1)
        self.assertEqual(token, self.acme_done.access_token)
        self.make_jsonrpc_request("/mail/message/post", {
            "thread_model": "field.work.order", "thread_id": self.acme_done.id, "token": token,
            "post_data": {"body": "Is the warranty included?", "message_type": "comment",
                          "subtype_xmlid": "mail.mt_comment"},
        })
        message = self.acme_done.message_ids[0]
        self.assertEqual(message.author_id, self.alice.partner_id)
        self.assertIn("Is the warranty included?", message.body)
        self.assertEqual(message.message_type, "comment")


@tagged("post_install", "-at_install")
class TestPortalJobCompleted(HttpCase):
    """Finishing a job already emails the signed service report (``_queue_service_report``)."""

    def test_service_report_email_once_with_its_template(self):
        company = self.env.company
        company.write({"fwo_send_report_on_done": True, "fwo_signature_required": False})
        tech = new_test_user(self.env, "report_tech", groups="base.group_user,field_work_order.group_technician")
        customer = self.env["res.partner"].create({"name": "Mailed Customer", "email": "c@example.com"})
        walk_in = self.env["res.partner"].create({"name": "Walk-in"})
        template = self.env.ref("field_work_order.mail_template_service_report")
        orders = self.env["field.work.order"]
        for partner in (customer, walk_in):
            order = self.env["field.work.order"].create({
                "partner_id": partner.id, "user_id": tech.id, "scheduled_start": "2030-01-15 09:00:00",
            })
            order.action_schedule()
            order.with_user(tech).with_context(**at("2030-01-15 09:00:00")).action_start()
            order.with_user(tech).with_context(**at("2030-01-15 10:00:00")).action_complete()
            orders |= order
        Order = self.env["field.work.order"]
        Order._cron_send_service_reports()
        Order._cron_send_service_reports()
        # The customers' emails (followers with email notifications get their usual copy).
        mails = self.env["mail.mail"].search([
            ("model", "=", Order._name), ("res_id", "in", orders.ids),
            ("recipient_ids", "in", (customer | walk_in).ids),
        ])
        self.assertEqual(len(mails), 1)
        self.assertEqual(mails.recipient_ids, customer)
        self.assertEqual(mails.res_id, orders[0].id)
        self.assertEqual(mails.mail_message_id.subject,
                         template._render_field("subject", orders[0].ids)[orders[0].id])
        self.assertEqual(len(mails.attachment_ids), 1)
        self.assertIn(orders[0].get_portal_url(), mails.body_html)
