from odoo import api, models

from .field_work_order_sync_line_mixin import wire_datetime


class FieldWorkOrderLabor(models.Model):
    _name = "field.work.order.labor"
    _inherit = ["field.work.order.labor", "field.work.order.sync.line.mixin"]
    _sync_wire_fields = ("user_id", "date_start", "date_end", "duration", "description")

    @api.model
    def _sync_wire(self, rows):
        """The ``labor`` of a pulled order."""
        users = {user.id: user.name for user in self.env["res.users"].browse(
            sorted({row["user_id"] for row in rows} - {None}))}
        return [{
            "id": row["id"],
            "user_id": row["user_id"] or False,
            "user_name": users.get(row["user_id"]) or "",
            "date_start": wire_datetime(row["date_start"]),
            "date_end": wire_datetime(row["date_end"]),
            "duration": float(row["duration"] or 0),
            "description": row["description"] or False,
        } for row in rows]
