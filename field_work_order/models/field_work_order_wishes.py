"""The customer's wishes: the days and the part of the day they would like the visit.

Dates and window are in the order's local time zone (``_customer_tz``: the service
address's, the customer's, the company's). They guide the dispatcher: the board
shows them and ``action_suggest_slots`` keeps to them, but ``action_plan`` does
not refuse a slot outside them (the board asks the dispatcher to confirm).
"""

from datetime import datetime, time, timedelta

import pytz

from odoo import api, fields, models
from odoo.exceptions import ValidationError
from odoo.tools import format_date

from .field_work_order_dispatch import wire

#: Local (start, end) hours of each preferred window; no window: the whole day.
WISH_WINDOWS = {"morning": (8, 12), "afternoon": (12, 17)}


class FieldWorkOrderWishes(models.Model):
    _inherit = "field.work.order"

    preferred_date_from = fields.Date(
        string="Preferred From", tracking=True,
        help="First day the customer would like the visit (their time zone).",
    )
    preferred_date_to = fields.Date(
        string="Preferred To", tracking=True,
        help="Last day the customer would like the visit (their time zone).",
    )
    preferred_window = fields.Selection(
        [("morning", "Morning (8:00-12:00)"), ("afternoon", "Afternoon (12:00-17:00)")],
        string="Preferred Time", tracking=True,
        help="Part of the day the customer would like the visit; empty: any time.",
    )

    @api.constrains("preferred_date_from", "preferred_date_to")
    def _check_preferred_dates(self):
        for order in self:
            if (order.preferred_date_from and order.preferred_date_to
                    and order.preferred_date_to < order.preferred_date_from):
                raise ValidationError(self.env._(
                    "%(order)s: the last preferred day (%(last)s) is before the first one (%(first)s).",
                    order=order.name, last=format_date(self.env, order.preferred_date_to),
                    first=format_date(self.env, order.preferred_date_from),
                ))

    def _fwo_has_wishes(self):
        self.ensure_one()
        return bool(self.preferred_date_from or self.preferred_date_to or self.preferred_window)

    def _fwo_wish_intervals(self, start, end):
        """The wished times inside (``start``, ``end``) (naive UTC) as UTC wire pairs, in order.

        The preferred days (every day when none) times the window (the whole day when
        none), in the order's time zone; touching intervals are joined. False when the
        order has no wishes, [] when none of them falls inside the range.
        """
        self.ensure_one()
        if not self._fwo_has_wishes():
            return False
        tz = pytz.timezone(self._customer_tz())
        first, last = self.preferred_date_from, self.preferred_date_to
        hours = WISH_WINDOWS.get(self.preferred_window, (0, 24))
        day = pytz.utc.localize(start).astimezone(tz).date()
        stop = pytz.utc.localize(end).astimezone(tz).date()
        intervals = []
        while day <= stop:
            if (not first or day >= first) and (not last or day <= last):
                a, b = (tz.localize(datetime.combine(day, time()) + timedelta(hours=h))
                        .astimezone(pytz.utc).replace(tzinfo=None) for h in hours)
                a, b = max(a, start), min(b, end)
                if a < b:
                    if intervals and intervals[-1][1] == a:
                        intervals[-1][1] = b
                    else:
                        intervals.append([a, b])
            day += timedelta(days=1)
        return [[wire(a), wire(b)] for a, b in intervals]

    def _fwo_wish_label(self):
        """The wishes as a dispatcher reads them: "7–9 Dec, mornings"; False without wishes."""
        self.ensure_one()
        if not self._fwo_has_wishes():
            return False
        first, last = self.preferred_date_from, self.preferred_date_to
        one_day = first and last and first == last

        def day(value, pattern="d MMM"):
            return format_date(self.env, value, date_format=pattern)

        if one_day:
            days = day(first)
        elif first and last:
            same_month = (first.year, first.month) == (last.year, last.month)
            days = self.env._("%(first)s–%(last)s", first=day(first, "d" if same_month else "d MMM"),
                              last=day(last))
        elif first:
            days = self.env._("from %(day)s", day=day(first))
        elif last:
            days = self.env._("until %(day)s", day=day(last))
        else:
            days = self.env._("any day")
        if not self.preferred_window:
            return days
        window = {
            ("morning", True): self.env._("morning"),
            ("morning", False): self.env._("mornings"),
            ("afternoon", True): self.env._("afternoon"),
            ("afternoon", False): self.env._("afternoons"),
        }[self.preferred_window, bool(one_day)]
        return self.env._("%(days)s, %(window)s", days=days, window=window)

    def _fwo_board_wishes(self, start, end):
        """{order id: its ``wishes`` on the board between ``start`` and ``end``, False or
        ``{"label", "intervals"}``}; each distinct wish (time zone, days, window) is worked
        out once, as many orders of a board share theirs (dates are formatted slowly)."""
        known, result = {}, {}
        for order in self:
            if not order._fwo_has_wishes():
                result[order.id] = False
                continue
            key = (order._customer_tz(), order.preferred_date_from, order.preferred_date_to,
                   order.preferred_window)
            if key not in known:
                known[key] = {"label": order._fwo_wish_label(),
                              "intervals": order._fwo_wish_intervals(start, end)}
            result[order.id] = known[key]
        return result

    @api.model
    def _fwo_within(self, intervals, limits):
        """The parts of the wire ``intervals`` inside the wire ``limits`` (both sorted pairs)."""
        return [[max(a, c), min(b, d)] for a, b in intervals for c, d in limits
                if max(a, c) < min(b, d)]

    # ------------------------------------------------------------------
    # The portal's request form
    # ------------------------------------------------------------------
    @api.model
    def _portal_job_types(self, company):
        """The job types a customer may choose on the request form: the company's active ones."""
        # sudo: names only; portal users cannot read job types.
        return self.env["field.work.order.job.type"].sudo().search(
            [("company_id", "in", (company.id, False))])

    @api.model
    def _portal_request_wishes(self, values, company, tz_name):
        """The job type and wishes of a portal request as order values, checked; ``tz_name``:
        the time zone the customer's days are in (none may be before its today)."""
        vals = {}
        job_type_id = values.get("job_type_id")
        if job_type_id:
            if not (self._fwo_is_id(job_type_id)
                    and job_type_id in self._portal_job_types(company).ids):
                raise ValidationError(self.env._("Choose the type of service from the list."))
            vals["job_type_id"] = job_type_id
        today = datetime.now(pytz.timezone(tz_name)).date()
        labels = {"preferred_date_from": self.env._("The first preferred day"),
                  "preferred_date_to": self.env._("The last preferred day")}
        for name, label in labels.items():
            value = values.get(name)
            if not value:
                continue
            try:
                day = fields.Date.to_date(value)
            except (TypeError, ValueError):
                raise ValidationError(self.env._(
                    "%(field)s must be a date.", field=label)) from None
            if day < today:
                raise ValidationError(self.env._(
                    "%(field)s (%(day)s) is in the past: choose today or a later day.",
                    field=label, day=format_date(self.env, day)))
            vals[name] = day
        if vals.get("preferred_date_from") and vals.get("preferred_date_to") and (
                vals["preferred_date_to"] < vals["preferred_date_from"]):
            raise ValidationError(self.env._(
                "The last preferred day is before the first one: choose the days again."))
        window = values.get("preferred_window")
        if window:
            if window not in WISH_WINDOWS:
                raise ValidationError(self.env._("Choose the preferred time from the list."))
            vals["preferred_window"] = window
        return vals
