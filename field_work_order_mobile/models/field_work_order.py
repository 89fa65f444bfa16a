"""The sync protocol of the technicians' app: ``sync_pull`` and ``sync_push``.

See docs/sync.md for the protocol, the cursor design and the exactly-once
argument; the comments here say where each property comes from.
"""

import base64
import binascii
import hashlib
import io
import json
import logging
from collections import defaultdict
from datetime import datetime

from PIL import Image
from psycopg2 import Error as PsycopgError
from psycopg2 import errors as pgerrors

from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError
from odoo.tools import SQL, html2plaintext, plaintext2html

from odoo.addons.field_work_order.models.field_work_order import SITE_FIELDS, StateConflict
from odoo.addons.field_work_order.models.field_work_order_policy import rpc_checked, shown

_logger = logging.getLogger(__name__)

#: Fields a ``set`` operation may change: the site fields technicians may write.
SET_FIELDS = SITE_FIELDS
STATE_OPS = {
    "start": "action_start",
    "hold": "action_hold",
    "resume": "action_resume",
    "complete": "action_complete",
    "on_my_way": "action_on_my_way",  # no status change: tells the customer (once per visit)
}
OP_TYPES = (*STATE_OPS, "note", "material", "labor", "photo", "signature", "checklist", "set")
PHOTO_KINDS = ("before", "after", "other")
MAX_PAGE = 1000
MAX_PUSH = 500
MAX_TEXT = 10000
MAX_QUANTITY = 1e9  # of one material operation: more is a typo or garbage
HISTORY_SIZE = 5  # past orders at the address in a pulled order's ``history``
HISTORY_CHARS = 300  # of their description
INT32_MAX = 2**31 - 1
WIRE_DATETIME = "%Y-%m-%d %H:%M:%S"
CURSOR_VERSION = 2  # 2: readable key names
# Odoo retries the whole request on these: they must never become an op's "error".
RETRIED_ERRORS = (pgerrors.SerializationFailure, pgerrors.DeadlockDetected,
                  pgerrors.LockNotAvailable)


class SyncFieldConflict(UserError):
    """A ``set`` of fields someone else changed since the device's version."""


class _SyncOpEffects:
    """What the pushed operation being applied changed, applied once at the end of its savepoint.

    One per push, carried in the context (compared by identity, like any object
    without ``__eq__``, so operations with the same device time share their
    environments). While ``open``, ``_sync_touch`` records the orders to stamp
    instead of running one UPDATE per write, and ``_notify_dispatchers`` the
    orders to announce, sent once for the whole push.
    """

    __slots__ = ("notify", "open", "touched")

    def __init__(self):
        self.open = False
        self.touched = defaultdict(set)  # order id -> changed technician-editable fields
        self.notify = set()

    def start(self):
        self.open = True
        self.touched = defaultdict(set)
        self.notify = set()


def _dt(value):
    return fields.Datetime.to_string(value) if value else False


