from odoo import models


class IrHttp(models.AbstractModel):
    _inherit = "ir.http"

    def session_info(self):
        """The Technician App is the home action of technicians who have none of their own.

        So /odoo opens the app for them, as their login does; an administrator
        can still give a technician another Home Action on their user form.
        """
        info = super().session_info()
        user = self.env.user
        if (
            not info.get("home_action_id")
            and user.has_group("field_work_order.group_technician")
            and not user.has_group("field_work_order.group_dispatcher")
        ):
            info["home_action_id"] = self.env.ref("field_work_order_mobile.action_field_service_app").id
        return info
