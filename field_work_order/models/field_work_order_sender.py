"""The senders of requests whose hourly limits are held (``_fwo_hold_sender``)."""

from odoo import fields, models


class FieldWorkOrderSender(models.Model):
    """One row per sender of requests (portal user, email address): what the limits lock."""

    _name = "field.work.order.sender"
    _description = "Work Order Request Sender"
    _log_access = False

    key = fields.Char(required=True, readonly=True)
    touched = fields.Datetime(readonly=True)

    _sql_constraints = [("key_unique", "unique (key)", "One row per sender.")]
