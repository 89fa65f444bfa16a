from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError, ValidationError


class FieldWorkOrderMaterial(models.Model):
    """A part for the job: planned ahead (required) and/or actually used."""

    _name = "field.work.order.material"
    _inherit = ["field.work.order.policy"]
    _description = "Work Order Material"
    _order = "work_order_id, id"
    _check_company_auto = True
    # Technicians log what they used; the product and unit only of lines nobody planned
    # (see ``_check_planned``): planned quantities are the dispatcher's.
    _fwo_technician_fields = frozenset({
        "work_order_id", "product_id", "product_uom_id", "quantity_used", "lot_id",
        "equipment_id",
    })

    work_order_id = fields.Many2one(
        "field.work.order", string="Work Order", required=True, ondelete="cascade", index=True
    )
    company_id = fields.Many2one(
        related="work_order_id.company_id", store=True, index=True, precompute=True
    )
    product_id = fields.Many2one(
        "product.product", string="Product", required=True, check_company=True,
        domain="[('type', '=', 'consu')]",
    )
    product_uom_qty = fields.Float(
        string="Planned", default=0.0, digits="Product Unit of Measure",
        help="Quantity required for the job, planned ahead.",
    )
    quantity_used = fields.Float(
        string="Used", default=0.0, digits="Product Unit of Measure",
        help="Quantity the technician actually used.",
    )
    product_uom_id = fields.Many2one(
        "uom.uom", string="Unit", compute="_compute_product_uom_id", store=True, readonly=False,
        precompute=True, domain="[('category_id', '=', product_uom_category_id)]",
    )
    product_uom_category_id = fields.Many2one(related="product_id.uom_id.category_id")
    tracking = fields.Selection(related="product_id.tracking")
    lot_id = fields.Many2one(
        "stock.lot", string="Lot/Serial Number", check_company=True,
        domain="[('product_id', '=', product_id)]",
    )
    equipment_id = fields.Many2one(
        "field.work.order.equipment", string="Equipment", index="btree_not_null", ondelete="set null",
        check_company=True, help="The customer's unit this part went into.",
    )
    move_ids = fields.One2many(
        "stock.move", "fwo_material_id", string="Stock Moves", readonly=True,
        groups="stock.group_stock_user",
        help="Preparation and consumption moves of this part.",
    )
    quote_line_id = fields.Many2one(
        "field.work.order.quote.line", string="Quote Line", readonly=True, index="btree_not_null",
        ondelete="set null",
        help="The approved quote line this part comes from: it is billed at the quoted price, "
        "under the quote, and not again as a part used.",
    )
    unit_cost = fields.Float(
        compute="_compute_unit_cost", store=True, digits="Product Price",
        help="Product cost per unit of this line when the line was recorded: later cost changes "
        "do not rewrite the cost of past jobs.",
    )
    cost = fields.Float(
        string="Material Cost", compute="_compute_cost", store=True, digits="Product Price",
        help="Quantity used x unit cost, in the company currency.",
    )

    @api.depends("product_id")
    def _compute_product_uom_id(self):
        for line in self:
            if not line.product_uom_id or line.product_uom_id.category_id != line.product_uom_category_id:
                line.product_uom_id = line.product_id.uom_id

    @api.depends("product_id", "product_uom_id")
    def _compute_unit_cost(self):
        for line in self:
            product = line.product_id.with_company(line.company_id or self.env.company)
            line.unit_cost = product.uom_id._compute_price(
                product.standard_price, line.product_uom_id or product.uom_id
            ) if product else 0.0

    @api.depends("quantity_used", "unit_cost")
    def _compute_cost(self):
        for line in self:
            line.cost = line.quantity_used * line.unit_cost

    @api.constrains("product_uom_qty", "quantity_used")
    def _check_quantities(self):
        for line in self:
            if line.product_uom_qty < 0 or line.quantity_used < 0:
                raise ValidationError(self.env._(
                    "%(order)s: the quantity of %(product)s cannot be negative.",
                    order=line.work_order_id.name, product=line.product_id.display_name,
                ))

    @api.model_create_multi
    def create(self, vals_list):
        for vals in self._fwo_vals_list(vals_list):
            self._fwo_check_write(vals)
        lines = super().create(vals_list)
        lines.work_order_id._check_open_for_technicians()
        return lines

    def write(self, vals):
        self._fwo_check_write(vals)
        self.work_order_id._check_open_for_technicians()
        if {"product_id", "product_uom_id", "work_order_id"}.intersection(vals):
            self._check_planned(self.env._("change the product or unit of a planned part"))
        if {"product_id", "product_uom_id", "work_order_id", "product_uom_qty"}.intersection(vals):
            self._check_quoted()
        return super().write(vals)

    def unlink(self):
        self.work_order_id._check_open_for_technicians()
        self._check_planned(self.env._("remove a planned part"))
        self._check_quoted()
        return super().unlink()

    def _check_quoted(self):
        """Approved extras keep the product and quantity the customer approved, whoever asks."""
        quoted = self.filtered("quote_line_id")
        if quoted:
            raise UserError(self.env._(
                "%(product)s was approved by the customer in %(quote)s: its product and planned "
                "quantity cannot change. Record the quantity used, or make a new quote.",
                product=quoted[0].product_id.display_name, quote=quoted[0].quote_line_id.quote_id.name,
            ))

    def _check_planned(self, what):
        """Refuse ``what`` to technicians on lines with a planned quantity."""
        if not self._fwo_restricted():
            return
        if any(line.product_uom_qty for line in self):
            raise AccessError(self.env._("Only a dispatcher can %(what)s.", what=what))

    @api.constrains("lot_id", "product_id")
    def _check_lot(self):
        for line in self:
            if line.lot_id and line.lot_id.product_id != line.product_id:
                raise ValidationError(self.env._(
                    "Lot %(lot)s belongs to %(lot_product)s, not to %(product)s.",
                    lot=line.lot_id.name, lot_product=line.lot_id.product_id.display_name,
                    product=line.product_id.display_name,
                ))
