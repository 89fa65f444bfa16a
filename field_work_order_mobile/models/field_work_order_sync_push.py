"""Push of the sync protocol: ``sync_push``, each operation applied exactly once.

See docs/sync.md ("Push", "Exactly once"); the operations themselves are in
field_work_order_sync_handlers.py.
"""

import logging
from datetime import datetime

from psycopg2 import Error as PsycopgError
from psycopg2 import errors as pgerrors

from odoo import api, models
from odoo.exceptions import UserError
from odoo.tools import SQL

from odoo.addons.field_work_order.models.field_work_order_policy import rpc_checked

from .field_work_order_sync_handlers import WIRE_DATETIME, SyncFieldConflict, SyncStateConflict

#: Operations that create a record: their result names it under this key (the log's ``res_id``).
RESULT_KEYS = {"quote": "quote_id", "equipment_add": "equipment_id"}

_logger = logging.getLogger(__name__)

MAX_PUSH = 500
# Odoo retries the whole request on these: they must never become an op's "error".
RETRIED_ERRORS = (pgerrors.SerializationFailure, pgerrors.DeadlockDetected,
                  pgerrors.LockNotAvailable)


class FieldWorkOrderSyncPush(models.Model):
    _inherit = "field.work.order"

    @api.model
    @rpc_checked
    def sync_push(self, operations):
        """Apply a batch of device operations, each once per uuid; one result per operation.

        Each operation runs in its own savepoint, so a bad one fails alone. Its log row
        (unique uuid) is written in the same transaction as its effects: both commit, or
        neither does and a retry applies it then. What every operation would look up again
        is read once for the batch: the orders the caller can see (record rules), their
        lines, and the uuids logged by earlier pushes; the batch's new uuids are claimed
        with one ``INSERT`` before the first operation runs.
        """
        self._sync_check_user()
        if not isinstance(operations, list):
            raise UserError(self.env._("operations must be a list of operations."))
        if len(operations) > MAX_PUSH:
            raise UserError(self.env._(
                "At most %(max)s operations per push (got %(count)s): send them in batches.",
                max=MAX_PUSH, count=len(operations),
            ))
        ops = [op if isinstance(op, dict) else {} for op in operations]
        orders = self._sync_push_orders(ops)
        handlers = self._sync_handlers()
        logged = self._sync_logged([op.get("uuid") for op in ops])
        self._sync_claim(ops, logged, handlers)
        results, notify = [], set()
        for op in ops:
            results.append(self._sync_push_one(op, orders, logged, handlers, notify))
        self._sync_log_results([r for r in results if r.get("_claimed")])
        for result in results:
            result.pop("_claimed", None)
        if notify:
            self.browse(sorted(notify))._notify_dispatchers()
        return results

    def _sync_push_orders(self, ops):
        """{id: order} for the orders of the batch the caller can see, with what the ops read.

        One search as the caller (record rules and archived orders apply as for a
        single order), then one query per field or line model instead of one per operation.
        """
        ids = {op.get("order_id") for op in ops if self._fwo_is_id(op.get("order_id"))}
        orders = self.search([("id", "in", list(ids))], order="id") if ids else self.browse()
        types = {op.get("type") for op in ops if isinstance(op.get("type"), str)}
        fnames = ["name", "state", "create_date", "company_id", "technician_ids", "sync_version",
                  "partner_id", "service_partner_id", "job_type_id"]
        if types & {"equipment_add", "reading", "material", "photo"}:
            fnames.append("equipment_ids")
        if "material" in types:
            fnames.append("material_ids")
        if "checklist" in types:
            fnames.append("checklist_ids")
        orders.fetch(fnames)
        # The lines' columns (what the operations, the record rules checked on write and the
        # recomputations read), one query per model: reading a field prefetches them all.
        if "material" in types:
            orders.material_ids.mapped("quantity_used")
        if "checklist" in types:
            orders.checklist_ids.mapped("done")
        return {order.id: order for order in orders}

    def _sync_logged(self, uuids):
        """Log rows of the uuids pushed before this batch, by uuid (one query)."""
        uuids = [u for u in uuids if self._sync_is_uuid(u)]
        if not uuids:
            return {}
        return {row["uuid"]: row for row in self.env.execute_query_dict(SQL(
            "SELECT uuid, user_id, order_id, type, status, message, version, res_id "
            "FROM field_work_order_sync_operation WHERE uuid = ANY(%s)",
            uuids,
        ))}

    def _sync_push_one(self, op, orders, logged, handlers, notify):
        """Answer one operation; ``notify`` gets the orders to announce when it is applied.

        ``handlers``: the operation table (``_sync_handlers``), read once per push.
        """
        uuid = op.get("uuid")
        if not self._sync_is_uuid(uuid):
            return self._sync_result(
                uuid if isinstance(uuid, str) and "\x00" not in uuid else False, "error",
                self.env._("Each operation must be a dict with a uuid (a string of 1 to 64 characters)."),
            )
        order_id, op_type = self._sync_op_keys(op, handlers)
        first = logged.get(uuid)  # an earlier push's, or an earlier operation of this batch
        if first:
            return self._sync_duplicate(uuid, first, orders)
        order = orders.get(order_id, self.browse())  # empty: not visible to the caller
        answer = {}
        try:
            # Stamped once and announced once (for the whole push); nothing if it fails.
            with self.env.cr.savepoint(), self._sync_stamp_once() as collector:
                answer = self._sync_apply(op, order, handlers)
            status, message = "applied", ""
            notify |= collector.notify
        except RETRIED_ERRORS:
            raise
        except (SyncStateConflict, SyncFieldConflict) as exc:
            status, message = "conflict", str(exc)
        except UserError as exc:
            status, message = "error", str(exc)
        except PsycopgError as exc:
            status, message = "error", self.env._("The database refused the operation: %(error)s",
                                         error=str(exc).strip().splitlines()[0])
        except Exception as exc:  # noqa: BLE001 - one bad operation must not fail the batch
            _logger.exception("Sync operation %s failed", uuid)
            status, message = "error", self.env._("Unexpected error: %(error)s", error=str(exc) or repr(exc))
        result = self._sync_result(uuid, status, message, order_id, order)
        key = RESULT_KEYS.get(op_type)
        if key:
            result[key] = answer.get(key, False) if status == "applied" else False
        result["_claimed"] = True  # its log row gets the result (one UPDATE for the batch)
        # A uuid repeated later in the same batch answers duplicate with this result.
        logged[uuid] = {"user_id": self.env.uid, "order_id": order_id or None, "type": op_type,
                        "status": status, "message": result["message"],
                        "version": result["version"], "res_id": key and result[key] or None}
        return result

    def _sync_log_results(self, results):
        """Store the results of the operations claimed by this batch (one query)."""
        if not results:
            return
        self.env.cr.execute(SQL(
            "UPDATE field_work_order_sync_operation AS log SET status = r.status, "
            "message = r.message, version = r.version "
            "FROM (VALUES %s) AS r (uuid, status, message, version) WHERE log.uuid = r.uuid",
            SQL(", ").join(
                SQL("(%s, %s, %s, %s::int)", r["uuid"], r["status"], r["message"], r["version"])
                for r in results
            ),
        ))

    @api.model
    def _sync_is_uuid(self, value):
        return isinstance(value, str) and 1 <= len(value) <= 64 and "\x00" not in value

    def _sync_op_keys(self, op, handlers):
        """(order id or 0, type or "") of an operation, as its log row records them."""
        order_id, op_type = op.get("order_id"), op.get("type")
        return (order_id if self._fwo_is_id(order_id) else 0,
                op_type if isinstance(op_type, str) and op_type in handlers else "")

    def _sync_claim(self, ops, logged, handlers):
        """Insert the log rows of the batch's new uuids, one query; ``logged`` gets the others.

        Each uuid is claimed once, with its first operation; a later operation with the
        same uuid answers ``duplicate`` with the first one's result. The rows commit or
        vanish with the batch's effects, so claiming them all before the first operation
        runs guarantees what claiming each just before it did. Under Odoo's REPEATABLE
        READ, a row with the same uuid committed by a concurrent request that this
        transaction cannot see makes the insert fail with a serialization error: Odoo
        retries the request, which then sees the row and answers ``duplicate``. A
        concurrent request still running makes this insert wait for its outcome.
        """
        rows = {}
        for op in ops:
            uuid = op.get("uuid")
            if not self._sync_is_uuid(uuid) or uuid in logged or uuid in rows:
                continue
            order_id, op_type = self._sync_op_keys(op, handlers)
            try:
                at = datetime.strptime(op.get("at"), WIRE_DATETIME)
            except (TypeError, ValueError):
                at = None  # logged as unknown; _sync_apply refuses the operation
            rows[uuid] = SQL(
                "(%s, %s, %s, %s, 'pending', %s::timestamp, %s, now() AT TIME ZONE 'UTC', %s, "
                "now() AT TIME ZONE 'UTC')",
                uuid, self.env.uid, order_id or None, op_type[:32], at, self.env.uid, self.env.uid,
            )
        if not rows:
            return
        claimed = {row[0] for row in self.env.execute_query(SQL(
            "INSERT INTO field_work_order_sync_operation "
            "(uuid, user_id, order_id, type, status, at, create_uid, create_date, write_uid, "
            "write_date) VALUES %s ON CONFLICT (uuid) DO NOTHING RETURNING uuid",
            SQL(", ").join(rows.values()),
        ))}
        # Logged since this batch's first read: answered as the duplicates they are.
        logged.update(self._sync_logged([uuid for uuid in rows if uuid not in claimed]))

    def _sync_duplicate(self, uuid, first, orders):
        if first["user_id"] != self.env.uid:
            return self._sync_result(uuid, "error", self.env._(
                "The operation id %(uuid)s was already used by another user: "
                "give each operation a new uuid.", uuid=uuid,
            ))
        result = self._sync_result(uuid, "duplicate", first["message"] or "", first["order_id"],
                                   orders.get(first["order_id"]))
        result["first_status"] = first["status"]
        result["version"] = first["version"] or 0
        key = RESULT_KEYS.get(first["type"])
        if key:
            result[key] = first["res_id"] or False
        return result

    def _sync_result(self, uuid, status, message, order_id=0, order=None):
        """One operation's answer; ``current`` is the order's state and version when visible.

        ``order``: the order of the operation, already found as the caller (``None``:
        search it as the caller).
        """
        current = False
        if order_id:
            if order is None:
                order = self.search([("id", "=", order_id)])
            if order:
                current = {"state": order.state, "version": order.sync_version}
        return {
            "uuid": uuid,
            "status": status,
            "message": message or "",
            "version": current["version"] if current else 0,
            "current": current,
        }
