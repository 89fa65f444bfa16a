"""A unit found on site, its readings and a part, queued offline with sync_client and pushed
twice to a live Odoo: applied once; a serial already used is a conflict."""

import uuid

from sync_client import SyncClient, TransportError, XmlRpcTransport

from ._orders import make_order, make_world
from ._rpc import Rpc
from .test_sync_e2e import LostResponse


def test_unit_added_offline_with_readings_pushed_twice_is_applied_once(odoo, tmp_path):
    admin = Rpc(odoo)
    world, tag = make_world(admin), uuid.uuid4().hex[:8]
    tech_id, tech = admin.create_user("technician")
    job_type = admin("field.work.order.job.type", "create", {
        "name": f"Cooler service {tag}",
        "reading_ids": [(0, 0, {"name": "Suction pressure", "uom": "psi", "min_value": 60.0,
                                "max_value": 80.0})],
    })
    condenser = admin("field.work.order.equipment", "create", {
        "name": "Rooftop condenser", "partner_id": world["customer"], "serial_number": f"C-{tag}",
        "warranty_end": "2099-03-31",
    })
    order_id = make_order(admin, odoo, world, tech_id, job_type_id=job_type,
                          equipment_ids=[(6, 0, [condenser])])
    transport = LostResponse(XmlRpcTransport(odoo.url, odoo.db, tech, tech, timeout=60))
    client = SyncClient(transport, tmp_path / "store.sqlite3", sleep=lambda _s: None,
                        max_attempts=1)
    try:
        client.pull()
        cached = client.order(order_id)
        assert cached["equipment_ids"] == [condenser]
        assert [(u["id"], u["serial_number"], u["under_warranty"]) for u in cached["equipment"]] == [
            (condenser, f"C-{tag}", True)]
        suction, = cached["reading_definitions"]
        # Offline: a unit found on site, two readings, a part into the new unit, and a unit
        # whose serial is the condenser's.
        added = client.equipment_add(order_id, "Walk-in cooler", serial_number=f"W-{tag}",
                                     location_note="Back room")
        client.reading(order_id, added, "Suction pressure", 85)
        client.reading(order_id, condenser, None, 70, definition_id=suction["id"])
        client.material(order_id, world["product"], 1, equipment=added)
        client.equipment_add(order_id, "Condenser again", serial_number=f"C-{tag}")
        # Back online: the first answer is lost, the push is sent again.
        try:
            client.push()
        except TransportError:
            pass
        report = client.push()
        assert (transport.calls, report.applied, report.duplicate, report.conflicts) == (2, 0, 4, 1)
        conflict, = client.conflicts()
        assert f"The serial number C-{tag} is already used" in conflict.message
        units = admin("field.work.order.equipment", "search_read",
                      [("partner_id", "=", world["customer"])],
                      ["name", "serial_number", "service_partner_id", "location_note"],
                      order="id")
        assert [(u["name"], u["serial_number"], u["service_partner_id"][0], u["location_note"])
                for u in units] == [
            ("Rooftop condenser", f"C-{tag}", world["customer"], False),
            ("Walk-in cooler", f"W-{tag}", world["customer"], "Back room"),
        ]
        new_unit = units[1]["id"]
        readings = admin("field.work.order.reading", "search_read",
                         [("work_order_id", "=", order_id)],
                         ["equipment_id", "value", "out_of_range"], order="id")
        assert [(r["equipment_id"][0], r["value"], r["out_of_range"]) for r in readings] == [
            (new_unit, 85.0, True), (condenser, 70.0, False)]
        materials = admin("field.work.order.material", "search_read",
                          [("work_order_id", "=", order_id), ("equipment_id", "!=", False)],
                          ["equipment_id", "quantity_used"])
        assert [(m["equipment_id"][0], m["quantity_used"]) for m in materials] == [(new_unit, 1.0)]
        client.pull()
        cached = client.order(order_id)
        assert cached["equipment_ids"] == [condenser, new_unit]
        assert sorted((r["equipment_id"], r["value"], r["out_of_range"])
                      for r in cached["readings"]) == [(condenser, 70.0, False), (new_unit, 85.0, True)]
    finally:
        client.close()
