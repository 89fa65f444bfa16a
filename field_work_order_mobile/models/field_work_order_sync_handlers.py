"""The operations of a push: one explicit table from operation type to handler.

``sync_push`` (field_work_order_sync_push.py) claims, logs and isolates each
operation; here each one is validated and applied as the caller. See
docs/sync.md ("Push") for the payload of each type.
"""

from datetime import datetime

from odoo import api, models
from odoo.exceptions import UserError
from odoo.tools import SQL, plaintext2html

from odoo.addons.field_work_order.models.field_work_order import SITE_FIELDS
from odoo.addons.field_work_order.models.field_work_order_input import MB
from odoo.addons.field_work_order.models.field_work_order_policy import shown

#: Fields a ``set`` operation may change: the site fields technicians may write.
SET_FIELDS = SITE_FIELDS
PHOTO_KINDS = ("before", "after", "other")
MAX_TEXT = 10000
MAX_QUANTITY = 1e9  # of one material operation: more is a typo or garbage
PHOTO_MAX_MB = ("field_work_order_mobile.photo_max_mb", 10)  # (setting, default)
WIRE_DATETIME = "%Y-%m-%d %H:%M:%S"


class SyncFieldConflict(UserError):
    """A ``set`` of fields someone else changed since the device's version."""


class SyncStateConflict(UserError):
    """A transition the order's current state does not allow (the push answers ``conflict``)."""


class SyncAnswer(dict):
    """What a handler adds to its operation's result, e.g. ``{"quote_id": 7}``."""


