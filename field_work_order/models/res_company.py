from odoo import fields, models


class ResCompany(models.Model):
    _inherit = "res.company"

    fwo_signature_required = fields.Boolean(
        string="Signature Required to Complete",
        help="Work orders cannot be completed without the customer's signature.",
    )
