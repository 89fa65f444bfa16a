"""Planning aids of the order: double bookings, calendar entries, the status board's columns."""

from odoo import api, fields, models
from odoo.tools import format_datetime

from .field_work_order import OPEN_STATES


class FieldWorkOrderPlanning(models.Model):
    _inherit = "field.work.order"

    overlap_warning = fields.Text(
        compute="_compute_overlap_warning",
        help="Technicians of this order booked on another order at the same time.",
    )
    calendar_title = fields.Char(
        compute="_compute_calendar_title",
        help="Technical: what a calendar entry shows after the time: the customer, then the "
        "reference (a narrow entry cuts the end).",
    )

    @api.depends("scheduled_start", "scheduled_end", "user_id", "technician_ids", "state")
    @api.depends_context("tz", "uid")
    def _compute_overlap_warning(self):
        """Name the other orders booking the same technicians, times in the user's time zone.

        Also computed live in the form (onchange): the lead technician counts before saving
        adds them to the technicians.
        """
        tz = self._fwo_tz(self.env.context.get("tz"), self.env.user.tz)

        def technicians(order):
            return order.technician_ids | order.user_id

        def when(value):
            return format_datetime(self.env, value, tz=tz, dt_format=False)

        planned = self.filtered(
            lambda o: o.scheduled_start and o.scheduled_end and technicians(o)
            and o.state in OPEN_STATES
        )
        (self - planned).overlap_warning = False
        if not planned:
            return
        others = self.search([
            ("id", "not in", planned._origin.ids),
            ("state", "in", OPEN_STATES),
            ("technician_ids", "in", (planned.technician_ids | planned.user_id).ids),
            ("scheduled_start", "<", max(planned.mapped("scheduled_end"))),
            ("scheduled_end", ">", min(planned.mapped("scheduled_start"))),
        ])
        for order in planned:
            lines = []
            for other in others:
                shared = technicians(order) & other.technician_ids
                if (shared and other.scheduled_start < order.scheduled_end
                        and other.scheduled_end > order.scheduled_start):
                    lines.append(self.env._(
                        "%(technicians)s also booked on %(order)s (%(start)s - %(end)s)",
                        technicians=", ".join(shared.mapped("name")), order=other.name,
                        start=when(other.scheduled_start), end=when(other.scheduled_end),
                    ))
            order.overlap_warning = "\n".join(lines) or False

    @api.depends("name", "partner_id")
    def _compute_calendar_title(self):
        for order in self:
            order.calendar_title = " - ".join(filter(None, [order.partner_id.name, order.name]))

    @api.model
    def _read_group_fill_results(self, domain, groupby, annoted_aggregates, read_group_result,
                                 read_group_order=None):
        """Fold the end states' columns of the board, as Project folds its closed stages.

        Only the folded ones are marked: other groups keep the view's default (open in a
        kanban, folded in a grouped list).
        """
        result = super()._read_group_fill_results(
            domain, groupby, annoted_aggregates, read_group_result,
            read_group_order=read_group_order,
        )
        if groupby == "state":
            for group in result:
                if group["state"] in ("verified", "cancelled"):
                    group["__fold"] = True
        return result
