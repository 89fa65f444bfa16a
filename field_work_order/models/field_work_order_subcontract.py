"""Subcontracting: an order done by a vendor, who answers and works through the portal.

The vendor's portal users read the orders assigned to their company (record
rules) and write nothing directly: every change goes through the methods
below and the order's own actions (Start, Hold, Resume, Complete), which
check that the user works for the order's subcontractor, that the vendor
accepted the job and the order's status, then write with the rights of the
application (``_fwo_subcontract_sudo``).

A subcontractor brings their own parts: the planned materials of a
subcontracted order tell the vendor what the job needs, and nothing is
reserved at scheduling or consumed at completion from our stock. Labor is not
recorded either: the vendor is paid the agreed price, by the draft vendor
bill made when a dispatcher verifies the work.
"""

import base64

from markupsafe import Markup, escape

from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError
from odoo.fields import Command
from odoo.tools.misc import formatLang

from .field_work_order_policy import rpc_checked

#: Order states in which the vendor records their work (photos, notes, checklist).
WORK_STATES = ("scheduled", "in_progress", "on_hold")
#: Longest note, photo note or decline reason of a vendor (characters).
NOTE_LIMIT = 4000


class FieldWorkOrderSubcontract(models.Model):
    _inherit = "field.work.order"

    currency_id = fields.Many2one(related="company_id.currency_id")
    # Internal users only: the customer's portal reads the order too, never what the vendor costs.
    subcontract_price = fields.Monetary(
        string="Agreed Price", tracking=True, copy=False, groups="base.group_user",
        help="What the subcontractor is paid for the job (without taxes): the draft vendor bill "
        "made when the order is verified charges it.",
    )
    subcontract_portal_price = fields.Monetary(
        string="Agreed Price (Subcontractor)", compute="_compute_subcontract_portal_price",
        help="The agreed price as the subcontractor's portal users read it; zero for any other "
        "portal user.",
    )
    subcontract_state = fields.Selection(
        [("to_accept", "To Accept"), ("accepted", "Accepted"), ("declined", "Declined")],
        string="Subcontractor Answer", compute="_compute_subcontract_state", store=True,
        precompute=True, readonly=True, copy=False, index=True, tracking=True,
        help="To Accept: the subcontractor has not answered yet; they cannot start before "
        "accepting.\nAccepted: they will do the job.\nDeclined: they refused it (see the "
        "reason); the order went back to Draft without a subcontractor.",
    )
    subcontract_decline_reason = fields.Text(
        string="Decline Reason", compute="_compute_subcontract_state", store=True,
        precompute=True, readonly=True, copy=False,
        groups="base.group_user",  # the vendor's words to the office, not the customer's to read
    )
    vendor_bill_id = fields.Many2one(
        "account.move", string="Vendor Bill", compute="_compute_vendor_bill_id",
        groups="account.group_account_invoice",
        help="The subcontractor's draft bill for the agreed price, made when the order was "
        "verified.",
    )

    @api.depends("subcontractor_id")
    def _compute_subcontract_state(self):
        """A new subcontractor has to answer; a decline stays visible until someone else is assigned."""
        for order in self:
            if order.subcontractor_id:
                order.subcontract_state = "to_accept"
                order.subcontract_decline_reason = False
            elif order.subcontract_state != "declined":
                order.subcontract_state = False
                order.subcontract_decline_reason = False

    @api.depends_context("uid")
    def _compute_subcontract_portal_price(self):
        for order in self:
            visible = not self.env.user.share or order._portal_is_subcontractor()
            order.subcontract_portal_price = order.sudo().subcontract_price if visible else 0.0

    def _compute_vendor_bill_id(self):
        bills = self.env["account.move"].search([("fwo_subcontract_order_id", "in", self.ids)])
        for order in self:
            order.vendor_bill_id = bills.filtered(lambda b, o=order: b.fwo_subcontract_order_id == o)

    # ------------------------------------------------------------------
    # Who may answer and work: the vendor's portal users, or a dispatcher.
    # ------------------------------------------------------------------
    def _portal_is_subcontractor(self):
        """Whether the visitor is a portal user of this order's subcontractor (their part of the page)."""
        self.ensure_one()
        user = self.env.user
        vendor = self.subcontractor_id.commercial_partner_id
        return bool(user.share and vendor and vendor == user.commercial_partner_id)

    def _check_subcontract_state(self, allowed, action):
        states = dict(self._fields["subcontract_state"]._description_selection(self.env))
        for order in self:
            if order.subcontract_state not in allowed:
                raise UserError(self.env._(
                    "Cannot %(action)s %(order)s: the subcontractor's answer is %(state)s "
                    "(allowed when: %(allowed)s).", action=action, order=order.name,
                    state=states.get(order.subcontract_state, self.env._("none")),
                    allowed=", ".join(states[s] for s in allowed),
                ))

    def _check_can_work(self, action):
        """Subcontracted orders: the vendor's portal users or a dispatcher, once the vendor accepted.

        The vendor's portal users then act through the order's own transitions
        with the rights to write it (``_fwo_subcontract_sudo``).
        """
        if self.env.user.share:
            orders = self._fwo_subcontract_sudo(action)
        else:
            orders = super()._check_can_work(action)
        for order in self.filtered("subcontractor_id"):
            if order.subcontract_state != "accepted":
                raise UserError(self.env._(
                    "Cannot %(action)s %(order)s: %(vendor)s has not accepted the job yet.",
                    action=action, order=order.name, vendor=order.subcontractor_id.display_name,
                ))
        return orders

    # Side effects of the transitions that do not apply to a vendor's job.
    def _internal_orders(self):
        return self.filtered(lambda order: not order.subcontractor_id)

    def _open_labor(self, when):
        orders = self._internal_orders()
        return super(FieldWorkOrderSubcontract, orders)._open_labor(when) if orders else None

    def _close_labor(self, when):
        orders = self._internal_orders()
        return super(FieldWorkOrderSubcontract, orders)._close_labor(when) if orders else None

    def _prepare_materials(self, materials=None):
        orders = self._internal_orders()
        return super(FieldWorkOrderSubcontract, orders)._prepare_materials(materials) if orders else True

    def _plan_consumption(self):
        orders = self._internal_orders()
        return super(FieldWorkOrderSubcontract, orders)._plan_consumption() if orders else []

    # ------------------------------------------------------------------
    # The vendor's answer.
    # ------------------------------------------------------------------
    @rpc_checked
    def action_subcontract_accept(self):
        """The subcontractor takes the job (a dispatcher may record it for them)."""
        self._check_subcontractor(self.env._("accept"))
        self._check_state(("draft", "scheduled"), self.env._("accept"))
        self._check_subcontract_state(("to_accept",), self.env._("accept"))
        orders = self._fwo_subcontract_sudo(self.env._("accept"))
        orders._fwo_as_trusted().write({"subcontract_state": "accepted"})
        for order in orders:
            order.message_post(body=self.env._(
                "%(vendor)s accepted the job.", vendor=order.subcontractor_id.display_name
            ))
        self._notify_dispatchers()
        return True

    @rpc_checked
    def action_subcontract_decline(self, reason):
        """The subcontractor refuses the job: it goes back to the dispatcher to plan again.

        The order returns to Draft without a subcontractor, as a new request:
        it shows in the dispatcher's column of orders to plan, the vendor who
        declined no longer sees it, and the dispatcher assigns a technician or
        another vendor (and a new time if needed) and schedules it again. The
        reason stays on the order, in its chatter and in a to-do for the
        dispatcher.
        """
        orders = self._fwo_check_transition("decline")
        self._check_subcontract_state(("to_accept", "accepted"), self.env._("decline"))
        if not isinstance(reason, str) or not reason.strip():
            raise UserError(self.env._(
                "Say why you decline the job: the dispatcher needs the reason to plan it again."
            ))
        reason = self._fwo_text(reason, self.env._("Reason"), NOTE_LIMIT)
        for order in orders:
            vendor = order.subcontractor_id
            dispatcher = order._subcontract_dispatcher()
            order._fwo_write_transition("decline", {
                "subcontractor_id": False, "subcontract_state": "declined",
                "subcontract_decline_reason": reason,
            })
            order.message_post(
                body=Markup("<p><b>%s</b></p><p>%s</p>") % (
                    self.env._("%(vendor)s declined the job", vendor=vendor.display_name), escape(reason),
                ),
                subtype_xmlid="mail.mt_note",
            )
            if dispatcher:
                order.activity_schedule(
                    "mail.mail_activity_data_todo", user_id=dispatcher.id,
                    summary=self.env._("Declined by %(vendor)s: assign someone else", vendor=vendor.name),
                    note=escape(reason),
                )
        return orders._fwo_after_transition("decline")

    def _subcontract_dispatcher(self):
        """Who plans the order again: its creator if a dispatcher, else the company's first one."""
        self.ensure_one()
        users = self.env.ref("field_work_order.group_dispatcher").sudo().users.filtered(
            lambda u: not u.share and not u._is_superuser() and self.company_id in u.company_ids
        )
        creator = self.sudo().create_uid
        return creator if creator in users else users.sorted("id")[:1]

    # ------------------------------------------------------------------
    # What the vendor records on an accepted job (portal users call these).
    # ------------------------------------------------------------------
    def _check_subcontract_work(self, action):
        """Orders the vendor may record work on, with the rights to write them."""
        self._check_subcontractor(action)
        self._check_state(WORK_STATES, action)
        self._check_subcontract_state(("accepted",), action)
        return self._fwo_subcontract_sudo(action)

    @rpc_checked
    def portal_add_photo(self, image, kind="other", note=None):
        """Add a photo (base64 image) to the order; returns the photo's id.

        The photo is checked as the customer's portal photos are (``_fwo_image``).
        """
        self.ensure_one()
        if not image or not isinstance(image, (str, bytes)):
            raise UserError(self.env._("Choose a photo to add."))
        kinds = dict(self.env["field.work.order.photo"]._fields["kind"]._description_selection(self.env))
        if not isinstance(kind, str) or kind not in kinds or not isinstance(note, (str, type(None))):
            raise UserError(self.env._(
                "A photo is of one of these kinds: %(kinds)s, with an optional note as text.",
                kinds=", ".join(kinds.values()),
            ))
        order = self._check_subcontract_work(self.env._("add a photo to"))
        note = self._fwo_text(note, self.env._("Note"), NOTE_LIMIT)
        content = self._fwo_image(image, self.env._("The photo"))
        photo = self.env["field.work.order.photo"].sudo().create({
            "work_order_id": order.id, "image": base64.b64encode(content), "kind": kind,
            "note": note or False,
        })
        order.message_post(body=self.env._("Photo added: %(note)s", note=note) if note else self.env._("Photo added."))
        return photo.id

    @rpc_checked
    def portal_add_note(self, body):
        """Post the vendor's note on the order's chatter; returns the message id."""
        self.ensure_one()
        if not isinstance(body, str) or not body.strip():
            raise UserError(self.env._("Write the note before sending it."))
        body = self._fwo_text(body, self.env._("Note"), NOTE_LIMIT)
        order = self._check_subcontract_work(self.env._("add a note to"))
        return order.message_post(
            body=body, message_type="comment", subtype_xmlid="mail.mt_comment"
        ).id

    @rpc_checked
    def portal_set_checklist_item(self, line_id, done=True):
        """Tick (or untick) one checklist item of the order."""
        self.ensure_one()
        order = self._check_subcontract_work(self.env._("tick the checklist of"))
        line = order.checklist_ids.filtered(lambda item: item.id == line_id) if self._fwo_is_id(
            line_id) else order.checklist_ids.browse()
        if not line:
            raise UserError(self.env._("This checklist item is not on %(order)s.", order=self.name))
        line.done = bool(done)
        return True

    # ------------------------------------------------------------------
    # Verification: the vendor bill.
    # ------------------------------------------------------------------
    def _fwo_after_transition(self, name):
        """Verified: each subcontracted order's draft vendor bill (once).

        Never twice: the status written by the verification holds the order's
        row until the transaction ends, so a concurrent verification waits and
        then fails to serialize (Odoo retries it: the order is verified); the
        unique link of a bill to its order (``account.move``) is the last guard.
        """
        if name == "verify":
            to_bill = self.filtered(lambda order: order.subcontractor_id and order.subcontract_price)
            if to_bill:
                to_bill._create_vendor_bills(to_bill._subcontract_bill_product())
        return super()._fwo_after_transition(name)

    @api.model
    def _subcontract_bill_product(self):
        """The service product of the vendor bills; refuse it without an expense account."""
        product = self.env.ref("field_work_order.product_product_subcontract", raise_if_not_found=False)
        if not product or not product.active:
            raise UserError(self.env._(
                "The product Subcontracted Field Service is missing or archived: the vendor bill "
                "of a subcontracted order needs it. Restore it (Inventory or Invoicing > Products)."
            ))
        for company in self.company_id:
            if not product.with_company(company)._get_product_accounts()["expense"]:
                raise UserError(self.env._(
                    "%(product)s has no expense account in %(company)s: the vendor bill cannot be "
                    "made. Set one on the product or its category.",
                    product=product.display_name, company=company.name,
                ))
        return product

    def _create_vendor_bills(self, product):
        """One draft vendor bill per order for its agreed price; orders already billed are skipped.

        Made with the application's rights: dispatchers verify without being
        accountants, and the accountant reviews and posts the bill.
        """
        Move = self.env["account.move"].sudo()
        billed = Move.search([("fwo_subcontract_order_id", "in", self.ids)]).fwo_subcontract_order_id
        bills = Move
        for order in self - billed:
            company = order.company_id
            vendor = order.subcontractor_id.with_company(company)
            fpos = self.env["account.fiscal.position"].with_company(company)._get_fiscal_position(
                vendor
            )
            taxes = product.supplier_taxes_id._filter_taxes_by_company(company)
            label = self.env._("%(order)s - %(scope)s", order=order.name, scope=order.description) if (
                order.description
            ) else order.name
            bills |= Move.with_company(company).create({
                "move_type": "in_invoice",
                "company_id": company.id,
                "partner_id": vendor.id,
                "currency_id": company.currency_id.id,
                "fiscal_position_id": fpos.id,
                "invoice_origin": order.name,
                "fwo_subcontract_order_id": order.id,
                "invoice_line_ids": [Command.create({
                    "display_type": "product",
                    "name": label,
                    "product_id": product.id,
                    "quantity": 1.0,
                    "product_uom_id": product.uom_id.id,
                    "price_unit": product._get_tax_included_unit_price_from_price(
                        order.subcontract_price, taxes, fiscal_position=fpos,
                    ),
                    "tax_ids": [Command.set(fpos.map_tax(taxes).ids)],
                })],
            })
        for bill in bills:
            bill.fwo_subcontract_order_id.message_post(body=self.env._(
                "Draft vendor bill for %(vendor)s created: %(amount)s.",
                vendor=bill.partner_id.display_name,
                amount=bill.fwo_subcontract_order_id._format_subcontract_price(),
            ))
        return bills

    def _format_subcontract_price(self):
        self.ensure_one()
        return formatLang(self.env, self.subcontract_price, currency_obj=self.currency_id)

    @rpc_checked
    def action_view_vendor_bill(self):
        self.ensure_one()
        if not self.env.user.has_group("account.group_account_invoice"):
            raise AccessError(self.env._("Only invoicing users can open the vendor bills of work orders."))
        action = self.env["ir.actions.act_window"]._for_xml_id("account.action_move_in_invoice_type")
        action.update(
            views=[(False, "form")], view_mode="form", res_id=self.vendor_bill_id.id,
            context={"create": False},
        )
        return action
