from collections import defaultdict

from odoo import api, fields, models
from odoo.tools import SQL


def wire_datetime(value):
    """A datetime as the sync sends it: UTC ``YYYY-MM-DD HH:MM:SS``, or false."""
    return fields.Datetime.to_string(value) if value else False


class FieldWorkOrderSyncLineMixin(models.AbstractModel):
    """Every change of a work order line is a change of its order for the sync.

    Mixed into the line models (materials, labor, checklist, photos): each
    create/write/unlink stamps the orders concerned with one SQL update. Each
    line model also says how its lines look in a pulled order (``_sync_wire``, from
    rows of their columns: ``None`` for an empty one, numeric columns as ``Decimal``).
    """

    _name = "field.work.order.sync.line.mixin"
    _description = "Work Order Line Sync Stamp"
    #: The stored fields ``_sync_wire`` reads, selected with the lines in one query.
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
        does (docs/sync.md), in order, from their ``_sync_wire_fields`` columns. One
        query for the whole page, whatever the number of orders: the caller's search
        (record rules) selecting those columns, read as rows rather than record by
        record through the ORM, which cost more than the rest of the page together.
        """
        by_order = defaultdict(list)
        if not orders:
            return by_order
        fnames = ["work_order_id", *self._sync_wire_fields]
        self.flush_model(fnames)
        query = self._search([("work_order_id", "in", orders.ids)], order=order)
        rows = self.env.execute_query_dict(query.select(
            SQL.identifier(query.table, "id"),
            *(SQL.identifier(query.table, fname) for fname in fnames),
        ))
        for row, wire in zip(rows, self._sync_wire(rows), strict=True):
            by_order[row["work_order_id"]].append(wire)
        return by_order
