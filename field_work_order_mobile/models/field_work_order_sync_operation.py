from odoo import fields, models


class FieldWorkOrderSyncOperation(models.Model):
    """The log of pushed operations: each uuid is applied once, whatever is retried.

    Rows are written with SQL inside the push's transaction (see
    ``field.work.order._sync_claim``), so an operation and its log row commit
    or vanish together; the unique index on ``uuid`` is what makes a second
    request with the same uuid wait, fail with a serialization error (which
    Odoo retries) and then find the first result.
    """

    _name = "field.work.order.sync.operation"
    _description = "Work Order Sync Operation"
    _order = "id desc"
    _rec_name = "uuid"

    uuid = fields.Char(required=True, readonly=True)
    user_id = fields.Many2one("res.users", required=True, readonly=True, index=True,
                              ondelete="cascade")
    order_id = fields.Integer(string="Work Order ID", readonly=True, index=True)
    type = fields.Char(readonly=True)
    status = fields.Selection(
        [("pending", "Pending"), ("applied", "Applied"), ("conflict", "Conflict"),
         ("error", "Error")],
        required=True, readonly=True,
        help="Pending only inside the transaction applying it; then the first (and only) result.",
    )
    message = fields.Text(readonly=True)
    version = fields.Integer(readonly=True, help="Version of the order after the operation.")
    at = fields.Datetime(string="Device Time", readonly=True)
    res_id = fields.Integer(
        string="Created Record ID", readonly=True,
        help="The record the operation created (a quote): later operations name it by this "
        "operation's uuid.",
    )

    _sql_constraints = [
        ("uuid_uniq", "unique(uuid)", "An operation uuid is applied only once."),
    ]
