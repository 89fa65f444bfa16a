from odoo import models


class FieldWorkOrderPhoto(models.Model):
    _name = "field.work.order.photo"
    _inherit = ["field.work.order.photo", "field.work.order.sync.line.mixin"]
