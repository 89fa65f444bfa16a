import re
from datetime import timedelta

from lxml import html

from odoo import fields
from odoo.tests import HttpCase, new_test_user, tagged


@tagged("post_install", "-at_install")
class TestTechnicianApp(HttpCase):
    """The technician app at /field-service, in Chromium at phone size, as a real technician."""

    browser_size = "360x640"
    touch_enabled = True

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.tech = new_test_user(
            cls.env, "app_tech", groups="base.group_user,field_work_order.group_technician",
            name="App Technician",
        )
        cls.dispatcher = new_test_user(
            cls.env, "app_dispatcher", groups="base.group_user,field_work_order.group_dispatcher",
            name="App Dispatcher",
        )
        cls.tech.action_fwo_create_van()
        cls.van = cls.tech.fwo_van_location_id
        cls.valve = cls.env["product.product"].create({
            "name": "Tour Valve", "is_storable": True, "default_code": "TV-1",
        })
        cls.env["stock.quant"]._update_available_quantity(cls.valve, cls.van, 5)
        customer = cls.env["res.partner"].create({
            "name": "App Tour Customer", "is_company": True, "street": "4 Harbour Street",
            "city": "Springfield", "zip": "01101", "partner_latitude": 50.85, "partner_longitude": 4.35,
        })
        cls.order = cls.env["field.work.order"].with_user(cls.dispatcher).create({
            "partner_id": customer.id,
            "user_id": cls.tech.id,
            "unit_number": "7A",
            "description": "Replace the leaking valve under the sink.",
            "safety_requirements": "Lock out the breaker before opening the unit.",
            "scheduled_start": cls._today_soon(),
            "checklist_ids": [(0, 0, {"name": "Isolate the unit", "required": True})],
        })
        cls.order.with_user(cls.dispatcher).action_schedule()

    @staticmethod
    def _today_soon():
        """In half an hour, but still today (UTC, the technician's day): the tour walks today's route."""
        now = fields.Datetime.now()
        return min(now + timedelta(minutes=30), now.replace(hour=23, minute=59, second=0))

    def test_technician_does_the_whole_job_in_the_app(self):
        self.start_tour("/field-service", "field_work_order_mobile_technician_app", login="app_tech")

        order = self.env["field.work.order"].browse(self.order.id)  # as the test's admin
        order.invalidate_recordset()
        self.assertEqual(order.state, "done")
        ops = self.env["field.work.order.sync.operation"].search([("order_id", "=", order.id)], order="id")
        self.assertEqual(
            ops.mapped("type"),
            ["on_my_way", "start", "photo", "material", "checklist", "note", "signature", "complete"],
        )
        self.assertEqual(set(ops.mapped("status")), {"applied"})
        self.assertEqual(ops.user_id, self.tech)
        at = {op.type: op.at for op in ops}

        # Labor: one line of the technician, opened and closed at the device times.
        self.assertEqual(len(order.labor_ids), 1)
        labor = order.labor_ids
        self.assertEqual(labor.user_id, self.tech)
        self.assertEqual(labor.date_start, at["start"])
        self.assertEqual(labor.date_end, at["complete"])
        self.assertEqual(order.date_started, at["start"])
        self.assertEqual(order.date_completed, at["complete"])

        # The material: 2 used, consumed from the van by a done stock move.
        line = order.material_ids
        self.assertEqual(len(line), 1)
        self.assertEqual((line.product_id, line.quantity_used), (self.valve, 2.0))
        moves = line.move_ids.filtered(lambda m: m.state == "done")
        self.assertEqual(sum(moves.mapped("quantity")), 2.0)
        self.assertEqual(moves.location_id, self.van)
        self.assertEqual(self.env["stock.quant"]._get_available_quantity(self.valve, self.van), 3.0)

        # The photo: a 'before' photo, downscaled on the phone to at most 1920 px.
        photo = order.photo_ids
        self.assertEqual(len(photo), 1)
        self.assertEqual(photo.kind, "before")
        self.assertEqual(photo.taken_on, at["photo"])
        self.assertEqual(self._size(photo.image), (1920, 1280))  # the server caps at 1920 px too

        # Checklist, note and signature.
        item = order.checklist_ids
        self.assertTrue(item.done)
        self.assertEqual((item.done_by, item.done_on), (self.tech, at["checklist"]))
        notes = order.message_ids.filtered(lambda m: m.message_type == "comment")
        self.assertEqual(notes.mapped("body"), ["<p>Valve replaced, no leak.</p>"])
        self.assertEqual(notes.date, at["note"])
        self.assertEqual(order.signed_by, "Carla Customer")
        self.assertEqual(order.signed_on, at["signature"])
        self.assertTrue(order.signature)

    @staticmethod
    def _size(image):
        import base64
        import io

        from PIL import Image
        return Image.open(io.BytesIO(base64.b64decode(image))).size

    def test_app_page_manifest_and_service_worker(self):
        self.authenticate("app_tech", "app_tech")
        page = self.url_open("/field-service")
        self.assertEqual(page.status_code, 200)
        self.assertIn("field_work_order_mobile.assets_app", page.text)
        self.assertIn('rel="manifest" href="/field-service/manifest.webmanifest"', page.text)
        manifest = self.url_open("/field-service/manifest.webmanifest").json()
        self.assertEqual((manifest["start_url"], manifest["scope"], manifest["display"]),
                         ("/field-service", "/field-service", "standalone"))
        worker = self.url_open("/field-service/service-worker.js")
        self.assertEqual(worker.headers["Service-Worker-Allowed"], "/field-service")
        self.assertIn("javascript", worker.headers["Content-Type"])

    def test_app_page_preloads_its_translations(self):
        """The page asks for the translations at the address Odoo's localization service reads them."""
        self.authenticate("app_tech", "app_tech")
        text = self.url_open("/field-service").text
        # What the localization service reads: the session info written in the page.
        translations_hash = re.search(r'"cache_hashes": \{"translations": "(\w+)"', text)[1]
        url = f"/web/webclient/translations/{translations_hash}?lang=en_US"
        page = html.fromstring(text)
        preloads = page.xpath("//link[@rel='preload']")
        self.assertEqual([(p.get("href"), p.get("as"), p.get("crossorigin")) for p in preloads],
                         [(url, "fetch", "anonymous")])
        translations = self.url_open(url)
        self.assertEqual(translations.status_code, 200)
        self.assertEqual(translations.json()["lang_parameters"]["code"], "en_US")

    def test_login_lands_technicians_in_the_app(self):
        """Technicians land in the app; dispatchers keep the back office; a page asked for wins."""
        for login, landing in (("app_tech", "/field-service"), ("app_dispatcher", "/odoo")):
            self.opener.cookies.clear()
            response = self.url_open("/web/login", data={
                "login": login, "password": login, "csrf_token": self._csrf(),
            }, allow_redirects=False)
            self.assertEqual(response.status_code, 303, login)
            self.assertTrue(response.headers["Location"].endswith(landing), (login, response.headers["Location"]))
        self.opener.cookies.clear()
        my_orders = "/odoo/action-field_work_order.field_work_order_action_my"
        response = self.url_open("/web/login", data={
            "login": "app_tech", "password": "app_tech", "redirect": my_orders, "csrf_token": self._csrf(),
        }, allow_redirects=False)
        self.assertIn(my_orders, response.headers["Location"])

    def test_app_is_the_home_action_of_technicians(self):
        app = self.env.ref("field_work_order_mobile.action_field_service_app")
        board = self.env.ref("field_work_order.field_work_order_dispatch_action")
        self.assertEqual(app.url, "/field-service")
        for login, home in (("app_tech", app.id), ("app_dispatcher", board.id)):
            self.authenticate(login, login)
            info = self.make_jsonrpc_request("/web/session/get_session_info")
            self.assertEqual(info["home_action_id"], home, login)
        # A Home Action set on the user wins.
        my_orders = self.env.ref("field_work_order.field_work_order_action_my")
        self.tech.action_id = my_orders.id
        self.authenticate("app_tech", "app_tech")
        self.assertEqual(self.make_jsonrpc_request("/web/session/get_session_info")["home_action_id"], my_orders.id)

    def _csrf(self):
        page = self.url_open("/web/login")
        return page.text.split('name="csrf_token" value="', 1)[1].split('"', 1)[0]

    def test_non_technicians_are_sent_to_the_back_office(self):
        new_test_user(self.env, "app_clerk", groups="base.group_user", name="Clerk")
        self.authenticate("app_clerk", "app_clerk")
        response = self.url_open("/field-service", allow_redirects=False)
        self.assertEqual(response.status_code, 303)
        self.assertTrue(response.headers["Location"].endswith("/odoo"))
