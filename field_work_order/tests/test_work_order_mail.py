import base64
import io
from email.message import EmailMessage
from email.utils import make_msgid

from PIL import Image

from odoo.exceptions import AccessError, UserError
from odoo.tests import tagged

from .common import WorkOrderCommon, at

PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"


def png_bytes(color=(200, 30, 30)):
    buffer = io.BytesIO()
    Image.new("RGB", (8, 6), color).save(buffer, format="PNG")
    return buffer.getvalue()


@tagged("post_install", "-at_install")
class TestWorkOrderMail(WorkOrderCommon):
    """Email intake through Odoo's mail gateway, and the customers' notifications."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        # Whatever the database was set to: no alias, every email switched off.
        cls.company._fwo_set_alias_name(False)
        cls.company.write({
            "fwo_notify_request": False, "fwo_notify_scheduled": False,
            "fwo_notify_on_way": False, "fwo_send_report_on_done": False,
        })
        domain = cls.env["mail.alias.domain"].create({"name": "fwo-intake.example.com"})
        cls.company.alias_domain_id = domain
        # Set in the settings, as an administrator does it.
        cls.env["res.config.settings"].create({"fwo_alias_name": "service"}).execute()
        cls.alias_email = "service@fwo-intake.example.com"
        cls.customer.write({"email": "facilities@acme.example", "tz": "Europe/Brussels",
                            "lang": "en_US"})
        cls.mary = cls.env["res.partner"].create({
            "name": "Mary Manager", "email": "mary@property.example",
        })
        cls.Order = cls.env["field.work.order"]

    def email(self, sender="Mary Manager <mary@property.example>", subject="Leaking tap in 4B",
              body="The tap in unit 4B leaks.\nKey at the front desk.", to=None, attach=True,
              **headers):
        msg = EmailMessage()
        msg["From"] = sender
        msg["To"] = to or self.alias_email
        msg["Subject"] = subject
        msg["Message-Id"] = make_msgid(domain="property.example")
        for name, value in headers.items():
            msg[name.replace("_", "-")] = value
        msg.set_content(body)
        if attach:
            msg.add_attachment(png_bytes(), maintype="image", subtype="png", filename="tap.png")
            msg.add_attachment(PDF, maintype="application", subtype="pdf", filename="quote.pdf")
        return msg.as_bytes()

    def process(self, raw, model=False, **kwargs):
        """What odoo-mailgate does over XML-RPC: hand the raw email to the gateway."""
        return self.env["mail.thread"].message_process(model, raw, **kwargs)

    def customer_mails(self, order, partner=None):
        return self.env["mail.mail"].search([
            ("model", "=", order._name), ("res_id", "=", order.id),
            ("recipient_ids", "in", (partner or order.partner_id).ids),
        ], order="id")

    # ------------------------------------------------------------------
    # Intake
    # ------------------------------------------------------------------
    def test_settings_create_the_alias(self):
        alias = self.company.fwo_alias_id
        self.assertEqual(alias.alias_full_name, self.alias_email)
        self.assertEqual(alias.alias_model_id.model, "field.work.order")
        self.assertEqual(alias.alias_contact, "everyone")
        self.assertEqual(self.env["res.config.settings"].create({}).fwo_alias_name, "service")
        self.env["res.config.settings"].create({"fwo_alias_name": "requests"}).execute()
        self.assertEqual(self.company.fwo_alias_id, alias)
        self.assertEqual(alias.alias_full_name, "requests@fwo-intake.example.com")
        self.env["res.config.settings"].create({"fwo_alias_name": False}).execute()
        self.assertFalse(self.company.fwo_alias_id)
        self.assertFalse(alias.exists())

    def test_email_becomes_a_draft_order(self):
        before = self.Order.search_count([])
        order_id = self.process(self.email())
        self.assertEqual(self.Order.search_count([]), before + 1)
        order = self.Order.browse(order_id)
        self.assertEqual(order.state, "draft")
        self.assertEqual(order.partner_id, self.mary)  # existing contact, matched by email
        self.assertEqual(order.company_id, self.company)
        self.assertEqual(order.intake_email, "mary@property.example")
        self.assertEqual(
            order.description, "Leaking tap in 4B\n\nThe tap in unit 4B leaks.\nKey at the front desk."
        )
        self.assertTrue(order.name.startswith("WO/"))
        # The image is a photo (same bytes); the PDF stays an attachment of the email.
        self.assertEqual(len(order.photo_ids), 1)
        self.assertEqual(order.photo_ids.kind, "other")
        self.assertEqual(base64.b64decode(order.photo_ids.image), png_bytes())
        attachments = self.env["ir.attachment"].search([
            ("res_model", "=", order._name), ("res_id", "=", order.id),
        ])
        self.assertEqual(attachments.mapped("name"), ["quote.pdf"])
        self.assertEqual(attachments.raw, PDF)
        incoming = order.message_ids.filtered(lambda m: m.subject == "Leaking tap in 4B")
        self.assertEqual(len(incoming), 1)
        self.assertEqual(incoming.author_id, self.mary)
        self.assertEqual(incoming.attachment_ids, attachments)

    def test_photos_are_recognised_by_content_not_name(self):
        msg = EmailMessage()
        msg["From"] = "mary@property.example"
        msg["To"] = self.alias_email
        msg["Subject"] = "Pictures"
        msg["Message-Id"] = make_msgid(domain="property.example")
        msg.set_content("See attached.")
        msg.add_attachment(PDF, maintype="image", subtype="png", filename="fake.png")
        msg.add_attachment(b"\x89PNG not really", maintype="image", subtype="png", filename="broken.png")
        msg.add_attachment(png_bytes((0, 90, 0)), maintype="application", subtype="octet-stream",
                           filename="scan.bin")
        order = self.Order.browse(self.process(msg.as_bytes()))
        self.assertEqual(len(order.photo_ids), 1)
        self.assertEqual(base64.b64decode(order.photo_ids.image), png_bytes((0, 90, 0)))
        kept = self.env["ir.attachment"].search([
            ("res_model", "=", order._name), ("res_id", "=", order.id),
        ])
        self.assertEqual(sorted(kept.mapped("name")), ["broken.png", "fake.png"])

    def test_unknown_sender_gets_a_new_contact(self):
        partners = self.env["res.partner"].search_count([])
        order = self.Order.browse(self.process(self.email(
            sender="Rita Restaurant <rita@bistro.example>", subject="Cooler broken", attach=False,
        )))
        self.assertEqual(self.env["res.partner"].search_count([]), partners + 1)
        self.assertEqual(order.partner_id.name, "Rita Restaurant")
        self.assertEqual(order.partner_id.email, "rita@bistro.example")
        self.assertEqual(len(order.photo_ids), 0)

    def test_reply_lands_in_the_order_chatter(self):
        self.company.fwo_notify_request = True
        order = self.Order.browse(self.process(self.email()))
        receipt = self.customer_mails(order)
        self.assertEqual(len(receipt), 1)
        orders = self.Order.search_count([])
        reply = self.email(
            subject="Re: we received your request", body="Also the sink drips.", attach=False,
            to="catchall@fwo-intake.example.com",
            In_Reply_To=receipt.mail_message_id.message_id,
            References=receipt.mail_message_id.message_id,
        )
        self.assertEqual(self.process(reply), order.id)
        self.assertEqual(self.Order.search_count([]), orders)
        replies = order.message_ids.filtered(lambda m: "Also the sink drips." in (m.body or ""))
        self.assertEqual(len(replies), 1)
        self.assertEqual(replies.author_id, self.mary)
        self.assertNotIn("Also the sink", order.description)

    def test_flood_limit_per_sender(self):
        self.env["ir.config_parameter"].sudo().set_param("field_work_order.intake_max_per_hour", 3)
        before = self.Order.search_count([("intake_email", "=", "mary@property.example")])
        results = [self.process(self.email(subject=f"Request {i}", attach=False)) for i in range(4)]
        self.assertEqual(
            self.Order.search_count([("intake_email", "=", "mary@property.example")]), before + 3
        )
        self.assertEqual(len([r for r in results if r]), 3)
        self.assertFalse(results[3])
        self.assertEqual(self.company.fwo_alias_id.alias_status, "valid")  # a refusal, not an error
        # Another sender is not held back by Mary's emails.
        self.assertTrue(self.process(self.email(sender="rita@bistro.example", attach=False)))

    def test_gateway_path_does_not_bypass_the_policy(self):
        # A caller of message_process over RPC may pass values for the fallback model:
        # only the company is taken, and only one with an intake alias.
        raw = self.email(to="someone@elsewhere.example", attach=False)
        order = self.Order.browse(self.process(raw, model="field.work.order", custom_values={
            "company_id": self.company.id, "user_id": self.tech.id, "priority": "3",
            "description": "forged",
        }))
        self.assertEqual((order.user_id, order.priority, order.state), (self.env["res.users"], "0", "draft"))
        self.assertNotIn("forged", order.description)
        other = self.env["res.company"].create({"name": "No Alias Co"})
        with self.assertRaisesRegex(UserError, "intake alias"):
            self.process(self.email(to="someone@elsewhere.example", attach=False),
                         model="field.work.order", custom_values={"company_id": other.id})
        # Called directly, message_new runs as the caller: a technician cannot create orders.
        msg_dict = {"email_from": "mary@property.example", "subject": "x", "body": "y",
                    "attachments": []}
        with self.assertRaisesRegex(AccessError, "Only a dispatcher can create"):
            self.Order.with_user(self.tech).message_new(msg_dict, {"company_id": self.company.id})

    # ------------------------------------------------------------------
    # Notifications
    # ------------------------------------------------------------------
    def test_request_received_once_and_only_when_switched_on(self):
        order = self.Order.browse(self.process(self.email(attach=False)))
        self.assertEqual(len(self.customer_mails(order)), 0)  # switched off by default
        self.company.fwo_notify_request = True
        order = self.Order.browse(self.process(self.email(subject="Second", attach=False)))
        mails = self.customer_mails(order)
        self.assertEqual(len(mails), 1)
        self.assertEqual(mails.recipient_ids, self.mary)
        self.assertEqual(mails.state, "outgoing")  # queued: the mail cron sends it after commit
        self.assertIn("we received your request", mails.subject)
        self.assertIn(order.name, mails.subject)
        self.assertTrue(order.notified_request)
        order._notify_request_received()  # e.g. a second caller of the hook
        self.assertEqual(len(self.customer_mails(order)), 1)
        # Never to a customer without an email address.
        walk_in = self.env["res.partner"].create({"name": "Walk-in"})
        silent = self.create_order(partner_id=walk_in.id, user_id=False, scheduled_start=False)
        silent._notify_request_received()
        self.assertFalse(silent.notified_request)
        self.assertEqual(self.env["mail.mail"].search_count([
            ("model", "=", silent._name), ("res_id", "=", silent.id),
        ]), 0)

    def test_visit_scheduled_in_customer_time_zone_and_rescheduled(self):
        self.company.fwo_notify_scheduled = True
        order = self.create_order(scheduled_start="2030-01-15 09:00:00", job_type_id=False)
        self.assertEqual(len(self.customer_mails(order)), 0)  # draft: not scheduled yet
        order.with_user(self.dispatcher).action_schedule()
        mails = self.customer_mails(order)
        self.assertEqual(len(mails), 1)
        self.assertEqual(mails.recipient_ids, self.customer)
        # 09:00-10:00 UTC is 10:00-11:00 in Brussels in January.
        self.assertIn("Tuesday, January 15, 2030, 10:00", mails.subject)
        self.assertIn("11:00", mails.body_html)
        self.assertIn("Europe/Brussels", mails.body_html)
        # A re-save of the same slot sends nothing.
        order.with_user(self.dispatcher).write({
            "scheduled_start": "2030-01-15 09:00:00", "unit_number": "4B",
        })
        self.assertEqual(len(self.customer_mails(order)), 1)
        # A reschedule sends an update.
        order.with_user(self.dispatcher).write({
            "scheduled_start": "2030-01-16 13:00:00", "scheduled_end": "2030-01-16 15:00:00",
        })
        mails = self.customer_mails(order)
        self.assertEqual(len(mails), 2)
        self.assertIn("Wednesday, January 16, 2030, 2:00", mails[1].subject)
        self.assertEqual(order.notified_slot, "2030-01-16 13:00:00/2030-01-16 15:00:00")

    def test_visit_scheduled_switched_off_or_without_email(self):
        order = self.create_order(job_type_id=False)
        order.with_user(self.dispatcher).action_schedule()
        self.assertEqual(len(self.customer_mails(order)), 0)
        self.company.fwo_notify_scheduled = True
        walk_in = self.env["res.partner"].create({"name": "Walk-in"})
        silent = self.create_order(partner_id=walk_in.id, job_type_id=False)
        silent.with_user(self.dispatcher).action_schedule()
        self.assertEqual(self.env["mail.mail"].search_count([
            ("model", "=", silent._name), ("res_id", "=", silent.id),
        ]), 0)
        self.assertFalse(silent.notified_slot)

    def test_on_my_way_by_the_technician_once_per_visit(self):
        self.company.fwo_notify_on_way = True
        order = self.order_in_state("scheduled", job_type_id=False)
        other = self.order_in_state("scheduled", job_type_id=False, user_id=self.tech2.id)
        self.assertIs(order.with_user(self.tech).action_on_my_way(), True)
        mails = self.customer_mails(order)
        self.assertEqual(len(mails), 1)
        self.assertIn("on the way", mails.subject)
        self.assertIn("Terry", mails.body_html)
        self.assertEqual(len(order.message_ids.filtered(lambda m: "Terry Tech is on the way" in (m.body or ""))), 1)
        # Starting the job is the same visit: no second email.
        order.with_user(self.tech).with_context(**at("2030-01-15 09:00:00")).action_start()
        self.assertEqual(len(self.customer_mails(order)), 1)
        # Another technician's order: refused, nothing sent.
        with self.assertRaises(AccessError):
            other.with_user(self.tech).action_on_my_way()
        self.assertEqual(len(self.customer_mails(other)), 0)
        # In progress is not a way to the job.
        with self.assertRaisesRegex(UserError, "In Progress"):
            order.with_user(self.tech).action_on_my_way()

    def test_job_start_tells_the_customer_when_switched_on(self):
        order = self.order_in_state("in_progress", job_type_id=False)
        self.assertEqual(len(self.customer_mails(order)), 0)  # switched off
        self.company.fwo_notify_on_way = True
        order = self.order_in_state("in_progress", job_type_id=False)
        self.assertEqual(len(self.customer_mails(order)), 1)
        self.assertEqual(order.notified_on_way, "2030-01-15 09:00:00")

    def test_job_completed_sends_the_service_report_once(self):
        self.company.fwo_send_report_on_done = True
        order = self.order_in_state("done")
        self.Order._cron_send_service_reports()
        mails = self.customer_mails(order)
        self.assertEqual(len(mails), 1)
        self.assertIn("Service Report", mails.subject)
        self.assertEqual(len(mails.attachment_ids), 1)
        self.assertTrue(mails.attachment_ids.name.startswith(
            f"Service Report - {order.name.replace('/', '-')}."
        ))
        self.Order._cron_send_service_reports()
        self.assertEqual(len(self.customer_mails(order)), 1)
