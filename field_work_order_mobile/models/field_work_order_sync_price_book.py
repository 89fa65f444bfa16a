"""The ``price_book`` of a pulled order: what its technician may quote, at its customer's prices."""

from collections import defaultdict

from odoo import models
from odoo.tools import float_round

from odoo.addons.field_work_order.models.field_work_order import OPEN_STATES


class FieldWorkOrderSyncPriceBook(models.Model):
    _inherit = "field.work.order"

    def _sync_price_books(self, materials, rows):
        """{order id: price book} of the page: its job type's options and the quotable products.

        ``materials``: the page's material lines in wire form (their products are
        quotable too); ``rows``: the orders' columns (``_sync_order_rows``). The prices
        are the quote's own (``_fwo_pricing_of``, ``_fwo_unit_prices``): a device only
        shows them as an estimate, the server prices the quote it sends. One query per
        model for the books, the customers' pricelists and fiscal positions for the whole
        page (``_fwo_pricings_of``, once per customer, address and company), then one
        pricing per pricelist and fiscal position, for the open orders only: quotes are
        made on those. Orders with the same pricing, job type and products share one
        book. Read with ``sudo()`` after the caller's own search found the orders:
        technicians cannot read pricelist rules nor fiscal positions, and see only the
        prices of the customers of their own orders.
        """
        if not self:
            return {}
        job_type_ids = {row["job_type_id"] for row in rows.values() if row["job_type_id"]}
        options = self.env["field.work.order.job.type.option"].search_fetch(
            [("job_type_id", "in", list(job_type_ids))], ["job_type_id", "name"],
        )
        lines = self.env["field.work.order.job.type.option.line"].search_fetch(
            [("option_id", "in", options.ids)], ["option_id", "product_id", "quantity"],
        )
        lines_of, book_of = defaultdict(list), defaultdict(list)
        for line in lines:
            lines_of[line.option_id.id].append(line)
        for option in options:
            book_of[option.job_type_id.id].append(option)
        offered = {job_type_id: {line.product_id.id for option in book_of[job_type_id]
                                 for line in lines_of[option.id]} for job_type_id in job_type_ids}
        # Quotes are made on open orders only: the others get an empty book, unpriced.
        open_ids = [order_id for order_id in self.ids if rows[order_id]["state"] in OPEN_STATES]
        customer_of = {order_id: (rows[order_id]["partner_id"], rows[order_id]["service_partner_id"],
                                  rows[order_id]["company_id"]) for order_id in open_ids}
        first_of = {}  # the pricing depends on the customer, its address and the company only
        for order_id in open_ids:
            first_of.setdefault(customer_of[order_id], order_id)
        pricings = self.env["field.work.order.quote"].sudo()._fwo_pricings_of(
            self.browse(first_of.values()).sudo())
        pricing_of_customer = {customer: (
            pricings[order_id]["pricelist_id"] or False,
            pricings[order_id]["fiscal_position_id"] or False,
            pricings[order_id]["currency_id"], customer[2] or self.env.company.id,
        ) for customer, order_id in first_of.items()}
        products_of, groups = {}, defaultdict(set)
        for order_id in open_ids:
            products_of[order_id] = frozenset(
                offered.get(rows[order_id]["job_type_id"], ())
            ).union(material["product_id"] for material in materials[order_id])
            groups[pricing_of_customer[customer_of[order_id]]] |= products_of[order_id]
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
        company_currency = {company.id: company.currency_id.name for company in self.env[
            "res.company"].browse({row["company_id"] for row in rows.values() if row["company_id"]})}
        books, shared = {}, {}
        for order_id in self.ids:
            row = rows[order_id]
            if order_id not in products_of:
                books[order_id] = {"currency": company_currency.get(row["company_id"])
                                   or self.env.company.currency_id.name,
                                   "options": [], "products": []}
                continue
            key = pricing_of_customer[customer_of[order_id]]
            book_key = (key, row["job_type_id"], products_of[order_id])
            if book_key not in shared:
                shared[book_key] = {
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
                    } for option in book_of[row["job_type_id"]]],
                    "products": sorted(({
                        "id": product_id,
                        "name": names[product_id][0],
                        "uom": names[product_id][1] or False,
                        **prices[key, product_id],
                    } for product_id in products_of[order_id] if product_id in names),
                        key=lambda p: (p["name"], p["id"])),
                }
            books[order_id] = shared[book_key]
        return books
