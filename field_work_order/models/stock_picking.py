from odoo import fields, models


class StockPicking(models.Model):
    _inherit = "stock.picking"

    fwo_order_id = fields.Many2one(
        "field.work.order", string="Work Order", index="btree_not_null", readonly=True,
        copy=False, check_company=True,
    )
    fwo_purpose = fields.Selection(
        [("prepare", "Preparation"), ("return", "Return of Unused Parts")],
        string="Work Order Purpose", readonly=True, copy=False,
        help="Preparation: the planned parts of the work order, brought to its source location "
        "or delivered to the customer.\nReturn: parts the job did not use, back to the warehouse.",
    )
