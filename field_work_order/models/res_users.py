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

    fwo_job_type_ids = fields.Many2many(
        "field.work.order.job.type", "field_work_order_job_type_user_rel", "user_id", "job_type_id",
        string="Qualifications",
        help="The job types this technician may be planned on. Empty: every job type.",
    )

    @api.model_create_multi
    def create(self, vals_list):
        users = super().create(vals_list)
        users._fwo_ensure_resources()
        users._fwo_ensure_dispatch_home()
        return users

    def write(self, vals):
        res = super().write(vals)
        if any(key == "groups_id" or key.startswith(("in_group_", "sel_groups_")) for key in vals):
            self._fwo_ensure_resources()
            self._fwo_ensure_dispatch_home()
        return res

    @api.model
    def _fwo_ensure_all_resources(self):
        """At install and update: every field technician gets a resource (schedule, time off)."""
        group = self.env.ref("field_work_order.group_technician")
        self.sudo().search([("groups_id", "in", group.id), ("share", "=", False)])._fwo_ensure_resources()
        return True

    @api.model
    def _fwo_ensure_all_dispatch_homes(self):
        """At install and update: the dispatchers who have no home action get the board."""
        group = self.env.ref("field_work_order.group_dispatcher")
        self.sudo().search([("groups_id", "in", group.id), ("share", "=", False),
                            ("action_id", "=", False)])._fwo_ensure_dispatch_home()
        return True

    def _fwo_ensure_resources(self):
        """A ``resource.resource`` for each technician without one in their company.

        It carries their working schedule and time off (``resource.calendar.leaves``),
        which the dispatch board reads; no HR app needed.
        """
        group = self.env.ref("field_work_order.group_technician", raise_if_not_found=False)
        if not group:
            return
        technicians = self.sudo().filtered(
            lambda u: not u.share and group in u.groups_id
            and not u.resource_ids.filtered(lambda r, u=u: r.company_id == u.company_id)
        )
        Policy = self.env["field.work.order.policy"]
        self.env["resource.resource"].sudo().create([{
            "name": user.partner_id.name or user.login,
            "user_id": user.id,
            "company_id": user.company_id.id,
            "calendar_id": user.company_id.resource_calendar_id.id,
            # the partner's: mail's inverse of notification_type writes the groups (and so
            # calls this) while the user is created, before user.tz reads the partner's
            "tz": Policy._fwo_tz(user.partner_id.tz, user.company_id.resource_calendar_id.tz),
        } for user in technicians])

    def _fwo_ensure_dispatch_home(self):
        """Dispatchers without a home action open Odoo on the dispatch board, not on Discuss.

        A home action someone chose is kept; so are administrators' (they are dispatchers by
        implication but do other work).
        """
        group = self.env.ref("field_work_order.group_dispatcher", raise_if_not_found=False)
        board = self.env.ref("field_work_order.field_work_order_dispatch_action",
                             raise_if_not_found=False)
        if not group or not board:
            return
        dispatchers = self.sudo().filtered(
            lambda u: not u.share and not u.action_id and group in u.groups_id
            and not u._is_system()
        )
        if dispatchers:
            dispatchers.write({"action_id": board.id})

    def _fwo_resource(self):
        """The technician's resource in their company (made for every technician)."""
        self.ensure_one()
        return self.resource_ids.filtered(lambda r: r.company_id == self.company_id)[:1]

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
