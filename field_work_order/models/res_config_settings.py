from odoo import api, fields, models


class ResConfigSettings(models.TransientModel):
    _inherit = "res.config.settings"

    fwo_signature_required = fields.Boolean(
        related="company_id.fwo_signature_required", readonly=False
    )

    # Inventory
    fwo_stock_shortage = fields.Selection(related="company_id.fwo_stock_shortage", readonly=False)

    # Invoicing
    fwo_invoice_state = fields.Selection(related="company_id.fwo_invoice_state", readonly=False)
    fwo_invoice_at_completion = fields.Boolean(
        related="company_id.fwo_invoice_at_completion", readonly=False
    )
    fwo_onsite_journal_id = fields.Many2one(
        related="company_id.fwo_onsite_journal_id", readonly=False,
        domain="[('type', 'in', ('cash', 'bank')), ('company_id', '=', company_id)]",
    )
    fwo_labor_product_id = fields.Many2one(
        related="company_id.fwo_labor_product_id", readonly=False,
        domain="[('type', '=', 'service'), ('company_id', 'in', (company_id, False))]",
    )
    fwo_labor_increment = fields.Integer(related="company_id.fwo_labor_increment", readonly=False)
    fwo_labor_minimum = fields.Integer(related="company_id.fwo_labor_minimum", readonly=False)
    fwo_callout_product_id = fields.Many2one(
        related="company_id.fwo_callout_product_id", readonly=False,
        domain="[('type', '=', 'service'), ('sale_ok', '=', True), "
        "('company_id', 'in', (company_id, False))]",
    )

    # Reports
    fwo_send_report_on_done = fields.Boolean(
        related="company_id.fwo_send_report_on_done", readonly=False
    )
    fwo_first_fix_days = fields.Integer(related="company_id.fwo_first_fix_days", readonly=False)

    # Dispatch and routes
    fwo_road_factor = fields.Float(related="company_id.fwo_road_factor", readonly=False)
    fwo_average_speed = fields.Float(related="company_id.fwo_average_speed", readonly=False)
    fwo_maps_url = fields.Char(related="company_id.fwo_maps_url", readonly=False)

    # Customers by email
    fwo_alias_name = fields.Char(
        string="Work Order Intake Alias", compute="_compute_fwo_alias_name",
        inverse="_inverse_fwo_alias_name", readonly=False,
        help="Emails sent to this address become draft work orders.",
    )
    fwo_alias_domain_name = fields.Char(related="company_id.alias_domain_name")
    fwo_notify_request = fields.Boolean(related="company_id.fwo_notify_request", readonly=False)
    fwo_notify_scheduled = fields.Boolean(
        related="company_id.fwo_notify_scheduled", readonly=False
    )
    fwo_notify_on_way = fields.Boolean(related="company_id.fwo_notify_on_way", readonly=False)

    @api.depends("company_id.fwo_alias_id.alias_name")
    def _compute_fwo_alias_name(self):
        for settings in self:
            settings.fwo_alias_name = settings.company_id.fwo_alias_id.alias_name

    def _inverse_fwo_alias_name(self):
        for settings in self:
            if (settings.fwo_alias_name or False) != (settings.company_id.fwo_alias_id.alias_name or False):
                settings.company_id._fwo_set_alias_name(settings.fwo_alias_name)
