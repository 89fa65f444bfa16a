from odoo import api, models

from .field_work_order_sync_line_mixin import wire_datetime


class FieldWorkOrderPhoto(models.Model):
    _name = "field.work.order.photo"
    _inherit = ["field.work.order.photo", "field.work.order.sync.line.mixin"]
    _sync_wire_fields = ("kind", "taken_on", "note", "equipment_id")

    @api.model
    def _sync_wire(self, rows):
        """The ``photos`` of a pulled order: metadata, the bytes come from the url."""
        return [{
            "id": row["id"],
            "kind": row["kind"] or False,
            "taken_on": wire_datetime(row["taken_on"]),
            "note": row["note"] or False,
            "equipment_id": row["equipment_id"] or False,
            "url": f"/web/image/field.work.order.photo/{row['id']}/image",
        } for row in rows]
