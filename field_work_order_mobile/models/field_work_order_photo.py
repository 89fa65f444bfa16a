from odoo import models

from .field_work_order_sync_line_mixin import wire_datetime


class FieldWorkOrderPhoto(models.Model):
    _name = "field.work.order.photo"
    _inherit = ["field.work.order.photo", "field.work.order.sync.line.mixin"]
    _sync_wire_fields = ("kind", "taken_on", "note", "equipment_id")

    def _sync_wire(self):
        """The ``photos`` of a pulled order: metadata, the bytes come from the url."""
        return [{
            "id": photo.id,
            "kind": photo.kind,
            "taken_on": wire_datetime(photo.taken_on),
            "note": photo.note or False,
            "equipment_id": photo.equipment_id.id or False,
            "url": f"/web/image/field.work.order.photo/{photo.id}/image",
        } for photo in self]
