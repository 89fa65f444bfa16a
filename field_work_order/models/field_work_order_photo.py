from odoo import fields, models


class FieldWorkOrderPhoto(models.Model):
    _name = "field.work.order.photo"
    _description = "Work Order Photo"
    _order = "taken_on, id"

    work_order_id = fields.Many2one(
        "field.work.order", string="Work Order", required=True, ondelete="cascade", index=True
    )
    company_id = fields.Many2one(
        related="work_order_id.company_id", store=True, index=True, precompute=True
    )
    kind = fields.Selection(
        [("before", "Before"), ("after", "After"), ("other", "Other")],
        required=True, default="other",
    )
    image = fields.Image(required=True, max_width=1920, max_height=1920)
    taken_on = fields.Datetime(required=True, default=fields.Datetime.now)
    note = fields.Char()
