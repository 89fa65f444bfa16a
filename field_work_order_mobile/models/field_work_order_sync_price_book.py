"""The ``price_book`` of a pulled order: what its technician may quote, at its customer's prices."""

from collections import defaultdict

from odoo import models
from odoo.tools import float_round

from odoo.addons.field_work_order.models.field_work_order import OPEN_STATES


class FieldWorkOrderSyncPriceBook(models.Model):
    _inherit = "field.work.order"

    def _sync_price_books(self, materials):
        """{order id: price book} of the page: its job type's options and the quotable products.

        ``materials``: the page's material lines in wire form (their products are
        quotable too). The prices are the quote's own (``_fwo_pricing_of``,
        ``_fwo_unit_prices``): a device only shows them as an estimate, the server
        prices the quote it sends. One query per model for the books, then one
        pricing per customer of the page, not per order (Odoo's automatic fiscal
        position still costs one query per customer who has none set), for the
        open orders only: quotes are made on those. Read with ``sudo()``
        after the caller's own search found the orders: technicians cannot read
        pricelist rules nor fiscal positions, and see only the prices of the
        customers of their own orders.
        """
        if not self:
            return {}
        options = self.env["field.work.order.job.type.option"].search_fetch(
            [("job_type_id", "in", self.job_type_id.ids)], ["job_type_id", "name"],
        )
        lines = self.env["field.work.order.job.type.option.line"].search_fetch(
            [("option_id", "in", options.ids)], ["option_id", "product_id", "quantity"],
        )
        lines_of, book_of = defaultdict(list), defaultdict(list)
        for line in lines:
            lines_of[line.option_id.id].append(line)
        for option in options:
            book_of[option.job_type_id.id].append(option)
        products_of, groups = {}, defaultdict(set)
        pricing_of_customer, pricing_of_order = {}, {}
        Quote = self.env["field.work.order.quote"].sudo()
        # Quotes are made on open orders only: the others get an empty book, unpriced.
        closed = self.filtered(lambda order: order.state not in OPEN_STATES)
        for order in self - closed:
            products_of[order.id] = {
                line.product_id.id for option in book_of[order.job_type_id.id]
                for line in lines_of[option.id]
            } | {material["product_id"] for material in materials[order.id]}
            customer = (order.partner_id.id, order.service_partner_id.id, order.company_id.id)
            if customer not in pricing_of_customer:
                values = Quote._fwo_pricing_of(order.sudo())
                pricing_of_customer[customer] = (
                    values["pricelist_id"] or False, values["fiscal_position_id"] or False,
                    values["currency_id"], order.company_id.id or self.env.company.id,
                )
            pricing_of_order[order.id] = pricing_of_customer[customer]
            groups[pricing_of_order[order.id]] |= products_of[order.id]
        env = self.sudo().env
        Line = env["field.work.order.quote.line"]
        digits = env["decimal.precision"].precision_get("Product Price")
        prices, currencies = {}, {}
        for key, product_ids in groups.items():
            pricelist_id, fiscal_position_id, currency_id, company_id = key
            pricing = (env["product.pricelist"].browse(pricelist_id),
                       env["account.fiscal.position"].browse(fiscal_position_id),
                       env["res.currency"].browse(currency_id), env["res.company"].browse(company_id))
            currencies[key] = pricing[2].name
            products = env["product.product"].browse(sorted(product_ids))
            unit_prices = Line._fwo_unit_prices(products, pricing)
            for product in products:
                taxes = Line._fwo_mapped_taxes(product, pricing[1], pricing[3])
                prices[key, product.id] = {
                    "price_unit": float_round(unit_prices[product.id], precision_digits=digits),
                    # The device's estimate of the taxes: the percent taxes added to the price.
                    "tax_rate": sum(tax.amount for tax in taxes
                                    if tax.amount_type == "percent" and not tax.price_include),
                }
        # Names as the caller reads them, for every product of the page at once; a part
        # that cannot be sold is not offered (a quote of it would be refused).
        names = {product.id: (product.display_name, product.uom_id.name)
                 for product in self.env["product.product"].browse(
                     sorted(set().union(set(), *products_of.values()))) if product.sale_ok}
        books = {order.id: {"currency": (order.company_id or self.env.company).currency_id.name,
                            "options": [], "products": []} for order in closed}
        for order in self - closed:
            key = pricing_of_order[order.id]
            books[order.id] = {
                "currency": currencies[key],
                "options": [{
                    "id": option.id,
                    "name": option.name,
                    "lines": [{
                        "product_id": line.product_id.id,
                        "name": names[line.product_id.id][0],
                        "quantity": line.quantity,
                        **prices[key, line.product_id.id],
                    } for line in lines_of[option.id] if line.product_id.id in names],
                } for option in book_of[order.job_type_id.id]],
                "products": sorted(({
                    "id": product_id,
                    "name": names[product_id][0],
                    "uom": names[product_id][1] or False,
                    **prices[key, product_id],
                } for product_id in products_of[order.id] if product_id in names),
                    key=lambda p: (p["name"], p["id"])),
            }
        return books
