from odoo import fields, models


class FieldWorkOrderChecklistLine(models.Model):
    _name = "field.work.order.checklist.line"
    _description = "Work Order Checklist Item"
    _order = "sequence, id"

    work_order_id = fields.Many2one(
        "field.work.order", string="Work Order", required=True, ondelete="cascade", index=True
    )
    company_id = fields.Many2one(
        related="work_order_id.company_id", store=True, index=True, precompute=True
    )
    sequence = fields.Integer(default=10)
    name = fields.Char(string="Item", required=True)
    required = fields.Boolean(help="The order cannot be completed until this item is done.")
    done = fields.Boolean()
    done_by = fields.Many2one("res.users", readonly=True)
    done_on = fields.Datetime(readonly=True)

    def write(self, vals):
        if "done" in vals:
            if vals["done"]:
                now = fields.Datetime.to_datetime(self.env.context.get("fwo_at")) or fields.Datetime.now()
                vals = dict(vals, done_by=self.env.user.id, done_on=now)
            else:
                vals = dict(vals, done_by=False, done_on=False)
        return super().write(vals)
