from odoo import fields, models


class ResConfigSettings(models.TransientModel):
    _inherit = "res.config.settings"

    fwo_signature_required = fields.Boolean(
        related="company_id.fwo_signature_required", readonly=False
    )

    # Inventory
    fwo_stock_shortage = fields.Selection(related="company_id.fwo_stock_shortage", readonly=False)

    # Invoicing
    fwo_invoice_state = fields.Selection(related="company_id.fwo_invoice_state", readonly=False)
    fwo_labor_product_id = fields.Many2one(
        related="company_id.fwo_labor_product_id", readonly=False,
        domain="[('type', '=', 'service'), ('company_id', 'in', (company_id, False))]",
    )

    # Reports
    fwo_send_report_on_done = fields.Boolean(
        related="company_id.fwo_send_report_on_done", readonly=False
    )
    fwo_first_fix_days = fields.Integer(related="company_id.fwo_first_fix_days", readonly=False)
