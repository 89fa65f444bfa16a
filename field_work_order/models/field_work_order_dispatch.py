"""The dispatch board's server side: planning a drop, the whole board in one call, free slots.

Everything the board shows or does goes through these methods (docs/integrator-api.md):
``action_plan`` (a drop), ``get_dispatch_board`` (the board), ``action_suggest_slots``.
Working hours and time off are Odoo's own: each technician's ``resource.resource``,
its working schedule (``resource.calendar``) and ``resource.calendar.leaves``.
"""

from collections import defaultdict
from datetime import datetime, timedelta

import pytz

from odoo import api, fields, models
from odoo.exceptions import UserError

from .field_work_order import CLOSED_STATES, OPEN_STATES
from .field_work_order_policy import rpc_checked, shown

WIRE_DATETIME = "%Y-%m-%d %H:%M:%S"
SLOT_STEP = timedelta(minutes=15)  # the board snaps to quarters of an hour
MAX_RANGE = timedelta(days=31)  # one call reads at most a month
MAX_SUGGESTIONS = 10
MAX_UNPLANNED = 200
#: The customer's wishes (field_work_order_wishes.py), read with the board's orders.
WISH_FIELDS = ("preferred_date_from", "preferred_date_to", "preferred_window")


def wire(value):
    """A naive UTC (or aware) datetime as the wire's UTC text."""
    if value.tzinfo:
        value = value.astimezone(pytz.utc).replace(tzinfo=None)
    return value.strftime(WIRE_DATETIME)


