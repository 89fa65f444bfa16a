import base64
import io
import json
import random
import re
import threading
import xmlrpc.client
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from unittest.mock import patch

from lxml import html as lxml_html
from PIL import Image

from odoo.tests import HttpCase, JsonRpcException, new_test_user, tagged
from odoo.tools import mute_logger

from odoo.addons.portal.controllers.portal import CustomerPortal

from .common import at

PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"


def png_bytes(size=(8, 6), color=(200, 30, 30), noise=False):
    image = Image.new("RGB", size, color)
    if noise:  # random pixels: a PNG that does not compress
        image = Image.frombytes("RGB", size, random.Random(42).randbytes(size[0] * size[1] * 3))
    buffer = io.BytesIO()
    image.save(buffer, format="PNG")
    return buffer.getvalue()


class _EmptyStylesheets(BaseHTTPRequestHandler):
    """What wkhtmltopdf gets for the report's CSS: an empty stylesheet."""

    def do_GET(self):  # noqa: N802 - the name http.server calls
        self.send_response(200)
        self.send_header("Content-Type", "text/css")
        self.send_header("Content-Length", "0")
        self.end_headers()

    def log_message(self, *args):
        pass


def serve_report_assets(case):
    """Point report.url at a stylesheet server of its own for the class ``case``.

    The portal's PDF request holds the test cursor while wkhtmltopdf fetches the
    report's CSS from report.url: the test server would make it wait for ever.
    """
    server = ThreadingHTTPServer(("127.0.0.1", 0), _EmptyStylesheets)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    case.addClassCleanup(server.server_close)
    case.addClassCleanup(server.shutdown)
    case.env["ir.config_parameter"].sudo().set_param(
        "report.url", f"http://127.0.0.1:{server.server_address[1]}")


@contextmanager
def real_pdf(env):
    """Tests render reports as HTML unless told otherwise: the portal's download renders PDF."""
    Report = type(env["ir.actions.report"])
    render = Report._render_qweb_pdf

    def render_pdf(report, *args, **kwargs):
        return render(report.with_context(force_report_rendering=True), *args, **kwargs)

    with patch.object(Report, "_render_qweb_pdf", render_pdf):
        yield


