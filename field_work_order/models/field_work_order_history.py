"""The order's history: earlier orders at its service address and of its customer."""

from markupsafe import Markup

from odoo import api, fields, models

from .field_work_order_policy import rpc_checked


class FieldWorkOrderHistory(models.Model):
    _inherit = "field.work.order"

    service_history = fields.Html(
        compute="_compute_service_history", sanitize=False,
        help="Earlier orders at this service address, whoever did them.",
    )
    service_order_count = fields.Integer(compute="_compute_history_counts")
    partner_order_count = fields.Integer(compute="_compute_history_counts")

    @api.depends("service_partner_id")
    def _compute_service_history(self):
        # sudo: technicians see a read-only summary (date, job type, outcome) of
        # earlier orders at the address without access to those records.
        past = self.sudo().search([
            ("service_partner_id", "in", self.service_partner_id.ids),
            ("id", "not in", self._origin.ids),
            ("company_id", "in", self.env.companies.ids),
            ("state", "in", ("done", "verified", "cancelled")),
        ], order="date_completed desc, id desc")
        states = dict(self._fields["state"]._description_selection(self.env))
        for order in self:
            rows = [p for p in past if p.service_partner_id == order.service_partner_id][:10]
            if not rows:
                order.service_history = False
                continue
            body = Markup("").join(
                Markup("<tr><td>%s</td><td>%s</td><td>%s</td><td>%s</td></tr>") % (
                    p.name,
                    fields.Date.to_string(p.date_completed) if p.date_completed else "",
                    p.job_type_id.name or "",
                    states[p.state],
                )
                for p in rows
            )
            order.service_history = Markup(
                "<table class='table table-sm'><thead><tr><th>%s</th><th>%s</th><th>%s</th>"
                "<th>%s</th></tr></thead><tbody>%s</tbody></table>"
            ) % (self.env._("Reference"), self.env._("Date"), self.env._("Job Type"), self.env._("Outcome"), body)

    def _compute_history_counts(self):
        by_address = dict(self._read_group(
            [("service_partner_id", "in", self.service_partner_id.ids)],
            ["service_partner_id"], ["__count"],
        ))
        by_partner = dict(self._read_group(
            [("partner_id", "in", self.partner_id.ids)], ["partner_id"], ["__count"],
        ))
        for order in self:
            order.service_order_count = by_address.get(order.service_partner_id, 0)
            order.partner_order_count = by_partner.get(order.partner_id, 0)

    @rpc_checked
    def action_view_service_history(self):
        self._check_dispatcher(self.env._("list the orders at the address of"))
        return self._history_action(
            [("service_partner_id", "=", self.service_partner_id.id)], self.env._("Orders at this Address")
        )

    @rpc_checked
    def action_view_partner_history(self):
        self._check_dispatcher(self.env._("list the customer orders of"))
        return self._history_action([("partner_id", "=", self.partner_id.id)], self.env._("Customer Orders"))

    def _history_action(self, domain, name):
        self.ensure_one()
        self.check_access("read")
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "field_work_order.field_work_order_action"
        )
        action.update(name=name, domain=domain, context={"create": False})
        return action
