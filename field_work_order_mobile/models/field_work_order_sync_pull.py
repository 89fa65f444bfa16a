"""Pull of the sync protocol: ``sync_pull``, its cursor, the order payload and today's route.

See docs/sync.md ("Pull") for the protocol and why the cursor misses nothing.
"""

import base64
import binascii
import hashlib
import json
from collections import defaultdict

import pytz

from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError
from odoo.tools import SQL, html2plaintext

from odoo.addons.field_work_order.models.field_work_order_policy import rpc_checked

from .field_work_order_sync_line_mixin import wire_datetime

MAX_PAGE = 1000
HISTORY_SIZE = 5  # past orders at the address in a pulled order's ``history``
HISTORY_CHARS = 300  # of their description
CURSOR_VERSION = 2  # 2: readable key names
#: The order's own columns a pulled order shows or its price book needs (read in SQL, see
#: ``_sync_order_rows``).
ORDER_COLUMNS = (
    "name", "sync_version", "state", "priority", "partner_id", "service_partner_id",
    "unit_number", "access_instructions", "site_contact_name", "site_contact_phone",
    "description", "safety_requirements", "job_type_id", "scheduled_start", "scheduled_end",
    "deadline", "date_started", "date_completed", "user_id", "signed_by", "signed_on",
    "company_id",
)
#: The fields of a pulled order's ``service_address`` taken as they are from the address.
ADDRESS_KEYS = ("street", "street2", "city", "zip", "country", "phone")


