from odoo import api, fields, models
from odoo.exceptions import AccessError, ValidationError


class FieldWorkOrderLabor(models.Model):
    """Time a technician spent on the job: opened by Start/Resume, closed by Hold/Complete."""

    _name = "field.work.order.labor"
    _inherit = ["field.work.order.policy"]
    _description = "Work Order Labor"
    _order = "date_start desc, id desc"
    # On their own lines only (see ``_check_own_lines``).
    _fwo_technician_fields = frozenset({
        "work_order_id", "user_id", "date_start", "date_end", "duration", "description",
    })

    work_order_id = fields.Many2one(
        "field.work.order", string="Work Order", required=True, ondelete="cascade", index=True
    )
    company_id = fields.Many2one(
        related="work_order_id.company_id", store=True, index=True, precompute=True
    )
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
                raise ValidationError(self.env._(
                    "%(order)s: a labor line cannot end before it starts.",
                    order=line.work_order_id.name,
                ))
            if line.duration < 0:
                raise ValidationError(self.env._(
                    "%(order)s: labor hours cannot be negative.", order=line.work_order_id.name
                ))

    @api.model_create_multi
    def create(self, vals_list):
        for vals in self._fwo_vals_list(vals_list):
            self._fwo_check_write(vals)
        default_user = self.default_get(["user_id"]).get("user_id")
        self._check_one_open_line([
            (vals.get("work_order_id"), vals.get("user_id", default_user))
            for vals in vals_list if not vals.get("date_end")
        ])
        lines = super().create(vals_list)
        lines._check_own_lines(self.env._("log labor for someone else"))
        lines._check_device_times()
        return lines

    def write(self, vals):
        self._fwo_check_write(vals)
        self._check_own_lines(self.env._("change the labor of someone else"))
        if "user_id" in vals:
            self.browse()._check_own_lines(self.env._("give a labor line to someone else"), vals["user_id"])
        if {"date_end", "user_id", "work_order_id"}.intersection(vals):
            self._check_one_open_line([
                (vals.get("work_order_id", line.work_order_id.id), vals.get("user_id", line.user_id.id))
                for line in self if not vals.get("date_end", line.date_end)
            ])
        res = super().write(vals)
        if {"date_start", "date_end"}.intersection(vals):
            self._check_device_times()
        return res

    def unlink(self):
        self._check_own_lines(self.env._("delete the labor of someone else"))
        return super().unlink()

    def _check_own_lines(self, what, user_id=None):
        """A technician's labor lines are their own: refuse ``what`` on anyone else's."""
        if not self._fwo_restricted():
            return
        if (user_id is not None and user_id != self.env.uid) or any(
            line.user_id != self.env.user for line in self
        ):
            raise AccessError(self.env._("Only a dispatcher can %(what)s.", what=what))

    def _check_device_times(self):
        """Times a technician types are device times: checked like a phone's (see the order)."""
        if not self._fwo_restricted():
            return
        for line in self:
            for time in (line.date_start, line.date_end):
                if time:
                    line.work_order_id._check_device_time(time, self.env._("The labor time"))

    def _check_one_open_line(self, pairs):
        """Refuse a second open line of a user on an order in plain words.

        Runs before the SQL: the unique index would refuse it first, with a database error.
        """
        pairs = [(order_id, user_id) for order_id, user_id in pairs if order_id and user_id]
        if not pairs:
            return
        taken = {
            (line.work_order_id.id, line.user_id.id)
            for line in self.search([
                ("work_order_id", "in", [order_id for order_id, _user_id in pairs]),
                ("date_end", "=", False),
                ("id", "not in", self.ids),
            ])
        }
        for order_id, user_id in pairs:
            if (order_id, user_id) in taken:
                raise ValidationError(self.env._(
                    "%(user)s already has an open labor line on %(order)s.",
                    user=self.env["res.users"].browse(user_id).name,
                    order=self.env["field.work.order"].browse(order_id).name,
                ))
            taken.add((order_id, user_id))
