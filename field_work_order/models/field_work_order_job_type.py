from odoo import fields, models


class FieldWorkOrderJobType(models.Model):
    _name = "field.work.order.job.type"
    _description = "Work Order Job Type"
    _order = "sequence, name"

    name = fields.Char(required=True, translate=True)
    sequence = fields.Integer(default=10)
    active = fields.Boolean(default=True)
    company_id = fields.Many2one("res.company", default=lambda self: self.env.company)
    planned_hours = fields.Float(
        string="Planned Duration", default=1.0, help="Default length of the scheduled slot."
    )
    checklist_template_ids = fields.One2many(
        "field.work.order.checklist.template", "job_type_id", string="Checklist", copy=True
    )
    material_ids = fields.One2many(
        "field.work.order.job.type.material", "job_type_id", string="Default Materials", copy=True
    )
    color = fields.Integer()
