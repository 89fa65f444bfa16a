from odoo import api, models

from .field_work_order_sync_line_mixin import wire_datetime


class FieldWorkOrderChecklistLine(models.Model):
    _name = "field.work.order.checklist.line"
    _inherit = ["field.work.order.checklist.line", "field.work.order.sync.line.mixin"]
    _sync_wire_fields = ("name", "required", "done", "done_by", "done_on")

    @api.model
    def _sync_wire(self, rows):
        """The ``checklist`` of a pulled order."""
        users = {user.id: user.name for user in self.env["res.users"].browse(
            sorted({row["done_by"] for row in rows} - {None}))}
        return [{
            "id": row["id"],
            "name": row["name"],
            "required": bool(row["required"]),
            "done": bool(row["done"]),
            "done_by": users.get(row["done_by"]) or False,
            "done_on": wire_datetime(row["done_on"]),
        } for row in rows]
