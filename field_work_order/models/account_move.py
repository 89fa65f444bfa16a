from odoo import api, fields, models
from odoo.fields import Command
from odoo.tools import SQL


class AccountMove(models.Model):
    _inherit = "account.move"

    fwo_order_ids = fields.Many2many(
        "field.work.order", "field_work_order_account_move_rel", "move_id", "work_order_id",
        string="Work Orders", copy=False, readonly=True, groups="account.group_account_invoice",
        help="Work orders this invoice charges for.",
    )
    fwo_order_count = fields.Integer(
        compute="_compute_fwo_order_count", groups="account.group_account_invoice"
    )
    fwo_subcontract_order_id = fields.Many2one(
        "field.work.order", string="Subcontracted Work Order", copy=False, readonly=True,
        index="btree_not_null", ondelete="restrict", groups="account.group_account_invoice",
        help="The subcontracted work order this vendor bill pays for.",
    )

    _sql_constraints = [(
        "fwo_subcontract_order_uniq", "unique(fwo_subcontract_order_id)",
        "A subcontracted work order has one vendor bill only.",
    )]

    @api.depends("fwo_order_ids", "fwo_subcontract_order_id")
    def _compute_fwo_order_count(self):
        for move in self:
            move.fwo_order_count = len(move._fwo_orders())

    def _fwo_orders(self):
        """The orders a customer invoice charges for, or the one a vendor bill pays for."""
        self.ensure_one()
        return self.fwo_order_ids | self.fwo_subcontract_order_id

    def copy_data(self, default=None):
        """Keep the orders on the invoice that replaces a reversed one.

        "Reverse and Create Invoice" copies the invoice with business fields
        to make its replacement: without the link the orders would go back to
        To Invoice and could be invoiced a second time. A credit note (its
        defaults name the reversed entry) and a plain duplicate are not linked.
        """
        vals_list = super().copy_data(default=default)
        if self.env.context.get("include_business_fields") and not (default or {}).get(
            "reversed_entry_id"
        ):
            for move, vals in zip(self, vals_list, strict=True):
                if move.move_type == "out_invoice" and move.fwo_order_ids:
                    vals["fwo_order_ids"] = [Command.set(move.fwo_order_ids.ids)]
        return vals_list

    def action_view_fwo_orders(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "field_work_order.field_work_order_action"
        )
        orders = self._fwo_orders()
        action.update(
            name=self.env._("Work Orders"), domain=[("id", "in", orders.ids)],
            context={"create": False}, view_mode="list,form",
            views=[(False, "list"), (False, "form")],
        )
        if len(orders) == 1:
            action.update(views=[(False, "form")], view_mode="form", res_id=orders.id)
        return action

    def _fwo_lock(self):
        """Hold the invoices' rows until the transaction ends, then read them again.

        A second payment that started before the first one committed waits here,
        then fails to serialize (the first changed the invoice's amount due): Odoo
        runs the request again, and it sees what is left to pay.
        """
        self.env.cr.execute(SQL(
            "SELECT id FROM account_move WHERE id IN %s FOR NO KEY UPDATE", tuple(self.ids),
        ))
        self.invalidate_recordset()

    def _fwo_ensure_access_tokens(self):
        """Give the invoices without a portal access token one, in one query."""
        missing = self.filtered(lambda move: not move.access_token)
        if missing:
            self.env.cr.execute(SQL(
                "UPDATE account_move SET access_token = gen_random_uuid()::text "
                "WHERE id IN %s AND access_token IS NULL", tuple(missing.ids),
            ))
            missing.invalidate_recordset(["access_token"])
