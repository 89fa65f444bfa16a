"""The dispatch board in Chromium, as a dispatcher in Brussels time.

The tour (static/tests/tours/field_work_order_dispatch_tour.js) plans a queued
order, moves a scheduled one to another technician, is refused a drop on a
technician's time off, undoes a move, reads a route and suggestions and records
a time off; the test then reads what the board did to the orders, to their
parts' preparation transfers and to the time off, to the minute.
"""

from datetime import date, datetime, timedelta

import pytz

from odoo.tests import HttpCase, new_test_user, tagged

BRUSSELS = pytz.timezone("Europe/Brussels")


def next_weekday():
    """The first Monday-Friday after today: a working day of the standard schedule."""
    day = date.today() + timedelta(days=1)
    while day.weekday() >= 5:
        day += timedelta(days=1)
    return day


@tagged("post_install", "-at_install")
class TestDispatchTour(HttpCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.day = next_weekday()
        cls.dispatcher = new_test_user(
            cls.env, "board_tour_dispatcher", name="Board Tour Dispatcher", tz="Europe/Brussels",
            groups="base.group_user,field_work_order.group_dispatcher",
        )
        technician = "base.group_user,field_work_order.group_technician"
        cls.alice = new_test_user(cls.env, "board_alice", name="Alice Board", groups=technician)
        cls.bob = new_test_user(cls.env, "board_bob", name="Bob Board", groups=technician)
        cls.carl = new_test_user(cls.env, "board_carl", name="Carl Board", groups=technician)
        for user in cls.alice | cls.bob | cls.carl:
            user._fwo_resource().tz = "Europe/Brussels"
        cls.env["resource.calendar.leaves"].with_user(cls.dispatcher).create({
            "name": "Training", "resource_id": cls.carl._fwo_resource().id,
            "date_from": cls.utc(0), "date_to": cls.utc(23, 59),
        })
        stock = cls.env["stock.warehouse"].search(
            [("company_id", "=", cls.env.company.id)], limit=1).lot_stock_id
        cls.pump = cls.env["product.product"].create({
            "name": "Board Pump", "type": "consu", "is_storable": True,
        })
        cls.env["stock.quant"]._update_available_quantity(cls.pump, stock, 10)
        boiler = cls.env["field.work.order.job.type"].create({"name": "Board Boiler", "planned_hours": 2.0})
        Order = cls.env["field.work.order"].with_user(cls.dispatcher)
        Partner = cls.env["res.partner"]

        def order(customer, **vals):
            return Order.create({
                "partner_id": Partner.create({"name": customer}).id,
                "material_ids": [(0, 0, {"product_id": cls.pump.id, "product_uom_qty": 1})],
                **vals,
            })

        cls.queued = order("Queue Customer", job_type_id=boiler.id, priority="2")
        cls.refused = order("Refused Customer")
        cls.moved = order("Moved Customer", user_id=cls.alice.id, scheduled_start=cls.utc(13),
                          scheduled_end=cls.utc(15))
        cls.undone = order("Undone Customer", user_id=cls.bob.id, scheduled_start=cls.utc(8),
                           scheduled_end=cls.utc(10))
        (cls.moved | cls.undone).action_schedule()

    @classmethod
    def utc(cls, hour, minute=0):
        """``hour``:``minute`` in Brussels on the tour's day, as naive UTC."""
        local = BRUSSELS.localize(datetime.combine(cls.day, datetime.min.time()).replace(
            hour=hour, minute=minute))
        return local.astimezone(pytz.utc).replace(tzinfo=None)

    def preparation(self, order):
        return order.sudo().picking_ids.filtered(lambda p: p.fwo_purpose == "prepare")

    def test_dispatcher_plans_on_the_board(self):
        self.start_tour(
            f"/odoo/action-field_work_order.field_work_order_dispatch_action?date={self.day}",
            "field_work_order_dispatch_tour", login="board_tour_dispatcher",
        )
        self.env.invalidate_all()
        slots = {
            order: (order.state, order.user_id, order.scheduled_start, order.scheduled_end)
            for order in (self.queued, self.refused, self.moved, self.undone)
        }
        # Dropped from the queue on Alice at 10:00, for the job type's two hours.
        self.assertEqual(slots[self.queued], ("scheduled", self.alice, self.utc(10), self.utc(12)))
        # Dropped on Carl, off all day: refused, nothing written.
        self.assertEqual(slots[self.refused], ("draft", self.env["res.users"], False, False))
        # Moved from Alice 13:00-15:00 to Bob 15:00-17:00.
        self.assertEqual(slots[self.moved], ("scheduled", self.bob, self.utc(15), self.utc(17)))
        self.assertEqual(self.moved.technician_ids, self.bob)
        # Moved to 11:00, then undone: back at 08:00-10:00 on Bob.
        self.assertEqual(slots[self.undone], ("scheduled", self.bob, self.utc(8), self.utc(10)))
        # The parts are prepared for the visit: one open transfer each, dated its start.
        self.assertEqual(self.preparation(self.queued).mapped("scheduled_date"), [self.utc(10)])
        self.assertEqual(self.preparation(self.moved).mapped("scheduled_date"), [self.utc(15)])
        self.assertEqual(self.preparation(self.undone).mapped("scheduled_date"), [self.utc(8)])
        self.assertFalse(self.preparation(self.refused))
        # Alice's time off, recorded from her row for the day's working hours.
        leave = self.env["resource.calendar.leaves"].search(
            [("resource_id", "=", self.alice._fwo_resource().id)])
        self.assertEqual((leave.name, leave.date_from, leave.date_to),
                         ("Dentist", self.utc(8), self.utc(17)))
