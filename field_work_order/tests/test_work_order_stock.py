import re

from odoo.exceptions import AccessError, UserError
from odoo.tests import tagged

from .common import WorkOrderCommon, at


@tagged("post_install", "-at_install")
class TestWorkOrderStock(WorkOrderCommon):
    """Parts in Odoo's inventory: van locations, preparation, consumption, returns."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.warehouse = cls.env["stock.warehouse"].search(
            [("company_id", "=", cls.company.id)], limit=1
        )
        cls.stock = cls.warehouse.lot_stock_id
        cls.customers = cls.env.ref("stock.stock_location_customers")
        cls.tech.action_fwo_create_van()
        cls.van = cls.tech.fwo_van_location_id
        cls.pump = cls.env["product.product"].create({
            "name": "Pump", "type": "consu", "is_storable": True, "standard_price": 40.0,
        })
        cls.valve = cls.env["product.product"].create({
            "name": "Valve", "type": "consu", "is_storable": True, "tracking": "lot",
        })
        cls.meter = cls.env["product.product"].create({
            "name": "Meter", "type": "consu", "is_storable": True, "tracking": "serial",
        })
        cls.valve_lot = cls.env["stock.lot"].create({"name": "VL-001", "product_id": cls.valve.id})
        cls.meter_sn = cls.env["stock.lot"].create({"name": "SN-0042", "product_id": cls.meter.id})
        Quant = cls.env["stock.quant"]
        Quant._update_available_quantity(cls.pump, cls.stock, 20)
        Quant._update_available_quantity(cls.pump, cls.van, 10)
        Quant._update_available_quantity(cls.valve, cls.van, 5, lot_id=cls.valve_lot)
        Quant._update_available_quantity(cls.meter, cls.van, 1, lot_id=cls.meter_sn)

    def qty(self, product, location, lot=None):
        """On-hand quantity of ``product`` (and ``lot``) in exactly ``location``."""
        domain = [("product_id", "=", product.id), ("location_id", "=", location.id)]
        if lot:
            domain.append(("lot_id", "=", lot.id))
        return sum(self.env["stock.quant"].search(domain).mapped("quantity"))

    def order_with_parts(self, state, materials, **vals):
        """An order whose job type plans nothing, with ``materials`` (list of line values)."""
        return self.order_in_state(
            state, job_type_id=False, material_ids=[(0, 0, m) for m in materials], **vals
        ).with_env(self.env)

    def use(self, order, product, qty, lot=None):
        """The technician records a part used (a new line, or the planned line of that product)."""
        as_tech = order.with_user(order.user_id)
        line = as_tech.material_ids.filtered(lambda m: m.product_id == product)[:1]
        if line:
            line.write({"quantity_used": qty, "lot_id": lot.id if lot else False})
        else:
            as_tech.material_ids = [(0, 0, {
                "product_id": product.id, "quantity_used": qty, "lot_id": lot.id if lot else False,
            })]

    def complete(self, order):
        order.with_user(self.tech).with_context(**at("2030-01-15 11:00:00")).action_complete()

    # --- locations -------------------------------------------------------
    def test_van_location_and_default_source(self):
        # Beside WH/Stock, not inside it: reserving from WH/Stock never takes parts from a van.
        self.assertEqual(self.van.location_id, self.warehouse.view_location_id)
        self.assertEqual(self.van.complete_name, "WH/Van Terry Tech")
        self.assertEqual(self.van.usage, "internal")
        self.assertEqual(self.van.name, "Van Terry Tech")
        self.assertEqual(self.van.warehouse_id, self.warehouse)
        self.assertIs(self.tech.action_fwo_create_van(), True)  # already has one: unchanged
        self.assertEqual(self.tech.fwo_van_location_id, self.van)

        self.assertEqual(self.create_order().location_id, self.van)
        no_van = self.create_order(user_id=self.tech2.id)
        self.assertEqual(no_van.location_id, self.stock)
        # A dispatcher overrides it; reassigning the lead takes the new lead's van.
        shelf = self.env["stock.location"].create({"name": "Shelf", "location_id": self.stock.id})
        no_van.with_user(self.dispatcher).location_id = shelf
        self.assertEqual(no_van.location_id, shelf)
        no_van.with_user(self.dispatcher).user_id = self.tech
        self.assertEqual(no_van.location_id, self.van)

    # --- preparation at scheduling ---------------------------------------
    def test_schedule_prepares_van_transfer(self):
        order = self.order_with_parts("draft", [
            {"product_id": self.pump.id, "product_uom_qty": 3},
            {"product_id": self.filter.id, "product_uom_qty": 2},  # not storable: not prepared
            {"product_id": self.valve.id, "product_uom_qty": 0, "quantity_used": 0},
        ])
        self.assertFalse(order.picking_ids)
        order.with_user(self.dispatcher).action_schedule()
        picking = order.picking_ids
        self.assertEqual(len(picking), 1)
        self.assertEqual(picking.fwo_purpose, "prepare")
        self.assertEqual(picking.picking_type_id, self.warehouse.int_type_id)
        self.assertEqual(picking.location_id, self.stock)
        self.assertEqual(picking.location_dest_id, self.van)
        self.assertEqual(picking.origin, order.name)
        self.assertEqual(picking.state, "assigned")
        self.assertEqual(
            [(m.product_id, m.product_uom_qty, m.quantity, m.state) for m in picking.move_ids],
            [(self.pump, 3.0, 3.0, "assigned")],
        )
        self.assertEqual(picking.move_ids.fwo_material_id.product_id, self.pump)
        self.assertEqual(order.picking_count, 1)
        self.assertEqual(order.move_count, 0)
        # The reservation holds 3 of the warehouse's 20 pumps.
        self.assertEqual(self.env["stock.quant"]._get_available_quantity(self.pump, self.stock), 17.0)
        action = order.action_view_pickings()
        self.assertEqual(self.env["stock.picking"].search(action["domain"]), picking)

    def test_schedule_without_van_prepares_delivery(self):
        order = self.order_with_parts(
            "scheduled", [{"product_id": self.pump.id, "product_uom_qty": 4}], user_id=self.tech2.id
        )
        picking = order.picking_ids
        self.assertEqual(picking.picking_type_id, self.warehouse.out_type_id)
        self.assertEqual(picking.location_id, self.stock)
        self.assertEqual(picking.location_dest_id, self.customers)
        self.assertEqual(picking.partner_id, self.customer)
        self.assertEqual(picking.state, "assigned")
        self.assertEqual(picking.move_ids.mapped("quantity"), [4.0])

        # Completion delivers what was used (3) through that delivery; the 4th stays at the warehouse.
        self.use(order, self.pump, 3)
        order.with_user(self.tech2).action_start()
        order.with_user(self.tech2).action_complete()
        self.assertEqual(picking.state, "done")
        self.assertEqual(
            [(m.quantity, m.state, m.fwo_order_id) for m in picking.move_ids], [(3.0, "done", order)]
        )
        self.assertEqual(order.move_ids, picking.move_ids)
        self.assertEqual(self.qty(self.pump, self.stock), 17.0)
        self.assertEqual(self.qty(self.pump, self.customers), 3.0)
        self.assertEqual(self.env["stock.quant"]._get_available_quantity(self.pump, self.stock), 17.0)

    def reserved(self, product, location):
        return sum(self.env["stock.quant"].search([
            ("product_id", "=", product.id), ("location_id", "=", location.id),
        ]).mapped("reserved_quantity"))

    def test_completion_validates_open_delivery(self):
        """No van: the open delivery becomes the consumption, with the used quantities and lots."""
        self.valve.standard_price = 15.0
        self.meter.standard_price = 100.0
        meter_sn2 = self.env["stock.lot"].create({"name": "SN-0099", "product_id": self.meter.id})
        Quant = self.env["stock.quant"]
        Quant._update_available_quantity(self.valve, self.stock, 5, lot_id=self.valve_lot)
        Quant._update_available_quantity(self.meter, self.stock, 1, lot_id=meter_sn2)
        self.assertEqual(self.qty(self.pump, self.stock), 20.0)
        order = self.order_with_parts("in_progress", [
            {"product_id": self.pump.id, "product_uom_qty": 4},
            {"product_id": self.valve.id, "product_uom_qty": 2},
        ], user_id=self.tech2.id)
        delivery = order.picking_ids
        self.assertEqual(delivery.state, "assigned")
        self.assertEqual(self.reserved(self.pump, self.stock), 4.0)
        self.assertEqual(self.reserved(self.valve, self.stock), 2.0)

        self.use(order, self.pump, 3)  # one less than planned
        self.use(order, self.valve, 3, self.valve_lot)  # one more
        self.use(order, self.meter, 1, meter_sn2)  # not planned
        order.with_user(self.tech2).with_context(**at("2030-01-15 11:00:00")).action_complete()

        self.assertEqual(order.picking_ids, delivery)
        self.assertEqual((delivery.state, delivery.fwo_purpose), ("done", "prepare"))
        self.assertFalse(self.env["stock.picking"].search([("backorder_id", "=", delivery.id)]))
        self.assertEqual(
            sorted((m.product_id.name, m.product_uom_qty, m.quantity, m.state) for m in delivery.move_ids),
            [("Meter", 1.0, 1.0, "done"), ("Pump", 4.0, 3.0, "done"), ("Valve", 2.0, 3.0, "done")],
        )
        self.assertEqual(
            sorted((ml.product_id.name, ml.lot_id.name or "", ml.quantity) for ml in delivery.move_line_ids),
            [("Meter", "SN-0099", 1.0), ("Pump", "", 3.0), ("Valve", "VL-001", 3.0)],
        )
        self.assertEqual(order.move_ids, delivery.move_ids)
        self.assertEqual(self.env["stock.move"].search_count([("picking_id", "=", False),
                                                              ("fwo_order_id", "=", order.id)]), 0)
        # The unused pump stays on hand at the warehouse, no longer reserved.
        self.assertEqual(self.qty(self.pump, self.stock), 17.0)
        self.assertEqual(self.qty(self.pump, self.customers), 3.0)
        self.assertEqual(self.qty(self.valve, self.stock, self.valve_lot), 2.0)
        self.assertEqual(self.qty(self.valve, self.customers, self.valve_lot), 3.0)
        self.assertEqual(self.qty(self.meter, self.stock, meter_sn2), 0.0)
        self.assertEqual(self.qty(self.meter, self.customers, meter_sn2), 1.0)
        for product in (self.pump, self.valve, self.meter):
            self.assertEqual(self.reserved(product, self.stock), 0.0)
        self.assertEqual(Quant._get_available_quantity(self.pump, self.stock), 17.0)
        layers = delivery.move_ids.stock_valuation_layer_ids
        self.assertEqual(
            sorted((layer.product_id.name, layer.quantity, layer.value) for layer in layers),
            [("Meter", -1.0, -100.0), ("Pump", -3.0, -120.0), ("Valve", -3.0, -45.0)],
        )

        # Rework with one pump less: only the difference moves, back from the customer.
        order.with_user(self.dispatcher).action_rework("One pump was not fitted")
        self.use(order, self.pump, 2)
        order.with_user(self.tech2).with_context(**at("2030-01-15 11:30:00")).action_complete()
        back = order.move_ids - delivery.move_ids
        self.assertEqual(
            [(m.product_id, m.location_id, m.location_dest_id, m.quantity, m.state, m.picking_id)
             for m in back],
            [(self.pump, self.customers, self.stock, 1.0, "done", self.env["stock.picking"])],
        )
        self.assertEqual(self.qty(self.pump, self.stock), 18.0)
        self.assertEqual(self.qty(self.pump, self.customers), 2.0)
        self.assertEqual(self.qty(self.valve, self.customers, self.valve_lot), 3.0)
        self.assertEqual(order.picking_ids, delivery)

    def test_completion_delivery_unused_parts(self):
        """A planned part not used is cancelled in the delivery; nothing used cancels the delivery."""
        gasket = self.env["product.product"].create({"name": "Gasket", "type": "consu", "is_storable": True})
        self.env["stock.quant"]._update_available_quantity(gasket, self.stock, 20)
        order, idle = (self.order_with_parts("in_progress", [
            {"product_id": self.pump.id, "product_uom_qty": 2},
            {"product_id": gasket.id, "product_uom_qty": 6},
        ], user_id=self.tech2.id) for _i in range(2))
        self.assertEqual(self.reserved(gasket, self.stock), 12.0)
        self.use(order, self.pump, 2)
        self.use(order, gasket, 0)
        (order | idle).with_user(self.tech2).with_context(**at("2030-01-15 11:00:00")).action_complete()

        self.assertEqual(
            sorted((m.product_id.name, m.quantity, m.state) for m in order.picking_ids.move_ids),
            [("Gasket", 0.0, "cancel"), ("Pump", 2.0, "done")],
        )
        self.assertEqual(order.picking_ids.state, "done")
        self.assertEqual(idle.picking_ids.state, "cancel")
        self.assertEqual(set(idle.picking_ids.move_ids.mapped("state")), {"cancel"})
        self.assertFalse(idle.move_ids)
        self.assertEqual(self.qty(gasket, self.stock), 20.0)
        self.assertEqual(self.reserved(gasket, self.stock), 0.0)
        self.assertEqual(self.reserved(self.pump, self.stock), 0.0)
        self.assertEqual(self.qty(self.pump, self.stock), 18.0)
        self.assertEqual(self.qty(self.pump, self.customers), 2.0)

    def test_cancel_releases_preparation(self):
        order = self.order_with_parts("scheduled", [{"product_id": self.pump.id, "product_uom_qty": 3}])
        order.with_user(self.dispatcher).action_cancel()
        self.assertEqual(order.picking_ids.state, "cancel")
        self.assertEqual(self.env["stock.quant"]._get_available_quantity(self.pump, self.stock), 20.0)

    # --- consumption at completion ---------------------------------------
    def test_completion_consumes_from_van_with_lots(self):
        order = self.order_with_parts("in_progress", [{"product_id": self.pump.id, "product_uom_qty": 2}])
        self.use(order, self.pump, 1)
        self.use(order, self.pump, 3)  # corrected: nothing moves before completion
        self.use(order, self.valve, 2, self.valve_lot)
        self.use(order, self.meter, 1, self.meter_sn)
        self.assertFalse(order.move_ids)
        self.assertEqual(self.qty(self.pump, self.van), 10.0)
        self.assertEqual(self.qty(self.pump, self.customers), 0.0)

        self.complete(order)

        self.assertEqual(order.state, "done")
        self.assertEqual(self.qty(self.pump, self.van), 7.0)
        self.assertEqual(self.qty(self.pump, self.customers), 3.0)
        self.assertEqual(self.qty(self.valve, self.van, self.valve_lot), 3.0)
        self.assertEqual(self.qty(self.valve, self.customers, self.valve_lot), 2.0)
        self.assertEqual(self.qty(self.meter, self.van, self.meter_sn), 0.0)
        self.assertEqual(self.qty(self.meter, self.customers, self.meter_sn), 1.0)
        moves = order.move_ids
        self.assertEqual(len(moves), 3)
        self.assertEqual(set(moves.mapped("state")), {"done"})
        self.assertEqual(moves.location_id, self.van)
        self.assertEqual(moves.location_dest_id, self.customers)
        self.assertEqual(
            sorted((ml.product_id.name, ml.lot_id.name or "", ml.quantity) for ml in moves.move_line_ids),
            [("Meter", "SN-0042", 1.0), ("Pump", "", 3.0), ("Valve", "VL-001", 2.0)],
        )
        pump_line = order.material_ids.filtered(lambda m: m.product_id == self.pump)
        # The line's moves: its preparation (cancelled: the job is over) and its consumption.
        preparation = order.picking_ids
        self.assertEqual(preparation.state, "cancel")
        self.assertEqual(
            pump_line.move_ids, preparation.move_ids | moves.filtered(lambda m: m.product_id == self.pump)
        )
        self.assertEqual(order.move_count, 3)

        # Rework and a corrected quantity: only the difference moves.
        order.with_user(self.dispatcher).action_rework("Pump count wrong")
        self.use(order, self.pump, 2)
        self.complete(order)
        self.assertEqual(self.qty(self.pump, self.van), 8.0)
        self.assertEqual(self.qty(self.pump, self.customers), 2.0)
        back = order.move_ids - moves
        self.assertEqual(
            [(m.product_id, m.location_id, m.location_dest_id, m.quantity, m.state) for m in back],
            [(self.pump, self.customers, self.van, 1.0, "done")],
        )
        self.assertEqual(self.qty(self.valve, self.customers, self.valve_lot), 2.0)

    def test_return_unused_parts(self):
        order = self.order_with_parts("scheduled", [{"product_id": self.pump.id, "product_uom_qty": 5}])
        preparation = order.picking_ids
        preparation.button_validate()
        self.assertEqual(preparation.state, "done")
        self.assertEqual(self.qty(self.pump, self.stock), 15.0)
        self.assertEqual(self.qty(self.pump, self.van), 15.0)

        as_tech = order.with_user(self.tech).with_context(**at("2030-01-15 09:00:00"))
        as_tech.action_start()
        self.use(order, self.pump, 3)
        self.complete(order)
        self.assertEqual(self.qty(self.pump, self.van), 12.0)

        with self.assertRaises(AccessError):
            order.with_user(self.tech).action_return_unused()
        self.assertIs(order.with_user(self.dispatcher).action_return_unused(), True)
        back = order.picking_ids.filtered(lambda p: p.fwo_purpose == "return")
        self.assertEqual(back.picking_type_id, self.warehouse.int_type_id)
        self.assertEqual(back.location_id, self.van)
        self.assertEqual(back.location_dest_id, self.stock)
        self.assertEqual(back.state, "assigned")
        self.assertEqual([(m.product_id, m.product_uom_qty) for m in back.move_ids], [(self.pump, 2.0)])
        with self.assertRaisesRegex(UserError, rf"^{re.escape(order.name)}: no prepared part is left"):
            order.with_user(self.dispatcher).action_return_unused()
        back.button_validate()
        self.assertEqual(self.qty(self.pump, self.van), 10.0)
        self.assertEqual(self.qty(self.pump, self.stock), 17.0)
        self.assertEqual(self.qty(self.pump, self.customers), 3.0)

    # --- shortage policy and bad input -------------------------------------
    def test_block_policy_refuses_and_changes_nothing(self):
        self.company.fwo_stock_shortage = "block"
        order = self.order_with_parts("in_progress", [])
        self.use(order, self.pump, 12)
        message = (
            f"{order.name} cannot be completed: 12.00 Units of Pump used, but WH/Van Terry Tech "
            "has only 10.00 Units available."
        )
        with self.assertRaisesRegex(UserError, f"^{re.escape(message)}"):
            self.complete(order)
        self.assertEqual(order.state, "in_progress")
        self.assertFalse(order.date_completed)
        self.assertFalse(self.env["stock.move"].search([("fwo_order_id", "=", order.id)]))
        self.assertEqual(self.qty(self.pump, self.van), 10.0)
        self.assertFalse(order.labor_ids.filtered("date_end"))

        # Within stock it goes through.
        self.use(order, self.pump, 10)
        self.complete(order)
        self.assertEqual(self.qty(self.pump, self.van), 0.0)

    def test_block_policy_counts_own_reservation(self):
        """Without a van the order's own delivery reserves the parts: they are still available to it."""
        self.company.fwo_stock_shortage = "block"
        order = self.order_with_parts(
            "scheduled", [{"product_id": self.pump.id, "product_uom_qty": 20}], user_id=self.tech2.id
        )
        self.assertEqual(self.env["stock.quant"]._get_available_quantity(self.pump, self.stock), 0.0)
        as_tech = order.with_user(self.tech2)
        as_tech.action_start()
        as_tech.material_ids.quantity_used = 20
        as_tech.action_complete()
        self.assertEqual(self.qty(self.pump, self.stock), 0.0)
        self.assertEqual(self.qty(self.pump, self.customers), 20.0)

    def test_allow_policy_goes_negative(self):
        self.assertEqual(self.company.fwo_stock_shortage, "allow")
        order = self.order_with_parts("in_progress", [])
        self.use(order, self.pump, 12)
        self.complete(order)
        self.assertEqual(order.state, "done")
        self.assertEqual(self.qty(self.pump, self.van), -2.0)
        self.assertEqual(self.qty(self.pump, self.customers), 12.0)

    def test_tracked_part_without_lot_refused(self):
        order = self.order_with_parts("in_progress", [])
        self.use(order, self.pump, 1)
        self.use(order, self.valve, 1)
        with self.assertRaisesRegex(
            UserError,
            rf"^{re.escape(order.name)}: Valve is tracked: enter the lot or serial number of the "
            r"part used\.$",
        ):
            self.complete(order)
        self.assertEqual(order.state, "in_progress")
        self.assertFalse(self.env["stock.move"].search([("fwo_order_id", "=", order.id)]))
        self.assertEqual(self.qty(self.pump, self.van), 10.0)

        self.use(order, self.valve, 0)
        self.use(order, self.meter, 2, self.meter_sn)
        with self.assertRaisesRegex(
            UserError, rf"^{re.escape(order.name)}: Meter is tracked by serial number"
        ):
            self.complete(order)
        self.assertEqual(order.state, "in_progress")

    # --- rights ------------------------------------------------------------
    def test_technician_completes_without_stock_rights(self):
        self.assertFalse(self.tech.has_group("stock.group_stock_user"))
        order = self.order_with_parts("in_progress", [])
        self.use(order, self.pump, 4)
        self.use(order, self.meter, 1, self.meter_sn)
        self.complete(order)
        moves = self.env["stock.move"].search([("fwo_order_id", "=", order.id)])
        self.assertEqual(moves.mapped("state"), ["done", "done"])
        self.assertEqual(self.qty(self.pump, self.van), 6.0)
        # Nothing else was opened up to the technician.
        as_tech = self.env(user=self.tech)
        with self.assertRaises(AccessError):
            as_tech["stock.move"].search([])
        with self.assertRaises(AccessError):
            moves.with_user(self.tech).read(["state"])
        with self.assertRaises(AccessError):
            as_tech["stock.picking"].search([])
        with self.assertRaises(AccessError):
            order.with_user(self.tech).read(["move_ids"])
        # Odoo lets every internal user read quants (stock's own ACL), not change them.
        with self.assertRaises(AccessError):
            as_tech["stock.quant"].create({
                "product_id": self.pump.id, "location_id": self.van.id, "quantity": 5,
            })
        with self.assertRaises(AccessError):
            as_tech["stock.location"].create({"name": "My own shelf"})

    # --- valuation ---------------------------------------------------------
    def test_real_time_valuation_entry(self):
        accounts = self.env.ref("product.product_category_all")
        category = self.env["product.category"].create({
            "name": "Valued Parts",
            "property_cost_method": "average",
            "property_valuation": "real_time",
            "property_stock_valuation_account_id": accounts.property_stock_valuation_account_id.id,
            "property_stock_account_input_categ_id": accounts.property_stock_account_input_categ_id.id,
            "property_stock_account_output_categ_id": accounts.property_stock_account_output_categ_id.id,
            "property_stock_journal": accounts.property_stock_journal.id,
        })
        part = self.env["product.product"].create({
            "name": "Valued Part", "type": "consu", "is_storable": True, "categ_id": category.id,
            "standard_price": 25.0,
        })
        self.env["stock.quant"]._update_available_quantity(part, self.van, 10)
        order = self.order_with_parts("in_progress", [])
        self.use(order, part, 3)
        self.complete(order)
        entry = order.move_ids.stock_valuation_layer_ids.account_move_id
        self.assertEqual(len(entry), 1)
        self.assertEqual(entry.state, "posted")
        self.assertEqual(entry.amount_total, 75.0)
        valuation = entry.line_ids.filtered(
            lambda line: line.account_id == accounts.property_stock_valuation_account_id
        )
        self.assertEqual(valuation.credit, 75.0)
        self.assertEqual(order.move_ids.stock_valuation_layer_ids.value, -75.0)


