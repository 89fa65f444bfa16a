from odoo import api, fields, models
from odoo.exceptions import AccessError


class FieldWorkOrderPhoto(models.Model):
    _name = "field.work.order.photo"
    _inherit = ["field.work.order.policy"]
    _description = "Work Order Photo"
    _order = "taken_on, id"
    # Technicians add photos and edit or remove the ones they took (``_check_own_photos``).
    _fwo_technician_fields = frozenset({
        "work_order_id", "kind", "image", "taken_on", "note", "equipment_id",
    })

    work_order_id = fields.Many2one(
        "field.work.order", string="Work Order", required=True, ondelete="cascade", index=True
    )
    company_id = fields.Many2one(
        related="work_order_id.company_id", store=True, index=True, precompute=True
    )
    kind = fields.Selection(
        [("before", "Before"), ("after", "After"), ("other", "Other")],
        required=True, default="other",
    )
    image = fields.Image(required=True, max_width=1920, max_height=1920)
    taken_on = fields.Datetime(required=True, default=fields.Datetime.now)
    note = fields.Char()
    equipment_id = fields.Many2one(
        "field.work.order.equipment", string="Equipment", index="btree_not_null", ondelete="set null",
        help="The customer's unit the photo shows.",
    )

    @api.model_create_multi
    def create(self, vals_list):
        for vals in self._fwo_vals_list(vals_list):
            self._fwo_check_write(vals)
        photos = super().create(vals_list)
        photos._check_taken_on()
        return photos

    def write(self, vals):
        self._fwo_check_write(vals)
        self._check_own_photos(self.env._("change photos someone else took"))
        res = super().write(vals)
        if "taken_on" in vals:
            self._check_taken_on()
        return res

    def unlink(self):
        self._check_own_photos(self.env._("remove photos someone else took"))
        return super().unlink()

    def _check_own_photos(self, what):
        if self._fwo_restricted() and any(p.create_uid != self.env.user for p in self):
            raise AccessError(self.env._("Only a dispatcher can %(what)s.", what=what))

    def _check_taken_on(self):
        """When a photo was taken is a device time: checked like a phone's (see the order)."""
        if self._fwo_restricted():
            for photo in self:
                photo.work_order_id._check_device_time(photo.taken_on, self.env._("The photo time"))
