"""What the policy tests over RPC share: calls as a real user, refusals, the context keys the code reads."""

import re
import xmlrpc.client
from pathlib import Path

from odoo import fields
from odoo.tests import HttpCase

from .common import WorkOrderCommon, print_without_delay

ACCESS = 4  # XML-RPC fault code of an AccessError

# How server code reads a context key: context.get("key"), context["key"], "key" in context.
CONTEXT_READS = [
    re.compile(r"""context\.get\(\s*["']([\w.]+)["']"""),
    re.compile(r"""context\[\s*["']([\w.]+)["']\s*\]"""),
    re.compile(r"""["']([\w.]+)["']\s+(?:not\s+)?in\s+(?:self\.)?(?:env\.)?context"""),
]


def context_keys_read_by(addon):
    """The context keys the server code (not the tests) of the addon named ``addon`` reads."""
    keys = set()
    folder = Path(__file__).resolve().parents[2] / addon
    for path in folder.rglob("*.py"):
        if "tests" in path.relative_to(folder).parts:
            continue
        text = path.read_text()
        for pattern in CONTEXT_READS:
            keys.update(pattern.findall(text))
    return sorted(keys)


class PolicyRpcCase(WorkOrderCommon, HttpCase):
    """Work order fixtures, and calls over /xmlrpc/2/object as the real users (never sudo)."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env["ir.config_parameter"].set_param("report.url", cls.base_url())
        print_without_delay(cls.env)
        cls.cable = cls.env["product.product"].create({"name": "Cable", "type": "consu"})

    def rpc(self, user, model, method, args, kwargs=None, context=None):
        """``execute_kw`` over /xmlrpc/2/object as ``user`` (password = login)."""
        kwargs = dict(kwargs or {})
        if context is not None:
            kwargs["context"] = context
        result = self.xmlrpc_object.execute_kw(
            self.env.cr.dbname, user.id, user.login, model, method, args, kwargs,
        )
        self.env.invalidate_all()
        return result

    def assert_refused(self, user, model, method, args, *words, kwargs=None, context=None,
                       code=None):
        """The call faults, with ``words`` in its message (``code`` 4: an AccessError)."""
        with self.assertRaises(xmlrpc.client.Fault) as caught:
            self.rpc(user, model, method, args, kwargs, context)
        if code is not None:
            self.assertEqual(caught.exception.faultCode, code, caught.exception.faultString)
        for word in words:
            self.assertIn(word, caught.exception.faultString)
        self.env.invalidate_all()
        return caught.exception.faultString

    def order_counts(self, order):
        """What a refused call must not have added: labor lines, stock moves, pickings, messages."""
        self.env.invalidate_all()
        return (
            self.env["field.work.order.labor"].search_count([("work_order_id", "=", order.id)]),
            self.env["stock.move"].search_count([("fwo_order_id", "=", order.id)]),
            self.env["stock.picking"].search_count([("fwo_order_id", "=", order.id)]),
            self.env["mail.message"].search_count([
                ("model", "=", "field.work.order"), ("res_id", "=", order.id),
            ]),
            self.env["mail.tracking.value"].search_count([
                ("mail_message_id.model", "=", "field.work.order"),
                ("mail_message_id.res_id", "=", order.id),
            ]),
        )

    def check_context_keys_unlock_nothing(self, keys, more_writes=()):
        """Every key of ``keys``, with a flag and a date value, as the assigned technician:
        the server's fields (and ``more_writes``) stay refused, a start is dated now."""
        order = self.order_in_state("scheduled")
        self.backdate(order, days=3000)  # so that 2021 is after the order's creation
        started_before = fields.Datetime.now().replace(microsecond=0)
        for key in keys:
            for value in (True, "2021-01-01 00:00:00", "trusted"):
                context = {key: value, "fwo_transition": True, "fwo_at": "2021-01-01 00:00:00"}
                with self.subTest(key=key, value=value):
                    for vals in ({"state": "verified"}, {"date_started": "2020-01-01 00:00:00"},
                                 {"billable": False}, {"technician_ids": [(4, self.tech2.id)]},
                                 *more_writes):
                        self.assert_refused(self.tech, "field.work.order", "write",
                                            [[order.id], vals], context=context, code=ACCESS)
                    self.assert_refused(self.tech, "field.work.order", "action_schedule",
                                        [[order.id]], context=context)
        self.assertEqual((order.state, order.billable, order.technician_ids), (
            "scheduled", True, self.tech))
        # Starting is the technician's; whatever the context says, it happens now.
        self.rpc(self.tech, "field.work.order", "action_start", [[order.id]],
                 context={key: "2021-01-01 00:00:00" for key in keys})
        self.assertEqual(order.state, "in_progress")
        self.assertGreaterEqual(order.date_started, started_before)
        self.assertGreaterEqual(order.labor_ids.date_start, started_before)
        self.assertEqual(len(order.labor_ids), 1)
