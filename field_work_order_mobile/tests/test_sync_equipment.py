"""The customer's equipment in the sync API, over /jsonrpc as the real technician.

Acme's annex (the site) has a rooftop condenser (serial C-4471, under warranty
until 2031-03-31), a boiler out of warranty and a retired chiller; Greenleaf,
another customer, has an oven. The job type records two measurements: suction
pressure 60-80 psi and supply air 12-16 °C. A done visit of the condenser
recorded 72.5 psi and replaced a filter.
"""

import json

from odoo.fields import Command
from odoo.tests import HttpCase, tagged
from odoo.tools import mute_logger

from .common import SyncCommon


@tagged("post_install", "-at_install")
class TestSyncEquipment(SyncCommon, HttpCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        env = cls.env
        cls.cooler_type = env["field.work.order.job.type"].create({
            "name": "Cooler Service",
            "reading_ids": [
                Command.create({"name": "Suction pressure", "uom": "psi", "min_value": 60.0,
                                "max_value": 80.0, "sequence": 1}),
                Command.create({"name": "Supply air", "uom": "°C", "min_value": 12.0,
                                "max_value": 16.0, "sequence": 2}),
            ],
            "material_ids": [Command.create({"product_id": cls.filter.id, "product_uom_qty": 2})],
        })
        cls.suction, cls.supply = cls.cooler_type.reading_ids
        Equipment = env["field.work.order.equipment"].with_user(cls.dispatcher)
        cls.condenser, cls.boiler, cls.chiller = Equipment.create([
            {"name": "Rooftop condenser", "partner_id": cls.customer.id,
             "service_partner_id": cls.site.id, "serial_number": "C-4471",
             "manufacturer": "Coolco", "location_note": "Roof, east side",
             "install_date": "2021-05-01", "warranty_end": "2031-03-31"},
            {"name": "Boiler", "partner_id": cls.customer.id, "service_partner_id": cls.site.id,
             "serial_number": "B-1", "product_id": cls.filter.id, "warranty_end": "2020-01-01"},
            {"name": "Old chiller", "partner_id": cls.customer.id,
             "service_partner_id": cls.site.id, "serial_number": "CH-1", "active": False},
        ])
        cls.greenleaf = env["res.partner"].create({"name": "Greenleaf Bakery", "is_company": True})
        cls.oven = Equipment.create({"name": "Oven", "partner_id": cls.greenleaf.id,
                                     "serial_number": "OV-1"})
        # A done visit of the condenser: a reading and a part replaced on it.
        cls.past = cls.order_in_state(
            "done", service_partner_id=cls.site.id, job_type_id=cls.cooler_type.id,
            equipment_ids=[Command.set(cls.condenser.ids)],
            material_ids=[Command.create({"product_id": cls.filter.id, "quantity_used": 1.0,
                                          "equipment_id": cls.condenser.id})],
        )
        env["field.work.order.reading"].with_user(cls.dispatcher).create({
            "equipment_id": cls.condenser.id, "work_order_id": cls.past.id,
            "definition_id": cls.suction.id, "value": 72.5, "taken_on": "2030-01-15 10:00:00",
        })

    def setUp(self):
        super().setUp()
        self.order = self.order_in_state(
            "in_progress", service_partner_id=self.site.id, job_type_id=self.cooler_type.id,
            equipment_ids=[Command.set(self.condenser.ids)],
        )

    # ------------------------------------------------------------------
    def call(self, user, model, method, args, kwargs=None):
        """``execute_kw`` over /jsonrpc as ``user``: (result, error)."""
        response = self.url_open("/jsonrpc", data=json.dumps({
            "jsonrpc": "2.0", "method": "call", "id": 1, "params": {
                "service": "object", "method": "execute_kw",
                "args": [self.env.cr.dbname, user.id, user.login, model, method, args,
                         kwargs or {}],
            },
        }), headers={"Content-Type": "application/json"})
        self.env.invalidate_all()
        body = response.json()
        return body.get("result"), body.get("error")

    def push(self, user, *ops):
        """``sync_push`` over /jsonrpc: one result per operation."""
        results, error = self.call(user, "field.work.order", "sync_push", [list(ops)])
        self.assertFalse(error, error and error["data"]["message"])
        self.assertEqual([r["uuid"] for r in results], [op["uuid"] for op in ops])
        return results

    def add_op(self, order=None, **payload):
        return self.op(order or self.order, "equipment_add", {"name": "Walk-in cooler", **payload})

    def units(self):
        return self.env["field.work.order.equipment"].with_context(active_test=False).search_count([])

    def readings(self):
        return [(r.equipment_id, r.name, r.value, r.uom, r.min_value, r.max_value, r.out_of_range,
                 r.create_uid) for r in self.order.reading_ids.sorted("id")]

    # ------------------------------------------------------------------
    def test_unit_added_on_site_once_and_read_by_its_ref(self):
        add = self.add_op(serial_number="WIC-9", location_note="Back room")
        ref = add["uuid"]
        ops = [
            add,
            self.op(self.order, "reading", {"equipment_ref": ref, "name": "Suction pressure",
                                            "value": 85}),
            self.op(self.order, "reading", {"equipment_ref": ref, "definition_id": self.supply.id,
                                            "value": 14.25}),
            self.op(self.order, "reading", {"equipment_id": self.condenser.id,
                                            "name": "Vibration", "value": -0.5}),
        ]
        before = self.units()
        results = self.push(self.tech, *ops)
        self.assertEqual([r["status"] for r in results], ["applied"] * 4,
                         [r["message"] for r in results])
        unit = self.order.equipment_ids - self.condenser
        self.assertEqual(results[0]["equipment_id"], unit.id)
        self.assertEqual(self.units(), before + 1)
        self.assertEqual(
            (unit.name, unit.serial_number, unit.location_note, unit.partner_id,
             unit.service_partner_id, unit.company_id, unit.create_uid, unit.warranty_end),
            ("Walk-in cooler", "WIC-9", "Back room", self.customer, self.site, self.company,
             self.tech, False),
        )
        self.assertEqual(self.readings(), [
            (unit, "Suction pressure", 85.0, "psi", 60.0, 80.0, True, self.tech),
            (unit, "Supply air", 14.25, "°C", 12.0, 16.0, False, self.tech),
            (self.condenser, "Vibration", -0.5, False, 0.0, 0.0, False, self.tech),
        ])
        self.assertEqual(self.order.out_of_range_count, 1)
        # The answers were lost: the same push again writes nothing twice.
        again = self.push(self.tech, *ops)
        self.assertEqual([(r["status"], r["first_status"]) for r in again],
                         [("duplicate", "applied")] * 4)
        self.assertEqual(again[0]["equipment_id"], unit.id)
        self.assertEqual((self.units(), len(self.order.reading_ids)), (before + 1, 3))

    def test_a_serial_already_used_is_a_conflict_and_writes_nothing(self):
        before, version = self.units(), self.order.sync_version
        add = self.add_op(serial_number="C-4471")
        reading = self.op(self.order, "reading", {"equipment_ref": add["uuid"],
                                                  "name": "Supply air", "value": 13})
        conflict, refused = self.push(self.tech, add, reading)
        self.assertEqual((conflict["status"], conflict["equipment_id"]), ("conflict", False))
        self.assertIn("The serial number C-4471 is already used by the unit Rooftop condenser "
                      "(C-4471) at ", conflict["message"])
        self.assertEqual(refused["status"], "error")
        self.assertIn("added no unit (it was refused)", refused["message"])
        self.assertEqual((self.units(), self.order.equipment_ids, len(self.order.reading_ids)),
                         (before, self.condenser, 0))
        self.assertEqual(self.order.sync_version, version)
        # Retired units keep their serial; the same serial on another product is another unit.
        retired, clash = self.push(
            self.tech, self.add_op(serial_number="CH-1"),
            self.add_op(serial_number="B-1", product_id=self.filter.id))
        self.assertEqual((retired["status"], clash["status"]), ("conflict", "conflict"))
        self.assertIn("already used by the unit Old chiller (CH-1)", retired["message"])
        other, = self.push(self.tech, self.add_op(serial_number="B-1"))
        self.assertEqual(other["status"], "applied", other["message"])
        self.assertEqual(self.units(), before + 1)

    def test_refusals_write_nothing(self):
        other = self.order_in_state("in_progress", user_id=self.tech2.id,
                                    service_partner_id=self.site.id,
                                    job_type_id=self.cooler_type.id)
        reading = {"equipment_id": self.condenser.id, "name": "Supply air"}
        cases = [
            (self.order, "reading", {**reading, "equipment_id": self.oven.id, "value": 1},
             "Unit %s is not one of the units of" % self.oven.id),
            (self.order, "reading", {**reading, "equipment_id": self.chiller.id, "value": 1},
             "is not one of the units of"),  # retired
            (self.order, "reading", {**reading, "value": "12"}, "payload.value must be a number"),
            (self.order, "reading", {**reading, "value": True}, "payload.value must be a number"),
            (self.order, "reading", {**reading, "value": 1e300}, "payload.value must be a number"),
            (self.order, "reading", {**reading, "name": " ", "value": 1},
             "payload.name must be the measurement's name"),
            (self.order, "reading", {"name": "Supply air", "value": 1}, "Name the unit"),
            (self.order, "reading", {**reading, "value": 1, "definition_id": 2**31 - 1},
             "must be one of the measurements of Cooler Service"),
            (self.order, "reading", {"equipment_ref": "nope", "name": "x", "value": 1},
             "is not the uuid of an equipment_add operation of yours"),
            (self.order, "equipment_add", {"name": ""}, "payload.name must be the unit's name"),
            (self.order, "equipment_add", {"name": "X", "product_id": "x"},
             "payload.product_id must be a product id"),
            (self.order, "material", {"product_id": self.filter.id, "quantity": 1,
                                      "equipment_id": self.oven.id}, "is not one of the units of"),
            (self.order, "photo", {"image": self.png, "equipment_id": self.oven.id},
             "is not one of the units of"),
            # Another technician's order: nothing of it, whatever the operation.
            (other, "reading", {**reading, "value": 14}, "does not exist or is not assigned to you"),
            (other, "equipment_add", {"name": "X"}, "does not exist or is not assigned to you"),
        ]
        before = (self.units(), self.env["field.work.order.reading"].search_count([]),
                  len(self.order.material_ids), len(self.order.photo_ids))
        results = self.push(self.tech, *[self.op(order, kind, payload)
                                         for order, kind, payload, _message in cases])
        for (_order, kind, payload, message), result in zip(cases, results, strict=True):
            self.assertEqual(result["status"], "error", (kind, payload))
            self.assertIn(message, result["message"], (kind, payload))
        self.assertEqual(before, (self.units(), self.env["field.work.order.reading"].search_count([]),
                                  len(self.order.material_ids), len(self.order.photo_ids)))
        self.assertEqual(self.order.material_ids.mapped("quantity_used"), [0.0])

    def test_a_technician_never_changes_owner_warranty_or_serial(self):
        before = self.units()
        refused = self.push(
            self.tech,
            self.add_op(serial_number="N-1", warranty_end="2040-01-01"),
            self.add_op(serial_number="N-2", partner_id=self.greenleaf.id),
            self.op(self.order, "set", {"fields": {"warranty_end": "2040-01-01"}}),
        )
        self.assertEqual([r["status"] for r in refused], ["error"] * 3)
        self.assertIn("takes only location_note, name, product_id, serial_number from the app, "
                      "not warranty_end", refused[0]["message"])
        self.assertIn("not partner_id", refused[1]["message"])
        self.assertIn("cannot be set from the app: warranty_end", refused[2]["message"])
        for vals in ({"warranty_end": "2040-01-01"}, {"partner_id": self.greenleaf.id},
                     {"serial_number": "X"}, {"active": False}):
            with mute_logger("odoo.http"):
                result, error = self.call(self.tech, "field.work.order.equipment", "write",
                                          [self.condenser.ids, vals])
            self.assertFalse(result)
            self.assertEqual(error["data"]["name"], "odoo.exceptions.AccessError", vals)
        self.assertEqual(
            (str(self.condenser.warranty_end), self.condenser.partner_id, self.condenser.serial_number,
             self.condenser.active),
            ("2031-03-31", self.customer, "C-4471", True),
        )
        self.assertEqual(self.units(), before)  # nothing added by the refused operations

    def test_parts_and_photos_tagged_with_units(self):
        add = self.add_op(name="Ice maker")
        results = self.push(
            self.tech, add,
            self.op(self.order, "material", {"product_id": self.filter.id, "quantity": 1,
                                             "equipment_id": self.condenser.id}),
            self.op(self.order, "material", {"product_id": self.filter.id, "quantity": 2,
                                             "equipment_id": self.boiler.id}),
            self.op(self.order, "material", {"product_id": self.filter.id, "quantity": 0.5,
                                             "equipment_ref": add["uuid"]}),
            self.op(self.order, "material", {"product_id": self.filter.id, "quantity": 1,
                                             "equipment_id": self.condenser.id}),
            self.op(self.order, "material", {"product_id": self.filter.id, "quantity": 3}),
            self.op(self.order, "photo", {"image": self.png, "kind": "after",
                                          "equipment_ref": add["uuid"]}),
            self.op(self.order, "photo", {"image": self.png}),
        )
        self.assertEqual([r["status"] for r in results], ["applied"] * 8,
                         [r["message"] for r in results])
        ice = self.env["field.work.order.equipment"].browse(results[0]["equipment_id"])
        # The planned line (2) went into the condenser; the others are lines of their own, and
        # a part without a unit never goes into a unit's line.
        none = self.env["field.work.order.equipment"]
        self.assertEqual(
            [(m.product_uom_qty, m.quantity_used, m.equipment_id) for m in self.order.material_ids],
            [(2.0, 2.0, self.condenser), (0.0, 2.0, self.boiler), (0.0, 0.5, ice), (0.0, 3.0, none)],
        )
        self.assertEqual([(p.kind, p.equipment_id) for p in self.order.photo_ids],
                         [("after", ice), ("other", none)])
        data = self.pull(self.tech)[0][self.order.id]
        self.assertEqual([m["equipment_id"] for m in data["materials"]],
                         [self.condenser.id, self.boiler.id, ice.id, False])
        self.assertEqual([p["equipment_id"] for p in data["photos"]], [ice.id, False])

    def test_pull_carries_units_history_definitions_and_readings(self):
        taken = self.op(self.order, "reading", {
            "equipment_id": self.condenser.id, "definition_id": self.suction.id, "value": 58})
        result, = self.push(self.tech, taken)
        self.assertEqual(result["status"], "applied", result["message"])
        reading = self.order.reading_ids
        pulled, error = self.call(self.tech, "field.work.order", "sync_pull", [])
        self.assertFalse(error, error and error["data"]["message"])
        data = next(o for o in pulled["orders"] if o["id"] == self.order.id)
        self.assertEqual(data["equipment_ids"], self.condenser.ids)
        filter_name = self.filter.display_name
        self.assertEqual(data["equipment"], [{
            "id": self.condenser.id, "name": "Rooftop condenser", "serial_number": "C-4471",
            "product_id": False, "product_name": False, "manufacturer": "Coolco",
            "location_note": "Roof, east side", "install_date": "2021-05-01",
            "warranty_end": "2031-03-31", "under_warranty": True, "active": True,
            "history": [{
                "order_id": self.past.id, "name": self.past.name, "date": "2030-01-15 11:00:00",
                "job_type": "Cooler Service", "state": "done",
                "readings": [{"name": "Suction pressure", "value": 72.5, "uom": "psi",
                              "out_of_range": False}],
                "parts": [{"product": filter_name, "quantity": 1.0, "lot": False}],
            }],
        }, {
            "id": self.boiler.id, "name": "Boiler", "serial_number": "B-1",
            "product_id": self.filter.id, "product_name": filter_name, "manufacturer": False,
            "location_note": False, "install_date": False, "warranty_end": "2020-01-01",
            "under_warranty": False, "active": True, "history": [],
        }])  # not the retired chiller, not Greenleaf's oven
        self.assertEqual(data["reading_definitions"], [
            {"id": self.suction.id, "name": "Suction pressure", "uom": "psi", "min_value": 60.0,
             "max_value": 80.0, "has_range": True},
            {"id": self.supply.id, "name": "Supply air", "uom": "°C", "min_value": 12.0,
             "max_value": 16.0, "has_range": True},
        ])
        self.assertEqual(data["readings"], [{
            "id": reading.id, "equipment_id": self.condenser.id, "name": "Suction pressure",
            "value": 58.0, "uom": "psi", "min_value": 60.0, "max_value": 80.0, "has_range": True,
            "out_of_range": True, "taken_on": taken["at"],
        }])
        # The done visit's own copy: the other visit of the unit is this open order.
        past = next(o for o in pulled["orders"] if o["id"] == self.past.id)
        self.assertEqual(past["equipment_ids"], self.condenser.ids)
        self.assertEqual(past["equipment"][0]["history"], [{
            "order_id": self.order.id, "name": self.order.name, "date": "2030-01-15 09:00:00",
            "job_type": "Cooler Service", "state": "in_progress",
            "readings": [{"name": "Suction pressure", "value": 58.0, "uom": "psi",
                          "out_of_range": True}],
            "parts": [],
        }])
        # The published rules list the operations.
        reference, error = self.call(self.tech, "field.work.order", "sync_reference", [],
                                     {"limit": 1})
        self.assertIn("equipment_add", reference["rules"]["operation_types"])
        self.assertIn("reading", reference["rules"]["operation_types"])

    def test_unit_changes_resend_the_open_orders_at_the_site(self):
        elsewhere = self.order_in_state("scheduled", partner_id=self.greenleaf.id)
        _orders, _removed, cursor, _pages = self.pull(self.tech)
        self.age()
        self.condenser.with_user(self.dispatcher).write({"location_note": "Roof, west side"})
        orders, _removed, cursor, _pages = self.pull(self.tech, cursor)
        self.assertEqual(set(orders), {self.order.id})  # not the done visit, not Greenleaf's
        self.assertEqual(orders[self.order.id]["equipment"][0]["location_note"], "Roof, west side")
        self.age()
        # A new unit at another site re-sends that site's open orders.
        self.env["field.work.order.equipment"].with_user(self.dispatcher).create({
            "name": "Fryer", "partner_id": self.greenleaf.id,
        })
        orders, _removed, cursor, _pages = self.pull(self.tech, cursor)
        self.assertEqual(set(orders), {elsewhere.id})
        self.assertEqual([u["name"] for u in orders[elsewhere.id]["equipment"]], ["Fryer", "Oven"])

    def test_pull_queries_do_not_grow_with_units(self):
        """A page of 20 orders with 5 units at each site, then 20 units: the same queries."""
        sites = self.env["res.partner"].create([
            {"name": f"Site {i}", "parent_id": self.customer.id, "type": "other"} for i in range(20)
        ])
        orders = self.env["field.work.order"].with_user(self.dispatcher).create([{
            "partner_id": self.customer.id, "service_partner_id": site.id, "user_id": self.tech2.id,
            "job_type_id": self.cooler_type.id, "scheduled_start": "2030-01-15 09:00:00",
        } for site in sites])
        Equipment = self.env["field.work.order.equipment"].with_user(self.dispatcher)

        def add_units(count, start):
            units = Equipment.create([{
                "name": f"Unit {n}", "partner_id": self.customer.id, "service_partner_id": site.id,
                "serial_number": f"S{site.id}-{n}", "product_id": self.filter.id,
            } for site in sites for n in range(start, start + count)])
            for order in orders:  # each order names its site's first two units
                order.equipment_ids = units.filtered(
                    lambda unit, order=order: unit.service_partner_id == order.service_partner_id)[:2]
            # One past visit of every unit, with a reading and a part on each.
            self.past.equipment_ids = [Command.link(unit.id) for unit in units]
            self.env["field.work.order.reading"].create([{
                "equipment_id": unit.id, "work_order_id": self.past.id, "name": "Supply air",
                "value": 13.0,
            } for unit in units])
            self.env["field.work.order.material"].create([{
                "work_order_id": self.past.id, "product_id": self.filter.id, "quantity_used": 1.0,
                "equipment_id": unit.id,
            } for unit in units])

        def queries():
            self.env.invalidate_all()
            before = self.env.cr.sql_log_count
            page = self.Order.with_user(self.tech2).sync_pull(limit=50)
            count = self.env.cr.sql_log_count - before
            self.assertEqual(len(page["orders"]), 20)
            return count, page

        add_units(5, 0)
        queries()  # warm up caches
        small, page = queries()
        self.assertEqual({len(o["equipment"]) for o in page["orders"]}, {5})
        self.assertEqual({len(u["history"]) for o in page["orders"] for u in o["equipment"]}, {1})
        add_units(15, 5)
        large, page = queries()
        self.assertEqual({len(o["equipment"]) for o in page["orders"]}, {20})
        self.assertEqual(page["orders"][0]["equipment"][0]["history"][0]["parts"],
                         [{"product": self.filter.display_name, "quantity": 1.0, "lot": False}])
        self.assertEqual(small, large)

