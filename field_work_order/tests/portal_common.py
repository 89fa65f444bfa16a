"""The portal tests' fixtures: two customers' portal users, their orders, report assets."""

import base64
import io
import json
import random
import re
import xmlrpc.client
from contextlib import contextmanager
from unittest.mock import patch

from lxml import html as lxml_html
from PIL import Image

from odoo.tests import HttpCase, new_test_user

from .common import at, serve_report_assets

PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"


def png_bytes(size=(8, 6), color=(200, 30, 30), noise=False):
    image = Image.new("RGB", size, color)
    if noise:  # random pixels: a PNG that does not compress
        image = Image.frombytes("RGB", size, random.Random(42).randbytes(size[0] * size[1] * 3))
    buffer = io.BytesIO()
    image.save(buffer, format="PNG")
    return buffer.getvalue()


@contextmanager
def real_pdf(env):
    """Tests render reports as HTML unless told otherwise: the portal's download renders PDF."""
    Report = type(env["ir.actions.report"])
    render = Report._render_qweb_pdf

    def render_pdf(report, *args, **kwargs):
        return render(report.with_context(force_report_rendering=True), *args, **kwargs)

    with patch.object(Report, "_render_qweb_pdf", render_pdf):
        yield



class PortalCase(HttpCase):
    """The customer portal as two customers' real portal users see it, over HTTP and RPC
    (their users, orders and photos built once per class)."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        serve_report_assets(cls)
        cls.company = cls.env.company
        cls.company.write({
            "fwo_notify_request": True, "fwo_notify_scheduled": False, "fwo_notify_on_way": False,
            "fwo_send_report_on_done": False, "fwo_signature_required": False,
        })
        cls.dispatcher = new_test_user(
            cls.env, "portal_dispatcher", name="Dina Dispatcher",
            groups="base.group_user,field_work_order.group_dispatcher",
        )
        cls.tech = new_test_user(
            cls.env, "portal_tech", name="Terry Jones",
            groups="base.group_user,field_work_order.group_technician",
        )
        Partner = cls.env["res.partner"]
        cls.acme = Partner.create({
            "name": "Acme Offices", "is_company": True, "email": "office@acme.example",
            "tz": "Europe/Brussels", "street": "1 Main Street", "city": "Brussels",
        })
        cls.acme_annex = Partner.create({
            "name": "Acme Annex", "parent_id": cls.acme.id, "type": "other",
            "street": "5 Side Street", "city": "Brussels",
        })
        cls.globex = Partner.create({
            "name": "Globex Corp", "is_company": True, "email": "office@globex.example",
            "street": "9 Harbour Road", "city": "Antwerp",
        })
        cls.alice = cls._portal_user("alice_portal", "Alice Acme", cls.acme)
        cls.bob = cls._portal_user("bob_portal", "Bob Globex", cls.globex)
        cls.acme_scheduled = cls._order(cls.acme_annex, "scheduled", unit_number="4B")
        cls.acme_done = cls._order(cls.acme, "done")
        cls.acme_draft = cls._order(cls.alice.partner_id, "draft")
        cls.globex_done = cls._order(cls.globex, "done")
        cls.globex_photo = cls.env["field.work.order.photo"].create({
            "work_order_id": cls.globex_done.id, "image": base64.b64encode(png_bytes()),
        })
        cls.acme_photo = cls.env["field.work.order.photo"].create({
            "work_order_id": cls.acme_done.id, "image": base64.b64encode(png_bytes()),
        })
        cls.Order = cls.env["field.work.order"].with_context(active_test=False)
        cls.Photo = cls.env["field.work.order.photo"]

    @classmethod
    def _portal_user(cls, login, name, company):
        user = new_test_user(cls.env, login, name=name, groups="base.group_portal",
                             email=f"{login}@example.com")
        user.partner_id.write({"parent_id": company.id, "tz": "Europe/Brussels"})
        return user

    @classmethod
    def _order(cls, partner, state, **vals):
        order = cls.env["field.work.order"].with_user(cls.dispatcher).create({
            "partner_id": partner.id, "user_id": cls.tech.id,
            "scheduled_start": "2030-01-15 09:00:00", "description": f"Job for {partner.name}",
            **vals,
        })
        if state == "draft":
            order.write({"user_id": False, "scheduled_start": False})
            return order
        order.action_schedule()
        if state == "done":
            as_tech = order.with_user(cls.tech)
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
