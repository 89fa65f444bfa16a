"""Inventory: preparation at scheduling, consumption at completion, returns.

Consumption happens once, when the order is completed, not as each part
is logged: a technician may correct a used quantity many times (or work
offline and sync later) without creating and reverting stock moves, and
the stock changes in the same transaction as the completion, after the
same checks. Sending an order back for rework and completing it again
only moves the difference."""

from collections import defaultdict

from odoo import SUPERUSER_ID, api, fields, models
from odoo.exceptions import AccessError, UserError
from odoo.fields import Command
from odoo.tools import float_compare, float_is_zero
from odoo.tools.misc import formatLang

from .field_work_order_policy import rpc_checked


class FieldWorkOrderStock(models.Model):
    _inherit = "field.work.order"

    location_id = fields.Many2one(
        "stock.location", string="Parts From", check_company=True, tracking=True,
        compute="_compute_location_id", store=True, readonly=False, precompute=True,
        domain="[('usage', '=', 'internal')]",
        help="Where the parts used on the job are taken from: the lead technician's van, "
        "else the warehouse stock. Dispatchers can pick another internal location.",
    )
    picking_ids = fields.One2many(
        "stock.picking", "fwo_order_id", string="Transfers", readonly=True,
        groups="stock.group_stock_user",
        help="Preparation of the planned parts and returns of unused ones.",
    )
    picking_count = fields.Integer(
        compute="_compute_stock_counts", groups="stock.group_stock_user"
    )
    move_ids = fields.One2many(
        "stock.move", "fwo_order_id", string="Consumption Moves", readonly=True,
        groups="stock.group_stock_user",
        help="Parts used on the job, moved from the source location to the customer when the "
        "order is completed.",
    )
    move_count = fields.Integer(compute="_compute_stock_counts", groups="stock.group_stock_user")

    @api.depends("user_id", "company_id")
    def _compute_location_id(self):
        warehouses = self.env["res.users"]._fwo_warehouses(self.company_id)
        for order in self:
            van = order.user_id.fwo_van_location_id
            if van and (not van.company_id or van.company_id == order.company_id):
                order.location_id = van
            else:
                order.location_id = warehouses.get(
                    order.company_id, self.env["stock.warehouse"]
                ).lot_stock_id

    def _compute_stock_counts(self):
        pickings = dict(self.env["stock.picking"]._read_group(
            [("fwo_order_id", "in", self.ids)], ["fwo_order_id"], ["__count"],
        ))
        moves = dict(self.env["stock.move"]._read_group(
            [("fwo_order_id", "in", self.ids)], ["fwo_order_id"], ["__count"],
        ))
        for order in self:
            order.picking_count = pickings.get(order, 0)
            order.move_count = moves.get(order, 0)

    def _check_stock_user(self):
        if not self.env.user.has_group("stock.group_stock_user"):
            raise AccessError(self.env._("Only Inventory users can open the transfers and stock moves of work orders."))

    @rpc_checked
    def action_view_pickings(self):
        self.ensure_one()
        self._check_stock_user()
        action = self.env["ir.actions.act_window"]._for_xml_id("stock.action_picking_tree_all")
        action.update(domain=[("fwo_order_id", "=", self.id)], context={"create": False})
        return action

    @rpc_checked
    def action_view_stock_moves(self):
        self.ensure_one()
        self._check_stock_user()
        action = self.env["ir.actions.act_window"]._for_xml_id("stock.stock_move_action")
        action.update(domain=[("fwo_order_id", "=", self.id)], context={"create": False})
        return action

    @rpc_checked
    def action_return_unused(self):
        """Send the prepared parts the job did not use back from the van to the warehouse.

        Creates a reserved internal transfer (van -> warehouse stock) per order
        for what the done preparations brought minus what was used and what is
        already on its way back.
        """
        self._check_state(("done", "verified", "cancelled"), self.env._("return the unused parts of"))
        self._check_dispatcher(self.env._("return the unused parts of"))
        Picking = self._stock_sudo("stock.picking")
        known = Picking.search([
            ("fwo_order_id", "in", self.ids), ("state", "!=", "cancel"),
            "|", "&", ("fwo_purpose", "=", "prepare"), ("state", "=", "done"),
            ("fwo_purpose", "=", "return"),
        ])
        vals_list = []
        for order in self:
            left = defaultdict(float)
            for picking in known.filtered(lambda p, o=order: p.fwo_order_id == o):
                sign = 1 if picking.fwo_purpose == "prepare" else -1
                for move in picking.move_ids.filtered(
                    lambda m, o=order: m.state != "cancel"
                    and o.location_id in (m.location_id | m.location_dest_id)
                ):
                    left[move.product_id] += sign * move.product_uom._compute_quantity(
                        move.quantity if move.state == "done" else move.product_uom_qty,
                        move.product_id.uom_id,
                    )
            for line in order.material_ids:
                left[line.product_id] -= line.product_uom_id._compute_quantity(
                    line.quantity_used, line.product_id.uom_id
                )
            products = [
                p for p, qty in left.items()
                if p.is_storable and float_compare(qty, 0, precision_rounding=p.uom_id.rounding) > 0
            ]
            warehouse = order.location_id.warehouse_id
            if not products or not warehouse or order.location_id == warehouse.lot_stock_id:
                continue
            vals_list.append(order._stock_picking_vals(
                "return", warehouse.int_type_id, order.location_id, warehouse.lot_stock_id,
                [(product, left[product], product.uom_id, False) for product in products],
            ))
        if not vals_list:
            raise UserError(self.env._(
                "%(orders)s: no prepared part is left to return (nothing was brought to a van "
                "beyond what was used or already sent back).",
                orders=", ".join(self.mapped("name")),
            ))
        pickings = Picking.create(vals_list)
        pickings.action_confirm()
        pickings.action_assign()
        for picking in pickings:
            picking.fwo_order_id.message_post(body=self.env._(
                "Unused parts sent back to the warehouse: %(picking)s.", picking=picking.name,
            ))
        return True

    def _stock_sudo(self, model):
        """Inventory model ``model`` (pickings, moves, move lines) with the rights to write this order's stock.

        The one place work orders bypass access rights. Technicians and
        dispatchers have no Inventory rights, yet scheduling, completing or
        cancelling an order, or returning its unused parts, creates, validates
        or cancels its pickings and moves. Only called after the transition or
        action checked that the user may act on these orders, and only to
        read and write those orders' own pickings and moves.

        As the superuser rather than ``sudo()``: valuing a move out of an
        average-cost product reads the stock with ``sudo(False)``
        (stock_account), which a technician would be refused.
        """
        return self.env[model].with_user(SUPERUSER_ID)

    def _stock_customer_location(self):
        self.ensure_one()
        return (
            self.partner_id.with_company(self.company_id).property_stock_customer
            or self.env.ref("stock.stock_location_customers")
        )

    def _stock_picking_vals(self, purpose, picking_type, source, destination, lines):
        """Values of a picking of this order; ``lines``: (product, qty, uom, material line)."""
        self.ensure_one()
        return {
            "picking_type_id": picking_type.id,
            "location_id": source.id,
            "location_dest_id": destination.id,
            "partner_id": self.service_partner_id.id,
            "origin": self.name,
            "company_id": self.company_id.id,
            "fwo_order_id": self.id,
            "fwo_purpose": purpose,
            "move_ids": [Command.create({
                "name": self.name,
                "product_id": product.id,
                "product_uom_qty": qty,
                "product_uom": uom.id,
                "location_id": source.id,
                "location_dest_id": destination.id,
                "company_id": self.company_id.id,
                "fwo_material_id": line.id if line else False,
            }) for product, qty, uom, line in lines],
        }

    def _prepare_materials(self, materials=None):
        """Create, confirm and reserve a picking for the planned storable parts of each order.

        Source is a van (any internal location other than the warehouse
        stock): an internal transfer warehouse stock -> van, so the warehouse
        loads the van before the visit and the technician consumes from it.
        No van: a delivery warehouse stock -> customer, which reserves the
        parts at the warehouse; completion validates it with what was really
        used (if it was shipped ahead, completion sends back what was not used).
        ``materials``: only these lines (parts added later, e.g. approved extras).
        """
        warehouses = self.env["res.users"]._fwo_warehouses(self.company_id)
        vals_list = []
        for order in self:
            lines = order.material_ids.filtered(
                lambda m: m.product_id.is_storable and m.product_uom_qty > 0
                and (materials is None or m in materials)
            )
            warehouse = order.location_id.warehouse_id or warehouses.get(order.company_id)
            if not lines or not order.location_id or not warehouse:
                continue
            stock = warehouse.lot_stock_id
            if order.location_id == stock:
                picking_type, destination = warehouse.out_type_id, order._stock_customer_location()
            else:
                picking_type, destination = warehouse.int_type_id, order.location_id
            vals_list.append(order._stock_picking_vals(
                "prepare", picking_type, stock, destination,
                [(line.product_id, line.product_uom_qty, line.product_uom_id, line)
                 for line in lines],
            ))
        if vals_list:
            pickings = self._stock_sudo("stock.picking").create(vals_list)
            pickings.action_confirm()
            pickings.action_assign()
        return True

    def _open_preparations(self):
        """The orders' preparation transfers not done or cancelled yet."""
        return self._stock_sudo("stock.picking").search([
            ("fwo_order_id", "in", self.ids), ("fwo_purpose", "=", "prepare"),
            ("state", "not in", ("done", "cancel")),
        ])

    def _cancel_preparations(self):
        """Cancel the preparations not done yet: the job will not happen."""
        self._open_preparations().action_cancel()
        return True

    def _plan_consumption(self):
        """Check the used parts and return the moves completing the orders will make.

        Raises before anything is written: a tracked part without a lot or
        serial number, a serial number used more than once, or (company
        setting ``block``) more used than the source location holds.
        Returns [(order, material line, product, lot, quantity in the
        product's unit)], a negative quantity giving parts back from the
        customer: the customer must end up holding exactly what was used,
        whatever earlier completions or deliveries already moved.
        """
        used, line_of = defaultdict(float), {}
        for order in self:
            for line in order.material_ids.filtered(
                lambda m: m.quantity_used > 0 and m.product_id.type == "consu"
            ):
                product = line.product_id
                if product.tracking != "none" and not line.lot_id:
                    raise UserError(self.env._(
                        "%(order)s: %(product)s is tracked: enter the lot or serial number of "
                        "the part used.", order=order.name, product=product.display_name,
                    ))
                key = (order, product, line.lot_id)
                used[key] += line.product_uom_id._compute_quantity(
                    line.quantity_used, product.uom_id
                )
                line_of.setdefault(key, line)
                if not order.location_id:
                    raise UserError(self.env._(
                        "%(order)s: choose where the parts are taken from (Parts From) before "
                        "completing it.", order=order.name,
                    ))
        for (order, product, _lot), qty in used.items():
            if product.tracking == "serial" and float_compare(
                qty, 1, precision_rounding=product.uom_id.rounding
            ) > 0:
                raise UserError(self.env._(
                    "%(order)s: %(product)s is tracked by serial number: one line per serial "
                    "number, each with a quantity of 1.",
                    order=order.name, product=product.display_name,
                ))

        consumed = defaultdict(float)
        done = self._stock_sudo("stock.move").search([
            ("state", "=", "done"),
            "|", ("fwo_order_id", "in", self.ids), ("picking_id.fwo_order_id", "in", self.ids),
        ])
        for move_line in done.move_line_ids:
            move = move_line.move_id
            sign = (move_line.location_dest_id.usage == "customer") - (
                move_line.location_id.usage == "customer"
            )
            if sign:
                order = move.fwo_order_id or move.picking_id.fwo_order_id
                key = (order, move_line.product_id, move_line.lot_id)
                consumed[key] += sign * move_line.quantity_product_uom

        plan = []
        for key in {**used, **consumed}:
            order, product, lot = key
            qty = used.get(key, 0.0) - consumed.get(key, 0.0)
            if not float_is_zero(qty, precision_rounding=product.uom_id.rounding):
                plan.append((order, line_of.get(key, order.material_ids.browse()), product, lot, qty))
        self._check_stock_available(plan)
        return plan

    def _check_stock_available(self, plan):
        """Refuse a plan taking more than its source holds, for companies that block it."""
        to_check = [
            (order, product, lot, qty) for order, _line, product, lot, qty in plan
            if qty > 0 and product.is_storable and order.company_id.fwo_stock_shortage == "block"
        ]
        if not to_check:
            return
        orders = self.browse([order.id for order, *_rest in to_check])
        groups = self.env["stock.quant"]._read_group(
            [
                ("product_id", "in", [product.id for _o, product, *_rest in to_check]),
                ("location_id", "child_of", orders.location_id.ids),
            ],
            ["location_id", "product_id", "lot_id"], ["quantity:sum", "reserved_quantity:sum"],
        )
        # Parts this order reserved itself (an open delivery from the source) are
        # released at completion: they count as available.
        own = self._stock_sudo("stock.move.line").search([
            ("move_id.picking_id.fwo_order_id", "in", orders.ids),
            ("move_id.picking_id.fwo_purpose", "=", "prepare"),
            ("state", "not in", ("done", "cancel")),
            ("location_id", "child_of", orders.location_id.ids),
        ])
        for order, product, lot, qty in to_check:
            source = order.location_id
            available = sum(
                quantity - reserved
                for location, group_product, group_lot, quantity, reserved in groups
                if group_product == product and (group_lot == lot or not lot)
                and location.parent_path.startswith(source.parent_path)
            ) + sum(
                own.filtered(
                    lambda ml, o=order, p=product, lo=lot: ml.move_id.picking_id.fwo_order_id == o
                    and ml.product_id == p and (ml.lot_id == lo or not lo)
                    and ml.location_id.parent_path.startswith(o.location_id.parent_path)
                ).mapped("quantity_product_uom")
            )
            if float_compare(qty, available, precision_rounding=product.uom_id.rounding) > 0:
                raise UserError(self.env._(
                    "%(order)s cannot be completed: %(used)s %(uom)s of %(product)s used, but "
                    "%(location)s has only %(available)s %(uom)s available. Correct the used "
                    "quantity or ask a dispatcher to take the parts from another location.",
                    order=order.name, product=product.display_name + (
                        f" ({lot.name})" if lot else ""
                    ),
                    used=formatLang(self.env, qty, dp="Product Unit of Measure"),
                    available=formatLang(self.env, available, dp="Product Unit of Measure"),
                    uom=product.uom_id.name, location=source.display_name,
                ))

    def _consume_materials(self, plan):
        """Move and validate the used parts of a plan from ``_plan_consumption``.

        An order's open delivery from its own source (no van) is the
        consumption, as a sale's delivery or a repair's moves are: its moves
        take the used quantities and lots, parts used but not planned join it,
        and it is validated without backorder, so the unused demand is
        cancelled and its reservation released (the warehouse keeps those
        parts). A delivery nothing was used from is cancelled. Any other open
        preparation (loading a van that did not happen) is cancelled; the
        rest of the plan (from a van, parts given back after a rework) is
        new validated moves.
        """
        preparations = self._open_preparations()
        deliveries = preparations.filtered(
            lambda p: p.location_id == p.fwo_order_id.location_id
            and p.location_dest_id == p.fwo_order_id._stock_customer_location()
        ).sorted("id")
        (preparations - deliveries).action_cancel()
        deliveries_of = defaultdict(lambda: deliveries.browse())
        for picking in deliveries:
            deliveries_of[picking.fwo_order_id] |= picking
        used_in = defaultdict(lambda: defaultdict(float))  # planned move -> lot -> quantity
        vals_list = []
        for order, line, product, lot, qty in plan:
            pickings = deliveries_of[order] if qty > 0 else deliveries.browse()
            planned = pickings.move_ids.filtered(
                lambda m, p=product: m.product_id == p and m.state not in ("done", "cancel")
            )
            move = (planned.filtered(lambda m, li=line: m.fwo_material_id == li) or planned)[:1]
            if move:
                used_in[move][lot] += qty
                continue
            vals_list.append(order._stock_move_vals(line, product, lot, qty, pickings[:1]))
        self._stock_set_used(used_in)
        if vals_list:
            moves = self._stock_sudo("stock.move").create(vals_list)
            (moves - moves.filtered("picking_id"))._action_done()
        used = deliveries.filtered(lambda p: any(m.picked for m in p.move_ids))
        (deliveries - used).action_cancel()
        used.with_context(cancel_backorder=True)._action_done()
        return True

    def _stock_move_vals(self, line, product, lot, qty, picking):
        """Values of a validated move of ``qty`` (negative: back from the customer) of ``product``.

        In ``picking`` (the order's open delivery) when given.
        """
        self.ensure_one()
        customer = self._stock_customer_location()
        source, destination = (self.location_id, customer) if qty > 0 else (customer, self.location_id)
        values = {
            "product_id": product.id,
            "location_id": source.id,
            "location_dest_id": destination.id,
            "company_id": self.company_id.id,
        }
        return {
            **values,
            "name": self.name,
            "origin": self.name,
            "picking_id": picking.id,
            "product_uom": product.uom_id.id,
            "product_uom_qty": abs(qty),
            "partner_id": self.service_partner_id.id,
            "fwo_order_id": self.id,
            "fwo_material_id": line.id,
            "picked": True,
            "move_line_ids": [Command.create({
                **values,
                "picking_id": picking.id,
                "product_uom_id": product.uom_id.id,
                "quantity": abs(qty),
                "lot_id": lot.id,
                "picked": True,
            })],
        }

    def _stock_set_used(self, used_in):
        """Give planned moves the used quantities: ``used_in`` {move: {lot: quantity in the product's unit}}.

        Reserved move lines of the right lot keep their line (quantity
        corrected), others are removed (reservation released), missing lots get
        a line; all are picked, and the moves become the orders' consumption.
        """
        MoveLine = self._stock_sudo("stock.move.line")
        stale = MoveLine.browse()
        changes, new_lines = [], []
        for move, lots in used_in.items():
            wanted = dict(lots)
            for move_line in move.move_line_ids:
                qty = wanted.pop(move_line.lot_id, None)
                if qty is None:
                    stale |= move_line
                    continue
                qty = move.product_id.uom_id._compute_quantity(qty, move_line.product_uom_id)
                if float_compare(qty, move_line.quantity, precision_rounding=move_line.product_uom_id.rounding):
                    changes.append((move_line, qty))
            new_lines += [{
                "move_id": move.id,
                "picking_id": move.picking_id.id,
                "product_id": move.product_id.id,
                "product_uom_id": move.product_id.uom_id.id,
                "location_id": move.location_id.id,
                "location_dest_id": move.location_dest_id.id,
                "company_id": move.company_id.id,
                "lot_id": lot.id,
                "quantity": qty,
                "picked": True,
            } for lot, qty in wanted.items()]
        stale.unlink()
        for move_line, qty in changes:
            move_line.quantity = qty
        moves = self._stock_sudo("stock.move").concat(*used_in)
        # Picked through the lines in one write: picking each move writes its lines one move at a time.
        (moves.move_line_ids - stale).write({"picked": True})
        MoveLine.create(new_lines)
        for order in moves.picking_id.fwo_order_id:
            moves.filtered(lambda m, o=order: m.picking_id.fwo_order_id == o).fwo_order_id = order
