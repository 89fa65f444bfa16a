from odoo import models


class FieldWorkOrderChecklistLine(models.Model):
    _name = "field.work.order.checklist.line"
    _inherit = ["field.work.order.checklist.line", "field.work.order.sync.line.mixin"]