class FieldWorkOrderSyncHandlers(models.Model):
    _inherit = "field.work.order"

    def _sync_handlers(self):
        """Operation type -> handler ``(order, payload, op, at)``: the table ``sync_push`` follows.

        The transition operations are the transitions of ``_fwo_transitions()`` whose
        ``sync`` is true (a test checks it): each runs the order's own action, whose
        rules and state checks apply, at the device time ``at`` (``_sync_apply``).
        """
        return {
            "start": lambda order, payload, op, at: order._sync_transition("start").action_start(),
            "hold": lambda order, payload, op, at: order._sync_transition("hold").action_hold(),
            "resume": lambda order, payload, op, at: order._sync_transition("resume").action_resume(),
            "complete": lambda order, payload, op, at: (
                order._sync_transition("complete").action_complete()),
            # No status change: tells the customer (once per visit).
            "on_my_way": lambda order, payload, op, at: (
                order._sync_transition("on_my_way").action_on_my_way()),
            "note": self._sync_op_note,
            "material": self._sync_op_material,
            "labor": self._sync_op_labor,
            "photo": self._sync_op_photo,
            "signature": self._sync_op_signature,
            "checklist": self._sync_op_checklist,
            "set": self._sync_op_set,
            # field_work_order_sync_quote.py
            "quote": self._sync_op_quote,
            "quote_approve": self._sync_op_quote_approve,
            "quote_send": self._sync_op_quote_send,
            "collect_payment": self._sync_op_collect_payment,
            # field_work_order_sync_equipment.py
            "equipment_add": self._sync_op_equipment_add,
            "reading": self._sync_op_reading,
        }

    def _sync_transition(self, name):
        """The order, once its state allows transition ``name`` (the table), else a conflict.

        The order's action checks the same again; a refusal here tells the device the
        order changed since (cancelled, put on hold), not that its operation is wrong.
        """
        try:
            self._check_state(self._fwo_transitions()[name]["from"],
                              self._fwo_transition_verbs()[name])
        except UserError as exc:
            raise SyncStateConflict(str(exc)) from None
        return self

    def _sync_apply(self, op, order, handlers):
        """Validate one operation and apply it as the caller; raise UserError to refuse it.

        ``order``: the operation's order as found by ``_sync_push_orders`` (empty when
        the caller cannot see it); ``handlers``: the table of ``_sync_handlers``.
        Returns the handler's ``SyncAnswer`` (keys added to the result), else ``{}``.
        """
        op_type = op.get("type")
        if not isinstance(op_type, str) or op_type not in handlers:
            raise UserError(self.env._(
                "Unknown operation type %(type)s: use one of %(types)s.",
                type=shown(op_type), types=", ".join(handlers),
            ))
        if not self._fwo_is_id(op.get("order_id")):
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
        answer = handlers[op_type](order, payload, op, at)
        return answer if isinstance(answer, SyncAnswer) else {}

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
        """``payload[key]`` through the one text check (``_fwo_text``); False when absent and optional."""
        value = payload.get(key, False)
        if value is False and not required:
            return False
        return self._fwo_text(
            value, f"payload.{key}", MAX_TEXT, plain=False,
            required=required and self.env._("payload.%(key)s must be a non-empty text.", key=key),
        ) or False

    @api.model
    def _sync_photo_max_mb(self):
        """The setting Largest Synced Photo, in MB."""
        return self._fwo_setting(PHOTO_MAX_MB)

    def _sync_image(self, payload, what):
        """``payload["image"]`` through the one image check (``_fwo_image``), with the sync's size limit."""
        image = payload.get("image")
        if not isinstance(image, str) or not image:
            raise UserError(self.env._("payload.image must be the %(what)s as base64 text.", what=what))
        self._fwo_image(image, self.env._("The %(what)s", what=what),
                        max_bytes=self._sync_photo_max_mb() * MB)
        return image

    def _sync_op_note(self, order, payload, op, at):
        body = self._sync_text(payload, "body")
        order.message_post(
            body=plaintext2html(body), message_type="comment", subtype_xmlid="mail.mt_note",
            date=at,
        )

    def _sync_op_material(self, order, payload, op, at):
        if "line_id" in payload:
            return self._sync_material_correction(order, payload)
        product_id, quantity = payload.get("product_id"), payload.get("quantity")
        if not self._fwo_is_id(product_id):
            raise UserError(self.env._("payload.product_id must be a product id."))
        if (isinstance(quantity, bool) or not isinstance(quantity, (int, float))
                or not 0 < quantity <= MAX_QUANTITY):
            largest = f"{MAX_QUANTITY:,.0f}"
            raise UserError(self.env._(
                "payload.quantity must be a positive number of at most %(max)s, got %(qty)s.",
                max=largest, qty=shown(quantity),
            ))
        lot_name = self._sync_text(payload, "lot_name", required=False)
        unit = self._sync_equipment_of(order, payload)
        # A line of the order already refers to the product (a foreign key): no need to look it up.
        lines = order.material_ids.filtered(lambda line: line.product_id.id == product_id)
        # A part named with a unit goes into the unit's own line, or one nobody used yet (it
        # gets tagged); a part without one never into a unit's line.
        lines = lines.filtered(lambda line: line.equipment_id == unit or (
            unit and not line.equipment_id and not line.quantity_used))
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
            if unit and line.equipment_id != unit:
                vals["equipment_id"] = unit.id
            line.write(vals)
        else:
            order.env["field.work.order.material"].create({
                "work_order_id": order.id, "product_id": product.id,
                "quantity_used": quantity, "lot_id": lot.id, "equipment_id": unit.id,
            })

    def _sync_material_correction(self, order, payload):
        """Set a line's used quantity (a mistake fixed on site): the new total, not an addition.

        The line's ``write`` refuses technicians once the order is done (its stock is
        consumed then: later corrections are the office's).
        """
        line_id, quantity = payload.get("line_id"), payload.get("quantity_used")
        if not self._fwo_is_id(line_id):
            raise UserError(self.env._("payload.line_id must be a material line id."))
        if (isinstance(quantity, bool) or not isinstance(quantity, (int, float))
                or not 0 <= quantity <= MAX_QUANTITY):
            largest = f"{MAX_QUANTITY:,.0f}"
            raise UserError(self.env._(
                "payload.quantity_used must be a number from 0 to %(max)s, got %(qty)s.",
                max=largest, qty=shown(quantity),
            ))
        line = order.material_ids.filtered(lambda line: line.id == line_id)
        if not line:
            raise UserError(self.env._("Material line %(id)s is not on %(order)s.", id=line_id,
                                       order=order.name))
        line.write({"quantity_used": quantity})

    def _sync_op_labor(self, order, payload, op, at):
        start = self._sync_check_at(order, payload.get("date_start"), "payload.date_start")
        end = self._sync_check_at(order, payload.get("date_end"), "payload.date_end")
        if end < start:
            raise UserError(self.env._("payload.date_end is before payload.date_start."))
        order.env["field.work.order.labor"].create({
            "work_order_id": order.id, "user_id": self.env.uid, "date_start": start,
            "date_end": end, "description": self._sync_text(payload, "description", False),
        })

    def _sync_op_photo(self, order, payload, op, at):
        kind = payload.get("kind", "other")
        if kind not in PHOTO_KINDS:
            raise UserError(self.env._("payload.kind must be one of %(kinds)s.", kinds=", ".join(PHOTO_KINDS)))
        unit = self._sync_equipment_of(order, payload)
        order.env["field.work.order.photo"].create({
            "work_order_id": order.id, "kind": kind, "taken_on": at, "equipment_id": unit.id,
            "image": self._sync_image(payload, self.env._("photo")),
            "note": self._sync_text(payload, "note", required=False),
        })

    def _sync_op_signature(self, order, payload, op, at):
        image = self._sync_image(payload, self.env._("signature"))
        order.write({"signature": image, "signed_by": self._sync_text(payload, "signed_by")})

    def _sync_op_checklist(self, order, payload, op, at):
        line_id, done = payload.get("line_id"), payload.get("done", True)
        if not self._fwo_is_id(line_id) or not isinstance(done, bool):
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
