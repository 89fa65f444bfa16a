import sys
import threading
import traceback
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from odoo import SUPERUSER_ID, api, fields
from odoo.service.model import retrying
from odoo.tests import TransactionCase, new_test_user
from odoo.tools import SQL

from odoo.addons.field_work_order.models.field_work_order_policy import TrustedValue

# A 1x1 PNG: the smallest image Odoo's image fields accept.
PNG = (
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg=="
)


def at(when):
    """Context dating actions at ``when``, as ``_with_device_time`` makes it.

    Test code only: it skips the device time checks so that tests can work on
    fixed dates (2030) whatever today's date is.
    """
    return {"fwo_device_time": TrustedValue(fields.Datetime.to_string(fields.Datetime.to_datetime(when)))}


class WorkOrderCommon(TransactionCase):
    """Users and master data shared by the work order tests (built once per class)."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env = cls.env(context=dict(cls.env.context, tracking_disable=False, mail_notrack=False))
        cls.company = cls.env.company
        cls.dispatcher = new_test_user(
            cls.env, "fwo_dispatcher", groups="base.group_user,field_work_order.group_dispatcher",
            name="Dora Dispatcher",
        )
        cls.tech = new_test_user(
            cls.env, "fwo_tech", groups="base.group_user,field_work_order.group_technician",
            name="Terry Tech",
        )
        cls.tech2 = new_test_user(
            cls.env, "fwo_tech2", groups="base.group_user,field_work_order.group_technician",
            name="Tess Tech",
        )
        cls.dispatcher2 = new_test_user(
            cls.env, "fwo_dispatcher2", groups="base.group_user,field_work_order.group_dispatcher",
            name="Dan Dispatcher",
        )
        cls.accountant = new_test_user(
            cls.env, "fwo_accountant", groups="base.group_user,account.group_account_invoice",
            name="Abe Accountant",
        )
        cls.customer = cls.env["res.partner"].create({"name": "Acme Offices", "is_company": True})
        cls.site = cls.env["res.partner"].create({
            "name": "Acme Offices, Annex", "parent_id": cls.customer.id, "type": "other",
        })
        cls.filter = cls.env["product.product"].create({
            "name": "Filter", "type": "consu", "list_price": 10.0,
        })
        cls.job_type = cls.env["field.work.order.job.type"].create({
            "name": "HVAC Repair",
            "planned_hours": 2.0,
            "checklist_template_ids": [
                (0, 0, {"name": "Check thermostat", "required": True, "sequence": 1}),
                (0, 0, {"name": "Clean vents", "sequence": 2}),
            ],
            "material_ids": [(0, 0, {"product_id": cls.filter.id, "product_uom_qty": 2})],
        })

    @contextmanager
    def assertRaisesRegex(self, expected_exception, expected_regex, msg=None):
        """unittest's version, but inside Odoo's rolled-back savepoint like ``assertRaises``.

        So a refused operation leaves nothing half-written for the next assertions to see.
        """
        with self.assertRaises(expected_exception, msg=msg) as cm:
            yield cm
        self.assertRegex(str(cm.exception), expected_regex)

    @classmethod
    def create_order(cls, **vals):
        defaults = {
            "partner_id": cls.customer.id,
            "user_id": cls.tech.id,
            "scheduled_start": "2030-01-15 09:00:00",
            "job_type_id": cls.job_type.id,
        }
        return cls.env["field.work.order"].with_user(cls.dispatcher).create({**defaults, **vals})

    @classmethod
    def order_in_state(cls, state, **vals):
        """An order taken to ``state`` by its lead technician (times on 2030-01-15)."""
        order = cls.create_order(**vals)
        if state == "draft":
            return order
        as_dispatcher = order.with_user(cls.dispatcher)
        if state == "cancelled":
            as_dispatcher.action_cancel()
            return order
        as_dispatcher.action_schedule()
        if state == "scheduled":
            return order
        as_tech = order.with_user(order.user_id).with_context(**at("2030-01-15 09:00:00"))
        as_tech.action_start()
        if state == "on_hold":
            as_tech.with_context(**at("2030-01-15 10:00:00")).action_hold()
        if state in ("in_progress", "on_hold"):
            return order
        as_tech.checklist_ids.filtered("required").done = True
        as_tech.with_context(**at("2030-01-15 11:00:00")).action_complete()
        if state == "verified":
            as_dispatcher.with_context(**at("2030-01-15 12:00:00")).action_verify()
        return order

    def backdate(self, orders, days=2):
        """Pretend the orders were created (and last changed status) ``days`` ago at 08:00 UTC.

        Device times before an order's creation or its last status change are
        refused, and the test transaction created and scheduled them just now.
        """
        self.env.flush_all()
        self.env.cr.execute(SQL(
            "UPDATE field_work_order SET create_date = date_trunc('day', now() AT TIME ZONE 'UTC')"
            " - make_interval(days => %s) + interval '8 hours' WHERE id IN %s",
            days, tuple(orders.ids),
        ))
        self.env.cr.execute(SQL(
            "UPDATE field_work_order SET date_last_state_update = create_date "
            "WHERE id IN %s AND date_last_state_update IS NOT NULL",
            tuple(orders.ids),
        ))
        orders.invalidate_recordset(["create_date", "date_last_state_update"])

    def flush_tracking(self):
        """Run what Odoo runs just before a commit: tracking values and bus rows are written then."""
        self.env.flush_all()
        self.env.cr.precommit.run()


class Outcome:
    """What a callable run in a thread by ``ConcurrencyCase`` returned or raised."""

    def __init__(self, thread=None):
        self.thread = thread
        self.result = None
        self.error = None

    def waits(self, seconds=1.0):
        """True when the thread still runs after ``seconds`` (it waits on a lock)."""
        self.thread.join(seconds)
        return self.thread.is_alive()


class ConcurrencyCase(TransactionCase):
    """Tests of what only committed transactions on separate connections show.

    The test's own cursor is not used for the race: each party gets a real
    cursor of the registry. The API:

    - ``with self.committed() as env:`` builds the fixtures, committed at the end of the block;
      ``self.on_cleanup(fn)`` registers ``fn(cr)``, run after the test on a new committed cursor
      (``delete(cr, model, ids)`` removes records with their messages and followers);
    - ``self.cursor()``: a new cursor, rolled back and closed after the test;
    - ``self.env_of(cr, uid)``: an environment on it as ``uid`` (build it outside a thread:
      it takes the registry lock);
    - ``self.start(fn, *args)``: ``fn`` in a thread, its ``Outcome`` (``waits()`` tells that it
      is blocked, ``self.finish(outcome)`` joins it or fails with its stack);
    - ``self.run_parallel(callables, uid, retry=False)``: each ``callable(env)`` at once in its
      own thread, cursor and environment as ``uid``; a cursor is committed when its callable
      returns, rolled back when it raises; ``retry``: through Odoo's ``retrying``, which runs a
      request again after a serialization failure or a deadlock, as RPC and web requests are;
      returns the ``Outcome`` of each, in order (``timeout`` seconds at most).
    """

    timeout = 30

    def setUp(self):
        super().setUp()
        self._cursors = []
        self._committed_cleanups = []
        self.addCleanup(self._clean_up)

    def _clean_up(self):
        for cr in self._cursors:
            if not cr.closed:
                cr.rollback()
                cr.close()
        for fn in reversed(self._committed_cleanups):
            with self.registry.cursor() as cr:
                fn(cr)

    def on_cleanup(self, fn):
        self._committed_cleanups.append(fn)

    @contextmanager
    def committed(self, uid=SUPERUSER_ID):
        with self.registry.cursor() as cr:
            yield api.Environment(cr, uid, {})

    @staticmethod
    def delete(cr, model, ids):
        """Delete the records ``ids`` of ``model`` with their messages and followers (SQL)."""
        ids = tuple(ids) or (0,)
        cr.execute(SQL("DELETE FROM mail_followers WHERE res_model = %s AND res_id IN %s", model, ids))
        cr.execute(SQL("DELETE FROM mail_message WHERE model = %s AND res_id IN %s", model, ids))
        cr.execute(SQL("DELETE FROM %s WHERE id IN %s", SQL.identifier(model.replace(".", "_")), ids))

    def cursor(self):
        cr = self.registry.cursor()
        self._cursors.append(cr)
        return cr

    @staticmethod
    def env_of(cr, uid=SUPERUSER_ID):
        return api.Environment(cr, uid, {})

    def start(self, fn, *args):
        outcome = Outcome()

        def run():
            try:
                outcome.result = fn(*args)
            except Exception as exc:  # noqa: BLE001 - handed to the test
                outcome.error = exc

        outcome.thread = threading.Thread(target=run)
        outcome.thread.start()
        return outcome

    def finish(self, outcome):
        """Join the thread of ``outcome``; fail with its stack when it is still blocked."""
        outcome.thread.join(self.timeout)
        if outcome.thread.is_alive():
            stack = "".join(traceback.format_stack(sys._current_frames()[outcome.thread.ident]))
            self.fail(f"still blocked after {self.timeout}s:\n{stack}")
        return outcome

    def run_parallel(self, callables, uid=SUPERUSER_ID, retry=False):
        envs = [self.env_of(self.cursor(), uid) for _fn in callables]
        barrier = threading.Barrier(len(callables))

        def run(fn, env):
            barrier.wait()
            try:
                result = retrying(lambda: fn(env), env) if retry else fn(env)
            except Exception:
                env.cr.rollback()
                raise
            env.cr.commit()
            return result

        outcomes = [self.start(run, fn, env) for fn, env in zip(callables, envs, strict=True)]
        return [self.finish(outcome) for outcome in outcomes]


class _EmptyStylesheets(BaseHTTPRequestHandler):
    """What wkhtmltopdf gets for the report's CSS: an empty stylesheet."""

    def do_GET(self):  # noqa: N802 - the name http.server calls
        self.send_response(200)
        self.send_header("Content-Type", "text/css")
        self.send_header("Content-Length", "0")
        self.end_headers()

    def log_message(self, *args):
        pass


def serve_report_assets(case):
    """Point report.url at a stylesheet server of its own for the class ``case``.

    The portal's PDF request holds the test cursor while wkhtmltopdf fetches the
    report's CSS from report.url: the test server would make it wait for ever.
    """
    server = ThreadingHTTPServer(("127.0.0.1", 0), _EmptyStylesheets)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    case.addClassCleanup(server.server_close)
    case.addClassCleanup(server.shutdown)
    case.env["ir.config_parameter"].sudo().set_param(
        "report.url", f"http://127.0.0.1:{server.server_address[1]}")
    print_without_delay(case.env)


def print_without_delay(env):
    """Let wkhtmltopdf print a report as soon as it is loaded.

    It waits ``report.print_delay`` (1 s by default) for scripts still running
    after the load; our reports have none, and the tests render dozens of PDFs.
    """
    env["ir.config_parameter"].sudo().set_param("report.print_delay", "0")
