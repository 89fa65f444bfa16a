from odoo import fields, models


class ResPartner(models.Model):
    """The customer's and the site's units, one click from the contact."""

    _inherit = "res.partner"

    fwo_equipment_count = fields.Integer(
        compute="_compute_fwo_equipment_counts", string="Equipment Owned",
        groups="field_work_order.group_technician,account.group_account_invoice",
    )
    fwo_site_equipment_count = fields.Integer(
        compute="_compute_fwo_equipment_counts", string="Equipment on Site",
        groups="field_work_order.group_technician,account.group_account_invoice",
    )

    def _compute_fwo_equipment_counts(self):
        """Units owned by the customer (or its contacts) and units installed at the address:
        one grouped query for the whole batch."""
        commercial = self.commercial_partner_id
        groups = self.env["field.work.order.equipment"]._read_group(
            ["|", ("partner_id.commercial_partner_id", "in", commercial.ids),
             ("service_partner_id", "in", self.ids)],
            ["partner_id", "service_partner_id"], ["__count"],
        ) if self.ids else []
        for partner in self:
            partner.fwo_equipment_count = sum(
                count for owner, _site, count in groups
                if owner.commercial_partner_id == partner.commercial_partner_id
            ) if partner == partner.commercial_partner_id else sum(
                count for owner, _site, count in groups if owner == partner
            )
            partner.fwo_site_equipment_count = sum(
                count for _owner, site, count in groups if site == partner
            )

    def _fwo_equipment_action(self, domain):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "field_work_order.field_work_order_equipment_action"
        )
        action.update(domain=domain, context={
            "default_partner_id": self.commercial_partner_id.id,
            "default_service_partner_id": self.id,
        })
        return action

    def action_fwo_view_equipment(self):
        operator = "child_of" if self == self.commercial_partner_id else "="
        return self._fwo_equipment_action([("partner_id", operator, self.id)])

    def action_fwo_view_site_equipment(self):
        return self._fwo_equipment_action([("service_partner_id", "=", self.id)])
