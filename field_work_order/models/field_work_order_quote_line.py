from odoo import api, fields, models
from odoo.exceptions import ValidationError


class FieldWorkOrderQuoteLine(models.Model):
    """A product or service of an option, priced for the order's customer when it is added."""

    _name = "field.work.order.quote.line"
    _inherit = ["field.work.order.policy"]
    _description = "Work Order Quote Line"
    _order = "option_id, sequence, id"
    _check_company_auto = True
    # Prices and taxes come from the customer's pricelist and fiscal position: a
    # technician picks products and quantities, a dispatcher may change a price.
    _fwo_technician_fields = frozenset({
        "option_id", "sequence", "product_id", "name", "quantity", "product_uom_id",
    })

    option_id = fields.Many2one(
        "field.work.order.quote.option", string="Option", required=True, index=True,
        ondelete="cascade",
    )
    quote_id = fields.Many2one(
        related="option_id.quote_id", store=True, index=True, precompute=True,
    )
    work_order_id = fields.Many2one(
        related="option_id.quote_id.work_order_id", store=True, index=True, precompute=True,
    )
    company_id = fields.Many2one(related="option_id.company_id", store=True, precompute=True)
    currency_id = fields.Many2one(related="option_id.quote_id.currency_id")
    sequence = fields.Integer(default=10)
    product_id = fields.Many2one(
        "product.product", string="Product", required=True, check_company=True,
        domain="[('sale_ok', '=', True)]",
    )
    product_type = fields.Selection(related="product_id.type")
    name = fields.Text(
        string="Description", compute="_compute_name", store=True, readonly=False,
        precompute=True,
    )
    quantity = fields.Float(default=1.0, digits="Product Unit of Measure", required=True)
    product_uom_id = fields.Many2one(
        "uom.uom", string="Unit", compute="_compute_product_uom_id", store=True, readonly=False,
        precompute=True, domain="[('category_id', '=', product_uom_category_id)]",
    )
    product_uom_category_id = fields.Many2one(related="product_id.uom_id.category_id")
    price_unit = fields.Float(
        string="Unit Price", digits="Product Price", compute="_compute_price_unit", store=True,
        readonly=False, precompute=True,
        help="The customer's pricelist price, in the quote's currency; the invoice bills it as is.",
    )
    tax_ids = fields.Many2many(
        "account.tax", string="Taxes", compute="_compute_tax_ids", store=True, readonly=False,
        precompute=True, check_company=True, domain="[('type_tax_use', '=', 'sale')]",
        help="The product's taxes, mapped by the customer's fiscal position.",
    )
    price_subtotal = fields.Monetary(
        string="Subtotal", compute="_compute_amount", store=True, currency_field="currency_id",
    )
    price_tax = fields.Monetary(
        string="Tax", compute="_compute_amount", store=True, currency_field="currency_id",
    )
    price_total = fields.Monetary(
        string="Total", compute="_compute_amount", store=True, currency_field="currency_id",
    )

    @api.depends("product_id")
    def _compute_name(self):
        for line in self:
            if line.product_id:
                line.name = line.product_id.get_product_multiline_description_sale()

    @api.depends("product_id")
    def _compute_product_uom_id(self):
        for line in self:
            if not line.product_uom_id or line.product_uom_id.category_id != line.product_uom_category_id:
                line.product_uom_id = line.product_id.uom_id

    @api.depends("product_id", "option_id.quote_id.fiscal_position_id")
    def _compute_tax_ids(self):
        for line in self:
            line.tax_ids = line._fwo_taxes()

    @api.depends("product_id", "product_uom_id", "quantity")
    def _compute_price_unit(self):
        """The customer's price (``_fwo_unit_prices``), as the order's invoice prices a line."""
        for line in self:
            if not line.product_id:
                line.price_unit = 0.0
                continue
            line.price_unit = line._fwo_unit_prices(
                line.product_id, line._fwo_pricing(), line.quantity or 1.0,
                line.product_uom_id or line.product_id.uom_id,
            )[line.product_id.id]

    @api.depends("quantity", "price_unit", "tax_ids")
    def _compute_amount(self):
        AccountTax = self.env["account.tax"]
        for line in self:
            company = line.company_id or self.env.company
            base_line = line._fwo_base_line()
            AccountTax._add_tax_details_in_base_line(base_line, company)
            AccountTax._round_base_lines_tax_details([base_line], company)
            details = base_line["tax_details"]
            line.price_subtotal = details["total_excluded_currency"]
            line.price_total = details["total_included_currency"]
            line.price_tax = line.price_total - line.price_subtotal

    def _fwo_taxes(self):
        """The product's taxes of the quote's company, mapped by the quote's fiscal position."""
        self.ensure_one()
        _pricelist, fiscal_position, _currency, company = self._fwo_pricing()
        return self._fwo_mapped_taxes(self.product_id, fiscal_position, company)

    @api.model
    def _fwo_mapped_taxes(self, product, fiscal_position, company):
        """``product``'s sales taxes of ``company``, mapped by ``fiscal_position``."""
        taxes = product.with_company(company).taxes_id._filter_taxes_by_company(company)
        return fiscal_position.map_tax(taxes)

    @api.model
    def _fwo_unit_prices(self, products, pricing, quantity=1.0, uom=None):
        """{product id: unit price} of ``products`` for a customer's ``pricing`` (``_fwo_pricing``).

        The pricelist's price, made tax-excluded where the fiscal position maps an
        included tax, as the order's invoice prices a line; one pricelist
        computation for all the products (the app's price book prices many at once).
        ``uom``: of ``quantity`` and the prices (default: each product's own unit).
        """
        pricelist, fiscal_position, currency, company = pricing
        products = products.with_company(company)
        prices = pricelist._get_products_price(
            products, quantity, currency=currency, uom=uom, date=fields.Date.context_today(self),
        )
        return {
            product.id: product._get_tax_included_unit_price_from_price(
                prices[product.id], product.taxes_id._filter_taxes_by_company(company),
                fiscal_position=fiscal_position,
            )
            for product in products
        }

    def _fwo_pricing(self):
        """(pricelist, fiscal position, currency, company) pricing this line: its quote's.

        A quote being written in the form has none yet: the form passes its
        order (context ``fwo_work_order_id``) so that the lines show the
        customer's prices before it is saved; saving prices them again from the quote.
        """
        self.ensure_one()
        quote = self.option_id.quote_id
        Quote = self.env["field.work.order.quote"]
        if quote.currency_id:
            values = {"pricelist_id": quote.pricelist_id, "fiscal_position_id": quote.fiscal_position_id,
                      "currency_id": quote.currency_id}
            company = quote.company_id or self.env.company
        else:
            order_id = self.env.context.get("fwo_work_order_id")
            order = quote.work_order_id or self.env["field.work.order"].browse(
                order_id if Quote._fwo_is_id(order_id) else ())
            company = order.company_id or self.env.company
            values = {
                name: self.env[Quote._fields[name].comodel_name].browse(value)
                for name, value in Quote._fwo_pricing_of(order).items()
            }
        return (values["pricelist_id"], values["fiscal_position_id"], values["currency_id"],
                company)

    def _fwo_base_line(self):
        """This line for Odoo's tax computation (``account.tax``)."""
        self.ensure_one()
        return self.env["account.tax"]._prepare_base_line_for_taxes_computation(
            self, quantity=self.quantity, price_unit=self.price_unit, tax_ids=self.tax_ids,
            currency_id=self.currency_id or (self.company_id or self.env.company).currency_id,
            partner_id=self.work_order_id.partner_id,
        )

    @api.constrains("quantity", "price_unit")
    def _check_amounts(self):
        for line in self:
            if line.quantity <= 0 or line.price_unit < 0:
                raise ValidationError(self.env._(
                    "%(product)s: a quote line needs a quantity above zero and a price of zero "
                    "or more.", product=line.product_id.display_name,
                ))

    @api.model_create_multi
    def create(self, vals_list):
        for vals in self._fwo_vals_list(vals_list):
            self._fwo_check_write(vals)
        self.env["field.work.order.quote.option"].browse(
            [vals["option_id"] for vals in vals_list if vals.get("option_id")]
        ).quote_id._fwo_check_offered()
        return super().create(vals_list)

    def write(self, vals):
        self._fwo_check_write(vals)
        self.quote_id._fwo_check_offered()
        if "option_id" in vals:
            self.option_id.browse(vals["option_id"]).quote_id._fwo_check_offered()
        return super().write(vals)

    @api.ondelete(at_uninstall=False)
    def _unlink_except_answered(self):
        self.quote_id._fwo_check_offered()
