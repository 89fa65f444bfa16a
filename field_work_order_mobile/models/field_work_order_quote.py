from collections import defaultdict

from odoo import api, fields, models


class FieldWorkOrderQuote(models.Model):
    """Quotes are part of their order for the sync: a change is a change of the order."""

    _name = "field.work.order.quote"
    _inherit = ["field.work.order.quote", "field.work.order.sync.line.mixin"]
    _sync_wire_fields = ("name", "state", "validity_date", "approved_option_id", "signer_name")

    @api.model
    def _sync_wire(self, rows):
        """The ``quotes`` of a pulled order, with their options and lines (three queries)."""
        options = self.env["field.work.order.quote.option"].search_fetch(
            [("quote_id", "in", [row["id"] for row in rows])],
            ["quote_id", "name", "amount_untaxed", "amount_tax", "amount_total"],
        )
        lines = self.env["field.work.order.quote.line"].search_fetch(
            [("option_id", "in", options.ids)],
            ["option_id", "product_id", "name", "quantity", "price_unit", "price_subtotal",
             "price_total"],
        )
        lines_of = defaultdict(list)
        for line in lines:
            lines_of[line.option_id.id].append({
                "product_id": line.product_id.id,
                "name": line.name or "",
                "quantity": line.quantity,
                "price_unit": line.price_unit,
                "price_subtotal": line.price_subtotal,
                "price_total": line.price_total,
            })
        options_of, totals = defaultdict(list), {}
        for option in options:
            totals[option.id] = option.amount_total
            options_of[option.quote_id.id].append({
                "id": option.id,
                "name": option.name,
                "amount_untaxed": option.amount_untaxed,
                "amount_tax": option.amount_tax,
                "amount_total": option.amount_total,
                "lines": lines_of[option.id],
            })
        return [{
            "id": row["id"],
            "name": row["name"],
            "state": row["state"],
            "validity_date": fields.Date.to_string(row["validity_date"]) if row["validity_date"] else False,
            # The approved option's total with taxes (0 until one is approved).
            "amount_total": totals.get(row["approved_option_id"], 0.0),
            "approved_option_id": row["approved_option_id"] or False,
            "signer_name": row["signer_name"] or False,
            "options": options_of[row["id"]],
        } for row in rows]
