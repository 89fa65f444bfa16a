"""Quotes on the order and what an approved one adds: extras at the quoted prices."""

from odoo import api, fields, models
from odoo.exceptions import UserError

from .field_work_order import OPEN_STATES, FieldWorkOrder
from .field_work_order_policy import rpc_checked


class FieldWorkOrderExtras(models.Model):
    _inherit = "field.work.order"
    # Technicians make quotes on their orders, from the order's form too (the quotes' own
    # rules apply to what they write in them).
    _fwo_technician_fields = FieldWorkOrder._fwo_technician_fields | {"quote_ids"}

    quote_ids = fields.One2many("field.work.order.quote", "work_order_id", string="Quotes")
    quote_count = fields.Integer(compute="_compute_quote_count")
    extra_line_ids = fields.Many2many(
        "field.work.order.quote.line", string="Approved Extras", compute="_compute_extra_line_ids",
        help="The lines of the approved options of the order's quotes: billed at the quoted prices.",
    )

    @api.depends("quote_ids")
    def _compute_quote_count(self):
        for order in self:
            order.quote_count = len(order.quote_ids)

    @api.depends("quote_ids.state", "quote_ids.approved_option_id")
    def _compute_extra_line_ids(self):
        for order in self:
            order.extra_line_ids = order._fwo_approved_quotes().approved_option_id.line_ids

    def _fwo_approved_quotes(self):
        return self.quote_ids.filtered(lambda quote: quote.state == "approved")

    def _fwo_check_quotable(self):
        """Quotes are made for work still to do: refuse them on closed or cancelled orders."""
        states = dict(self._fields["state"]._description_selection(self.env))
        for order in self:
            if order.state not in OPEN_STATES:
                raise UserError(self.env._(
                    "%(order)s is %(state)s: quotes are made on orders still to be done.",
                    order=order.name, state=states[order.state],
                ))

    def _fwo_add_approved_extras(self, option):
        """The approved ``option``'s products become planned materials of the order.

        Its services have no line of their own on the order: the invoice bills
        every line of the option from the quote (``_fwo_quote_charges``).
        """
        self.ensure_one()
        products = option.line_ids.filtered(lambda line: line.product_id.type == "consu")
        if not products:
            return self.env["field.work.order.material"]
        materials = self.env["field.work.order.material"]._fwo_as_trusted().create([{
            "work_order_id": self.id,
            "product_id": line.product_id.id,
            "product_uom_qty": line.quantity,
            "product_uom_id": line.product_uom_id.id,
            "quote_line_id": line.id,
        } for line in products])
        if self.state != "draft":  # draft orders prepare all their parts when scheduled
            self._prepare_materials(materials)
        return materials

    def _fwo_quote_dispatchers(self):
        """Who hears of a customer's answer to a quote: the order's creator when a
        dispatcher, else the dispatchers of the order's company."""
        self.ensure_one()
        # sudo: users of the dispatcher group, to address a note; nothing is shown.
        users = self.env.ref("field_work_order.group_dispatcher").sudo().users.filtered(
            lambda u: not u.share and not u._is_superuser() and self.company_id in u.company_ids
        )
        creator = self.sudo().create_uid
        return creator if creator in users else users

    @rpc_checked
    def action_view_quotes(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "field_work_order.field_work_order_quote_action"
        )
        action["domain"] = [("work_order_id", "=", self.id)]
        action["context"] = {"default_work_order_id": self.id}
        if len(self.quote_ids) == 1:
            action.update(views=[(False, "form")], view_mode="form", res_id=self.quote_ids.id)
        return action