class FieldWorkOrderSyncPull(models.Model):
    _inherit = "field.work.order"

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
            "route": self._sync_route(),
        }

    def _sync_route(self):
        """The caller's route for today in their time zone: ``get_route``'s answer and ``tz``.

        Carried by the pull so that the app shows the day's route offline; computed by
        the dispatch board's own method, never a second time here.
        """
        tz = self._fwo_route_tz(self.env.user)
        today = pytz.utc.localize(fields.Datetime.now()).astimezone(tz).date()
        return {**self.get_route(self.env.uid, today.isoformat()), "tz": tz.zone}

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
        """Ids hidden from the caller since ``bound`` and not visible again.

        Only of the caller's companies: an order of another company is never named.
        """
        rows = self.env.execute_query(SQL(
            "SELECT DISTINCT order_id FROM field_work_order_sync_tombstone "
            "WHERE txid >= %s AND (user_id = %s OR user_id IS NULL) AND company_id = ANY(%s)",
            bound, self.env.uid, self.env.companies.ids,
        ))
        ids = [row[0] for row in rows]
        if not ids:
            return []
        visible = set(self.search([("id", "in", ids)]).ids)
        return sorted(i for i in ids if i not in visible)

    def _sync_payload(self):
        """The documented order schema (docs/sync.md), a constant number of queries per page.

        Each line model gives its lines of the page in wire form (``_sync_wire``),
        with one query per model; the notes are one query too (``search_fetch``: no
        split in prefetch batches of 1,000 records). The orders' own columns are read
        as rows (``_sync_order_rows``) and their customers, job types and lead
        technicians once each: no field is read order by order through the ORM but
        the technicians.
        """
        materials = self.env["field.work.order.material"]._sync_wire_by_order(self)
        labor = self.env["field.work.order.labor"]._sync_wire_by_order(self)
        checklist = self.env["field.work.order.checklist.line"]._sync_wire_by_order(
            self, order="sequence, id")
        photos = self.env["field.work.order.photo"]._sync_wire_by_order(self, order="taken_on, id")
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
                    "date": wire_datetime(message.date),
                    "body": html2plaintext(message.body or "").strip(),
                })
        rows = self._sync_order_rows()
        history = self._sync_history(rows)
        quotes = self.env["field.work.order.quote"]._sync_wire_by_order(self)
        price_books = self._sync_price_books(materials, rows)
        payments = self._sync_payments()
        equipment = self._sync_equipment_by_order(rows)  # field_work_order_sync_equipment.py
        readings = self.env["field.work.order.reading"]._sync_wire_by_order(
            self, order="taken_on, id")
        partners = self._sync_partners(rows)
        job_types = {job_type.id: job_type.name for job_type in self.env["field.work.order.job.type"]
                     .browse({row["job_type_id"] for row in rows.values() if row["job_type_id"]})}
        users = {user.id: user.name for user in self.env["res.users"].browse(
            {row["user_id"] for row in rows.values() if row["user_id"]})}
        # Not fetch(): for a relation alone it checks the record rules in Python, order by
        # order; a search checks them in its SQL.
        self.search_fetch([("id", "in", self.ids)], ["technician_ids"])
        result = []
        for order in self:
            row = rows[order.id]
            partner = partners[row["partner_id"]]
            address = partners[row["service_partner_id"]]
            result.append({
                "id": order.id,
                "name": row["name"],
                "version": row["sync_version"],
                "state": row["state"],
                "priority": row["priority"],
                "partner": {
                    "id": partner["id"], "name": partner["name"] or "",
                    "phone": partner["phone"], "email": partner["email"],
                },
                "service_address": {
                    "id": address["id"], "name": address["name"] or partner["name"] or "",
                    **{key: address[key] for key in ADDRESS_KEYS},
                },
                "unit_number": row["unit_number"] or False,
                "access_instructions": row["access_instructions"] or False,
                "site_contact_name": row["site_contact_name"] or False,
                "site_contact_phone": row["site_contact_phone"] or False,
                "description": row["description"] or False,
                "safety_requirements": row["safety_requirements"] or False,
                "job_type": job_types.get(row["job_type_id"]) or False,
                "scheduled_start": wire_datetime(row["scheduled_start"]),
                "scheduled_end": wire_datetime(row["scheduled_end"]),
                "deadline": wire_datetime(row["deadline"]),
                "date_started": wire_datetime(row["date_started"]),
                "date_completed": wire_datetime(row["date_completed"]),
                "user_id": row["user_id"] or False,
                "user_name": users.get(row["user_id"]) or False,
                "technician_ids": order.technician_ids.ids,
                "materials": materials[order.id],
                "labor": labor[order.id],
                "checklist": checklist[order.id],
                "photos": photos[order.id],
                "notes": notes[order.id],
                "signed_by": row["signed_by"] or False,
                "signed_on": wire_datetime(row["signed_on"]),
                "history": history.get(order.id, []),
                "quotes": quotes[order.id],
                "price_book": price_books[order.id],
                "payment": payments.get(order.id, False),
                **equipment[order.id],
                "readings": readings[order.id],
            })
        return result

    def _sync_payments(self):
        """{order id: ``_fwo_payment_info``} of the page's orders linked to an invoice.

        Most pulled orders have none (``payment`` false): only the others are looked at.
        """
        self.flush_model(["invoice_ids"])
        return self.browse(row[0] for row in self.env.execute_query(SQL(
            "SELECT DISTINCT work_order_id FROM field_work_order_account_move_rel "
            "WHERE work_order_id IN %s", tuple(self.ids),
        )))._fwo_payment_info() if self else {}

    def _sync_order_rows(self):
        """{order id: its columns in ``ORDER_COLUMNS``} of a page, one query.

        The page's ids come from the caller's own search (record rules, active): its
        columns are read in SQL rather than record by record through the ORM, which
        cost more than the rest of the page together.
        """
        self.flush_recordset(ORDER_COLUMNS)
        return {row["id"]: row for row in self.env.execute_query_dict(SQL(
            "SELECT id, %s FROM field_work_order WHERE id IN %s",
            SQL(", ").join(SQL.identifier(name) for name in ORDER_COLUMNS), tuple(self.ids),
        ))} if self else {}

    def _sync_partners(self, rows):
        """{partner id: its wire fields} of the page's customers and service addresses.

        Read as the caller through the ORM, once per partner rather than once per order;
        ``None`` (no address) gives the empty address.
        """
        ids = {row[key] for row in rows.values() for key in ("partner_id", "service_partner_id")}
        partners = {None: {"id": False, "name": False, "phone": False, "email": False,
                           **dict.fromkeys(ADDRESS_KEYS, False)}}
        for partner in self.env["res.partner"].browse(sorted(ids - {None})):
            partners[partner.id] = {
                "id": partner.id, "name": partner.name, "phone": partner.phone or False,
                "email": partner.email or False, "street": partner.street or False,
                "street2": partner.street2 or False, "city": partner.city or False,
                "zip": partner.zip or False, "country": partner.country_id.name or False,
            }
        return partners

    def _sync_history(self, rows):
        """{order id: past work at its service address}, newest first, one query for the page.

        ``rows``: the orders' columns (``_sync_order_rows``).

        "Past work at the address": the other done or verified orders at the same service
        address in the caller's companies, whoever did them. Technicians cannot read those
        orders, so this reads them in SQL, deliberately limited to the reference, the
        completion date, the job type, the lead technician and the first characters of the
        description (docs/security.md). The top ``HISTORY_SIZE + 1`` per address, so that
        each order still has ``HISTORY_SIZE`` once itself is left out.
        """
        addresses = tuple({row["service_partner_id"] for row in rows.values()} - {None})
        if not addresses:
            return {}
        self.flush_model(["service_partner_id", "state", "active", "company_id", "date_completed",
                          "name", "job_type_id", "user_id", "description"])
        past = self.env.execute_query_dict(SQL(
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
                     .sudo().browse({row["job_type_id"] for row in past if row["job_type_id"]})}
        users = {user.id: user.name for user in self.env["res.users"].sudo().browse(
            {row["user_id"] for row in past if row["user_id"]})}
        by_address = defaultdict(list)
        for row in past:
            by_address[row["service_partner_id"]].append(row)
        return {
            order_id: [{
                "name": row["name"],
                "date_completed": wire_datetime(row["date_completed"]),
                "job_type": job_types.get(row["job_type_id"], False) or False,
                "technician": users.get(row["user_id"], False) or False,
                "description": (row["description"] or "").strip() or False,
            } for row in by_address[rows[order_id]["service_partner_id"]] if row["id"] != order_id][
                :HISTORY_SIZE]
            for order_id in self.ids
        }
