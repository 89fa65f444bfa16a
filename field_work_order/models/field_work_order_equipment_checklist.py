from odoo import api, models

from .field_work_order import CLOSED_STATES


class FieldWorkOrder(models.Model):
    """Checklist items per unit: a job type's item marked per unit is done on each unit."""

    _inherit = "field.work.order"

    @api.model
    def _fwo_unit_checklist_vals(self, item, unit):
        """The checklist line of the template ``item`` for ``unit``."""
        return {
            "name": self.env._("%(item)s — %(unit)s", item=item.name, unit=unit.name),
            "required": item.required,
            "sequence": item.sequence,
            "equipment_id": unit.id,
        }

    @api.model_create_multi
    def create(self, vals_list):
        orders = super().create(vals_list)
        orders._fwo_add_unit_checklist({order: order.equipment_ids for order in orders})
        return orders

    def write(self, vals):
        before = {order: order.equipment_ids for order in self} if "equipment_ids" in vals else None
        res = super().write(vals)
        if before is not None:
            self._fwo_add_unit_checklist({order: order.equipment_ids - before[order] for order in self})
        return res

    def _fwo_add_unit_checklist(self, units_by_order):
        """Give the units new on each order the per-unit items of its job type, once each.

        An item already on the order for the unit (same unit, same text) is not
        added again; finished and cancelled orders get nothing new to do.
        """
        vals_list = []
        for order, units in units_by_order.items():
            if not units or order.state in (*CLOSED_STATES, "cancelled"):
                continue
            items = order.job_type_id.checklist_template_ids.filtered("per_equipment")
            if not items:
                continue
            existing = {
                (line.equipment_id.id, line.name) for line in order.checklist_ids if line.equipment_id
            }
            for unit in units:
                for item in items:
                    vals = self._fwo_unit_checklist_vals(item, unit)
                    if (unit.id, vals["name"]) not in existing:
                        vals_list.append(dict(vals, work_order_id=order.id))
        if vals_list:
            self.env["field.work.order.checklist.line"].create(vals_list)
