"""The customer portal's pages, downloads and RPC: each customer sees their own orders only."""

import base64
import json
import xmlrpc.client
from unittest.mock import patch

from lxml import html as lxml_html

from odoo.tests import JsonRpcException, tagged
from odoo.tools import mute_logger

from odoo.addons.portal.controllers.portal import CustomerPortal

from .portal_common import PDF, PortalCase, png_bytes


@tagged("post_install", "-at_install")
class TestPortalAccess(PortalCase):
    """Lists, pages, PDFs, signatures and RPC as two customers' real portal users."""

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
