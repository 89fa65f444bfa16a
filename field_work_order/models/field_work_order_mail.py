"""Customers by email: orders requested by email (intake) and the customers' notifications.

Intake: Odoo's mail gateway (``odoo-mailgate``, incoming mail servers) routes
an email sent to a company's intake alias (Field Service settings) to
``message_new``, which makes a draft order of it. Replies to an order's
emails are routed by Odoo to that order's chatter (``message_update``).

Notifications: each event (request received, visit scheduled, technician on
the way) has a mail template and a company switch; the email is queued
(``mail.mail``, sent by the mail cron after the commit) once per event, and
the order records what it sent so that a re-save sends nothing. The job
completed email is the service report of ``field_work_order_report.py``.
"""

import base64
import logging
import re
from datetime import timedelta

import pytz

from odoo import api, fields, models
from odoo.exceptions import UserError, ValidationError
from odoo.fields import Command
from odoo.tools import email_normalize, format_date, format_time, html2plaintext

from odoo.addons.mail.tools.alias_error import AliasError

from .field_work_order_policy import TRUSTED

_logger = logging.getLogger(__name__)

#: What separates the words of an email in which a unit's serial number is looked for.
INTAKE_WORD_SEPARATORS = re.compile(r"[\s,;:!?()\[\]<>\"'«»]+")

#: event: (company switch, mail template)
NOTIFICATIONS = {
    "request": ("fwo_notify_request", "field_work_order.mail_template_request_received"),
    "scheduled": ("fwo_notify_scheduled", "field_work_order.mail_template_visit_scheduled"),
    "on_way": ("fwo_notify_on_way", "field_work_order.mail_template_on_the_way"),
}


