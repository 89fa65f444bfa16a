from odoo import api, fields, models
from odoo.exceptions import ValidationError

from .field_work_order_quote import MAX_OPTIONS


class FieldWorkOrderQuoteOption(models.Model):
    """One choice offered by a quote (e.g. Repair, Replace): lines and their totals."""

    _name = "field.work.order.quote.option"
    _inherit = ["field.work.order.policy"]
    _description = "Work Order Quote Option"
    _order = "quote_id, sequence, id"
    _check_company_auto = True
    _fwo_technician_fields = frozenset({"quote_id", "name", "sequence", "line_ids"})

    quote_id = fields.Many2one(
        "field.work.order.quote", string="Quote", required=True, index=True, ondelete="cascade",
    )
    work_order_id = fields.Many2one(
        related="quote_id.work_order_id", store=True, index=True, precompute=True,
    )
    company_id = fields.Many2one(related="quote_id.company_id", store=True, precompute=True)
    currency_id = fields.Many2one(related="quote_id.currency_id")
    name = fields.Char(required=True, help="What the customer chooses, e.g. Repair or Replace.")
    sequence = fields.Integer(default=10)
    line_ids = fields.One2many(
        "field.work.order.quote.line", "option_id", string="Lines", copy=True,
    )
    amount_untaxed = fields.Monetary(
        string="Untaxed Amount", compute="_compute_amounts", store=True,
        currency_field="currency_id",
    )
    amount_tax = fields.Monetary(
        string="Taxes", compute="_compute_amounts", store=True, currency_field="currency_id",
    )
    amount_total = fields.Monetary(
        string="Total", compute="_compute_amounts", store=True, currency_field="currency_id",
    )

    @api.depends("line_ids.price_subtotal", "line_ids.price_total")
    def _compute_amounts(self):
        """Totals as an invoice of these lines adds them up (Odoo's tax summary)."""
        AccountTax = self.env["account.tax"]
        for option in self:
            company = option.company_id or self.env.company
            currency = option.currency_id or company.currency_id
            base_lines = [line._fwo_base_line() for line in option.line_ids]
            AccountTax._add_tax_details_in_base_lines(base_lines, company)
            AccountTax._round_base_lines_tax_details(base_lines, company)
            totals = AccountTax._get_tax_totals_summary(
                base_lines=base_lines, currency=currency, company=company,
            )
            option.amount_untaxed = totals["base_amount_currency"]
            option.amount_tax = totals["tax_amount_currency"]
            option.amount_total = totals["total_amount_currency"]

    @api.constrains("quote_id")
    def _check_option_count(self):
        for quote in self.quote_id:
            if len(quote.option_ids) > MAX_OPTIONS:
                raise ValidationError(self.env._(
                    "%(quote)s: a quote offers 1 to %(max)s options, not %(count)s.",
                    quote=quote.name, max=MAX_OPTIONS, count=len(quote.option_ids),
                ))

    @api.model_create_multi
    def create(self, vals_list):
        for vals in self._fwo_vals_list(vals_list):
            self._fwo_check_write(vals)
        self.env["field.work.order.quote"].browse(
            [vals["quote_id"] for vals in vals_list if vals.get("quote_id")]
        )._fwo_check_offered()
        return super().create(vals_list)

    def write(self, vals):
        self._fwo_check_write(vals)
        self.quote_id._fwo_check_offered()
        if "quote_id" in vals:
            self.quote_id.browse(vals["quote_id"])._fwo_check_offered()
        return super().write(vals)

    @api.ondelete(at_uninstall=False)
    def _unlink_except_answered(self):
        self.quote_id._fwo_check_offered()
