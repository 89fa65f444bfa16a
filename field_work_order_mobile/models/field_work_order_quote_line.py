from odoo import models


class FieldWorkOrderQuoteLine(models.Model):
    """A change of a quote's line is a change of its order for the sync (its quote is pulled again)."""

    _name = "field.work.order.quote.line"
    _inherit = ["field.work.order.quote.line", "field.work.order.sync.line.mixin"]
