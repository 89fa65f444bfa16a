from odoo import api, fields, models
from odoo.exceptions import ValidationError


class FieldWorkOrderJobType(models.Model):
    _name = "field.work.order.job.type"
    _description = "Work Order Job Type"
    _order = "sequence, name"

    name = fields.Char(required=True, translate=True)
    sequence = fields.Integer(default=10)
    active = fields.Boolean(default=True)
    company_id = fields.Many2one("res.company", default=lambda self: self.env.company)
    planned_hours = fields.Float(
        string="Planned Duration", default=1.0, help="Default length of the scheduled slot."
    )
    checklist_template_ids = fields.One2many(
        "field.work.order.checklist.template", "job_type_id", string="Checklist", copy=True
    )
    material_ids = fields.One2many(
        "field.work.order.job.type.material", "job_type_id", string="Default Materials", copy=True
    )
    option_ids = fields.One2many(
        "field.work.order.job.type.option", "job_type_id", string="Price Book", copy=True,
        help="Ready-made quote options of this job type: technicians quote from them on site, "
        "at each customer's prices.",
    )
    reading_ids = fields.One2many(
        "field.work.order.job.type.reading", "job_type_id", string="Readings", copy=True,
        help="Measurements each visit records per unit, with their expected range.",
    )
    warranty_coverage = fields.Selection(
        [("none", "Billed as Usual"), ("labor", "Labor Free"), ("parts", "Parts Free"),
         ("all", "Labor and Parts Free")],
        string="Warranty Work", default="none", required=True,
        help="What is not billed when every unit of the order is under warranty: shown on the "
        "invoice as zero-priced lines with the warranty reference.",
    )
    color = fields.Integer()

    # Invoicing
    billing_type = fields.Selection(
        [("labor", "Time and Materials"), ("flat_rate", "Flat Rate")], default="labor",
        required=True,
        help="Time and Materials: technicians' hours are invoiced with the order's labor product.\n"
        "Flat Rate: one line at the flat-rate product's price, whatever the time spent.",
    )
    flat_rate_product_id = fields.Many2one(
        "product.product", string="Flat-Rate Product", check_company=True,
        domain="[('sale_ok', '=', True)]",
        help="Its sales price (after the customer's pricelist) is the price of the job.",
    )
    materials_included = fields.Boolean(
        help="The flat rate covers the materials: they are not invoiced for this job type.",
    )
    fwo_labor_increment = fields.Integer(
        string="Round Labor Up To (minutes)",
        help="Overrides the company's labor rounding for this job type. 0: the company's.",
    )
    fwo_labor_minimum = fields.Integer(
        string="Minimum Billed Labor (minutes)",
        help="Overrides the company's minimum billed labor for this job type. 0: the company's.",
    )
    fwo_callout_product_id = fields.Many2one(
        "product.product", string="Call-Out Charge", check_company=True,
        domain="[('type', '=', 'service'), ('sale_ok', '=', True)]",
        help="Overrides the company's call-out charge for this job type. Empty: the company's.",
    )

    fwo_invoice_at_completion = fields.Selection(
        [("yes", "Always"), ("no", "Never")], string="Invoice at Completion",
        help="Whether completing an order of this job type creates and posts its invoice. "
        "Empty: the company's setting.",
    )

    @api.constrains("billing_type", "flat_rate_product_id")
    def _check_flat_rate_product(self):
        for job_type in self:
            if job_type.billing_type == "flat_rate" and not job_type.flat_rate_product_id:
                raise ValidationError(self.env._(
                    "Job type %(job_type)s is billed at a flat rate: choose its flat-rate product.",
                    job_type=job_type.name,
                ))

    @api.constrains("fwo_labor_increment", "fwo_labor_minimum")
    def _check_fwo_billing_rules(self):
        for job_type in self:
            if job_type.fwo_labor_increment < 0 or job_type.fwo_labor_minimum < 0:
                raise ValidationError(self.env._(
                    "Job type %(job_type)s: the labor rounding and the minimum billed labor are "
                    "minutes, 0 or more.", job_type=job_type.name,
                ))

    def _fwo_invoices_at_completion(self, company):
        """Whether orders of this job type (``self`` may be empty) are invoiced when completed."""
        if self.fwo_invoice_at_completion:
            return self.fwo_invoice_at_completion == "yes"
        return company.fwo_invoice_at_completion

    def _fwo_billing_rules(self, company):
        """(increment, minimum, call-out product) of ``company``, with this job type's overrides.

        ``self`` may be empty (an order without a job type): the company's rules.
        """
        return (
            self.fwo_labor_increment or company.fwo_labor_increment,
            self.fwo_labor_minimum or company.fwo_labor_minimum,
            self.fwo_callout_product_id or company.fwo_callout_product_id,
        )
