from odoo import fields, models


class AccountPayment(models.Model):
    _inherit = "account.payment"

    fwo_order_id = fields.Many2one(
        "field.work.order", string="Collected on Work Order", copy=False, readonly=True,
        index="btree_not_null", ondelete="restrict", groups="account.group_account_invoice",
        help="The work order whose technician collected this payment on site (cash or cheque).",
    )
