from odoo import fields, models


class ResConfigSettings(models.TransientModel):
    _inherit = "res.config.settings"

    fwo_signature_required = fields.Boolean(
        related="company_id.fwo_signature_required", readonly=False
    )
