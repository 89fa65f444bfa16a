"""Invoicing: draft customer invoices from finished orders."""

import math
from collections import defaultdict

import psycopg2

from odoo import api, fields, models
from odoo.exceptions import UserError
from odoo.fields import Command
from odoo.tools import SQL, float_is_zero

from .field_work_order_policy import rpc_checked


class FieldWorkOrderInvoice(models.Model):
    _inherit = "field.work.order"

    billable = fields.Boolean(
        default=True, tracking=True,
        help="Uncheck when the customer is not charged (warranty, maintenance agreement): "
        "the order is then never invoiced.",
    )
    labor_product_id = fields.Many2one(
        "product.product", string="Labor Product", check_company=True, tracking=True,
        compute="_compute_labor_product_id", store=True, readonly=False, precompute=True,
        domain="[('type', '=', 'service'), ('sale_ok', '=', True)]",
        help="Service product priced per hour: each technician's hours are invoiced with it.",
    )
    invoice_ids = fields.Many2many(
        "account.move", "field_work_order_account_move_rel", "work_order_id", "move_id",
        string="Invoices", copy=False, readonly=True, groups="account.group_account_invoice",
    )
    invoice_count = fields.Integer(
        compute="_compute_invoice_count", groups="account.group_account_invoice"
    )
    invoice_status = fields.Selection(
        [("no", "Nothing to Invoice"), ("to_invoice", "To Invoice"), ("invoiced", "Invoiced")],
        compute="_compute_invoice_status", store=True, index=True, copy=False, readonly=True,
        help="Nothing to Invoice: not billable, or not finished yet (see the invoicing setting).\n"
        "To Invoice: finished, billable and without a valid invoice.\n"
        "Invoiced: a customer invoice that is neither cancelled nor fully reversed covers it.",
    )

    @api.depends("company_id")
    def _compute_labor_product_id(self):
        for order in self:
            if not order.labor_product_id:
                order.labor_product_id = order.company_id.fwo_labor_product_id

    @api.depends("invoice_ids")
    def _compute_invoice_count(self):
        for order in self:
            order.invoice_count = len(order.invoice_ids | order.invoice_ids.reversal_move_ids)

    @api.depends(
        "state", "billable", "company_id.fwo_invoice_state",
        "invoice_ids.state", "invoice_ids.payment_state",
    )
    def _compute_invoice_status(self):
        for order in self:
            if order._active_invoices():
                order.invoice_status = "invoiced"
            elif order.billable and order.state in order._invoiceable_states():
                order.invoice_status = "to_invoice"
            else:
                order.invoice_status = "no"

    def _invoiceable_states(self):
        self.ensure_one()
        return ("verified",) if self.company_id.fwo_invoice_state == "verified" else (
            "done", "verified"
        )

    def _active_invoices(self):
        """Invoices that still charge the customer: not cancelled, not reversed in full."""
        return self.invoice_ids.filtered(
            lambda move: move.move_type == "out_invoice" and move.state != "cancel"
            and move.payment_state != "reversed"
        )

    @rpc_checked
    def action_create_invoices(self, grouped=False):
        """Create draft customer invoices and open them.

        One invoice per customer (invoice address, company, currency, fiscal
        position) for the whole batch, or one per order when ``grouped``. The
        batch is all-or-nothing: every order is checked before anything is
        created. Nothing is posted: the accountant reviews and posts.
        """
        if not isinstance(grouped, bool):
            raise UserError(self.env._("grouped must be true (one invoice per order) or false."))
        invoices = self._create_invoices(grouped=grouped)
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "account.action_move_out_invoice_type"
        )
        if len(invoices) == 1:
            action.update(views=[(False, "form")], view_mode="form", res_id=invoices.id)
        else:
            action["domain"] = [("id", "in", invoices.ids)]
        action["context"] = {"default_move_type": "out_invoice"}
        return action

    @rpc_checked
    def action_create_invoices_per_order(self):
        """List-view action: one invoice per order."""
        return self.action_create_invoices(grouped=True)

    @rpc_checked
    def action_view_invoices(self):
        self.ensure_one()
        invoices = self.invoice_ids | self.invoice_ids.reversal_move_ids
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "account.action_move_out_invoice_type"
        )
        action.update(domain=[("id", "in", invoices.ids)], context={"create": False})
        if len(invoices) == 1:
            action.update(views=[(False, "form")], view_mode="form", res_id=invoices.id)
        return action

    def _create_invoices(self, grouped=False):
        """Lock, check and invoice the orders; return the draft invoices."""
        if not self:
            raise UserError(self.env._("Select the work orders to invoice."))
        self.env["account.move"].check_access("create")
        self._lock_for_invoicing()
        charges = self._invoice_charges()
        invoices = self.env["account.move"]
        for company, vals_list in self._prepare_invoice_vals(charges, grouped).items():
            invoices |= invoices.with_company(company).create(vals_list)
        return invoices

    def _lock_for_invoicing(self):
        """Hold the orders' rows until the transaction ends, then re-read them.

        A second accountant invoicing one of these orders at the same time gets
        a clear error instead of waiting; one who started before this commit
        and reaches the rows after it gets a serialization failure (the row was
        updated: invoice_status), so Odoo retries the request, which then sees
        the order as invoiced.
        """
        try:
            with self.env.cr.savepoint(flush=False):
                self.env.cr.execute(SQL(
                    "SELECT id FROM field_work_order WHERE id IN %s FOR NO KEY UPDATE NOWAIT",
                    tuple(self.ids),
                ), log_exceptions=False)
        except psycopg2.errors.LockNotAvailable:
            raise UserError(self.env._(
                "%(orders)s: these work orders are being invoiced by someone else right now. "
                "Reload the list in a moment.", orders=", ".join(self.mapped("name")),
            )) from None
        self.invalidate_recordset()

    def _invoice_charges(self):
        """Check every order and return {order: [charge dicts]}; raise before anything is created.

        A charge is what one invoice line bills: product, quantity, unit of
        measure and label. Prices are computed later, per invoice, unless the
        charge carries an agreed ``price_unit`` (in ``currency``), and with it
        the quoted ``taxes``; ``{"section": title}`` is a section line. ``kind``
        says what a line bills: ``labor`` (hours or flat rate), ``callout`` or ``part``.
        """
        charges = {}
        for order in self:
            if order._active_invoices():
                raise UserError(self.env._(
                    "%(order)s is already invoiced (%(invoices)s).", order=order.name,
                    invoices=", ".join(order._active_invoices().mapped("display_name")),
                ))
            if not order.billable:
                raise UserError(self.env._(
                    "%(order)s is not billable (warranty or maintenance agreement): "
                    "there is nothing to charge.", order=order.name,
                ))
            if order.state not in order._invoiceable_states():
                states = dict(self._fields["state"]._description_selection(self.env))
                raise UserError(self.env._(
                    "%(order)s cannot be invoiced yet: it is %(state)s, and work orders are "
                    "invoiced when %(allowed)s.", order=order.name, state=states[order.state],
                    allowed=" / ".join(states[s] for s in order._invoiceable_states()),
                ))
            lines = (
                order._fwo_charges() + order._fwo_callout_charges() + order._fwo_quote_charges()
            )
            if not lines:
                raise UserError(self.env._(
                    "%(order)s has nothing to invoice: no labor hours, no material used and no "
                    "flat rate.", order=order.name,
                ))
            for line in lines:
                if "section" in line:
                    continue
                product = line["product"].with_company(order.company_id)
                # Odoo would silently fall back to the journal's default account.
                if not product._get_product_accounts()["income"]:
                    raise UserError(self.env._(
                        "%(order)s cannot be invoiced: %(product)s has no income account. "
                        "Set one on the product or its category.",
                        order=order.name, product=product.display_name,
                    ))
            charges[order] = lines
        return charges

    def _fwo_charges(self):
        """The charges of one order: its flat rate or its hours, then its materials."""
        self.ensure_one()
        hour = self.env.ref("uom.product_uom_hour")
        order = self
        job_type = order.job_type_id
        lines = []
        if job_type.billing_type == "flat_rate":
            lines.append({
                "product": job_type.flat_rate_product_id, "quantity": 1.0,
                "uom": job_type.flat_rate_product_id.uom_id, "kind": "labor",
                "name": self.env._("%(product)s\n%(order)s - %(job_type)s (flat rate)",
                          product=job_type.flat_rate_product_id.display_name,
                          order=order.name, job_type=job_type.name),
            })
        else:
            hours = defaultdict(float)
            for labor in order.labor_ids:
                hours[labor.user_id] += labor.duration
            hours = {user: qty for user, qty in hours.items() if qty > 0}
            product = order.labor_product_id
            if hours and not product:
                raise UserError(self.env._(
                    "%(order)s has labor hours but no labor product: set one on the order "
                    "(or a default in the Field Service settings).", order=order.name,
                ))
            if hours and product.uom_id.category_id != hour.category_id:
                raise UserError(self.env._(
                    "%(order)s: the labor product %(product)s must be sold by time "
                    "(its unit is %(uom)s).", order=order.name,
                    product=product.display_name, uom=product.uom_id.name,
                ))
            increment, minimum, _callout = job_type._fwo_billing_rules(order.company_id)
            rules = order._fwo_labor_rules_label(increment, minimum)
            for user in sorted(hours, key=lambda u: (u.name or "", u.id)):
                name = self.env._("%(product)s\n%(order)s - %(technician)s", order=order.name,
                                  product=product.display_name, technician=user.name)
                lines.append({
                    "product": product, "uom": hour, "kind": "labor",
                    "quantity": self._fwo_billed_hours(hours[user], increment, minimum),
                    "name": f"{name} ({rules})" if rules else name,
                })
        return lines + order._fwo_material_charges()

    @api.model
    def _fwo_billed_hours(self, hours, increment, minimum):
        """Hours worked → hours billed: rounded up to ``increment`` minutes, at least ``minimum``.

        Applied to each technician's total on the order (the invoice line), not to
        each labor line: pausing and resuming a job must not cost the customer more.
        """
        minutes = hours * 60.0
        if increment:
            # round() first: 0.5 h is 30.000000000000004 minutes in floats.
            minutes = math.ceil(round(minutes / increment, 6)) * increment
        return max(minutes, minimum) / 60.0

    def _fwo_labor_rules_label(self, increment, minimum):
        """What the labor lines' description says of the rules, e.g. "rounded up to 15 min, minimum 1 h"."""
        parts = []
        if increment:
            parts.append(self.env._("rounded up to %(time)s", time=self._fwo_minutes_label(increment)))
        if minimum:
            parts.append(self.env._("minimum %(time)s", time=self._fwo_minutes_label(minimum)))
        return ", ".join(parts)

    def _fwo_minutes_label(self, minutes):
        hours, minutes = divmod(minutes, 60)
        if not hours:
            return self.env._("%(minutes)s min", minutes=minutes)
        if not minutes:
            return self.env._("%(hours)s h", hours=hours)
        return self.env._("%(hours)s h %(minutes)s min", hours=hours, minutes=minutes)

    def _fwo_callout_charges(self):
        """The call-out (trip) charge of the job type or the company: one per visit.

        A work order is one visit (a return trip is a follow-up order of its own),
        so each invoiced order bills it once, at the product's price for the customer.
        """
        self.ensure_one()
        product = self.job_type_id._fwo_billing_rules(self.company_id)[2]
        if not product:
            return []
        return [{
            "product": product, "quantity": 1.0, "uom": product.uom_id, "kind": "callout",
            "name": self.env._("%(product)s\n%(order)s - call-out", order=self.name,
                               product=product.display_name),
        }]

    def _fwo_material_charges(self):
        """The used materials, unless the order's flat-rate job type includes them.

        What an approved quote line covers is billed with the quote
        (``_fwo_quote_charges``), not again here: the quantity used of its
        product counts first against the quoted quantity, only the rest is billed.
        """
        self.ensure_one()
        job_type = self.job_type_id
        if job_type.billing_type == "flat_rate" and job_type.materials_included:
            return []
        covered = defaultdict(float)  # product: quantity quoted, in the product's unit
        for line in self.extra_line_ids.filtered(lambda line: line.product_id.type == "consu"):
            covered[line.product_id] += line.product_uom_id._compute_quantity(
                line.quantity, line.product_id.uom_id)
        charges = []
        used = self.material_ids.filtered(lambda m: m.quantity_used > 0)
        for material in used.sorted(lambda m: (not m.quote_line_id, m.id)):
            product, uom = material.product_id, material.product_uom_id
            quantity = uom._compute_quantity(material.quantity_used, product.uom_id)
            taken = min(quantity, covered[product])
            covered[product] -= taken
            if float_is_zero(quantity - taken, precision_rounding=product.uom_id.rounding):
                continue
            charges.append({
                "product": product, "quantity": product.uom_id._compute_quantity(
                    quantity - taken, uom) if taken else material.quantity_used,
                "uom": uom, "kind": "part",
                "name": self.env._("%(product)s\n%(order)s", order=self.name,
                          product=product.display_name),
            })
        return charges

    def _fwo_quote_charges(self):
        """The lines of the approved options, under each quote's name, at the quoted prices and taxes."""
        self.ensure_one()
        charges = []
        for quote in self._fwo_approved_quotes().sorted("id"):
            charges.append({"section": quote.name})
            charges.extend({
                "product": line.product_id, "quantity": line.quantity,
                "uom": line.product_uom_id, "name": line.name or line.product_id.display_name,
                "price_unit": line.price_unit, "currency": quote.currency_id,
                "taxes": line.tax_ids,
            } for line in quote.approved_option_id.line_ids)
        return charges

    def _prepare_invoice_vals(self, charges, grouped=False):
        """Invoice values per company, priced the way a sales order line is.

        Unit price: the customer's pricelist price at the completion date in
        the line's unit, then converted when the fiscal position maps the
        product's taxes (a tax-included price becomes the matching
        tax-excluded price); taxes: the product's taxes of the company mapped
        by the customer's fiscal position.
        """
        invoice_partners, customers = {}, {}
        for order in self.sorted("id"):
            company = order.company_id
            partner = order.partner_id.with_company(company)
            if partner not in invoice_partners:
                invoice_partners[partner] = self.env["res.partner"].browse(
                    partner.address_get(["invoice"])["invoice"]
                )
            customers[order] = (company, invoice_partners[partner], order.service_partner_id)
        fiscal_positions = self.env["account.fiscal.position"]._fwo_fiscal_positions(
            set(customers.values()))
        groups = defaultdict(lambda: self.browse())
        for order, (company, invoice_partner, delivery) in customers.items():
            pricelist = order.partner_id.with_company(company).property_product_pricelist
            currency = pricelist.currency_id or company.currency_id
            key = (company, invoice_partner, currency, pricelist,
                   fiscal_positions[company, invoice_partner, delivery])
            groups[key + ((order.id,) if grouped else ())] |= order

        vals_by_company = defaultdict(list)
        for (company, invoice_partner, currency, pricelist, fpos, *_ignored), orders in (
            groups.items()
        ):
            line_commands = []
            for order in orders:
                if len(orders) > 1:
                    line_commands.append(Command.create({
                        "display_type": "line_section",
                        "name": f"{order.name} - {order.service_partner_id.display_name}",
                    }))
                date = order.date_completed or fields.Datetime.now()
                for charge in charges[order]:
                    if "section" in charge:
                        line_commands.append(Command.create({
                            "display_type": "line_section", "name": charge["section"],
                        }))
                        continue
                    product = charge["product"].with_company(company)
                    if "price_unit" in charge:  # an agreed price, not the pricelist's
                        price = charge["currency"]._convert(
                            charge["price_unit"], currency, company, date,
                        )
                    else:
                        price = pricelist._get_product_price(
                            product, charge["quantity"], currency=currency, uom=charge["uom"],
                            date=date,
                        )
                    if "taxes" in charge:  # quoted: price and taxes as the customer approved them
                        taxes = charge["taxes"]
                    else:
                        taxes = product.taxes_id._filter_taxes_by_company(company)
                        price = product._get_tax_included_unit_price_from_price(
                            price, taxes, fiscal_position=fpos,
                        )
                        taxes = fpos.map_tax(taxes)
                    line_commands.append(Command.create({
                        "display_type": "product",
                        "name": charge["name"],
                        "product_id": product.id,
                        "product_uom_id": charge["uom"].id,
                        "quantity": charge["quantity"],
                        "price_unit": price,
                        "tax_ids": [Command.set(taxes.ids)],
                    }))
            vals_by_company[company].append({
                "move_type": "out_invoice",
                "company_id": company.id,
                "partner_id": invoice_partner.id,
                "currency_id": currency.id,
                "fiscal_position_id": fpos.id,
                "invoice_origin": ", ".join(orders.mapped("name")),
                "fwo_order_ids": [Command.set(orders.ids)],
                "invoice_line_ids": line_commands,
            })
        return vals_by_company
