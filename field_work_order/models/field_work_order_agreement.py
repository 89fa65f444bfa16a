"""Maintenance agreements: recurring visits at a customer's sites, generated exactly once.

Each visit date is computed from the start date (``date_start + k * interval``),
never from the previous visit, so month ends clamp and come back (Jan 31,
Feb 28, Mar 31). An order records the visit it fulfils (``agreement_id``,
``service_partner_id``, ``visit_date``) and a database unique index on those
three columns makes a second creation of the same visit fail, whoever tries:
two crons at once, a rerun, a retry after a crash.
"""

import logging
from datetime import datetime, time, timedelta

import psycopg2
import pytz
from dateutil.relativedelta import relativedelta

from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.fields import Command
from odoo.tools import SQL, mute_logger

_logger = logging.getLogger(__name__)

#: How many agreements the cron handles per transaction.
CRON_BATCH = 100
#: Safety net: no agreement produces more visits per site in one run (the next run goes on).
MAX_VISITS_PER_RUN = 1000
#: Fields whose change may bring visits due sooner: the next run checks the agreement.
SCHEDULE_FIELDS = frozenset({
    "service_partner_ids", "equipment_ids", "interval_number", "interval_type", "date_start",
    "date_end", "visit_count", "lead_days", "company_id", "state", "date_generate_from",
})
PERIOD_MONTHS = {"month": 1, "quarter": 3, "year": 12}


