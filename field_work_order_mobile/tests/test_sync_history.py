"""``history`` of a pulled order: past work at its service address, whoever did it."""

from odoo.tests import tagged
from odoo.tools import SQL

from .common import SyncCommon


@tagged("post_install", "-at_install")
class TestSyncHistory(SyncCommon):
    def complete_on(self, order, when):
        """Pretend ``order`` was completed at ``when`` (completion is dated by the push)."""
        self.env.flush_all()
        self.env.cr.execute(SQL(
            "UPDATE field_work_order SET date_completed = %s WHERE id = %s", when, order.id,
        ))
        order.invalidate_recordset(["date_completed"])

    def test_past_work_at_the_address(self):
        site = {"service_partner_id": self.site.id}
        current = self.order_in_state("scheduled", **site)
        self.assertEqual(current.service_partner_id, self.site)
        # Six done or verified orders at the annex, led by the other technician.
        past = []
        for month in range(1, 7):
            vals = {"description": f"Job of month {month}"} if month < 6 else {
                "description": "  " + "x" * 400, "job_type_id": False}
            order = self.order_in_state("verified" if month == 2 else "done", user_id=self.tech2.id,
                                        **vals, **site)
            self.complete_on(order, f"2029-{month:02d}-10 14:00:00")
            past.append(order)
        # Not past work: open or cancelled at the annex, done at another address.
        self.order_in_state("draft", user_id=self.tech2.id, **site)
        self.order_in_state("cancelled", user_id=self.tech2.id, **site)
        self.order_in_state("in_progress", user_id=self.tech2.id, **site)
        elsewhere = self.order_in_state("done", user_id=self.tech2.id)
        self.assertEqual(elsewhere.service_partner_id, self.customer)

        orders, _removed, _cursor, pages = self.pull(self.tech)
        self.assertEqual(sorted(orders), [current.id])
        self.assert_no_none(pages)
        history = orders[current.id]["history"]
        self.assertEqual([row["name"] for row in history], [o.name for o in past[:0:-1]])
        self.assertEqual(history[0], {
            "name": past[5].name, "date_completed": "2029-06-10 14:00:00", "job_type": False,
            "technician": "Tess Tech", "description": "x" * 298,  # 300 characters, stripped
        })
        self.assertEqual(history[3], {
            "name": past[2].name, "date_completed": "2029-03-10 14:00:00",
            "job_type": "HVAC Repair", "technician": "Tess Tech",
            "description": "Job of month 3",
        })
        self.assertEqual(history[4]["name"], past[1].name)  # verified counts too

        # An order is not its own history; the other orders at the address are.
        mine = self.order_in_state("done", **site)
        self.complete_on(mine, "2029-12-01 08:00:00")
        orders, _removed, _cursor, _pages = self.pull(self.tech)
        self.assertEqual([row["name"] for row in orders[mine.id]["history"]],
                         [o.name for o in past[:0:-1]])
        self.assertEqual([row["name"] for row in orders[current.id]["history"]],
                         [mine.name] + [o.name for o in past[:1:-1]])
        # Subcontracted (no lead technician) and no description.
        past[4].sudo().write({"description": False})
        self.env.cr.execute(SQL("UPDATE field_work_order SET user_id = NULL WHERE id = %s",
                                past[4].id))
        self.env.invalidate_all()
        orders, _removed, _cursor, _pages = self.pull(self.tech)
        row = orders[current.id]["history"][2]
        self.assertEqual((row["name"], row["technician"], row["description"]),
                         (past[4].name, False, False))

    def test_no_history(self):
        order = self.order_in_state("scheduled")
        orders, _removed, _cursor, _pages = self.pull(self.tech)
        self.assertEqual(orders[order.id]["history"], [])


@tagged("post_install", "-at_install")
class TestSyncHistoryQueries(SyncCommon):
    """The history costs the same queries for a page of 2 orders as for 20."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        addresses = cls.env["res.partner"].create([
            {"name": f"Flat {i}", "parent_id": cls.customer.id, "type": "other"} for i in range(20)
        ])
        Order = cls.env["field.work.order"].with_user(cls.dispatcher)
        vals = [{"partner_id": cls.customer.id, "service_partner_id": address.id,
                 "job_type_id": cls.job_type.id, "scheduled_start": "2030-01-15 09:00:00"}
                for address in addresses]
        Order.create([{**v, "user_id": cls.tech.id} for v in vals])
        done = Order.create([{**v, "user_id": user.id, "description": "Earlier job"}
                             for v in vals for user in (cls.tech2, cls.dispatcher2)])
        cls.env.flush_all()
        cls.env.cr.execute(SQL(
            "UPDATE field_work_order SET state = 'done', date_completed = '2029-05-01 10:00:00' "
            "WHERE id IN %s", tuple(done.ids),
        ))
        cls.env.invalidate_all()

    def _queries(self, limit):
        self.env.invalidate_all()
        before = self.env.cr.sql_log_count
        page = self.Order.with_user(self.tech).sync_pull(limit=limit)
        self.assertEqual(len(page["orders"]), limit)
        self.assertEqual({len(order["history"]) for order in page["orders"]}, {2})
        self.assertEqual({row["technician"] for order in page["orders"]
                          for row in order["history"]}, {"Tess Tech", "Dan Dispatcher"})
        return self.env.cr.sql_log_count - before

    def test_constant_queries(self):
        self._queries(2)  # warm up caches (rules, fields, groups)
        small, large = self._queries(2), self._queries(20)
        self.assertEqual(small, large)
