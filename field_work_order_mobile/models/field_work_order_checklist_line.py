from odoo import models

from .field_work_order_sync_line_mixin import wire_datetime


class FieldWorkOrderChecklistLine(models.Model):
    _name = "field.work.order.checklist.line"
    _inherit = ["field.work.order.checklist.line", "field.work.order.sync.line.mixin"]
    _sync_wire_fields = ("name", "required", "done", "done_by", "done_on")

    def _sync_wire(self):
        """The ``checklist`` of a pulled order."""
        return [{
            "id": line.id,
            "name": line.name,
            "required": line.required,
            "done": line.done,
            "done_by": line.done_by.name or False,
            "done_on": wire_datetime(line.done_on),
        } for line in self]
