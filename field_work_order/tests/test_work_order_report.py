import base64
import io

from lxml import html as lxml_html
from PIL import Image

from odoo.tests import HttpCase, tagged

from .common import WorkOrderCommon, at, print_without_delay

SHEET = "field_work_order.field_work_order_action_report_sheet"
SERVICE = "field_work_order.field_work_order_action_report_service"


def png(width, height, color=(30, 120, 200)):
    """Base64 PNG of a plain colour, as the form's image widget stores it."""
    buffer = io.BytesIO()
    Image.new("RGB", (width, height), color).save(buffer, format="PNG")
    return base64.b64encode(buffer.getvalue())


@tagged("post_install", "-at_install")
class TestWorkOrderReport(HttpCase, WorkOrderCommon):
    """Both PDFs rendered by the real wkhtmltopdf while this test's HTTP server serves the CSS."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        # wkhtmltopdf fetches the report's CSS from the server at report.url.
        cls.env["ir.config_parameter"].sudo().set_param("report.url", cls.base_url())
        print_without_delay(cls.env)
        cls.customer.write({"email": "facilities@acme.example", "lang": "en_US"})
        cls.compressor = cls.env["product.product"].create({
            "name": "Compressor X200", "type": "consu", "is_storable": True, "tracking": "lot",
        })
        cls.lot = cls.env["stock.lot"].create({"name": "LOT-4711", "product_id": cls.compressor.id})
        cls.order = cls._complete_order()
        # Customer with a right-to-left name; no photos, no signature.
        cls.rtl_customer = cls.env["res.partner"].create({
            "name": "شركة الأمل للتبريد", "email": "amal@example.com",
        })
        cls.bare_order = cls.create_order(
            partner_id=cls.rtl_customer.id, unit_number="ب-12",
            description="استبدال الفلتر وتنظيف الوحدة", job_type_id=False,
        )
        cls.bare_order.action_schedule()
        cls.bare_order.with_user(cls.tech).with_context(**at("2030-01-16 08:00:00")).action_start()
        cls.bare_order.with_user(cls.tech).with_context(**at("2030-01-16 09:00:00")).action_complete()

    @classmethod
    def _complete_order(cls):
        order = cls.create_order(
            unit_number="Suite 4B", access_instructions="Key box 2468 at the loading dock.",
            site_contact_name="Jürgen Groß", site_contact_phone="+49 30 1234567",
            description="Compressor noisy, cooling weak.",
            safety_requirements="Lock out the rooftop unit before opening it.",
        )
        order.action_schedule()
        as_tech = order.with_user(cls.tech)
        as_tech.with_context(**at("2030-01-15 09:00:00")).action_start()
        # Lots are stock records: recorded here as an inventory user would (admin).
        order.with_env(cls.env).write({
            "material_ids": [
                (1, order.material_ids.id, {"quantity_used": 2.0}),
                (0, 0, {"product_id": cls.compressor.id, "quantity_used": 1.0, "lot_id": cls.lot.id}),
            ],
        })
        as_tech.write({
            "photo_ids": [
                (0, 0, {"kind": "before", "image": png(4000, 3000), "note": "Old compressor"}),
                (0, 0, {"kind": "after", "image": png(1200, 900, (20, 160, 60)), "note": "New one"}),
            ],
            "signature": png(400, 120, (0, 0, 0)),
            "signed_by": "Zoë Ångström",
        })
        as_tech.checklist_ids.write({"done": True})
        as_tech.message_post(
            body="Replaced the compressor; the old one had a seized bearing.",
            message_type="comment", subtype_xmlid="mail.mt_note",
        )
        as_tech.with_context(**at("2030-01-15 11:30:00")).action_complete()
        return order

    def _html(self, report, orders):
        content, report_type = self.env["ir.actions.report"]._render_qweb_html(report, orders.ids)
        self.assertEqual(report_type, "html")
        return lxml_html.fromstring(content)

    def _pdf(self, report, orders):
        content, report_type = self.env["ir.actions.report"].with_context(
            force_report_rendering=True
        )._render_qweb_pdf(report, orders.ids)
        self.assertEqual(report_type, "pdf")
        self.assertTrue(content.startswith(b"%PDF"), content[:200])
        return content

    def _texts(self, root, css_class):
        return [
            node.text_content().strip()
            for node in root.xpath(f"//*[contains(concat(' ', @class, ' '), ' {css_class} ')]")
        ]

    def test_service_report(self):
        order = self.order
        self.assertEqual(order.state, "done")
        self._pdf(SERVICE, order)
        root = self._html(SERVICE, order)
        self.assertEqual(self._texts(root, "fwo_reference"), [order.name])
        self.assertEqual(self._texts(root, "fwo_unit"), ["Suite 4B"])
        self.assertEqual(self._texts(root, "fwo_product"), ["Filter", "Compressor X200"])
        self.assertEqual(self._texts(root, "fwo_lot"), ["LOT-4711"])
        self.assertEqual(self._texts(root, "fwo_signed_by"), ["Zoë Ångström"])
        self.assertEqual(self._texts(root, "fwo_company_name"), [self.company.name])
        body = root.text_content()
        for text in ("Key box 2468", "Jürgen Groß", "Lock out the rooftop unit", "seized bearing",
                     "Check thermostat", "Terry Tech"):
            self.assertIn(text, body)
        # 09:00 -> 11:30 for the one technician: 2:30 hours on the labor total line.
        totals = root.xpath("//tr[contains(@class, 'fwo_labor_total')]/td[2]")
        self.assertEqual([td.text_content().strip() for td in totals], ["02:30"])

        photos = root.xpath("//img[contains(@class, 'fwo_photo')]")
        self.assertEqual(len(photos), 2)
        sizes = []
        for img in photos:
            src = img.get("src")
            self.assertTrue(src.startswith("data:image/"), src[:40])
            sizes.append(Image.open(io.BytesIO(base64.b64decode(src.split(",", 1)[1]))).size)
        # The 4000x3000 photo was stored at 1920x1440 and is embedded at 480x360.
        self.assertEqual(sizes, [(480, 360), (480, 360)])
        signature = root.xpath("//img[contains(@class, 'fwo_signature')]")
        self.assertEqual(len(signature), 1)
        self.assertTrue(signature[0].get("src").startswith("data:image/png;base64,"))
        logo = root.xpath("//img[contains(@class, 'fwo_logo')]")
        self.assertTrue(all(img.get("src").startswith("data:image/") for img in logo))
        self.assertFalse(root.xpath("//img[contains(@src, '/web/image')]"))

    def test_work_order_sheet_for_several_orders(self):
        orders = self.order | self.bare_order
        self._pdf(SHEET, orders)
        root = self._html(SHEET, orders)
        self.assertEqual(len(root.xpath("//div[contains(@class, 'article')]")), 1)
        self.assertEqual(len(root.xpath("//div[contains(@class, 'fwo_sheet')]")), 2)
        self.assertEqual(self._texts(root, "fwo_reference"), [self.order.name, self.bare_order.name])
        self.assertEqual(self._texts(root, "fwo_unit"), ["Suite 4B", "ب-12"])
        # Planned materials only (the compressor was not planned), with empty boxes to tick.
        self.assertEqual(self._texts(root, "fwo_product"), ["Filter"])
        self.assertEqual(len(root.xpath("//span[contains(@class, 'fwo_box')]")), 2)
        self.assertFalse(root.xpath("//*[contains(@class, 'fwo_section_photos')]"))

    def test_order_without_photos_or_signature_and_rtl_text(self):
        order = self.bare_order
        self._pdf(SERVICE, order)
        root = self._html(SERVICE, order)
        self.assertEqual(self._texts(root, "fwo_customer"), ["شركة الأمل للتبريد"])
        description = root.xpath("//div[contains(@class, 'fwo_description')]")
        self.assertEqual(description[0].get("dir"), "auto")
        self.assertEqual(description[0].text_content().strip(), "استبدال الفلتر وتنظيف الوحدة")
        for section in ("fwo_section_photos", "fwo_section_signature", "fwo_section_materials",
                        "fwo_section_notes", "fwo_section_checklist"):
            self.assertFalse(root.xpath(f"//*[contains(@class, '{section}')]"), section)
        self.assertFalse(root.xpath("//img[contains(@class, 'fwo_photo')]"))

    def test_report_emailed_after_completion(self):
        self.company.fwo_send_report_on_done = True
        cron = self.env.ref("field_work_order.ir_cron_send_service_reports")
        order = self.create_order(unit_number="12")
        order.action_schedule()
        as_tech = order.with_user(self.tech)
        as_tech.with_context(**at("2030-02-01 08:00:00")).action_start()
        as_tech.checklist_ids.write({"done": True})
        triggers_before = self.env["ir.cron.trigger"].search_count([("cron_id", "=", cron.id)])
        as_tech.with_context(**at("2030-02-01 09:00:00")).action_complete()

        # Completion only flags the order and wakes the cron: nothing is rendered or mailed yet.
        Mail = self.env["mail.mail"]
        mail_domain = [("model", "=", order._name), ("res_id", "=", order.id)]
        self.assertTrue(order.report_to_send)
        self.assertFalse(Mail.search(mail_domain))
        self.assertEqual(
            self.env["ir.cron.trigger"].search_count([("cron_id", "=", cron.id)]), triggers_before + 1
        )
        # The orders completed in setUpClass were completed with the setting off.
        self.assertFalse(self.order.report_to_send)

        self.assertIs(
            order.with_context(force_report_rendering=True)._cron_send_service_reports(), True
        )
        self.assertFalse(order.report_to_send)
        # The customer gets it (followers with email notifications get their usual copy).
        mails = Mail.search(mail_domain + [("recipient_ids", "in", self.customer.ids)])
        self.assertEqual(len(mails), 1)
        self.assertEqual(mails.recipient_ids, self.customer)
        self.assertIn(order.name, mails.subject)
        self.assertEqual(mails.attachment_ids.mapped("mimetype"), ["application/pdf"])
        self.assertEqual(mails.attachment_ids.name, f"Service Report - {order.name.replace('/', '-')}.pdf")
        self.assertTrue(mails.attachment_ids.raw.startswith(b"%PDF"))
        # Posted in the chatter, so the dispatcher sees what the customer received.
        self.assertEqual(order.message_ids[0].attachment_ids, mails.attachment_ids)
        # Nothing left to send: a second run sends nothing more.
        sent = Mail.search_count(mail_domain)
        order._cron_send_service_reports()
        self.assertEqual(Mail.search_count(mail_domain), sent)

    def test_cron_skips_orders_it_cannot_or_must_not_send(self):
        self.company.fwo_send_report_on_done = True
        no_email = self.env["res.partner"].create({"name": "Walk-in Customer"})
        orders = self.create_order(partner_id=no_email.id, job_type_id=False) | self.create_order(
            job_type_id=False
        )
        orders.action_schedule()
        orders.with_user(self.tech).with_context(**at("2030-03-01 08:00:00")).action_start()
        orders.with_user(self.tech).with_context(**at("2030-03-01 09:00:00")).action_complete()
        self.assertEqual(orders.mapped("report_to_send"), [True, True])
        # The second one is sent back for rework before the cron runs.
        orders[1].with_user(self.dispatcher).action_rework("Leak still there")
        orders._cron_send_service_reports()
        self.assertEqual(orders.mapped("report_to_send"), [False, False])
        self.assertFalse(self.env["mail.mail"].search([
            ("model", "=", orders._name), ("res_id", "in", orders.ids),
            ("recipient_ids", "in", (no_email | self.customer).ids),
        ]))
        self.assertIn("has no email address", orders[0].message_ids[0].body)

    def test_technician_prints_service_report(self):
        # Technicians have no access to stock lots; the report still shows the lot.
        content, _type = self.env["ir.actions.report"].with_user(self.tech)._render_qweb_html(
            SERVICE, self.order.ids
        )
        root = lxml_html.fromstring(content)
        self.assertEqual(self._texts(root, "fwo_lot"), ["LOT-4711"])
        self.assertEqual(len(root.xpath("//img[contains(@class, 'fwo_photo')]")), 2)

    def test_send_report_button_opens_composer(self):
        action = self.order.with_user(self.tech).action_send_report()
        template = self.env.ref("field_work_order.mail_template_service_report")
        self.assertEqual(action["res_model"], "mail.compose.message")
        self.assertEqual(action["context"]["default_template_id"], template.id)
        composer = self.env["mail.compose.message"].with_user(self.tech).with_context(
            action["context"], force_report_rendering=True,
        ).create({})
        self.assertEqual(composer.template_id, template)
        self.assertEqual(composer.composition_mode, "comment")
        self.assertIn(self.order.name, composer.subject)
        self.assertEqual(composer.partner_ids, self.customer)
        self.assertEqual(
            composer.attachment_ids.name, f"Service Report - {self.order.name.replace('/', '-')}.pdf"
        )
        self.assertEqual(composer.attachment_ids.mimetype, "application/pdf")
