"""When a transition happens: now, or the time a device sent for an action made offline."""

from datetime import timedelta

from odoo import api, fields, models
from odoo.exceptions import UserError

from .field_work_order_policy import TrustedValue

CLOCK_SKEW = timedelta(minutes=5)  # how far ahead of the server a device clock may be


class FieldWorkOrderDeviceTime(models.Model):
    _inherit = "field.work.order"

    @api.model
    def _now(self):
        """When the transition happened: now, or the device time ``_with_device_time`` validated."""
        device_time = self.env.context.get("fwo_device_time")
        if isinstance(device_time, TrustedValue):
            return fields.Datetime.to_datetime(device_time)
        return fields.Datetime.now()

    def _transition_time(self):
        """When the transition being made happens; a device time may not precede the last one.

        Called by each action after its own checks, so a device that acted on an
        order changed since (cancelled, put on hold) is told about the state first.
        """
        now = self._now()
        if isinstance(self.env.context.get("fwo_device_time"), TrustedValue):
            self._check_after_last_change(now)
        return now

    def _with_device_time(self, at, what=None):
        """These orders in an environment whose actions happen at ``at``, a device's clock time.

        The one way to date an action other than now: a phone that worked
        offline sends when each action happened (``sync_push``). No context key
        an RPC caller can send does it.
        """
        self._check_device_time(at, what)
        return self.with_context(fwo_device_time=TrustedValue(fields.Datetime.to_string(at)))

    def _check_device_time(self, at, what=None):
        """Refuse a device time in the future or before an order existed.

        ``what``: how the caller names the time in the message (default "The device time").
        A device clock may be up to ``CLOCK_SKEW`` off the server's either way.
        """
        what = what or self.env._("The device time")
        now = fields.Datetime.now()
        if at > now + CLOCK_SKEW:
            raise UserError(self.env._(
                "%(what)s %(at)s is in the future (server time %(now)s UTC): "
                "check the device clock.", what=what, at=fields.Datetime.to_string(at),
                now=fields.Datetime.to_string(now),
            ))
        for order in self:
            if order.create_date and at < order.create_date - CLOCK_SKEW:
                raise UserError(self.env._(
                    "%(what)s %(at)s is before %(order)s was created (%(created)s UTC).",
                    what=what, at=fields.Datetime.to_string(at), order=order.name,
                    created=fields.Datetime.to_string(order.create_date),
                ))

    def _check_after_last_change(self, at):
        """Refuse a transition dated before the order's last one (by more than ``CLOCK_SKEW``)."""
        for order in self:
            last = order.date_last_state_update
            if last and at < last - CLOCK_SKEW:
                raise UserError(self.env._(
                    "The device time %(at)s is before the last status change of %(order)s "
                    "(%(changed)s UTC).", at=fields.Datetime.to_string(at), order=order.name,
                    changed=fields.Datetime.to_string(last),
                ))
