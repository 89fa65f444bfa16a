from datetime import timedelta

from markupsafe import Markup, escape

from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError, ValidationError

from .field_work_order_policy import rpc_checked

#: Where the job takes place: the fields a technician on site may correct.
SITE_FIELDS = ("unit_number", "access_instructions", "site_contact_name", "site_contact_phone")
OPEN_STATES = ("draft", "scheduled", "in_progress", "on_hold")
CLOSED_STATES = ("done", "verified")
WORKING_STATES = ("in_progress",)  # labor runs: entering one opens it, leaving one closes it
BUS_NOTIFICATION = "field_work_order/changed"
BUS_SUBCHANNEL = "field_work_order_dispatch"
#: Who may run a transition: a dispatcher; the people doing the job (the order's technicians
#: or, once it accepted, its subcontractor's users); the subcontractor answering the job.
#: Dispatchers may act for the others.
DISPATCHER, WORKER, SUBCONTRACTOR = "dispatcher", "worker", "subcontractor"

#: The order's state machine, declared once: each transition, the states it may run from,
#: the state it leads to (False: the state stays) and who may run it. ``sync``: a device may
#: push it as an operation of that name. The ``action_*`` methods check against this table,
#: ``sync_reference`` publishes it, and the app and sync_client read it from there.
TRANSITIONS = {
    "schedule": {"from": ("draft",), "to": "scheduled", "by": DISPATCHER, "sync": False},
    # The board's drop: moves the order; a draft one is then scheduled ("schedule").
    "plan": {"from": ("draft", "scheduled", "on_hold"), "to": False, "by": DISPATCHER, "sync": False},
    "start": {"from": ("scheduled",), "to": "in_progress", "by": WORKER, "sync": True},
    "on_my_way": {"from": ("scheduled", "on_hold"), "to": False, "by": WORKER, "sync": True},
    "hold": {"from": ("in_progress",), "to": "on_hold", "by": WORKER, "sync": True},
    "resume": {"from": ("on_hold",), "to": "in_progress", "by": WORKER, "sync": True},
    "complete": {"from": ("in_progress",), "to": "done", "by": WORKER, "sync": True},
    "verify": {"from": ("done",), "to": "verified", "by": DISPATCHER, "sync": False},
    "rework": {"from": ("done",), "to": "in_progress", "by": DISPATCHER, "sync": False},
    "cancel": {"from": OPEN_STATES, "to": "cancelled", "by": DISPATCHER, "sync": False},
    "reset_draft": {"from": ("cancelled",), "to": "draft", "by": DISPATCHER, "sync": False},
    "decline": {"from": ("draft", "scheduled"), "to": "draft", "by": SUBCONTRACTOR, "sync": False},
}


