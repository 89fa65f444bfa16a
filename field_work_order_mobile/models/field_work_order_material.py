from odoo import models


class FieldWorkOrderMaterial(models.Model):
    _name = "field.work.order.material"
    _inherit = ["field.work.order.material", "field.work.order.sync.line.mixin"]
