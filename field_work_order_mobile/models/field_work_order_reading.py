from odoo import models

from .field_work_order_sync_line_mixin import wire_datetime


class FieldWorkOrderReading(models.Model):
    _name = "field.work.order.reading"
    _inherit = ["field.work.order.reading", "field.work.order.sync.line.mixin"]
    _sync_wire_fields = ("equipment_id", "name", "value", "uom", "min_value", "max_value",
                         "has_range", "out_of_range", "taken_on")

    def _sync_wire(self):
        """The ``readings`` of a pulled order."""
        return [{
            "id": reading.id,
            "equipment_id": reading.equipment_id.id,
            "name": reading.name,
            "value": reading.value,
            "uom": reading.uom or False,
            "min_value": reading.min_value,
            "max_value": reading.max_value,
            "has_range": reading.has_range,
            "out_of_range": reading.out_of_range,
            "taken_on": wire_datetime(reading.taken_on),
        } for reading in self]