class FieldWorkOrder(models.Model):
    _name = "field.work.order"
    _description = "Work Order"
    _inherit = ["mail.thread", "mail.activity.mixin", "field.work.order.policy"]
    _order = "priority desc, scheduled_start, id desc"
    _check_company_auto = True
    # The lines follow their own policies (technicians tick the checklist, log used parts,
    # their labor and photos); everything else on the order is the dispatcher's.
    _fwo_technician_fields = frozenset({
        *SITE_FIELDS, "signature", "signed_by",
        "material_ids", "labor_ids", "checklist_ids", "photo_ids",
    })

    name = fields.Char(
        string="Reference", required=True, readonly=True, copy=False, default=lambda self: self.env._("New")
    )
    active = fields.Boolean(default=True)
    company_id = fields.Many2one(
        "res.company", required=True, index=True, default=lambda self: self.env.company
    )
    partner_id = fields.Many2one(
        "res.partner", string="Customer", required=True, index=True, tracking=True,
        check_company=True,
        # Customers, not staff: the company's own users are not offered.
        domain="['|', ('user_ids', '=', False), ('user_ids.share', '=', True)]",
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
        precompute=True, index=True,  # a week's orders: those ending after its start (the board)
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
    technician_count = fields.Integer(
        compute="_compute_technician_count", store=True,
        help="Technical: stored so that the board's card shows how many share the job without "
        "reading every technician of every column.",
    )
    subcontractor_id = fields.Many2one(
        "res.partner", string="Subcontractor", tracking=True, check_company=True,
        help="A vendor doing the job instead of our technicians.",
    )
    date_started = fields.Datetime(string="Started On", readonly=True, copy=False)
    date_completed = fields.Datetime(string="Completed On", readonly=True, copy=False)
    date_verified = fields.Datetime(string="Verified On", readonly=True, copy=False)
    date_last_state_update = fields.Datetime(
        string="Last Status Change", readonly=True, copy=False,
        help="When the order last changed status: a device time sent later may not be earlier.",
    )
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

    @api.depends("technician_ids")
    def _compute_technician_count(self):
        for order in self:
            order.technician_count = len(order.technician_ids)

    @api.depends("labor_ids.duration")
    def _compute_labor_hours(self):
        for order in self:
            order.labor_hours = sum(order.labor_ids.mapped("duration"))

    @api.constrains("scheduled_start", "scheduled_end")
    def _check_schedule(self):
        for order in self:
            if order.scheduled_start and order.scheduled_end and (
                order.scheduled_end < order.scheduled_start
            ):
                raise ValidationError(self.env._(
                    "%(order)s: the scheduled end is before the scheduled start.", order=order.name
                ))

    @api.constrains("user_id", "subcontractor_id")
    def _check_assignee(self):
        for order in self:
            if order.user_id and order.subcontractor_id:
                raise ValidationError(self.env._(
                    "%(order)s: assign either technicians or a subcontractor, not both.",
                    order=order.name,
                ))

    @api.onchange("job_type_id")
    def _onchange_job_type_id(self):
        """The job type brings its checklist, its parts and its planned duration."""
        if self.job_type_id and self.scheduled_start:
            self.scheduled_end = self.scheduled_start + timedelta(
                hours=self.job_type_id.planned_hours or 1.0)
        if self.job_type_id and not self.checklist_ids:
            self.checklist_ids = self._job_type_checklist_commands(
                self.job_type_id, self.equipment_ids)
        if self.job_type_id and not self.material_ids:
            self.material_ids = self._job_type_material_commands(self.job_type_id)

    @api.constrains("location_id", "company_id")
    def _check_location(self):
        for order in self.filtered("location_id"):
            location = order.location_id
            if location.usage != "internal" or location.company_id != order.company_id:
                raise ValidationError(self.env._(
                    "%(order)s: parts can only be taken from an internal location of "
                    "%(company)s, not from %(location)s.", order=order.name,
                    company=order.company_id.name, location=location.display_name,
                ))

    @api.model_create_multi
    def create(self, vals_list):
        self._check_dispatcher(self.env._("create"))
        for vals in self._fwo_vals_list(vals_list):
            self._fwo_check_write({k: v for k, v in vals.items() if k != "state" or v != "draft"})
        job_types = self.env["field.work.order.job.type"].browse(
            [vals["job_type_id"] for vals in vals_list if vals.get("job_type_id")]
        )
        sequences = {}
        for vals in vals_list:
            if vals.get("name", self.env._("New")) == self.env._("New"):
                company_id = vals.get("company_id") or self.env.company.id
                if company_id not in sequences:
                    sequences[company_id] = self._fwo_reference_sequence(company_id)
                sequence = sequences[company_id]
                vals["name"] = (sequence and sequence.next_by_id()) or self.env._("New")
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

    @api.model
    def _fwo_reference_sequence(self, company_id):
        """The sequence numbering the company's orders, as ``next_by_code`` picks it (the
        company's own, else the shared one): looked up once per batch, not once per order."""
        return self.env["ir.sequence"].with_company(company_id).search([
            ("code", "=", "field.work.order"), ("company_id", "in", [company_id, False]),
        ], order="company_id", limit=1)

    def write(self, vals):
        self._fwo_check_write(vals)
        if {"signature", "signed_by"}.intersection(vals):
            self._check_open_for_technicians()
        if "signature" in vals:
            vals = dict(vals, signed_on=self._now() if vals["signature"] else False)
        res = super().write(vals)
        if "user_id" in vals or "technician_ids" in vals:
            for order in self.filtered(lambda o: o.user_id and o.user_id not in o.technician_ids):
                order.technician_ids = [(4, order.user_id.id)]
        return res

    @rpc_checked
    def action_archive(self):
        super().action_archive()
        return True  # XML-RPC cannot marshal Odoo's None, and would fault after the commit

    @rpc_checked
    def action_unarchive(self):
        super().action_unarchive()
        return True

    @api.ondelete(at_uninstall=False)
    def _unlink_except_started(self):
        self._check_dispatcher(self.env._("delete"))
        if any(order.state not in ("draft", "cancelled") for order in self):
            raise UserError(self.env._("Only draft or cancelled work orders can be deleted; cancel it first."))

    @api.model
    def _job_type_checklist_commands(self, job_type, units=None):
        """The job type's checklist; its per-unit items once for each of ``units``."""
        commands = []
        for line in job_type.checklist_template_ids:
            if line.per_equipment:
                commands += [(0, 0, self._fwo_unit_checklist_vals(line, unit)) for unit in units or ()]
            else:
                commands.append(
                    (0, 0, {"name": line.name, "required": line.required, "sequence": line.sequence})
                )
        return commands

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
    def _check_state(self, allowed, action):
        states = dict(self._fields["state"]._description_selection(self.env))
        for order in self:
            if order.state not in allowed:
                raise UserError(self.env._(
                    "Cannot %(action)s %(order)s: it is %(state)s (allowed from: %(allowed)s).",
                    action=action, order=order.name, state=states[order.state],
                    allowed=", ".join(states[s] for s in allowed),
                ))

    def _check_dispatcher(self, action):
        """Refuse ``action`` to non-dispatchers, and to dispatchers who cannot change these orders."""
        if not (self.env.su or self._fwo_is_dispatcher()):
            raise AccessError(self.env._("Only a dispatcher can %(action)s work orders.", action=action))
        self.check_access("write")

    def _check_can_work(self, action):
        """Refuse an execution step (start, hold...) to users not assigned to the orders.

        Dispatchers may act for their technicians. Record rules already hide
        other orders from technicians; write access also keeps out readers
        such as accountants. Returns the orders to act on (a hook: a vendor's
        portal users act through the order's own methods, see the subcontract file).
        """
        self.check_access("write")
        if self._fwo_is_dispatcher():
            return self
        for order in self:
            if self.env.user not in order.technician_ids:
                raise AccessError(self.env._(
                    "You are not assigned to %(order)s: only its technicians or a dispatcher "
                    "can %(action)s it.", order=order.name, action=action,
                ))
        return self

    def _check_subcontractor(self, action):
        """Refuse ``action`` to anyone but a dispatcher or a portal user of the orders' subcontractor.

        Runs without superuser rights whatever the caller's environment: the
        record rules hide other vendors' orders.
        """
        orders = self.sudo(False)
        if not self.env.user.share:
            orders._check_dispatcher(action)
            return
        orders.check_access("read")
        for order in orders:
            vendor = order.subcontractor_id.commercial_partner_id
            if not vendor or vendor != self.env.user.commercial_partner_id:
                raise AccessError(self.env._(
                    "%(order)s is not assigned to your company: only its subcontractor or a "
                    "dispatcher can %(action)s it.", order=order.name, action=action,
                ))

    def _fwo_subcontract_sudo(self, action):
        """These orders with the rights to write them, for the subcontractor's portal users.

        Portal users have read access only: once ``_check_subcontractor``
        passed, the order's own methods write for them. Internal users keep
        their own rights.
        """
        if not self.env.user.share:
            return self
        self._check_subcontractor(action)
        return self.sudo()

    def _check_open_for_technicians(self):
        """Technicians record their work until the order is done; then it is the office's."""
        if not self._fwo_restricted():
            return
        closed = self.filtered(lambda o: o.state in ("done", "verified", "cancelled"))
        if closed:
            raise AccessError(self.env._(
                "%(order)s is %(state)s: its work is recorded. Ask a dispatcher to send it back "
                "for rework to change it.", order=closed[0].name,
                state=dict(self._fields["state"]._description_selection(self.env))[closed[0].state],
            ))

    def _set_state(self, vals):
        """Write a transition's values: the one path to the status and its dates."""
        self._fwo_as_trusted().write({"date_last_state_update": self._now(), **vals})
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

    @api.model
    def _fwo_transitions(self):
        """The state machine (``TRANSITIONS``): a hook for a module adding a transition."""
        return TRANSITIONS

    def _fwo_transition_verbs(self):
        """How a refusal names each transition ("Cannot start WO/0001...")."""
        _ = self.env._
        return {
            "schedule": _("schedule"), "start": _("start"), "on_my_way": _("announce the way to"),
            "hold": _("put on hold"), "resume": _("resume"), "complete": _("complete"),
            "verify": _("verify"), "rework": _("send back for rework"), "cancel": _("cancel"),
            "reset_draft": _("reset to draft"), "decline": _("decline"), "plan": _("plan"),
        }

    def _fwo_check_transition(self, name):
        """Refuse transition ``name`` where the table says no; return the orders to act on.

        The state first (a device that acted on an order changed since is told about
        the state), then who may run it: a dispatcher, or the people doing the job; a
        subcontractor's answer checks who first.
        """
        rule = self._fwo_transitions()[name]
        verb = self._fwo_transition_verbs()[name]
        if rule["by"] == SUBCONTRACTOR:
            # Who first: the vendor's users read only their company's orders.
            self._check_subcontractor(verb)
            orders = self._fwo_subcontract_sudo(verb)
            self._check_state(rule["from"], verb)
            return orders
        self._check_state(rule["from"], verb)
        if rule["by"] == DISPATCHER:
            self._check_dispatcher(verb)
            return self
        return self._check_can_work(verb)

    def _fwo_write_transition(self, name, vals=None):
        """Write transition ``name``: the state the table leads to, with the transition's ``vals``."""
        target = self._fwo_transitions()[name]["to"]
        return self._set_state({**({"state": target} if target else {}), **(vals or {})})

    def _fwo_after_transition(self, name):
        """Hook: what other concerns do once transition ``name`` is written (mails, bills)."""
        return True

    @rpc_checked
    def action_schedule(self):
        orders = self._fwo_check_transition("schedule")
        for order in orders:
            if not (order.user_id or order.subcontractor_id):
                raise UserError(self.env._(
                    "%(order)s needs a lead technician or a subcontractor before it can be "
                    "scheduled.", order=order.name,
                ))
            if not order.scheduled_start:
                raise UserError(self.env._(
                    "%(order)s needs a scheduled start before it can be scheduled.",
                    order=order.name,
                ))
        orders._fwo_write_transition("schedule")
        orders._prepare_materials()
        for order in orders.filtered("overlap_warning"):
            order.message_post(body=self.env._("Double booking: %(warning)s", warning=order.overlap_warning))
        return orders._fwo_after_transition("schedule")

    @rpc_checked
    def action_start(self):
        orders = self._fwo_check_transition("start")
        now = orders._transition_time()
        for order in orders:
            order._fwo_write_transition("start", {"date_started": order.date_started or now})
        orders._open_labor(now)
        return orders._fwo_after_transition("start")

    @rpc_checked
    def action_hold(self):
        orders = self._fwo_check_transition("hold")
        now = orders._transition_time()
        orders._close_labor(now)
        orders._fwo_write_transition("hold")
        return orders._fwo_after_transition("hold")

    @rpc_checked
    def action_resume(self):
        orders = self._fwo_check_transition("resume")
        now = orders._transition_time()
        orders._fwo_write_transition("resume")
        orders._open_labor(now)
        return orders._fwo_after_transition("resume")

    @rpc_checked
    def action_complete(self):
        orders = self._fwo_check_transition("complete")
        for order in orders:
            missing = order.checklist_ids.filtered(lambda line: line.required and not line.done)
            if missing:
                raise UserError(self.env._(
                    "%(order)s cannot be completed: required checklist items are not done: "
                    "%(items)s.", order=order.name, items=", ".join(missing.mapped("name")),
                ))
            if order.company_id.fwo_signature_required and not order.signature:
                raise UserError(self.env._(
                    "%(order)s cannot be completed without the customer's signature.",
                    order=order.name,
                ))
        stock_plan = orders._plan_consumption()  # raises before anything is written
        now = orders._transition_time()
        orders._close_labor(now)
        orders._fwo_write_transition("complete", {"date_completed": now})
        orders._consume_materials(stock_plan)
        orders._queue_service_report()
        return orders._fwo_after_transition("complete")

    @rpc_checked
    def action_verify(self):
        orders = self._fwo_check_transition("verify")
        for order in orders:
            if self.env.user in order.technician_ids | order.labor_ids.user_id:
                raise AccessError(self.env._(
                    "%(order)s must be verified by someone other than the technicians who did "
                    "the work.", order=order.name,
                ))
        orders._fwo_write_transition("verify", {"date_verified": orders._transition_time()})
        return orders._fwo_after_transition("verify")

    @rpc_checked
    def action_rework(self, reason):
        orders = self._fwo_check_transition("rework")
        if not isinstance(reason, str) or not reason.strip():
            raise UserError(self.env._("Say why the work failed verification before sending it back."))
        invoiced = orders.filtered(lambda order: order.invoice_status == "invoiced")
        if invoiced:
            raise UserError(self.env._(
                "%(order)s is already invoiced: cancel or credit its invoice before sending it back "
                "for rework.", order=invoiced[0].name,
            ))
        orders._fwo_write_transition("rework", {"date_completed": False})
        for order in orders:
            order.message_post(
                body=Markup("<p><b>%s</b></p><p>%s</p>") % (self.env._("Sent back for rework"), escape(reason)),
                subtype_xmlid="mail.mt_comment",
                partner_ids=order.technician_ids.partner_id.ids,
            )
        return orders._fwo_after_transition("rework")

    @rpc_checked
    def action_on_my_way(self):
        """The technician leaves for the job: no status change, the customer is told (mail hook)."""
        orders = self._fwo_check_transition("on_my_way")
        for order in orders:
            order.message_post(body=self.env._(
                "%(technician)s is on the way.", technician=self.env.user.name,
            ))
        return orders._fwo_after_transition("on_my_way")

    @rpc_checked
    def action_cancel(self):
        orders = self._fwo_check_transition("cancel")
        orders._close_labor(orders._transition_time())
        orders._cancel_preparations()
        orders._fwo_write_transition("cancel")
        return orders._fwo_after_transition("cancel")

    @rpc_checked
    def action_reset_draft(self):
        orders = self._fwo_check_transition("reset_draft")
        orders._fwo_write_transition("reset_draft")
        return orders._fwo_after_transition("reset_draft")

    @rpc_checked
    def action_open_rework_wizard(self):
        self._check_dispatcher(self.env._("send back for rework"))
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Send Back for Rework"),
            "res_model": "field.work.order.rework",
            "view_mode": "form",
            "target": "new",
            "context": {"default_work_order_ids": self.ids},
        }

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
        Labor._fwo_as_trusted().create(vals_list)

    def _close_labor(self, when):
        self.env["field.work.order.labor"].search(
            [("work_order_id", "in", self.ids), ("date_end", "=", False)]
        )._fwo_as_trusted().write({"date_end": when})
