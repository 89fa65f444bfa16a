from odoo import api, models


class FieldWorkOrderJobTypeOptionLine(models.Model):
    """A changed line of a price book is a changed price book (see the option)."""

    _inherit = "field.work.order.job.type.option.line"

    @api.model_create_multi
    def create(self, vals_list):
        lines = super().create(vals_list)
        lines.option_id._sync_touch_job_types(lines.option_id.job_type_id)
        return lines

    def write(self, vals):
        job_types = self.option_id.job_type_id
        res = super().write(vals)
        self.option_id._sync_touch_job_types(job_types | self.option_id.job_type_id)
        return res

    def unlink(self):
        job_types = self.option_id.job_type_id
        res = super().unlink()
        self.env["field.work.order.job.type.option"]._sync_touch_job_types(job_types)
        return res
