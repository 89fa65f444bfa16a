from odoo import api, fields, models
from odoo.exceptions import ValidationError


class FieldWorkOrderJobTypeOptionLine(models.Model):
    """A product and its quantity in a price book option; priced per customer when quoted."""

    _name = "field.work.order.job.type.option.line"
    _description = "Job Type Price Book Line"
    _order = "option_id, sequence, id"
    _check_company_auto = True

    option_id = fields.Many2one(
        "field.work.order.job.type.option", string="Option", required=True, index=True,
        ondelete="cascade",
    )
    company_id = fields.Many2one(related="option_id.company_id", store=True)
    sequence = fields.Integer(default=10)
    product_id = fields.Many2one(
        "product.product", string="Product", required=True, check_company=True,
        domain="[('sale_ok', '=', True)]",
    )
    quantity = fields.Float(default=1.0, digits="Product Unit of Measure", required=True)

    @api.depends("product_id", "quantity")
    def _compute_display_name(self):
        """The job type's Price Book tab lists an option's lines as tags: quantity and product."""
        for line in self:
            quantity = f"{line.quantity:g}"
            line.display_name = self.env._(
                "%(quantity)s × %(product)s", quantity=quantity, product=line.product_id.display_name or "",
            )

    @api.constrains("quantity")
    def _check_quantity(self):
        for line in self:
            if line.quantity <= 0:
                raise ValidationError(self.env._(
                    "%(product)s: a price book line needs a quantity above zero.",
                    product=line.product_id.display_name,
                ))