def ceil_step(value):
    """``value`` rounded up to the board's step (a quarter of an hour)."""
    base = value.replace(minute=0, second=0, microsecond=0)
    steps = -(-(value - base) // SLOT_STEP)
    return base + steps * SLOT_STEP


class FieldWorkOrderDispatch(models.Model):
    _inherit = "field.work.order"

    # ------------------------------------------------------------------
    # Input
    # ------------------------------------------------------------------
    @api.model
    def _fwo_parse_range(self, start, end):
        """Two wire times (UTC "YYYY-MM-DD HH:MM:SS") as naive UTC datetimes, start before end."""
        values = []
        for what, value in ((self.env._("start"), start), (self.env._("end"), end)):
            try:
                values.append(datetime.strptime(value, WIRE_DATETIME))
            except (TypeError, ValueError):
                raise UserError(self.env._(
                    "The %(what)s must be a UTC time as 'YYYY-MM-DD HH:MM:SS', got %(value)s.",
                    what=what, value=shown(value),
                )) from None
        if values[1] <= values[0]:
            raise UserError(self.env._("The end must be after the start."))
        return values

    @api.model
    def _fwo_technician(self, user_id, company):
        """The field technician ``user_id`` of ``company``, or a sentence saying why not."""
        if not self._fwo_is_id(user_id):
            raise UserError(self.env._("user_id must be a technician's user id, got %(value)s.",
                                       value=shown(user_id)))
        user = self.env["res.users"].sudo().browse(user_id).exists()
        if not user or user.share or not user.has_group("field_work_order.group_technician"):
            raise UserError(self.env._("User %(id)s is not a field technician.", id=user_id))
        if company not in user.company_ids:
            raise UserError(self.env._(
                "%(user)s does not work for %(company)s.", user=user.name, company=company.name,
            ))
        return user

    # ------------------------------------------------------------------
    # Working time, time off and travel
    # ------------------------------------------------------------------
    @api.model
    def _fwo_calendar_intervals(self, users, start, end):
        """{user id: (working intervals, time off intervals)} between two naive UTC datetimes.

        Working: the attendances of each technician's schedule (theirs, else their
        company's), in the resource's time zone. Time off: their leaves and the
        schedule's public holidays, with the reason. Naive UTC pairs; one query per
        schedule, whatever the number of technicians.
        """
        start_utc, end_utc = pytz.utc.localize(start), pytz.utc.localize(end)
        by_calendar = defaultdict(lambda: self.env["resource.resource"])
        resource_of = {}
        for user in users:
            resource = user.sudo()._fwo_resource()
            if resource:
                resource_of[user.id] = resource
                calendar = resource.calendar_id or user.company_id.resource_calendar_id
                by_calendar[calendar] |= resource
        result = {user.id: ([], []) for user in users}
        for calendar, resources in by_calendar.items():
            calendar = calendar.sudo()
            working = calendar._attendance_intervals_batch(start_utc, end_utc, resources)
            leaves = calendar._leave_intervals_batch(start_utc, end_utc, resources)
            for user_id, resource in resource_of.items():
                if resource not in resources:
                    continue
                result[user_id] = (
                    [(wire(a), wire(b)) for a, b, _records in working[resource.id]],
                    [(wire(a), wire(b), ", ".join(filter(None, records.mapped("name"))))
                     for a, b, records in leaves[resource.id]],
                )
        return result

    def _fwo_site(self):
        """(latitude, longitude) of the order's service address, or None when it has none."""
        partner = self.service_partner_id or self.partner_id
        if not (partner.partner_latitude or partner.partner_longitude):
            return None
        return (partner.partner_latitude, partner.partner_longitude)

    # ------------------------------------------------------------------
    # A drop
    # ------------------------------------------------------------------
    @rpc_checked
    def action_plan(self, user_id, start, end):
        """Plan the order on technician ``user_id`` from ``start`` to ``end`` (UTC); True.

        A draft order gets its lead technician and slot, then is scheduled like
        ``action_schedule`` (parts prepared, customer told). A scheduled or on-hold
        order is moved: its lead is replaced (helpers stay). Either way the open
        preparation of its parts is dated ``start``. A slot outside the customer's wishes
        is not refused: the dispatcher may have agreed another time with them (the board
        asks to confirm).
        """
        self.ensure_one()
        order = self._fwo_check_transition("plan")
        start, end = self._fwo_parse_range(start, end)
        user = self._fwo_technician(user_id, order.company_id)
        order._fwo_check_qualified(user)
        order._fwo_check_not_off(user, start, end)
        vals = {"user_id": user.id, "scheduled_start": start, "scheduled_end": end}
        if order.user_id and order.user_id != user:
            vals["technician_ids"] = [(3, order.user_id.id), (4, user.id)]
        order.write(vals)
        if order.state == "draft":
            order.action_schedule()
        order._fwo_move_preparations(start)  # the parts are prepared for the visit's day
        return order._fwo_after_transition("plan")

    def _fwo_check_qualified(self, user):
        qualifications = user.sudo().fwo_job_type_ids
        if self.job_type_id and qualifications and self.job_type_id not in qualifications:
            raise UserError(self.env._(
                "%(user)s is not qualified for %(job_type)s jobs (%(order)s): choose a technician "
                "qualified for it, or add it to their qualifications.",
                user=user.name, job_type=self.job_type_id.name, order=self.name,
            ))

    def _fwo_check_not_off(self, user, start, end):
        """Refuse a slot touching the technician's time off or a public holiday of their schedule."""
        resource = user.sudo()._fwo_resource()
        calendar = resource.calendar_id or user.company_id.resource_calendar_id
        leave = self.env["resource.calendar.leaves"].sudo().search([
            ("date_from", "<", end), ("date_to", ">", start), ("time_type", "=", "leave"),
            ("company_id", "in", (user.company_id.id, False)),
            "|", ("resource_id", "=", resource.id),
            "&", ("resource_id", "=", False), ("calendar_id", "in", (calendar.id, False)),
        ], order="date_from", limit=1)
        if leave:
            # Told in the dispatcher's own time, as the board shows it.
            tz = pytz.timezone(self._fwo_tz(self.env.user.tz, user.tz))
            local = [pytz.utc.localize(value).astimezone(tz).strftime("%Y-%m-%d %H:%M")
                     for value in (leave.date_from, leave.date_to)]
            reason = " (%s)" % leave.name if leave.name else ""
            raise UserError(self.env._(
                "%(user)s is off from %(start)s to %(end)s (%(tz)s)%(reason)s: %(order)s cannot be "
                "planned then.", user=user.name, start=local[0], end=local[1], tz=tz.zone,
                reason=reason, order=self.name,
            ))

    def _fwo_move_preparations(self, when):
        """The open preparation transfers of the orders follow their new date."""
        self._stock_sudo("stock.picking").search([
            ("fwo_order_id", "in", self.ids), ("fwo_purpose", "=", "prepare"),
            ("state", "not in", ("done", "cancel")),
        ]).write({"scheduled_date": when})
        return True

    # ------------------------------------------------------------------
    # The board
    # ------------------------------------------------------------------
    @api.model
    @rpc_checked
    def get_dispatch_board(self, start, end):
        """The whole board between ``start`` and ``end`` (UTC) in one answer (docs/integrator-api.md).

        Only orders the dispatcher may read; a constant number of queries whatever the
        number of orders or technicians (one more per working schedule).
        """
        self._check_dispatcher(self.env._("open the dispatch board of"))
        start, end = self._fwo_parse_range(start, end)
        if end - start > MAX_RANGE:
            raise UserError(self.env._("The board shows at most 31 days at a time."))
        orders = self.search_fetch([
            ("state", "in", (*OPEN_STATES, *CLOSED_STATES)),
            ("scheduled_start", "<", end), ("scheduled_end", ">", start),
            "|", ("user_id", "!=", False), ("subcontractor_id", "!=", False),
        ], ["name", "state", "priority", "partner_id", "service_partner_id", "job_type_id",
            "unit_number", "scheduled_start", "scheduled_end", "user_id", "technician_ids",
            "subcontractor_id", "description", "company_id", *WISH_FIELDS],
            order="scheduled_start, id")
        technicians = self._fwo_board_technicians(orders)
        calendars = self._fwo_calendar_intervals(technicians, start, end)
        sites = {order.id: order._fwo_site() for order in orders}
        blocks = orders._fwo_board_blocks(start, end, sites)
        rows = {user.id: [] for user in technicians}
        booked = dict.fromkeys(rows, 0.0)
        by_vendor = defaultdict(list)
        for order in orders:
            block = blocks[order.id]
            if order.subcontractor_id:
                by_vendor[order.subcontractor_id.id].append(block)
            lead = order.user_id.id
            if not lead:
                continue
            hours = max((min(order.scheduled_end, end) - max(order.scheduled_start, start))
                        .total_seconds() / 3600, 0.0)
            for user_id in dict.fromkeys([*order.technician_ids.ids, lead]):
                if user_id in rows:
                    rows[user_id].append(dict(block, helper=user_id != lead))
                    booked[user_id] += hours
        vendors = orders.subcontractor_id
        unplanned = self._fwo_unplanned(orders, calendars, span=(start, end))
        return {
            "technicians": [{
                "id": user.id,
                "name": user.name,
                "resource_id": user._fwo_resource().id,  # read above: no query
                "working": [list(i) for i in calendars[user.id][0]],
                "time_off": [list(i) for i in calendars[user.id][1]],
                "available_hours": round(self._fwo_hours(
                    calendars[user.id][0], start, end, minus=calendars[user.id][1]), 2),
                "booked_hours": round(booked[user.id], 2),
                "qualifications": user.sudo().fwo_job_type_ids.ids,
                "orders": rows[user.id],
            } for user in technicians],
            "subcontractors": [{
                "id": vendor.id,
                "name": vendor.display_name,
                "orders": by_vendor[vendor.id],
            } for vendor in vendors],
            "unplanned": unplanned,
            "conflicts": self._fwo_board_conflicts(orders, calendars, rows, sites),
        }

    @api.model
    def _fwo_board_technicians(self, orders):
        """The field technicians of the dispatcher's companies, and whoever leads an order shown."""
        technician = self.env.ref("field_work_order.group_technician")
        dispatcher = self.env.ref("field_work_order.group_dispatcher")
        users = self.env["res.users"].sudo().search([
            ("groups_id", "in", technician.id), ("groups_id", "not in", dispatcher.id),
            ("share", "=", False), ("company_ids", "in", self.env.companies.ids),
        ], order="name, id")
        return (users | orders.technician_ids.sudo() | orders.user_id.sudo()).sorted(
            lambda u: (u.name or "", u.id))

    def _fwo_addresses(self):
        """{order id: its service address on one line}, each address formatted once."""
        sites = {order.id: order.service_partner_id or order.partner_id for order in self}
        formatted = {partner.id: partner._display_address(without_company=True).strip()
                     for partner in set(sites.values())}
        return {order_id: formatted[partner.id] for order_id, partner in sites.items()}

    def _fwo_board_blocks(self, start, end, sites):
        """{order id: the order as the board draws it}, built once per order however many rows
        show it (a helper's row copies it with ``helper`` True); ``start``, ``end``: the board's
        range, for the customer's wishes inside it; ``sites``: {order id: ``_fwo_site()``}."""
        addresses = self._fwo_addresses()
        wishes = self._fwo_board_wishes(start, end)
        return {order.id: {
            "id": order.id,
            "name": order.name,
            "state": order.state,
            "priority": order.priority,
            "partner": order.partner_id.display_name or "",
            "address": addresses[order.id],
            "job_type": order.job_type_id.name or False,
            "job_type_id": order.job_type_id.id or False,
            "unit": order.unit_number or False,
            "scope": (order.description or "")[:300] or False,
            "start": wire(order.scheduled_start),
            "end": wire(order.scheduled_end),
            "helper": False,
            "located": bool(sites[order.id]),
            "wishes": wishes[order.id],
        } for order in self}

    @api.model
    def _fwo_unplanned(self, orders, calendars, span=None):
        """The queue: draft orders without a technician or a slot, then the planned ``orders``
        of the board whose lead technician is off at their time; by priority, then deadline.
        ``span``: the board's (start, end), for the customer's wishes inside it."""
        drafts = self.search_fetch([
            ("state", "=", "draft"), "|", ("scheduled_start", "=", False),
            "&", ("user_id", "=", False), ("subcontractor_id", "=", False),
        ], [
            "name", "priority", "partner_id", "service_partner_id", "job_type_id", "unit_number",
            "deadline", "scheduled_start", "scheduled_end", *WISH_FIELDS,
        ], order="priority desc, deadline asc, id", limit=MAX_UNPLANNED)
        away = {user_id for user_id, (_working, time_off) in calendars.items() if time_off}
        off = orders.filtered(lambda o: o.user_id.id in away and o.state != "draft" and any(
            a < wire(o.scheduled_end) and b > wire(o.scheduled_start)
            for a, b, _reason in calendars[o.user_id.id][1]
        ))
        queue = drafts | off.sorted(lambda o: (-int(o.priority), o.deadline or datetime.max))
        addresses = queue._fwo_addresses()
        wishes = queue._fwo_board_wishes(*span) if span else {}
        return [{
            "id": order.id,
            "name": order.name,
            "priority": order.priority,
            "partner": order.partner_id.display_name or "",
            "address": addresses[order.id],
            "job_type": order.job_type_id.name or False,
            "job_type_id": order.job_type_id.id or False,
            "unit": order.unit_number or False,
            "deadline": wire(order.deadline) if order.deadline else False,
            "duration_hours": order._fwo_planned_hours(),
            "technician_off": order in off,
            "wishes": wishes.get(order.id, False),
        } for order in queue]

    def _fwo_planned_hours(self):
        """How long the job is planned to take: its slot, else its job type's hours, else 1."""
        self.ensure_one()
        if self.scheduled_start and self.scheduled_end and self.scheduled_end > self.scheduled_start:
            return (self.scheduled_end - self.scheduled_start).total_seconds() / 3600
        return self.job_type_id.planned_hours or 1.0

    @api.model
    def _fwo_overlap_hours(self, a, b, start, end):
        """Hours of the wire interval (a, b) inside (start, end)."""
        a, b = max(datetime.strptime(a, WIRE_DATETIME), start), min(
            datetime.strptime(b, WIRE_DATETIME), end)
        return max((b - a).total_seconds() / 3600, 0.0)

    @api.model
    def _fwo_hours(self, intervals, start, end, minus=()):
        """Hours of ``intervals`` inside (start, end), less those of ``minus`` overlapping them."""
        total = sum(self._fwo_overlap_hours(a, b, start, end) for a, b in intervals)
        for off_a, off_b, _reason in minus:
            for a, b in intervals:
                lo, hi = max(a, off_a), min(b, off_b)
                if lo < hi:
                    total -= self._fwo_overlap_hours(lo, hi, start, end)
        return max(total, 0.0)

    @api.model
    def _fwo_board_conflicts(self, orders, calendars, rows, sites):
        """What the board marks: double bookings, work outside working hours or in time off,
        and gaps too short for the travel between two consecutive sites (``sites``: {order id:
        ``_fwo_site()``})."""
        conflicts = []
        by_id = {order.id: order for order in orders}
        for user_id, blocks in rows.items():
            working, time_off = calendars[user_id]
            live = sorted((b for b in blocks if b["state"] in OPEN_STATES), key=lambda b: b["start"])
            for block in live:
                if not any(a <= block["start"] and block["end"] <= b for a, b in working):
                    conflicts.append({
                        "type": "outside_hours", "user_id": user_id, "order_ids": [block["id"]],
                        "reason": self.env._("%(order)s is outside working hours.",
                                             order=block["name"]),
                    })
                if any(a < block["end"] and block["start"] < b for a, b, _r in time_off):
                    conflicts.append({
                        "type": "time_off", "user_id": user_id, "order_ids": [block["id"]],
                        "reason": self.env._("%(order)s falls in time off.", order=block["name"]),
                    })
            for i, block in enumerate(live):
                for other in live[i + 1:]:
                    if other["start"] >= block["end"]:
                        break
                    conflicts.append({
                        "type": "overlap", "user_id": user_id,
                        "order_ids": [block["id"], other["id"]],
                        "reason": self.env._("%(a)s and %(b)s overlap.", a=block["name"],
                                             b=other["name"]),
                    })
            for previous, block in zip(live, live[1:], strict=False):
                if previous["end"] > block["start"] or previous["end"][:10] != block["start"][:10]:
                    continue
                before, after = by_id[previous["id"]], by_id[block["id"]]
                travel = self._fwo_drive_minutes(sites[before.id], sites[after.id], before.company_id)
                gap = (after.scheduled_start - before.scheduled_end).total_seconds() / 60
                if travel is not False and travel > gap:
                    conflicts.append({
                        "type": "travel", "user_id": user_id,
                        "order_ids": [previous["id"], block["id"]],
                        "reason": self.env._(
                            "%(minutes)s min of travel from %(a)s to %(b)s, %(gap)s min between "
                            "them.", minutes=travel, a=previous["name"], b=block["name"],
                            gap=int(gap),
                        ),
                    })
        return conflicts

    # ------------------------------------------------------------------
    # Suggestions
    # ------------------------------------------------------------------
    @rpc_checked
    def action_suggest_slots(self, start, end):
        """The best free slots for this order between ``start`` and ``end`` (UTC), best first.

        Qualified technicians, in working hours, not in time off, not overlapping their
        open orders, inside the customer's wishes when the order has some; ranked by the
        minutes of travel from their previous stop that day (none: 0), then by time.
        ``[{"user_id", "start", "end", "travel_minutes"}]``.
        """
        self.ensure_one()
        self._fwo_check_transition("plan")
        start, end = self._fwo_parse_range(start, end)
        if end - start > MAX_RANGE:
            raise UserError(self.env._("Suggestions look at most 31 days ahead."))
        start = max(ceil_step(start), ceil_step(fields.Datetime.now()))
        duration = timedelta(hours=self._fwo_planned_hours())
        users = self._fwo_board_technicians(self.browse()).filtered(
            lambda u: self.company_id in u.company_ids and (
                not self.job_type_id or not u.fwo_job_type_ids
                or self.job_type_id in u.fwo_job_type_ids))
        calendars = self._fwo_calendar_intervals(users, start, end)
        wishes = self._fwo_wish_intervals(start, end)
        booked = self.search_fetch([
            ("id", "!=", self.id), ("state", "in", OPEN_STATES),
            ("technician_ids", "in", users.ids),
            ("scheduled_start", "<", end + timedelta(days=1)),
            ("scheduled_end", ">", start - timedelta(days=1)),
        ], ["scheduled_start", "scheduled_end", "technician_ids", "service_partner_id",
            "partner_id"], order="scheduled_start")
        slots = []
        for user in users:
            working, time_off = calendars[user.id]
            busy = [(o.scheduled_start, o.scheduled_end, o) for o in booked if user in o.technician_ids]
            busy += [(datetime.strptime(a, WIRE_DATETIME), datetime.strptime(b, WIRE_DATETIME), None)
                     for a, b, _r in time_off]
            if wishes is not False:
                working = self._fwo_within(working, wishes)
            for a, b in working:
                a, b = datetime.strptime(a, WIRE_DATETIME), datetime.strptime(b, WIRE_DATETIME)
                slot = self._fwo_first_free(max(a, start), min(b, end), duration, busy)
                if slot:
                    slots.append({"user_id": user.id, "start": wire(slot[0]),
                                  "end": wire(slot[0] + duration), "travel_minutes": slot[1]})
        slots.sort(key=lambda s: (s["travel_minutes"], s["start"], s["user_id"]))
        return slots[:MAX_SUGGESTIONS]

    def _fwo_first_free(self, a, b, duration, busy):
        """(start, travel minutes) of the first quarter-hour in (a, b) that starts ``duration`` of
        free time and leaves the travel from the previous stop that day; None if there is none."""
        slot = ceil_step(a)
        while slot + duration <= b:
            clash = [e for s, e, _o in busy if s < slot + duration and e > slot]
            if clash:
                slot = ceil_step(max(clash))
                continue
            previous = max((o for s, e, o in busy if o and e <= slot and e.date() == slot.date()),
                           key=lambda o: o.scheduled_end, default=None)
            travel = (previous._fwo_travel_minutes(self) or 0) if previous else 0
            ready = ceil_step(previous.scheduled_end + timedelta(minutes=travel)) if previous else slot
            if ready <= slot:
                return slot, travel
            slot = ready
        return None
