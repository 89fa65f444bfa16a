from collections import defaultdict

from markupsafe import Markup

from odoo import api, fields, models
from odoo.exceptions import ValidationError
from odoo.tools import float_repr


class FieldWorkOrderReading(models.Model):
    """A measurement of a unit taken on a visit (suction pressure, supply air...).

    The expected range comes from the job type's reading definition when there is
    one; a value outside it is flagged on the job, the report and to the dispatcher.
    """

    _name = "field.work.order.reading"
    _description = "Equipment Reading"
    _inherit = ["field.work.order.policy"]
    _order = "taken_on desc, id desc"
    _check_company_auto = True
    # Technicians record readings on their own orders; the expected range is the job type's.
    _fwo_technician_fields = frozenset({
        "equipment_id", "work_order_id", "definition_id", "name", "value", "uom", "taken_on",
    })

    equipment_id = fields.Many2one(
        "field.work.order.equipment", string="Unit", required=True, index=True,
        ondelete="cascade", check_company=True,
    )
    work_order_id = fields.Many2one(
        "field.work.order", string="Work Order", required=True, index=True, ondelete="cascade",
        check_company=True,
    )
    company_id = fields.Many2one(
        related="work_order_id.company_id", store=True, index=True, precompute=True
    )
    definition_id = fields.Many2one(
        "field.work.order.job.type.reading", string="Measurement Type", ondelete="set null",
    )
    name = fields.Char(
        string="Measurement", required=True, compute="_compute_from_definition", store=True,
        readonly=False, precompute=True,
    )
    value = fields.Float(required=True, digits=(16, 2))
    uom = fields.Char(
        string="Unit of Measure", compute="_compute_from_definition", store=True, readonly=False,
        precompute=True,
    )
    min_value = fields.Float(
        string="Expected Minimum", compute="_compute_from_definition", store=True, precompute=True,
        digits=(16, 2),
    )
    max_value = fields.Float(
        string="Expected Maximum", compute="_compute_from_definition", store=True, precompute=True,
        digits=(16, 2),
    )
    has_range = fields.Boolean(compute="_compute_from_definition", store=True, precompute=True)
    out_of_range = fields.Boolean(
        compute="_compute_out_of_range", store=True, precompute=True, index=True,
        help="The value is outside the expected range of the measurement.",
    )
    taken_on = fields.Datetime(required=True, default=fields.Datetime.now, index=True)

    @api.depends("definition_id")
    def _compute_from_definition(self):
        for reading in self:
            definition = reading.definition_id
            if definition:
                reading.name = definition.name
                reading.uom = definition.uom
            reading.min_value = definition.min_value
            reading.max_value = definition.max_value
            reading.has_range = bool(definition) and definition.has_range

    @api.depends("value", "min_value", "max_value", "has_range")
    def _compute_out_of_range(self):
        for reading in self:
            reading.out_of_range = reading.has_range and not (
                reading.min_value <= reading.value <= reading.max_value
            )

    @api.constrains("equipment_id", "work_order_id")
    def _check_equipment_on_order(self):
        for reading in self:
            order, unit = reading.work_order_id, reading.equipment_id
            if unit.service_partner_id != order.service_partner_id and unit not in order.equipment_ids:
                raise ValidationError(self.env._(
                    "%(unit)s is not at the site of %(order)s: readings are taken on the "
                    "order's units.", unit=unit.display_name, order=order.name,
                ))

    @api.model_create_multi
    def create(self, vals_list):
        for vals in self._fwo_vals_list(vals_list):
            self._fwo_check_write(vals)
        readings = super().create(vals_list)
        if self._fwo_restricted():
            readings.work_order_id._check_open_for_technicians()
        readings._fwo_flag_out_of_range()
        return readings

    def _fwo_flag_out_of_range(self):
        """Tell the dispatcher, once per order and batch, which new readings are out of range.

        One note on the order naming them, and a To-Do for the order's creator when they
        dispatch. Runs after the caller's own checks passed (the readings are created).
        """
        flagged = self.filtered("out_of_range")
        if not flagged:
            return
        by_order = defaultdict(list)
        for reading in flagged:
            by_order[reading.work_order_id].append(reading)
        orders = flagged.work_order_id
        dispatchers = self.env["res.users"].sudo().search([
            ("id", "in", orders.create_uid.ids),
            ("groups_id", "in", self.env.ref("field_work_order.group_dispatcher").id),
        ])
        for order, readings in by_order.items():
            items = Markup().join(
                Markup("<li>%s</li>") % reading._fwo_out_of_range_text() for reading in readings
            )
            body = Markup("%s<ul>%s</ul>") % (
                self.env._("Readings out of range on %(order)s:", order=order.name), items,
            )
            order = order.sudo()
            order.message_post(body=body, subtype_xmlid="mail.mt_note")
            if order.create_uid in dispatchers:
                order.activity_schedule(
                    "mail.mail_activity_data_todo", user_id=order.create_uid.id,
                    summary=self.env._("Readings out of range"), note=body,
                )

    def _fwo_out_of_range_text(self):
        self.ensure_one()
        return self.env._(
            "%(unit)s: %(name)s %(value)s %(uom)s (expected %(min)s to %(max)s)",
            unit=self.equipment_id.display_name, name=self.name,
            value=float_repr(self.value, 2), uom=self.uom or "",
            min=float_repr(self.min_value, 2), max=float_repr(self.max_value, 2),
        )

    def write(self, vals):
        self._fwo_check_write(vals)
        if self._fwo_restricted():
            self.work_order_id._check_open_for_technicians()
        return super().write(vals)

    def unlink(self):
        if self._fwo_restricted():
            self.work_order_id._check_open_for_technicians()
        return super().unlink()
