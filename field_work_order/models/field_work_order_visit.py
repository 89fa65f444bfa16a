"""The visit of a maintenance agreement an order fulfils, and its invoicing at the agreed price."""

from odoo import api, fields, models
from odoo.exceptions import UserError
from odoo.tools import SQL


class FieldWorkOrderVisit(models.Model):
    _inherit = "field.work.order"

    agreement_id = fields.Many2one(
        "field.work.order.agreement", string="Agreement", readonly=True, index=True, copy=False,
        check_company=True, ondelete="restrict",
        groups="field_work_order.group_dispatcher,account.group_account_invoice",
        help="The maintenance agreement whose visit this order is (set when the visit is "
        "generated).",
    )
    visit_date = fields.Date(
        readonly=True, copy=False,
        help="The agreement's visit date this order fulfils (one order per site and date).",
    )

    def init(self):
        # The guarantee that a visit is created once, whatever runs concurrently or again.
        self.env.cr.execute(SQL(
            """CREATE UNIQUE INDEX IF NOT EXISTS field_work_order_agreement_visit_uniq
                   ON field_work_order (agreement_id, service_partner_id, visit_date)
                WHERE agreement_id IS NOT NULL"""
        ))
        return super().init()

    def write(self, vals):
        """A visit stays at its customer's site: the unique key of the visit includes it."""
        self._fwo_check_values(vals)  # before reading vals: any caller sends anything
        if {"partner_id", "service_partner_id", "company_id"}.intersection(vals):
            for order in self.sudo().filtered("agreement_id"):
                changed = [
                    name for name in ("partner_id", "service_partner_id", "company_id")
                    if name in vals and order[name].id != vals[name]
                ]
                if changed:
                    raise UserError(self.env._(
                        "%(order)s is the %(date)s visit of agreement %(agreement)s at "
                        "%(site)s: its customer, site and company cannot change. Cancel it and "
                        "create an order of its own instead.", order=order.name,
                        date=fields.Date.to_string(order.visit_date),
                        agreement=order.agreement_id.name,
                        site=order.service_partner_id.display_name,
                    ))
        return super().write(vals)

    @api.ondelete(at_uninstall=False)
    def _unlink_except_agreement_visit(self):
        visit = self.sudo().filtered("agreement_id")[:1]
        if visit:
            raise UserError(self.env._(
                "%(order)s is a visit of agreement %(agreement)s: cancel it instead of deleting "
                "it (a deleted visit would be created again).", order=visit.name,
                agreement=visit.agreement_id.name,
            ))

    def _fwo_callout_charges(self):
        """An agreement's visit is billed at the agreed price (or the period's): no call-out on top."""
        return [] if self.agreement_id else super()._fwo_callout_charges()

    def _fwo_charges(self):
        """Per-visit agreements: the agreed price replaces the hours or the flat rate."""
        agreement = self.agreement_id
        if not agreement:
            return super()._fwo_charges()
        if agreement.price_type != "per_visit":
            raise UserError(self.env._(
                "%(order)s is a visit of %(agreement)s, which is %(pricing)s: the order itself "
                "is not invoiced.", order=self.name, agreement=agreement.name,
                pricing=dict(agreement._fields["price_type"]._description_selection(self.env))[
                    agreement.price_type],
            ))
        product = agreement.product_id
        lines = [{
            "product": product, "quantity": 1.0, "uom": product.uom_id,
            "price_unit": agreement.price, "currency": agreement.currency_id,
            "name": self.env._("%(product)s\n%(order)s - %(agreement)s, visit of %(date)s",
                      product=product.display_name, order=self.name, agreement=agreement.name,
                      date=fields.Date.to_string(self.visit_date)),
        }]
        return lines + self._fwo_material_charges()
