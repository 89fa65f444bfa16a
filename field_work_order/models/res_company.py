from odoo import api, fields, models
from odoo.exceptions import ValidationError


class ResCompany(models.Model):
    _inherit = "res.company"

    @api.model
    def _default_fwo_labor_product_id(self):
        """The labor product the app installs, while it is active and shared by all companies."""
        product = self.env.ref("field_work_order.product_product_labor", raise_if_not_found=False)
        return product if product and product.active and not product.company_id else False

    def _fwo_fill_labor_product(self):
        """Give the companies without a labor product the default one (databases upgraded)."""
        product = self._default_fwo_labor_product_id()
        empty = self.filtered(lambda company: not company.fwo_labor_product_id)
        if product and empty:
            empty.write({"fwo_labor_product_id": product.id})

    fwo_signature_required = fields.Boolean(
        string="Signature Required to Complete",
        help="Work orders cannot be completed without the customer's signature.",
    )

    # Inventory
    fwo_stock_shortage = fields.Selection(
        [("allow", "Allow (stock goes negative)"), ("block", "Block the completion")],
        string="Parts Used Beyond Stock", default="allow", required=True,
        help="When a completed work order used more parts than its source location holds.\n"
        "Allow: the parts are consumed anyway and the stock goes negative (Odoo's default) "
        "until someone corrects it.\n"
        "Block: the order cannot be completed; the error names the part, the location and "
        "the quantities.",
    )

    # Invoicing
    fwo_invoice_state = fields.Selection(
        [("done", "Done"), ("verified", "Verified")], string="Invoice Work Orders When",
        default="done", required=True,
        help="Done: a completed order can be invoiced at once (verified ones too).\n"
        "Verified: only orders a dispatcher has verified can be invoiced.",
    )
    fwo_labor_product_id = fields.Many2one(
        "product.product", string="Default Labor Product",
        default=lambda self: self._default_fwo_labor_product_id(),
        domain="[('type', '=', 'service')]",
        help="Service product (priced per hour) used for technicians' time on new work orders.",
    )
    fwo_invoice_at_completion = fields.Boolean(
        string="Invoice at Completion",
        help="Completing a billable work order creates and posts its customer invoice at once, "
        "so the technician can take the payment on site. Job types can override it. With "
        "\"Invoice Work Orders When: Verified\", the invoice is made at the verification.",
    )
    fwo_onsite_journal_id = fields.Many2one(
        "account.journal", string="On-Site Payments Journal", check_company=True,
        domain="[('type', 'in', ('cash', 'bank')), ('company_id', '=', id)]",
        help="Cash or bank journal of the payments technicians collect on site (cash, cheques). "
        "Empty: technicians cannot record payments.",
    )
    # Billing rules (overridable per job type, applied in field_work_order_invoice.py)
    fwo_labor_increment = fields.Integer(
        string="Round Labor Up To (minutes)",
        help="Each technician's time on an order is invoiced rounded up to a multiple of this "
        "many minutes (e.g. 15). 0: billed as recorded.",
    )
    fwo_labor_minimum = fields.Integer(
        string="Minimum Billed Labor (minutes)",
        help="Each technician who worked on an order is invoiced at least this many minutes "
        "(e.g. 60). 0: no minimum.",
    )
    fwo_callout_product_id = fields.Many2one(
        "product.product", string="Call-Out Charge",
        domain="[('type', '=', 'service'), ('sale_ok', '=', True), "
        "('company_id', 'in', (id, False))]",
        help="Service product invoiced once per visit (each invoiced work order), at its price "
        "for the customer. Empty: no call-out charge.",
    )

    # Reports
    fwo_send_report_on_done = fields.Boolean(
        string="Email Service Report on Completion",
        help="When a work order is completed, its service report is emailed to the customer "
        "(shortly after, by a scheduled action).",
    )
    fwo_first_fix_days = fields.Integer(
        string="First-Time Fix Window (days)", default=30,
        help="A completed order counts as fixed the first time when it has no follow-up order "
        "and no other order for the same address and job type is requested within this many "
        "days after its completion.",
    )

    # Dispatch board and routes (field_work_order_dispatch.py, field_work_order_route.py)
    fwo_road_factor = fields.Float(
        string="Road Factor", default=1.3,
        help="Road distance / straight-line distance between two sites, for travel estimates.",
    )
    fwo_average_speed = fields.Float(
        string="Average Speed (km/h)", default=40.0,
        help="Average driving speed between two sites, for travel estimates.",
    )
    fwo_maps_url = fields.Char(
        string="Maps Route URL", default="https://www.google.com/maps/dir/",
        help="A route is opened at this address followed by its stops as "
        "latitude,longitude separated by slashes.",
    )

    # Customers by email (field_work_order_mail.py)
    fwo_alias_id = fields.Many2one(
        "mail.alias", string="Work Order Intake Alias", copy=False, ondelete="set null",
        help="Emails sent to this address become draft work orders of the company.",
    )
    fwo_notify_request = fields.Boolean(
        string="Email: Request Received",
        help="Tell the customer their request (by email) was received.",
    )
    fwo_notify_scheduled = fields.Boolean(
        string="Email: Visit Scheduled",
        help="Tell the customer when the visit is scheduled, and again when it is rescheduled.",
    )
    fwo_notify_on_way = fields.Boolean(
        string="Email: Technician on the Way",
        help="Tell the customer when the technician is on the way (On My Way, or the job starts).",
    )

    @api.constrains("fwo_labor_increment", "fwo_labor_minimum")
    def _check_fwo_billing_rules(self):
        for company in self:
            if company.fwo_labor_increment < 0 or company.fwo_labor_minimum < 0:
                raise ValidationError(self.env._(
                    "%(company)s: the labor rounding and the minimum billed labor are minutes, "
                    "0 or more.", company=company.name,
                ))

    def _fwo_alias_values(self):
        """Values of the company's intake alias: draft work orders of this company."""
        self.ensure_one()
        return {
            "alias_model_id": self.env["ir.model"]._get_id("field.work.order"),
            "alias_defaults": repr({"company_id": self.id}),
            "alias_contact": "everyone",
            "alias_domain_id": self.alias_domain_id.id,
        }

    def _fwo_set_alias_name(self, name):
        """Create, rename or (with no name) remove the company's intake alias."""
        for company in self:
            alias = company.fwo_alias_id
            if not name:
                if alias:
                    company.fwo_alias_id = False
                    alias.unlink()
            elif alias:
                alias.write({"alias_name": name, **company._fwo_alias_values()})
            else:
                company.fwo_alias_id = self.env["mail.alias"].create(
                    {"alias_name": name, **company._fwo_alias_values()}
                )
