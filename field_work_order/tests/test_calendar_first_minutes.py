"""The office's first minutes on the work orders' calendar and cards, in Chromium.

An order created from the calendar's dialog shows on the calendar at once, in the
week on screen, whether it was saved with Save or by a header button (Schedule);
the dialog is titled as a work order; cards name the lead technician (two
technicians may share an initial) and show times without seconds.
"""

from datetime import timedelta

from odoo import fields
from odoo.tests import HttpCase, new_test_user, tagged


@tagged("post_install", "-at_install")
class TestCalendarFirstMinutes(HttpCase):
    def test_calendar_dialog_and_cards(self):
        new_test_user(self.env, "cal_dispatcher", name="Cal Dispatcher",
                      groups="base.group_user,field_work_order.group_dispatcher")
        able, baker = (new_test_user(self.env, login, name=name,
                                     groups="base.group_user,field_work_order.group_technician")
                       for login, name in (("cal_able", "Tom Able"), ("cal_baker", "Tom Baker")))
        Partner = self.env["res.partner"]
        first, second = Partner.create({"name": "Calendar Customer"}), Partner.create({"name": "Second Customer"})
        soon = fields.Datetime.now().replace(minute=0, second=0, microsecond=0) + timedelta(days=1)
        for tech, street in ((able, "Able Street"), (baker, "Baker Street")):
            self.env["field.work.order"].create({
                "partner_id": Partner.create({"name": street, "street": street}).id,
                "user_id": tech.id, "scheduled_start": soon,
            }).action_schedule()

        self.start_tour("/odoo/action-field_work_order.field_work_order_action?view_type=calendar",
                        "field_work_order_calendar_tour", login="cal_dispatcher")

        today = fields.Date.context_today(self.env["field.work.order"])
        saved = self.env["field.work.order"].search([("partner_id", "=", first.id)])
        scheduled = self.env["field.work.order"].search([("partner_id", "=", second.id)])
        self.assertEqual((len(saved), saved.state), (1, "draft"))
        self.assertEqual((len(scheduled), scheduled.state, scheduled.user_id), (1, "scheduled", able))
        for order in saved | scheduled:
            # Next week's days: never this week's, never further.
            self.assertLessEqual(today + timedelta(days=1), order.scheduled_start.date())
            self.assertLessEqual(order.scheduled_start.date(), today + timedelta(days=14))
            self.assertEqual(order.scheduled_start.strftime("%M:%S"), "00:00")
            self.assertGreater(order.scheduled_end, order.scheduled_start)
