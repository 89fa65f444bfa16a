from odoo import api, models

from odoo.addons.field_work_order.models.field_work_order import OPEN_STATES


class FieldWorkOrderEquipment(models.Model):
    """A unit's change is a change of the open orders at its site for the sync.

    The pull carries the units of each order's site (docs/sync.md, "Equipment"):
    the open orders that carry a unit are stamped when it is added or changed, so the
    technicians' phones get the new copy with the next pull.
    """

    _inherit = "field.work.order.equipment"

    @api.model_create_multi
    def create(self, vals_list):
        units = super().create(vals_list)
        units._sync_touch_orders()
        return units

    def write(self, vals):
        sites = self.service_partner_id
        res = super().write(vals)
        self._sync_touch_orders(sites)
        return res

    def _sync_touch_orders(self, sites=None):
        """Stamp the open orders at the units' sites (and ``sites``) and the orders naming them.

        Bookkeeping of the sync, one search whoever the writer is: the writer's own
        rights were checked by the write itself.
        """
        if not self:
            return
        sites = (sites or self.env["res.partner"]) | self.service_partner_id
        orders = self.env["field.work.order"].sudo().search([
            ("state", "in", OPEN_STATES),
            "|", ("service_partner_id", "in", sites.ids), ("equipment_ids", "in", self.ids),
        ])
        orders._sync_touch()
