import base64
import logging
from collections import defaultdict
from datetime import timedelta

import psycopg2
from markupsafe import Markup, escape

from odoo import SUPERUSER_ID, _, api, fields, models
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.fields import Command
from odoo.tools import SQL, float_compare, float_is_zero
from odoo.tools.image import image_data_uri, image_process
from odoo.tools.misc import formatLang

_logger = logging.getLogger(__name__)

# Fields only the transition methods may write (see ``write``).
PROTECTED_FIELDS = {"state", "date_started", "date_completed", "date_verified"}
OPEN_STATES = ("draft", "scheduled", "in_progress", "on_hold")
CLOSED_STATES = ("done", "verified")
REPORT_THUMBNAIL_SIZE = (480, 480)  # px: photos are shrunk to this before going into a PDF
BUS_NOTIFICATION = "field_work_order/changed"
BUS_SUBCHANNEL = "field_work_order_dispatch"


class FieldWorkOrder(models.Model):
    _name = "field.work.order"
    _description = "Work Order"
    _inherit = ["mail.thread", "mail.activity.mixin"]
    _order = "priority desc, scheduled_start, id desc"
    _check_company_auto = True

    name = fields.Char(
        string="Reference", required=True, readonly=True, copy=False, default=lambda self: _("New")
    )
    active = fields.Boolean(default=True)
    company_id = fields.Many2one(
        "res.company", required=True, index=True, default=lambda self: self.env.company
    )
    partner_id = fields.Many2one(
        "res.partner", string="Customer", required=True, index=True, tracking=True,
        check_company=True,
    )
    service_partner_id = fields.Many2one(
        "res.partner", string="Service Address", index=True, tracking=True, check_company=True,
        compute="_compute_service_partner_id", store=True, readonly=False, precompute=True,
        domain="[('id', 'child_of', partner_id)]",
        help="Where the job takes place: a contact or address of the customer.",
    )
    unit_number = fields.Char(string="Unit", tracking=True)
    access_instructions = fields.Text(
        tracking=True, help="Gate codes, key box, parking, who lets the technician in."
    )
    site_contact_name = fields.Char(string="Site Contact", tracking=True)
    site_contact_phone = fields.Char(string="Site Contact Phone", tracking=True)
    description = fields.Text(string="Job Description", tracking=True, help="Scope of work.")
    safety_requirements = fields.Text(tracking=True)
    job_type_id = fields.Many2one(
        "field.work.order.job.type", string="Job Type", tracking=True, check_company=True
    )
    priority = fields.Selection(
        [("0", "Normal"), ("1", "High"), ("2", "Urgent"), ("3", "Emergency")],
        default="0", required=True, index=True, tracking=True,
    )
    state = fields.Selection(
        [
            ("draft", "Draft"),
            ("scheduled", "Scheduled"),
            ("in_progress", "In Progress"),
            ("on_hold", "On Hold"),
            ("done", "Done"),
            ("verified", "Verified"),
            ("cancelled", "Cancelled"),
        ],
        default="draft", required=True, readonly=True, copy=False, index=True, tracking=True,
        group_expand=True,
        help="Draft: requested, not planned yet.\n"
        "Scheduled: a technician or subcontractor and a time slot are set.\n"
        "In Progress: the technician is working on it.\n"
        "On Hold: work paused (waiting for parts, access, the customer).\n"
        "Done: the technician finished the job.\n"
        "Verified: a dispatcher checked the work.\n"
        "Cancelled: the job will not be done.",
    )
    scheduled_start = fields.Datetime(tracking=True, index=True)
    scheduled_end = fields.Datetime(
        tracking=True, compute="_compute_scheduled_end", store=True, readonly=False,
        precompute=True,
    )
    deadline = fields.Datetime(tracking=True, index=True)
    user_id = fields.Many2one(
        "res.users", string="Lead Technician", index=True, tracking=True,
        domain="[('share', '=', False), ('company_ids', 'in', company_id)]",
    )
    technician_ids = fields.Many2many(
        "res.users", "field_work_order_technician_rel", "work_order_id", "user_id",
        string="Technicians", domain="[('share', '=', False), ('company_ids', 'in', company_id)]",
        help="Everyone assigned to the job; the lead technician is always one of them.",
    )
    subcontractor_id = fields.Many2one(
        "res.partner", string="Subcontractor", tracking=True, check_company=True,
        help="A vendor doing the job instead of our technicians.",
    )
    date_started = fields.Datetime(string="Started On", readonly=True, copy=False)
    date_completed = fields.Datetime(string="Completed On", readonly=True, copy=False)
    date_verified = fields.Datetime(string="Verified On", readonly=True, copy=False)
    material_ids = fields.One2many("field.work.order.material", "work_order_id", string="Materials")
    labor_ids = fields.One2many("field.work.order.labor", "work_order_id", string="Labor")
    checklist_ids = fields.One2many(
        "field.work.order.checklist.line", "work_order_id", string="Checklist"
    )
    photo_ids = fields.One2many("field.work.order.photo", "work_order_id", string="Photos")
    signature = fields.Image(copy=False, attachment=True, max_width=1024, max_height=1024)
    signed_by = fields.Char(copy=False, tracking=True)
    signed_on = fields.Datetime(readonly=True, copy=False)
    labor_hours = fields.Float(compute="_compute_labor_hours", string="Labor Hours")
    overlap_warning = fields.Text(
        compute="_compute_overlap_warning",
        help="Technicians of this order booked on another order at the same time.",
    )
    service_history = fields.Html(
        compute="_compute_service_history", sanitize=False,
        help="Earlier orders at this service address, whoever did them.",
    )
    service_order_count = fields.Integer(compute="_compute_history_counts")
    partner_order_count = fields.Integer(compute="_compute_history_counts")
    is_dispatcher = fields.Boolean(
        compute="_compute_is_dispatcher",
        default=lambda self: self.env.user.has_group("field_work_order.group_dispatcher"),
    )

    # --- Reports and follow-ups (methods in the "Reports" section at the end) ---
    parent_id = fields.Many2one(
        "field.work.order", string="Follow-up Of", index=True, copy=False, readonly=True,
        check_company=True,
        help="The completed order this one continues (parts needed, second visit).",
    )
    followup_ids = fields.One2many("field.work.order", "parent_id", string="Follow-ups")
    followup_count = fields.Integer(compute="_compute_followup_count")
    report_to_send = fields.Boolean(
        copy=False, readonly=True, index=True,
        help="Completed and waiting for the scheduled action that emails the service report.",
    )

    # --- Invoicing fields (methods in the "Invoicing" section at the end) ---
    billable = fields.Boolean(
        default=True, tracking=True,
        help="Uncheck when the customer is not charged (warranty, maintenance agreement): "
        "the order is then never invoiced.",
    )
    labor_product_id = fields.Many2one(
        "product.product", string="Labor Product", check_company=True, tracking=True,
        compute="_compute_labor_product_id", store=True, readonly=False, precompute=True,
        domain="[('type', '=', 'service'), ('sale_ok', '=', True)]",
        help="Service product priced per hour: each technician's hours are invoiced with it.",
    )
    invoice_ids = fields.Many2many(
        "account.move", "field_work_order_account_move_rel", "work_order_id", "move_id",
        string="Invoices", copy=False, readonly=True, groups="account.group_account_invoice",
    )
    invoice_count = fields.Integer(
        compute="_compute_invoice_count", groups="account.group_account_invoice"
    )
    invoice_status = fields.Selection(
        [("no", "Nothing to Invoice"), ("to_invoice", "To Invoice"), ("invoiced", "Invoiced")],
        compute="_compute_invoice_status", store=True, index=True, copy=False, readonly=True,
        help="Nothing to Invoice: not billable, or not finished yet (see the invoicing setting).\n"
        "To Invoice: finished, billable and without a valid invoice.\n"
        "Invoiced: a customer invoice that is neither cancelled nor fully reversed covers it.",
    )

    # --- Inventory fields (methods in the "Inventory" section) ---
    location_id = fields.Many2one(
        "stock.location", string="Parts From", check_company=True, tracking=True,
        compute="_compute_location_id", store=True, readonly=False, precompute=True,
        domain="[('usage', '=', 'internal')]",
        help="Where the parts used on the job are taken from: the lead technician's van, "
        "else the warehouse stock. Dispatchers can pick another internal location.",
    )
    picking_ids = fields.One2many(
        "stock.picking", "fwo_order_id", string="Transfers", readonly=True,
        groups="stock.group_stock_user",
        help="Preparation of the planned parts and returns of unused ones.",
    )
    picking_count = fields.Integer(
        compute="_compute_stock_counts", groups="stock.group_stock_user"
    )
    move_ids = fields.One2many(
        "stock.move", "fwo_order_id", string="Consumption Moves", readonly=True,
        groups="stock.group_stock_user",
        help="Parts used on the job, moved from the source location to the customer when the "
        "order is completed.",
    )
    move_count = fields.Integer(compute="_compute_stock_counts", groups="stock.group_stock_user")

    _sql_constraints = [
        ("name_company_uniq", "unique(name, company_id)", "A work order reference must be unique."),
    ]

    @api.depends("partner_id")
    def _compute_service_partner_id(self):
        for order in self:
            if not order.service_partner_id or (
                order.service_partner_id.commercial_partner_id
                != order.partner_id.commercial_partner_id
            ):
                order.service_partner_id = order.partner_id

    @api.depends("scheduled_start", "job_type_id")
    def _compute_scheduled_end(self):
        for order in self:
            start = order.scheduled_start
            if start and (not order.scheduled_end or order.scheduled_end <= start):
                order.scheduled_end = start + timedelta(hours=order.job_type_id.planned_hours or 1.0)

    @api.depends("labor_ids.duration")
    def _compute_labor_hours(self):
        for order in self:
            order.labor_hours = sum(order.labor_ids.mapped("duration"))

    @api.depends_context("uid")
    def _compute_is_dispatcher(self):
        self.is_dispatcher = self.env.user.has_group("field_work_order.group_dispatcher")

    @api.depends("scheduled_start", "scheduled_end", "technician_ids", "state")
    def _compute_overlap_warning(self):
        planned = self.filtered(
            lambda o: o.scheduled_start and o.scheduled_end and o.technician_ids
            and o.state in OPEN_STATES
        )
        (self - planned).overlap_warning = False
        if not planned:
            return
        others = self.search([
            ("id", "not in", planned._origin.ids),
            ("state", "in", OPEN_STATES),
            ("technician_ids", "in", planned.technician_ids.ids),
            ("scheduled_start", "<", max(planned.mapped("scheduled_end"))),
            ("scheduled_end", ">", min(planned.mapped("scheduled_start"))),
        ])
        for order in planned:
            lines = []
            for other in others:
                shared = order.technician_ids & other.technician_ids
                if (shared and other.scheduled_start < order.scheduled_end
                        and other.scheduled_end > order.scheduled_start):
                    lines.append(_(
                        "%(technicians)s also booked on %(order)s (%(start)s - %(end)s)",
                        technicians=", ".join(shared.mapped("name")), order=other.name,
                        start=fields.Datetime.to_string(other.scheduled_start),
                        end=fields.Datetime.to_string(other.scheduled_end),
                    ))
            order.overlap_warning = "\n".join(lines) or False

    @api.depends("service_partner_id")
    def _compute_service_history(self):
        # sudo: technicians see a read-only summary (date, job type, outcome) of
        # earlier orders at the address without access to those records.
        past = self.sudo().search([
            ("service_partner_id", "in", self.service_partner_id.ids),
            ("id", "not in", self._origin.ids),
            ("company_id", "in", self.env.companies.ids),
            ("state", "in", ("done", "verified", "cancelled")),
        ], order="date_completed desc, id desc")
        states = dict(self._fields["state"]._description_selection(self.env))
        for order in self:
            rows = [p for p in past if p.service_partner_id == order.service_partner_id][:10]
            if not rows:
                order.service_history = False
                continue
            body = Markup("").join(
                Markup("<tr><td>%s</td><td>%s</td><td>%s</td><td>%s</td></tr>") % (
                    p.name,
                    fields.Date.to_string(p.date_completed) if p.date_completed else "",
                    p.job_type_id.name or "",
                    states[p.state],
                )
                for p in rows
            )
            order.service_history = Markup(
                "<table class='table table-sm'><thead><tr><th>%s</th><th>%s</th><th>%s</th>"
                "<th>%s</th></tr></thead><tbody>%s</tbody></table>"
            ) % (_("Reference"), _("Date"), _("Job Type"), _("Outcome"), body)

    def _compute_history_counts(self):
        by_address = dict(self._read_group(
            [("service_partner_id", "in", self.service_partner_id.ids)],
            ["service_partner_id"], ["__count"],
        ))
        by_partner = dict(self._read_group(
            [("partner_id", "in", self.partner_id.ids)], ["partner_id"], ["__count"],
        ))
        for order in self:
            order.service_order_count = by_address.get(order.service_partner_id, 0)
            order.partner_order_count = by_partner.get(order.partner_id, 0)

    @api.constrains("scheduled_start", "scheduled_end")
    def _check_schedule(self):
        for order in self:
            if order.scheduled_start and order.scheduled_end and (
                order.scheduled_end < order.scheduled_start
            ):
                raise ValidationError(_(
                    "%(order)s: the scheduled end is before the scheduled start.", order=order.name
                ))

    @api.constrains("user_id", "subcontractor_id")
    def _check_assignee(self):
        for order in self:
            if order.user_id and order.subcontractor_id:
                raise ValidationError(_(
                    "%(order)s: assign either technicians or a subcontractor, not both.",
                    order=order.name,
                ))

    @api.onchange("job_type_id")
    def _onchange_job_type_id(self):
        if self.job_type_id and not self.checklist_ids:
            self.checklist_ids = self._job_type_checklist_commands(self.job_type_id)
        if self.job_type_id and not self.material_ids:
            self.material_ids = self._job_type_material_commands(self.job_type_id)

    @api.model_create_multi
    def create(self, vals_list):
        if not self.env.context.get("fwo_transition"):
            for vals in vals_list:
                self._check_protected(vals, creating=True)
        job_types = self.env["field.work.order.job.type"].browse(
            [vals["job_type_id"] for vals in vals_list if vals.get("job_type_id")]
        )
        for vals in vals_list:
            if vals.get("name", _("New")) == _("New"):
                vals["name"] = self.env["ir.sequence"].with_company(
                    vals.get("company_id") or self.env.company.id
                ).next_by_code("field.work.order") or _("New")
            if vals.get("user_id"):
                vals["technician_ids"] = [*vals.get("technician_ids", []), (4, vals["user_id"])]
            if vals.get("signature"):
                vals["signed_on"] = self._now()
            job_type = job_types.filtered(lambda jt, v=vals: jt.id == v.get("job_type_id"))
            if job_type and not vals.get("checklist_ids"):
                vals["checklist_ids"] = self._job_type_checklist_commands(job_type)
            if job_type and not vals.get("material_ids"):
                vals["material_ids"] = self._job_type_material_commands(job_type)
        orders = super().create(vals_list)
        orders._notify_dispatchers()
        return orders

    def write(self, vals):
        if not self.env.context.get("fwo_transition"):
            self._check_protected(vals)
        if "signature" in vals:
            vals = dict(vals, signed_on=self._now() if vals["signature"] else False)
        res = super().write(vals)
        if "user_id" in vals or "technician_ids" in vals:
            for order in self.filtered(lambda o: o.user_id and o.user_id not in o.technician_ids):
                order.technician_ids = [(4, order.user_id.id)]
        return res

    @api.ondelete(at_uninstall=False)
    def _unlink_except_started(self):
        if any(order.state not in ("draft", "cancelled") for order in self):
            raise UserError(_("Only draft or cancelled work orders can be deleted; cancel it first."))

    def _check_protected(self, vals, creating=False):
        protected = PROTECTED_FIELDS.intersection(vals)
        if creating and vals.get("state", "draft") == "draft":
            protected.discard("state")
        if protected:
            raise UserError(_(
                "The status and its dates change only through the work order buttons "
                "(Schedule, Start, Complete...), not by editing: %(fields)s.",
                fields=", ".join(sorted(protected)),
            ))

    @api.model
    def _job_type_checklist_commands(self, job_type):
        return [
            (0, 0, {"name": line.name, "required": line.required, "sequence": line.sequence})
            for line in job_type.checklist_template_ids
        ]

    @api.model
    def _job_type_material_commands(self, job_type):
        return [
            (0, 0, {
                "product_id": line.product_id.id,
                "product_uom_qty": line.product_uom_qty,
                "product_uom_id": line.product_id.uom_id.id,
            })
            for line in job_type.material_ids
        ]

    # ------------------------------------------------------------------
    # Transitions: the one place each state change and its rules live.
    # ------------------------------------------------------------------
    def _now(self):
        """When the transition happened: now, or the device time the sync layer validated."""
        return fields.Datetime.to_datetime(self.env.context.get("fwo_at")) or fields.Datetime.now()

    def _check_state(self, allowed, action):
        states = dict(self._fields["state"]._description_selection(self.env))
        for order in self:
            if order.state not in allowed:
                raise UserError(_(
                    "Cannot %(action)s %(order)s: it is %(state)s (allowed from: %(allowed)s).",
                    action=action, order=order.name, state=states[order.state],
                    allowed=", ".join(states[s] for s in allowed),
                ))

    def _check_dispatcher(self, action):
        if not self.env.user.has_group("field_work_order.group_dispatcher"):
            raise AccessError(_("Only a dispatcher can %(action)s work orders.", action=action))

    def _set_state(self, vals):
        self.with_context(fwo_transition=True).write(vals)
        self._notify_dispatchers()
        return True

    def _notify_dispatchers(self):
        """Tell the company's dispatchers which orders changed (ids only)."""
        if not self:
            return
        bus = self.env["bus.bus"].sudo()
        for company in self.company_id:
            ids = self.filtered(lambda o, c=company: o.company_id == c).ids
            bus._sendone((company, BUS_SUBCHANNEL), BUS_NOTIFICATION, {"ids": ids})

    def action_schedule(self):
        self._check_state(("draft",), _("schedule"))
        for order in self:
            if not (order.user_id or order.subcontractor_id):
                raise UserError(_(
                    "%(order)s needs a lead technician or a subcontractor before it can be "
                    "scheduled.", order=order.name,
                ))
            if not order.scheduled_start:
                raise UserError(_(
                    "%(order)s needs a scheduled start before it can be scheduled.",
                    order=order.name,
                ))
        res = self._set_state({"state": "scheduled"})
        self._prepare_materials()
        for order in self.filtered("overlap_warning"):
            order.message_post(body=_("Double booking: %(warning)s", warning=order.overlap_warning))
        return res

    def action_start(self):
        self._check_state(("scheduled",), _("start"))
        is_dispatcher = self.env.user.has_group("field_work_order.group_dispatcher")
        for order in self:
            if not is_dispatcher and self.env.user not in order.technician_ids:
                raise AccessError(_(
                    "You are not assigned to %(order)s: only its technicians or a dispatcher "
                    "can start it.", order=order.name,
                ))
        now = self._now()
        for order in self:
            order._set_state({"state": "in_progress", "date_started": order.date_started or now})
        self._open_labor(now)
        return True

    def action_hold(self):
        self._check_state(("in_progress",), _("put on hold"))
        now = self._now()
        self._close_labor(now)
        return self._set_state({"state": "on_hold"})

    def action_resume(self):
        self._check_state(("on_hold",), _("resume"))
        now = self._now()
        self._set_state({"state": "in_progress"})
        self._open_labor(now)
        return True

    def action_complete(self):
        self._check_state(("in_progress",), _("complete"))
        for order in self:
            missing = order.checklist_ids.filtered(lambda line: line.required and not line.done)
            if missing:
                raise UserError(_(
                    "%(order)s cannot be completed: required checklist items are not done: "
                    "%(items)s.", order=order.name, items=", ".join(missing.mapped("name")),
                ))
            if order.company_id.fwo_signature_required and not order.signature:
                raise UserError(_(
                    "%(order)s cannot be completed without the customer's signature.",
                    order=order.name,
                ))
        stock_plan = self._plan_consumption()  # raises before anything is written
        now = self._now()
        self._close_labor(now)
        res = self._set_state({"state": "done", "date_completed": now})
        self._consume_materials(stock_plan)
        self._queue_service_report()
        return res

    def action_verify(self):
        self._check_state(("done",), _("verify"))
        self._check_dispatcher(_("verify"))
        for order in self:
            if self.env.user in order.technician_ids | order.labor_ids.user_id:
                raise AccessError(_(
                    "%(order)s must be verified by someone other than the technicians who did "
                    "the work.", order=order.name,
                ))
        return self._set_state({"state": "verified", "date_verified": self._now()})

    def action_rework(self, reason):
        self._check_state(("done",), _("send back for rework"))
        self._check_dispatcher(_("send back for rework"))
        if not (reason or "").strip():
            raise UserError(_("Say why the work failed verification before sending it back."))
        invoiced = self.filtered(lambda order: order.invoice_status == "invoiced")
        if invoiced:
            raise UserError(_(
                "%(order)s is already invoiced: cancel or credit its invoice before sending it back "
                "for rework.", order=invoiced[0].name,
            ))
        self._set_state({"state": "in_progress", "date_completed": False})
        for order in self:
            order.message_post(
                body=Markup("<p><b>%s</b></p><p>%s</p>") % (_("Sent back for rework"), escape(reason)),
                subtype_xmlid="mail.mt_comment",
                partner_ids=order.technician_ids.partner_id.ids,
            )
        return True

    def action_cancel(self):
        self._check_state(OPEN_STATES, _("cancel"))
        self._check_dispatcher(_("cancel"))
        self._close_labor(self._now())
        self._cancel_preparations()
        return self._set_state({"state": "cancelled"})

    def action_reset_draft(self):
        self._check_state(("cancelled",), _("reset to draft"))
        self._check_dispatcher(_("reset to draft"))
        return self._set_state({"state": "draft"})

    def action_open_rework_wizard(self):
        return {
            "type": "ir.actions.act_window",
            "name": _("Send Back for Rework"),
            "res_model": "field.work.order.rework",
            "view_mode": "form",
            "target": "new",
            "context": {"default_work_order_ids": self.ids},
        }

    def action_view_service_history(self):
        return self._history_action(
            [("service_partner_id", "=", self.service_partner_id.id)], _("Orders at this Address")
        )

    def action_view_partner_history(self):
        return self._history_action([("partner_id", "=", self.partner_id.id)], _("Customer Orders"))

    def _history_action(self, domain, name):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "field_work_order.field_work_order_action"
        )
        action.update(name=name, domain=domain, context={"create": False})
        return action

    # ------------------------------------------------------------------
    # Labor side effects of the transitions (run after the checks above).
    # ------------------------------------------------------------------
    def _open_labor(self, when):
        """Open a labor line for the caller (or the lead when a dispatcher acts for them)."""
        Labor = self.env["field.work.order.labor"]
        open_lines = Labor.search([("work_order_id", "in", self.ids), ("date_end", "=", False)])
        vals_list = []
        for order in self:
            user = self.env.user if self.env.user in order.technician_ids else order.user_id
            if user and not open_lines.filtered(
                lambda line, o=order, u=user: line.work_order_id == o and line.user_id == u
            ):
                vals_list.append({"work_order_id": order.id, "user_id": user.id, "date_start": when})
        Labor.create(vals_list)

    def _close_labor(self, when):
        self.env["field.work.order.labor"].search(
            [("work_order_id", "in", self.ids), ("date_end", "=", False)]
        ).write({"date_end": when})

    # ------------------------------------------------------------------
    # Inventory: preparation at scheduling, consumption at completion, returns.
    #
    # Consumption happens once, when the order is completed, not as each part
    # is logged: a technician may correct a used quantity many times (or work
    # offline and sync later) without creating and reverting stock moves, and
    # the stock changes in the same transaction as the completion, after the
    # same checks. Sending an order back for rework and completing it again
    # only moves the difference.
    # ------------------------------------------------------------------
    @api.depends("user_id", "company_id")
    def _compute_location_id(self):
        warehouses = self.env["res.users"]._fwo_warehouses(self.company_id)
        for order in self:
            van = order.user_id.fwo_van_location_id
            if van and (not van.company_id or van.company_id == order.company_id):
                order.location_id = van
            else:
                order.location_id = warehouses.get(
                    order.company_id, self.env["stock.warehouse"]
                ).lot_stock_id

    def _compute_stock_counts(self):
        pickings = dict(self.env["stock.picking"]._read_group(
            [("fwo_order_id", "in", self.ids)], ["fwo_order_id"], ["__count"],
        ))
        moves = dict(self.env["stock.move"]._read_group(
            [("fwo_order_id", "in", self.ids)], ["fwo_order_id"], ["__count"],
        ))
        for order in self:
            order.picking_count = pickings.get(order, 0)
            order.move_count = moves.get(order, 0)

    def action_view_pickings(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id("stock.action_picking_tree_all")
        action.update(domain=[("fwo_order_id", "=", self.id)], context={"create": False})
        return action

    def action_view_stock_moves(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id("stock.stock_move_action")
        action.update(domain=[("fwo_order_id", "=", self.id)], context={"create": False})
        return action

    def action_return_unused(self):
        """Send the prepared parts the job did not use back from the van to the warehouse.

        Creates a reserved internal transfer (van -> warehouse stock) per order
        for what the done preparations brought minus what was used and what is
        already on its way back.
        """
        self._check_state(("done", "verified", "cancelled"), _("return the unused parts of"))
        self._check_dispatcher(_("return the unused parts of"))
        Picking = self._stock_sudo("stock.picking")
        known = Picking.search([
            ("fwo_order_id", "in", self.ids), ("state", "!=", "cancel"),
            "|", "&", ("fwo_purpose", "=", "prepare"), ("state", "=", "done"),
            ("fwo_purpose", "=", "return"),
        ])
        vals_list = []
        for order in self:
            left = defaultdict(float)
            for picking in known.filtered(lambda p, o=order: p.fwo_order_id == o):
                sign = 1 if picking.fwo_purpose == "prepare" else -1
                for move in picking.move_ids.filtered(
                    lambda m, o=order: m.state != "cancel"
                    and o.location_id in (m.location_id | m.location_dest_id)
                ):
                    left[move.product_id] += sign * move.product_uom._compute_quantity(
                        move.quantity if move.state == "done" else move.product_uom_qty,
                        move.product_id.uom_id,
                    )
            for line in order.material_ids:
                left[line.product_id] -= line.product_uom_id._compute_quantity(
                    line.quantity_used, line.product_id.uom_id
                )
            products = [
                p for p, qty in left.items()
                if p.is_storable and float_compare(qty, 0, precision_rounding=p.uom_id.rounding) > 0
            ]
            warehouse = order.location_id.warehouse_id
            if not products or not warehouse or order.location_id == warehouse.lot_stock_id:
                continue
            vals_list.append(order._stock_picking_vals(
                "return", warehouse.int_type_id, order.location_id, warehouse.lot_stock_id,
                [(product, left[product], product.uom_id, False) for product in products],
            ))
        if not vals_list:
            raise UserError(_(
                "%(orders)s: no prepared part is left to return (nothing was brought to a van "
                "beyond what was used or already sent back).",
                orders=", ".join(self.mapped("name")),
            ))
        pickings = Picking.create(vals_list)
        pickings.action_confirm()
        pickings.action_assign()
        for picking in pickings:
            picking.fwo_order_id.message_post(body=_(
                "Unused parts sent back to the warehouse: %(picking)s.", picking=picking.name,
            ))
        return True

    def _stock_sudo(self, model):
        """Inventory model ``model`` (pickings, moves, move lines) with the rights to write this order's stock.

        The one place work orders bypass access rights. Technicians and
        dispatchers have no Inventory rights, yet scheduling, completing or
        cancelling an order, or returning its unused parts, creates, validates
        or cancels its pickings and moves. Only called after the transition or
        action checked that the user may act on these orders, and only to
        read and write those orders' own pickings and moves.

        As the superuser rather than ``sudo()``: valuing a move out of an
        average-cost product reads the stock with ``sudo(False)``
        (stock_account), which a technician would be refused.
        """
        return self.env[model].with_user(SUPERUSER_ID)

    def _stock_customer_location(self):
        self.ensure_one()
        return (
            self.partner_id.with_company(self.company_id).property_stock_customer
            or self.env.ref("stock.stock_location_customers")
        )

    def _stock_picking_vals(self, purpose, picking_type, source, destination, lines):
        """Values of a picking of this order; ``lines``: (product, qty, uom, material line)."""
        self.ensure_one()
        return {
            "picking_type_id": picking_type.id,
            "location_id": source.id,
            "location_dest_id": destination.id,
            "partner_id": self.service_partner_id.id,
            "origin": self.name,
            "company_id": self.company_id.id,
            "fwo_order_id": self.id,
            "fwo_purpose": purpose,
            "move_ids": [Command.create({
                "name": self.name,
                "product_id": product.id,
                "product_uom_qty": qty,
                "product_uom": uom.id,
                "location_id": source.id,
                "location_dest_id": destination.id,
                "company_id": self.company_id.id,
                "fwo_material_id": line.id if line else False,
            }) for product, qty, uom, line in lines],
        }

    def _prepare_materials(self):
        """Create, confirm and reserve a picking for the planned storable parts of each order.

        Source is a van (any internal location other than the warehouse
        stock): an internal transfer warehouse stock -> van, so the warehouse
        loads the van before the visit and the technician consumes from it.
        No van: a delivery warehouse stock -> customer, which reserves the
        parts at the warehouse; at completion the consumption moves record
        what was really used and this delivery, if still open, is cancelled
        (if it was shipped ahead, completion sends back what was not used).
        """
        warehouses = self.env["res.users"]._fwo_warehouses(self.company_id)
        vals_list = []
        for order in self:
            lines = order.material_ids.filtered(
                lambda m: m.product_id.is_storable and m.product_uom_qty > 0
            )
            warehouse = order.location_id.warehouse_id or warehouses.get(order.company_id)
            if not lines or not order.location_id or not warehouse:
                continue
            stock = warehouse.lot_stock_id
            if order.location_id == stock:
                picking_type, destination = warehouse.out_type_id, order._stock_customer_location()
            else:
                picking_type, destination = warehouse.int_type_id, order.location_id
            vals_list.append(order._stock_picking_vals(
                "prepare", picking_type, stock, destination,
                [(line.product_id, line.product_uom_qty, line.product_uom_id, line)
                 for line in lines],
            ))
        if vals_list:
            pickings = self._stock_sudo("stock.picking").create(vals_list)
            pickings.action_confirm()
            pickings.action_assign()
        return True

    def _cancel_preparations(self):
        """Cancel the preparations not done yet: the job is over or will not happen."""
        self._stock_sudo("stock.picking").search([
            ("fwo_order_id", "in", self.ids), ("fwo_purpose", "=", "prepare"),
            ("state", "not in", ("done", "cancel")),
        ]).action_cancel()
        return True

    def _plan_consumption(self):
        """Check the used parts and return the moves completing the orders will make.

        Raises before anything is written: a tracked part without a lot or
        serial number, a serial number used more than once, or (company
        setting ``block``) more used than the source location holds.
        Returns [(order, material line, product, lot, quantity in the
        product's unit)], a negative quantity giving parts back from the
        customer: the customer must end up holding exactly what was used,
        whatever earlier completions or deliveries already moved.
        """
        used, line_of = defaultdict(float), {}
        for order in self:
            for line in order.material_ids.filtered(
                lambda m: m.quantity_used > 0 and m.product_id.type == "consu"
            ):
                product = line.product_id
                if product.tracking != "none" and not line.lot_id:
                    raise UserError(_(
                        "%(order)s: %(product)s is tracked: enter the lot or serial number of "
                        "the part used.", order=order.name, product=product.display_name,
                    ))
                key = (order, product, line.lot_id)
                used[key] += line.product_uom_id._compute_quantity(
                    line.quantity_used, product.uom_id
                )
                line_of.setdefault(key, line)
                if not order.location_id:
                    raise UserError(_(
                        "%(order)s: choose where the parts are taken from (Parts From) before "
                        "completing it.", order=order.name,
                    ))
        for (order, product, _lot), qty in used.items():
            if product.tracking == "serial" and float_compare(
                qty, 1, precision_rounding=product.uom_id.rounding
            ) > 0:
                raise UserError(_(
                    "%(order)s: %(product)s is tracked by serial number: one line per serial "
                    "number, each with a quantity of 1.",
                    order=order.name, product=product.display_name,
                ))

        consumed = defaultdict(float)
        done = self._stock_sudo("stock.move").search([
            ("state", "=", "done"),
            "|", ("fwo_order_id", "in", self.ids), ("picking_id.fwo_order_id", "in", self.ids),
        ])
        for move_line in done.move_line_ids:
            move = move_line.move_id
            sign = (move_line.location_dest_id.usage == "customer") - (
                move_line.location_id.usage == "customer"
            )
            if sign:
                order = move.fwo_order_id or move.picking_id.fwo_order_id
                key = (order, move_line.product_id, move_line.lot_id)
                consumed[key] += sign * move_line.quantity_product_uom

        plan = []
        for key in {**used, **consumed}:
            order, product, lot = key
            qty = used.get(key, 0.0) - consumed.get(key, 0.0)
            if not float_is_zero(qty, precision_rounding=product.uom_id.rounding):
                plan.append((order, line_of.get(key, order.material_ids.browse()), product, lot, qty))
        self._check_stock_available(plan)
        return plan

    def _check_stock_available(self, plan):
        """Refuse a plan taking more than its source holds, for companies that block it."""
        to_check = [
            (order, product, lot, qty) for order, _line, product, lot, qty in plan
            if qty > 0 and product.is_storable and order.company_id.fwo_stock_shortage == "block"
        ]
        if not to_check:
            return
        orders = self.browse([order.id for order, *_rest in to_check])
        groups = self.env["stock.quant"]._read_group(
            [
                ("product_id", "in", [product.id for _o, product, *_rest in to_check]),
                ("location_id", "child_of", orders.location_id.ids),
            ],
            ["location_id", "product_id", "lot_id"], ["quantity:sum", "reserved_quantity:sum"],
        )
        # Parts this order reserved itself (an open delivery from the source) are
        # released at completion: they count as available.
        own = self._stock_sudo("stock.move.line").search([
            ("move_id.picking_id.fwo_order_id", "in", orders.ids),
            ("move_id.picking_id.fwo_purpose", "=", "prepare"),
            ("state", "not in", ("done", "cancel")),
            ("location_id", "child_of", orders.location_id.ids),
        ])
        for order, product, lot, qty in to_check:
            source = order.location_id
            available = sum(
                quantity - reserved
                for location, group_product, group_lot, quantity, reserved in groups
                if group_product == product and (group_lot == lot or not lot)
                and location.parent_path.startswith(source.parent_path)
            ) + sum(
                own.filtered(
                    lambda ml, o=order, p=product, lo=lot: ml.move_id.picking_id.fwo_order_id == o
                    and ml.product_id == p and (ml.lot_id == lo or not lo)
                    and ml.location_id.parent_path.startswith(o.location_id.parent_path)
                ).mapped("quantity_product_uom")
            )
            if float_compare(qty, available, precision_rounding=product.uom_id.rounding) > 0:
                raise UserError(_(
                    "%(order)s cannot be completed: %(used)s %(uom)s of %(product)s used, but "
                    "%(location)s has only %(available)s %(uom)s available. Correct the used "
                    "quantity or ask a dispatcher to take the parts from another location.",
                    order=order.name, product=product.display_name + (
                        f" ({lot.name})" if lot else ""
                    ),
                    used=formatLang(self.env, qty, dp="Product Unit of Measure"),
                    available=formatLang(self.env, available, dp="Product Unit of Measure"),
                    uom=product.uom_id.name, location=source.display_name,
                ))

    def _consume_materials(self, plan):
        """Move and validate the used parts of a plan from ``_plan_consumption``."""
        self._cancel_preparations()
        vals_list = []
        for order, line, product, lot, qty in plan:
            customer = order._stock_customer_location()
            source, destination = (
                (order.location_id, customer) if qty > 0 else (customer, order.location_id)
            )
            values = {
                "product_id": product.id,
                "location_id": source.id,
                "location_dest_id": destination.id,
                "company_id": order.company_id.id,
            }
            vals_list.append({
                **values,
                "name": order.name,
                "origin": order.name,
                "product_uom": product.uom_id.id,
                "product_uom_qty": abs(qty),
                "partner_id": order.service_partner_id.id,
                "fwo_order_id": order.id,
                "fwo_material_id": line.id,
                "picked": True,
                "move_line_ids": [Command.create({
                    **values,
                    "product_uom_id": product.uom_id.id,
                    "quantity": abs(qty),
                    "lot_id": lot.id,
                    "picked": True,
                })],
            })
        if vals_list:
            self._stock_sudo("stock.move").create(vals_list)._action_done()
        return True

    # ------------------------------------------------------------------
    # Invoicing: draft customer invoices from finished orders.
    # ------------------------------------------------------------------
    @api.depends("company_id")
    def _compute_labor_product_id(self):
        for order in self:
            if not order.labor_product_id:
                order.labor_product_id = order.company_id.fwo_labor_product_id

    @api.depends("invoice_ids")
    def _compute_invoice_count(self):
        for order in self:
            order.invoice_count = len(order.invoice_ids | order.invoice_ids.reversal_move_ids)

    @api.depends(
        "state", "billable", "company_id.fwo_invoice_state",
        "invoice_ids.state", "invoice_ids.payment_state",
    )
    def _compute_invoice_status(self):
        for order in self:
            if order._active_invoices():
                order.invoice_status = "invoiced"
            elif order.billable and order.state in order._invoiceable_states():
                order.invoice_status = "to_invoice"
            else:
                order.invoice_status = "no"

    def _invoiceable_states(self):
        self.ensure_one()
        return ("verified",) if self.company_id.fwo_invoice_state == "verified" else (
            "done", "verified"
        )

    def _active_invoices(self):
        """Invoices that still charge the customer: not cancelled, not reversed in full."""
        return self.invoice_ids.filtered(
            lambda move: move.move_type == "out_invoice" and move.state != "cancel"
            and move.payment_state != "reversed"
        )

    def action_create_invoices(self, grouped=False):
        """Create draft customer invoices and open them.

        One invoice per customer (invoice address, company, currency, fiscal
        position) for the whole batch, or one per order when ``grouped``. The
        batch is all-or-nothing: every order is checked before anything is
        created. Nothing is posted: the accountant reviews and posts.
        """
        invoices = self._create_invoices(grouped=grouped)
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "account.action_move_out_invoice_type"
        )
        if len(invoices) == 1:
            action.update(views=[(False, "form")], view_mode="form", res_id=invoices.id)
        else:
            action["domain"] = [("id", "in", invoices.ids)]
        action["context"] = {"default_move_type": "out_invoice"}
        return action

    def action_create_invoices_per_order(self):
        """List-view action: one invoice per order."""
        return self.action_create_invoices(grouped=True)

    def action_view_invoices(self):
        self.ensure_one()
        invoices = self.invoice_ids | self.invoice_ids.reversal_move_ids
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "account.action_move_out_invoice_type"
        )
        action.update(domain=[("id", "in", invoices.ids)], context={"create": False})
        if len(invoices) == 1:
            action.update(views=[(False, "form")], view_mode="form", res_id=invoices.id)
        return action

    def _create_invoices(self, grouped=False):
        """Lock, check and invoice the orders; return the draft invoices."""
        if not self:
            raise UserError(_("Select the work orders to invoice."))
        self.env["account.move"].check_access("create")
        self._lock_for_invoicing()
        charges = self._invoice_charges()
        invoices = self.env["account.move"]
        for company, vals_list in self._prepare_invoice_vals(charges, grouped).items():
            invoices |= invoices.with_company(company).create(vals_list)
        return invoices

    def _lock_for_invoicing(self):
        """Hold the orders' rows until the transaction ends, then re-read them.

        A second accountant invoicing one of these orders at the same time gets
        a clear error instead of waiting; one who started before this commit
        and reaches the rows after it gets a serialization failure (the row was
        updated: invoice_status), so Odoo retries the request, which then sees
        the order as invoiced.
        """
        try:
            with self.env.cr.savepoint(flush=False):
                self.env.cr.execute(SQL(
                    "SELECT id FROM field_work_order WHERE id IN %s FOR NO KEY UPDATE NOWAIT",
                    tuple(self.ids),
                ), log_exceptions=False)
        except psycopg2.errors.LockNotAvailable:
            raise UserError(_(
                "%(orders)s: these work orders are being invoiced by someone else right now. "
                "Reload the list in a moment.", orders=", ".join(self.mapped("name")),
            )) from None
        self.invalidate_recordset()

    def _invoice_charges(self):
        """Check every order and return {order: [charge dicts]}; raise before anything is created.

        A charge is what one invoice line bills: product, quantity, unit of
        measure and label. Prices are computed later, per invoice.
        """
        hour = self.env.ref("uom.product_uom_hour")
        charges = {}
        for order in self:
            if order._active_invoices():
                raise UserError(_(
                    "%(order)s is already invoiced (%(invoices)s).", order=order.name,
                    invoices=", ".join(order._active_invoices().mapped("display_name")),
                ))
            if not order.billable:
                raise UserError(_(
                    "%(order)s is not billable (warranty or maintenance agreement): "
                    "there is nothing to charge.", order=order.name,
                ))
            if order.state not in order._invoiceable_states():
                states = dict(self._fields["state"]._description_selection(self.env))
                raise UserError(_(
                    "%(order)s cannot be invoiced yet: it is %(state)s, and work orders are "
                    "invoiced when %(allowed)s.", order=order.name, state=states[order.state],
                    allowed=" / ".join(states[s] for s in order._invoiceable_states()),
                ))
            job_type = order.job_type_id
            flat_rate = job_type.billing_type == "flat_rate"
            lines = []
            if flat_rate:
                lines.append({
                    "product": job_type.flat_rate_product_id, "quantity": 1.0,
                    "uom": job_type.flat_rate_product_id.uom_id,
                    "name": _("%(product)s\n%(order)s - %(job_type)s (flat rate)",
                              product=job_type.flat_rate_product_id.display_name,
                              order=order.name, job_type=job_type.name),
                })
            else:
                hours = defaultdict(float)
                for labor in order.labor_ids:
                    hours[labor.user_id] += labor.duration
                hours = {user: qty for user, qty in hours.items() if qty > 0}
                product = order.labor_product_id
                if hours and not product:
                    raise UserError(_(
                        "%(order)s has labor hours but no labor product: set one on the order "
                        "(or a default in the Field Service settings).", order=order.name,
                    ))
                if hours and product.uom_id.category_id != hour.category_id:
                    raise UserError(_(
                        "%(order)s: the labor product %(product)s must be sold by time "
                        "(its unit is %(uom)s).", order=order.name,
                        product=product.display_name, uom=product.uom_id.name,
                    ))
                for user in sorted(hours, key=lambda u: (u.name or "", u.id)):
                    lines.append({
                        "product": product, "quantity": hours[user], "uom": hour,
                        "name": _("%(product)s\n%(order)s - %(technician)s", order=order.name,
                                  product=product.display_name, technician=user.name),
                    })
            if not (flat_rate and job_type.materials_included):
                for material in order.material_ids.filtered(lambda m: m.quantity_used > 0):
                    lines.append({
                        "product": material.product_id, "quantity": material.quantity_used,
                        "uom": material.product_uom_id,
                        "name": _("%(product)s\n%(order)s", order=order.name,
                                  product=material.product_id.display_name),
                    })
            if not lines:
                raise UserError(_(
                    "%(order)s has nothing to invoice: no labor hours, no material used and no "
                    "flat rate.", order=order.name,
                ))
            for line in lines:
                product = line["product"].with_company(order.company_id)
                # Odoo would silently fall back to the journal's default account.
                if not product._get_product_accounts()["income"]:
                    raise UserError(_(
                        "%(order)s cannot be invoiced: %(product)s has no income account. "
                        "Set one on the product or its category.",
                        order=order.name, product=product.display_name,
                    ))
            charges[order] = lines
        return charges

    def _prepare_invoice_vals(self, charges, grouped=False):
        """Invoice values per company, priced the way a sales order line is.

        Unit price: the customer's pricelist price at the completion date in
        the line's unit, then converted when the fiscal position maps the
        product's taxes (a tax-included price becomes the matching
        tax-excluded price); taxes: the product's taxes of the company mapped
        by the customer's fiscal position.
        """
        Fpos = self.env["account.fiscal.position"]
        invoice_partners, fiscal_positions = {}, {}
        groups = defaultdict(lambda: self.browse())
        for order in self.sorted("id"):
            company = order.company_id
            partner = order.partner_id.with_company(company)
            if partner not in invoice_partners:
                invoice_partners[partner] = self.env["res.partner"].browse(
                    partner.address_get(["invoice"])["invoice"]
                )
            invoice_partner = invoice_partners[partner]
            fpos_key = (company, invoice_partner, order.service_partner_id)
            if fpos_key not in fiscal_positions:
                fiscal_positions[fpos_key] = Fpos.with_company(company)._get_fiscal_position(
                    invoice_partner, delivery=order.service_partner_id
                )
            pricelist = partner.property_product_pricelist
            currency = pricelist.currency_id or company.currency_id
            key = (company, invoice_partner, currency, pricelist, fiscal_positions[fpos_key])
            groups[key + ((order.id,) if grouped else ())] |= order

        vals_by_company = defaultdict(list)
        for (company, invoice_partner, currency, pricelist, fpos, *_ignored), orders in (
            groups.items()
        ):
            line_commands = []
            for order in orders:
                if len(orders) > 1:
                    line_commands.append(Command.create({
                        "display_type": "line_section",
                        "name": f"{order.name} - {order.service_partner_id.display_name}",
                    }))
                date = order.date_completed or fields.Datetime.now()
                for charge in charges[order]:
                    product = charge["product"].with_company(company)
                    price = pricelist._get_product_price(
                        product, charge["quantity"], currency=currency, uom=charge["uom"],
                        date=date,
                    )
                    taxes = product.taxes_id._filter_taxes_by_company(company)
                    line_commands.append(Command.create({
                        "display_type": "product",
                        "name": charge["name"],
                        "product_id": product.id,
                        "product_uom_id": charge["uom"].id,
                        "quantity": charge["quantity"],
                        "price_unit": product._get_tax_included_unit_price_from_price(
                            price, taxes, fiscal_position=fpos,
                        ),
                        "tax_ids": [Command.set(fpos.map_tax(taxes).ids)],
                    }))
            vals_by_company[company].append({
                "move_type": "out_invoice",
                "company_id": company.id,
                "partner_id": invoice_partner.id,
                "currency_id": currency.id,
                "fiscal_position_id": fpos.id,
                "invoice_origin": ", ".join(orders.mapped("name")),
                "fwo_order_ids": [Command.set(orders.ids)],
                "invoice_line_ids": line_commands,
            })
        return vals_by_company

    # ------------------------------------------------------------------
    # Reports: printed sheets, the emailed service report, follow-ups.
    # ------------------------------------------------------------------
    def _compute_followup_count(self):
        counts = dict(self._read_group(
            [("parent_id", "in", self.ids)], ["parent_id"], ["__count"],
        ))
        for order in self:
            order.followup_count = counts.get(order, 0)

    def action_create_followup(self):
        """Open a new draft order for a second visit at the same place, linked to this one.

        The link is what the analysis reads: an order with a follow-up was
        not fixed the first time.
        """
        self.ensure_one()
        self._check_state(CLOSED_STATES, _("create a follow-up for"))
        description = _("Follow-up of %(order)s.", order=self.name)
        if self.description:
            description = f"{description}\n\n{self.description}"
        followup = self.create({
            "parent_id": self.id,
            "company_id": self.company_id.id,
            "partner_id": self.partner_id.id,
            "service_partner_id": self.service_partner_id.id,
            "unit_number": self.unit_number,
            "access_instructions": self.access_instructions,
            "site_contact_name": self.site_contact_name,
            "site_contact_phone": self.site_contact_phone,
            "job_type_id": self.job_type_id.id,
            "safety_requirements": self.safety_requirements,
            "description": description,
        })
        self.message_post(body=_("Follow-up %(order)s created.", order=followup.name))
        return {
            "type": "ir.actions.act_window",
            "name": _("Follow-up"),
            "res_model": self._name,
            "res_id": followup.id,
            "view_mode": "form",
            "views": [(False, "form")],
        }

    def action_view_followups(self):
        self.ensure_one()
        return self._history_action([("parent_id", "=", self.id)], _("Follow-ups"))

    def action_send_report(self):
        """Open the mail composer with the service report template (the PDF is attached)."""
        self._check_state(CLOSED_STATES, _("send the service report of"))
        template = self.env.ref(
            "field_work_order.mail_template_service_report", raise_if_not_found=False
        )
        return {
            "type": "ir.actions.act_window",
            "name": _("Send Service Report"),
            "res_model": "mail.compose.message",
            "view_mode": "form",
            "views": [(False, "form")],
            "target": "new",
            "context": {
                "default_model": self._name,
                "default_res_ids": self.ids,
                "default_template_id": template.id if template else False,
                "default_composition_mode": "comment" if len(self) == 1 else "mass_mail",
                "default_email_layout_xmlid": "mail.mail_notification_light",
                "force_email": True,
            },
        }

    def _queue_service_report(self):
        """Flag completed orders whose company emails the report; the cron sends it after commit.

        Rendering a PDF takes seconds and may fail: it must not slow down or
        undo a technician's completion (button or sync push).
        """
        to_send = self.filtered(lambda o: o.company_id.fwo_send_report_on_done)
        if to_send:
            to_send.write({"report_to_send": True})
            cron = self.env.ref(
                "field_work_order.ir_cron_send_service_reports", raise_if_not_found=False
            )
            if cron:
                cron.sudo()._trigger()
        return True

    @api.model
    def _cron_send_service_reports(self, batch_size=20):
        """Email the service report of the orders flagged at completion, a batch per run."""
        template = self.env.ref("field_work_order.mail_template_service_report")
        domain = [("report_to_send", "=", True)]
        orders = self.search(domain, order="date_completed, id", limit=batch_size)
        for order in orders:
            order.report_to_send = False
            if order.state not in CLOSED_STATES:
                continue  # sent back for rework: completing it again flags it again
            if not order.partner_id.email:
                order.message_post(body=_(
                    "The service report was not emailed: %(customer)s has no email address.",
                    customer=order.partner_id.display_name,
                ))
                continue
            try:
                with self.env.cr.savepoint():
                    # Queue the mail (the mail cron sends it) instead of calling SMTP here.
                    order.with_context(mail_notify_force_send=False).message_post_with_source(
                        template,
                        email_layout_xmlid="mail.mail_notification_light",
                        subtype_xmlid="mail.mt_comment",
                    )
            except Exception:
                _logger.exception("Service report of %s could not be emailed", order.name)
                order.message_post(body=_(
                    "The service report could not be emailed automatically; "
                    "use Send Report to send it."
                ))
        self.env["ir.cron"]._notify_progress(done=len(orders), remaining=self.search_count(domain))
        return True

    def _report_tz(self):
        """Time zone the printed dates are shown in: the lead technician's, else the company's."""
        self.ensure_one()
        return self.user_id.tz or self.company_id.partner_id.tz or self.env.user.tz or "UTC"

    def _report_photos(self, kind):
        """(data URI, photo) pairs for a kind of photo, shrunk to thumbnails for the PDF."""
        self.ensure_one()
        return [
            (image_data_uri(base64.b64encode(image_process(
                base64.b64decode(photo.image), size=REPORT_THUMBNAIL_SIZE, quality=80,
            ))), photo)
            for photo in self.photo_ids
            if photo.kind == kind and photo.image
        ]

    def _report_labor(self):
        """(technician, total hours, labor lines) per technician, by name."""
        self.ensure_one()
        by_user = self.labor_ids.grouped("user_id")
        return [
            (user, sum(lines.mapped("duration")), lines.sorted("date_start"))
            for user, lines in sorted(by_user.items(), key=lambda item: item[0].name or "")
        ]

    def _report_notes(self):
        """Chatter comments written by the order's technicians, oldest first."""
        self.ensure_one()
        authors = (self.technician_ids | self.labor_ids.user_id).partner_id
        return self.message_ids.filtered(
            lambda m: m.message_type == "comment" and m.author_id in authors and m.body
        ).sorted("date")

