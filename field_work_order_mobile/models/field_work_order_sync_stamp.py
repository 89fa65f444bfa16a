"""Change stamps of the sync: every change of an order or its lines bumps its version.

``sync_pull`` delivers the orders stamped since the cursor; see docs/sync.md
("The cursor: why a pull misses nothing") for why the stamp is a transaction id.
"""

from collections import defaultdict
from contextlib import contextmanager

from odoo import api, fields, models
from odoo.tools import SQL

from odoo.addons.field_work_order.models.field_work_order import SITE_FIELDS

#: Key of the open collector in ``cr.postcommit.data`` (see ``_sync_stamp_once``).
COLLECTOR_KEY = "field_work_order_mobile.sync_stamp_once"


class _StampCollector:
    """What the block run by ``_sync_stamp_once`` changes, stamped when it ends."""

    __slots__ = ("notify", "touched")

    def __init__(self):
        self.touched = defaultdict(set)  # order id -> changed technician-editable fields
        self.notify = set()  # order ids whose dispatchers are told once, by the caller


class FieldWorkOrderSyncStamp(models.Model):
    _inherit = "field.work.order"

    sync_version = fields.Integer(
        readonly=True, copy=False, default=0,
        help="Grows on every change of the order or its lines: the technicians' app keeps the "
        "copy with the highest version.",
    )

    def init(self):
        # sync_txid: id of the last transaction that changed the order or a line (bigint, kept
        # out of the ORM: RPC cannot carry it). sync_fields: {field: [version, uid]} of the last
        # change of each field technicians may `set`, for conflict detection.
        cr = self.env.cr
        cr.execute(SQL(
            "ALTER TABLE field_work_order ADD COLUMN IF NOT EXISTS sync_txid bigint "
            "NOT NULL DEFAULT (pg_current_xact_id()::text::bigint)"
        ))
        cr.execute(SQL(
            "ALTER TABLE field_work_order ADD COLUMN IF NOT EXISTS sync_fields jsonb "
            "NOT NULL DEFAULT '{}'::jsonb"
        ))
        cr.execute(SQL(
            "CREATE INDEX IF NOT EXISTS field_work_order_sync_txid_idx "
            "ON field_work_order (sync_txid, id)"
        ))

    @api.model_create_multi
    def create(self, vals_list):
        orders = super().create(vals_list)
        orders._sync_touch()
        return orders

    def write(self, vals):
        self._fwo_check_values(vals)  # before reading vals: any caller sends anything
        watched = {"technician_ids", "user_id", "company_id", "active"}.intersection(vals)
        before = {
            order.id: (set(order.technician_ids.ids), order.company_id.id, order.active)
            for order in self
        } if watched else {}
        res = super().write(vals)
        # The site fields are the ones a `set` operation may change: logged for its conflicts.
        self._sync_touch([name for name in SITE_FIELDS if name in vals])
        if before:
            self._sync_bury_lost(before)
        return res

    def unlink(self):
        rows = [(order.id, False, order.company_id.id) for order in self]
        res = super().unlink()
        self.env["field.work.order.sync.tombstone"]._bury(rows)
        return res

    @api.returns("mail.message", lambda value: value.id)
    def message_post(self, **kwargs):
        message = super().message_post(**kwargs)
        self._sync_touch()
        return message

    def _message_update_content(self, message, *args, **kwargs):
        res = super()._message_update_content(message, *args, **kwargs)
        self._sync_touch()
        return res

    def _sync_touch(self, changed_fields=()):
        """Stamp the orders with this transaction's id and bump their version (one query).

        The transaction id is what makes pulls miss nothing: see ``sync_pull``.
        ``changed_fields`` (technician-editable fields only) are logged with the new
        version and the writer, for ``set`` conflicts. Inside ``_sync_stamp_once`` the
        orders are only collected, and stamped once when its block ends.
        """
        ids = sorted({oid for oid in self._ids if isinstance(oid, int)})
        if not ids:
            return
        collector = self.env.cr.postcommit.data.get(COLLECTOR_KEY)
        if collector is not None:
            for oid in ids:
                collector.touched[oid].update(changed_fields)
            return
        log = SQL()
        if changed_fields:
            log = SQL(
                ", sync_fields = sync_fields || (SELECT jsonb_object_agg(f, jsonb_build_array("
                "field_work_order.sync_version + 1, %s)) FROM unnest(%s::text[]) AS f)",
                self.env.uid, list(changed_fields),
            )
        rows = self.env.execute_query(SQL(
            "UPDATE field_work_order SET sync_version = sync_version + 1, "
            "sync_txid = pg_current_xact_id()::text::bigint%s WHERE id IN %s "
            "RETURNING id, sync_version",
            log, tuple(ids),
        ))
        # The new versions go to the cache: reading them back costs no query.
        self.env.cache.update(self.browse([row[0] for row in rows]), self._fields["sync_version"],
                              [row[1] for row in rows])

    @contextmanager
    def _sync_stamp_once(self):
        """Stamp what the block changes with one UPDATE when it ends without error.

        ``sync_push`` runs each operation in it, inside the operation's savepoint: the
        version grows by one per applied operation, whatever number of lines it wrote,
        and the operation's result carries the new version. The dispatcher notifications
        are collected too (the yielded collector's ``notify``), for the caller to send
        once. A block that raises stamps nothing (its savepoint rolls its writes back).

        The collector is kept on the cursor, not in the context: an RPC caller can
        neither send nor forge it. ``cr.postcommit.data`` lives until the transaction
        ends, whatever flushes and savepoints happen in between (``precommit.data`` is
        emptied by each flush); it is removed when the block ends.
        """
        data = self.env.cr.postcommit.data
        collector = data[COLLECTOR_KEY] = _StampCollector()
        try:
            yield collector
            self.env.cr.flush()  # pending writes and tracking messages are collected too
        finally:
            data.pop(COLLECTOR_KEY, None)
        by_fields = defaultdict(list)
        for order_id, changed in collector.touched.items():
            by_fields[tuple(sorted(changed))].append(order_id)
        for changed, ids in by_fields.items():
            self.browse(ids)._sync_touch(changed)

    def _sync_bury_lost(self, before):
        """Tombstones for technicians taken off an order, and for everyone on archive or company move.

        Each carries the company the order was in before: the users who could see it there.
        """
        rows = []
        for order in self:
            technicians, company_id, active = before[order.id]
            if order.company_id.id != company_id or (active and not order.active):
                rows.append((order.id, False, company_id))
            rows.extend(
                (order.id, uid, company_id) for uid in technicians - set(order.technician_ids.ids)
            )
        self.env["field.work.order.sync.tombstone"]._bury(rows)

    def _notify_dispatchers(self):
        collector = self.env.cr.postcommit.data.get(COLLECTOR_KEY)
        if collector is not None:  # sent once by whoever opened it (one per push)
            collector.notify.update(self.ids)
            return
        super()._notify_dispatchers()
