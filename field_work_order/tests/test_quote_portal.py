"""The customer answers a quote on the order's portal page: Chromium, the routes, refusals, PDF.

Prices as in test_quote.py (the customer's -10% pricelist and fiscal position):
*Repair* 108.00 + 14.40 = 122.40, *Replace* (2 Valves + Descaling) 172.80 + 25.92 = 198.72.
"""

import json
import subprocess
import tempfile
import xmlrpc.client

from odoo.fields import Command
from odoo.tests import HttpCase, new_test_user, tagged
from odoo.tools import mute_logger

from .common import PNG, at, serve_report_assets
from .portal_common import real_pdf
from .test_work_order_invoice import InvoiceCommon

QUOTE = "field.work.order.quote"
QUOTE_REPORT = "field_work_order.field_work_order_action_report_quote"
NOT_FOUND = "This quote does not exist or the link is not valid."


class QuotePortalCase(InvoiceCommon, HttpCase):
    """A sent quote (Repair, Replace) on an order in progress of Northwind, whose portal
    user is Carla; Bob is the portal user of another customer, with an order of his own."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        serve_report_assets(cls)
        env = cls.env
        cls.setup_invoicing(env, " (portal quote)")
        env.company.write({
            "fwo_notify_request": False, "fwo_notify_scheduled": False, "fwo_notify_on_way": False,
            "fwo_send_report_on_done": False, "fwo_signature_required": False,
        })
        cls.descaling = env["product.product"].create({
            "name": "Descaling", "type": "service", "list_price": 100.0,
            "taxes_id": [Command.set(cls.tax_excl15.ids)],
        })
        cls.dispatcher = new_test_user(env, "qp_dispatcher", name="Dina Dispatcher",
                                       groups="base.group_user,field_work_order.group_dispatcher")
        cls.tech = new_test_user(env, "qp_techy", name="Terry Tech",
                                 groups="base.group_user,field_work_order.group_technician")
        cls.accountant = new_test_user(env, "qp_accountant", name="Ada Accountant",
                                       groups="base.group_user,account.group_account_invoice")
        cls.client.email = "office@northwind.example"
        cls.carla = new_test_user(env, "qp_carla", name="Carla Customer", groups="base.group_portal",
                                  email="carla@northwind.example")
        cls.carla.partner_id.parent_id = cls.client
        cls.bob = new_test_user(env, "qp_bobby", name="Bob Other", groups="base.group_portal",
                                email="bob@plain.example")
        cls.bob.partner_id.parent_id = cls.other_client

        Order = env["field.work.order"].with_user(cls.dispatcher)
        cls.order = Order.create({
            "partner_id": cls.client.id, "job_type_id": cls.tm_job_type.id,
            "user_id": cls.tech.id, "scheduled_start": "2030-01-15 09:00:00",
            "description": "The boiler leaks.",
        })
        cls.other_order = Order.create({
            "partner_id": cls.other_client.id, "user_id": cls.tech.id,
            "scheduled_start": "2030-01-16 09:00:00", "description": "Bob's job.",
        })
        (cls.order | cls.other_order).action_schedule()
        cls.order.with_user(cls.tech).with_context(**at("2030-01-15 09:00:00")).action_start()
        cls.quote = env[QUOTE].with_user(cls.tech).create({
            "work_order_id": cls.order.id, "note": "Found a corroded valve.",
            "option_ids": [
                Command.create({"name": "Repair", "sequence": 1, "line_ids": [
                    Command.create({"product_id": cls.part_incl.id, "quantity": 1}),
                    Command.create({"product_id": cls.descaling.id, "quantity": 1}),
                ]}),
                Command.create({"name": "Replace", "sequence": 2, "line_ids": [
                    Command.create({"product_id": cls.part_excl.id, "quantity": 2}),
                    Command.create({"product_id": cls.descaling.id, "quantity": 1}),
                ]}),
            ],
        })
        cls.quote.action_send()
        cls.quote = cls.quote.with_env(env)
        cls.order = cls.order.with_env(env)
        cls.repair, cls.replace = cls.quote.option_ids
        cls.token = cls.order.access_token
        cls.other_token = cls.other_order.with_env(env)._portal_ensure_token()

    def url(self, action, order=None, token=None, **query):
        order = order or self.order
        suffix = f"/quotes/{self.quote.id}" + (f"/{action}" if action else "")
        args = {**({"access_token": token} if token else {}), **query}
        return f"/my/work-orders/{order.id}{suffix}" + (
            "?" + "&".join(f"{k}={v}" for k, v in args.items()) if args else "")

    def route(self, action, params, **kwargs):
        """POST the JSON route ``action`` (approve, decline) as the current session's visitor."""
        response = self.url_open(self.url(action, **kwargs), data=json.dumps(
            {"jsonrpc": "2.0", "method": "call", "id": 1, "params": params}),
            headers={"Content-Type": "application/json"})
        self.env.invalidate_all()
        return response.json()["result"]

    def approve(self, option, name="Casey Client", signature=PNG, **kwargs):
        return self.route("approve", {"name": name, "signature": signature},
                          option_id=option.id, **kwargs)

    def snapshot(self):
        """What an answer changes: the quote, the order's extras, parts and messages."""
        self.env.invalidate_all()
        return (self.quote.state, self.quote.approved_option_id, self.quote.signer_name,
                self.quote.decline_reason, len(self.order.extra_line_ids),
                len(self.order.material_ids), len(self.order.message_ids), len(self.quote.message_ids))

    def assert_notified(self, pattern):
        """The order's dispatcher and technician got the note saying the customer's answer."""
        note = self.order.message_ids.filtered(lambda m: "on the portal" in (m.body or ""))
        self.assertEqual(len(note), 1)
        self.assertRegex(note.body, pattern)
        self.assertEqual(note.partner_ids, self.dispatcher.partner_id | self.tech.partner_id)
        notified = self.env["mail.notification"].search([("mail_message_id", "=", note.id)])
        self.assertEqual(notified.res_partner_id, self.dispatcher.partner_id | self.tech.partner_id)