@tagged("post_install", "-at_install", "is_query_count")
class TestWorkOrderStockQueries(WorkOrderCommon):
    """Completing a batch costs a fixed number of queries per order, whatever the batch.

    5 orders with 5 storable parts each, completed by a dispatcher: from a
    loaded van (preparation done) and from the warehouse with the delivery open.
    For comparison, ending a repair order with 5 parts costs Odoo about 31
    queries per order (docs/performance.md).
    """

    ORDERS = 5

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.tech.action_fwo_create_van()
        cls.parts = cls.env["product.product"].create([{
            "name": f"Part {i}", "type": "consu", "is_storable": True, "standard_price": 5.0 + i,
        } for i in range(5)])
        warehouse = cls.env["stock.warehouse"].search([("company_id", "=", cls.company.id)], limit=1)
        for part in cls.parts:
            for location in (warehouse.lot_stock_id, cls.tech.fwo_van_location_id):
                cls.env["stock.quant"]._update_available_quantity(part, location, 1000)

    def orders(self, technician):
        orders = self.env["field.work.order"].concat(*(self.order_in_state(
            "in_progress", job_type_id=False, user_id=technician.id,
            material_ids=[(0, 0, {"product_id": part.id, "product_uom_qty": 2}) for part in self.parts],
        ) for _i in range(self.ORDERS)))
        orders.material_ids.quantity_used = 2
        return orders

    def complete(self, orders, queries):
        """Complete ``orders`` as the dispatcher, from a cold cache as an RPC call would."""
        self.env.invalidate_all()
        self.env = self.env(user=self.dispatcher)
        with self.assertQueryCount(fwo_dispatcher=queries):
            self.env.invalidate_all()
            orders.with_env(self.env).with_context(**at("2030-01-15 11:00:00")).action_complete()

    def assert_done(self, orders, location):
        self.env = self.env(user=self.env.ref("base.user_root"))
        moves = self.env["stock.move"].search([("fwo_order_id", "in", orders.ids)])
        self.assertEqual(len(moves), 25)
        self.assertEqual(set(moves.mapped("state")), {"done"})
        self.assertEqual(sum(moves.mapped("quantity")), 50.0)
        self.assertEqual(moves.location_id, location)
        # 5 orders x 2 of each part, the parts costing 5 + 6 + 7 + 8 + 9.
        self.assertEqual(sum(moves.stock_valuation_layer_ids.mapped("value")), -350.0)

    def test_complete_from_loaded_vans(self):
        orders = self.orders(self.tech)
        orders.picking_ids.button_validate()
        self.assertEqual(set(orders.picking_ids.mapped("state")), {"done"})
        self.complete(orders, 268)
        self.assert_done(orders, self.tech.fwo_van_location_id)

    def test_complete_with_delivery_open(self):
        orders = self.orders(self.tech2)
        self.assertEqual(set(orders.picking_ids.mapped("state")), {"assigned"})
        self.complete(orders, 271)
        self.assert_done(orders, orders.location_id)
        self.assertEqual(set(orders.picking_ids.mapped("state")), {"done"})
