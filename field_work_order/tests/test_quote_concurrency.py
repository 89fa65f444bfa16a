"""Two approvals of one quote in two real transactions: one approval, one set of extras.

The data is committed (real cursors, ``registry.cursor()``) and deleted at the end.
"""

import uuid

import psycopg2

from odoo.tests import tagged
from odoo.tools import SQL, mute_logger

from .common import PNG, ConcurrencyCase


@tagged("post_install", "-at_install")
class TestQuoteConcurrency(ConcurrencyCase):
    def setUp(self):
        super().setUp()
        with self.committed() as env:
            tag = uuid.uuid4().hex[:6]
            customer = env["res.partner"].create({"name": f"Quote race {tag}", "is_company": True})
            products = env["product.product"].create([
                {"name": f"Race valve {tag}", "type": "consu", "list_price": 40.0, "taxes_id": []},
                {"name": f"Race labor {tag}", "type": "service", "list_price": 60.0, "taxes_id": []},
            ])
            order = env["field.work.order"].create({"partner_id": customer.id})
            quote = env["field.work.order.quote"].create({
                "work_order_id": order.id,
                "option_ids": [(0, 0, {"name": name, "line_ids": [
                    (0, 0, {"product_id": products[0].id, "quantity": qty}),
                    (0, 0, {"product_id": products[1].id, "quantity": 1}),
                ]}) for name, qty in (("Repair", 1), ("Replace", 2))],
            })
            quote.action_send()
            self.partner_id, self.order_id, self.quote_id = customer.id, order.id, quote.id
            self.template_ids = products.product_tmpl_id.ids
            self.option_ids = quote.option_ids.ids
            self.uid = env.ref("base.user_admin").id  # a dispatcher
        self.on_cleanup(self._delete)

    def _delete(self, cr):
        cr.execute(SQL("DELETE FROM ir_attachment WHERE res_model = %s AND res_id = %s",
                       "field.work.order.quote", self.quote_id))
        self.delete(cr, "field.work.order.quote", [self.quote_id])
        self.delete(cr, "field.work.order", [self.order_id])
        cr.execute(SQL("DELETE FROM product_template WHERE id IN %s", tuple(self.template_ids)))
        self.delete(cr, "res.partner", [self.partner_id])

    def approve_in(self, env, option_id=None):
        quote = env["field.work.order.quote"].browse(self.quote_id)
        return quote.action_approve(option_id or self.option_ids[1], PNG, "Casey Client")

    def committed_state(self):
        """(state, approved option, [(product, planned quantity)] of the order's extras), as committed."""
        with self.registry.cursor() as cr:
            cr.execute(SQL(
                "SELECT state, approved_option_id FROM field_work_order_quote WHERE id = %s",
                self.quote_id,
            ))
            state, option_id = cr.fetchone()
            cr.execute(SQL(
                "SELECT product_uom_qty FROM field_work_order_material "
                "WHERE work_order_id = %s AND quote_line_id IS NOT NULL", self.order_id,
            ))
            return state, option_id, [row[0] for row in cr.fetchall()]

    def test_second_approval_waits_then_is_retried(self):
        first = self.cursor()
        self.assertIs(self.approve_in(self.env_of(first, self.uid)), True)  # not committed yet
        second = self.cursor()
        second.execute("SET LOCAL lock_timeout = '20s'")
        env = self.env_of(second, self.uid)  # outside the thread: it takes the registry lock

        def second_approval():
            with second, mute_logger("odoo.sql_db"):
                return self.approve_in(env)  # waits on the first's row lock

        outcome = self.start(second_approval)
        self.assertTrue(outcome.waits(1.0), "the second approval should wait for the first")
        first.commit()
        self.finish(outcome)
        # Odoo retries the request: the retry finds the quote approved with this option.
        self.assertIsInstance(outcome.error, psycopg2.errors.SerializationFailure)
        self.assertEqual(self.committed_state(), ("approved", self.option_ids[1], [2.0]))

    def retried(self, option_index=1):
        """An approval as RPC runs it: again after a serialization failure, on a fresh snapshot.

        (Odoo's own ``retrying`` reloads the registry, which the test runner holds.)
        """
        def call(env):
            for _attempt in range(3):
                try:
                    with mute_logger("odoo.sql_db"):
                        return self.approve_in(env, self.option_ids[option_index])
                except psycopg2.errors.SerializationFailure:
                    env.cr.rollback()
                    env.transaction.clear()
            raise AssertionError("three serialization failures in a row")
        return call

    def test_two_approvals_at_once(self):
        """Two phones sending the same approval at once: both answered True, approved once."""
        outcomes = self.run_parallel([self.retried(), self.retried()], uid=self.uid)
        self.assertEqual([(o.error, o.result) for o in outcomes], [(None, True), (None, True)])
        self.assertEqual(self.committed_state(), ("approved", self.option_ids[1], [2.0]))

    def test_two_options_at_once(self):
        """Two devices approving different options: one wins, the other is told which."""
        outcomes = self.run_parallel([self.retried(0), self.retried(1)], uid=self.uid)
        errors = [o.error for o in outcomes if o.error]
        self.assertEqual(len(errors), 1, errors)
        self.assertRegex(str(errors[0]), r"already approved with the option (Repair|Replace)")
        state, option_id, extras = self.committed_state()
        winner = self.option_ids.index(option_id)
        self.assertIs(outcomes[winner].result, True)
        self.assertEqual((state, extras), ("approved", [[1.0], [2.0]][winner]))