@tagged("post_install", "-at_install")
class TestPortal(HttpCase):
    """The customer portal as two customers' real portal users see it, over HTTP and RPC."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        serve_report_assets(cls)

    def setUp(self):
        super().setUp()
        self.company = self.env.company
        self.company.write({
            "fwo_notify_request": True, "fwo_notify_scheduled": False, "fwo_notify_on_way": False,
            "fwo_send_report_on_done": False, "fwo_signature_required": False,
        })
        self.dispatcher = new_test_user(
            self.env, "portal_dispatcher", name="Dina Dispatcher",
            groups="base.group_user,field_work_order.group_dispatcher",
        )
        self.tech = new_test_user(
            self.env, "portal_tech", name="Terry Jones",
            groups="base.group_user,field_work_order.group_technician",
        )
        Partner = self.env["res.partner"]
        self.acme = Partner.create({
            "name": "Acme Offices", "is_company": True, "email": "office@acme.example",
            "tz": "Europe/Brussels", "street": "1 Main Street", "city": "Brussels",
        })
        self.acme_annex = Partner.create({
            "name": "Acme Annex", "parent_id": self.acme.id, "type": "other",
            "street": "5 Side Street", "city": "Brussels",
        })
        self.globex = Partner.create({
            "name": "Globex Corp", "is_company": True, "email": "office@globex.example",
            "street": "9 Harbour Road", "city": "Antwerp",
        })
        self.alice = self._portal_user("alice_portal", "Alice Acme", self.acme)
        self.bob = self._portal_user("bob_portal", "Bob Globex", self.globex)
        self.acme_scheduled = self._order(self.acme_annex, "scheduled", unit_number="4B")
        self.acme_done = self._order(self.acme, "done")
        self.acme_draft = self._order(self.alice.partner_id, "draft")
        self.globex_done = self._order(self.globex, "done")
        self.globex_photo = self.env["field.work.order.photo"].create({
            "work_order_id": self.globex_done.id, "image": base64.b64encode(png_bytes()),
        })
        self.acme_photo = self.env["field.work.order.photo"].create({
            "work_order_id": self.acme_done.id, "image": base64.b64encode(png_bytes()),
        })
        self.Order = self.env["field.work.order"].with_context(active_test=False)
        self.Photo = self.env["field.work.order.photo"]

    def _portal_user(self, login, name, company):
        user = new_test_user(self.env, login, name=name, groups="base.group_portal",
                             email=f"{login}@example.com")
        user.partner_id.write({"parent_id": company.id, "tz": "Europe/Brussels"})
        return user

    def _order(self, partner, state, **vals):
        order = self.env["field.work.order"].with_user(self.dispatcher).create({
            "partner_id": partner.id, "user_id": self.tech.id,
            "scheduled_start": "2030-01-15 09:00:00", "description": f"Job for {partner.name}",
            **vals,
        })
        if state == "draft":
            order.write({"user_id": False, "scheduled_start": False})
            return order
        order.action_schedule()
        if state == "done":
            as_tech = order.with_user(self.tech)
            as_tech.with_context(**at("2030-01-15 09:00:00")).action_start()
            as_tech.with_context(**at("2030-01-15 10:00:00")).action_complete()
        return order

    # ------------------------------------------------------------------
    # helpers
    # ------------------------------------------------------------------
    def _csrf(self, url="/my/work-orders/request"):
        page = self.url_open(url)
        self.assertEqual(page.status_code, 200)
        return re.search(r'name="csrf_token" value="([^"]+)"', page.text).group(1)

    def _form(self, **values):
        form = {
            "service_partner_id": str(self.acme_annex.id), "unit_number": "2C",
            "description": "The boiler makes a knocking noise.",
            "access_instructions": "Key at the front desk.", "priority": "1",
        }
        form.update(values)
        return form

    def _post_request(self, form, photos=(), csrf=True):
        data = dict(form)
        if csrf:
            data["csrf_token"] = self._csrf()
        files = [("photos", (name, content, "image/png")) for name, content in photos]
        return self.url_open("/my/work-orders/request", data=data, files=files or None)

    def _counts(self):
        return (self.Order.sudo().search_count([]), self.Photo.sudo().search_count([]),
                self.env["res.partner"].sudo().with_context(active_test=False).search_count([]))

    def _rpc(self, user, model, method, *args, **kwargs):
        """XML-RPC ``execute_kw`` as ``user`` (password = login)."""
        return self.xmlrpc_object.execute_kw(
            self.env.cr.dbname, user.id, user.login, model, method, list(args), kwargs,
        )

    def _jsonrpc(self, user, model, method, *args, **kwargs):
        response = self.url_open("/jsonrpc", data=json.dumps({
            "jsonrpc": "2.0", "method": "call", "id": 1,
            "params": {"service": "object", "method": "execute_kw",
                       "args": [self.env.cr.dbname, user.id, user.login, model, method,
                                list(args), kwargs]},
        }), headers={"Content-Type": "application/json"})
        return response.json()

    def assertRpcRefused(self, user, model, method, *args,
                         pattern="AccessError|access|allowed|dispatcher|security restrictions", **kwargs):
        with self.assertRaises(xmlrpc.client.Fault) as cm:
            self._rpc(user, model, method, *args, **kwargs)
        self.assertRegex(cm.exception.faultString, pattern)
        result = self._jsonrpc(user, model, method, *args, **kwargs)
        self.assertIn("error", result, f"{model}.{method} allowed over JSON-RPC")

    def assertDeniedPage(self, response, statuses=(403, 404)):
        """Refused as Odoo's portal refuses: back to /my (or the login page), or 403/404."""
        self.assertNotIn(b"%PDF", response.content[:10])
        if response.status_code in statuses:
            return
        self.assertEqual(response.status_code, 200)
        self.assertRegex(response.url, r"/my$|/my\?|/web/login")

    def real_pdf(self):
        return real_pdf(self.env)

    def _rows(self, response):
        root = lxml_html.fromstring(response.content)
        return [a.text_content().strip() for a in root.xpath("//a[contains(@class, 'fwo_portal_ref')]")]

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
    # List and detail
    # ------------------------------------------------------------------
    def test_list_shows_the_customers_orders_only(self):
        self.authenticate("alice_portal", "alice_portal")
        acme_orders = self.acme_scheduled | self.acme_done | self.acme_draft
        counters = self.make_jsonrpc_request("/my/counters", {"counters": ["work_order_count"]})
        self.assertEqual(counters["work_order_count"], 3)
        home = self.url_open("/my")
        self.assertIn('href="/my/work-orders"', home.text)
        response = self.url_open("/my/work-orders")
        self.assertEqual(response.status_code, 200)
        self.assertEqual(sorted(self._rows(response)), sorted(acme_orders.mapped("name")))
        self.assertNotIn(self.globex_done.name, response.text)
        root = lxml_html.fromstring(response.content)
        technicians = [td.text_content().strip() for td in root.xpath(
            "//td[contains(@class, 'fwo_portal_technician')]")]
        self.assertEqual(sorted(technicians), ["", "Terry", "Terry"])
        self.assertNotIn("Terry Jones", response.text)
        # 09:00 UTC is 10:00 in Brussels, the customer's time zone.
        self.assertIn("10:00", self.acme_scheduled.customer_slot)
        self.assertIn(self.acme_scheduled.customer_slot, response.text)
        self.assertIn("(Unit 4B)", " ".join(response.text.split()))
        # Sorted by reference, two per page: the pager of Odoo's portal lists.
        names = sorted(acme_orders.mapped("name"), reverse=True)
        with patch.object(CustomerPortal, "_items_per_page", 2):
            self.assertEqual(self._rows(self.url_open("/my/work-orders?sortby=name")), names[:2])
            response = self.url_open("/my/work-orders/page/2?sortby=name")
            self.assertEqual(self._rows(response), names[2:])
            self.assertIn("/my/work-orders?sortby=name", response.text)  # link to page 1
        self.authenticate("bob_portal", "bob_portal")
        self.assertEqual(self._rows(self.url_open("/my/work-orders")), [self.globex_done.name])

    def test_detail_page_of_own_order(self):
        self.authenticate("alice_portal", "alice_portal")
        response = self.url_open(f"/my/work-orders/{self.acme_scheduled.id}")
        self.assertEqual(response.status_code, 200)
        root = lxml_html.fromstring(response.content)
        steps = root.xpath("//li[contains(@class, 'fwo_portal_step')]")
        self.assertEqual([s.text_content().strip() for s in steps],
                         ["Requested", "Scheduled", "In Progress", "Done"])
        self.assertEqual(
            [s.get("class").split("fwo_portal_step_")[1].split()[0] for s in steps],
            ["done", "current", "todo", "todo"],
        )
        self.assertIn("Job for Acme Annex", response.text)
        self.assertFalse(root.xpath("//a[contains(@class, 'fwo_portal_download')]"))
        self.assertEqual(len(root.xpath("//div[contains(@class, 'o_portal_chatter')]")), 1)
        # A done order: the report download and the signature.
        root = lxml_html.fromstring(self.url_open(f"/my/work-orders/{self.acme_done.id}").content)
        self.assertEqual(len(root.xpath("//a[contains(@class, 'fwo_portal_download')]")), 1)
        self.assertEqual(len(root.xpath("//a[contains(@class, 'fwo_portal_sign')]")), 1)
        self.assertEqual(len(root.xpath("//div[contains(@class, 'fwo_portal_photos')]//img")), 1)

    def test_foreign_ids_and_tokens_are_refused_on_every_route(self):
        self.authenticate("alice_portal", "alice_portal")
        own_token = self.acme_done._portal_ensure_token()
        foreign = self.globex_done
        foreign._portal_ensure_token()
        for url in (
            f"/my/work-orders/{foreign.id}",
            f"/my/work-orders/{foreign.id}?access_token={own_token}",
            f"/my/work-orders/{foreign.id}?access_token=",
            "/my/work-orders/987654321",
            f"/my/work-orders/{foreign.id}?report_type=pdf&download=true",
            f"/my/work-orders/{foreign.id}?report_type=pdf&download=true&access_token={own_token}",
            "/my/work-orders/987654321?report_type=pdf&download=true",
            f"/report/pdf/field_work_order.report_work_order_service/{foreign.id}",
            f"/web/image/field.work.order.photo/{self.globex_photo.id}/image",
        ):
            # Odoo's report route logs the access error it answers with.
            with self.subTest(url), mute_logger("odoo.http"):
                response = self.url_open(url)
                self.assertNotIn(foreign.name, response.text[:100000])
                if "/web/image" in url:
                    self.assertNotEqual(response.content, png_bytes())
                elif url.startswith("/report/"):
                    # Odoo's report route fails on the access error (no PDF, no data).
                    self.assertDeniedPage(response, statuses=(403, 404, 500))
                else:
                    self.assertDeniedPage(response)
        signature = base64.b64encode(png_bytes((60, 20), (0, 0, 0))).decode()
        for order_id, token in ((foreign.id, own_token), (foreign.id, None), (987654321, None)):
            with self.subTest(sign=order_id, token=token):
                result = self.make_jsonrpc_request(
                    f"/my/work-orders/{order_id}/sign",
                    {"access_token": token, "name": "Alice", "signature": signature},
                )
                self.assertIn("not valid", result["error"])
        self.assertFalse(foreign.signature)
        # The chatter: another order's token does not open this one.
        messages = self.env["mail.message"].sudo().search_count([("res_id", "=", foreign.id),
                                                                 ("model", "=", foreign._name)])
        for token in (own_token, None):
            with self.subTest(chatter=token), self.assertRaises(JsonRpcException):
                self.make_jsonrpc_request("/mail/message/post", {
                    "thread_model": foreign._name, "thread_id": foreign.id, "token": token,
                    "post_data": {"body": "Hello", "message_type": "comment",
                                  "subtype_xmlid": "mail.mt_comment"},
                })
            with self.subTest(chatter_init=token):
                data = self.make_jsonrpc_request("/portal/chatter_init", {
                    "thread_model": foreign._name, "thread_id": foreign.id, "token": token,
                })
                self.assertNotIn("Job for Globex", json.dumps(data))
        self.assertEqual(self.env["mail.message"].sudo().search_count(
            [("res_id", "=", foreign.id), ("model", "=", foreign._name)]), messages)
        # Without a login, the order's own token opens that order only.
        self.logout()
        token = foreign.access_token
        self.assertIn(foreign.name, self.url_open(f"/my/work-orders/{foreign.id}?access_token={token}").text)
        self.assertDeniedPage(self.url_open(f"/my/work-orders/{self.acme_done.id}?access_token={token}"))
        self.assertDeniedPage(self.url_open(f"/my/work-orders/{self.acme_done.id}"))

    def test_report_download_for_done_orders_only(self):
        self.authenticate("alice_portal", "alice_portal")
        with self.real_pdf():
            response = self.url_open(
                f"/my/work-orders/{self.acme_done.id}?report_type=pdf&download=true")
            self.assertEqual(response.status_code, 200)
            self.assertEqual(response.headers["Content-Type"], "application/pdf")
            self.assertTrue(response.content.startswith(b"%PDF"))
            self.assertIn("attachment", response.headers["Content-Disposition"])
            self.assertIn("Service_Report", response.headers["Content-Disposition"])
            response = self.url_open(
                f"/my/work-orders/{self.acme_scheduled.id}?report_type=pdf&download=true")
            self.assertEqual(response.status_code, 404)
            self.assertFalse(response.content.startswith(b"%PDF"))

    def test_portal_signature_once_on_done_orders(self):
        self.authenticate("alice_portal", "alice_portal")
        signature = base64.b64encode(png_bytes((60, 20), (0, 0, 0))).decode()
        result = self.make_jsonrpc_request(
            f"/my/work-orders/{self.acme_scheduled.id}/sign", {"name": "Alice", "signature": signature})
        self.assertIn("once the job is done", result["error"])
        self.assertFalse(self.acme_scheduled.signature)
        result = self.make_jsonrpc_request(
            f"/my/work-orders/{self.acme_done.id}/sign", {"name": "<b>Alice</b>", "signature": signature})
        self.assertIn("HTML", result["error"])
        result = self.make_jsonrpc_request(
            f"/my/work-orders/{self.acme_done.id}/sign",
            {"name": "Alice Acme", "signature": base64.b64encode(PDF).decode()})
        self.assertIn("not a photo", result["error"])
        self.assertFalse(self.acme_done.signed_on)

        result = self.make_jsonrpc_request(
            f"/my/work-orders/{self.acme_done.id}/sign", {"name": " Alice Acme ", "signature": signature})
        self.assertTrue(result["force_refresh"])
        self.assertIn("message=signed", result["redirect_url"])
        self.acme_done.invalidate_recordset()
        self.assertEqual(self.acme_done.signed_by, "Alice Acme")
        self.assertTrue(self.acme_done.signed_on)
        self.assertEqual(base64.b64decode(self.acme_done.signature)[:8], b"\x89PNG\r\n\x1a\n")
        signed_on = self.acme_done.signed_on
        note = self.acme_done.message_ids.filtered(lambda m: "Signed on the customer portal" in (m.body or ""))
        self.assertEqual(note.author_id, self.alice.partner_id)

        result = self.make_jsonrpc_request(
            f"/my/work-orders/{self.acme_done.id}/sign", {"name": "Mallory", "signature": signature})
        self.assertIn("already signed", result["error"])
        self.acme_done.invalidate_recordset()
        self.assertEqual(self.acme_done.signed_by, "Alice Acme")
        self.assertEqual(self.acme_done.signed_on, signed_on)

    # ------------------------------------------------------------------
    # RPC as the portal user
    # ------------------------------------------------------------------
    def test_portal_user_over_rpc(self):
        alice = self.alice
        acme_ids = sorted((self.acme_scheduled | self.acme_done | self.acme_draft).ids)
        rows = self._rpc(alice, "field.work.order", "search_read", [], fields=["name", "state"])
        self.assertEqual(sorted(r["id"] for r in rows), acme_ids)
        photos = self._rpc(alice, "field.work.order.photo", "search_read", [], fields=["id"])
        self.assertEqual([p["id"] for p in photos], self.acme_photo.ids)
        result = self._jsonrpc(alice, "field.work.order", "search", [])
        self.assertEqual(sorted(result["result"]), acme_ids)

        own, foreign = self.acme_done, self.globex_done
        self.assertRpcRefused(alice, "field.work.order", "read", [foreign.id], ["name"])
        self.assertRpcRefused(alice, "field.work.order.photo", "read", [self.globex_photo.id], ["image"])
        self.assertRpcRefused(alice, "field.work.order", "create", {"partner_id": alice.partner_id.id})
        self.assertRpcRefused(alice, "field.work.order", "write", [own.id], {"description": "x"})
        self.assertRpcRefused(alice, "field.work.order", "write", [own.id], {"signed_by": "x"})
        self.assertRpcRefused(alice, "field.work.order", "unlink", [self.acme_draft.id])
        self.assertRpcRefused(alice, "field.work.order", "action_cancel", [self.acme_draft.id],
                              pattern="dispatcher|access")
        self.assertRpcRefused(alice, "field.work.order.photo", "create",
                              {"work_order_id": own.id, "image": base64.b64encode(png_bytes()).decode()})
        self.assertRpcRefused(alice, "field.work.order.photo", "write", [self.acme_photo.id], {"note": "x"})
        self.assertRpcRefused(alice, "field.work.order.photo", "unlink", [self.acme_photo.id])
        self.assertRpcRefused(alice, "field.work.order.labor", "search_read", [])
        self.assertRpcRefused(alice, "field.work.order.labor", "create", {"work_order_id": own.id})
        # Materials and checklist items are readable by subcontractors' portal users only:
        # a customer finds none, not even their own order's, and reads none by id.
        part = self.env["product.product"].create({"name": "Portal Test Part", "type": "consu"})
        for line in (
            self.env["field.work.order.material"].create({"work_order_id": own.id, "product_id": part.id}),
            self.env["field.work.order.checklist.line"].create({"work_order_id": own.id, "name": "Look"}),
        ):
            self.assertEqual(self._rpc(alice, line._name, "search_read", [], fields=["id"]), [])
            self.assertRpcRefused(alice, line._name, "read", line.ids, ["id"])
            self.assertRpcRefused(alice, line._name, "create", {"work_order_id": own.id})
        self.assertRpcRefused(alice, "field.work.order", "portal_sign", [foreign.id], "Alice",
                              base64.b64encode(png_bytes()).decode())
        self.assertRpcRefused(alice, "field.work.order", "message_post", [own.id], body="Hi")
        # The model's methods hold the same rules over RPC as on the form.
        before = self._counts()
        with self.assertRaises(xmlrpc.client.Fault) as cm:
            self._rpc(alice, "field.work.order", "portal_create_request",
                      {"service_partner_id": self.globex.id, "description": "Leak"})
        self.assertIn("not one of your addresses", cm.exception.faultString)
        with self.assertRaises(xmlrpc.client.Fault) as cm:
            self._rpc(alice, "field.work.order", "portal_create_request", {
                "service_partner_id": self.acme.id, "description": "Leak",
                "photos": [{"name": "x.png", "data": base64.b64encode(PDF).decode()}]})
        self.assertIn("is not a photo", cm.exception.faultString)
        with self.assertRaises(xmlrpc.client.Fault) as cm:
            self._rpc(alice, "field.work.order", "portal_create_request",
                      {"service_partner_id": self.acme.id, "description": "<img src=x onerror=1>"})
        self.assertIn("HTML or script", cm.exception.faultString)
        self.assertEqual(self._counts(), before)
        # Internal users are not customers of the request form.
        with self.assertRaises(xmlrpc.client.Fault) as cm:
            self._rpc(self.tech, "field.work.order", "portal_create_request",
                      {"service_partner_id": self.acme.id, "description": "Leak"})
        self.assertIn("portal access", cm.exception.faultString)
        order_id = self._rpc(alice, "field.work.order", "portal_create_request", {
            "service_partner_id": self.acme.id, "description": "Leak under the sink",
            "photos": [{"name": "sink.png", "data": base64.b64encode(png_bytes()).decode()}]})
        order = self.Order.browse(order_id)
        self.assertEqual((order.state, order.partner_id, len(order.photo_ids)),
                         ("draft", alice.partner_id, 1))
        # Signed over RPC: the same method, the same once-only rule.
        signature = base64.b64encode(png_bytes((60, 20), (0, 0, 0))).decode()
        self.assertIs(self._rpc(alice, "field.work.order", "portal_sign", [own.id], "Alice", signature), True)
        with self.assertRaises(xmlrpc.client.Fault) as cm:
            self._rpc(alice, "field.work.order", "portal_sign", [own.id], "Alice", signature)
        self.assertIn("already signed", cm.exception.faultString)
        # A technician cannot use the portal signature to sign a done order.
        with self.assertRaises(xmlrpc.client.Fault) as cm:
            self._rpc(self.tech, "field.work.order", "portal_sign", [foreign.id], "T", signature)
        self.assertIn("customer's", cm.exception.faultString)

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
