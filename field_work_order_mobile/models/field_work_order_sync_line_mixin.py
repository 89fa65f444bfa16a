from collections import defaultdict

from odoo import api, fields, models


def wire_datetime(value):
    """A datetime as the sync sends it: UTC ``YYYY-MM-DD HH:MM:SS``, or false."""
    return fields.Datetime.to_string(value) if value else False


class FieldWorkOrderSyncLineMixin(models.AbstractModel):
    """Every change of a work order line is a change of its order for the sync.

    Mixed into the line models (materials, labor, checklist, photos): each
    create/write/unlink stamps the orders concerned with one SQL update. Each
    line model also says how its lines look in a pulled order (``_sync_wire``).
    """

    _name = "field.work.order.sync.line.mixin"
    _description = "Work Order Line Sync Stamp"
    #: The fields ``_sync_wire`` reads, fetched with the lines in one query.
    _sync_wire_fields = ()

    @api.model_create_multi
    def create(self, vals_list):
        lines = super().create(vals_list)
        lines.work_order_id._sync_touch()
        return lines

    def write(self, vals):
        orders = self.work_order_id
        res = super().write(vals)
        if "work_order_id" in vals:
            orders |= self.work_order_id
        orders._sync_touch()
        return res

    def unlink(self):
        orders = self.work_order_id
        res = super().unlink()
        orders._sync_touch()
        return res

    @api.model
    def _sync_wire_by_order(self, orders, order="id"):
        """{order id: [line in wire form]} for the lines of ``orders`` the caller can read.

        Each line model's ``_sync_wire`` gives its lines as the pulled order's schema
        does (docs/sync.md), in order, reading only ``_sync_wire_fields``. One query
        for the whole page (``search_fetch``: no split in prefetch batches of 1,000
        records), whatever the number of orders.
        """
        by_order = defaultdict(list)
        if not orders:
            return by_order
        lines = self.search_fetch([("work_order_id", "in", orders.ids)],
                                  ["work_order_id", *self._sync_wire_fields], order=order)
        for line, wire in zip(lines, lines._sync_wire(), strict=True):
            by_order[line.work_order_id.id].append(wire)
        return by_order
