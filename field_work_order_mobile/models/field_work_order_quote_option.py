from odoo import models


class FieldWorkOrderQuoteOption(models.Model):
    """A change of a quote's option is a change of its order for the sync (its quote is pulled again)."""

    _name = "field.work.order.quote.option"
    _inherit = ["field.work.order.quote.option", "field.work.order.sync.line.mixin"]
