from odoo import api, models

from .field_work_order_sync_line_mixin import wire_datetime


class FieldWorkOrderReading(models.Model):
    _name = "field.work.order.reading"
    _inherit = ["field.work.order.reading", "field.work.order.sync.line.mixin"]
    _sync_wire_fields = ("equipment_id", "name", "value", "uom", "min_value", "max_value",
                         "has_range", "out_of_range", "taken_on")

    @api.model
    def _sync_wire(self, rows):
        """The ``readings`` of a pulled order."""
        return [{
            "id": row["id"],
            "equipment_id": row["equipment_id"] or False,
            "name": row["name"],
            "value": float(row["value"] or 0),
            "uom": row["uom"] or False,
            "min_value": float(row["min_value"] or 0),
            "max_value": float(row["max_value"] or 0),
            "has_range": bool(row["has_range"]),
            "out_of_range": bool(row["out_of_range"]),
            "taken_on": wire_datetime(row["taken_on"]),
        } for row in rows]
