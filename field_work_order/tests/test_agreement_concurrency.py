"""Two generation runs in two real transactions: each visit exists once.

The data is committed (real cursors, ``registry.cursor()``) and deleted at the end.
"""

import uuid

import psycopg2
from freezegun import freeze_time

from odoo.tests import tagged
from odoo.tools import SQL

from .common import ConcurrencyCase


@tagged("post_install", "-at_install")
class TestAgreementConcurrency(ConcurrencyCase):
    def setUp(self):
        super().setUp()
        with self.committed() as env:
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
        self.on_cleanup(self._delete)

    def _delete(self, cr):
        cr.execute(SQL("SELECT id FROM field_work_order WHERE agreement_id = %s", self.agreement_id))
        self.delete(cr, "field.work.order", [row[0] for row in cr.fetchall()])
        self.delete(cr, "field.work.order.agreement", [self.agreement_id])
        cr.execute(SQL("DELETE FROM field_work_order_job_type WHERE id = %s", self.job_type_id))
        cr.execute(SQL("DELETE FROM res_partner WHERE id IN %s", tuple(reversed(self.partner_ids))))

    def agreement_in(self, cr):
        return self.env_of(cr)["field.work.order.agreement"].browse(self.agreement_id)

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
        second = self.cursor()
        second.execute("SET LOCAL lock_timeout = '20s'")
        agreement = self.agreement_in(second)  # outside the thread: it takes the registry lock

        def second_run():
            with second:
                return agreement._generate_orders().ids  # waits on the first's rows

        outcome = self.start(second_run)
        self.assertTrue(outcome.waits(1.0), "the second run should wait for the first")
        first.commit()
        self.finish(outcome)
        self.assertIsNone(outcome.error)
        self.assertEqual(outcome.result, [])
        self.assertEqual(len(self.committed_visits()), 12)
        self.assertEqual({count for _site, _date, count in self.committed_visits()}, {1})

    def generate_in(self, env):
        return env["field.work.order.agreement"].browse(self.agreement_id)._generate_orders().ids

    @freeze_time("2030-01-21 06:00:00")
    def test_runs_started_together(self):
        """Two runs released at once (``run_parallel``): the visits they commit exist once."""
        outcomes = self.run_parallel([self.generate_in] * 2)
        for outcome in outcomes:  # a deadlock between the two runs rolls one back, whole
            if outcome.error:
                self.assertIsInstance(outcome.error, psycopg2.errors.TransactionRollbackError)
        self.assertEqual(sum(len(o.result) for o in outcomes if not o.error), 12)
        visits = self.committed_visits()
        self.assertEqual(len(visits), 12)
        self.assertEqual({count for _site, _date, count in visits}, {1})

    @freeze_time("2030-01-21 06:00:00")
    def test_runs_started_together_and_retried(self):
        """As the cron or an RPC call runs them (retried after a deadlock): each visit once, no error."""
        outcomes = self.run_parallel([self.generate_in] * 2, retry=True)
        self.assertEqual([o.error for o in outcomes], [None, None])
        self.assertEqual(sum(len(o.result) for o in outcomes), 12)
        visits = self.committed_visits()
        self.assertEqual(len(visits), 12)
        self.assertEqual({count for _site, _date, count in visits}, {1})
