"""Quotes for extra work found on site: options, the customer's choice, and its effects.

A quote offers one to three options (e.g. Repair, Replace, Replace + care);
the customer approves one of them with a signature, or declines. The approved
option's lines join the order as approved extras at the quoted prices: its
products as planned materials, and the invoice bills every line of it under the
quote's name (``_fwo_quote_charges`` in ``field_work_order_invoice.py``).
"""

from datetime import timedelta

from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError
from odoo.fields import Command
from odoo.tools import SQL

from .field_work_order import OPEN_STATES
from .field_work_order_policy import rpc_checked

#: States in which a quote is still being offered, and can change.
OFFERED_STATES = ("draft", "sent")
MAX_OPTIONS = 3
DEFAULT_VALIDITY_DAYS = 30
SIGNER_NAME_LIMIT = 128
REASON_LIMIT = 2000


class FieldWorkOrderQuote(models.Model):
    _name = "field.work.order.quote"
    _description = "Work Order Quote"
    _inherit = ["mail.thread", "field.work.order.policy"]
    _order = "work_order_id, id"
    _check_company_auto = True
    # Technicians build and send quotes on their orders; prices, taxes and every
    # outcome (approval, decline, expiry) are set by the quote's own methods.
    _fwo_technician_fields = frozenset({"work_order_id", "validity_date", "note", "option_ids"})

    name = fields.Char(
        string="Reference", required=True, readonly=True, copy=False,
        default=lambda self: self.env._("New"),
    )
    work_order_id = fields.Many2one(
        "field.work.order", string="Work Order", required=True, index=True, ondelete="cascade",
    )
    company_id = fields.Many2one(
        related="work_order_id.company_id", store=True, index=True, precompute=True,
    )
    partner_id = fields.Many2one(related="work_order_id.partner_id", string="Customer")
    state = fields.Selection(
        [
            ("draft", "Draft"),
            ("sent", "Sent"),
            ("approved", "Approved"),
            ("declined", "Declined"),
            ("expired", "Expired"),
        ],
        default="draft", required=True, readonly=True, copy=False, index=True, tracking=True,
        help="Draft: being prepared, not shown to the customer yet.\n"
        "Sent: offered to the customer, waiting for their answer.\n"
        "Approved: the customer chose one option and signed; its lines are extras of the order.\n"
        "Declined: the customer refused every option.\n"
        "Expired: the validity date passed without an answer.",
    )
    option_ids = fields.One2many(
        "field.work.order.quote.option", "quote_id", string="Options", copy=True,
    )
    validity_date = fields.Date(
        string="Valid Until", tracking=True, copy=False,
        default=lambda self: fields.Date.context_today(self) + timedelta(days=DEFAULT_VALIDITY_DAYS),
        help="The customer may approve the quote until this day included.",
    )
    note = fields.Text(help="Shown to the customer with the options.")
    pricelist_id = fields.Many2one(
        "product.pricelist", string="Pricelist", compute="_compute_pricing", store=True,
        precompute=True, readonly=True,
        help="The customer's pricelist when the quote was made: it sets the lines' prices.",
    )
    fiscal_position_id = fields.Many2one(
        "account.fiscal.position", string="Fiscal Position", compute="_compute_pricing",
        store=True, precompute=True, readonly=True, check_company=True,
        help="Maps the products' taxes for the customer, as on the order's invoice.",
    )
    currency_id = fields.Many2one(
        "res.currency", compute="_compute_pricing", store=True, precompute=True, readonly=True,
    )
    approved_option_id = fields.Many2one(
        "field.work.order.quote.option", string="Approved Option", readonly=True, copy=False,
        tracking=True,
    )
    signature = fields.Image(
        readonly=True, copy=False, attachment=True, max_width=1024, max_height=1024,
        help="The customer's signature approving the option.",
    )
    signer_name = fields.Char(string="Signed By", readonly=True, copy=False, tracking=True)
    approved_date = fields.Datetime(string="Approved On", readonly=True, copy=False)
    decline_reason = fields.Text(readonly=True, copy=False, tracking=True)
    amount_total = fields.Monetary(
        string="Approved Total", compute="_compute_amount_total", currency_field="currency_id",
        help="Total with taxes of the approved option.",
    )

    @api.depends("work_order_id")
    def _compute_pricing(self):
        for quote in self:
            quote.update(self._fwo_pricing_of(quote.work_order_id))

    @api.model
    def _fwo_pricing_of(self, order):
        """The customer's pricelist, currency and fiscal position, as the order's invoice uses them."""
        company = order.company_id or self.env.company
        partner = order.partner_id.with_company(company)
        if not partner:
            return {"pricelist_id": False, "fiscal_position_id": False,
                    "currency_id": company.currency_id.id}
        invoice_partner = self.env["res.partner"].browse(partner.address_get(["invoice"])["invoice"])
        pricelist = partner.property_product_pricelist
        fiscal_position = self.env["account.fiscal.position"].with_company(
            company)._get_fiscal_position(invoice_partner, delivery=order.service_partner_id)
        return {
            "pricelist_id": pricelist.id,
            "fiscal_position_id": fiscal_position.id,
            "currency_id": (pricelist.currency_id or company.currency_id).id,
        }

    @api.depends("approved_option_id.amount_total")
    def _compute_amount_total(self):
        for quote in self:
            quote.amount_total = quote.approved_option_id.amount_total

    # ------------------------------------------------------------------
    # CRUD: an answered quote never changes
    # ------------------------------------------------------------------
    @api.model_create_multi
    def create(self, vals_list):
        for vals in self._fwo_vals_list(vals_list):
            self._fwo_check_write(vals)
        orders = self.env["field.work.order"].browse(
            [vals["work_order_id"] for vals in vals_list if vals.get("work_order_id")]
        )
        orders._fwo_check_quotable()
        counts = dict(self.sudo()._read_group(
            [("work_order_id", "in", orders.ids)], ["work_order_id"], ["__count"],
        ))
        for vals in vals_list:
            order = orders.browse(vals.get("work_order_id"))
            if order and vals.get("name", self.env._("New")) == self.env._("New"):
                counts[order] = counts.get(order, 0) + 1
                vals["name"] = self.env._(
                    "Quote %(number)s for %(order)s", number=counts[order], order=order.name,
                )
        return super().create(vals_list)

    def write(self, vals):
        self._fwo_check_write(vals)
        self._fwo_check_offered(vals)
        if "work_order_id" in vals and any(
            quote.work_order_id.id != vals["work_order_id"] for quote in self
        ):
            raise UserError(self.env._(
                "A quote stays on its work order: create a new quote on the other order.",
            ))
        return super().write(vals)

    @api.ondelete(at_uninstall=False)
    def _unlink_except_answered(self):
        self._fwo_check_offered()
        self._fwo_check_dispatcher(self.env._("delete quotes"))

    def _fwo_check_offered(self, vals=None):
        """Refuse changing answered quotes (approved, declined, expired), whoever asks.

        Mail bookkeeping (followers, messages) is not the quote's content.
        """
        if vals is not None and not any(
            not name.startswith(("message_", "activity_")) for name in vals
        ):
            return
        answered = self.filtered(lambda quote: quote.state not in OFFERED_STATES)
        if answered:
            quote = answered[0]
            raise UserError(self.env._(
                "%(quote)s is %(state)s: it cannot change any more. Create a new quote for other "
                "work.", quote=quote.name, state=quote._fwo_state_label(),
            ))

    def _fwo_state_label(self):
        self.ensure_one()
        return dict(self._fields["state"]._description_selection(self.env))[self.state]

    # ------------------------------------------------------------------
    # Actions: one transition each
    # ------------------------------------------------------------------
    @rpc_checked
    def action_send(self):
        """Offer the quote to the customer (draft → sent)."""
        quotes = self._fwo_check_worker(self.env._("send"))
        for quote in quotes:
            if quote.state != "draft":
                raise UserError(self.env._(
                    "%(quote)s cannot be sent: it is %(state)s, and only a draft quote is sent.",
                    quote=quote.name, state=quote._fwo_state_label(),
                ))
            if not quote.option_ids:
                raise UserError(self.env._(
                    "%(quote)s has no option yet: add at least one option with its lines before "
                    "sending it.", quote=quote.name,
                ))
            empty = quote.option_ids.filtered(lambda option: not option.line_ids)
            if empty:
                raise UserError(self.env._(
                    "%(quote)s: the option %(option)s has no lines. Add lines to it or remove it "
                    "before sending the quote.", quote=quote.name, option=empty[0].name,
                ))
            quote._fwo_check_valid(self.env._("sent"))
        quotes._fwo_as_trusted().write({"state": "sent"})
        quotes._fwo_email_customer()
        return True

    @rpc_checked
    def action_fwo_add_price_book(self):
        """Add the options of the order's job type's price book to this draft quote.

        Products and quantities only: the new lines are priced for the customer
        like any line the caller adds, with the caller's rights.
        """
        quote = self._fwo_check_one(self.env._("fill"))
        quote._fwo_check_worker(self.env._("fill"))
        if quote.state != "draft":
            raise UserError(self.env._(
                "%(quote)s is %(state)s: only a draft quote takes options from the price book.",
                quote=quote.name, state=quote._fwo_state_label(),
            ))
        job_type = quote.work_order_id.job_type_id
        book = job_type.option_ids
        if not book:
            raise UserError(self.env._(
                "%(order)s has no job type with a price book: add its options on the job type "
                "(tab Price Book), or add the options here.", order=quote.work_order_id.name,
            ))
        if len(quote.option_ids) + len(book) > MAX_OPTIONS:
            raise UserError(self.env._(
                "%(quote)s: with the price book of %(job_type)s it would offer %(total)s options, "
                "and a quote offers at most %(max)s. Remove options first.", quote=quote.name,
                job_type=job_type.name, total=len(quote.option_ids) + len(book), max=MAX_OPTIONS,
            ))
        self.env["field.work.order.quote.option"].create([{
            "quote_id": quote.id, "name": option.name,
            "sequence": len(quote.option_ids) + index, "line_ids": [Command.create({
                "product_id": line.product_id.id, "quantity": line.quantity,
                "sequence": line.sequence,
            }) for line in option.line_ids],
        } for index, option in enumerate(book)])
        return True

    @rpc_checked
    def action_approve(self, option_id, signature, signer_name):
        """The customer chose ``option_id`` and signed: the option's lines become extras of the order.

        Exactly once: the quote's row is locked first, so of two approvals at
        once the second waits, then sees the first (Odoo retries it after the
        serialization failure). Approving again with the same option answers
        True and changes nothing; another option is refused.
        """
        quote = self._fwo_check_one(self.env._("approve"))
        quote._fwo_check_worker(self.env._("approve"))
        return quote._fwo_approve(option_id, signature, signer_name)

    def _fwo_approve(self, option_id, signature, signer_name):
        """The approval itself, once the caller was checked: an order's worker
        (``action_approve``) or the order's customer on the portal
        (``_fwo_approve_as_customer``)."""
        quote = self
        quote._fwo_lock()
        if not self._fwo_is_id(option_id):
            raise UserError(self.env._(
                "option_id must be the id of one of the quote's options, not %(value)s.",
                value=repr(option_id)[:40],
            ))
        option = quote.option_ids.filtered(lambda o: o.id == option_id)
        if quote.state == "approved":
            if quote.approved_option_id.id == option_id:
                return True  # a resent approval: already done
            raise UserError(self.env._(
                "%(quote)s is already approved with the option %(option)s: another option cannot "
                "be approved. Create a new quote for other work.",
                quote=quote.name, option=quote.approved_option_id.name,
            ))
        if quote.state not in OFFERED_STATES:
            raise UserError(self.env._(
                "%(quote)s cannot be approved: it is %(state)s.",
                quote=quote.name, state=quote._fwo_state_label(),
            ))
        if not option:
            raise UserError(self.env._(
                "This option is not one of the options of %(quote)s.", quote=quote.name,
            ))
        if not option.line_ids:
            raise UserError(self.env._(
                "%(quote)s: the option %(option)s has no lines, there is nothing to approve.",
                quote=quote.name, option=option.name,
            ))
        quote._fwo_check_valid(self.env._("approved"))
        name = self._fwo_text(
            signer_name, self.env._("The signer's name"), SIGNER_NAME_LIMIT,
            required=self.env._("Enter the name of the person who signs the quote."),
        )
        if not signature:
            raise UserError(self.env._(
                "%(quote)s cannot be approved without the customer's signature.", quote=quote.name,
            ))
        self._fwo_image(signature, self.env._("The signature"))
        quote._fwo_as_trusted().write({
            "state": "approved",
            "approved_option_id": option.id,
            "signature": signature,
            "signer_name": name,
            # Now, or when the customer signed on a phone offline (a checked device time).
            "approved_date": self.env["field.work.order"]._now(),
        })
        quote.work_order_id._fwo_add_approved_extras(option)
        quote.message_post(body=self.env._(
            "%(name)s approved the option %(option)s (%(amount)s %(currency)s with taxes).",
            name=name, option=option.name, amount=option.amount_total,
            currency=quote.currency_id.name,
        ))
        return True

    @rpc_checked
    def action_decline(self, reason):
        """The customer refused every option (draft or sent → declined); nothing is billed."""
        quote = self._fwo_check_one(self.env._("decline"))
        quote._fwo_check_worker(self.env._("decline"))
        return quote._fwo_decline(reason)

    def _fwo_decline(self, reason):
        """The decline itself, once the caller was checked (see ``_fwo_approve``)."""
        quote = self
        quote._fwo_lock()
        text = self._fwo_text(
            reason, self.env._("The reason"), REASON_LIMIT,
            required=self.env._("Tell why the customer declines the quote."),
        )
        if quote.state == "declined":
            return True  # a resent decline: already done
        if quote.state not in OFFERED_STATES:
            raise UserError(self.env._(
                "%(quote)s cannot be declined: it is %(state)s.",
                quote=quote.name, state=quote._fwo_state_label(),
            ))
        quote._fwo_as_trusted().write({"state": "declined", "decline_reason": text})
        return True

    # ------------------------------------------------------------------
    # Checks
    # ------------------------------------------------------------------
    def _fwo_check_one(self, verb):
        if len(self) != 1:
            raise UserError(self.env._("%(verb)s one quote at a time.", verb=verb.capitalize()))
        return self

    def _fwo_check_worker(self, verb):
        """Refuse ``verb`` to anyone but a dispatcher or a technician of the quotes' orders."""
        self.check_access("write")
        if not self._fwo_restricted():
            return self
        for quote in self:
            if self.env.user not in quote.work_order_id.technician_ids:
                raise AccessError(self.env._(
                    "You are not assigned to %(order)s: only its technicians or a dispatcher can "
                    "%(verb)s its quotes.", order=quote.work_order_id.name, verb=verb,
                ))
        return self

    def _fwo_check_valid(self, done):
        """Refuse a quote past its validity date: ``done`` is "sent" or "approved"."""
        self.ensure_one()
        if self.validity_date and self.validity_date < fields.Date.context_today(self):
            raise UserError(self.env._(
                "%(quote)s expired on %(date)s: it can no longer be %(done)s. Create a new quote "
                "with today's prices.", quote=self.name, done=done,
                date=fields.Date.to_string(self.validity_date),
            ))
        order = self.work_order_id
        if order.state not in OPEN_STATES:
            raise UserError(self.env._(
                "%(quote)s cannot be %(done)s: its work order %(order)s is %(state)s.",
                quote=self.name, done=done, order=order.name,
                state=dict(order._fields["state"]._description_selection(self.env))[order.state],
            ))

    def _fwo_lock(self):
        """Hold the quote's row until the transaction ends, then read it again.

        A second approval at the same time waits here; when the first commits,
        PostgreSQL refuses the second ("could not serialize"), Odoo retries the
        request and the retry sees the approved quote.
        """
        self.env.cr.execute(SQL(
            "SELECT id FROM field_work_order_quote WHERE id IN %s FOR NO KEY UPDATE",
            tuple(self.ids),
        ))
        self.invalidate_recordset()

    @api.model
    def _cron_expire(self):
        """Mark the quotes past their validity date without an answer as expired."""
        quotes = self.search([
            ("state", "in", OFFERED_STATES),
            ("validity_date", "<", fields.Date.context_today(self)),
        ])
        quotes._fwo_as_trusted().write({"state": "expired"})
        return True
