from odoo import api, fields, models
from odoo.tools import SQL


class FieldWorkOrderSyncTombstone(models.Model):
    """An order a user (or everyone) can no longer see, for ``removed`` in sync pulls.

    A deleted, archived or reassigned order can no longer be found by a
    pull's search; its tombstone carries the id and the id of the
    transaction that hid it (column ``txid``, outside the ORM: it does not
    fit the 32-bit integers RPC can carry), compared with the cursor bound
    exactly like the stamps of the orders.
    """

    _name = "field.work.order.sync.tombstone"
    _description = "Work Order Sync Tombstone"
    _order = "id"

    order_id = fields.Integer(required=True, index=True, readonly=True)
    user_id = fields.Many2one(
        "res.users", index=True, readonly=True, ondelete="cascade",
        help="Who lost sight of the order; empty for everyone (deleted, archived, moved company).",
    )
    company_id = fields.Many2one(
        "res.company", readonly=True, ondelete="cascade",
        help="The order's company when it was hidden: only its users are told of the removal.",
    )

    def init(self):
        self.env.cr.execute(SQL(
            "ALTER TABLE field_work_order_sync_tombstone ADD COLUMN IF NOT EXISTS txid bigint "
            "NOT NULL DEFAULT (pg_current_xact_id()::text::bigint)"
        ))
        self.env.cr.execute(SQL(
            "CREATE INDEX IF NOT EXISTS field_work_order_sync_tombstone_txid_idx "
            "ON field_work_order_sync_tombstone (txid)"
        ))
        # Tombstones from before the company was stored: that of the order when it still exists.
        self.env.cr.execute(SQL(
            "UPDATE field_work_order_sync_tombstone t SET company_id = o.company_id "
            "FROM field_work_order o WHERE t.company_id IS NULL AND o.id = t.order_id"
        ))

    @api.model
    def _bury(self, rows):
        """Insert tombstones for (order id, user id or False, company id) rows of this transaction."""
        rows = list(rows)
        if not rows:
            return
        self.env.cr.execute(SQL(
            "INSERT INTO field_work_order_sync_tombstone"
            " (order_id, user_id, company_id, create_uid, create_date)"
            " SELECT o, NULLIF(u, 0), c, %s, now() AT TIME ZONE 'UTC'"
            " FROM unnest(%s::int[], %s::int[], %s::int[]) AS t(o, u, c)",
            self.env.uid, [r[0] for r in rows], [r[1] or 0 for r in rows], [r[2] for r in rows],
        ))
