from odoo import api, fields, models
from odoo.exceptions import UserError


class ResUsers(models.Model):
    _inherit = "res.users"

    fwo_van_location_id = fields.Many2one(
        "stock.location", string="Van Location",
        domain="[('usage', '=', 'internal')]",
        help="The technician's van or truck stock: parts used on the work orders they lead "
        "are taken from here by default.",
    )

    def action_fwo_create_van(self):
        """Create an internal location for each technician's van in their company's warehouse.

        The van sits beside the warehouse stock (under the warehouse's view
        location), not inside it: Odoo reserves a transfer's parts anywhere
        under its source location, so a van inside WH/Stock would let a
        delivery or the preparation of another van take parts that are on the
        road. The van's parts still count in the warehouse's on-hand
        quantities. Runs with the caller's own rights: creating locations is an
        Inventory administrator's job.
        """
        warehouses = self._fwo_warehouses(self.company_id)
        for user in self.filtered(lambda u: not u.fwo_van_location_id):
            warehouse = warehouses.get(user.company_id)
            if not warehouse:
                raise UserError(self.env._(
                    "%(company)s has no warehouse: create one before giving %(user)s a van.",
                    company=user.company_id.name, user=user.name,
                ))
            user.fwo_van_location_id = self.env["stock.location"].create({
                "name": self.env._("Van %(user)s", user=user.name),
                "usage": "internal",
                "location_id": warehouse.view_location_id.id,
                "company_id": warehouse.company_id.id,
            })
        return True

    @api.model
    def _fwo_warehouses(self, companies):
        """{company: its first warehouse} in one query."""
        warehouses = self.env["stock.warehouse"].search(
            [("company_id", "in", companies.ids)], order="sequence, id"
        )
        result = {}
        for warehouse in warehouses:
            result.setdefault(warehouse.company_id, warehouse)
        return result
