import xmlrpc.client

from markupsafe import Markup

from odoo.exceptions import UserError
from odoo.fields import Command
from odoo.tests import new_test_user, tagged

from odoo.addons.field_work_order.tests.policy_common import PolicyRpcCase

from .common import SyncCommon

ORDER_KEYS = {
    "id", "name", "version", "state", "priority", "partner", "service_address", "unit_number",
    "access_instructions", "site_contact_name", "site_contact_phone", "description",
    "safety_requirements", "job_type", "scheduled_start", "scheduled_end", "deadline",
    "date_started", "date_completed", "user_id", "user_name", "technician_ids", "materials",
    "labor", "checklist", "photos", "notes", "signed_by", "signed_on", "history", "quotes",
    "price_book", "payment", "equipment_ids", "equipment", "reading_definitions", "readings",
}


@tagged("post_install", "-at_install")
class TestSyncPull(SyncCommon):
    def test_full_pull_schema_and_visibility(self):
        busy = self.order_in_state("in_progress", unit_number="4B")
        busy.with_user(self.tech).message_post(
            body=Markup("Gate code <b>1234</b>"), message_type="comment", subtype_xmlid="mail.mt_note"
        )
        self.env["field.work.order.photo"].with_user(self.tech).create({
            "work_order_id": busy.id, "kind": "before", "image": self.png, "note": "Leak",
        })
        cancelled = self.order_in_state("cancelled")
        others = self.order_in_state("scheduled", user_id=self.tech2.id)

        orders, removed, _cursor, pages = self.pull(self.tech)
        self.assertEqual(sorted(orders), sorted((busy | cancelled).ids))
        self.assertNotIn(others.id, orders)
        self.assertEqual(removed, [])
        self.assertEqual((pages[0]["total"], pages[0]["reset"], len(pages)), (2, False, 1))
        self.assert_no_none(pages)
        xmlrpc.client.dumps((pages[0],), allow_none=False)  # what Odoo's /xmlrpc/2 does

        data = orders[busy.id]
        self.assertEqual(set(data), ORDER_KEYS)
        self.assertEqual(data["state"], "in_progress")
        self.assertEqual(orders[cancelled.id]["state"], "cancelled")
        self.assertEqual(data["version"], busy.sync_version)
        self.assertGreater(data["version"], 1)
        self.assertEqual(data["partner"]["name"], "Acme Offices")
        self.assertEqual(data["unit_number"], "4B")
        self.assertEqual(data["job_type"], "HVAC Repair")
        self.assertEqual(data["scheduled_start"], "2030-01-15 09:00:00")
        self.assertEqual(data["deadline"], False)
        self.assertEqual(data["user_id"], self.tech.id)
        self.assertEqual(data["technician_ids"], [self.tech.id])
        self.assertEqual(data["materials"], [{
            "id": busy.material_ids.id, "product_id": self.filter.id, "product_name": "Filter",
            "product_uom_qty": 2.0, "quantity_used": 0.0, "uom": "Units", "lot": False,
            "equipment_id": False,
        }])
        self.assertEqual([(line["user_id"], line["date_start"], line["date_end"])
                          for line in data["labor"]],
                         [(self.tech.id, "2030-01-15 09:00:00", False)])
        self.assertEqual([(c["name"], c["required"], c["done"]) for c in data["checklist"]],
                         [("Check thermostat", True, False), ("Clean vents", False, False)])
        photo = busy.photo_ids
        self.assertEqual(data["photos"], [{
            "id": photo.id, "kind": "before", "taken_on": data["photos"][0]["taken_on"],
            "note": "Leak", "url": f"/web/image/field.work.order.photo/{photo.id}/image",
            "equipment_id": False,
        }])
        self.assertEqual((data["equipment_ids"], data["equipment"], data["reading_definitions"],
                          data["readings"]), ([], [], [], []))
        self.assertEqual([(n["author"], n["body"]) for n in data["notes"]],
                         [("Terry Tech", "Gate code *1234*")])

    def test_incremental_pull_returns_only_changed_orders(self):
        first, second, third = (self.order_in_state("scheduled") for _i in range(3))
        orders, _removed, cursor, _pages = self.pull(self.tech)
        self.assertEqual(len(orders), 3)
        self.age()
        orders, removed, cursor2, pages = self.pull(self.tech, cursor)
        self.assertEqual((orders, removed, pages[0]["total"]), ({}, [], 0))

        versions = {o.id: o.sync_version for o in (first, second, third)}
        first.material_ids.with_user(self.tech).quantity_used = 1  # a line change
        second.with_user(self.tech).message_post(body="On my way", message_type="comment")
        orders, removed, _cursor, pages = self.pull(self.tech, cursor2)
        self.assertEqual(sorted(orders), sorted((first | second).ids))
        self.assertEqual(pages[0]["total"], 2)
        self.assertEqual(orders[first.id]["materials"][0]["quantity_used"], 1.0)
        self.assertEqual(orders[second.id]["notes"][-1]["body"], "On my way")
        for order in (first, second):
            self.assertGreater(orders[order.id]["version"], versions[order.id])
        self.assertEqual(third.sync_version, versions[third.id])

    def test_paging(self):
        orders = self.Order
        for _i in range(5):
            orders |= self.create_order()
        pages = []
        cursor = False
        while True:
            page = self.Order.with_user(self.tech).sync_pull(cursor=cursor, limit=2)
            pages.append(page)
            cursor = page["cursor"]
            if not page["has_more"]:
                break
        self.assertEqual([len(p["orders"]) for p in pages], [2, 2, 1])
        self.assertEqual([p["has_more"] for p in pages], [True, True, False])
        self.assertEqual([p["total"] for p in pages], [5, 5, 5])
        self.assertEqual([o["id"] for p in pages for o in p["orders"]], sorted(orders.ids))

    def test_removed_after_reassign_delete_and_archive(self):
        moved, deleted, archived, kept = (self.create_order() for _i in range(4))
        _orders, _removed, cursor, _pages = self.pull(self.tech)
        self.age()
        moved.with_user(self.dispatcher).write({
            "user_id": self.tech2.id, "technician_ids": [(6, 0, [self.tech2.id])],
        })
        deleted.with_user(self.dispatcher).unlink()
        archived.with_user(self.dispatcher).active = False
        orders, removed, _cursor, _pages = self.pull(self.tech, cursor)
        self.assertEqual(sorted(removed), sorted([moved.id, deleted.id, archived.id]))
        self.assertEqual(list(orders), [])  # the reassignment stamped only orders tech lost
        self.assertNotIn(kept.id, removed)
        # The new technician gets it; a full pull never lists removals.
        orders2, removed2, _cursor, _pages = self.pull(self.tech2)
        self.assertEqual((list(orders2), removed2), ([moved.id], []))

    def test_reassigned_back_is_not_removed(self):
        order = self.create_order()
        _orders, _removed, cursor, _pages = self.pull(self.tech)
        self.age()
        as_dispatcher = order.with_user(self.dispatcher)
        as_dispatcher.write({"user_id": self.tech2.id, "technician_ids": [(6, 0, [self.tech2.id])]})
        as_dispatcher.write({"user_id": self.tech.id})
        orders, removed, _cursor, _pages = self.pull(self.tech, cursor)
        self.assertEqual((list(orders), removed), ([order.id], []))

    def test_reset_when_groups_change(self):
        mine = self.create_order()
        theirs = self.create_order(user_id=self.tech2.id)
        _orders, _removed, cursor, _pages = self.pull(self.tech)
        self.tech.groups_id = [(4, self.env.ref("account.group_account_invoice").id)]
        page = self.Order.with_user(self.tech).sync_pull(cursor=cursor)
        self.assertTrue(page["reset"])
        # Now an invoicing user, the technician also reads the other technician's order (and
        # any order committed in this database by earlier runs): both come in the fresh pull.
        self.assertLessEqual(set((mine | theirs).ids), {o["id"] for o in page["orders"]})
        self.assertFalse(self.Order.with_user(self.tech).sync_pull(cursor=page["cursor"])["reset"])

    def test_cursor_of_another_user_resets_and_garbage_is_refused(self):
        self.create_order()
        _orders, _removed, cursor, _pages = self.pull(self.tech)
        page = self.Order.with_user(self.tech2).sync_pull(cursor=cursor)
        self.assertEqual((page["reset"], page["orders"]), (True, []))
        with self.assertRaisesRegex(UserError, "not valid"):
            self.Order.with_user(self.tech).sync_pull(cursor="not-a-cursor")
        with self.assertRaisesRegex(UserError, "limit"):
            self.Order.with_user(self.tech).sync_pull(limit=0)

    def test_device_time_fields_are_utc_strings(self):
        order = self.order_in_state("done")
        orders, _removed, _cursor, _pages = self.pull(self.tech)
        data = orders[order.id]
        self.assertEqual((data["date_started"], data["date_completed"]),
                         ("2030-01-15 09:00:00", "2030-01-15 11:00:00"))
        self.assertEqual(data["labor"][0]["duration"], 2.0)
        self.assertEqual(data["checklist"][0]["done_by"], "Terry Tech")


