"""Quote and payment operations of a push: ``quote``, ``quote_approve``, ``quote_send``, ``collect_payment``.

A phone offline cannot know the ids the server gives a quote it made: later
operations name such a quote by the uuid of its ``quote`` operation
(``quote_ref``, resolved through the operation log's ``res_id``) and its options
by position (``option_index``). See docs/sync.md ("Quotes and payments").
"""

from odoo import models
from odoo.exceptions import UserError
from odoo.fields import Command
from odoo.tools import SQL

from odoo.addons.field_work_order.models.field_work_order_payment import PAYMENT_METHODS
from odoo.addons.field_work_order.models.field_work_order_policy import shown
from odoo.addons.field_work_order.models.field_work_order_quote import MAX_OPTIONS, OFFERED_STATES

from .field_work_order_sync_handlers import MAX_QUANTITY, SyncAnswer, SyncStateConflict

MAX_OPTION_LINES = 50
OPTION_NAME_LIMIT = 128
PAYMENT_REFERENCE_LIMIT = 128
MAX_AMOUNT = 1e9


class FieldWorkOrderSyncQuote(models.Model):
    _inherit = "field.work.order"

    def _sync_check_quotable(self, order):
        """The order still takes quotes, else a conflict: it was finished or cancelled since."""
        try:
            order._fwo_check_quotable()
        except UserError as exc:
            raise SyncStateConflict(str(exc)) from None

    def _sync_op_quote(self, order, payload, op, at):
        """A draft quote on the order, priced by the server (the customer's pricelist)."""
        self._sync_check_quotable(order)
        options = payload.get("options")
        if not isinstance(options, list) or not 1 <= len(options) <= MAX_OPTIONS:
            raise UserError(self.env._(
                "payload.options must be a list of 1 to %(max)s options, each with a name and "
                "lines.", max=MAX_OPTIONS,
            ))
        send = payload.get("send", False)
        if not isinstance(send, bool):
            raise UserError(self.env._("payload.send must be true or false."))
        note = self._sync_text(payload, "note", required=False)
        option_vals, product_ids = [], set()
        for index, option in enumerate(options):
            option = option if isinstance(option, dict) else {}
            name = self._fwo_text(
                option.get("name"), f"payload.options[{index}].name",
                OPTION_NAME_LIMIT,
                required=self.env._("Each option needs a name (e.g. Repair or Replace)."),
            )
            lines = option.get("lines")
            if not isinstance(lines, list) or not 1 <= len(lines) <= MAX_OPTION_LINES:
                raise UserError(self.env._(
                    "The option %(option)s needs 1 to %(max)s lines, each a product_id and a "
                    "quantity.", option=name, max=MAX_OPTION_LINES,
                ))
            line_vals = []
            for sequence, line in enumerate(lines):
                line = line if isinstance(line, dict) else {}
                product_id, quantity = line.get("product_id"), line.get("quantity", 1.0)
                if not self._fwo_is_id(product_id):
                    raise UserError(self.env._(
                        "The option %(option)s: each line's product_id must be a product id.",
                        option=name,
                    ))
                if (isinstance(quantity, bool) or not isinstance(quantity, (int, float))
                        or not 0 < quantity <= MAX_QUANTITY):
                    raise UserError(self.env._(
                        "The option %(option)s: a line's quantity must be a positive number, "
                        "got %(qty)s.", option=name, qty=shown(quantity),
                    ))
                product_ids.add(product_id)
                line_vals.append(Command.create({
                    "product_id": product_id, "quantity": quantity, "sequence": sequence,
                }))
            option_vals.append(Command.create({"name": name, "sequence": index, "line_ids": line_vals}))
        products = self.env["product.product"].browse(sorted(product_ids)).exists()
        missing = product_ids - set(products.ids)
        if missing:
            raise UserError(self.env._("Product %(id)s does not exist.", id=min(missing)))
        unsold = products.filtered(lambda product: not product.sale_ok)
        if unsold:
            raise UserError(self.env._(
                "%(product)s cannot be sold: it cannot be quoted.", product=unsold[0].display_name,
            ))
        # As the caller: the quote's own rules (technicians: products and quantities only).
        quote = order.env["field.work.order.quote"].create({
            "work_order_id": order.id, "note": note or False, "option_ids": option_vals,
        })
        # Named by later operations of the device (``quote_ref``), in this push or a later one.
        self.env.cr.execute(SQL(
            "UPDATE field_work_order_sync_operation SET res_id = %s WHERE uuid = %s",
            quote.id, op["uuid"],
        ))
        if send:
            quote.action_send()
        return SyncAnswer(quote_id=quote.id)

    def _sync_op_quote_approve(self, order, payload, op, at):
        """The customer chose an option and signed on the phone (``action_approve``)."""
        quote = self._sync_quote_of(order, payload)
        option = self._sync_option_of(quote, payload)
        self._sync_check_quotable(order)
        if quote.state == "approved" and quote.approved_option_id != option:
            raise SyncStateConflict(self.env._(
                "%(quote)s was already approved with the option %(option)s.",
                quote=quote.name, option=quote.approved_option_id.name,
            ))
        if quote.state not in (*OFFERED_STATES, "approved"):
            raise SyncStateConflict(self.env._(
                "%(quote)s is %(state)s: it cannot be approved any more.",
                quote=quote.name, state=quote._fwo_state_label(),
            ))
        signature = payload.get("signature")
        if not isinstance(signature, str) or not signature:
            raise UserError(self.env._(
                "%(quote)s cannot be approved without the customer's signature: "
                "payload.signature must be the signature as base64 text.", quote=quote.name,
            ))
        quote.action_approve(option.id, signature, payload.get("signer_name"))

    def _sync_op_quote_send(self, order, payload, op, at):
        """The quote is offered to the customer (``action_send``); a sent quote stays so."""
        quote = self._sync_quote_of(order, payload)
        self._sync_check_quotable(order)
        if quote.state == "sent":
            return
        if quote.state != "draft":
            raise SyncStateConflict(self.env._(
                "%(quote)s is %(state)s: it cannot be sent any more.",
                quote=quote.name, state=quote._fwo_state_label(),
            ))
        quote.action_send()

    def _sync_op_collect_payment(self, order, payload, op, at):
        """Cash or a cheque taken on site for the order's invoice (``action_collect_payment``)."""
        amount, method = payload.get("amount"), payload.get("method")
        if (isinstance(amount, bool) or not isinstance(amount, (int, float))
                or not 0 < amount <= MAX_AMOUNT):
            raise UserError(self.env._(
                "payload.amount must be the amount collected, a positive number, got %(amount)s.",
                amount=shown(amount),
            ))
        if method not in PAYMENT_METHODS:
            raise UserError(self.env._(
                "payload.method must be one of %(methods)s, got %(method)s.",
                methods=", ".join(PAYMENT_METHODS), method=shown(method),
            ))
        reference = self._fwo_text(
            payload.get("reference", False), "payload.reference", PAYMENT_REFERENCE_LIMIT,
        )
        order.action_collect_payment(amount, method, reference)

    # ------------------------------------------------------------------
    # Naming a quote and an option from the device
    # ------------------------------------------------------------------
    def _sync_quote_of(self, order, payload):
        """The order's quote named by ``payload.quote_id`` or ``payload.quote_ref``, as the caller."""
        quote_id, ref = payload.get("quote_id", False), payload.get("quote_ref", False)
        if quote_id is not False:
            if not self._fwo_is_id(quote_id):
                raise UserError(self.env._("payload.quote_id must be a quote id."))
        elif self._sync_is_uuid(ref):
            rows = self.env.execute_query_dict(SQL(
                "SELECT user_id, type, res_id FROM field_work_order_sync_operation WHERE uuid = %s",
                ref,
            ))
            if not rows or rows[0]["user_id"] != self.env.uid or rows[0]["type"] != "quote":
                raise UserError(self.env._(
                    "payload.quote_ref %(ref)s is not the uuid of a quote operation of yours: send "
                    "the quote operation first (in this push or an earlier one).", ref=shown(ref),
                ))
            if not rows[0]["res_id"]:
                raise UserError(self.env._(
                    "The quote operation %(ref)s made no quote (it was refused): nothing to act on.",
                    ref=ref,
                ))
            quote_id = rows[0]["res_id"]
        else:
            raise UserError(self.env._(
                "Name the quote: payload.quote_id (its id) or payload.quote_ref (the uuid of the "
                "quote operation that made it).",
            ))
        quote = order.quote_ids.filtered(lambda quote: quote.id == quote_id)
        if not quote:
            raise UserError(self.env._(
                "Quote %(id)s is not a quote of %(order)s (or it was deleted).",
                id=quote_id, order=order.name,
            ))
        return quote

    def _sync_option_of(self, quote, payload):
        """The option named by ``payload.option_id``, or ``payload.option_index`` (0: the first)."""
        option_id, index = payload.get("option_id", False), payload.get("option_index", False)
        options = quote.option_ids
        if option_id is not False:
            option = options.filtered(lambda option: option.id == option_id)
            if not self._fwo_is_id(option_id) or not option:
                raise UserError(self.env._(
                    "payload.option_id must be the id of one of the options of %(quote)s.",
                    quote=quote.name,
                ))
            return option
        if isinstance(index, bool) or not isinstance(index, int) or not 0 <= index < len(options):
            raise UserError(self.env._(
                "Name the option: payload.option_id, or payload.option_index from 0 to %(last)s "
                "(%(quote)s has %(count)s options).",
                last=max(len(options) - 1, 0), quote=quote.name, count=len(options),
            ))
        return options[index]