class FieldWorkOrder(models.Model):
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

    # ------------------------------------------------------------------
    # Stamping changes
    # ------------------------------------------------------------------
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
        self._sync_touch([name for name in SET_FIELDS if name in vals])
        if before:
            self._sync_bury_lost(before)
        return res

    def unlink(self):
        ids = self.ids
        res = super().unlink()
        self.env["field.work.order.sync.tombstone"]._bury((order_id, False) for order_id in ids)
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
        version and the writer, for ``set`` conflicts.
        """
        ids = sorted({oid for oid in self._ids if isinstance(oid, int)})
        if not ids:
            return
        effects = self.env.context.get("fwo_sync_effects")
        if isinstance(effects, _SyncOpEffects) and effects.open:  # stamped once when the push's operation ends
            for oid in ids:
                effects.touched[oid].update(changed_fields)
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

    def _sync_bury_lost(self, before):
        """Tombstones for technicians taken off an order, and for everyone on archive or company move."""
        pairs = []
        for order in self:
            technicians, company_id, active = before[order.id]
            if order.company_id.id != company_id or (active and not order.active):
                pairs.append((order.id, False))
            pairs.extend((order.id, uid) for uid in technicians - set(order.technician_ids.ids))
        self.env["field.work.order.sync.tombstone"]._bury(pairs)

    def _notify_dispatchers(self):
        effects = self.env.context.get("fwo_sync_effects")
        if isinstance(effects, _SyncOpEffects) and effects.open:  # one notification for the whole push
            effects.notify.update(self.ids)
            return
        super()._notify_dispatchers()

    # ------------------------------------------------------------------
    # Pull
    # ------------------------------------------------------------------
    @api.model
    @rpc_checked
    def sync_pull(self, cursor=False, limit=200):
        """Orders the caller can see that changed since ``cursor``; see docs/sync.md.

        Correct under concurrency: the next cursor's bound is the xmin of this
        transaction's snapshot. Every transaction with an id below it has ended and is
        visible here, so any change this pull cannot see was stamped with an id at or above
        the bound and is delivered by the next pull. Pages of one pull share the bound.
        """
        if isinstance(limit, bool) or not isinstance(limit, int) or not 1 <= limit <= MAX_PAGE:
            raise UserError(self.env._("limit must be an integer from 1 to %(max)s.", max=MAX_PAGE))
        self._sync_check_user()
        fingerprint = self._sync_access_fingerprint()
        state = self._sync_decode_cursor(cursor) if cursor else None
        reset = False
        if state and (state["user"] != self.env.uid or state["access"] != fingerprint):
            state, reset = None, True  # another user, or groups/companies changed: start over
        cr = self.env.cr
        removed = []
        if state and "next_bound" in state:  # next page of a pull in progress
            bound, next_bound = state["bound"], state["next_bound"]
            last_id, total = state["after_id"], state["total"]
        else:
            bound = state["bound"] if state else 0
            cr.execute(SQL("SELECT pg_snapshot_xmin(pg_current_snapshot())::text::bigint"))
            next_bound = cr.fetchone()[0]
            last_id = 0
            total = self.env.execute_query(self._sync_query(bound, 0).select(SQL("COUNT(*)")))[0][0]
            if state:
                removed = self._sync_removed(bound)
        query = self._sync_query(bound, last_id)
        query.order = SQL.identifier(query.table, "id")
        query.limit = limit + 1
        ids = [row[0] for row in self.env.execute_query(query.select())]
        has_more = len(ids) > limit
        ids = ids[:limit]
        if has_more:
            new_state = {"bound": bound, "next_bound": next_bound, "after_id": ids[-1],
                         "total": total}
        else:
            new_state = {"bound": next_bound}
        new_state.update(version=CURSOR_VERSION, user=self.env.uid, access=fingerprint)
        return {
            "cursor": base64.urlsafe_b64encode(json.dumps(new_state).encode()).decode(),
            "has_more": has_more,
            "total": total,
            "reset": reset,
            "orders": self.browse(ids)._sync_payload(),
            "removed": removed,
        }

    def _sync_check_user(self):
        """The app's sync is for the people who do the jobs: technicians and dispatchers."""
        if not self.env.user.has_group("field_work_order.group_technician"):
            raise AccessError(self.env._(
                "Only technicians and dispatchers can sync work orders with the app."
            ))

    def _sync_access_fingerprint(self):
        """A hash of what decides what the caller may see: user, groups, companies."""
        key = "%s|%s|%s" % (
            self.env.uid, sorted(self.env.user.groups_id.ids), sorted(self.env.companies.ids),
        )
        return hashlib.sha256(key.encode()).hexdigest()[:16]

    def _sync_decode_cursor(self, cursor):
        try:
            state = json.loads(base64.urlsafe_b64decode(cursor.encode()))
            paging = ("next_bound", "after_id", "total") if "next_bound" in state else ()
            ints = [state[key] for key in ("user", "bound", *paging)]
            if state.get("version") != CURSOR_VERSION or not isinstance(state["access"], str) or not all(
                isinstance(i, int) and i >= 0 for i in ints
            ):
                raise ValueError
        except (AttributeError, TypeError, ValueError, KeyError, binascii.Error):
            raise UserError(self.env._(
                "This sync cursor is not valid (it must be the one the last pull returned): "
                "pull again without a cursor."
            )) from None
        return state

    def _sync_query(self, bound, last_id):
        """Orders visible to the caller (record rules, active) stamped at or after ``bound``."""
        query = self._search([])
        query.add_where(SQL(
            "%s >= %s AND %s > %s",
            SQL.identifier(query.table, "sync_txid"), bound, SQL.identifier(query.table, "id"),
            last_id,
        ))
        return query

    def _sync_removed(self, bound):
        """Ids hidden from the caller since ``bound`` and not visible again."""
        rows = self.env.execute_query(SQL(
            "SELECT DISTINCT order_id FROM field_work_order_sync_tombstone "
            "WHERE txid >= %s AND (user_id = %s OR user_id IS NULL)",
            bound, self.env.uid,
        ))
        ids = [row[0] for row in rows]
        if not ids:
            return []
        visible = set(self.search([("id", "in", ids)]).ids)
        return sorted(i for i in ids if i not in visible)

    def _sync_payload(self):
        """The documented order schema (docs/sync.md), a constant number of queries per page.

        Lines and notes are fetched with one query per model for the whole page
        (``search_fetch``: no split in prefetch batches of 1,000 records).
        """
        def lines(model, fnames, order="id"):
            by_order = defaultdict(list)
            records = self.env[model].search_fetch(
                [("work_order_id", "in", self.ids)], ["work_order_id", *fnames], order=order,
            ) if self else self.env[model]
            for record in records:
                by_order[record.work_order_id.id].append(record)
            return by_order

        materials = lines("field.work.order.material",
                          ["product_id", "product_uom_qty", "quantity_used", "product_uom_id",
                           "lot_id"])
        labor = lines("field.work.order.labor",
                      ["user_id", "date_start", "date_end", "duration", "description"])
        checklist = lines("field.work.order.checklist.line",
                          ["name", "required", "done", "done_by", "done_on"],
                          order="sequence, id")
        photos = lines("field.work.order.photo", ["kind", "taken_on", "note"], order="taken_on, id")
        notes = defaultdict(list)
        if self:
            messages = self.env["mail.message"].search_fetch([
                ("model", "=", self._name), ("res_id", "in", self.ids),
                ("message_type", "=", "comment"),
            ], ["res_id", "author_id", "date", "body"], order="id")
            for message in messages:
                notes[message.res_id].append({
                    "id": message.id,
                    "author": message.author_id.name or "",
                    "date": _dt(message.date),
                    "body": html2plaintext(message.body or "").strip(),
                })
        # Technicians cannot read stock.lot; the lot names of their own lines are fine to show.
        all_materials = self.env["field.work.order.material"].concat(
            *(line for group in materials.values() for line in group))
        lot_names = {lot.id: lot.name for lot in all_materials.lot_id}
        history = self._sync_history()
        result = []
        for order in self:
            partner, address = order.partner_id, order.service_partner_id
            result.append({
                "id": order.id,
                "name": order.name,
                "version": order.sync_version,
                "state": order.state,
                "priority": order.priority,
                "partner": {
                    "id": partner.id, "name": partner.name or "", "phone": partner.phone or False,
                    "email": partner.email or False,
                },
                "service_address": {
                    "id": address.id, "name": address.name or partner.name or "",
                    "street": address.street or False, "street2": address.street2 or False,
                    "city": address.city or False, "zip": address.zip or False,
                    "country": address.country_id.name or False, "phone": address.phone or False,
                },
                "unit_number": order.unit_number or False,
                "access_instructions": order.access_instructions or False,
                "site_contact_name": order.site_contact_name or False,
                "site_contact_phone": order.site_contact_phone or False,
                "description": order.description or False,
                "safety_requirements": order.safety_requirements or False,
                "job_type": order.job_type_id.name or False,
                "scheduled_start": _dt(order.scheduled_start),
                "scheduled_end": _dt(order.scheduled_end),
                "deadline": _dt(order.deadline),
                "date_started": _dt(order.date_started),
                "date_completed": _dt(order.date_completed),
                "user_id": order.user_id.id or False,
                "user_name": order.user_id.name or False,
                "technician_ids": order.technician_ids.ids,
                "materials": [{
                    "id": line.id,
                    "product_id": line.product_id.id,
                    "product_name": line.product_id.display_name,
                    "product_uom_qty": line.product_uom_qty,
                    "quantity_used": line.quantity_used,
                    "uom": line.product_uom_id.name or False,
                    "lot": lot_names.get(line.lot_id.id, False),
                } for line in materials[order.id]],
                "labor": [{
                    "id": line.id,
                    "user_id": line.user_id.id,
                    "user_name": line.user_id.name or "",
                    "date_start": _dt(line.date_start),
                    "date_end": _dt(line.date_end),
                    "duration": line.duration,
                    "description": line.description or False,
                } for line in labor[order.id]],
                "checklist": [{
                    "id": line.id,
                    "name": line.name,
                    "required": line.required,
                    "done": line.done,
                    "done_by": line.done_by.name or False,
                    "done_on": _dt(line.done_on),
                } for line in checklist[order.id]],
                "photos": [{
                    "id": photo.id,
                    "kind": photo.kind,
                    "taken_on": _dt(photo.taken_on),
                    "note": photo.note or False,
                    "url": f"/web/image/field.work.order.photo/{photo.id}/image",
                } for photo in photos[order.id]],
                "notes": notes[order.id],
                "signed_by": order.signed_by or False,
                "signed_on": _dt(order.signed_on),
                "history": history.get(order.id, []),
            })
        return result

    def _sync_history(self):
        """{order id: past work at its service address}, newest first, one query for the page.

        "Past work at the address": the other done or verified orders at the same service
        address in the caller's companies, whoever did them. Technicians cannot read those
        orders, so this reads them in SQL, deliberately limited to the reference, the
        completion date, the job type, the lead technician and the first characters of the
        description (docs/security.md). The top ``HISTORY_SIZE + 1`` per address, so that
        each order still has ``HISTORY_SIZE`` once itself is left out.
        """
        addresses = tuple(self.service_partner_id.ids)
        if not addresses:
            return {}
        self.flush_model(["service_partner_id", "state", "active", "company_id", "date_completed",
                          "name", "job_type_id", "user_id", "description"])
        rows = self.env.execute_query_dict(SQL(
            "SELECT id, service_partner_id, name, date_completed, job_type_id, user_id, "
            "description FROM ("
            " SELECT id, service_partner_id, name, date_completed, job_type_id, user_id,"
            " left(description, %(chars)s) AS description, row_number() OVER ("
            "  PARTITION BY service_partner_id ORDER BY date_completed DESC NULLS LAST, id DESC"
            " ) AS rank FROM field_work_order WHERE service_partner_id IN %(addresses)s"
            " AND state IN ('done', 'verified') AND active AND company_id IN %(companies)s"
            ") AS past WHERE rank <= %(rows)s ORDER BY service_partner_id, rank",
            chars=HISTORY_CHARS, addresses=addresses, companies=tuple(self.env.companies.ids),
            rows=HISTORY_SIZE + 1,
        ))
        # Only the names of the job types and lead technicians of those rows.
        job_types = {job_type.id: job_type.name for job_type in self.env["field.work.order.job.type"]
                     .sudo().browse({row["job_type_id"] for row in rows if row["job_type_id"]})}
        users = {user.id: user.name for user in self.env["res.users"].sudo().browse(
            {row["user_id"] for row in rows if row["user_id"]})}
        by_address = defaultdict(list)
        for row in rows:
            by_address[row["service_partner_id"]].append(row)
        return {
            order.id: [{
                "name": row["name"],
                "date_completed": _dt(row["date_completed"]),
                "job_type": job_types.get(row["job_type_id"], False) or False,
                "technician": users.get(row["user_id"], False) or False,
                "description": (row["description"] or "").strip() or False,
            } for row in by_address[order.service_partner_id.id] if row["id"] != order.id][
                :HISTORY_SIZE]
            for order in self
        }

    # ------------------------------------------------------------------
    # Push
    # ------------------------------------------------------------------
    @api.model
    @rpc_checked
    def sync_push(self, operations):
        """Apply a batch of device operations, each once per uuid; one result per operation.

        Each operation runs in its own savepoint, so a bad one fails alone. Its log row
        (unique uuid) is written in the same transaction as its effects: both commit, or
        neither does and a retry applies it then. What every operation would look up again
        is read once for the batch: the orders the caller can see (record rules), their
        lines, and the uuids logged by earlier pushes.
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
        logged = self._sync_logged([op.get("uuid") for op in ops])
        effects = _SyncOpEffects()
        results, notify = [], set()
        for op in ops:
            result = self._sync_push_one(op, orders, logged, effects)
            results.append(result)
            if result["status"] == "applied":
                notify |= effects.notify
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
        ids = {op.get("order_id") for op in ops if self._sync_is_id(op.get("order_id"))}
        orders = self.search([("id", "in", list(ids))], order="id") if ids else self.browse()
        types = {op.get("type") for op in ops if isinstance(op.get("type"), str)}
        fnames = ["name", "state", "create_date", "company_id", "technician_ids", "sync_version"]
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
            "SELECT uuid, user_id, order_id, status, message, version "
            "FROM field_work_order_sync_operation WHERE uuid = ANY(%s)",
            uuids,
        ))}

    def _sync_push_one(self, op, orders, logged, effects):
        """Answer one operation; ``effects`` collects what it changes while it is applied."""
        uuid = op.get("uuid")
        if not self._sync_is_uuid(uuid):
            return self._sync_result(
                uuid if isinstance(uuid, str) and "\x00" not in uuid else False, "error",
                self.env._("Each operation must be a dict with a uuid (a string of 1 to 64 characters)."),
            )
        order_id = op.get("order_id")
        order_id = order_id if self._sync_is_id(order_id) else 0
        op_type = op.get("type") if op.get("type") in OP_TYPES else ""
        first = logged.get(uuid) or self._sync_claim(uuid, order_id, op_type[:32], op.get("at"))
        if first:
            return self._sync_duplicate(uuid, first, orders)
        order = orders.get(order_id, self.browse())  # empty: not visible to the caller
        effects.start()
        try:
            with self.env.cr.savepoint():
                status, message = "applied", ""
                self.with_context(fwo_sync_effects=effects)._sync_apply(op, order)
                self._sync_apply_effects(effects)
        except RETRIED_ERRORS:
            raise
        except (StateConflict, SyncFieldConflict) as exc:
            status, message = "conflict", str(exc)
        except UserError as exc:
            status, message = "error", str(exc)
        except PsycopgError as exc:
            status, message = "error", self.env._("The database refused the operation: %(error)s",
                                         error=str(exc).strip().splitlines()[0])
        except Exception as exc:  # noqa: BLE001 - one bad operation must not fail the batch
            _logger.exception("Sync operation %s failed", uuid)
            status, message = "error", self.env._("Unexpected error: %(error)s", error=str(exc) or repr(exc))
        finally:
            effects.open = False
        result = self._sync_result(uuid, status, message, order_id, order)
        result["_claimed"] = True  # its log row gets the result (one UPDATE for the batch)
        # A uuid repeated later in the same batch answers duplicate with this result.
        logged[uuid] = {"user_id": self.env.uid, "order_id": order_id or None,
                        "status": status, "message": result["message"],
                        "version": result["version"]}
        return result

    def _sync_apply_effects(self, effects):
        """Stamp what the operation changed, once, inside its savepoint.

        The savepoint's flush runs first (pending writes, tracking messages), so whatever
        it changes is collected too; afterwards ``_sync_touch`` stamps right away again.
        """
        self.env.cr.flush()
        effects.open = False
        by_fields = defaultdict(list)
        for order_id, changed in effects.touched.items():
            by_fields[tuple(sorted(changed))].append(order_id)
        for changed, ids in by_fields.items():
            self.browse(ids)._sync_touch(changed)

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

    @api.model
    def _sync_is_id(self, value):
        return isinstance(value, int) and not isinstance(value, bool) and 0 < value <= INT32_MAX

    def _sync_claim(self, uuid, order_id, op_type, at):
        """Insert the uuid's log row; return the first result's row if the uuid was seen.

        Under Odoo's REPEATABLE READ, a row with the same uuid committed by a concurrent
        request that this transaction cannot see makes the insert fail with a serialization
        error: Odoo retries the request, which then sees the row and answers ``duplicate``.
        A concurrent request still running makes this insert wait for its outcome.
        """
        try:
            at = datetime.strptime(at, WIRE_DATETIME)
        except (TypeError, ValueError):
            at = None  # logged as unknown; _sync_apply refuses the operation
        rows = self.env.execute_query(SQL(
            "INSERT INTO field_work_order_sync_operation "
            "(uuid, user_id, order_id, type, status, at, create_uid, create_date, write_uid, "
            "write_date) VALUES (%s, %s, %s, %s, 'pending', %s, %s, now() AT TIME ZONE 'UTC', "
            "%s, now() AT TIME ZONE 'UTC') ON CONFLICT (uuid) DO NOTHING RETURNING id",
            uuid, self.env.uid, order_id or None, op_type, at, self.env.uid, self.env.uid,
        ))
        if rows:
            return None
        return self.env.execute_query_dict(SQL(
            "SELECT user_id, order_id, status, message, version "
            "FROM field_work_order_sync_operation WHERE uuid = %s",
            uuid,
        ))[0]

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

    def _sync_apply(self, op, order):
        """Validate one operation and apply it as the caller; raise UserError to refuse it.

        ``order``: the operation's order as found by ``_sync_push_orders`` (empty when
        the caller cannot see it).
        """
        op_type = op.get("type")
        if op_type not in OP_TYPES:
            raise UserError(self.env._(
                "Unknown operation type %(type)s: use one of %(types)s.",
                type=shown(op_type), types=", ".join(OP_TYPES),
            ))
        if not self._sync_is_id(op.get("order_id")):
            raise UserError(self.env._("order_id must be a work order id (a positive integer)."))
        if not order:
            raise UserError(self.env._(
                "Work order %(id)s does not exist or is not assigned to you.", id=op["order_id"],
            ))
        payload = op.get("payload", {})
        if payload is False:
            payload = {}
        if not isinstance(payload, dict):
            raise UserError(self.env._("payload must be a dict."))
        at = self._sync_parse_datetime(op.get("at"))
        order = order.with_env(self.env)._with_device_time(at, "at")
        if op_type in STATE_OPS:
            getattr(order, STATE_OPS[op_type])()
        else:
            getattr(self, f"_sync_op_{op_type}")(order, payload, op, at)

    def _sync_parse_datetime(self, value, what="at"):
        try:
            return datetime.strptime(value, WIRE_DATETIME)
        except (TypeError, ValueError) as error:
            raise UserError(self.env._(
                "%(what)s must be a UTC time as 'YYYY-MM-DD HH:MM:SS', got %(value)s.",
                what=what, value=shown(value),
            )) from error

    def _sync_check_at(self, order, value, what="at"):
        """The device time of an operation, checked by the order (``_check_device_time``)."""
        at = self._sync_parse_datetime(value, what)
        order._check_device_time(at, what)
        return at

    def _sync_text(self, payload, key, required=True):
        value = payload.get(key, False)
        if value is False and not required:
            return False
        if not isinstance(value, str) or (required and not value.strip()):
            raise UserError(self.env._("payload.%(key)s must be a non-empty text.", key=key))
        if "\x00" in value:
            raise UserError(self.env._("payload.%(key)s contains a NUL character.", key=key))
        if len(value) > MAX_TEXT:
            raise UserError(self.env._("payload.%(key)s is longer than %(max)s characters.", key=key,
                              max=MAX_TEXT))
        return value

    def _sync_op_note(self, order, payload, op, at):
        body = self._sync_text(payload, "body")
        order.message_post(
            body=plaintext2html(body), message_type="comment", subtype_xmlid="mail.mt_note",
            date=at,
        )

    def _sync_op_material(self, order, payload, op, at):
        product_id, quantity = payload.get("product_id"), payload.get("quantity")
        if not self._sync_is_id(product_id):
            raise UserError(self.env._("payload.product_id must be a product id."))
        if (isinstance(quantity, bool) or not isinstance(quantity, (int, float))
                or not 0 < quantity <= MAX_QUANTITY):
            largest = f"{MAX_QUANTITY:,.0f}"
            raise UserError(self.env._(
                "payload.quantity must be a positive number of at most %(max)s, got %(qty)s.",
                max=largest, qty=shown(quantity),
            ))
        lot_name = self._sync_text(payload, "lot_name", required=False)
        # A line of the order already refers to the product (a foreign key): no need to look it up.
        lines = order.material_ids.filtered(lambda line: line.product_id.id == product_id)
        product = lines.product_id[:1] or self.env["product.product"].browse(product_id).exists()
        if not product:
            raise UserError(self.env._("Product %(id)s does not exist.", id=product_id))
        lot = self.env["stock.lot"]
        if lot_name:
            lot = lot.search([
                ("product_id", "=", product.id), ("name", "=", lot_name),
                ("company_id", "in", (order.company_id.id, False)),
            ], limit=1)
            if not lot:
                raise UserError(self.env._(
                    "Lot/serial number %(lot)s does not exist for %(product)s.",
                    lot=lot_name, product=product.display_name,
                ))
        line = lines.filtered(lambda line: line.lot_id == lot)[:1] or (lot and lines.filtered(
            lambda line: not line.lot_id and not line.quantity_used
        )[:1])
        if line:
            vals = {"quantity_used": line.quantity_used + quantity}
            if line.lot_id != lot:
                vals["lot_id"] = lot.id
            line.write(vals)
        else:
            order.env["field.work.order.material"].create({
                "work_order_id": order.id, "product_id": product.id,
                "quantity_used": quantity, "lot_id": lot.id,
            })

    def _sync_op_labor(self, order, payload, op, at):
        start = self._sync_check_at(order, payload.get("date_start"), "payload.date_start")
        end = self._sync_check_at(order, payload.get("date_end"), "payload.date_end")
        if end < start:
            raise UserError(self.env._("payload.date_end is before payload.date_start."))
        order.env["field.work.order.labor"].create({
            "work_order_id": order.id, "user_id": self.env.uid, "date_start": start,
            "date_end": end, "description": self._sync_text(payload, "description", False),
        })

    @api.model
    def _sync_photo_max_mb(self):
        """The setting Largest Synced Photo, in MB (a number: read with sudo, like any setting)."""
        return int(self.env["ir.config_parameter"].sudo().get_param(
            "field_work_order_mobile.photo_max_mb", 10) or 10)

    def _sync_image(self, payload, what):
        """Decoded-size limit (setting) and a real image check, before Odoo stores it."""
        image = payload.get("image")
        if not isinstance(image, str) or not image:
            raise UserError(self.env._("payload.image must be the %(what)s as base64 text.", what=what))
        max_mb = self._sync_photo_max_mb()
        if len(image) * 3 // 4 > max_mb * 1024 * 1024 + 3:
            raise UserError(self.env._(
                "The %(what)s is %(size).1f MB, more than the %(max)s MB allowed.",
                what=what, size=len(image) * 3 / 4 / 1024 / 1024, max=max_mb,
            ))
        try:
            data = base64.b64decode(image, validate=True)
            Image.open(io.BytesIO(data)).verify()
        except Exception:  # noqa: BLE001 - Pillow raises many kinds for bad data
            raise UserError(self.env._(
                "The %(what)s is not a readable image (PNG, JPEG...).", what=what,
            )) from None
        return image

    def _sync_op_photo(self, order, payload, op, at):
        kind = payload.get("kind", "other")
        if kind not in PHOTO_KINDS:
            raise UserError(self.env._("payload.kind must be one of %(kinds)s.", kinds=", ".join(PHOTO_KINDS)))
        order.env["field.work.order.photo"].create({
            "work_order_id": order.id, "kind": kind, "taken_on": at,
            "image": self._sync_image(payload, self.env._("photo")),
            "note": self._sync_text(payload, "note", required=False),
        })

    def _sync_op_signature(self, order, payload, op, at):
        image = self._sync_image(payload, self.env._("signature"))
        order.write({"signature": image, "signed_by": self._sync_text(payload, "signed_by")})

    def _sync_op_checklist(self, order, payload, op, at):
        line_id, done = payload.get("line_id"), payload.get("done", True)
        if not self._sync_is_id(line_id) or not isinstance(done, bool):
            raise UserError(self.env._("payload.line_id must be a checklist line id and done a boolean."))
        # The order's lines as the caller, read for the whole batch by _sync_push_orders.
        line = order.checklist_ids.filtered(lambda line: line.id == line_id)
        if not line:
            raise UserError(self.env._("Checklist line %(id)s is not on %(order)s.", id=line_id,
                              order=order.name))
        line.write({"done": done})

    def _sync_op_set(self, order, payload, op, at):
        values, base = payload.get("fields"), op.get("base_version")
        if not isinstance(values, dict) or not values:
            raise UserError(self.env._("payload.fields must be a dict of field names and values."))
        if isinstance(base, bool) or not isinstance(base, int) or base < 0:
            raise UserError(self.env._("A set operation needs base_version, the order version it edits."))
        unknown = sorted(set(values) - set(SET_FIELDS))
        if unknown:
            raise UserError(self.env._(
                "These fields cannot be set from the app: %(fields)s (allowed: %(allowed)s).",
                fields=", ".join(map(str, unknown)), allowed=", ".join(SET_FIELDS),
            ))
        for name, value in values.items():
            if value is not False and not (isinstance(value, str) and len(value) <= MAX_TEXT
                                           and "\x00" not in value):
                raise UserError(self.env._(
                    "%(field)s must be a text of at most %(max)s characters, without NUL "
                    "characters, or false.", field=name, max=MAX_TEXT,
                ))
        changed = self.env.execute_query(SQL(
            "SELECT sync_fields FROM field_work_order WHERE id = %s", order.id,
        ))[0][0]
        clashes = sorted(
            name for name in values
            if name in changed and changed[name][0] > base and changed[name][1] != self.env.uid
        )
        if clashes:
            raise SyncFieldConflict(self.env._(
                "%(order)s: %(fields)s changed on the server since version %(base)s; "
                "current value: %(current)s.",
                order=order.name, fields=", ".join(clashes), base=base,
                current=", ".join(f"{name}={order[name] or ''!r}" for name in clashes),
            ))
        order.write(values)
