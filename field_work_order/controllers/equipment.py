"""The address a unit's QR label opens: each user on to their own screen of the unit."""

from odoo import http
from odoo.exceptions import AccessError
from odoo.http import request

APP_MODULE = "field_work_order_mobile"


class EquipmentLabel(http.Controller):

    @http.route("/fwo/equipment/<int:unit_id>", type="http", auth="user", methods=["GET"])
    def fwo_equipment(self, unit_id):
        """Customers go to the unit's portal page, technicians to the app (when installed),
        the office to the backend form; a unit the user cannot read is not found."""
        unit = request.env["field.work.order.equipment"].browse(unit_id).exists()
        try:
            unit.ensure_one()
            unit.check_access("read")
        except (AccessError, ValueError):
            raise request.not_found() from None
        user = request.env.user
        if user._is_portal():
            return request.redirect(f"/my/equipment/{unit.id}")
        if (user.has_group("field_work_order.group_technician")
                and not user.has_group("field_work_order.group_dispatcher")
                and APP_MODULE in request.env.registry._init_modules):
            return request.redirect(f"/field-service#/equipment/{unit.id}")
        return request.redirect(
            f"/odoo/action-field_work_order.field_work_order_equipment_action/{unit.id}"
        )
