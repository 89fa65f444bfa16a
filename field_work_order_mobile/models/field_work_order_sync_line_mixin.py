from odoo import api, models


class FieldWorkOrderSyncLineMixin(models.AbstractModel):
    """Every change of a work order line is a change of its order for the sync.

    Mixed into the line models (materials, labor, checklist, photos): each
    create/write/unlink stamps the orders concerned with one SQL update.
    """

    _name = "field.work.order.sync.line.mixin"
    _description = "Work Order Line Sync Stamp"

    @api.model_create_multi
    def create(self, vals_list):
        lines = super().create(vals_list)
        lines.work_order_id._sync_touch()
        return lines

    def write(self, vals):
        orders = self.work_order_id
        res = super().write(vals)
        if "work_order_id" in vals:
            orders |= self.work_order_id
        orders._sync_touch()
        return res

    def unlink(self):
        orders = self.work_order_id
        res = super().unlink()
        orders._sync_touch()
        return res
