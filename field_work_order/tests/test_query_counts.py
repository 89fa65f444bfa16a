from lxml import etree

from odoo.tests import tagged, users, warmup

from .common import WorkOrderCommon

M2O = {"fields": {"display_name": {}}}
#: What the dispatcher's board asks for each column (``web_search_read``): the fields of
#: ``field_work_order_view_kanban``, as the web client builds the specification: a many2one
#: with its display name, the activity widget's own dependencies (``kanban_activity``).
KANBAN_SPEC = {
    "state": {}, "is_dispatcher": {}, "technician_count": {}, "name": {}, "priority": {},
    "partner_id": M2O, "job_type_id": M2O, "unit_number": {}, "scheduled_start": {},
    "activity_ids": {}, "user_id": M2O, "company_id": {"fields": {}},  # invisible: no display name
    "activity_exception_decoration": {}, "activity_exception_icon": {}, "activity_state": {},
    "activity_summary": {}, "activity_type_icon": {}, "activity_type_id": M2O,
}
ACTIVITY_WIDGET = {"activity_exception_decoration", "activity_exception_icon", "activity_state",
                   "activity_summary", "activity_type_icon", "activity_type_id"}
#: What the calendar reads (``search_read``): the fields of ``field_work_order_view_calendar``,
#: its dates, its title (``create_name_field``) and the display name.
CALENDAR_FIELDS = ["partner_id", "job_type_id", "user_id", "state", "scheduled_start",
                   "scheduled_end", "calendar_title", "display_name"]
OPEN = ("draft", "scheduled", "in_progress", "on_hold", "done")
WEEK = [("scheduled_start", "<", "2030-01-21 00:00:00"), ("scheduled_end", ">", "2030-01-14 00:00:00")]


@tagged("post_install", "-at_install", "is_query_count")
class TestQueryCounts(WorkOrderCommon):
    """The dispatcher's board, calendar and order creation cost a fixed number of queries.

    The board and the calendar read pages: their cost does not grow with the orders
    they show. Creating orders costs a few queries per order (its reference, lines,
    followers, tracking) on top of a fixed part. Counts are taken warm, as Odoo's own
    query count tests do (``warmup``: the test body runs once to fill the caches).
    """

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.parts = cls.env["product.product"].create([
            {"name": f"Part {i}", "type": "consu", "list_price": 5.0} for i in range(5)
        ])
        cls.customers = cls.env["res.partner"].create([
            {"name": f"Customer {i}", "is_company": True} for i in range(4)
        ])

    def add_orders(self, per_state, hour):
        """``per_state`` orders in each open state, shared by two technicians, one with an activity."""
        orders = self.env["field.work.order"]
        for i in range(per_state):
            for state in OPEN:
                orders |= self.order_in_state(
                    state, partner_id=self.customers[i % 4].id,
                    technician_ids=[(4, self.tech2.id)], unit_number=f"{i}B",
                    scheduled_start=f"2030-01-15 {hour + i:02d}:00:00",
                )
        orders[:len(OPEN)].sudo().activity_schedule(
            "mail.mail_activity_data_todo", summary="Call the customer", user_id=self.dispatcher.id)
        self.env.flush_all()
        self.env.invalidate_all()
        return orders

    def test_kanban_spec_mirrors_the_view(self):
        """The specification below is the kanban's: a field added to the card is added here."""
        arch = self.env["field.work.order"].get_views([(False, "kanban")])["views"]["kanban"]["arch"]
        in_view = {node.get("name") for node in etree.fromstring(arch).iter("field")}
        self.assertEqual(in_view | ACTIVITY_WIDGET, set(KANBAN_SPEC))

    def read_board(self):
        """The kanban grouped by state, as the web client loads it: the groups, then each open column."""
        orders = self.env["field.work.order"]
        groups = orders.web_read_group([], ["state"], ["state"], lazy=True)["groups"]
        cards = 0
        for group in groups:
            if not group.get("__fold"):
                cards += len(orders.web_search_read(
                    group["__domain"], KANBAN_SPEC, limit=40, count_limit=10001)["records"])
        return cards

    @users("fwo_dispatcher")
    @warmup
    def test_board(self):
        self.add_orders(1, 8)
        with self.assertQueryCount(fwo_dispatcher=30):
            self.assertEqual(self.read_board(), 5)
        self.add_orders(3, 10)
        with self.assertQueryCount(fwo_dispatcher=30):
            self.assertEqual(self.read_board(), 20)

    @users("fwo_dispatcher")
    @warmup
    def test_calendar_week(self):
        self.add_orders(1, 8)
        orders = self.env["field.work.order"]
        with self.assertQueryCount(fwo_dispatcher=4):
            self.assertEqual(len(orders.search_read(WEEK, CALENDAR_FIELDS)), 5)
        self.add_orders(3, 10)
        with self.assertQueryCount(fwo_dispatcher=4):
            entries = orders.search_read(WEEK, CALENDAR_FIELDS)
        self.assertEqual(len(entries), 20)
        self.assertEqual(entries[0]["calendar_title"], f"Customer 0 - {entries[0]['display_name']}")

    def order_vals(self, i):
        return {
            "partner_id": self.customers[i % 4].id, "user_id": self.tech.id,
            "technician_ids": [(4, self.tech2.id)], "description": "Replace the filters",
            "scheduled_start": f"2030-01-16 {8 + i:02d}:00:00",
            "material_ids": [(0, 0, {"product_id": part.id, "product_uom_qty": 2}) for part in self.parts],
            "checklist_ids": [(0, 0, {"name": name}) for name in ("Isolate power", "Check pressure", "Clean")],
        }

    def create_orders(self, count):
        orders = self.env["field.work.order"].create([self.order_vals(i) for i in range(count)])
        self.flush_tracking()  # the tracking values and notifications, written just before commit
        return orders

    @users("fwo_dispatcher")
    @warmup
    def test_create(self):
        # 38.5 queries per order beyond the batch's part: its reference number and Odoo's
        # notification of the lead's assignment, whose email the test mode sends inside
        # the call (about 23 of them; a request sends it after its commit).
        with self.assertQueryCount(fwo_dispatcher=66):
            order = self.create_orders(1)
        with self.assertQueryCount(fwo_dispatcher=220):
            orders = self.create_orders(5)
        self.assertEqual(len(orders.material_ids), 25)
        self.assertEqual(len(orders.checklist_ids), 15)
        self.assertEqual(orders.mapped("technician_count"), [2] * 5)
        self.assertEqual(order.technician_ids, self.tech | self.tech2)
        self.assertEqual(len(set((order | orders).mapped("name"))), 6)
        # What Odoo does for a new order's assignee, done for the batch: the lead follows
        # each order and is told of each assignment.
        everyone = order | orders
        for each in everyone.sudo():
            self.assertEqual(each.message_partner_ids, self.dispatcher.partner_id | self.tech.partner_id)
        assigned = self.env["mail.message"].sudo().search([
            ("model", "=", "field.work.order"), ("res_id", "in", everyone.ids),
            ("message_type", "=", "user_notification"), ("partner_ids", "in", self.tech.partner_id.ids),
        ])
        self.assertEqual(sorted(assigned.mapped("res_id")), sorted(everyone.ids))
