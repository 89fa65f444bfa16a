from odoo import fields, models


class FieldWorkOrderJobTypeOption(models.Model):
    """A ready-made quote option of a job type (e.g. Repair, Replace): its products and quantities.

    The price book a technician quotes from on site; the prices are never stored
    here: each customer's pricelist and fiscal position set them when quoted.
    """

    _name = "field.work.order.job.type.option"
    _description = "Job Type Price Book Option"
    _order = "job_type_id, sequence, id"
    _check_company_auto = True

    name = fields.Char(required=True, translate=True, help="What the customer chooses, e.g. Replace.")
    sequence = fields.Integer(default=10)
    job_type_id = fields.Many2one(
        "field.work.order.job.type", string="Job Type", required=True, index=True,
        ondelete="cascade",
    )
    company_id = fields.Many2one(related="job_type_id.company_id", store=True)
    line_ids = fields.One2many(
        "field.work.order.job.type.option.line", "option_id", string="Lines", copy=True,
    )
