"""A quote made and approved offline with sync_client, pushed twice to a live Odoo: once."""

import base64
import uuid

import pytest

from sync_client import SyncClient, TransportError, XmlRpcTransport

from ._orders import make_order, make_world, read
from ._rpc import Rpc
from .test_sync_e2e import LostResponse

# A 1x1 PNG: the customer's signature.
PNG = base64.b64decode(
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg=="
)


def test_quote_made_offline_approved_and_pushed_twice_is_applied_once(odoo, tmp_path):
    admin = Rpc(odoo)
    world, tag = make_world(admin), uuid.uuid4().hex[:8]
    tech_id, tech = admin.create_user("technician")
    valve = admin("product.product", "create", {"name": f"Valve {tag}", "type": "consu",
                                                "list_price": 50.0, "taxes_id": [(5, 0, 0)]})
    hour = admin("product.product", "create", {"name": f"Hour {tag}", "type": "service",
                                               "list_price": 80.0, "taxes_id": [(5, 0, 0)]})
    job_type = admin("field.work.order.job.type", "create", {
        "name": f"Boiler repair {tag}",
        "option_ids": [(0, 0, {"name": "Replace", "line_ids": [
            (0, 0, {"product_id": valve, "quantity": 1}),
            (0, 0, {"product_id": hour, "quantity": 2}),
        ]})],
    })
    order_id = make_order(admin, odoo, world, tech_id, job_type_id=job_type)
    transport = LostResponse(XmlRpcTransport(odoo.url, odoo.db, tech, tech, timeout=60))
    client = SyncClient(transport, tmp_path / "store.sqlite3", sleep=lambda _s: None,
                        max_attempts=1)
    try:
        client.pull()
        book = client.order(order_id)["price_book"]
        assert [(p["name"], p["price_unit"]) for p in book["products"]] == [
            (f"Hour {tag}", 80.0), (f"Valve {tag}", 50.0)]
        # Offline: quote from the price book, the customer picks Replace and signs.
        option = book["options"][0]
        quote = client.quote(order_id, [{"name": option["name"], "lines": [
            {"product_id": line["product_id"], "quantity": line["quantity"]}
            for line in option["lines"]]}])
        client.quote_approve(order_id, quote, "Replace", PNG, "Casey Client")
        # Back online: the first answer is lost, the push is sent again.
        with pytest.raises(TransportError):
            client.push()
        report = client.push()
        assert (transport.calls, report.applied, report.duplicate) == (2, 0, 2)
        quotes = admin("field.work.order.quote", "search_read", [("work_order_id", "=", order_id)],
                       ["state", "signer_name", "amount_total"])
        assert [(q["state"], q["signer_name"], q["amount_total"]) for q in quotes] == [
            ("approved", "Casey Client", 210.0)]
        materials = admin("field.work.order.material", "search_read",
                          [("work_order_id", "=", order_id), ("quote_line_id", "!=", False)],
                          ["product_id", "product_uom_qty"])
        assert [(m["product_id"][0], m["product_uom_qty"]) for m in materials] == [(valve, 1.0)]
        client.pull()
        pulled = client.order(order_id)["quotes"]
        assert [(q["id"], q["state"], q["amount_total"]) for q in pulled] == [
            (quotes[0]["id"], "approved", 210.0)]
        assert read(admin, "field.work.order", [order_id], ["quote_count"])[0]["quote_count"] == 1
    finally:
        client.close()
