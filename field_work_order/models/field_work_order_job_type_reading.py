from odoo import api, fields, models
from odoo.exceptions import ValidationError


class FieldWorkOrderJobTypeReading(models.Model):
    """A measurement each visit of a job type records per unit, with its expected range."""

    _name = "field.work.order.job.type.reading"
    _description = "Job Type Measurement"
    _order = "job_type_id, sequence, id"

    job_type_id = fields.Many2one(
        "field.work.order.job.type", required=True, ondelete="cascade", index=True
    )
    sequence = fields.Integer(default=10)
    name = fields.Char(string="Measurement", required=True, translate=True)
    uom = fields.Char(string="Unit of Measure", help='For example "psi" or "°C".')
    min_value = fields.Float(string="Expected Minimum", digits=(16, 2))
    max_value = fields.Float(string="Expected Maximum", digits=(16, 2))
    has_range = fields.Boolean(
        string="Check Range", default=True,
        help="Values outside the expected range are flagged on the job, the report and to the "
        "dispatcher.",
    )

    @api.constrains("min_value", "max_value", "has_range")
    def _check_range(self):
        for definition in self:
            if definition.has_range and definition.min_value > definition.max_value:
                raise ValidationError(self.env._(
                    "%(name)s: the expected minimum is above the expected maximum.",
                    name=definition.name,
                ))
