"""``sync_reference``: the reference data of the technicians' app, over real XML-RPC as the users."""

import xmlrpc.client

from odoo.tests import HttpCase, new_test_user, tagged

from .common import SyncCommon

ACCESS, WARNING = 4, 2  # XML-RPC fault codes of an AccessError and of a UserError
REFERENCE_KEYS = {"products", "has_more", "after_id", "van", "stock", "lots", "job_types", "rules",
                  "checklist_templates", "settings"}


@tagged("post_install", "-at_install")
class TestSyncReference(SyncCommon, HttpCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        # Every product before the filter (the common fixtures' first) is left out by paging.
        cls.start = cls.filter.id - 1
        Product = cls.env["product.product"]
        cls.gasket = Product.create({
            "name": "Gasket", "type": "consu", "is_storable": True, "default_code": "GSK-1",
            "barcode": "4006381333931",
        })
        cls.valve = Product.create({
            "name": "Valve", "type": "consu", "is_storable": True, "tracking": "lot",
        })
        cls.meter = Product.create({
            "name": "Meter", "type": "consu", "is_storable": True, "tracking": "serial",
        })
        cls.pipe = Product.create({
            "name": "Pipe", "type": "consu", "is_storable": True,
            "uom_id": cls.env.ref("uom.product_uom_meter").id,
            "uom_po_id": cls.env.ref("uom.product_uom_meter").id,
        })
        # Not for material lines: a service, an archived part, another company's part.
        cls.other_company = cls.env["res.company"].create({"name": "Other Co"})
        Product.create([
            {"name": "Consulting", "type": "service"},
            {"name": "Old part", "type": "consu", "active": False},
            {"name": "Their part", "type": "consu", "company_id": cls.other_company.id},
        ])
        cls.env["field.work.order.job.type"].create([
            {"name": "Their job", "company_id": cls.other_company.id},
            {"name": "Retired job", "active": False},
        ])
        cls.boiler = cls.env["field.work.order.job.type"].create({
            "name": "Boiler Service", "company_id": False,
        })
        (cls.tech | cls.tech2).action_fwo_create_van()
        cls.van, cls.van2 = cls.tech.fwo_van_location_id, cls.tech2.fwo_van_location_id
        Lot = cls.env["stock.lot"]
        cls.lot1, cls.lot2, cls.lot3 = Lot.create([
            {"name": "L1", "product_id": cls.valve.id}, {"name": "L2", "product_id": cls.valve.id},
            {"name": "L3", "product_id": cls.valve.id},
        ])
        cls.serial = Lot.create({"name": "SN-1", "product_id": cls.meter.id})
        Quant = cls.env["stock.quant"]
        for product, location, quantity, lot in (
            (cls.gasket, cls.van, 7, None),
            (cls.valve, cls.van, 3, cls.lot1),
            (cls.valve, cls.van, 2, cls.lot2),
            (cls.meter, cls.van, 1, cls.serial),
            # The other technician's van
            (cls.valve, cls.van2, 4, cls.lot3),
            (cls.pipe, cls.van2, 10, None),
        ):
            Quant._update_available_quantity(product, location, quantity, lot_id=lot)
        cls.page = cls.filter | cls.gasket | cls.valve | cls.meter | cls.pipe

    def rpc(self, user, method="sync_reference", **kwargs):
        result = self.xmlrpc_object.execute_kw(
            self.env.cr.dbname, user.id, user.login, "field.work.order", method, [], kwargs,
        )
        self.env.invalidate_all()
        return result

    def assert_fault(self, code, user, *words, **kwargs):
        with self.assertRaises(xmlrpc.client.Fault) as caught:
            self.rpc(user, **kwargs)
        self.assertEqual(caught.exception.faultCode, code, caught.exception.faultString)
        for word in words:
            self.assertIn(word, caught.exception.faultString)

    def test_reference_of_a_technician(self):
        ref = self.rpc(self.tech, after_id=self.start, limit=100)
        self.assertEqual(set(ref), REFERENCE_KEYS)
        self.assert_no_none(ref)
        self.assertEqual([p["id"] for p in ref["products"]], self.page.ids)
        self.assertEqual((ref["has_more"], ref["after_id"]), (False, self.pipe.id))
        by_id = {p["id"]: p for p in ref["products"]}
        units = self.env.ref("uom.product_uom_unit")
        self.assertEqual(by_id[self.gasket.id], {
            "id": self.gasket.id, "name": "[GSK-1] Gasket", "default_code": "GSK-1",
            "barcode": "4006381333931", "uom": "Units", "uom_id": units.id, "tracking": "none",
            "van_qty": 7.0,
        })
        self.assertEqual(by_id[self.pipe.id]["uom"], "m")
        self.assertEqual({p["id"]: (p["tracking"], p["van_qty"]) for p in ref["products"]}, {
            self.filter.id: ("none", 0.0), self.gasket.id: ("none", 7.0),
            self.valve.id: ("lot", 5.0), self.meter.id: ("serial", 1.0),
            self.pipe.id: ("none", 0.0),  # 10 m in the other technician's van, none in this one
        })
        self.assertEqual(ref["van"], {"id": self.van.id, "name": self.van.display_name})
        self.assertEqual(sorted(ref["stock"], key=lambda row: (row["product_id"], row["lot_id"])), [
            {"product_id": self.gasket.id, "lot_id": False, "lot_name": False, "quantity": 7.0},
            {"product_id": self.valve.id, "lot_id": self.lot1.id, "lot_name": "L1", "quantity": 3.0},
            {"product_id": self.valve.id, "lot_id": self.lot2.id, "lot_name": "L2", "quantity": 2.0},
            {"product_id": self.meter.id, "lot_id": self.serial.id, "lot_name": "SN-1",
             "quantity": 1.0},
        ])
        self.assertEqual(ref["lots"], [
            {"id": self.lot1.id, "name": "L1", "product_id": self.valve.id},
            {"id": self.lot2.id, "name": "L2", "product_id": self.valve.id},
            {"id": self.serial.id, "name": "SN-1", "product_id": self.meter.id},
        ])
        job_types = {job_type["name"]: job_type["id"] for job_type in ref["job_types"]}
        self.assertEqual((job_types["HVAC Repair"], job_types["Boiler Service"]),
                         (self.job_type.id, self.boiler.id))
        self.assertFalse({"Their job", "Retired job"} & set(job_types))
        self.assertIn({"id": self.job_type.id, "name": "HVAC Repair",
                       "items": ["Check thermostat", "Clean vents"]}, ref["checklist_templates"])
        self.assertNotIn(self.boiler.id, [t["id"] for t in ref["checklist_templates"]])
        self.assertEqual(ref["settings"], {"signature_required": False, "photo_max_mb": 10})

        self.company.fwo_signature_required = True
        self.env["ir.config_parameter"].set_param("field_work_order_mobile.photo_max_mb", "7")
        self.assertEqual(self.rpc(self.tech, after_id=self.pipe.id)["settings"],
                         {"signature_required": True, "photo_max_mb": 7})

    def test_paging(self):
        first = self.rpc(self.tech, after_id=self.start, limit=2)
        self.assertEqual([p["id"] for p in first["products"]], self.page[:2].ids)
        self.assertEqual((first["has_more"], first["after_id"]), (True, self.gasket.id))
        rest = self.rpc(self.tech, after_id=first["after_id"], limit=100)
        self.assertEqual([p["id"] for p in rest["products"]], self.page[2:].ids)
        self.assertEqual((rest["has_more"], rest["after_id"]), (False, self.pipe.id))
        # The small lists come with every page.
        self.assertEqual((first["stock"], first["lots"], first["van"]),
                         (rest["stock"], rest["lots"], rest["van"]))
        empty = self.rpc(self.tech, after_id=self.pipe.id)
        self.assertEqual((empty["products"], empty["has_more"], empty["after_id"]),
                         ([], False, self.pipe.id))
        # From the start: every product the technician may log, the page's first included.
        everything = self.rpc(self.tech, limit=5000)
        self.assertEqual(everything["has_more"], False)
        ids = [p["id"] for p in everything["products"]]
        self.assertEqual(ids, sorted(ids))
        self.assertLessEqual(set(self.page.ids), set(ids))

    def test_the_other_technician_sees_their_own_van(self):
        ref = self.rpc(self.tech2, after_id=self.start)
        self.assertEqual(ref["van"], {"id": self.van2.id, "name": self.van2.display_name})
        self.assertEqual(sorted((row["product_id"], row["lot_name"], row["quantity"])
                                for row in ref["stock"]),
                         sorted([(self.valve.id, "L3", 4.0), (self.pipe.id, False, 10.0)]))
        self.assertEqual(ref["lots"], [{"id": self.lot3.id, "name": "L3",
                                        "product_id": self.valve.id}])
        self.assertEqual({p["id"]: p["van_qty"] for p in ref["products"]}[self.gasket.id], 0.0)
        # And none of it in the first technician's answer.
        mine = self.rpc(self.tech, after_id=self.start)
        self.assertNotIn(self.lot3.id, [row["lot_id"] for row in mine["stock"]])
        self.assertNotIn(self.pipe.id, [row["product_id"] for row in mine["stock"]])

    def test_technician_without_a_van(self):
        walker = new_test_user(self.env, "fwo_walker", groups="field_work_order.group_technician",
                               name="Walt Walker")
        ref = self.rpc(walker, after_id=self.start)
        self.assertEqual((ref["van"], ref["stock"], ref["lots"]), (False, [], []))
        self.assertEqual({p["van_qty"] for p in ref["products"]}, {0.0})
        self.assertEqual(len(ref["products"]), 5)
        self.assert_no_none(ref)

    def test_refusals(self):
        clerk = new_test_user(self.env, "fwo_clerk", groups="base.group_user", name="Cleo Clerk")
        for user in (clerk, self.accountant):
            self.assert_fault(ACCESS, user, "Only technicians and dispatchers")
        for limit in (0, 5001, 6000, -1, True, "10"):
            self.assert_fault(WARNING, self.tech, "limit must be an integer from 1 to 5000",
                              limit=limit)
        for after_id in (-1, "12", True):
            self.assert_fault(WARNING, self.tech, "after_id", after_id=after_id)
        # A dispatcher is a technician too.
        self.assertEqual(self.rpc(self.dispatcher, after_id=self.pipe.id)["products"], [])


@tagged("post_install", "-at_install")
class TestSyncReferenceQueries(SyncCommon):
    """Queries per call do not grow with the number of products (5 vs 50)."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.tech.action_fwo_create_van()
        cls.start = cls.filter.id
        products = cls.env["product.product"].create([
            {"name": f"Part {i}", "type": "consu", "is_storable": True, "default_code": f"P{i}",
             "tracking": "lot" if i % 2 else "none"}
            for i in range(60)
        ])
        Quant = cls.env["stock.quant"]
        for product in products:
            lot = cls.env["stock.lot"].create({"name": f"LOT-{product.id}", "product_id": product.id}) \
                if product.tracking == "lot" else None
            Quant._update_available_quantity(product, cls.tech.fwo_van_location_id, 3, lot_id=lot)

    def _queries(self, limit):
        self.env.invalidate_all()
        before = self.env.cr.sql_log_count
        ref = self.Order.with_user(self.tech).sync_reference(after_id=self.start, limit=limit)
        self.assertEqual(len(ref["products"]), limit)
        self.assertEqual({p["van_qty"] for p in ref["products"]}, {3.0})
        self.assertEqual(len(ref["stock"]), 60)
        return self.env.cr.sql_log_count - before

    def test_constant_queries(self):
        self._queries(5)  # warm up caches (rules, fields, groups)
        small, large = self._queries(5), self._queries(50)
        self.assertEqual(small, large)
        self.assertLessEqual(large, 30)
