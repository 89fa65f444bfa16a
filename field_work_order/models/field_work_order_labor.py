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
                raise ValidationError(_(
                    "%(order)s: a labor line cannot end before it starts.",
                    order=line.work_order_id.name,
                ))
            if line.duration < 0:
                raise ValidationError(_(
                    "%(order)s: labor hours cannot be negative.", order=line.work_order_id.name
                ))

    @api.model_create_multi
    def create(self, vals_list):
        default_user = self.default_get(["user_id"]).get("user_id")
        self._check_one_open_line([
            (vals.get("work_order_id"), vals.get("user_id", default_user))
            for vals in vals_list if not vals.get("date_end")
        ])
        return super().create(vals_list)

    def write(self, vals):
        if {"date_end", "user_id", "work_order_id"}.intersection(vals):
            self._check_one_open_line([
                (vals.get("work_order_id", line.work_order_id.id), vals.get("user_id", line.user_id.id))
                for line in self if not vals.get("date_end", line.date_end)
            ])
        return super().write(vals)

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
                raise ValidationError(_(
                    "%(user)s already has an open labor line on %(order)s.",
                    user=self.env["res.users"].browse(user_id).name,
                    order=self.env["field.work.order"].browse(order_id).name,
                ))
            taken.add((order_id, user_id))