@tagged("post_install", "-at_install")
class TestSyncPullCompanies(SyncCommon, PolicyRpcCase):
    """The removed list names only orders of the caller's companies, over XML-RPC."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company2 = cls.env["res.company"].create({"name": "Second Co"})
        cls.tech_c2 = new_test_user(
            cls.env, "fwo_tech_c2", groups="base.group_user,field_work_order.group_technician",
            name="Cleo Second", company_id=cls.company2.id,
            company_ids=[Command.set(cls.company2.ids)],
        )
        cls.tech2.company_ids = [Command.set([cls.company.id, cls.company2.id])]
        cls.job_c2 = cls.env["field.work.order.job.type"].create(
            {"name": "Second job", "company_id": cls.company2.id})

    def order_c2(self):
        return self.env["field.work.order"].with_company(self.company2).create({
            "partner_id": self.customer.id, "user_id": self.tech_c2.id,
            "company_id": self.company2.id, "job_type_id": self.job_c2.id,
            "scheduled_start": "2030-01-15 09:00:00",
        })

    def rpc_pull(self, user, cursor):
        page = self.rpc(user, "field.work.order", "sync_pull", [], {"cursor": cursor})
        self.assertFalse(page["has_more"])
        return page

    def test_removed_lists_only_the_callers_companies(self):
        mine, kept = self.create_order(), self.create_order()
        deleted_c2, archived_c2 = self.order_c2(), self.order_c2()
        _orders, _removed, cursor, _pages = self.pull(self.tech)
        _orders, _removed, cursor_c2, _pages = self.pull(self.tech_c2)
        _orders, _removed, cursor_both, _pages = self.pull(self.tech2)
        self.age()
        mine.with_user(self.dispatcher).unlink()
        deleted_c2_id = deleted_c2.id
        deleted_c2.unlink()
        archived_c2.active = False
        # The technician of the first company only: their own order, never the other company's.
        page = self.rpc_pull(self.tech, cursor)
        self.assertEqual(page["removed"], [mine.id])
        self.assertEqual(page["orders"], [])
        self.assertNotIn(kept.id, page["removed"])
        # The second company's technician: both of theirs, not the first company's.
        page = self.rpc_pull(self.tech_c2, cursor_c2)
        self.assertEqual(page["removed"], sorted([deleted_c2_id, archived_c2.id]))
        # A user of both companies hears of all three.
        self.assertEqual(
            self.rpc_pull(self.tech2, cursor_both)["removed"],
            sorted([mine.id, deleted_c2_id, archived_c2.id]),
        )


@tagged("post_install", "-at_install")
class TestSyncPullQueries(SyncCommon):
    """Queries per page do not grow with the page size (25 vs 250 orders).

    With quotes (every 10th order) and a price book priced for 101 customers
    (every 25th order is the one with a pricelist; the others have an automatic
    fiscal position). 250 orders of 5 material lines: 1,250 lines on the large
    page, beyond the ORM's prefetch batches of 1,000 records.
    """

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        service = cls.env["product.product"].create({
            "name": "Descaling", "type": "service", "list_price": 90.0,
        })
        cls.job_type.option_ids = [Command.create({"name": "Repair", "line_ids": [
            Command.create({"product_id": service.id, "quantity": 1}),
            Command.create({"product_id": cls.filter.id, "quantity": 2}),
        ]})]
        # Customers without a pricelist get the first one: not the contract's.
        cls.env["product.pricelist"].create({"name": "Public", "sequence": 1})
        pricelist = cls.env["product.pricelist"].create({
            "name": "Contract", "sequence": 50, "item_ids": [Command.create({
                "applied_on": "3_global", "compute_price": "percentage", "percent_price": 10.0,
            })],
        })
        contract = cls.env["res.partner"].create({
            "name": "Contract Customer", "property_product_pricelist": pricelist.id,
        })
        # A hundred customers in a country with an automatic fiscal position: each page
        # prices many customers, whose fiscal positions are found in constant queries.
        belgium = cls.env.ref("base.be")
        cls.env["account.fiscal.position"].create({
            "name": "Belgium", "auto_apply": True, "country_id": belgium.id,
        })
        # Each works at a delivery address of its own: the address's fiscal position is
        # read first, then the customer's, for a hundred different customers per page.
        customers = cls.env["res.partner"].create([
            {"name": f"Customer {i}", "country_id": belgium.id, "child_ids": [Command.create({
                "name": f"Site {i}", "type": "delivery", "country_id": belgium.id,
            })]} for i in range(100)
        ])
        orders = cls.env["field.work.order"].with_user(cls.dispatcher).create([
            {"partner_id": (contract if i % 25 == 0 else customers[i % 100]).id, "user_id": cls.tech.id,
             "service_partner_id": (contract if i % 25 == 0 else customers[i % 100].child_ids).id,
             "job_type_id": cls.job_type.id,
             "scheduled_start": "2030-01-15 09:00:00", "description": f"Job {i}",
             "material_ids": [(0, 0, {"product_id": cls.filter.id, "product_uom_qty": q})
                              for q in range(1, 6)]}
            for i in range(250)
        ])
        for order in orders[:25] | orders[-25:]:
            order.message_post(body="Note", message_type="comment")
        cls.env["field.work.order.photo"].create([
            {"work_order_id": order.id, "image": cls.png} for order in orders[::10]
        ])
        cls.env["field.work.order.quote"].create([{
            "work_order_id": order.id, "option_ids": [Command.create({"name": "Repair", "line_ids": [
                Command.create({"product_id": service.id}),
                Command.create({"product_id": cls.filter.id, "quantity": 2}),
            ]})],
        } for order in orders[::10]])

    def _queries(self, limit):
        self.env.invalidate_all()
        before = self.env.cr.sql_log_count
        page = self.Order.with_user(self.tech).sync_pull(limit=limit)
        self.assertEqual(len(page["orders"]), limit)
        contract, plain = page["orders"][:2]  # the first order is the contract customer's
        self.assertEqual(len(contract["quotes"][0]["options"][0]["lines"]), 2)
        self.assertEqual([p["price_unit"] for p in contract["price_book"]["products"]], [81.0, 9.0])
        self.assertEqual([p["price_unit"] for p in plain["price_book"]["products"]], [90.0, 10.0])
        return self.env.cr.sql_log_count - before

    def test_constant_queries_per_page(self):
        self._queries(5)  # warm up caches (rules, fields, groups)
        small, large = self._queries(25), self._queries(250)
        # The orders, their lines, customers and technicians, quotes, price books, history,
        # units and route: one query or a few per kind, whatever the number of orders.
        self.assertEqual((small, large), (65, 65))
