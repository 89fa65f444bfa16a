from odoo import api, fields, models
from odoo.exceptions import ValidationError


class FieldWorkOrderJobTypeMaterial(models.Model):
    """A material a job type usually needs, planned on each new order of that type."""

    _name = "field.work.order.job.type.material"
    _description = "Job Type Default Material"

    job_type_id = fields.Many2one(
        "field.work.order.job.type", required=True, ondelete="cascade", index=True
    )
    product_id = fields.Many2one("product.product", required=True)
    product_uom_qty = fields.Float(
        string="Quantity", default=1.0, digits="Product Unit of Measure"
    )

    @api.constrains("product_uom_qty")
    def _check_quantity(self):
        if any(line.product_uom_qty < 0 for line in self):
            raise ValidationError(self.env._("A default material quantity cannot be negative."))
