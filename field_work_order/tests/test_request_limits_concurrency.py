"""The hourly limits of portal requests and email intake hold when the requests come at once.

Real transactions: each request runs in its own cursor (``registry.cursor()``),
in its own thread, and is retried after a serialization failure as Odoo's
``retrying`` retries RPC and web requests (``retrying`` itself cannot run here:
it reloads the registry, which the test runner holds). The data is committed and
deleted at the end.
"""

import random
import threading
import time
import uuid

from psycopg2 import OperationalError

from odoo import SUPERUSER_ID, api
from odoo.exceptions import UserError
from odoo.service.model import MAX_TRIES_ON_CONCURRENCY_FAILURE, PG_CONCURRENCY_EXCEPTIONS_TO_RETRY
from odoo.tests import TransactionCase, tagged
from odoo.tools import SQL, mute_logger

LIMIT = 5


@tagged("post_install", "-at_install")
class TestRequestLimitsConcurrency(TransactionCase):
    def setUp(self):
        super().setUp()
        self.cursors = []
        self.tag = uuid.uuid4().hex[:8]
        self.email = f"flood-{self.tag}@example.com"
        with self.registry.cursor() as cr:
            env = api.Environment(cr, SUPERUSER_ID, {})
            Param = env["ir.config_parameter"]
            self.saved_params = {
                name: Param.get_param(name) for name in (
                    "field_work_order.portal_max_per_hour", "field_work_order.intake_max_per_hour",
                )
            }
            for name in self.saved_params:
                Param.set_param(name, str(LIMIT))
            company = env.company
            self.company_id = company.id
            self.made_alias = not company.fwo_alias_id
            if self.made_alias:
                company._fwo_set_alias_name(f"race-{self.tag}")
            customer = env["res.partner"].create({"name": f"Race Co {self.tag}", "is_company": True})
            contact = env["res.partner"].create({"name": "Rita Race", "parent_id": customer.id})
            sender = env["res.partner"].create({"name": "Flo Flood", "email": self.email})
            user = env["res.users"].create({
                "login": f"race_{self.tag}", "name": "Rita Race", "partner_id": contact.id,
                "groups_id": [(6, 0, [env.ref("base.group_portal").id])],
            })
            self.user_id, self.customer_id = user.id, customer.id
            self.partner_ids = [customer.id, contact.id, sender.id]
        self.addCleanup(self._cleanup)

    def _cleanup(self):
        for cr in self.cursors:
            if not cr.closed:
                cr.rollback()
                cr.close()
        with self.registry.cursor() as cr:
            env = api.Environment(cr, SUPERUSER_ID, {})
            self._orders(env).unlink()
            env["res.users"].browse(self.user_id).unlink()
            env["res.partner"].browse(self.partner_ids).unlink()
            if self.made_alias:
                env.company._fwo_set_alias_name(False)
            for name, value in self.saved_params.items():
                env["ir.config_parameter"].set_param(name, value or False)
            cr.execute(SQL("DELETE FROM field_work_order_sender WHERE key IN %s",
                           (f"portal:{self.user_id}", f"email:{self.email}")))

    def _orders(self, env):
        return env["field.work.order"].with_context(active_test=False).search([
            "|", ("create_uid", "=", self.user_id), ("intake_email", "=", self.email),
        ])

    def _run_at_once(self, uid, calls):
        """Run each call (env -> result) in its own transaction and thread, all at once.

        Returns the results, and the messages of the refusals (UserError).
        """
        envs = []
        for _call in calls:
            cr = self.registry.cursor()
            self.cursors.append(cr)
            envs.append(api.Environment(cr, uid, {}))
        barrier = threading.Barrier(len(calls))
        results, refusals, errors = [], [], []

        def run(env, call):
            barrier.wait()
            try:
                for tries_left in range(MAX_TRIES_ON_CONCURRENCY_FAILURE - 1, -1, -1):
                    try:
                        result = call(env)
                        env.cr.commit()
                        results.append(result)
                        return
                    except OperationalError as error:
                        env.cr.rollback()
                        env.transaction.clear()
                        if not (isinstance(error, PG_CONCURRENCY_EXCEPTIONS_TO_RETRY) and tries_left):
                            raise
                        time.sleep(random.uniform(0.0, 2 ** (MAX_TRIES_ON_CONCURRENCY_FAILURE - tries_left)))
            except UserError as error:
                refusals.append(str(error))
            except Exception as error:  # noqa: BLE001 - reported by the test below
                errors.append(error)
            finally:
                env.cr.rollback()
                env.cr.close()

        threads = [threading.Thread(target=run, args=pair) for pair in zip(envs, calls, strict=True)]
        with mute_logger("odoo.sql_db", "odoo.service.model"):
            for thread in threads:
                thread.start()
            for thread in threads:
                thread.join(120)
        self.assertFalse(any(thread.is_alive() for thread in threads))
        self.assertEqual(errors, [])
        return results, refusals

    def _committed_orders(self):
        with self.registry.cursor() as cr:
            return len(self._orders(api.Environment(cr, SUPERUSER_ID, {})))

    def test_six_portal_requests_at_once(self):
        def request(n):
            return lambda env: env["field.work.order"].portal_create_request({
                "service_partner_id": self.customer_id, "description": f"Leak {n}",
            })

        results, refusals = self._run_at_once(self.user_id, [request(n) for n in range(6)])
        self.assertEqual((len(results), len(refusals)), (LIMIT, 1))
        self.assertIn(f"You already sent {LIMIT} requests in the last hour", refusals[0])
        self.assertEqual(self._committed_orders(), LIMIT)

    def test_eight_emails_at_once(self):
        def email(n):
            return lambda env: env["field.work.order"].message_new({
                "email_from": f"Flo Flood <{self.email}>", "subject": f"Leak {n}",
                "body": "<p>Water on the floor.</p>", "attachments": [],
            }, {"company_id": self.company_id}).id

        results, refusals = self._run_at_once(SUPERUSER_ID, [email(n) for n in range(8)])
        self.assertEqual((len(results), len(refusals)), (LIMIT, 3))
        for refusal in refusals:
            self.assertIn(f"already requested {LIMIT} work orders by email", refusal)
        self.assertEqual(self._committed_orders(), LIMIT)
