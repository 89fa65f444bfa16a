import uuid
from datetime import timedelta

from odoo import fields
from odoo.tools import SQL

from odoo.addons.field_work_order.tests.common import PNG, WorkOrderCommon


class SyncCommon(WorkOrderCommon):
    """Work order fixtures plus helpers to pull and push as a given user."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.Order = cls.env["field.work.order"]
        cls.png = PNG

    @staticmethod
    def at(delta=timedelta()):
        """A wire-format UTC time, ``delta`` from now."""
        return fields.Datetime.to_string(fields.Datetime.now() + delta)

    def age(self, orders=None):
        """Make the orders' stamps (and all tombstones) look committed long ago.

        Inside one test transaction every change carries the same transaction id; this
        tells apart "unchanged since the last pull" from "changed after it".
        """
        self.env.flush_all()
        domain = SQL("WHERE id IN %s", tuple(orders.ids)) if orders else SQL()
        self.env.cr.execute(SQL("UPDATE field_work_order SET sync_txid = 1 %s", domain))
        self.env.cr.execute(SQL("UPDATE field_work_order_sync_tombstone SET txid = 1"))

    def op(self, order, op_type, payload=None, at=None, base_version=None, op_uuid=None):
        order_id = order if isinstance(order, int) else order.id
        return {
            "uuid": op_uuid or str(uuid.uuid4()),
            "order_id": order_id,
            "type": op_type,
            "payload": payload or {},
            "base_version": base_version if base_version is not None else (
                self.Order.browse(order_id).sudo().sync_version
            ),
            "at": at or self.at(timedelta(minutes=-1)),
        }

    def push(self, user, *ops):
        results = self.Order.with_user(user).sync_push(list(ops))
        self.assertEqual(len(results), len(ops))
        self.assertEqual([r["uuid"] for r in results], [o.get("uuid", False) for o in ops])
        self.env.invalidate_all()
        return results

    def pull(self, user, cursor=False, limit=200):
        """All pages of one pull: (orders by id, removed ids, last cursor, pages)."""
        orders, removed, pages = {}, [], []
        while True:
            page = self.Order.with_user(user).sync_pull(cursor=cursor, limit=limit)
            pages.append(page)
            for order in page["orders"]:
                orders[order["id"]] = order
            removed += page["removed"]
            cursor = page["cursor"]
            if not page["has_more"]:
                return orders, removed, cursor, pages

    def assert_no_none(self, value, path="result"):
        """XML-RPC cannot carry None nor integers beyond 32 bits."""
        self.assertIsNotNone(value, path)
        if isinstance(value, dict):
            for key, item in value.items():
                self.assertIsInstance(key, str, path)
                self.assert_no_none(item, f"{path}.{key}")
        elif isinstance(value, list):
            for i, item in enumerate(value):
                self.assert_no_none(item, f"{path}[{i}]")
        elif isinstance(value, int) and not isinstance(value, bool):
            self.assertLessEqual(abs(value), 2**31 - 1, path)
