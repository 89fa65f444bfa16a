from odoo import fields, models


class ResConfigSettings(models.TransientModel):
    _inherit = "res.config.settings"

    fwo_sync_photo_max_mb = fields.Integer(
        string="Largest Synced Photo (MB)", default=10,
        config_parameter="field_work_order_mobile.photo_max_mb",
        help="Photos and signatures pushed by the technicians' app larger than this are refused.",
    )
