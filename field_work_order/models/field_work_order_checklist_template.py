from odoo import fields, models


class FieldWorkOrderChecklistTemplate(models.Model):
    """A checklist item of a job type, copied onto each new order of that type."""

    _name = "field.work.order.checklist.template"
    _description = "Job Type Checklist Item"
    _order = "sequence, id"

    job_type_id = fields.Many2one(
        "field.work.order.job.type", required=True, ondelete="cascade", index=True
    )
    sequence = fields.Integer(default=10)
    name = fields.Char(string="Item", required=True, translate=True)
    required = fields.Boolean(help="The order cannot be completed until this item is done.")
    per_equipment = fields.Boolean(
        string="Per Unit", help="Each unit of the order gets its own item.",
    )