class FieldWorkOrderAgreement(models.Model):
    _name = "field.work.order.agreement"
    _description = "Maintenance Agreement"
    _inherit = ["mail.thread", "mail.activity.mixin", "field.work.order.policy"]
    _order = "name, id"
    _check_company_auto = True

    name = fields.Char(required=True, tracking=True)
    active = fields.Boolean(default=True)
    company_id = fields.Many2one(
        "res.company", required=True, index=True, default=lambda self: self.env.company
    )
    currency_id = fields.Many2one(related="company_id.currency_id")
    partner_id = fields.Many2one(
        "res.partner", string="Customer", required=True, index=True, tracking=True,
        check_company=True,
    )
    service_partner_ids = fields.Many2many(
        "res.partner", "field_work_order_agreement_site_rel", "agreement_id", "partner_id",
        string="Sites", check_company=True, domain="[('id', 'child_of', partner_id)]",
        help="Where the visits take place: the customer itself or its contacts and addresses. "
        "Each visit date gives one work order per site.",
    )
    equipment_ids = fields.Many2many(
        "field.work.order.equipment", "field_work_order_agreement_equipment_rel", "agreement_id",
        "equipment_id", string="Units", check_company=True,
        domain="[('partner_id', 'child_of', partner_id)]",
        help="The units the agreement covers: each due visit lists the units of its site; "
        "retired units get no more visits.",
    )
    job_type_id = fields.Many2one(
        "field.work.order.job.type", string="Job Type", required=True, tracking=True,
        check_company=True,
        help="Each visit's order gets the job type's checklist and default materials.",
    )
    user_id = fields.Many2one(
        "res.users", string="Preferred Technician", tracking=True,
        domain="[('share', '=', False), ('company_ids', 'in', company_id)]",
        help="When set, visits are scheduled for this technician as they are created; "
        "otherwise they are created as drafts for a dispatcher to plan.",
    )
    description = fields.Text(string="Scope of Work", help="Copied to each visit's order.")

    # Recurrence
    interval_number = fields.Integer(string="Every", default=3, required=True, tracking=True)
    interval_type = fields.Selection(
        [("day", "Days"), ("week", "Weeks"), ("month", "Months"), ("year", "Years")],
        string="Unit", default="month", required=True, tracking=True,
    )
    date_start = fields.Date(
        string="First Visit", required=True, tracking=True, default=fields.Date.context_today,
        help="Date of the first visit; each later visit is this date plus a whole number of "
        "intervals (a visit on the 31st falls on the last day of shorter months).",
    )
    date_end = fields.Date(
        string="End Date", tracking=True, help="No visit after this date (empty: open-ended)."
    )
    visit_count = fields.Integer(
        string="Number of Visits", tracking=True,
        help="No visit after this many visits per site (0: no limit). With an end date too, "
        "whichever comes first.",
    )
    lead_days = fields.Integer(
        string="Lead Time (days)", default=14, required=True, tracking=True,
        help="Orders are created this many days before the visit date.",
    )
    visit_hour = fields.Float(
        string="Visit Time", default=8.0, required=True,
        help="Local time of the proposed start, in the preferred technician's time zone "
        "(else the company's): it stays the same across daylight-saving changes.",
    )
    date_generate_from = fields.Date(
        string="Generate From", readonly=True, copy=False,
        help="Technical: visits before this date are not created (set on resume: the visits "
        "missed while paused are skipped).",
    )
    date_next_check = fields.Datetime(
        string="Next Check", readonly=True, copy=False, index=True,
        help="Technical: when the daily run next has a visit to create for this agreement "
        "(empty: none left). Changing the recurrence, the sites or the status resets it to now.",
    )
    state = fields.Selection(
        [("draft", "Draft"), ("active", "Active"), ("paused", "Paused"), ("ended", "Ended")],
        default="draft", required=True, readonly=True, copy=False, index=True, tracking=True,
        help="Draft: being prepared, no visit is created.\n"
        "Active: visits are created as they come within the lead time.\n"
        "Paused: no visit is created; on resume, the visits missed meanwhile are skipped.\n"
        "Ended: no visit is created any more.",
    )

    # Pricing
    price_type = fields.Selection(
        [("none", "Covered (not billed)"), ("per_visit", "Per Visit"),
         ("per_period", "Per Period")],
        string="Pricing", default="per_visit", required=True, tracking=True,
        help="Covered: the visits are not invoiced.\n"
        "Per Visit: each visit's order is invoiced at the agreed price (plus its materials, "
        "unless its flat-rate job type includes them).\n"
        "Per Period: one invoice per agreement and period at the agreed price (Invoice Periods "
        "action, or the monthly scheduled action); the visits' orders are not invoiced.",
    )
    price = fields.Monetary(string="Agreed Price", tracking=True)
    invoice_period = fields.Selection(
        [("month", "Monthly"), ("quarter", "Quarterly"), ("year", "Yearly")],
        string="Billing Period", default="month", required=True,
        help="Per Period pricing: length of each invoiced period, counted from the first visit.",
    )
    product_id = fields.Many2one(
        "product.product", string="Invoice Product", check_company=True,
        domain="[('sale_ok', '=', True)]",
        help="Product of the invoice line billing the agreed price (its taxes and income "
        "account apply).",
    )
    period_ids = fields.One2many(
        "field.work.order.agreement.period", "agreement_id", string="Invoiced Periods",
        readonly=True,
    )

    order_ids = fields.One2many(
        "field.work.order", "agreement_id", string="Work Orders", readonly=True
    )
    order_count = fields.Integer(compute="_compute_order_count", string="Visits")

    @api.depends("order_ids")
    def _compute_order_count(self):
        counts = dict(self.env["field.work.order"].with_context(active_test=False)._read_group(
            [("agreement_id", "in", self.ids)], ["agreement_id"], ["__count"],
        ))
        for agreement in self:
            agreement.order_count = counts.get(agreement, 0)

    # ------------------------------------------------------------------
    # Bad input
    # ------------------------------------------------------------------
    @api.constrains("interval_number", "lead_days", "visit_count", "visit_hour")
    def _check_numbers(self):
        for agreement in self:
            if agreement.interval_number <= 0:
                raise ValidationError(self.env._(
                    "%(agreement)s: visits must repeat every 1 or more days, weeks, months or "
                    "years (not %(number)s).", agreement=agreement.name,
                    number=agreement.interval_number,
                ))
            if agreement.lead_days < 0 or agreement.visit_count < 0:
                raise ValidationError(self.env._(
                    "%(agreement)s: the lead time and the number of visits cannot be negative.",
                    agreement=agreement.name,
                ))
            if not 0 <= agreement.visit_hour < 24:
                raise ValidationError(self.env._(
                    "%(agreement)s: the visit time must be between 00:00 and 23:59.",
                    agreement=agreement.name,
                ))

    @api.constrains("date_start", "date_end")
    def _check_dates(self):
        for agreement in self:
            if agreement.date_end and agreement.date_end < agreement.date_start:
                raise ValidationError(self.env._(
                    "%(agreement)s ends (%(end)s) before its first visit (%(start)s).",
                    agreement=agreement.name, end=agreement.date_end, start=agreement.date_start,
                ))

    @api.constrains("partner_id", "service_partner_ids", "equipment_ids")
    def _check_sites(self):
        for agreement in self:
            customer = agreement.partner_id.commercial_partner_id
            foreign = agreement.service_partner_ids.filtered(
                lambda site, c=customer: site.commercial_partner_id != c
            )
            if foreign:
                raise ValidationError(self.env._(
                    "%(agreement)s: these sites are not addresses of %(customer)s: %(sites)s. A "
                    "site must be the customer or one of its contacts and addresses.",
                    agreement=agreement.name,
                    sites=", ".join(foreign.mapped("display_name")),
                    customer=agreement.partner_id.display_name,
                ))
            foreign = agreement.with_context(active_test=False).equipment_ids.filtered(
                lambda unit, c=customer: unit.partner_id.commercial_partner_id != c
            )
            if foreign:
                raise ValidationError(self.env._(
                    "%(agreement)s: these units do not belong to %(customer)s: %(units)s.",
                    agreement=agreement.name, units=", ".join(foreign.mapped("display_name")),
                    customer=agreement.partner_id.display_name,
                ))

    def _visit_sites(self):
        """The sites visited: the agreement's sites and those of its units in service."""
        self.ensure_one()
        return self.service_partner_ids | self.equipment_ids.service_partner_id

    @api.constrains("price_type", "price", "product_id")
    def _check_price(self):
        for agreement in self:
            if agreement.price_type == "none" and agreement.price:
                raise ValidationError(self.env._(
                    "%(agreement)s is covered (not billed): it cannot have a price. Choose Per "
                    "Visit or Per Period pricing, or clear the price.", agreement=agreement.name,
                ))
            if agreement.price < 0:
                raise ValidationError(self.env._(
                    "%(agreement)s: the agreed price cannot be negative.", agreement=agreement.name,
                ))
            if agreement.price_type != "none" and not agreement.product_id:
                raise ValidationError(self.env._(
                    "%(agreement)s is billed: choose the invoice product of its agreed price.",
                    agreement=agreement.name,
                ))

    @api.model_create_multi
    def create(self, vals_list):
        self._check_dispatcher(self.env._("create"))
        for vals in vals_list:
            self._fwo_check_write({k: v for k, v in vals.items() if k != "state" or v != "draft"})
        return super().create(vals_list)

    def write(self, vals):
        """The status and its dates change through the actions only (see the policy)."""
        self._fwo_check_write(vals)
        if SCHEDULE_FIELDS.intersection(vals) and "date_next_check" not in vals:
            vals = dict(vals, date_next_check=fields.Datetime.now())
        return super().write(vals)

    # ------------------------------------------------------------------
    # States
    # ------------------------------------------------------------------
    def _check_agreement_state(self, allowed, action):
        states = dict(self._fields["state"]._description_selection(self.env))
        for agreement in self:
            if agreement.state not in allowed:
                raise UserError(self.env._(
                    "Cannot %(action)s %(agreement)s: it is %(state)s (allowed from: "
                    "%(allowed)s).", action=action, agreement=agreement.name,
                    state=states[agreement.state],
                    allowed=", ".join(states[s] for s in allowed),
                ))

    def _check_dispatcher(self, action):
        if not (self.env.su or self._fwo_is_dispatcher()):
            raise AccessError(self.env._("Only a dispatcher can %(action)s agreements.", action=action))
        if self:
            self.check_access("write")

    def _set_agreement_state(self, vals):
        return self._fwo_as_trusted().write(vals)

    def _today(self):
        """Today in the agreement company's time zone (the day its customers live in)."""
        self.ensure_one()
        tz = pytz.timezone(self._fwo_tz(self.company_id.partner_id.tz))
        return fields.Datetime.now().replace(tzinfo=pytz.utc).astimezone(tz).date()

    def action_activate(self):
        self._check_agreement_state(("draft",), self.env._("activate"))
        self._check_dispatcher(self.env._("activate"))
        for agreement in self:
            if not agreement._visit_sites():
                raise UserError(self.env._(
                    "%(agreement)s has no site: add the customer's addresses or units to visit.",
                    agreement=agreement.name,
                ))
        self._set_agreement_state({"state": "active"})
        return True

    def action_pause(self):
        self._check_agreement_state(("active",), self.env._("pause"))
        self._check_dispatcher(self.env._("pause"))
        self._set_agreement_state({"state": "paused"})
        return True

    def action_resume(self):
        """Resume generation from today: visits missed during the pause are not created."""
        self._check_agreement_state(("paused",), self.env._("resume"))
        self._check_dispatcher(self.env._("resume"))
        for agreement in self:
            agreement._set_agreement_state({
                "state": "active", "date_generate_from": agreement._today(),
            })
        return True

    def action_end(self):
        """End the agreement today: no visit after today (the orders already created stay)."""
        self._check_agreement_state(("draft", "active", "paused"), self.env._("end"))
        self._check_dispatcher(self.env._("end"))
        for agreement in self:
            vals = {"state": "ended"}
            today = agreement._today()
            if today >= agreement.date_start and not (
                agreement.date_end and agreement.date_end <= today
            ):
                vals["date_end"] = today
            agreement._set_agreement_state(vals)
        return True

    def action_view_orders(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "field_work_order.field_work_order_action"
        )
        action.update(
            name=self.env._("Visits of %(agreement)s", agreement=self.name),
            domain=[("agreement_id", "=", self.id)],
            context={"create": False, "active_test": False},
        )
        return action

    # ------------------------------------------------------------------
    # Visit dates
    # ------------------------------------------------------------------
    def _interval(self, k):
        self.ensure_one()
        n = k * self.interval_number
        return {
            "day": relativedelta(days=n), "week": relativedelta(weeks=n),
            "month": relativedelta(months=n), "year": relativedelta(years=n),
        }[self.interval_type]

    def _visit_dates(self, after, until):
        """The visit dates in (``after``, ``until``], each from the start date, within the end.

        ``after`` may be False (from the first visit).
        """
        self.ensure_one()
        last = min(filter(None, [until, self.date_end]))
        start_from = max(filter(None, [after and after + timedelta(days=1),
                                       self.date_generate_from, self.date_start]))
        k = 0
        if self.interval_type in ("day", "week") and start_from > self.date_start:
            step = self.interval_number * (7 if self.interval_type == "week" else 1)
            k = max(0, (start_from - self.date_start).days // step - 1)
        elif start_from > self.date_start:
            months = self.interval_number * (12 if self.interval_type == "year" else 1)
            diff = (start_from.year - self.date_start.year) * 12 + (
                start_from.month - self.date_start.month
            )
            k = max(0, diff // months - 1)
        dates = []
        while True:
            if self.visit_count and k >= self.visit_count:
                break
            day = self.date_start + self._interval(k)
            if day > last:
                break
            if day >= start_from:
                dates.append(day)
                if len(dates) >= MAX_VISITS_PER_RUN:
                    break
            k += 1
        return dates

    def _visit_start(self, day, user):
        """The visit's proposed start (UTC, naive) at the visit hour local to ``user`` or the company."""
        tz = pytz.timezone(self._fwo_tz(user.tz, self.company_id.partner_id.tz))
        hours, minutes = divmod(round(self.visit_hour * 60), 60)
        local = tz.localize(datetime.combine(day, time(hours, minutes)))
        return local.astimezone(pytz.utc).replace(tzinfo=None)

    # ------------------------------------------------------------------
    # Generation
    # ------------------------------------------------------------------
    def action_generate_orders(self):
        """Create now the visits due within the lead time (RPC and the form's button)."""
        self._check_dispatcher(self.env._("generate the visits of"))
        for agreement in self:
            if agreement.state != "active":
                raise UserError(self.env._(
                    "%(agreement)s is %(state)s: only an active agreement creates visits.",
                    agreement=agreement.name,
                    state=dict(self._fields["state"]._description_selection(self.env))[
                        agreement.state],
                ))
        self._generate_orders()
        return True

    @api.model
    def _cron_generate_orders(self, batch_size=CRON_BATCH):
        """Daily: the due visits of one batch of agreements, those whose next check has come.

        Odoo's cron commits after each call and calls again while the
        progress it is told has agreements remaining, so each batch is its own
        transaction. An agreement whose visits cannot be created (its
        preferred technician left the company...) is logged and retried the
        next day; the others go on.
        """
        domain = [("state", "=", "active"), ("date_next_check", "<=", fields.Datetime.now())]
        batch = self.search(domain, order="date_next_check, id", limit=batch_size)
        batch._generate_orders(keep_going=True)
        remaining = self.search_count(domain) if len(batch) == batch_size else 0
        self.env["ir.cron"]._notify_progress(done=len(batch), remaining=remaining)
        return len(batch), remaining

    def _last_visits(self):
        """{(agreement id, site id): last visit date created}, in one query."""
        self.env["field.work.order"].flush_model(["agreement_id", "service_partner_id", "visit_date"])
        self.env.cr.execute(SQL(
            """SELECT agreement_id, service_partner_id, MAX(visit_date)
                 FROM field_work_order
                WHERE agreement_id IN %s
             GROUP BY agreement_id, service_partner_id""",
            tuple(self.ids),
        ))
        return {(a, s): d for a, s, d in self.env.cr.fetchall()}

    def _generate_orders(self, keep_going=False):
        """Create every missing visit up to today + lead time; return the orders created.

        ``keep_going`` (the cron): an agreement whose visits cannot be created
        (its preferred technician left the company...) is logged and tried
        again the next day, and the others go on.
        """
        if not self:
            return self.env["field.work.order"]
        last = self._last_visits()
        created = self.env["field.work.order"]
        for agreement in self.filtered(lambda a: a.state == "active"):
            if not keep_going:
                created |= agreement._generate_agreement_orders(last)
                continue
            try:
                with self.env.cr.savepoint():
                    created |= agreement._generate_agreement_orders(last)
            except (UserError, ValidationError, AccessError) as error:
                _logger.warning("Agreement %s (%s): visits not created: %s", agreement.name,
                                agreement.id, error)
                agreement._fwo_as_trusted().write({
                    "date_next_check": fields.Datetime.now() + timedelta(days=1),
                })
        return created

    def _generate_agreement_orders(self, last):
        self.ensure_one()
        today = self._today()
        until = today + timedelta(days=self.lead_days)
        vals_list, capped = [], False
        # A site added to an agreement that already has visits starts today, not at the first visit.
        sites = self._visit_sites()
        started = any((self.id, site.id) in last for site in sites)
        for site in sites:
            after = last.get((self.id, site.id)) or (started and today - timedelta(days=1))
            dates = self._visit_dates(after, until)
            capped = capped or len(dates) >= MAX_VISITS_PER_RUN
            vals_list += [self._visit_vals(site, day) for day in dates]
        created = self._create_visits(vals_list) if vals_list else self.env["field.work.order"]
        self._set_next_check(self._next_check(until, capped))
        return created

    def _set_next_check(self, when):
        """Record the next check; a concurrent run that updated it first computed the same."""
        try:
            with mute_logger("odoo.sql_db"), self.env.cr.savepoint():
                self._fwo_as_trusted().write({"date_next_check": when})
        except psycopg2.errors.SerializationFailure:
            _logger.info("Agreement %s: next check set by a concurrent run", self.id)

    def _next_check(self, until, capped=False):
        """When the next visit after ``until`` comes within the lead time (UTC), or False.

        That moment is the local midnight of the visit date minus the lead
        time, always after now: the cron never takes the agreement again the
        same day for nothing.
        """
        self.ensure_one()
        if capped:
            return fields.Datetime.now()
        base = max(filter(None, [until, self.date_start, self.date_generate_from]))
        upcoming = self._visit_dates(until, base + self._interval(2))
        if not upcoming:
            return False
        tz = pytz.timezone(self._fwo_tz(self.company_id.partner_id.tz))
        day = upcoming[0] - timedelta(days=self.lead_days)
        return tz.localize(datetime.combine(day, time())).astimezone(pytz.utc).replace(tzinfo=None)

    def _visit_vals(self, site, day):
        self.ensure_one()
        user = self.user_id
        return {
            "company_id": self.company_id.id,
            "partner_id": self.partner_id.id,
            "service_partner_id": site.id,
            "job_type_id": self.job_type_id.id,
            "description": self.description or False,
            "agreement_id": self.id,
            "visit_date": day,
            "billable": self.price_type == "per_visit",
            "user_id": user.id or False,
            "scheduled_start": self._visit_start(day, user),
            "equipment_ids": [Command.set(
                self.equipment_ids.filtered(lambda unit: unit.service_partner_id == site).ids
            )],
        }

    def _create_visits(self, vals_list):
        """Create the visits; those another transaction created meanwhile are skipped.

        The fast path creates them all at once. When the unique index refuses
        one (a concurrent run got there first), each is retried alone in its
        own savepoint, so the others are still created.
        """
        Order = self.env["field.work.order"]._fwo_as_trusted().with_context(
            mail_create_nosubscribe=True,
        )
        try:
            with mute_logger("odoo.sql_db"), self.env.cr.savepoint():
                orders = Order.create(vals_list)
                orders.flush_recordset()
        except psycopg2.errors.UniqueViolation:
            orders = Order.browse()
            for vals in vals_list:
                try:
                    with mute_logger("odoo.sql_db"), self.env.cr.savepoint():
                        order = Order.create(vals)
                        order.flush_recordset()
                except psycopg2.errors.UniqueViolation:
                    continue
                orders |= order
        scheduled = orders.filtered("user_id")
        if scheduled:
            scheduled.with_context(fwo_trusted=False).action_schedule()
        return orders.with_env(self.env)
