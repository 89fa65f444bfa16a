"""Subcontracted orders: the vendor's portal users answer and work, the dispatcher verifies, one bill.

Always as the real users: the vendors' portal users through the model with
``with_user`` and over ``/jsonrpc`` (``execute_kw`` with their login and
password), never through ``sudo()``.
"""

import base64
import json
import re
import xmlrpc.client

import psycopg2

from odoo import http
from odoo.exceptions import AccessError, UserError
from odoo.tests import HttpCase, new_test_user, tagged
from odoo.tools import mute_logger

from .common import PNG, WorkOrderCommon, at


class SubcontractCommon(WorkOrderCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        Partner = cls.env["res.partner"]
        cls.vendor_a = Partner.create({"name": "Northside Electrical", "is_company": True})
        cls.vendor_b = Partner.create({"name": "Southside Plumbing", "is_company": True})
        cls.portal_a = cls.portal_user("fwo_vendor_a", cls.vendor_a, "Ann Electrician")
        cls.portal_b = cls.portal_user("fwo_vendor_b", cls.vendor_b, "Bob Plumber")
        # A portal user of nobody's subcontractor (a customer, for instance).
        cls.portal_c = new_test_user(cls.env, "fwo_portal_c", groups="base.group_portal")
        cls.bill_accountant = new_test_user(
            cls.env, "fwo_bill_accountant", name="Bill Accountant",
            groups="base.group_user,account.group_account_invoice",
        )

    @classmethod
    def portal_user(cls, login, vendor, name):
        contact = cls.env["res.partner"].create({"name": name, "parent_id": vendor.id})
        return new_test_user(
            cls.env, login, groups="base.group_portal", partner_id=contact.id, name=name,
        )

    @classmethod
    def subcontract(cls, vendor, state="scheduled", **vals):
        """A subcontracted order (required checklist item, 2 filters planned), scheduled by D."""
        order = cls.create_order(**{
            "user_id": False, "subcontractor_id": vendor.id, "subcontract_price": 450.0,
            "description": "Replace the emergency lighting panel.",
            "safety_requirements": "Lock out panel EL-2.", "deadline": "2030-01-20 17:00:00",
            **vals,
        })
        if state == "scheduled":
            order.action_schedule()
        return order.with_env(cls.env)


@tagged("post_install", "-at_install")
class TestSubcontract(SubcontractCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.a1 = cls.subcontract(cls.vendor_a)
        cls.a2 = cls.subcontract(cls.vendor_a, state="draft")
        cls.b1 = cls.subcontract(cls.vendor_b)
        cls.ours = cls.order_in_state("scheduled")

    def as_vendor(self, order, user=None, when="2030-01-15 09:00:00"):
        return order.with_user(user or self.portal_a).with_context(**at(when))

    def test_vendor_sees_only_his_company_orders(self):
        Orders = self.env["field.work.order"]
        self.assertEqual(Orders.with_user(self.portal_a).search([]), self.a1 | self.a2)
        self.assertEqual(Orders.with_user(self.portal_b).search([]), self.b1)
        self.assertEqual(Orders.with_user(self.portal_c).search_count([]), 0)
        with self.assertRaises(AccessError):
            self.b1.with_user(self.portal_a).read(["name"])
        with self.assertRaises(AccessError):
            self.ours.with_user(self.portal_a).read(["name"])
        # The lines follow their order: 1 required + 1 optional checklist item, 1 material each.
        for model, per_order in (
            ("field.work.order.checklist.line", 2), ("field.work.order.material", 1),
        ):
            self.assertEqual(self.env[model].with_user(self.portal_a).search_count([]), 2 * per_order)
            self.assertEqual(self.env[model].with_user(self.portal_b).search_count([]), per_order)
        data = self.a1.with_user(self.portal_a).read(
            ["description", "safety_requirements", "deadline", "subcontract_portal_price",
             "material_ids"]
        )[0]
        self.assertEqual(data["subcontract_portal_price"], 450.0)
        # What the vendor costs is internal: portal users read it on their own orders only.
        with self.assertRaises(AccessError):
            self.a1.with_user(self.portal_a).read(["subcontract_price"])
        self.assertEqual(data["safety_requirements"], "Lock out panel EL-2.")
        self.assertEqual(len(data["material_ids"]), 1)

    def test_accept_work_verify_makes_one_draft_vendor_bill(self):
        order = self.a1
        self.assertEqual(order.subcontract_state, "to_accept")
        self.assertFalse(order.picking_ids, "nothing is prepared from our stock for a vendor")
        self.assertIs(self.as_vendor(order).action_subcontract_accept(), True)
        self.assertEqual(order.subcontract_state, "accepted")
        self.assertIs(self.as_vendor(order).action_start(), True)
        self.assertEqual((order.state, order.date_started.isoformat(" ")),
                         ("in_progress", "2030-01-15 09:00:00"))
        self.assertFalse(order.labor_ids, "the vendor is paid the agreed price, not by the hour")

        as_vendor = self.as_vendor(order, when="2030-01-15 10:00:00")
        photo_id = as_vendor.portal_add_photo(PNG, kind="after", note="New panel")
        photo = self.env["field.work.order.photo"].browse(photo_id)
        self.assertEqual((photo.work_order_id, photo.kind, photo.create_uid),
                         (order, "after", self.portal_a))
        message_id = as_vendor.portal_add_note("Panel EL-2 replaced, tested.")
        message = self.env["mail.message"].browse(message_id)
        self.assertEqual(message.author_id, self.portal_a.partner_id)
        self.assertIn("Panel EL-2 replaced", message.body)

        # Same preconditions as a technician: the required checklist item first.
        with self.assertRaisesRegex(UserError, "required checklist items are not done: Check thermostat"):
            as_vendor.action_complete()
        with self.assertRaisesRegex(UserError, "^A photo is of one of these kinds: Before, After, Other"):
            as_vendor.portal_add_photo(PNG, kind=["after"])
        self.assertEqual(len(order.photo_ids), 1)
        required = order.checklist_ids.filtered("required")
        as_vendor.portal_set_checklist_item(required.id, True)
        self.assertEqual((required.done, required.done_by), (True, self.portal_a))
        self.assertIs(as_vendor.action_complete(), True)
        self.assertEqual(order.state, "done")
        # The customer signs the service report on the portal, not the vendor's users.
        with self.assertRaisesRegex(AccessError, "is signed by its customer"):
            as_vendor.portal_sign("Ann Electrician", PNG)
        self.assertFalse(order.signature)
        self.assertFalse(order.move_ids, "the vendor's parts are not consumed from our stock")

        Move = self.env["account.move"]
        bills_before = Move.search_count([("move_type", "=", "in_invoice")])
        order.with_user(self.dispatcher).with_context(**at("2030-01-15 12:00:00")).action_verify()
        self.assertEqual(order.state, "verified")
        bill = Move.search([("fwo_subcontract_order_id", "=", order.id)])
        self.assertEqual(Move.search_count([("move_type", "=", "in_invoice")]), bills_before + 1)
        self.assertEqual(len(bill), 1)
        self.assertEqual((bill.move_type, bill.state, bill.partner_id),
                         ("in_invoice", "draft", self.vendor_a))
        self.assertEqual(bill.amount_untaxed, 450.0)
        self.assertEqual(len(bill.invoice_line_ids), 1)
        self.assertEqual(bill.invoice_line_ids.quantity, 1.0)
        self.assertIn(order.name, bill.invoice_line_ids.name)
        self.assertIn("emergency lighting panel", bill.invoice_line_ids.name)
        self.assertEqual(bill.invoice_origin, order.name)
        self.assertEqual(order.with_user(self.bill_accountant).vendor_bill_id, bill)

        # Never twice: verifying again is refused, and a rework round gives no second bill.
        with self.assertRaisesRegex(UserError, "Cannot verify .*: it is Verified"):
            order.with_user(self.dispatcher).action_verify()
        self.assertEqual(order._create_vendor_bills(order._subcontract_bill_product()), Move)
        self.assertEqual(Move.search_count([("fwo_subcontract_order_id", "=", order.id)]), 1)
        with mute_logger("odoo.sql_db"), self.assertRaises(psycopg2.IntegrityError):
            bill.copy({"fwo_subcontract_order_id": order.id})
            self.env.flush_all()

    def test_rework_then_verify_keeps_one_bill(self):
        order = self.a1
        self.as_vendor(order).action_subcontract_accept()
        self.as_vendor(order).action_start()
        self.as_vendor(order).portal_set_checklist_item(order.checklist_ids.filtered("required").id)
        self.as_vendor(order).action_complete()
        as_dispatcher = order.with_user(self.dispatcher).with_context(**at("2030-01-15 12:00:00"))
        as_dispatcher.action_rework("Exit sign on floor 3 still dark.")
        self.assertEqual((order.state, order.subcontract_state), ("in_progress", "accepted"))
        self.assertFalse(order.labor_ids)
        self.as_vendor(order, when="2030-01-16 09:00:00").action_complete()
        order.with_user(self.dispatcher).with_context(**at("2030-01-16 12:00:00")).action_verify()
        self.assertEqual(order.state, "verified")
        bill = self.env["account.move"].search([("fwo_subcontract_order_id", "=", order.id)])
        self.assertEqual(len(bill), 1)
        self.assertEqual(bill.amount_untaxed, 450.0)

    def test_no_agreed_price_no_bill(self):
        order = self.subcontract(self.vendor_b, subcontract_price=0.0)
        as_vendor = self.as_vendor(order, self.portal_b)
        as_vendor.action_subcontract_accept()
        as_vendor.action_start()
        as_vendor.portal_set_checklist_item(order.checklist_ids.filtered("required").id)
        as_vendor.action_complete()
        order.with_user(self.dispatcher).with_context(**at("2030-01-15 12:00:00")).action_verify()
        self.assertEqual(order.state, "verified")
        self.assertEqual(
            self.env["account.move"].search_count([("fwo_subcontract_order_id", "=", order.id)]), 0
        )

    def test_decline_goes_back_to_the_dispatcher(self):
        order = self.a1
        messages = len(order.message_ids)
        with self.assertRaisesRegex(UserError, "^Say why you decline the job"):
            self.as_vendor(order).action_subcontract_decline("   ")
        self.assertEqual((order.state, order.subcontract_state), ("scheduled", "to_accept"))
        self.assertEqual(len(order.message_ids), messages)
        self.assertFalse(order.activity_ids)

        self.assertIs(
            self.as_vendor(order).action_subcontract_decline("No licensed electrician that week."),
            True,
        )
        self.assertEqual(order.state, "draft")
        self.assertFalse(order.subcontractor_id)
        self.assertEqual(order.subcontract_state, "declined")
        self.assertEqual(order.subcontract_decline_reason, "No licensed electrician that week.")
        note = order.message_ids.filtered(lambda m: "declined the job" in (m.body or ""))
        self.assertEqual(len(note), 1)
        self.assertIn("No licensed electrician that week.", note.body)
        self.assertEqual(note.author_id, self.portal_a.partner_id)
        self.assertEqual(len(order.activity_ids), 1)
        self.assertEqual(order.activity_ids.user_id, self.dispatcher)
        self.assertIn("Northside Electrical", order.activity_ids.summary)
        # The vendor no longer sees it; the dispatcher plans it again with a technician.
        self.assertEqual(self.env["field.work.order"].with_user(self.portal_a).search([]), self.a2)
        as_dispatcher = order.with_user(self.dispatcher)
        as_dispatcher.user_id = self.tech
        self.assertIs(as_dispatcher.action_schedule(), True)
        self.assertEqual(order.state, "scheduled")
        # Another vendor assigned later has to answer again; the old reason goes.
        order2 = self.a2
        self.as_vendor(order2).action_subcontract_decline("Too far.")
        order2.with_user(self.dispatcher).subcontractor_id = self.vendor_b
        self.assertEqual((order2.subcontract_state, order2.subcontract_decline_reason),
                         ("to_accept", False))

    def test_refusals_create_nothing(self):
        Photo = self.env["field.work.order.photo"]
        photos, messages = Photo.search_count([]), self.env["mail.message"].search_count([])
        # Another vendor's order: hidden by the record rules.
        for call in (
            lambda o: o.action_subcontract_accept(),
            lambda o: o.action_subcontract_decline("Not ours"),
            lambda o: o.action_start(),
            lambda o: o.action_complete(),
            lambda o: o.portal_add_photo(PNG),
            lambda o: o.portal_add_note("Hello"),
        ):
            with self.assertRaises(AccessError):
                call(self.as_vendor(self.b1))
        # Not accepted yet: no work on it.
        with self.assertRaisesRegex(UserError, r"Cannot start .*: Northside Electrical has not accepted"):
            self.as_vendor(self.a1).action_start()
        with self.assertRaisesRegex(UserError, r"Cannot add a photo to .*: the subcontractor's answer is To Accept"):
            self.as_vendor(self.a1).portal_add_photo(PNG)
        with self.assertRaisesRegex(UserError, r"Cannot add a note to"):
            self.as_vendor(self.a1).portal_add_note("Hello")
        # A dispatcher cannot start it for them either before they accept.
        with self.assertRaisesRegex(UserError, "has not accepted the job yet"):
            self.a1.with_user(self.dispatcher).action_start()
        # Internal users who are not dispatchers do not answer for the vendor.
        with self.assertRaisesRegex(AccessError, "^Only a dispatcher can accept work orders.$"):
            self.a1.with_user(self.tech).action_subcontract_accept()
        # A portal user of nobody's vendor, and our own order.
        with self.assertRaises(AccessError):
            self.as_vendor(self.a1, self.portal_c).action_subcontract_accept()
        with self.assertRaises(AccessError):
            self.as_vendor(self.ours).action_start()
        # Junk over RPC: a sentence, not a crash.
        with self.assertRaisesRegex(UserError, "^Say why you decline the job"):
            self.as_vendor(self.a1).action_subcontract_decline(["no"])
        with self.assertRaisesRegex(UserError, "takes no arguments besides the record ids"):
            self.as_vendor(self.a1).action_subcontract_accept("now")
        self.assertEqual(self.env["mail.message"].search_count([]), messages)
        self.assertEqual(self.a1.subcontract_state, "to_accept")
        # Accepting twice, declining once started.
        self.as_vendor(self.a1).action_subcontract_accept()
        with self.assertRaisesRegex(UserError, "Cannot accept .*: the subcontractor's answer is Accepted"):
            self.as_vendor(self.a1).action_subcontract_accept()
        self.as_vendor(self.a1).action_start()
        with self.assertRaisesRegex(UserError, "Cannot decline .*: it is In Progress"):
            self.as_vendor(self.a1).action_subcontract_decline("Changed my mind")
        self.assertEqual(Photo.search_count([]), photos)
        self.assertEqual((self.b1.state, self.b1.subcontract_state), ("scheduled", "to_accept"))
        self.assertEqual(self.ours.state, "scheduled")
        self.assertEqual(self.a1.state, "in_progress")

    def test_customer_does_not_see_the_vendor_terms(self):
        """The order's customer reads it on their portal, not what the vendor costs."""
        customer_user = self.portal_user("fwo_acme_portal", self.customer, "Carl Customer")
        order = self.a1.with_user(customer_user)
        self.assertEqual(order.read(["subcontract_portal_price"])[0]["subcontract_portal_price"], 0.0)
        for internal in ("subcontract_price", "subcontract_decline_reason"):
            with self.assertRaises(AccessError):
                order.read([internal])
        with self.assertRaisesRegex(AccessError, "is not assigned to your company"):
            order.action_subcontract_accept()
        with self.assertRaisesRegex(AccessError, "is not assigned to your company"):
            order.portal_add_photo(PNG)
        self.assertEqual(self.env["field.work.order.material"].with_user(customer_user).search_count([]), 0)
        self.assertEqual(self.a1.subcontract_state, "to_accept")
        self.assertFalse(self.a1.photo_ids)

    def test_dispatcher_accepts_for_the_vendor(self):
        self.assertIs(self.a1.with_user(self.dispatcher).action_subcontract_accept(), True)
        self.assertEqual(self.a1.subcontract_state, "accepted")
        self.assertIs(self.a1.with_user(self.dispatcher).with_context(
            **at("2030-01-15 09:00:00")).action_start(), True)
        self.assertEqual(self.a1.state, "in_progress")


@tagged("post_install", "-at_install")
class TestSubcontractRpc(SubcontractCommon, HttpCase):
    """The vendors' portal users over the real /jsonrpc route."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.a1 = cls.subcontract(cls.vendor_a)
        cls.b1 = cls.subcontract(cls.vendor_b)

    def rpc(self, user, model, method, args, kwargs=None):
        """``execute_kw`` over /jsonrpc as ``user`` (password = login): (result, error)."""
        response = self.url_open("/jsonrpc", data=json.dumps({
            "jsonrpc": "2.0", "method": "call", "id": 1, "params": {
                "service": "object", "method": "execute_kw",
                "args": [self.env.cr.dbname, user.id, user.login, model, method, args, kwargs or {}],
            },
        }), headers={"Content-Type": "application/json"})
        self.env.invalidate_all()
        body = response.json()
        return body.get("result"), body.get("error")

    def assert_refused(self, user, model, method, args, kind, pattern=None, kwargs=None):
        with mute_logger("odoo.http"):
            result, error = self.rpc(user, model, method, args, kwargs)
        self.assertIsNotNone(error, f"{method} was allowed: {result!r}")
        self.assertEqual(error["data"]["name"], f"odoo.exceptions.{kind}", error["data"]["message"])
        if pattern:
            self.assertRegex(error["data"]["message"], pattern)
        return error["data"]["message"]

    def counts(self):
        self.env.invalidate_all()
        return (
            self.env["field.work.order.photo"].search_count([]),
            self.env["mail.message"].search_count([("model", "=", "field.work.order")]),
            self.env["account.move"].search_count([]),
        )

    def test_vendor_over_rpc(self):
        Order = "field.work.order"
        # A job under way handed over to vendor A (B gave up): A must accept it before completing.
        handed = self.subcontract(self.vendor_b)
        handed.with_user(self.portal_b).action_subcontract_accept()
        handed.with_user(self.portal_b).action_start()
        handed.with_user(self.dispatcher).subcontractor_id = self.vendor_a
        self.flush_tracking()
        before = self.counts()
        result, error = self.rpc(self.portal_a, Order, "search_read", [[]], {"fields": ["name"]})
        self.assertIsNone(error)
        self.assertEqual(sorted(r["id"] for r in result), sorted((self.a1 | handed).ids))
        result, error = self.rpc(self.portal_b, Order, "search_count", [[]])
        self.assertEqual(result, 1)
        self.assertEqual(self.rpc(self.portal_c, Order, "search_count", [[]])[0], 0)
        self.assert_refused(self.portal_a, Order, "read", [self.b1.ids, ["name"]], "AccessError")

        # Another vendor's order: no answer, no work.
        for method, args in (
            ("action_subcontract_accept", []), ("action_start", []), ("action_complete", []),
            ("action_subcontract_decline", ["Not ours"]), ("portal_add_photo", [PNG]),
        ):
            self.assert_refused(self.portal_a, Order, method, [self.b1.ids, *args], "AccessError")
        # Before accepting: no start, no completion, no photo.
        self.assert_refused(self.portal_a, Order, "action_start", [self.a1.ids], "UserError",
                            "has not accepted the job yet")
        self.assert_refused(self.portal_a, Order, "portal_add_photo", [self.a1.ids, PNG],
                            "UserError", "answer is To Accept")
        self.assertEqual((handed.state, handed.subcontract_state), ("in_progress", "to_accept"))
        self.assert_refused(self.portal_a, Order, "action_complete", [handed.ids], "UserError",
                            "Cannot complete .*: Northside Electrical has not accepted the job yet")
        self.assert_refused(self.portal_b, Order, "action_complete", [handed.ids], "AccessError")
        self.assertEqual(handed.state, "in_progress")
        # No direct write, whatever the field, the context or the record.
        for vals in ({"subcontract_price": 9999.0}, {"state": "done"},
                     {"subcontract_state": "accepted"}, {"description": "Easier job"},
                     {"unit_number": "7"}):
            self.assert_refused(self.portal_a, Order, "write", [self.a1.ids, vals], "AccessError")
            self.assert_refused(self.portal_a, Order, "write", [self.a1.ids, vals], "AccessError",
                                kwargs={"context": {"fwo_trusted": "trusted"}})
        self.assert_refused(self.portal_a, Order, "create", [{"partner_id": self.customer.id}],
                            "AccessError")
        self.assert_refused(self.portal_a, "field.work.order.photo", "create",
                            [{"work_order_id": self.a1.id, "image": PNG}], "AccessError")
        self.assert_refused(self.portal_a, "field.work.order.checklist.line", "write",
                            [self.a1.checklist_ids.ids, {"done": True}], "AccessError")
        # Declining without a reason.
        self.assert_refused(self.portal_a, Order, "action_subcontract_decline", [self.a1.ids, ""],
                            "UserError", "^Say why you decline the job")
        self.assertEqual(self.counts(), before)
        self.assertEqual((self.a1.state, self.a1.subcontract_state, self.a1.subcontract_price),
                         ("scheduled", "to_accept", 450.0))
        self.assertEqual((self.b1.state, self.b1.subcontract_state), ("scheduled", "to_accept"))
        self.assertFalse(self.a1.checklist_ids.filtered("done"))

        # The vendor's whole job over RPC.
        for method, args in (
            ("action_subcontract_accept", []), ("action_start", []),
            ("portal_set_checklist_item", [self.a1.checklist_ids.filtered("required").id, True]),
            ("portal_add_photo", [PNG, "after", "Done"]), ("portal_add_note", ["All good."]),
            ("action_complete", []),
        ):
            result, error = self.rpc(self.portal_a, Order, method, [self.a1.ids, *args])
            self.assertIsNone(error, f"{method}: {error}")
        self.assertEqual((self.a1.state, self.a1.subcontract_state), ("done", "accepted"))
        self.assertEqual(len(self.a1.photo_ids), 1)
        self.assertEqual(self.counts()[0], before[0] + 1)
        # The vendor cannot verify their own work nor bill it.
        self.assert_refused(self.portal_a, Order, "action_verify", [self.a1.ids], "AccessError",
                            re.escape("Only a dispatcher can verify work orders."))
        self.assertEqual(self.counts()[2], before[2])


@tagged("post_install", "-at_install")
class TestSubcontractPortal(SubcontractCommon, HttpCase):
    """The vendor's buttons on the portal page: POST with CSRF, as the vendor's user."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.a1 = cls.subcontract(cls.vendor_a)
        cls.b1 = cls.subcontract(cls.vendor_b)

    def post(self, order, step, **data):
        return self.url_open(
            f"/my/work-orders/{order.id}/subcontract/{step}",
            data={"csrf_token": http.Request.csrf_token(self), **data}, allow_redirects=False,
        )

    def test_customer_page_has_no_vendor_part(self):
        self.portal_user("fwo_acme_portal", self.customer, "Carl Customer")
        self.authenticate("fwo_acme_portal", "fwo_acme_portal")
        page = self.url_open(f"/my/work-orders/{self.a1.id}")
        self.assertEqual(page.status_code, 200)
        self.assertIn(self.a1.name, page.text)
        for text in ("Your Job", "450.00", "Lock out panel EL-2.", "fwo_portal_accept"):
            self.assertNotIn(text, page.text)
        response = self.post(self.a1, "accept")
        self.assertTrue(response.headers["Location"].endswith("/my"))
        self.assertEqual(self.a1.subcontract_state, "to_accept")

    def test_vendor_page_and_buttons(self):
        self.authenticate("fwo_vendor_a", "fwo_vendor_a")
        page = self.url_open(f"/my/work-orders/{self.a1.id}")
        self.assertEqual(page.status_code, 200)
        for text in ("Your Job", "Lock out panel EL-2.", "450.00", "fwo_portal_accept"):
            self.assertIn(text, page.text)
        # Another vendor's order: no page, no answer.
        self.assertNotIn("fwo_portal_subcontract", self.url_open(f"/my/work-orders/{self.b1.id}").text)
        response = self.post(self.b1, "accept")
        self.assertEqual(response.status_code, 303)
        self.assertTrue(response.headers["Location"].endswith("/my"))
        self.assertEqual(self.b1.subcontract_state, "to_accept")
        # No CSRF token: refused.
        response = self.url_open(f"/my/work-orders/{self.a1.id}/subcontract/accept",
                                 data={"reason": "no token"})
        self.assertEqual(response.status_code, 400)
        self.assertEqual(self.a1.subcontract_state, "to_accept")
        # Starting before accepting: the model's message on the page, nothing changed.
        self.post(self.a1, "start")
        self.assertEqual(self.a1.state, "scheduled")
        self.assertIn("has not accepted the job yet",
                      self.url_open(f"/my/work-orders/{self.a1.id}").text)
        # Decline without a reason is refused; accept, photo, start, done.
        self.post(self.a1, "decline", reason=" ")
        self.assertEqual((self.a1.state, self.a1.subcontract_state), ("scheduled", "to_accept"))
        self.post(self.a1, "accept")
        self.assertEqual(self.a1.subcontract_state, "accepted")
        self.post(self.a1, "start")
        self.assertEqual(self.a1.state, "in_progress")
        self.url_open(
            f"/my/work-orders/{self.a1.id}/subcontract/photo",
            data={"csrf_token": http.Request.csrf_token(self), "note": "Panel"},
            files={"photo": ("panel.png", base64.b64decode(PNG), "image/png")},
        )
        self.assertEqual(self.a1.photo_ids.note, "Panel")
        self.post(self.a1, "checklist", line_id=self.a1.checklist_ids.filtered("required").id)
        self.post(self.a1, "done")
        self.assertEqual(self.a1.state, "done")


    def test_vendor_neither_requests_nor_signs_as_the_customer(self):
        """The vendor did the job, the customer received it: no Request a Visit, no signing."""
        self.authenticate("fwo_vendor_a", "fwo_vendor_a")
        for step in ("accept", "start"):
            self.post(self.a1, step)
        self.post(self.a1, "checklist", line_id=self.a1.checklist_ids.filtered("required").id)
        self.post(self.a1, "done")
        self.assertEqual((self.a1.state, self.a1.signature), ("done", False))
        page = self.url_open(f"/my/work-orders/{self.a1.id}")
        self.assertEqual(page.status_code, 200)
        self.assertIn("fwo_portal_download", page.text)
        self.assertNotIn("fwo_portal_sign", page.text)
        self.assertNotIn("Sign the Service Report", page.text)
        listing = self.url_open("/my/work-orders")
        self.assertIn(self.a1.name, listing.text)
        self.assertNotIn("fwo_portal_new_request", listing.text)
        form = self.url_open("/my/work-orders/request", allow_redirects=False)
        self.assertEqual(form.status_code, 303)
        self.assertTrue(form.headers["Location"].endswith("/my"))
        # The routes and the model refuse it too: nothing signed, no order requested.
        orders = self.env["field.work.order"].search_count([])
        result = self.make_jsonrpc_request(
            f"/my/work-orders/{self.a1.id}/sign", {"name": "Ann", "signature": PNG})
        self.assertIn("a subcontractor's users do not sign it", result["error"])
        response = self.url_open("/my/work-orders/request", data={
            "csrf_token": http.Request.csrf_token(self), "description": "Fix our own office",
        }, allow_redirects=False)
        self.assertEqual(response.status_code, 303)
        with self.assertRaisesRegex(xmlrpc.client.Fault, "requested here by customers"):
            self.xmlrpc_object.execute_kw(
                self.env.cr.dbname, self.portal_a.id, "fwo_vendor_a", "field.work.order",
                "portal_create_request", [{"description": "Fix our own office"}],
            )
        self.env.invalidate_all()
        self.assertEqual((self.a1.signature, self.a1.signed_by), (False, False))
        self.assertEqual(self.env["field.work.order"].search_count([]), orders)
        # The customer's portal user sees and does both.
        self.portal_user("fwo_acme_signer", self.customer, "Carl Customer")
        self.authenticate("fwo_acme_signer", "fwo_acme_signer")
        self.assertIn("fwo_portal_sign", self.url_open(f"/my/work-orders/{self.a1.id}").text)
        self.assertIn("fwo_portal_new_request", self.url_open("/my/work-orders").text)
        # A vendor that is our customer too requests its own visits.
        self.create_order(partner_id=self.vendor_a.id)
        self.authenticate("fwo_vendor_a", "fwo_vendor_a")
        self.assertIn("fwo_portal_new_request", self.url_open("/my/work-orders").text)


@tagged("post_install", "-at_install")
class TestSubcontractTour(SubcontractCommon, HttpCase):
    def test_vendor_accepts_and_completes_on_the_portal(self):
        customer = self.env["res.partner"].create({"name": "Tour Vendor Customer", "is_company": True})
        cable = self.env["product.product"].create({"name": "Tour Cable", "type": "consu"})
        order = self.env["field.work.order"].with_user(self.dispatcher).create({
            "partner_id": customer.id, "subcontractor_id": self.vendor_a.id,
            "subcontract_price": 750.0, "scheduled_start": "2030-01-15 09:00:00",
            "description": "Rewire the lobby lights.", "safety_requirements": "Harness above 2 m.",
            "checklist_ids": [(0, 0, {"name": "Test the circuit", "required": True})],
            "material_ids": [(0, 0, {"product_id": cable.id, "product_uom_qty": 30})],
        })
        order.action_schedule()
        self.start_tour("/my/work-orders", "field_work_order_subcontract_tour", login="fwo_vendor_a")
        order.invalidate_recordset()
        self.assertEqual((order.state, order.subcontract_state), ("done", "accepted"))
        self.assertEqual(order.checklist_ids.done_by, self.portal_a)
        self.assertFalse(order.labor_ids)
