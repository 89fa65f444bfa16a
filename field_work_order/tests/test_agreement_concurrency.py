"""Two generation runs in two real transactions: each visit exists once.

The data is committed (real cursors, ``registry.cursor()``) and deleted at the end.
"""

import threading
import uuid

from freezegun import freeze_time

from odoo import SUPERUSER_ID, api
from odoo.tests import TransactionCase, tagged
from odoo.tools import SQL


@tagged("post_install", "-at_install")
class TestAgreementConcurrency(TransactionCase):
    def setUp(self):
        super().setUp()
        self.cursors = []
        with self.registry.cursor() as cr:
            env = api.Environment(cr, SUPERUSER_ID, {})
            customer = env["res.partner"].create({
                "name": f"Agreement race {uuid.uuid4().hex[:6]}", "is_company": True,
            })
            sites = env["res.partner"].create([
                {"name": f"Site {n}", "parent_id": customer.id, "type": "other"} for n in (1, 2, 3)
            ])
            job_type = env["field.work.order.job.type"].create({
                "name": "Race check",
                "checklist_template_ids": [(0, 0, {"name": "Look"})],
            })
            agreement = env["field.work.order.agreement"].create({
                "name": "Race", "partner_id": customer.id, "service_partner_ids": [(6, 0, sites.ids)],
                "job_type_id": job_type.id, "interval_number": 1, "interval_type": "week",
                "date_start": "2030-01-07", "lead_days": 7, "price_type": "none",
            })
            agreement.action_activate()
            self.partner_ids = [customer.id, *sites.ids]
            self.job_type_id, self.agreement_id = job_type.id, agreement.id
        self.addCleanup(self._cleanup)

    def _cleanup(self):
        for cr in self.cursors:
            if not cr.closed:
                cr.rollback()
                cr.close()
        with self.registry.cursor() as cr:
            cr.execute(SQL("SELECT id FROM field_work_order WHERE agreement_id = %s",
                           self.agreement_id))
            order_ids = tuple(row[0] for row in cr.fetchall()) or (0,)
            agreement_ids = (self.agreement_id,)
            for model, ids in (("field.work.order", order_ids),
                               ("field.work.order.agreement", agreement_ids)):
                cr.execute(SQL("DELETE FROM mail_followers WHERE res_model = %s AND res_id IN %s",
                               model, ids))
                cr.execute(SQL("DELETE FROM mail_message WHERE model = %s AND res_id IN %s",
                               model, ids))
            cr.execute(SQL("DELETE FROM field_work_order WHERE id IN %s", order_ids))
            cr.execute(SQL("DELETE FROM field_work_order_agreement WHERE id IN %s", agreement_ids))
            cr.execute(SQL("DELETE FROM field_work_order_job_type WHERE id = %s", self.job_type_id))
            cr.execute(SQL("DELETE FROM res_partner WHERE id IN %s", tuple(reversed(self.partner_ids))))

    def cursor(self):
        cr = self.registry.cursor()
        self.cursors.append(cr)
        return cr

    def agreement_in(self, cr):
        return api.Environment(cr, SUPERUSER_ID, {})["field.work.order.agreement"].browse(
            self.agreement_id
        )

    def generate(self, cr):
        return self.agreement_in(cr)._generate_orders().ids

    def committed_visits(self):
        with self.registry.cursor() as cr:
            cr.execute(SQL(
                """SELECT service_partner_id, visit_date, COUNT(*) FROM field_work_order
                    WHERE agreement_id = %s GROUP BY 1, 2""", self.agreement_id,
            ))
            return cr.fetchall()

    @freeze_time("2030-01-21 06:00:00")  # due: Jan 7, 14, 21 and 28, at 3 sites
    def test_run_on_an_older_snapshot_creates_nothing_twice(self):
        late = self.cursor()
        late.execute("SELECT 1")  # its snapshot is taken now, before the other run commits
        with self.cursor() as first:
            self.assertEqual(len(self.generate(first)), 12)
        # The late run does not see those orders: it tries each visit, the index refuses each.
        self.assertEqual(self.generate(late), [])
        late.commit()
        visits = self.committed_visits()
        self.assertEqual(len(visits), 12)
        self.assertEqual({count for _site, _date, count in visits}, {1})

    @freeze_time("2030-01-21 06:00:00")
    def test_two_runs_at_once(self):
        first = self.cursor()
        self.assertEqual(len(self.generate(first)), 12)  # not committed yet
        result = {}
        second = self.cursor()
        second.execute("SET LOCAL lock_timeout = '20s'")
        agreement = self.agreement_in(second)  # outside the thread: it takes the registry lock

        def second_run():
            with second:
                result["ids"] = agreement._generate_orders().ids  # waits on the first's rows

        thread = threading.Thread(target=second_run)
        thread.start()
        thread.join(1.0)
        self.assertTrue(thread.is_alive(), "the second run should wait for the first")
        first.commit()
        thread.join(30)
        self.assertFalse(thread.is_alive())
        self.assertEqual(result["ids"], [])
        self.assertEqual(len(self.committed_visits()), 12)
        self.assertEqual({count for _site, _date, count in self.committed_visits()}, {1})