class FieldWorkOrderMail(models.Model):
    _inherit = "field.work.order"

    intake_email = fields.Char(
        string="Requested By Email", readonly=True, copy=False, index="btree_not_null",
        help="Normalized address of the email this order was created from (intake flood limit).",
    )
    notified_request = fields.Boolean(
        string="Request Receipt Sent", readonly=True, copy=False,
        help="Technical: the customer was told the request was received.",
    )
    notified_slot = fields.Char(
        string="Notified Visit", readonly=True, copy=False,
        help="Technical: the scheduled slot the customer was last told about; "
        "a new one sends an update, the same one nothing.",
    )
    notified_on_way = fields.Char(
        string="On the Way Sent For", readonly=True, copy=False,
        help="Technical: the visit (scheduled start) the customer was told the technician is "
        "on the way to.",
    )
    customer_slot = fields.Char(
        compute="_compute_customer_slot",
        help="The scheduled slot in the customer's time zone and language (for the emails).",
    )

    @api.depends("scheduled_start", "scheduled_end", "partner_id.tz", "service_partner_id.tz")
    @api.depends_context("lang")
    def _compute_customer_slot(self):
        for order in self:
            start, end = order.scheduled_start, order.scheduled_end
            if not start:
                order.customer_slot = False
                continue
            tz_name = order._customer_tz()
            tz = pytz.timezone(tz_name)
            local_start = pytz.utc.localize(start).astimezone(tz)
            values = {
                "date": format_date(self.env, local_start.date(), date_format="full"),
                "start": format_time(self.env, start, tz=tz_name, time_format="short"),
                "tz": tz_name,
            }
            if end and pytz.utc.localize(end).astimezone(tz).date() == local_start.date():
                order.customer_slot = self.env._(
                    "%(date)s, %(start)s - %(end)s (%(tz)s time)",
                    end=format_time(self.env, end, tz=tz_name, time_format="short"), **values,
                )
            else:
                order.customer_slot = self.env._("%(date)s, %(start)s (%(tz)s time)", **values)

    def _customer_tz(self):
        """Time zone of the emails to the customer: the service address's, the customer's, the company's."""
        self.ensure_one()
        return self._fwo_tz(
            self.service_partner_id.tz, self.partner_id.tz, self.company_id.partner_id.tz,
        )

    # ------------------------------------------------------------------
    # Intake: an email to the company's alias becomes a draft order.
    # ------------------------------------------------------------------
    @api.model
    def _intake_over_limit(self, email_from):
        """Whether ``email_from`` already created the hourly maximum of orders by email."""
        email = email_normalize(email_from or "")
        if not email:
            return True
        since = fields.Datetime.now() - timedelta(hours=1)
        count = self.with_context(active_test=False).search_count([
            ("intake_email", "=", email), ("create_date", ">=", since),
        ])
        return count >= self._fwo_intake_limit()

    def _alias_get_error(self, message, message_dict, alias):
        """Bounce a new request from a sender over the hourly limit (replies are not limited here)."""
        error = super()._alias_get_error(message, message_dict, alias)
        if error or self:
            return error
        if self._intake_over_limit(message_dict.get("email_from")):
            _logger.info(
                "Intake email from %s (Message-Id %s) refused: more than %s work orders per hour",
                message_dict.get("email_from"), message_dict.get("message_id"), self._fwo_intake_limit(),
            )
            return AliasError("fwo_intake_limit", self.env._(
                "too many work orders requested by this address in the last hour"
            ))
        return False

    @api.model
    def _detect_loop_sender_domain(self, email_from_normalized):
        """Orders a sender created by email, for Odoo's own loop detection of the gateway."""
        return [("intake_email", "=", email_from_normalized)]

    @api.model
    def message_new(self, msg_dict, custom_values=None):
        """A draft order from an incoming email: sender, subject and text, photos.

        Runs as the mail gateway runs it (superuser) but builds the order from
        the email only: of ``custom_values`` (the alias defaults, or whatever an
        RPC caller of ``message_process`` passes) only the company is used, and
        only a company with an intake alias. The order is created through the
        policy like any other (readonly fields refused; a caller without the
        superuser's rights needs a dispatcher's).
        """
        email_from = msg_dict.get("email_from")
        email = email_normalize(email_from or "")
        if not email:
            raise UserError(self.env._("A work order request by email needs a sender address."))
        company_id = (custom_values or {}).get("company_id") if isinstance(custom_values, dict) else None
        company = self.env["res.company"].browse(
            company_id if self._fwo_is_id(company_id) else ()).exists()
        if not company.fwo_alias_id:
            raise UserError(self.env._(
                "Work orders are requested by email only through a company's intake alias "
                "(Field Service settings)."
            ))
        # Until this transaction ends, the sender's other emails wait: the count holds.
        self._fwo_hold_sender(f"email:{email}")
        if self._intake_over_limit(email):
            raise UserError(self.env._(
                "%(email)s already requested %(limit)s work orders by email in the last hour.",
                email=email, limit=self._fwo_intake_limit(),
            ))
        partner = self._intake_partner(msg_dict, company)
        subject = (msg_dict.get("subject") or "").strip()
        body = html2plaintext(msg_dict.get("body") or "", include_references=False).strip()
        attachments = msg_dict.get("attachments") or []
        photos, kept = [], []
        for attachment in attachments:
            image = self._intake_image(attachment)
            if image:
                photos.append(image)
            if not image or attachment.info.get("cid"):
                kept.append(attachment)  # inline images stay too: the message body shows them
        # The message Odoo posts next carries the other attachments (message_dict is shared).
        msg_dict["attachments"] = kept
        vals = {
            "company_id": company.id,
            "partner_id": partner.id,
            "description": "\n\n".join(filter(None, [subject, body])) or False,
        }
        units = self._intake_equipment(partner, company, f"{subject}\n{body}")
        if units:
            vals.update(service_partner_id=units.service_partner_id.id,
                        equipment_ids=[Command.set(units.ids)])
        order = self.with_company(company).create(vals)
        order._fwo_as_trusted().write({"intake_email": email})
        if photos:
            self.env["field.work.order.photo"].create([
                {"work_order_id": order.id, "kind": "other", "image": image,
                 "note": (fname or "")[:200] or False}
                for fname, image in photos
            ])
        order._notify_request_received()
        return order

    @api.model
    def _intake_partner(self, msg_dict, company):
        """The sender's contact (matched by Odoo's gateway), or a new contact."""
        Partner = self.env["res.partner"]
        partner = Partner.browse(msg_dict.get("author_id")).exists()
        if partner and partner.company_id and partner.company_id != company:
            partner = Partner
        if partner and partner != self.env.ref("base.partner_root"):
            return partner
        email = email_normalize(msg_dict["email_from"])
        partner = Partner.search([
            ("email_normalized", "=", email), ("company_id", "in", (company.id, False)),
        ], limit=1)
        return partner or Partner.browse(Partner.name_create(msg_dict["email_from"])[0])

    @api.model
    def _intake_equipment(self, partner, company, text):
        """The customer's units whose serial number is a word of ``text``, at one site.

        Exact words only ("C-4471" names the unit C-4471, not C-44710); when the
        units named are at several sites, those at the first one's.
        """
        words = {word.rstrip(".") for word in INTAKE_WORD_SEPARATORS.split(text)} - {""}
        if not words:
            return self.env["field.work.order.equipment"]
        units = self.env["field.work.order.equipment"].search([
            ("serial_number", "in", sorted(words)),
            ("partner_id", "child_of", partner.commercial_partner_id.id),
            ("company_id", "=", company.id),
        ])
        site = units[:1].service_partner_id
        return units.filtered(lambda unit: unit.service_partner_id == site)

    @api.model
    def _intake_image(self, attachment):
        """(file name, base64 image) when the attachment is a photo as the portals accept them.

        Anything else (a PDF, an SVG, a broken or too large image) stays an attachment.
        """
        content = attachment.content
        if isinstance(content, str):
            return None
        image = base64.b64encode(content)
        try:
            self._fwo_image(image, attachment.fname or "")
        except ValidationError:
            return None
        return attachment.fname, image

    # ------------------------------------------------------------------
    # Notifications to the customer
    # ------------------------------------------------------------------
    def _notify_customer(self, event):
        """Queue the email of ``event`` to the customer of each order whose company sends it.

        Queued (``mail.mail``, sent by the mail cron after the commit) and posted in the
        chatter; never to a customer without an email address. Returns the orders emailed:
        the caller records the event on them.
        """
        setting, xmlid = NOTIFICATIONS[event]
        template = self.env.ref(xmlid, raise_if_not_found=False)
        sent = self.browse()
        if not template:
            return sent
        for order in self:
            if not order.company_id[setting] or not order.partner_id.email_normalized:
                continue
            order.with_context(mail_notify_force_send=False).message_post_with_source(
                template,
                email_layout_xmlid="mail.mail_notification_light",
                subtype_xmlid="mail.mt_comment",
            )
            sent |= order
        return sent

    def _notify_request_received(self):
        """Tell the customers their requests arrived, once per order (email intake, portal form)."""
        todo = self.filtered(lambda o: not o.notified_request and o.state == "draft")
        todo._notify_customer("request")._fwo_as_trusted().write({"notified_request": True})
        return True

    def _slot_key(self):
        self.ensure_one()
        return "/".join(fields.Datetime.to_string(d) if d else "" for d in (
            self.scheduled_start, self.scheduled_end,
        ))

    def _notify_visit_scheduled(self):
        """Tell the customers of scheduled orders their slot, when it is not the one they know."""
        todo = self.filtered(
            lambda o: o.state == "scheduled" and o.scheduled_start
            and o.notified_slot != o._slot_key()
        )
        for order in todo:
            key = order._slot_key()
            if order._notify_customer("scheduled"):
                order._fwo_as_trusted().write({"notified_slot": key})
        return True

    def _notify_on_way(self):
        """Tell the customers the technician is on the way, once per visit."""
        for order in self:
            visit = fields.Datetime.to_string(order.scheduled_start) if order.scheduled_start else "-"
            if order.notified_on_way != visit and order._notify_customer("on_way"):
                order._fwo_as_trusted().write({"notified_on_way": visit})
        return True

    @api.model_create_multi
    def create(self, vals_list):
        """Subscribe the lead technicians once per technician for the whole batch.

        Odoo subscribes the assignee of each new order on its own (a look-up of the
        followers and two inserts per order): that part is left to ``_fwo_subscribe_leads``.
        Each order still tells its lead they are assigned, as Odoo does.
        """
        orders = super(FieldWorkOrderMail, self.with_context(fwo_leads_later=TRUSTED)).create(vals_list)
        orders = orders.with_env(self.env)
        if not self.env.context.get("tracking_disable"):
            orders._fwo_subscribe_leads()
        return orders

    def _message_auto_subscribe_followers(self, updated_values, default_subtype_ids):
        """Inside our ``create`` only, leave the lead out: ``_fwo_subscribe_leads`` adds them."""
        followers = super()._message_auto_subscribe_followers(updated_values, default_subtype_ids)
        if self.env.context.get("fwo_leads_later") is not TRUSTED or not updated_values.get("user_id"):
            return followers
        lead = self.env["res.users"].sudo().browse(updated_values["user_id"]).partner_id.id
        return [follower for follower in followers if follower[0] != lead]

    def _fwo_subscribe_leads(self):
        """Make each lead technician a follower of their new orders and tell them, per technician."""
        subtypes = self.env["mail.message.subtype"]._get_auto_subscription_subtypes(self._name)[1]
        for lead, orders in self.grouped("user_id").items():
            lead = lead.sudo()
            if not lead.active:
                continue
            partner = lead.partner_id
            self.env["mail.followers"]._insert_followers(
                self._name, orders.ids, partner.ids, subtypes={partner.id: subtypes},
                check_existing=True, existing_policy="update",
            )
            if lead != self.env.user:
                orders.with_context(lang=partner.lang)._message_auto_subscribe_notify(
                    partner.ids, "mail.message_user_assigned")

    def write(self, vals):
        """A scheduled order moved to another slot: its customer is told the new one."""
        res = super().write(vals)
        if {"scheduled_start", "scheduled_end"}.intersection(vals):
            self._notify_visit_scheduled()
        return res

    def _fwo_after_transition(self, name):
        if name == "schedule":
            self._notify_visit_scheduled()
        elif name in ("start", "on_my_way"):
            self._notify_on_way()
        return super()._fwo_after_transition(name)
