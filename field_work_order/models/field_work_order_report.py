"""Reports: printed sheets, the emailed service report, follow-ups."""

import base64
import logging

from odoo import api, fields, models
from odoo.tools import SQL
from odoo.tools.image import image_data_uri, image_process

from .field_work_order import CLOSED_STATES
from .field_work_order_policy import rpc_checked

_logger = logging.getLogger(__name__)

REPORT_THUMBNAIL_SIZE = (480, 480)  # px: photos are shrunk to this before going into a PDF


class FieldWorkOrderReport(models.Model):
    _inherit = "field.work.order"

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

    def _compute_followup_count(self):
        counts = dict(self._read_group(
            [("parent_id", "in", self.ids)], ["parent_id"], ["__count"],
        ))
        for order in self:
            order.followup_count = counts.get(order, 0)

    @rpc_checked
    def action_create_followup(self):
        """Open a new draft order for a second visit at the same place, linked to this one.

        The link is what the analysis reads: an order with a follow-up was
        not fixed the first time.
        """
        self.ensure_one()
        self._check_state(CLOSED_STATES, self.env._("create a follow-up for"))
        self._check_dispatcher(self.env._("create follow-ups of"))
        description = self.env._("Follow-up of %(order)s.", order=self.name)
        if self.description:
            description = f"{description}\n\n{self.description}"
        followup = self._fwo_as_trusted().create({  # parent_id is set only here
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
        self.message_post(body=self.env._("Follow-up %(order)s created.", order=followup.name))
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Follow-up"),
            "res_model": self._name,
            "res_id": followup.id,
            "view_mode": "form",
            "views": [(False, "form")],
        }

    @rpc_checked
    def action_view_followups(self):
        self.ensure_one()
        return self._history_action([("parent_id", "=", self.id)], self.env._("Follow-ups"))

    @rpc_checked
    def action_send_report(self):
        """Open the mail composer with the service report template (the PDF is attached)."""
        self._check_state(CLOSED_STATES, self.env._("send the service report of"))
        self.check_access("write")  # posting on the order, as the composer will
        template = self.env.ref(
            "field_work_order.mail_template_service_report", raise_if_not_found=False
        )
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Send Service Report"),
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
            to_send._fwo_as_trusted().write({"report_to_send": True})
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
            order._fwo_as_trusted().report_to_send = False
            if order.state not in CLOSED_STATES:
                continue  # sent back for rework: completing it again flags it again
            if not order.partner_id.email:
                order.message_post(body=self.env._(
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
                order.message_post(body=self.env._(
                    "The service report could not be emailed automatically; "
                    "use Send Report to send it."
                ))
        self.env["ir.cron"]._notify_progress(done=len(orders), remaining=self.search_count(domain))
        return True

    def _report_tz(self):
        """Time zone the printed dates are shown in: the lead technician's, else the company's."""
        self.ensure_one()
        return self._fwo_tz(self.user_id.tz, self.company_id.partner_id.tz, self.env.user.tz)

    def _report_photos(self, kind, unit=None):
        """(data URI, photo) pairs for a kind of photo of ``unit`` (untagged ones by default).

        Shrunk to thumbnails for the PDF.
        """
        self.ensure_one()
        unit = unit or self.env["field.work.order.equipment"]
        return [
            (image_data_uri(base64.b64encode(image_process(
                base64.b64decode(photo.image), size=REPORT_THUMBNAIL_SIZE, quality=80,
            ))), photo)
            for photo in self.photo_ids
            if photo.kind == kind and photo.image and photo.equipment_id == unit
        ]

    def _report_units(self):
        """The work per unit: [{unit, warranty, checklist, materials, photos, readings}] by name.

        The order's units, retired ones included, and any unit a line is tagged to;
        ``warranty`` is whether the unit was under warranty on the completion day.
        """
        self.ensure_one()
        order = self.with_context(active_test=False)
        Unit = self.env["field.work.order.equipment"]
        checklist = order.checklist_ids.grouped("equipment_id")
        materials = order.material_ids.filtered("quantity_used").grouped("equipment_id")
        readings = order.reading_ids.grouped("equipment_id")
        units = order.equipment_ids | Unit.union(*checklist, *materials, *readings) | (
            order.photo_ids.equipment_id
        )
        day = self._fwo_completion_day()
        return [{
            "unit": unit,
            "warranty": unit._fwo_under_warranty(day),
            "checklist": checklist.get(unit, self.env["field.work.order.checklist.line"]),
            "materials": materials.get(unit, self.env["field.work.order.material"]),
            "photos": [photo for kind in ("before", "after", "other")
                       for photo in self._report_photos(kind, unit)],
            "readings": readings.get(unit, self.env["field.work.order.reading"]).sorted(
                lambda reading: (reading.definition_id.sequence, reading.name, reading.id)),
        } for unit in units.sorted(lambda unit: (unit.name, unit.id))]

    def _report_previous_readings(self):
        """{reading id: (value, unit of measure, taken on)} of the previous visit, in one query.

        For each reading of the orders, the latest reading of the same
        measurement on the same unit taken on another order before it.
        """
        if not self:
            return {}
        self.env["field.work.order.reading"].flush_model(
            ["equipment_id", "work_order_id", "name", "value", "uom", "taken_on"])
        self.env.cr.execute(SQL(
            """SELECT reading.id, previous.value, previous.uom, previous.taken_on
                 FROM field_work_order_reading reading
                 JOIN LATERAL (
                      SELECT value, uom, taken_on
                        FROM field_work_order_reading earlier
                       WHERE earlier.equipment_id = reading.equipment_id
                         AND earlier.name = reading.name
                         AND earlier.work_order_id != reading.work_order_id
                         AND (earlier.taken_on, earlier.id) < (reading.taken_on, reading.id)
                    ORDER BY earlier.taken_on DESC, earlier.id DESC
                       LIMIT 1
                 ) previous ON TRUE
                WHERE reading.work_order_id IN %s""",
            tuple(self.ids),
        ))
        return {reading_id: (value, uom, taken_on) for reading_id, value, uom, taken_on
                in self.env.cr.fetchall()}

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
