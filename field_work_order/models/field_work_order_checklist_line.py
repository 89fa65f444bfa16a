from odoo import api, fields, models


class FieldWorkOrderChecklistLine(models.Model):
    """An item to do on the job; technicians tick it, dispatchers decide what is on the list."""

    _name = "field.work.order.checklist.line"
    _inherit = ["field.work.order.policy"]
    _description = "Work Order Checklist Item"
    _order = "sequence, id"
    _fwo_technician_fields = frozenset({"done"})

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
    equipment_id = fields.Many2one(
        "field.work.order.equipment", string="Equipment", index="btree_not_null", ondelete="set null",
        help="The unit this item is about, for items the job type repeats per unit.",
    )
    done_by = fields.Many2one("res.users", readonly=True)
    done_on = fields.Datetime(readonly=True)

    @api.model_create_multi
    def create(self, vals_list):
        self._fwo_check_dispatcher(self.env._("add checklist items"))
        for vals in self._fwo_vals_list(vals_list):
            self._fwo_check_write(vals)
        return super().create(vals_list)

    def write(self, vals):
        self._fwo_check_write(vals)
        if "done" in vals:
            if vals["done"]:
                vals = dict(vals, done_by=self.env.uid, done_on=self.env["field.work.order"]._now())
            else:
                vals = dict(vals, done_by=False, done_on=False)
        self.work_order_id._check_open_for_technicians()
        return super().write(vals)

    def unlink(self):
        self._fwo_check_dispatcher(self.env._("remove checklist items"))
        return super().unlink()