@tagged("post_install", "-at_install")
class TestQuotePortal(QuotePortalCase):

    def test_customer_approves_the_second_option_in_chromium(self):
        self.start_tour(f"/my/work-orders/{self.order.id}", "field_work_order_quote_portal_tour",
                        login="qp_carla")
        self.env.invalidate_all()
        quote = self.quote
        self.assertEqual((quote.state, quote.approved_option_id, quote.signer_name),
                         ("approved", self.replace, "Carla Customer"))
        self.assertTrue(quote.signature)
        self.assertEqual(self.order.extra_line_ids, self.replace.line_ids)
        self.assertEqual([round(quote.approved_option_id[f], 2) for f in
                          ("amount_untaxed", "amount_tax", "amount_total")], [172.8, 25.92, 198.72])
        self.assertEqual(round(quote.amount_total, 2), 198.72)
        valves = self.order.material_ids.filtered(lambda m: m.product_id == self.part_excl)
        self.assertEqual((len(valves), valves.product_uom_qty, valves.quote_line_id.option_id),
                         (1, 2.0, self.replace))
        self.assert_notified(r"Carla Customer approved .* option Replace, 198\.72 .* Carla Customer")

    def test_another_customer_is_refused_by_id_token_and_rpc(self):
        before = self.snapshot()
        self.authenticate("qp_bobby", "qp_bobby")
        # The page with the quote and the quote's PDF: by id, with the token of Bob's own order.
        for url in (f"/my/work-orders/{self.order.id}",
                    f"/my/work-orders/{self.order.id}?access_token={self.other_token}",
                    self.url(None), self.url(None, token=self.other_token),
                    self.url(None, order=self.other_order, token=self.other_token)):
            response = self.url_open(url)
            self.assertNotIn(self.quote.name.encode(), response.content, url)
            self.assertNotIn(b"%PDF", response.content[:10], url)
            self.assertRegex(response.url, r"/my$|/my\?", url)
        # Approve and decline: by id, with the other order's token, through the other order.
        for kwargs in ({}, {"token": self.other_token},
                       {"order": self.other_order, "token": self.other_token}):
            self.assertEqual(self.approve(self.replace, **kwargs), {"error": NOT_FOUND})
            self.assertEqual(self.route("decline", {"reason": "No"}, **kwargs), {"error": NOT_FOUND})
        # Even with the order's own link, a logged-in user of another customer is not its customer.
        self.assertEqual(self.approve(self.replace, token=self.token), {"error": NOT_FOUND})
        # Over RPC: no rights on quotes at all.
        for method, args in (("read", [[self.quote.id], ["state"]]),
                             ("action_approve", [[self.quote.id], self.replace.id, PNG, "Bob"]),
                             ("action_decline", [[self.quote.id], "No"])):
            with mute_logger("odoo.http"):
                response = self.url_open("/web/dataset/call_kw", data=json.dumps({
                    "jsonrpc": "2.0", "method": "call", "id": 1, "params": {
                        "model": QUOTE, "method": method, "args": args, "kwargs": {}}}),
                    headers={"Content-Type": "application/json"})
            self.assertEqual(response.json()["error"]["data"]["name"], "odoo.exceptions.AccessError")
            with self.assertRaises(xmlrpc.client.Fault) as refused, mute_logger("odoo.http"):
                self.xmlrpc_object.execute_kw(self.env.cr.dbname, self.bob.id, "qp_bobby", QUOTE,
                                              method, args, {})
            self.assertRegex(refused.exception.faultString, "not allowed|access")
        # A visitor without a link, and the technician on the customer's route.
        self.authenticate(None, None)
        self.assertEqual(self.approve(self.replace), {"error": NOT_FOUND})
        self.assertEqual(self.approve(self.replace, token=self.other_token), {"error": NOT_FOUND})
        self.authenticate("qp_techy", "qp_techy")
        self.assertRegex(self.approve(self.replace, token=self.token)["error"], "customer's")
        self.assertEqual(self.snapshot(), before)

    def test_a_visitor_with_the_link_approves_once(self):
        # The e-mail of the sent quote links to the order's page with its token.
        mail = self.env["mail.mail"].search([
            ("model", "=", QUOTE), ("res_id", "=", self.quote.id),
            ("recipient_ids", "in", self.client.ids)])
        self.assertEqual(len(mail), 1)
        self.assertIn(f"/my/work-orders/{self.order.id}?access_token={self.token}#fwo_quotes",
                      mail.body_html)
        self.authenticate(None, None)
        page = self.url_open(f"/my/work-orders/{self.order.id}?access_token={self.token}")
        self.assertEqual(page.status_code, 200)
        for text in (b"fwo_portal_option_approve", b"122.40", b"198.72", b"25.92"):
            self.assertIn(text, page.content)
        before = self.snapshot()
        self.assertRegex(self.approve(self.repair, name=" ", token=self.token)["error"], "name")
        self.assertRegex(self.approve(self.repair, signature="", token=self.token)["error"],
                         "signature")
        self.assertEqual(self.snapshot(), before)

        answer = self.approve(self.repair, token=self.token)
        self.assertIn("message=quote_approved", answer["redirect_url"])
        self.assertEqual((self.quote.state, self.quote.approved_option_id, self.quote.signer_name),
                         ("approved", self.repair, "Casey Client"))
        self.assertEqual(round(self.quote.amount_total, 2), 122.40)
        self.assertEqual(self.order.extra_line_ids, self.repair.line_ids)
        self.assert_notified(r"Northwind Facilities \(portal quote\) approved .* option Repair, 122\.4")
        # Sent twice (a double tap): nothing more; another option is refused.
        after = self.snapshot()
        self.assertIn("redirect_url", self.approve(self.repair, token=self.token))
        self.assertRegex(self.approve(self.replace, token=self.token)["error"], "already approved")
        self.assertEqual(self.snapshot(), after)

    def test_the_customer_declines_with_a_reason_and_nothing_is_billed(self):
        self.authenticate("qp_carla", "qp_carla")
        before = self.snapshot()
        self.assertRegex(self.route("decline", {"reason": "  "})["error"], "why")
        self.assertEqual(self.snapshot(), before)
        # The decline dialog of the page, in Chromium.
        self.start_tour(f"/my/work-orders/{self.order.id}",
                        "field_work_order_quote_portal_decline_tour", login="qp_carla")
        self.env.invalidate_all()
        self.assertEqual((self.quote.state, self.quote.decline_reason),
                         ("declined", "We will replace the whole unit next year."))
        self.assert_notified(r"Carla Customer declined .*next year\.")
        self.assertRegex(self.approve(self.repair)["error"], "cannot be approved: it is Declined")

        self.order.with_user(self.tech).with_context(**at("2030-01-15 11:00:00")).action_complete()
        action = self.order.with_user(self.accountant).action_create_invoices()
        invoice = self.env["account.move"].browse(action["res_id"])
        quoted = invoice.invoice_line_ids.filtered(
            lambda line: line.product_id in (self.descaling | self.part_incl | self.part_excl))
        self.assertFalse(quoted)
        self.assertFalse(self.order.extra_line_ids)
        # Two hours of labor only (90.00 an hour + 5%).
        self.assertEqual([round(invoice[f], 2) for f in ("amount_untaxed", "amount_tax", "amount_total")],
                         [180.0, 9.0, 189.0])

    def test_quote_pdf_and_the_signed_approval_in_the_service_report(self):
        self.quote.with_user(self.tech).action_approve(self.replace.id, PNG, "Casey Client")
        with real_pdf(self.env):
            pdf = self.env["ir.actions.report"]._render_qweb_pdf(QUOTE_REPORT, self.quote.ids)[0]
        with tempfile.NamedTemporaryFile(suffix=".pdf") as file:
            file.write(pdf)
            file.flush()
            text = subprocess.run(["pdftotext", "-layout", file.name, "-"], capture_output=True,
                                  check=True).stdout.decode()
        for amount in ("108.00", "14.40", "122.40", "172.80", "25.92", "198.72", "41.40"):
            self.assertIn(amount, text)
        for words in ("Repair", "Replace", "Valid Until", "Found a corroded valve.", "Casey Client"):
            self.assertIn(words, text)
        # The customer downloads it on the portal.
        self.authenticate("qp_carla", "qp_carla")
        with real_pdf(self.env):
            response = self.url_open(self.url(None, report_type="pdf", download="true"))
        self.assertEqual(response.headers["Content-Type"], "application/pdf")
        self.assertTrue(response.content.startswith(b"%PDF"))

        html = self.env["ir.actions.report"]._render_qweb_html(
            "field_work_order.field_work_order_action_report_service", self.order.ids)[0].decode()
        self.assertIn("Approved Quotes", html)
        section = html.split("fwo_section_quotes", 1)[1]
        for text in ("Replace", "198.72", "172.80", "Casey Client", "fwo_quote_signature"):
            self.assertIn(text, section)


@tagged("post_install", "-at_install")
class TestQuotePortalPhone(QuotePortalCase):
    """The same approval on a 360 px wide phone: the options one under the other, a large pad."""

    browser_size = "360x640"
    touch_enabled = True

    def test_customer_approves_the_second_option_on_a_phone(self):
        self.start_tour(f"/my/work-orders/{self.order.id}", "field_work_order_quote_portal_tour",
                        login="qp_carla")
        self.env.invalidate_all()
        self.assertEqual((self.quote.state, self.quote.approved_option_id),
                         ("approved", self.replace))
