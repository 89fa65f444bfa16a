from odoo import models


class FieldWorkOrderLabor(models.Model):
    _name = "field.work.order.labor"
    _inherit = ["field.work.order.labor", "field.work.order.sync.line.mixin"]
