from odoo import fields, models


class FieldWorkOrderRework(models.TransientModel):
    """Asks the dispatcher why the work failed verification."""

    _name = "field.work.order.rework"
    _description = "Send Work Order Back for Rework"

    work_order_ids = fields.Many2many("field.work.order", required=True)
    reason = fields.Text(required=True)

    def action_confirm(self):
        self.work_order_ids.action_rework(self.reason)
        return {"type": "ir.actions.act_window_close"}
