"""Customer equipment over /jsonrpc as the real users: serials, the technicians' limits,
warranty, readings out of range, the QR label sheet and its address, the contact's counts."""

import io
import json
from datetime import timedelta
from urllib.parse import urlparse

from odoo import fields
from odoo.tests import new_test_user, tagged
from odoo.tools import convert_file
from odoo.tools.pdf import PdfFileReader

from .common import at, serve_report_assets
from .policy_common import PolicyRpcCase

UNIT = "field.work.order.equipment"
READING = "field.work.order.reading"
LABELS = "field_work_order.report_equipment_label_sheet"


class RpcError(Exception):
    def __init__(self, kind, message):
        super().__init__(f"{kind}: {message}")
        self.kind, self.message = kind, message


@tagged("post_install", "-at_install")
class TestEquipment(PolicyRpcCase):

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        serve_report_assets(cls)
        env = cls.env
        Product = env["product.product"]
        cls.condenser = Product.create({"name": "Condenser CX-4", "type": "consu"})
        cls.boiler = Product.create({"name": "Boiler B-20", "type": "consu"})
        cls.other_customer = env["res.partner"].create({"name": "Other Bakery", "is_company": True})
        cls.portal = new_test_user(env, "fwo_eq_portal", groups="base.group_portal", name="Cleo Customer")
        cls.portal.partner_id.parent_id = cls.customer
        cls.other_portal = new_test_user(env, "fwo_eq_portal2", groups="base.group_portal",
                                         name="Omar Other")
        cls.other_portal.partner_id.parent_id = cls.other_customer
        cls.job_type.reading_ids = [
            (0, 0, {"name": "Suction pressure", "uom": "psi", "min_value": 60, "max_value": 80}),
            (0, 0, {"name": "Supply air", "uom": "°C", "min_value": 12, "max_value": 16}),
        ]
        cls.suction, cls.supply = cls.job_type.reading_ids
        # The technician's open order is at the customer's annex.
        cls.order = cls.order_in_state("in_progress", service_partner_id=cls.site.id)
        Unit = env[UNIT].with_user(cls.dispatcher)
        cls.unit = Unit.create({
            "name": "Rooftop condenser", "partner_id": cls.customer.id,
            "service_partner_id": cls.site.id, "product_id": cls.condenser.id,
            "serial_number": "C-4471", "install_date": "2021-05-01", "warranty_end": "2031-03-31",
            "location_note": "Roof, east side",
        })
        cls.order.with_user(cls.dispatcher).equipment_ids = cls.unit

    # --- calling -------------------------------------------------------------
    def jsonrpc(self, user, model, method, args, kwargs=None):
        """``execute_kw`` over /jsonrpc as ``user`` (password = login)."""
        payload = {"jsonrpc": "2.0", "method": "call", "id": 1, "params": {
            "service": "object", "method": "execute_kw",
            "args": [self.env.cr.dbname, user.id, user.login, model, method, args, kwargs or {}],
        }}
        answer = self.url_open("/jsonrpc", data=json.dumps(payload),
                               headers={"Content-Type": "application/json"}).json()
        self.env.invalidate_all()
        if "error" in answer:
            data = answer["error"].get("data", {})
            raise RpcError(data.get("name", "").rsplit(".", 1)[-1], data.get("message", ""))
        return answer.get("result")

    def refused(self, kind, user, model, method, args, *words):
        """The call fails with a ``kind`` error naming ``words``."""
        with self.assertRaises(RpcError) as caught:
            self.jsonrpc(user, model, method, args)
        self.assertEqual(caught.exception.kind, kind, caught.exception.message)
        for word in words:
            self.assertIn(word, caught.exception.message)
        return caught.exception.message

    def units(self, domain):
        return self.env[UNIT].with_context(active_test=False).search_count(domain)

    def snapshot(self, unit):
        unit.invalidate_recordset()
        return (unit.partner_id, unit.service_partner_id, unit.serial_number, unit.product_id,
                str(unit.warranty_end), str(unit.install_date), unit.name, unit.active)

    # --- serials -------------------------------------------------------------
    def test_duplicate_serial_is_refused_per_product(self):
        def create(serial, product=False, partner=self.customer):
            return self.jsonrpc(self.dispatcher, UNIT, "create", [{
                "name": "Unit", "partner_id": partner.id, "serial_number": serial,
                "product_id": product and product.id,
            }])

        self.refused("ValidationError", self.dispatcher, UNIT, "create", [{
            "name": "Twin", "partner_id": self.customer.id, "serial_number": "C-4471",
            "product_id": self.condenser.id,
        }], "C-4471", "already used")
        # Another customer's unit of the same product and serial: still the same serial.
        with self.assertRaises(RpcError):
            create("C-4471", self.condenser, self.other_customer)
        self.assertEqual(self.units([("serial_number", "=", "C-4471")]), 1)
        # The same serial on another product, or without a product, is another unit.
        create("C-4471", self.boiler)
        create("C-4471")
        self.assertEqual(self.units([("serial_number", "=", "C-4471")]), 3)
        with self.assertRaises(RpcError):
            create("C-4471")
        # A retired unit keeps its serial.
        self.jsonrpc(self.dispatcher, UNIT, "action_archive", [[self.unit.id]])
        with self.assertRaises(RpcError):
            create("C-4471", self.condenser)
        self.assertEqual(self.units([("serial_number", "=", "C-4471")]), 3)
        # Changing a serial to a used one is refused too, the unit unchanged.
        other = create("B-1", self.condenser)
        self.refused("ValidationError", self.dispatcher, UNIT, "write",
                     [[other], {"serial_number": "C-4471"}], "already used")
        self.assertEqual(self.env[UNIT].browse(other).serial_number, "B-1")

    # --- the technicians' limits -----------------------------------------------
    def test_technician_cannot_change_owner_warranty_or_serial(self):
        before = self.snapshot(self.unit)
        for vals, word in (({"warranty_end": "2040-01-01"}, "warranty_end"),
                           ({"partner_id": self.other_customer.id}, "partner_id"),
                           ({"serial_number": "FORGED"}, "serial_number"),
                           ({"install_date": "2010-01-01"}, "install_date"),
                           ({"product_id": self.boiler.id}, "product_id"),
                           ({"active": False}, "active")):
            with self.subTest(vals=vals):
                self.refused("AccessError", self.tech, UNIT, "write", [[self.unit.id], vals], word)
                self.assertEqual(self.snapshot(self.unit), before)
        self.refused("AccessError", self.tech, UNIT, "unlink", [[self.unit.id]], "dispatcher")
        self.assertTrue(self.unit.exists())
        # Notes, photo and where it stands on the site are the technician's.
        self.assertTrue(self.jsonrpc(self.tech, UNIT, "write", [[self.unit.id], {
            "location_note": "Roof, west side", "note": "<p>Fan guard loose</p>",
        }]))
        self.assertEqual(self.unit.location_note, "Roof, west side")
        self.assertEqual(self.snapshot(self.unit), before)
        # A technician with no open order at the site writes nothing on its units.
        self.refused("AccessError", self.tech2, UNIT, "write",
                     [[self.unit.id], {"location_note": "Basement"}], "open work orders")
        self.assertEqual(self.unit.location_note, "Roof, west side")

    def test_technician_adds_units_only_at_their_open_orders_sites(self):
        vals = {"name": "Walk-in freezer", "partner_id": self.customer.id,
                "service_partner_id": self.site.id, "serial_number": "F-9",
                "location_note": "Back room"}
        unit_id = self.jsonrpc(self.tech, UNIT, "create", [vals])
        unit = self.env[UNIT].browse(unit_id)
        self.assertEqual((unit.service_partner_id, unit.partner_id, unit.serial_number),
                         (self.site, self.customer, "F-9"))
        # Another site, a technician not on the order, or a warranty: refused, nothing made.
        self.refused("AccessError", self.tech, UNIT, "create", [{
            **vals, "partner_id": self.other_customer.id, "service_partner_id": self.other_customer.id,
            "serial_number": "F-10",
        }], "open work orders")
        self.refused("AccessError", self.tech, UNIT, "create", [{
            **vals, "service_partner_id": self.customer.id, "serial_number": "F-11",
        }], "open work orders")
        self.refused("AccessError", self.tech2, UNIT, "create", [{**vals, "serial_number": "F-12"}],
                     "open work orders")
        self.refused("AccessError", self.tech, UNIT, "create", [{
            **vals, "serial_number": "F-13", "warranty_end": "2040-01-01",
        }], "warranty_end")
        self.assertEqual(self.units([("serial_number", "like", "F-")]), 1)
        self.assertEqual(self.units([("service_partner_id", "=", self.site.id)]), 2)
        # Once the order is done, the site is no longer the technician's.
        self.order.with_user(self.tech).checklist_ids.filtered("required").done = True
        self.order.with_user(self.tech).with_context(**at("2030-01-15 11:00:00")).action_complete()
        self.refused("AccessError", self.tech, UNIT, "create", [{**vals, "serial_number": "F-14"}],
                     "open work orders")
        self.assertEqual(self.units([("serial_number", "like", "F-")]), 1)

    # --- warranty ------------------------------------------------------------
    def test_under_warranty_compute_and_search(self):
        today = fields.Date.today()
        Unit = self.env[UNIT].with_user(self.dispatcher)
        ended, ending, running, never = (Unit.create({
            "name": name, "partner_id": self.other_customer.id, "warranty_end": end,
        }) for name, end in (("Ended", today - timedelta(days=30)),
                             ("Ending", today + timedelta(days=30)),
                             ("Running", today + timedelta(days=400)),
                             ("Never", False)))
        mine = [("partner_id", "=", self.other_customer.id)]
        found = self.jsonrpc(self.dispatcher, UNIT, "search", [mine + [("under_warranty", "=", True)]])
        self.assertEqual(sorted(found), sorted((ending | running).ids))
        found = self.jsonrpc(self.dispatcher, UNIT, "search", [mine + [("under_warranty", "=", False)]])
        self.assertEqual(sorted(found), sorted((ended | never).ids))
        self.assertEqual(self.jsonrpc(self.tech, UNIT, "search_count",
                                      [mine + [("under_warranty", "!=", False)]]), 2)
        read = self.jsonrpc(self.tech, UNIT, "read", [(ended | ending | running | never).ids,
                                                      ["under_warranty"]])
        self.assertEqual([row["under_warranty"] for row in read], [False, True, True, False])
        self.assertTrue(ending._fwo_under_warranty(today + timedelta(days=30)))
        self.assertFalse(ending._fwo_under_warranty(today + timedelta(days=31)))
        self.assertFalse(never._fwo_under_warranty(today))

    def test_order_warns_of_units_under_warranty(self):
        Unit = self.env[UNIT].with_user(self.dispatcher)
        expired = Unit.create({"name": "Old boiler", "partner_id": self.customer.id,
                               "service_partner_id": self.site.id, "warranty_end": "2020-01-01"})
        self.order.with_user(self.dispatcher).equipment_ids = [(4, expired.id)]
        read = self.jsonrpc(self.dispatcher, "field.work.order", "read", [
            self.order.ids, ["equipment_ids", "warranty_equipment_ids", "warranty_warning"]])[0]
        self.assertEqual(sorted(read["equipment_ids"]), sorted((self.unit | expired).ids))
        self.assertEqual(read["warranty_equipment_ids"], self.unit.ids)
        self.assertIn("Rooftop condenser (C-4471) is under warranty until", read["warranty_warning"])
        self.assertNotIn("Old boiler", read["warranty_warning"])
        # Scheduled after the warranty's end: no unit under warranty on that day.
        order = self.create_order(service_partner_id=self.site.id,
                                  scheduled_start="2031-04-02 09:00:00")
        order.with_user(self.dispatcher).equipment_ids = self.unit
        self.assertFalse(order.warranty_equipment_ids)
        self.assertFalse(order.warranty_warning)

    # --- readings ------------------------------------------------------------
    def test_readings_out_of_range_are_flagged_once_per_batch(self):
        order = self.order

        def messages():  # the notes (the To-Do's own notification to the dispatcher aside)
            return self.env["mail.message"].search_count([
                ("model", "=", "field.work.order"), ("res_id", "=", order.id),
                ("message_type", "=", "notification"), ("body", "ilike", "out of range")])

        def todos():
            return self.env["mail.activity"].search_count([
                ("res_model", "=", "field.work.order"), ("res_id", "=", order.id),
                ("user_id", "=", self.dispatcher.id)])

        def reading(definition, value):
            return {"work_order_id": order.id, "equipment_id": self.unit.id,
                    "definition_id": definition.id, "value": value}

        ids = self.jsonrpc(self.tech, READING, "create", [[
            reading(self.suction, 79.9), reading(self.suction, 60.0), reading(self.supply, 12.0),
        ]])
        rows = self.jsonrpc(self.tech, READING, "read", [ids, [
            "name", "value", "uom", "min_value", "max_value", "out_of_range"]])
        self.assertEqual([(r["name"], r["value"], r["uom"], r["min_value"], r["max_value"],
                           r["out_of_range"]) for r in rows], [
            ("Suction pressure", 79.9, "psi", 60.0, 80.0, False),
            ("Suction pressure", 60.0, "psi", 60.0, 80.0, False),
            ("Supply air", 12.0, "°C", 12.0, 16.0, False),
        ])
        self.assertEqual((messages(), todos(), order.out_of_range_count), (0, 0, 0))

        ids = self.jsonrpc(self.tech, READING, "create", [[
            reading(self.suction, 85.0), reading(self.supply, 11.99), reading(self.supply, 14.0),
        ]])
        rows = self.jsonrpc(self.dispatcher, READING, "read", [ids, ["out_of_range"]])
        self.assertEqual([r["out_of_range"] for r in rows], [True, True, False])
        # One note naming both, one To-Do for the dispatcher who created the order.
        self.assertEqual((messages(), todos(), order.out_of_range_count), (1, 1, 2))
        note = self.env["mail.message"].search([
            ("model", "=", "field.work.order"), ("res_id", "=", order.id),
            ("message_type", "=", "notification"), ("body", "ilike", "out of range")])
        self.assertIn("Suction pressure 85.00 psi (expected 60.00 to 80.00)", note.body)
        self.assertIn("Supply air 11.99 °C (expected 12.00 to 16.00)", note.body)
        self.assertEqual(note.author_id, self.tech.partner_id)
        # A free measurement has no range: never flagged.
        free = self.jsonrpc(self.tech, READING, "create", [{
            "work_order_id": order.id, "equipment_id": self.unit.id, "name": "Amps", "value": 999,
        }])
        self.assertFalse(self.env[READING].browse(free).out_of_range)
        self.assertEqual((messages(), todos(), order.out_of_range_count), (1, 1, 2))
        # Technicians read every reading of a unit; another technician records none on this order.
        self.assertEqual(self.jsonrpc(self.tech2, READING, "search_count",
                                      [[("equipment_id", "=", self.unit.id)]]), 7)
        self.refused("AccessError", self.tech2, READING, "create", [reading(self.suction, 70)])
        self.assertEqual(self.env[READING].search_count([("work_order_id", "=", order.id)]), 7)

    # --- the label sheet and its address -----------------------------------------
    def test_label_sheet_renders_the_qr_address(self):
        Unit = self.env[UNIT].with_user(self.dispatcher)
        units = self.unit | Unit.create([{
            "name": f"Water heater {n}", "partner_id": self.customer.id, "serial_number": f"WH-{n}",
        } for n in range(11)])
        report = self.env["ir.actions.report"].with_context(force_report_rendering=True)
        html = report._render_qweb_html(LABELS, units.ids)[0].decode()
        base = self.unit.get_base_url()
        for unit in units:
            self.assertIn(f'data-fwo-url="{base}/fwo/equipment/{unit.id}"', html)
        self.assertEqual(html.count('class="fwo_equipment_label"'), 12)
        self.assertIn("C-4471", html)
        self.assertIn("Acme Offices, Annex", html)
        self.assertEqual(html.count('src="data:image/png;base64,'), 12)
        pdf = report._render_qweb_pdf(LABELS, units.ids)[0]
        self.assertTrue(pdf.startswith(b"%PDF"))
        self.assertEqual(len(PdfFileReader(io.BytesIO(pdf)).pages), 2)  # ten labels a page
        pdf = report._render_qweb_pdf(LABELS, units[:10].ids)[0]
        self.assertEqual(len(PdfFileReader(io.BytesIO(pdf)).pages), 1)

    def test_label_address_sends_each_user_to_their_screen(self):
        url = f"/fwo/equipment/{self.unit.id}"
        expected = {
            self.portal: f"/my/equipment/{self.unit.id}",
            self.tech: "/field-service",
            self.tech2: "/field-service",
            self.dispatcher: "/odoo/action-field_work_order.field_work_order_equipment_action/"
                             f"{self.unit.id}",
            self.accountant: "/odoo/action-field_work_order.field_work_order_equipment_action/"
                             f"{self.unit.id}",
        }
        for user, target in expected.items():
            with self.subTest(user=user.login):
                self.authenticate(user.login, user.login)
                response = self.url_open(url, allow_redirects=False)
                self.assertIn(response.status_code, (302, 303))
                location = urlparse(response.headers["Location"])
                self.assertEqual(location.path, target)
                if target == "/field-service":
                    self.assertEqual(location.fragment, f"/equipment/{self.unit.id}")
        # Another customer, another company's dispatcher or a unit that is not there: not found.
        self.authenticate(self.other_portal.login, self.other_portal.login)
        self.assertEqual(self.url_open(url, allow_redirects=False).status_code, 404)
        self.authenticate(self.dispatcher.login, self.dispatcher.login)
        self.assertEqual(self.url_open("/fwo/equipment/999999999", allow_redirects=False).status_code, 404)
        # No session: the login page first.
        self.authenticate(None, None)
        response = self.url_open(url, allow_redirects=False)
        self.assertIn("/web/login", response.headers.get("Location", ""))

    # --- the contact's smart buttons -------------------------------------------------
    def test_contact_counts_its_units_and_the_units_on_site(self):
        Unit = self.env[UNIT].with_user(self.dispatcher)
        Unit.create([
            {"name": "Annex boiler", "partner_id": self.customer.id, "service_partner_id": self.site.id},
            {"name": "Head office lift", "partner_id": self.customer.id},
            {"name": "Their fridge", "partner_id": self.other_customer.id},
        ])
        fnames = ["fwo_equipment_count", "fwo_site_equipment_count"]
        rows = self.jsonrpc(self.dispatcher, "res.partner", "read",
                            [[self.customer.id, self.site.id, self.other_customer.id], fnames])
        self.assertEqual([(r["fwo_equipment_count"], r["fwo_site_equipment_count"]) for r in rows],
                         [(3, 1), (0, 2), (1, 1)])
        for method, partner, count in (("action_fwo_view_equipment", self.customer, 3),
                                       ("action_fwo_view_site_equipment", self.site, 2),
                                       ("action_fwo_view_site_equipment", self.customer, 1)):
            action = self.jsonrpc(self.tech, "res.partner", method, [partner.ids])
            self.assertEqual(action["res_model"], UNIT)
            self.assertEqual(self.jsonrpc(self.tech, UNIT, "search_count", [action["domain"]]), count)

    def test_unit_history_buttons(self):
        self.jsonrpc(self.tech, READING, "create", [{
            "work_order_id": self.order.id, "equipment_id": self.unit.id,
            "definition_id": self.suction.id, "value": 70}])
        line = self.order.material_ids[:1]
        line.with_user(self.tech).write({"equipment_id": self.unit.id, "quantity_used": 1})
        row = self.jsonrpc(self.tech, UNIT, "read", [self.unit.ids, [
            "order_count", "reading_count", "material_count", "photo_count"]])[0]
        self.assertEqual((row["order_count"], row["reading_count"], row["material_count"],
                          row["photo_count"]), (1, 1, 1, 0))
        for method, model, count in (("action_view_orders", "field.work.order", 1),
                                     ("action_view_readings", READING, 1),
                                     ("action_view_materials", "field.work.order.material", 1),
                                     ("action_view_photos", "field.work.order.photo", 0)):
            action = self.jsonrpc(self.tech, UNIT, method, [self.unit.ids])
            self.assertEqual(action["res_model"], model)
            self.assertEqual(self.jsonrpc(self.tech, model, "search_count", [action["domain"]]), count)

    # --- demo ----------------------------------------------------------------
    def test_demo_site_has_four_units_two_under_warranty(self):
        if not self.env.ref("field_work_order.user_dispatcher", raise_if_not_found=False):
            for path in ("demo/field_work_order_demo.xml", "demo/field_work_order_demo_equipment.xml"):
                convert_file(self.env, "field_work_order", path, {}, mode="init", kind="demo")
        bakery = self.env.ref("field_work_order.partner_bakery")
        units = self.env[UNIT].search([("service_partner_id", "=", bakery.id)])
        self.assertEqual(len(units), 4)
        self.assertEqual(len(units.filtered("under_warranty")), 2)
        visits = self.env.ref("field_work_order.order_equipment_visit_1") | self.env.ref(
            "field_work_order.order_equipment_visit_2")
        self.assertEqual(set(visits.mapped("state")), {"done"})
        self.assertEqual(len(visits.reading_ids), 6)
        self.assertEqual(len(visits.reading_ids.filtered("out_of_range")), 1)
        condenser = self.env.ref("field_work_order.equipment_bakery_condenser")
        self.assertEqual(condenser.order_count, 3)
        self.assertEqual(condenser.reading_ids.mapped("value"), [63.0, 71.5])
