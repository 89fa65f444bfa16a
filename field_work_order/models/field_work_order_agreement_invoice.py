"""Per-period invoicing of maintenance agreements: one draft invoice per period begun."""

from datetime import timedelta

import psycopg2
from dateutil.relativedelta import relativedelta

from odoo import api, fields, models
from odoo.exceptions import UserError
from odoo.fields import Command
from odoo.tools import SQL

from .field_work_order_agreement import PERIOD_MONTHS


class FieldWorkOrderAgreementInvoice(models.Model):
    _inherit = "field.work.order.agreement"

    def _due_periods(self, today):
        """[(start, end)] of the periods begun by ``today`` and not invoiced yet.

        A period whose invoice was cancelled or deleted is due again.
        """
        self.ensure_one()
        months = PERIOD_MONTHS[self.invoice_period]
        done = set(self.period_ids.filtered(
            lambda p: p.move_id and p.move_id.state != "cancel"
        ).mapped("date_start"))
        last_day = min(filter(None, [today, self.date_end]))
        if self.visit_count:
            last_day = min(last_day, self.date_start + self._interval(self.visit_count - 1))
        periods, k = [], 0
        while True:
            start = self.date_start + relativedelta(months=k * months)
            if start > last_day:
                break
            if start not in done:
                periods.append((start, self.date_start + relativedelta(months=(k + 1) * months)
                                - timedelta(days=1)))
            k += 1
        return periods

    def action_invoice_period(self):
        """Create one draft customer invoice per agreement and begun period not invoiced yet.

        Periods run from the first visit, a billing period at a time, and are
        invoiced in advance once begun (today in the company's time zone).
        Each period is recorded with its invoice under a unique key, so a
        period is never invoiced twice. Returns the invoices created.
        """
        self.env["account.move"].check_access("create")
        self.check_access("read")
        agreements = self.filtered(lambda a: a.price_type == "per_period")
        if self - agreements:
            raise UserError(self.env._(
                "%(agreement)s is not billed per period: its visits are invoiced with their "
                "orders, or not at all.", agreement=(self - agreements)[0].name,
            ))
        draft = agreements.filtered(lambda a: a.state == "draft")
        if draft:
            raise UserError(self.env._(
                "%(agreement)s is a draft: activate it before invoicing its periods.",
                agreement=draft[0].name,
            ))
        invoices = agreements._invoice_periods()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "account.action_move_out_invoice_type"
        )
        action.update(domain=[("id", "in", invoices.ids)], context={"create": False})
        return action

    @api.model
    def _cron_invoice_periods(self):
        """Monthly: invoice the begun periods of every per-period agreement."""
        agreements = self.search([
            ("price_type", "=", "per_period"), ("state", "in", ("active", "paused", "ended")),
        ])
        for agreement in agreements:
            agreement._invoice_periods()

    def _invoice_periods(self):
        self._lock_for_invoicing()
        # sudo: the invoiced periods are the application's record; invoices are the user's.
        Period = self.env["field.work.order.agreement.period"].sudo()
        invoices = self.env["account.move"]
        for agreement in self:
            due = agreement._due_periods(agreement._today())
            if not due:
                continue
            product = agreement.product_id.with_company(agreement.company_id)
            if not product._get_product_accounts()["income"]:
                raise UserError(self.env._(
                    "%(agreement)s cannot be invoiced: %(product)s has no income account. Set "
                    "one on the product or its category.", agreement=agreement.name,
                    product=product.display_name,
                ))
            freed = {p.date_start: p for p in agreement.period_ids}
            for start, end in due:
                invoice = agreement._create_period_invoice(product, start, end)
                if start in freed:  # its last invoice was cancelled or deleted
                    freed[start].sudo().move_id = invoice
                else:
                    Period.create({
                        "agreement_id": agreement.id, "date_start": start, "date_end": end,
                        "move_id": invoice.id,
                    })
                invoices |= invoice
        return invoices

    def _lock_for_invoicing(self):
        """Hold the agreements' rows so that two runs cannot invoice the same period."""
        try:
            with self.env.cr.savepoint(flush=False):
                self.env.cr.execute(SQL(
                    "SELECT id FROM field_work_order_agreement WHERE id IN %s FOR UPDATE NOWAIT",
                    tuple(self.ids) or (0,),
                ), log_exceptions=False)
        except psycopg2.errors.LockNotAvailable:
            raise UserError(self.env._(
                "These agreements are being invoiced by someone else right now: try again in a "
                "moment."
            )) from None
        self.invalidate_recordset(["period_ids"])

    def _create_period_invoice(self, product, start, end):
        self.ensure_one()
        company = self.company_id
        partner = self.env["res.partner"].browse(
            self.partner_id.address_get(["invoice"])["invoice"]
        )
        fpos = self.env["account.fiscal.position"].with_company(company)._get_fiscal_position(
            partner
        )
        taxes = product.taxes_id._filter_taxes_by_company(company)
        lang = partner.lang or self.env.lang
        label = self.with_context(lang=lang)._period_label(product, start, end)
        return self.env["account.move"].with_company(company).create({
            "move_type": "out_invoice",
            "company_id": company.id,
            "partner_id": partner.id,
            "currency_id": company.currency_id.id,
            "fiscal_position_id": fpos.id,
            "invoice_origin": self.name,
            "invoice_line_ids": [Command.create({
                "display_type": "product",
                "name": label,
                "product_id": product.id,
                "quantity": 1.0,
                "product_uom_id": product.uom_id.id,
                "price_unit": product._get_tax_included_unit_price_from_price(
                    self.price, taxes, fiscal_position=fpos,
                ),
                "tax_ids": [Command.set(fpos.map_tax(taxes).ids)],
            })],
        })

    def _period_label(self, product, start, end):
        return self.env._(
            "%(product)s\n%(agreement)s: %(start)s - %(end)s", product=product.display_name,
            agreement=self.name, start=fields.Date.to_string(start), end=fields.Date.to_string(end),
        )
