from odoo import api, models

from odoo.addons.field_work_order.models.field_work_order import OPEN_STATES


class FieldWorkOrderJobTypeOption(models.Model):
    """A changed price book reaches the phones: the open orders of its job types are pulled again."""

    _inherit = "field.work.order.job.type.option"

    @api.model
    def _sync_touch_job_types(self, job_types):
        """Stamp the open orders of ``job_types`` the caller can see (one search, one update)."""
        if job_types:
            self.env["field.work.order"].search([
                ("job_type_id", "in", job_types.ids), ("state", "in", OPEN_STATES),
            ])._sync_touch()

    @api.model_create_multi
    def create(self, vals_list):
        options = super().create(vals_list)
        self._sync_touch_job_types(options.job_type_id)
        return options

    def write(self, vals):
        job_types = self.job_type_id
        res = super().write(vals)
        self._sync_touch_job_types(job_types | self.job_type_id)
        return res

    def unlink(self):
        job_types = self.job_type_id
        res = super().unlink()
        self._sync_touch_job_types(job_types)
        return res
