from odoo import models

from .field_work_order_sync_line_mixin import wire_datetime


class FieldWorkOrderLabor(models.Model):
    _name = "field.work.order.labor"
    _inherit = ["field.work.order.labor", "field.work.order.sync.line.mixin"]
    _sync_wire_fields = ("user_id", "date_start", "date_end", "duration", "description")

    def _sync_wire(self):
        """The ``labor`` of a pulled order."""
        return [{
            "id": line.id,
            "user_id": line.user_id.id,
            "user_name": line.user_id.name or "",
            "date_start": wire_datetime(line.date_start),
            "date_end": wire_datetime(line.date_end),
            "duration": line.duration,
            "description": line.description or False,
        } for line in self]
