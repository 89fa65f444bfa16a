"""Reference data of the technicians' app: ``sync_reference``.

The app works offline: besides the orders (``sync_pull``) it keeps the
products a technician may log as used parts, what their van holds, the job
types and their checklists, and the settings that decide what the server will
refuse. See docs/sync.md ("Reference data").
"""

from collections import defaultdict

from odoo import api, models
from odoo.exceptions import UserError

from odoo.addons.field_work_order.models.field_work_order import (
    CLOSED_STATES,
    OPEN_STATES,
    SITE_FIELDS,
    WORKING_STATES,
)
from odoo.addons.field_work_order.models.field_work_order_device_time import CLOCK_SKEW
from odoo.addons.field_work_order.models.field_work_order_payment import PAYMENT_METHODS
from odoo.addons.field_work_order.models.field_work_order_policy import rpc_checked
from odoo.addons.field_work_order.models.field_work_order_quote import MAX_OPTIONS

from .field_work_order_sync_handlers import MAX_QUANTITY, MAX_TEXT, PHOTO_KINDS
from .field_work_order_sync_push import MAX_PUSH
from .field_work_order_sync_quote import MAX_OPTION_LINES

MAX_REFERENCE_PAGE = 5000


class FieldWorkOrderReference(models.Model):
    _inherit = "field.work.order"

    @api.model
    @rpc_checked
    def sync_reference(self, after_id=False, limit=1000):
        """Products (one page, by id) and the small reference lists, as the caller.

        Everything is read with the caller's rights; the van's stock too (Odoo lets
        internal users read the stock quants of their companies) and only the caller's
        own van is asked for. A constant number of queries, whatever the page size.
        """
        if isinstance(limit, bool) or not isinstance(limit, int) or not 1 <= limit <= MAX_REFERENCE_PAGE:
            raise UserError(self.env._("limit must be an integer from 1 to %(max)s.",
                                       max=MAX_REFERENCE_PAGE))
        if after_id is not False and (
            isinstance(after_id, bool) or not isinstance(after_id, int) or after_id < 0
        ):
            raise UserError(self.env._(
                "after_id must be false or the after_id of the previous page (a product id)."
            ))
        self._sync_check_user()
        van = self._sync_reference_van()
        stock = self._sync_reference_stock(van)
        products, has_more = self._sync_reference_products(after_id or 0, limit, van)
        job_types = self.env["field.work.order.job.type"].search_fetch([], ["name"])
        return {
            "products": products,
            "has_more": has_more,
            "after_id": products[-1]["id"] if products else after_id,
            "van": {"id": van.id, "name": van.display_name} if van else False,
            "stock": stock,
            "lots": self._sync_reference_lots(stock),
            "job_types": [{"id": job_type.id, "name": job_type.name} for job_type in job_types],
            "checklist_templates": self._sync_reference_checklists(job_types),
            "settings": {
                "signature_required": bool(self.env.company.fwo_signature_required),
                "photo_max_mb": self._sync_photo_max_mb(),
            },
            "rules": self._sync_rules(),
        }

    @api.model
    def _sync_rules(self):
        """The rules the server applies, for the app and sync_client to follow (docs/sync.md).

        The states with their labels, the state machine (``_fwo_transitions``), the
        fields a ``set`` operation may change and the limits of the operations'
        values: the clients keep no copy of them.
        """
        return {
            "states": [{
                "value": value, "label": label, "open": value in OPEN_STATES,
                "closed": value in CLOSED_STATES, "working": value in WORKING_STATES,
            } for value, label in self._fields["state"]._description_selection(self.env)],
            "transitions": {
                name: {"from": list(rule["from"]), "to": rule["to"], "by": rule["by"],
                       "sync": rule["sync"]}
                for name, rule in self._fwo_transitions().items()
            },
            "operation_types": list(self._sync_handlers()),
            "set_fields": list(SITE_FIELDS),
            "photo_kinds": list(PHOTO_KINDS),
            "payment_methods": list(PAYMENT_METHODS),
            "limits": {
                "max_text": MAX_TEXT,
                "max_push": MAX_PUSH,
                "max_quantity": MAX_QUANTITY,
                "photo_max_mb": self._sync_photo_max_mb(),
                "clock_skew_seconds": int(CLOCK_SKEW.total_seconds()),
                "quote_options": MAX_OPTIONS,
                "quote_lines": MAX_OPTION_LINES,
            },
        }

    def _sync_reference_van(self):
        """The caller's van, if they have one they can read (their companies, active)."""
        van_id = self.env.user.fwo_van_location_id.id
        if not van_id:
            return self.env["stock.location"]
        return self.env["stock.location"].search([("id", "=", van_id)])

    def _sync_reference_products(self, after_id, limit, van):
        """A page of the products a material line accepts (its ``product_id`` domain), by id."""
        products = self.env["product.product"].search_fetch([
            ("type", "=", "consu"),
            ("company_id", "in", [False, *self.env.companies.ids]),
            ("id", ">", after_id),
        ], ["default_code", "barcode"], order="id", limit=limit + 1)
        has_more = len(products) > limit
        products = products[:limit]
        van_qty = {}
        if van and products:
            van_qty = {product.id: quantity for product, quantity in self.env["stock.quant"]._read_group(
                [("location_id", "child_of", van.id), ("product_id", "in", products.ids)],
                ["product_id"], ["quantity:sum"],
            )}
        return [{
            "id": product.id,
            "name": product.display_name,
            "default_code": product.default_code or False,
            "barcode": product.barcode or False,
            "uom": product.uom_id.name or False,
            "uom_id": product.uom_id.id or False,
            "tracking": product.tracking or "none",
            "van_qty": van_qty.get(product.id, 0.0),
        } for product in products], has_more

    def _sync_reference_stock(self, van):
        """On-hand quantities of the caller's van (and its sublocations) by product and lot."""
        if not van:
            return []
        groups = self.env["stock.quant"]._read_group(
            [("location_id", "child_of", van.id)], ["product_id", "lot_id"], ["quantity:sum"],
            having=[("quantity:sum", ">", 0)], order="product_id, lot_id",
        )
        return [{
            "product_id": product.id,
            "lot_id": lot.id or False,
            "lot_name": lot.name or False,
            "quantity": quantity,
        } for product, lot, quantity in groups]

    def _sync_reference_lots(self, stock):
        """The lots of the van's stock, for the app's lot picker."""
        lots = {row["lot_id"]: row for row in stock if row["lot_id"]}
        return [{"id": lot_id, "name": row["lot_name"], "product_id": row["product_id"]}
                for lot_id, row in sorted(lots.items(), key=lambda item: (
                    item[1]["product_id"], item[1]["lot_name"], item[0]))]

    def _sync_reference_checklists(self, job_types):
        """Checklist items each job type copies onto its new orders, by job type."""
        items = defaultdict(list)
        if job_types:
            templates = self.env["field.work.order.checklist.template"].search_fetch(
                [("job_type_id", "in", job_types.ids)], ["job_type_id", "name"],
            )
            for template in templates:
                items[template.job_type_id.id].append(template.name)
        return [{"id": job_type.id, "name": job_type.name, "items": items[job_type.id]}
                for job_type in job_types if items[job_type.id]]
