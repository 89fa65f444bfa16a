"""Equipment operations of a push: ``equipment_add``, ``reading``, and units named by other operations.

A unit added offline has no server id yet: later operations of the device name
it by the uuid of its ``equipment_add`` operation (``equipment_ref``, resolved
through the operation log's ``res_id``, like ``quote_ref``). See docs/sync.md
("Equipment").
"""

import math
from collections import defaultdict

from odoo import fields, models
from odoo.exceptions import UserError
from odoo.fields import Command
from odoo.tools import SQL

from odoo.addons.field_work_order.models.field_work_order_policy import shown

from .field_work_order_sync_handlers import SyncAnswer, SyncStateConflict
from .field_work_order_sync_line_mixin import wire_datetime
from .field_work_order_sync_pull import HISTORY_SIZE

NAME_LIMIT = 128  # of a unit's and a measurement's name
SERIAL_LIMIT = 64
LOCATION_LIMIT = 256
ADD_KEYS = frozenset({"name", "serial_number", "product_id", "location_note"})
MAX_READING = 1e12  # of a reading's absolute value: more is a typo or garbage


class SyncSerialConflict(SyncStateConflict):
    """A unit added on site with a serial number already used (the push answers ``conflict``)."""


class FieldWorkOrderSyncEquipment(models.Model):
    _inherit = "field.work.order"

    def _sync_op_equipment_add(self, order, payload, op, at):
        """A unit found on site: owned by the order's customer, at its site, on the order.

        Created as the caller, so the units' policy applies (technicians add units only
        at the sites of their open orders, with the fields they may set); then linked to
        the order, which technicians cannot write themselves.
        """
        unknown = sorted(set(payload) - ADD_KEYS)
        if unknown:  # the owner, warranty and the rest are the office's
            raise UserError(self.env._(
                "An added unit takes only %(keys)s from the app, not %(unknown)s.",
                keys=", ".join(sorted(ADD_KEYS)), unknown=", ".join(map(str, unknown)),
            ))
        name = self._fwo_text(payload.get("name"), "payload.name", NAME_LIMIT, required=self.env._(
            "payload.name must be the unit's name (e.g. Rooftop condenser)."))
        serial = self._fwo_text(payload.get("serial_number", False), "payload.serial_number",
                                SERIAL_LIMIT) or False
        location = self._fwo_text(payload.get("location_note", False), "payload.location_note",
                                  LOCATION_LIMIT) or False
        product_id = payload.get("product_id", False)
        product = self.env["product.product"]
        if product_id is not False:
            if not self._fwo_is_id(product_id):
                raise UserError(self.env._("payload.product_id must be a product id or false."))
            product = product.browse(product_id).exists()
            if not product:
                raise UserError(self.env._("Product %(id)s does not exist.", id=product_id))
        Equipment = order.env["field.work.order.equipment"]
        if serial:
            # Said before the unique index refuses it: the device shows who has the serial.
            used = Equipment.with_context(active_test=False).search([
                ("company_id", "=", order.company_id.id), ("serial_number", "=", serial),
                ("product_id", "=", product.id),
            ], limit=1)
            if used:
                raise SyncSerialConflict(self.env._(
                    "The serial number %(serial)s is already used by the unit %(unit)s at "
                    "%(site)s: it was not added again.",
                    serial=serial, unit=used.display_name, site=used.service_partner_id.display_name,
                ))
        site = order.service_partner_id or order.partner_id
        unit = Equipment.create({
            "name": name, "serial_number": serial, "location_note": location,
            "product_id": product.id, "partner_id": order.partner_id.id,
            "service_partner_id": site.id, "company_id": order.company_id.id,
        })
        # The caller's own checks passed (the unit exists, at the order's site).
        order._fwo_as_trusted().write({"equipment_ids": [Command.link(unit.id)]})
        self.env.cr.execute(SQL(
            "UPDATE field_work_order_sync_operation SET res_id = %s WHERE uuid = %s",
            unit.id, op["uuid"],
        ))
        return SyncAnswer(equipment_id=unit.id)

    def _sync_op_reading(self, order, payload, op, at):
        """One measurement of one of the order's units, its range from the job type."""
        unit = self._sync_equipment_of(order, payload, required=True)
        value = payload.get("value")
        if (isinstance(value, bool) or not isinstance(value, (int, float))
                or not math.isfinite(value) or abs(value) > MAX_READING):
            raise UserError(self.env._(
                "payload.value must be a number, got %(value)s.", value=shown(value),
            ))
        definitions = order.job_type_id.reading_ids
        definition_id = payload.get("definition_id", False)
        if definition_id is not False:
            definition = definitions.filtered(lambda d: d.id == definition_id)
            if not self._fwo_is_id(definition_id) or not definition:
                raise UserError(self.env._(
                    "payload.definition_id must be one of the measurements of %(job_type)s.",
                    job_type=order.job_type_id.display_name or self.env._("the order's job type"),
                ))
            name = definition.name
        else:
            name = self._fwo_text(payload.get("name"), "payload.name", NAME_LIMIT, required=self.env._(
                "payload.name must be the measurement's name (e.g. Suction pressure)."))
            definition = definitions.filtered(lambda d: d.name == name)[:1]
        order.env["field.work.order.reading"].create({
            "equipment_id": unit.id, "work_order_id": order.id, "definition_id": definition.id,
            "name": name, "value": value, "taken_on": at,
        })

    def _sync_equipment_of(self, order, payload, required=False):
        """The unit named by ``payload.equipment_id`` or ``payload.equipment_ref``, as the caller.

        It must be one of the order's units or a unit at its site. Empty when the payload
        names none and ``required`` is false.
        """
        unit_id, ref = payload.get("equipment_id", False), payload.get("equipment_ref", False)
        if unit_id is not False:
            if not self._fwo_is_id(unit_id):
                raise UserError(self.env._("payload.equipment_id must be a unit id."))
        elif ref is not False:
            unit_id = self._sync_equipment_ref(ref)
        elif required:
            raise UserError(self.env._(
                "Name the unit: payload.equipment_id (its id) or payload.equipment_ref (the uuid "
                "of the equipment_add operation that added it).",
            ))
        else:
            return self.env["field.work.order.equipment"]
        unit = order.equipment_ids.filtered(lambda unit: unit.id == unit_id)
        if not unit:
            unit = order.env["field.work.order.equipment"].search([
                ("id", "=", unit_id), ("service_partner_id", "=", order.service_partner_id.id),
            ])
        if not unit:
            raise UserError(self.env._(
                "Unit %(id)s is not one of the units of %(order)s nor at its site (or it was "
                "retired).", id=unit_id, order=order.name,
            ))
        return unit

    def _sync_equipment_ref(self, ref):
        """The id of the unit the caller's ``equipment_add`` operation ``ref`` added."""
        rows = self._sync_is_uuid(ref) and self.env.execute_query_dict(SQL(
            "SELECT user_id, type, res_id FROM field_work_order_sync_operation WHERE uuid = %s",
            ref,
        ))
        if not rows or rows[0]["user_id"] != self.env.uid or rows[0]["type"] != "equipment_add":
            raise UserError(self.env._(
                "payload.equipment_ref %(ref)s is not the uuid of an equipment_add operation of "
                "yours: send it first (in this push or an earlier one).", ref=shown(ref),
            ))
        if not rows[0]["res_id"]:
            raise UserError(self.env._(
                "The equipment_add operation %(ref)s added no unit (it was refused): nothing to "
                "record on.", ref=ref,
            ))
        return rows[0]["res_id"]

    # ------------------------------------------------------------------
    # The units in a pulled order
    # ------------------------------------------------------------------
    def _sync_equipment_by_order(self, rows):
        """{order id: {"equipment_ids", "equipment", "reading_definitions"}} for a pull page.

        ``rows``: the orders' columns (``_sync_order_rows``).

        The units of each order (retired ones too: the order is about them) and the
        units in service at its site, with their last visits: a constant number of
        queries whatever the number of orders and units.
        """
        if not self:
            return {}
        self.flush_model(["equipment_ids"])
        links = defaultdict(list)
        for order_id, unit_id in self.env.execute_query(SQL(
            "SELECT work_order_id, equipment_id FROM field_work_order_equipment_rel "
            "WHERE work_order_id IN %s ORDER BY equipment_id", tuple(self.ids),
        )):
            links[order_id].append(unit_id)
        own_ids = sorted({unit_id for ids in links.values() for unit_id in ids})
        sites = {row["service_partner_id"] for row in rows.values()} - {None}
        # As the caller: the units of their companies (record rules).
        units = self.env["field.work.order.equipment"].with_context(active_test=False).search_fetch(
            ["|", ("id", "in", own_ids),
             "&", ("active", "=", True), ("service_partner_id", "in", list(sites))],
            ["name", "active", "serial_number", "product_id", "manufacturer", "location_note",
             "install_date", "warranty_end", "service_partner_id"],
        )
        visits = self._sync_equipment_visits(units)
        at_site = defaultdict(list)
        for unit in units:
            if unit.active:
                at_site[unit.service_partner_id.id].append(unit)
        by_id = {unit.id: unit for unit in units}
        products = {product.id: product.display_name
                    for product in units.product_id.sudo()}
        definitions = defaultdict(list)
        for definition in self.env["field.work.order.job.type.reading"].search_fetch(
            [("job_type_id", "in", list({row["job_type_id"] for row in rows.values()} - {None}))],
            ["job_type_id", "name", "uom", "min_value", "max_value", "has_range"],
        ):
            definitions[definition.job_type_id.id].append({
                "id": definition.id, "name": definition.name, "uom": definition.uom or False,
                "min_value": definition.min_value, "max_value": definition.max_value,
                "has_range": definition.has_range,
            })
        result = {}
        for order_id in self.ids:
            row = rows[order_id]
            own = [by_id[unit_id] for unit_id in links[order_id] if unit_id in by_id]
            shown_units = own + [unit for unit in at_site[row["service_partner_id"]]
                                 if unit not in own]
            day = row["scheduled_start"] and row["scheduled_start"].date()
            result[order_id] = {
                "equipment_ids": [unit.id for unit in own],
                "equipment": [{
                    "id": unit.id,
                    "name": unit.name,
                    "serial_number": unit.serial_number or False,
                    "product_id": unit.product_id.id or False,
                    "product_name": products.get(unit.product_id.id, False),
                    "manufacturer": unit.manufacturer or False,
                    "location_note": unit.location_note or False,
                    "install_date": fields.Date.to_string(unit.install_date) or False,
                    "warranty_end": fields.Date.to_string(unit.warranty_end) or False,
                    "under_warranty": unit._fwo_under_warranty(day),
                    "active": unit.active,
                    "history": [visit for visit in visits[unit.id]
                                if visit["order_id"] != order_id][:HISTORY_SIZE],
                } for unit in shown_units],
                "reading_definitions": definitions[row["job_type_id"]],
            }
        return result

    def _sync_equipment_visits(self, units):
        """{unit id: its last visits, newest first}, with their readings and parts; four queries.

        A unit's visits are orders the caller may not be able to read (another
        technician's): like ``_sync_history``, they are read in SQL, limited to the
        reference, date, job type, state, the readings and the parts of the unit.
        The top ``HISTORY_SIZE + 1`` per unit, so that each order still has
        ``HISTORY_SIZE`` once itself is left out.
        """
        visits = defaultdict(list)
        if not units:
            return visits
        self.flush_model(["name", "state", "active", "company_id", "date_completed",
                          "scheduled_start", "job_type_id", "equipment_ids"])
        self.env["field.work.order.reading"].flush_model()
        self.env["field.work.order.material"].flush_model()
        rows = self.env.execute_query_dict(SQL(
            "SELECT equipment_id, id, name, date, job_type_id, state FROM ("
            " SELECT rel.equipment_id, o.id, o.name, o.job_type_id, o.state,"
            " COALESCE(o.date_completed, o.scheduled_start) AS date, row_number() OVER ("
            "  PARTITION BY rel.equipment_id"
            "  ORDER BY COALESCE(o.date_completed, o.scheduled_start) DESC NULLS LAST, o.id DESC"
            " ) AS rank FROM field_work_order_equipment_rel rel"
            " JOIN field_work_order o ON o.id = rel.work_order_id"
            " WHERE rel.equipment_id IN %(units)s AND o.active"
            " AND o.state NOT IN ('draft', 'cancelled') AND o.company_id IN %(companies)s"
            ") AS visits WHERE rank <= %(rows)s ORDER BY equipment_id, rank",
            units=tuple(units.ids), companies=tuple(self.env.companies.ids), rows=HISTORY_SIZE + 1,
        ))
        if not rows:
            return visits
        pairs = SQL(", ").join(SQL("(%s, %s)", row["equipment_id"], row["id"]) for row in rows)
        readings, parts = defaultdict(list), defaultdict(list)
        for row in self.env.execute_query_dict(SQL(
            "SELECT r.equipment_id, r.work_order_id, r.name, r.value, r.uom, r.out_of_range "
            "FROM field_work_order_reading r JOIN (VALUES %s) AS v (equipment_id, order_id) "
            "ON r.equipment_id = v.equipment_id AND r.work_order_id = v.order_id "
            "ORDER BY r.taken_on, r.id", pairs,
        )):
            readings[row["equipment_id"], row["work_order_id"]].append({
                "name": row["name"], "value": float(row["value"]), "uom": row["uom"] or False,
                "out_of_range": bool(row["out_of_range"]),
            })
        material_rows = self.env.execute_query_dict(SQL(
            "SELECT m.equipment_id, m.work_order_id, m.product_id, m.quantity_used, l.name AS lot "
            "FROM field_work_order_material m JOIN (VALUES %s) AS v (equipment_id, order_id) "
            "ON m.equipment_id = v.equipment_id AND m.work_order_id = v.order_id "
            "LEFT JOIN stock_lot l ON l.id = m.lot_id WHERE m.quantity_used > 0 ORDER BY m.id",
            pairs,
        ))
        # Only the names of those rows' products and job types.
        names = {product.id: product.display_name for product in self.env["product.product"]
                 .sudo().browse({row["product_id"] for row in material_rows})}
        for row in material_rows:
            parts[row["equipment_id"], row["work_order_id"]].append({
                "product": names[row["product_id"]], "quantity": float(row["quantity_used"]),
                "lot": row["lot"] or False,
            })
        job_types = {job_type.id: job_type.name for job_type in self.env["field.work.order.job.type"]
                     .sudo().browse({row["job_type_id"] for row in rows if row["job_type_id"]})}
        for row in rows:
            key = (row["equipment_id"], row["id"])
            visits[row["equipment_id"]].append({
                "order_id": row["id"],
                "name": row["name"],
                "date": wire_datetime(row["date"]),
                "job_type": job_types.get(row["job_type_id"], False) or False,
                "state": row["state"],
                "readings": readings[key],
                "parts": parts[key],
            })
        return visits
