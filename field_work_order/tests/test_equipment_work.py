"""The work about the customer's units: per-unit checklists, warranty billing, the service
report per unit, agreements per unit and the email intake naming a unit.

Over the real /jsonrpc route as the real users. Prices for ``InvoiceCommon.other_client``:
labor 115.00 an hour tax included (15%), i.e. 100.00 an hour before tax; the valve 46.00
before its 15% tax.
"""

from datetime import datetime
from email.message import EmailMessage
from email.utils import make_msgid

from freezegun import freeze_time
from lxml import html as lxml_html

from odoo.fields import Command
from odoo.tests import HttpCase, tagged

from . import test_quote
from .common import PNG, at, print_without_delay
from .test_agreement import AgreementCommon
from .test_work_order_invoice import InvoiceCommon

ORDER = "field.work.order"
UNIT = "field.work.order.equipment"
READING = "field.work.order.reading"
AGREEMENT = "field.work.order.agreement"
SERVICE = "field_work_order.field_work_order_action_report_service"


@tagged("post_install", "-at_install")
class TestEquipmentWork(InvoiceCommon, AgreementCommon, HttpCase):
    ok = test_quote.TestQuote.ok
    refused = test_quote.TestQuote.refused
    amounts = test_quote.TestQuote.amounts

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.setup_invoicing(cls.env, " (equipment)")
        # wkhtmltopdf fetches the report's CSS from the server at report.url.
        cls.env["ir.config_parameter"].sudo().set_param("report.url", cls.base_url())
        print_without_delay(cls.env)
        Unit = cls.env[UNIT]
        cls.condenser = Unit.create({
            "name": "Condenser", "partner_id": cls.customer.id, "service_partner_id": cls.site.id,
            "serial_number": "C-4471", "location_note": "Roof, east side",
            "manufacturer": "Coldair", "install_date": "2025-03-01", "warranty_end": "2030-03-31",
        })
        cls.evaporator = Unit.create({
            "name": "Evaporator", "partner_id": cls.customer.id, "service_partner_id": cls.site.id,
            "serial_number": "E-100", "warranty_end": "2029-12-31",
        })
        cls.boiler = Unit.create({
            "name": "Boiler", "partner_id": cls.customer.id, "service_partner_id": cls.site2.id,
            "serial_number": "B-7",
        })
        cls.heater = Unit.create({
            "name": "Water Heater", "partner_id": cls.customer.id,
            "service_partner_id": cls.site3.id, "serial_number": "W-9",
        })
        cls.unit_job_type = cls.env["field.work.order.job.type"].create({
            "name": "Cooling Service",
            "checklist_template_ids": [
                Command.create({"name": "Inspect the site", "sequence": 1}),
                Command.create({"name": "Clean the coil", "sequence": 2, "required": True,
                                "per_equipment": True}),
            ],
            "reading_ids": [
                Command.create({"name": "Suction pressure", "uom": "psi",
                                "min_value": 60.0, "max_value": 80.0}),
                Command.create({"name": "Supply air", "uom": "°C",
                                "min_value": 12.0, "max_value": 16.0}),
            ],
        })

    def rpc(self, *args, **kwargs):
        self.env.flush_all()  # the request reads the database, not this test's cache
        return test_quote.TestQuote.rpc(self, *args, **kwargs)

    def checklist(self, order):
        order.invalidate_recordset(["checklist_ids"])
        return sorted((line.name, line.equipment_id.name or "") for line in order.checklist_ids)

    # --- checklist per unit ----------------------------------------------------------
    def test_checklist_items_per_unit_once(self):
        order_id = self.ok(self.dispatcher, ORDER, "create", [{
            "partner_id": self.customer.id, "service_partner_id": self.site.id,
            "job_type_id": self.unit_job_type.id,
            "equipment_ids": [Command.set((self.condenser | self.evaporator).ids)],
        }])
        order = self.env[ORDER].browse(order_id)
        self.assertEqual(self.checklist(order), [
            ("Clean the coil — Condenser", "Condenser"),
            ("Clean the coil — Evaporator", "Evaporator"),
            ("Inspect the site", ""),
        ])
        self.assertEqual(order.checklist_ids.filtered("equipment_id").mapped("required"), [True, True])
        # A third unit: its own item; the same units again (or one added twice): nothing new.
        third = self.env[UNIT].create({
            "name": "Fan Coil", "partner_id": self.customer.id, "service_partner_id": self.site.id,
        })
        self.ok(self.dispatcher, ORDER, "write", [[order.id], {"equipment_ids": [Command.link(third.id)]}])
        self.assertEqual(len(order.checklist_ids), 4)
        self.assertIn(("Clean the coil — Fan Coil", "Fan Coil"), self.checklist(order))
        units = self.condenser | self.evaporator | third
        self.ok(self.dispatcher, ORDER, "write", [[order.id], {"equipment_ids": [Command.set(units.ids)]}])
        self.ok(self.dispatcher, ORDER, "write", [[order.id], {
            "equipment_ids": [Command.unlink(third.id)]}])
        self.ok(self.dispatcher, ORDER, "write", [[order.id], {"equipment_ids": [Command.link(third.id)]}])
        self.assertEqual(len(order.checklist_ids), 4)
        # The form: choosing the job type lists the chosen units' items already.
        result = self.ok(self.dispatcher, ORDER, "onchange", [
            [], {"partner_id": self.customer.id, "job_type_id": self.unit_job_type.id,
             "equipment_ids": [Command.set(self.condenser.ids)], "checklist_ids": []},
            ["job_type_id"],
            {"partner_id": {}, "job_type_id": {}, "equipment_ids": {},
             "checklist_ids": {"fields": {"name": {}, "equipment_id": {}}}},
        ])
        names = [command[2]["name"] for command in result["value"]["checklist_ids"]
                 if command[0] == Command.CREATE]
        self.assertEqual(names, ["Inspect the site", "Clean the coil — Condenser"])
        # Technicians do not choose the order's units.
        started = self.order_in_state("in_progress", job_type_id=self.unit_job_type.id,
                                      service_partner_id=self.site.id)
        self.refused(self.tech, ORDER, "write", [[started.id], {
            "equipment_ids": [Command.link(self.condenser.id)]}], "AccessError", "Only a dispatcher")
        self.assertFalse(started.equipment_ids)
        self.assertEqual(len(started.checklist_ids), 1)

    # --- warranty ------------------------------------------------------------------
    def warranty_order(self, coverage, units):
        """A finished order of the other client: 1 h labor (100.00) and a valve (46.00)."""
        job_type = self.env["field.work.order.job.type"].create({
            "name": f"Warranty {coverage}", "warranty_coverage": coverage,
        })
        return self.make_done_order(
            self.env, self.other_client, job_type=job_type, labor=[(self.tech, 1.0)],
            materials=[(self.part_excl, 1.0)], equipment_ids=[Command.set(units.ids)],
        )

    def invoice(self, order):
        action = self.ok(self.accountant, ORDER, "action_create_invoices", [order.ids])
        return self.env["account.move"].browse(action["res_id"])

    def lines(self, invoice):
        return [
            (line.product_id, line.quantity, round(line.price_subtotal, 2))
            for line in invoice.invoice_line_ids.filtered(lambda line: line.display_type == "product")
        ]

    def test_warranty_work_priced_zero_with_the_reference(self):
        Unit = self.env[UNIT]
        covered = Unit.create({
            "name": "Condenser", "partner_id": self.other_client.id, "serial_number": "C-9001",
            "warranty_end": "2030-03-31",
        })
        covered2 = Unit.create({
            "name": "Air Handler", "partner_id": self.other_client.id, "warranty_end": "2030-01-15",
        })
        expired = Unit.create({
            "name": "Old Chiller", "partner_id": self.other_client.id, "serial_number": "OC-1",
            "warranty_end": "2030-01-14",
        })
        reference = "Warranty: Condenser C-9001 (until 2030-03-31)"
        expected = {
            "labor": ([(self.labor_product, 1.0, 0.0), (self.part_excl, 1.0, 46.0)],
                      [46.0, 6.9, 52.9]),
            "parts": ([(self.labor_product, 1.0, 100.0), (self.part_excl, 1.0, 0.0)],
                      [100.0, 15.0, 115.0]),
            "all": ([(self.labor_product, 1.0, 0.0), (self.part_excl, 1.0, 0.0)],
                    [0.0, 0.0, 0.0]),
        }
        for coverage, (lines, amounts) in expected.items():
            with self.subTest(coverage=coverage):
                invoice = self.invoice(self.warranty_order(coverage, covered))
                self.assertEqual(self.lines(invoice), lines)
                self.assertEqual(self.amounts(invoice), amounts)
                free = invoice.invoice_line_ids.filtered(lambda line: line.price_unit == 0.0)
                self.assertTrue(free)
                for line in free:
                    self.assertIn(reference, line.name)
                billed = invoice.invoice_line_ids.filtered(lambda line: line.price_unit)
                self.assertNotIn("Warranty", "".join(billed.mapped("name")))
        full = [(self.labor_product, 1.0, 100.0), (self.part_excl, 1.0, 46.0)]
        # Every unit under warranty on the completion day (2030-01-15, the last day of one).
        invoice = self.invoice(self.warranty_order("all", covered | covered2))
        self.assertEqual(self.amounts(invoice), [0.0, 0.0, 0.0])
        self.assertIn("Warranty: Air Handler (until 2030-01-15), Condenser C-9001 (until 2030-03-31)",
                      invoice.invoice_line_ids[0].name)
        # A unit out of warranty, no unit at all, or a job type billing warranty work: full price.
        for coverage, units in (("all", covered | expired), ("all", Unit), ("none", covered)):
            with self.subTest(coverage=coverage, units=units.mapped("name")):
                invoice = self.invoice(self.warranty_order(coverage, units))
                self.assertEqual(self.lines(invoice), full)
                self.assertEqual(self.amounts(invoice), [146.0, 21.9, 167.9])
                self.assertNotIn("Warranty", "".join(invoice.invoice_line_ids.mapped("name")))

    def test_warranty_covers_the_callout_with_labor(self):
        self.env.company.fwo_callout_product_id = self.env["product.product"].create({
            "name": "Call-Out", "type": "service", "list_price": 57.5,
            "taxes_id": [Command.set(self.tax_incl.ids)],
        })
        unit = self.env[UNIT].create({
            "name": "Condenser", "partner_id": self.other_client.id, "warranty_end": "2031-01-01",
        })
        invoice = self.invoice(self.warranty_order("labor", unit))
        self.assertEqual([price for _product, _qty, price in self.lines(invoice)], [0.0, 46.0, 0.0])
        self.assertEqual(self.amounts(invoice), [46.0, 6.9, 52.9])

    def test_dispatcher_warned_of_units_under_warranty(self):
        spec = {"partner_id": {}, "scheduled_start": {}, "equipment_ids": {}}
        values = {"partner_id": self.customer.id, "scheduled_start": "2030-01-15 09:00:00"}
        result = self.ok(self.dispatcher, ORDER, "onchange", [
            [], {**values, "equipment_ids": [Command.set((self.condenser | self.boiler).ids)]},
            ["equipment_ids"], spec,
        ])
        self.assertIn("Condenser (C-4471): under warranty", result["warning"]["message"])
        self.assertNotIn("Boiler", result["warning"]["message"])
        # The evaporator's warranty ended on 2029-12-31: no warning for the 2030 visit.
        result = self.ok(self.dispatcher, ORDER, "onchange", [
            [], {**values, "equipment_ids": [Command.set((self.evaporator | self.boiler).ids)]},
            ["equipment_ids"], spec,
        ])
        self.assertFalse(result.get("warning"))

    # --- agreements per unit -------------------------------------------------------
    def test_agreement_on_units_visits_once_and_not_retired(self):
        agreement = self.agreement(
            service_partner_ids=[], price_type="none",
            equipment_ids=[Command.set((self.condenser | self.evaporator | self.boiler
                                        | self.heater).ids)],
            activate=False,
        )
        # The water heater is retired before the first visit: its site is reached by it only.
        self.ok(self.dispatcher, UNIT, "action_archive", [self.heater.ids])
        self.ok(self.dispatcher, AGREEMENT, "action_activate", [agreement.ids])
        for _run in range(2):
            self.run_cron(datetime(2030, 1, 7, 6, 0))
            with freeze_time(datetime(2030, 1, 7, 6, 30)):
                agreement.with_user(self.dispatcher).action_generate_orders()
            orders = self.orders(agreement)
            self.assertEqual(len(orders), 2)
            self.assertEqual(
                [(o.service_partner_id, o.visit_date.isoformat(), o.equipment_ids) for o in orders],
                [(self.site, "2030-01-15", self.condenser | self.evaporator),
                 (self.site2, "2030-01-15", self.boiler)],
            )
        # The boiler retires: the depot gets no more visits; the annex goes on.
        self.ok(self.dispatcher, UNIT, "action_archive", [self.boiler.ids])
        self.run_cron(datetime(2030, 2, 5, 6, 0))
        self.run_cron(datetime(2030, 2, 5, 7, 0))
        orders = self.orders(agreement)
        self.assertEqual(len(orders), 3)
        self.assertEqual(self.dates(agreement, self.site), ["2030-01-15", "2030-02-15"])
        self.assertEqual(self.dates(agreement, self.site2), ["2030-01-15"])
        self.assertEqual(self.dates(agreement, self.site3), [])
        self.assertEqual(orders.filtered(lambda o: o.visit_date.month == 2).equipment_ids,
                         self.condenser | self.evaporator)
        # Units of another customer are refused.
        stranger = self.env[UNIT].create({"name": "Foreign Unit", "partner_id": self.other_customer.id})
        self.refused(self.dispatcher, AGREEMENT, "write", [agreement.ids, {
            "equipment_ids": [Command.link(stranger.id)]}], "ValidationError",
            "do not belong to Acme Offices: Foreign Unit")
        self.assertEqual(len(agreement.equipment_ids), 2)

    def test_agreement_sites_and_units_together(self):
        agreement = self.agreement(
            service_partner_ids=[Command.set(self.site3.ids)], price_type="none",
            equipment_ids=[Command.set(self.condenser.ids)],
        )
        self.run_cron(datetime(2030, 1, 7, 6, 0))
        orders = self.orders(agreement)
        self.assertEqual(
            [(o.service_partner_id, o.equipment_ids) for o in orders],
            sorted([(self.site, self.condenser), (self.site3, self.env[UNIT])],
                   key=lambda pair: pair[0].id),
        )

    # --- the service report ---------------------------------------------------------
    def test_service_report_groups_the_work_per_unit(self):
        suction, supply = self.unit_job_type.reading_ids
        # The previous visit of the condenser: suction 70 psi (in range).
        earlier = self.make_done_order(
            self.env, self.customer, job_type=self.unit_job_type, service_partner_id=self.site.id,
            equipment_ids=[Command.set(self.condenser.ids)],
        )
        self.env[READING].create({
            "equipment_id": self.condenser.id, "work_order_id": earlier.id,
            "definition_id": suction.id, "value": 70.0, "taken_on": "2030-01-10 10:00:00",
        })
        order = self.order_in_state(
            "in_progress", job_type_id=self.unit_job_type.id, service_partner_id=self.site.id,
            equipment_ids=[Command.set((self.condenser | self.evaporator).ids)],
        )
        compressor = self.env["product.product"].create({
            "name": "Compressor X200", "type": "consu", "is_storable": True, "tracking": "lot",
        })
        lot = self.env["stock.lot"].create({"name": "LOT-4711", "product_id": compressor.id})
        order.write({"material_ids": [
            Command.create({"product_id": compressor.id, "quantity_used": 1.0, "lot_id": lot.id,
                            "equipment_id": self.condenser.id}),
        ]})
        self.ok(self.tech, READING, "create", [[
            {"equipment_id": self.condenser.id, "work_order_id": order.id,
             "definition_id": suction.id, "value": 95.0, "taken_on": "2030-01-15 10:00:00"},
            {"equipment_id": self.condenser.id, "work_order_id": order.id,
             "definition_id": supply.id, "value": 14.0, "taken_on": "2030-01-15 10:05:00"},
            {"equipment_id": self.evaporator.id, "work_order_id": order.id,
             "definition_id": supply.id, "value": 13.5, "taken_on": "2030-01-15 10:10:00"},
        ]])
        self.ok(self.tech, ORDER, "write", [[order.id], {"photo_ids": [
            Command.create({"kind": "after", "image": PNG, "note": "Clean coil",
                            "equipment_id": self.condenser.id}),
        ]}])
        as_tech = order.with_user(self.tech)
        as_tech.checklist_ids.write({"done": True})
        as_tech.with_context(**at("2030-01-15 11:30:00")).action_complete()
        self.assertEqual(order.out_of_range_count, 1)

        html = self.env["ir.actions.report"].with_user(self.dispatcher)._render_qweb_html(
            SERVICE, order.ids)[0]
        tree = lxml_html.fromstring(html)
        units = tree.xpath("//div[contains(@class, 'fwo_section_unit')]")
        self.assertEqual([u.xpath("string(.//*[contains(@class, 'fwo_unit_name')])") for u in units],
                         ["Condenser", "Evaporator"])
        condenser, evaporator = units
        self.assertEqual(condenser.xpath("string(.//*[contains(@class, 'fwo_unit_serial')])"), "C-4471")
        self.assertEqual(condenser.xpath("string(.//*[contains(@class, 'fwo_unit_location')])"),
                         "Roof, east side")
        self.assertIn("Under warranty until", condenser.xpath("string(.//*[contains(@class, 'fwo_unit_warranty')])"))
        self.assertIn("Ended on", evaporator.xpath("string(.//*[contains(@class, 'fwo_unit_warranty')])"))
        # Its checklist item, its part with the lot, its photo, its readings.
        self.assertEqual([" ".join(i.text_content().split()) for i in
                          condenser.xpath(".//tr[contains(@class, 'fwo_checklist_item')]/td[1]")],
                         ["Clean the coil — Condenser"])
        self.assertEqual(condenser.xpath("string(.//*[contains(@class, 'fwo_lot')])"), "LOT-4711")
        self.assertEqual(len(condenser.xpath(".//img[contains(@class, 'fwo_unit_photo')]")), 1)
        self.assertFalse(evaporator.xpath(".//*[contains(@class, 'fwo_material')]"))
        readings = condenser.xpath(".//tr[contains(@class, 'fwo_reading')]")
        self.assertEqual(len(readings), 2)
        flagged = tree.xpath("//tr[contains(@class, 'fwo_out_of_range')]")
        self.assertEqual(len(flagged), 1)
        self.assertIn("Suction pressure", flagged[0].text_content())
        self.assertIn("95.00", flagged[0].text_content())
        self.assertEqual(flagged[0].xpath("string(.//*[contains(@class, 'fwo_out_of_range_label')])"),
                         "Out of range")
        self.assertIn("70.00", flagged[0].xpath("string(.//*[contains(@class, 'fwo_reading_previous')])"))
        self.assertEqual(len(tree.xpath("//*[contains(@class, 'fwo_out_of_range_label')]")), 1)
        self.assertEqual(len(evaporator.xpath(".//tr[contains(@class, 'fwo_reading')]")), 1)
        # The untagged work as before: the site's item once, the tagged part not again.
        general = tree.xpath("//div[contains(@class, 'fwo_section_checklist')]"
                             "//tr[contains(@class, 'fwo_checklist_item')]/td[1]")
        self.assertEqual([i.text_content().strip() for i in general], ["Inspect the site"])
        self.assertFalse(tree.xpath("//div[contains(@class, 'fwo_section_materials')]"))
        self.assertEqual(len(tree.xpath("//img[contains(@class, 'fwo_photo')]")), 1)

        # Previous readings: one query for the whole report, however many orders and readings.
        self.env.flush_all()
        self.env.invalidate_all()
        with self.assertQueryCount(1):
            self.assertEqual(len((order | earlier)._report_previous_readings()), 1)

        pdf = self.env["ir.actions.report"].with_user(self.dispatcher).with_context(
            force_report_rendering=True)._render_qweb_pdf(SERVICE, order.ids)[0]
        self.assertTrue(pdf.startswith(b"%PDF"), pdf[:200])

    # --- the email intake -----------------------------------------------------------
    def test_email_intake_names_the_unit(self):
        self.company._fwo_set_alias_name(False)
        self.company.write({"fwo_notify_request": False})
        self.company.alias_domain_id = self.env["mail.alias.domain"].create({
            "name": "fwo-units.example.com"})
        self.env["res.config.settings"].create({"fwo_alias_name": "service"}).execute()
        manager = self.env["res.partner"].create({
            "name": "Mia Manager", "email": "mia@acme.example", "parent_id": self.customer.id,
        })
        self.env[UNIT].create({  # another customer's unit, same serial: not theirs
            "name": "Foreign Boiler", "partner_id": self.other_customer.id, "serial_number": "B-7",
            "product_id": self.filter.id,
        })

        def email(subject, body):
            msg = EmailMessage()
            msg["From"] = "Mia Manager <mia@acme.example>"
            msg["To"] = "service@fwo-units.example.com"
            msg["Subject"] = subject
            msg["Message-Id"] = make_msgid(domain="acme.example")
            msg.set_content(body)
            order_id = self.env["mail.thread"].message_process(False, msg.as_bytes())
            return self.env[ORDER].browse(order_id)

        order = email("Boiler noisy", "Our boiler (serial B-7) bangs at night.")
        self.assertEqual(order.partner_id, manager)
        self.assertEqual(order.equipment_ids, self.boiler)
        self.assertEqual(order.service_partner_id, self.site2)
        order = email("Condenser C-4471, roof", "Please come.")
        self.assertEqual(order.equipment_ids, self.condenser)
        self.assertEqual(order.service_partner_id, self.site)
        # Not a whole word, or no serial at all: no unit.
        for subject, body in (("C-44710 broken", "B-77 too."), ("Leak", "The tap leaks.")):
            order = email(subject, body)
            self.assertFalse(order.equipment_ids)
            self.assertEqual(order.service_partner_id, manager)
