from odoo import fields, models


class FieldWorkOrderAgreementPeriod(models.Model):
    """A billing period of a per-period agreement, invoiced once: its start is a unique key."""

    _name = "field.work.order.agreement.period"
    _description = "Invoiced Agreement Period"
    _order = "agreement_id, date_start"

    agreement_id = fields.Many2one(
        "field.work.order.agreement", required=True, ondelete="cascade", index=True,
        readonly=True,
    )
    company_id = fields.Many2one(related="agreement_id.company_id", store=True, index=True)
    date_start = fields.Date(string="From", required=True, readonly=True)
    date_end = fields.Date(string="To", required=True, readonly=True)
    move_id = fields.Many2one("account.move", string="Invoice", readonly=True, ondelete="set null")

    _sql_constraints = [
        ("agreement_period_uniq", "unique(agreement_id, date_start)",
         "This period of the agreement is already invoiced."),
    ]
