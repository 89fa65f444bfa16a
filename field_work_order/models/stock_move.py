from odoo import fields, models


class StockMove(models.Model):
    _inherit = "stock.move"

    fwo_order_id = fields.Many2one(
        "field.work.order", string="Consumed by Work Order", index="btree_not_null",
        readonly=True, copy=False, check_company=True,
        help="Parts used on this work order (or given back when a used quantity was lowered).",
    )
    fwo_material_id = fields.Many2one(
        "field.work.order.material", string="Work Order Material", index="btree_not_null",
        readonly=True, copy=False,
    )
