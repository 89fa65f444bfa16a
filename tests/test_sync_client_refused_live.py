"""An operation a live Odoo refuses for good does not block the ones queued behind it;
one naming a refused unit (``equipment_ref``) waits with it until resolved."""

import uuid

from sync_client import JsonRpcTransport, SyncClient

from ._orders import make_order, make_world
from ._rpc import Rpc


def test_a_refused_operation_does_not_block_the_queue_behind_it(odoo, tmp_path):
    admin = Rpc(odoo)
    world, tag = make_world(admin), uuid.uuid4().hex[:8]
    tech_id, tech = admin.create_user("technician")
    condenser = admin("field.work.order.equipment", "create", {
        "name": "Rooftop condenser", "partner_id": world["customer"], "serial_number": f"C-{tag}",
    })
    order_id = make_order(admin, odoo, world, tech_id, checklist=("Isolate power", "Check fuses"))
    client = SyncClient(JsonRpcTransport(odoo.url, odoo.db, tech, tech, timeout=60),
                        tmp_path / "store.sqlite3", batch_size=2, sleep=lambda _s: None,
                        max_attempts=1)
    try:
        client.pull()
        fuses = [line["id"] for line in client.order(order_id)["checklist"]
                 if line["name"] == "Check fuses"]
        # The dispatcher removes the line while the technician is offline and ticks it.
        admin("field.work.order.checklist.line", "unlink", fuses)
        ticked = client.checklist(order_id, fuses[0])
        notes = [client.note(order_id, f"Behind the refused one {tag} #{i}") for i in range(4)]
        unit = client.equipment_add(order_id, "Condenser again", serial_number=f"C-{tag}")
        reading = client.reading(order_id, unit, "Suction pressure", 70)

        report = client.push()

        assert (report.sent, report.applied, report.conflicts, report.errors, report.waiting,
                report.batches) == (6, 4, 1, 1, 1, 3)
        refused = {op.id: op for op in client.conflicts()}
        assert sorted(refused) == [ticked.id, unit.id]
        assert refused[ticked.id].status == "error"
        assert f"Checklist line {fuses[0]} is not on" in refused[ticked.id].message
        assert refused[unit.id].status == "conflict"
        assert [op.id for op in client.pending()] == [reading.id]
        assert admin("mail.message", "search_count", [
            ("model", "=", "field.work.order"), ("res_id", "=", order_id),
            ("body", "ilike", f"Behind the refused one {tag}")]) == 4
        assert admin("field.work.order.reading", "search_count",
                     [("work_order_id", "=", order_id)]) == 0
        assert admin("field.work.order.equipment", "search",
                     [("partner_id", "=", world["customer"])]) == [condenser]
        sent = admin("field.work.order.sync.operation", "search_count",
                     [("uuid", "in", [op.uuid for op in (ticked, *notes, unit, reading)])])
        assert sent == 6  # the reading never reached the server

        # Giving the unit up: the reading naming it is sent and refused in turn.
        assert client.resolve(ticked.id, "drop") is None
        assert client.resolve(unit.id, "drop") is None
        report = client.push()
        assert (report.sent, report.applied, report.errors, report.waiting) == (1, 0, 1, 0)
        assert [op.id for op in client.conflicts()] == [reading.id]
        assert admin("field.work.order.reading", "search_count",
                     [("work_order_id", "=", order_id)]) == 0
    finally:
        client.close()
