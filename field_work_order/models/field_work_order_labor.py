from odoo import _, api, fields, models
from odoo.exceptions import ValidationError


class FieldWorkOrderLabor(models.Model):
    """Time a technician spent on the job: opened by Start/Resume, closed by Hold/Complete."""

    _name = "field.work.order.labor"
    _description = "Work Order Labor"
    _order = "date_start desc, id desc"

    work_order_id = fields.Many2one(
        "field.work.order", string="Work Order", required=True, ondelete="cascade", index=True
    )
    company_id = fields.Many2one(related="work_order_id.company_id", store=True, index=True)
    user_id = fields.Many2one(
        "res.users", string="Technician", required=True, index=True,
        default=lambda self: self.env.user,
    )
    date_start = fields.Datetime(string="Start", required=True, default=fields.Datetime.now)
    date_end = fields.Datetime(string="End")
    duration = fields.Float(
        string="Hours", compute="_compute_duration", store=True, readonly=False, precompute=True,
        help="Computed from start and end; can be entered by hand for lines without an end.",
    )
    description = fields.Char()

    def init(self):
        # A user never has two open lines on one order, even under concurrent starts.
        self.env.cr.execute(
            "CREATE UNIQUE INDEX IF NOT EXISTS field_work_order_labor_one_open_idx "
            "ON field_work_order_labor (work_order_id, user_id) WHERE date_end IS NULL"
        )

    @api.depends("date_start", "date_end")
    def _compute_duration(self):
        for line in self:
            if line.date_start and line.date_end:
                line.duration = (line.date_end - line.date_start).total_seconds() / 3600.0

    @api.constrains("date_start", "date_end", "duration")
    def _check_times(self):
        for line in self:
            if line.date_end and line.date_end < line.date_start:
                raise ValidationError(_(
                    "%(order)s: a labor line cannot end before it starts.",
                    order=line.work_order_id.name,
                ))
            if line.duration < 0:
                raise ValidationError(_(
                    "%(order)s: labor hours cannot be negative.", order=line.work_order_id.name
                ))

    @api.constrains("date_end", "user_id", "work_order_id")
    def _check_one_open_line(self):
        open_lines = self.filtered(lambda line: not line.date_end)
        if not open_lines:
            return
        counts = self._read_group(
            [("work_order_id", "in", open_lines.work_order_id.ids), ("date_end", "=", False)],
            ["work_order_id", "user_id"], ["__count"],
        )
        for order, user, count in counts:
            if count > 1:
                raise ValidationError(_(
                    "%(user)s already has an open labor line on %(order)s.",
                    user=user.name, order=order.name,
                ))
