from odoo import api, fields, models
from odoo.tools import format_date


class FieldWorkOrder(models.Model):
    """The units an order is about, their readings and warranty."""

    _inherit = "field.work.order"

    equipment_ids = fields.Many2many(
        "field.work.order.equipment", "field_work_order_equipment_rel", "work_order_id",
        "equipment_id", string="Equipment", check_company=True, tracking=True,
        domain="[('service_partner_id', '=', service_partner_id)]",
        help="The customer's units this job is about.",
    )
    reading_ids = fields.One2many("field.work.order.reading", "work_order_id", string="Readings")
    out_of_range_count = fields.Integer(
        compute="_compute_out_of_range_count", string="Readings Out of Range"
    )
    warranty_equipment_ids = fields.Many2many(
        "field.work.order.equipment", compute="_compute_warranty_equipment_ids",
        string="Units Under Warranty",
        help="The order's units under warranty on its scheduled day (today when unplanned).",
    )
    warranty_warning = fields.Char(
        compute="_compute_warranty_equipment_ids",
        help="Tells the dispatcher which units of the order are under warranty, and until when.",
    )

    @api.depends("reading_ids.out_of_range")
    def _compute_out_of_range_count(self):
        for order in self:
            order.out_of_range_count = len(order.reading_ids.filtered("out_of_range"))

    @api.depends("equipment_ids.warranty_end", "scheduled_start")
    def _compute_warranty_equipment_ids(self):
        for order in self:
            day = order.scheduled_start and order.scheduled_start.date()
            units = order.equipment_ids.browse(
                [unit.id for unit in order.equipment_ids if unit._fwo_under_warranty(day)]
            )
            order.warranty_equipment_ids = units
            order.warranty_warning = " ".join(
                self.env._(
                    "%(unit)s is under warranty until %(date)s.", unit=unit.display_name,
                    date=format_date(self.env, unit.warranty_end),
                ) for unit in units
            )
