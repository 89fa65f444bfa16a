"""The portal's doors over real HTTP: who signs as the customer, what the vendor uploads."""

import base64
import re
import xmlrpc.client

from odoo.tests import HttpCase, new_test_user, tagged

from .common import at
from .test_portal import png_bytes

SVG = (b'<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10">'
       b'<script>alert(document.cookie)</script><rect width="10" height="10"/></svg>')


@tagged("post_install", "-at_install")
class TestPortalDoors(HttpCase):

    def setUp(self):
        super().setUp()
        self.env.company.write({
            "fwo_notify_request": False, "fwo_notify_scheduled": False, "fwo_notify_on_way": False,
            "fwo_send_report_on_done": False, "fwo_signature_required": False,
        })
        self.tech = new_test_user(self.env, "doors_tech", name="Tech Two",
                                  groups="base.group_user,field_work_order.group_technician")
        self.accountant = new_test_user(self.env, "doors_accountant", name="Abe Accountant",
                                        groups="base.group_user,account.group_account_invoice")
        Partner = self.env["res.partner"]
        self.acme = Partner.create({"name": "Acme Offices", "is_company": True})
        self.vendor = Partner.create({"name": "Northside Electrical", "is_company": True})
        self.customer_user = self._portal_user("doors_customer", "Alice Acme", self.acme)
        self.vendor_user = self._portal_user("doors_vendor", "Ann Electrician", self.vendor)
        self.done = self._order(user_id=self.tech.id)
        self.done_by_vendor = self._order(subcontractor_id=self.vendor.id)
        self.vendor_job = self._order(subcontractor_id=self.vendor.id, state="scheduled")

    def _portal_user(self, login, name, company):
        contact = self.env["res.partner"].create({"name": name, "parent_id": company.id})
        return new_test_user(self.env, login, groups="base.group_portal", partner_id=contact.id)

    def _order(self, state="done", **vals):
        order = self.env["field.work.order"].create({
            "partner_id": self.acme.id, "scheduled_start": "2030-01-15 09:00:00",
            "description": "Replace the panel", **vals,
        })
        if order.subcontractor_id:
            order.action_subcontract_accept()
        order.action_schedule()
        if state == "done":
            order.with_context(**at("2030-01-15 09:00:00")).action_start()
            order.with_context(**at("2030-01-15 10:00:00")).action_complete()
        return order

    def _sign(self, order, name, **params):
        signature = base64.b64encode(png_bytes((60, 20), (0, 0, 0))).decode()
        return self.make_jsonrpc_request(
            f"/my/work-orders/{order.id}/sign", {"name": name, "signature": signature, **params})

    def _signed(self, order):
        order.invalidate_recordset()
        return order.signed_by, order.signed_on, len(order.message_ids)

    def _sign_notes(self, order):
        notes = order.message_ids.filtered(
            lambda m: "Signed on the customer portal" in (m.body or ""))
        self.assertEqual(len(notes), 1)
        return notes

    def test_only_the_customer_signs(self):
        for login, order, refusal in (
            ("doors_tech", self.done, "the customer's"),
            ("doors_accountant", self.done, "the customer's"),
            ("doors_vendor", self.done_by_vendor, "is signed by its customer"),
        ):
            with self.subTest(login=login):
                self.authenticate(login, login)
                before = self._signed(order)
                self.assertEqual(before[:2], (False, False))
                # The link's token changes nothing for a user who is not the customer.
                result = self._sign(order, f"Forged By {login}",
                                    access_token=order.sudo()._portal_ensure_token())
                self.assertIn(refusal, result.get("error", ""))
                self.assertEqual(self._signed(order), before)
                self.assertFalse(order.signature)

        # The customer's portal user signs their order.
        self.authenticate("doors_customer", "doors_customer")
        result = self._sign(self.done, "Alice Acme")
        self.assertTrue(result.get("force_refresh"), result)
        signed_by, signed_on, _count = self._signed(self.done)
        self.assertEqual((signed_by, bool(signed_on)), ("Alice Acme", True))
        self.assertEqual(self._sign_notes(self.done).author_id, self.customer_user.partner_id)

        # A visitor with the order's link signs it; without the link, nothing.
        self.authenticate(None, None)
        order = self.done_by_vendor
        messages = len(order.message_ids)
        result = self._sign(order, "Visitor", access_token="not-the-token")
        self.assertIn("not valid", result.get("error", ""))
        self.assertEqual(self._signed(order), (False, False, messages))
        result = self._sign(order, "Carl Customer", access_token=order.sudo()._portal_ensure_token())
        self.assertTrue(result.get("force_refresh"), result)
        signed_by, signed_on, _count = self._signed(order)
        self.assertEqual((signed_by, bool(signed_on)), ("Carl Customer", True))
        self.assertEqual(self._sign_notes(order).author_id, self.acme)

    def test_vendor_photo_checked_as_the_customers(self):
        self.env["ir.config_parameter"].set_param("field_work_order.portal_photo_max_mb", "10")
        order = self.vendor_job
        self.authenticate("doors_vendor", "doors_vendor")
        page = self.url_open(f"/my/work-orders/{order.id}")
        csrf = re.search(r'name="csrf_token" value="([^"]+)"', page.text).group(1)
        big = png_bytes((2010, 2010), noise=True)
        size = len(big) / 1024 / 1024
        self.assertGreater(size, 11.5)
        for name, content, refusal in (
            ("big.png", big,
             f"The photo is too large ({size:.1f} MB): photos may be at most 10.0 MB."),
            ("panel.svg", SVG, "The photo is not a photo: send JPEG, PNG, GIF or WebP images."),
        ):
            with self.subTest(name=name):
                response = self.url_open(
                    f"/my/work-orders/{order.id}/subcontract/photo",
                    data={"csrf_token": csrf, "note": "Panel", "kind": "after"},
                    files={"photo": (name, content)},
                )
                self.assertEqual(response.status_code, 200)
                self.assertIn(refusal, response.text)
                order.invalidate_recordset()
                self.assertEqual(len(order.photo_ids), 0)
        # The same method over RPC refuses the same, and takes a real photo.
        for content in (big, SVG):
            with self.assertRaisesRegex(xmlrpc.client.Fault, "too large|not a photo"):
                self.xmlrpc_object.execute_kw(
                    self.env.cr.dbname, self.vendor_user.id, "doors_vendor", "field.work.order",
                    "portal_add_photo", [[order.id], base64.b64encode(content).decode()], {},
                )
        self.assertEqual(len(order.photo_ids), 0)
        photo_id = self.xmlrpc_object.execute_kw(
            self.env.cr.dbname, self.vendor_user.id, "doors_vendor", "field.work.order",
            "portal_add_photo", [[order.id], base64.b64encode(png_bytes()).decode()], {},
        )
        order.invalidate_recordset()
        self.assertEqual(order.photo_ids.ids, [photo_id])
