from datetime import datetime

import pytz
from lxml import etree

from odoo.tests import Form, TransactionCase, new_test_user, tagged


@tagged("post_install", "-at_install")
class TestOverlapWarning(TransactionCase):
    """The double-booking warning names the other order's times in the dispatcher's time zone."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.dispatcher = new_test_user(
            cls.env, "overlap_dispatcher",
            groups="base.group_user,field_work_order.group_dispatcher",
            name="Ines Dispatcher", tz="Europe/Brussels",
        )
        cls.tech = new_test_user(
            cls.env, "overlap_tech", groups="base.group_user,field_work_order.group_technician",
            name="Hugo Tech",
        )
        cls.customer = cls.env["res.partner"].create({"name": "Overlap Customer"})
        cls.Order = cls.env["field.work.order"].with_user(cls.dispatcher)
        # A summer and a winter slot: Brussels is UTC+2 then UTC+1.
        cls.summer = cls.Order.create({
            "partner_id": cls.customer.id, "user_id": cls.tech.id,
            "scheduled_start": datetime(2030, 7, 15, 8, 0), "scheduled_end": datetime(2030, 7, 15, 10, 0),
        })
        cls.winter = cls.Order.create({
            "partner_id": cls.customer.id, "user_id": cls.tech.id,
            "scheduled_start": datetime(2030, 1, 15, 8, 0), "scheduled_end": datetime(2030, 1, 15, 10, 0),
        })
        (cls.summer | cls.winter).action_schedule()

    def local(self, utc):
        """``utc`` as the dispatcher reads dates: in Brussels, in their language's format."""
        lang = self.env["res.lang"]._lang_get(self.dispatcher.lang)
        when = pytz.utc.localize(utc).astimezone(pytz.timezone("Europe/Brussels"))
        return when.strftime(f"{lang.date_format} {lang.time_format}")

    def test_times_in_the_users_time_zone(self):
        order = self.Order.create({
            "partner_id": self.customer.id, "user_id": self.tech.id,
            "scheduled_start": datetime(2030, 7, 15, 9, 0), "scheduled_end": datetime(2030, 7, 15, 11, 0),
        })
        start, end = self.local(datetime(2030, 7, 15, 8, 0)), self.local(datetime(2030, 7, 15, 10, 0))
        self.assertEqual(start[-8:], "10:00:00", "08:00 UTC is 10:00 in Brussels in summer")
        self.assertEqual(
            order.overlap_warning,
            f"Hugo Tech also booked on {self.summer.name} ({start} - {end})",
        )
        self.assertNotIn("08:00:00", order.overlap_warning)

        order.write({
            "scheduled_start": datetime(2030, 1, 15, 9, 0), "scheduled_end": datetime(2030, 1, 15, 11, 0),
        })
        start = self.local(datetime(2030, 1, 15, 8, 0))
        self.assertEqual(start[-8:], "09:00:00", "08:00 UTC is 09:00 in Brussels in winter")
        self.assertIn(f"{self.winter.name} ({start} - ", order.overlap_warning)
        self.assertNotIn(self.summer.name, order.overlap_warning)

    def test_form_warns_before_saving(self):
        form = Form(self.Order)
        form.partner_id = self.customer
        self.assertFalse(form.overlap_warning)
        form.user_id = self.tech  # the lead only: the technicians are filled in on save
        form.scheduled_start = datetime(2030, 7, 15, 9, 0)
        self.assertEqual(form.state, "draft")
        self.assertIn(self.summer.name, form.overlap_warning)
        self.assertIn(self.local(datetime(2030, 7, 15, 8, 0)), form.overlap_warning)
        # Moved to a free slot, the warning goes away, still before saving.
        form.scheduled_start = datetime(2030, 7, 16, 9, 0)
        self.assertFalse(form.overlap_warning)
        form.scheduled_start = datetime(2030, 7, 15, 9, 30)
        order = form.save()
        self.assertIn(self.summer.name, order.overlap_warning)

    def test_banner_shows_in_every_open_state(self):
        """The form's banner hangs on the warning only (the compute decides the states)."""
        arch = etree.fromstring(self.Order.get_view(view_type="form")["arch"])
        [field] = arch.xpath("//field[@name='overlap_warning']")
        conditions = {
            node.get("invisible") for node in field.iterancestors() if node.get("invisible")
        }
        self.assertEqual(conditions, {"not overlap_warning"})
        self.assertFalse(field.xpath("ancestor::sheet | ancestor::notebook"), "above the tabs")
