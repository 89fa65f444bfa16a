"""Issue #21 on a phone with the server stopped: a unit found by its serial, two readings (one
out of range), a unit found on site, a part and a photo tagged to units, the job completed;
back online the queue is applied once, and the same push sent again changes nothing.

Runs on test_mobile_app.py's fixtures and conftest.py's app server (stopped and started).
"""

import uuid
from datetime import date, timedelta

from playwright.sync_api import expect

from . import test_mobile_app as app
from ._orders import make_order, read
from .test_mobile_app import (
    jpeg,
    open_app,
    open_job,
    push_back_online_then_again,
    record_pushes,
    wait_offline_ready,
    wait_queued,
)

# test_mobile_app.py's fixtures: the app's Odoo server (stopped and started), phone contexts.
odoo_app, phone = app.odoo_app, app.phone
admin, world, company = app.admin, app.world, app.company


def test_units_readings_and_tags_offline_then_pushed_twice_apply_once(odoo_app, admin, world,
                                                                      phone, company, tmp_path):
    tag = uuid.uuid4().hex[:8]
    admin("res.company", "write", [company], {
        "fwo_invoice_at_completion": False, "fwo_signature_required": False})
    job_type = admin("field.work.order.job.type", "create", {"name": f"Cooling {tag}", "reading_ids": [
        (0, 0, {"name": "Suction pressure", "uom": "psi", "sequence": 1,
                "min_value": 60, "max_value": 80}),
        (0, 0, {"name": "Supply air", "uom": "°C", "sequence": 2,
                "min_value": 12, "max_value": 16}),
    ]})
    pressure, air = admin("field.work.order.job.type.reading", "search",
                          [("job_type_id", "=", job_type)], order="sequence")
    motor = admin("product.product", "create", {"name": f"Fan motor {tag}", "type": "consu"})
    site = world["customer"]
    warranty_end = (date.today() + timedelta(days=200)).isoformat()
    condenser = admin("field.work.order.equipment", "create", {
        "name": f"Condenser {tag}", "partner_id": site, "service_partner_id": site,
        "serial_number": f"C-{tag}", "location_note": "Roof, east side",
        "warranty_end": warranty_end})
    tech_id, tech = admin.create_user("technician")
    order_id = make_order(admin, odoo_app, world, tech_id, checklist=(), job_type_id=job_type,
                          equipment_ids=[(6, 0, [condenser])],
                          material_ids=[(0, 0, {"product_id": motor, "product_uom_qty": 1})])
    name = read(admin, "field.work.order", [order_id], ["name"])[0]["name"]

    context = phone()
    page = open_app(context, odoo_app, tech)
    pushed = record_pushes(page)
    wait_offline_ready(page)

    odoo_app.stop()
    open_job(page, name)
    page.click(".o_fwo_next_step")  # Start
    expect(page.locator(".o_fwo_hold")).to_be_visible()
    page.wait_for_timeout(1100)  # device times have whole seconds: complete a second later

    # The unit by its serial, from the phone's copy: its warranty and where it is.
    page.click(".o_fwo_job .o_fwo_find_unit")
    page.fill(".o_fwo_unit_search", f"c-{tag}")
    page.click(".o_fwo_unit_open")
    unit_page = page.locator(".o_fwo_unit_screen")
    expect(unit_page.locator(".o_fwo_unit_name")).to_have_text(f"Condenser {tag}")
    expect(unit_page.locator(".o_fwo_warranty_active")).to_contain_text("Under warranty until")
    expect(unit_page.locator(".o_fwo_unit_location")).to_have_text("Roof, east side")
    unit_page.locator(".o_fwo_back").click()
    expect(page.locator(".o_fwo_job .o_fwo_job_ref")).to_have_text(name)

    # Two readings, the pressure red as it is typed.
    card = page.locator(".o_fwo_unit_card", has_text=f"Condenser {tag}")
    card.locator(".o_fwo_readings_open").click()
    field = card.locator(".o_fwo_reading_field[data-name='Suction pressure']")
    field.locator("input").fill("95")
    expect(field.locator(".o_fwo_reading_flag")).to_be_visible()
    card.locator(".o_fwo_reading_field[data-name='Supply air'] input").fill("14")
    expect(card.locator(".o_fwo_reading_flag")).to_have_count(1)
    card.locator(".o_fwo_readings_save").click()
    expect(card.locator(".o_fwo_reading")).to_have_count(2)
    expect(card.locator(".o_fwo_reading_out")).to_contain_text("Suction pressure: 95 psi")

    # A unit found on site, shown at once.
    page.click(".o_fwo_add_unit")
    page.fill(".o_fwo_unit_name_input", f"Freezer {tag}")
    page.fill(".o_fwo_unit_serial_input", f"EV-{tag}")
    page.fill(".o_fwo_unit_location_input", "Back room")
    page.click(".o_fwo_unit_save")
    expect(page.locator(".o_fwo_unit_card", has_text=f"Freezer {tag}")).to_be_visible()

    # The planned motor used in the new unit; a photo of the condenser.
    line = page.locator(".o_fwo_material_line", has_text=f"Fan motor {tag}")
    line.locator("select.o_fwo_part_unit").select_option(label=f"Freezer {tag}")
    line.locator(".o_fwo_part_used").click()
    expect(line.locator(".o_fwo_line_unit")).to_have_text(f"Freezer {tag}")
    page.select_option("select.o_fwo_photo_unit", label=f"Condenser {tag}")
    page.set_input_files(".o_fwo_photo_input", str(jpeg(tmp_path / "unit.jpg", (1200, 900))))
    expect(page.locator(".o_fwo_thumb", has_text=f"Condenser {tag}")).to_have_count(1)

    page.click(".o_fwo_next_step")
    page.click(".o_fwo_complete_confirm")
    expect(page.locator(".o_fwo_completed")).to_be_visible()
    expect(page.locator(".o_fwo_connection")).to_have_text("Offline")
    ops = wait_queued(page, 7)
    assert [(op["type"], op["status"]) for op in ops] == [
        ("start", "pending"), ("reading", "pending"), ("reading", "pending"),
        ("equipment_add", "pending"), ("material", "pending"), ("photo", "pending"),
        ("complete", "pending")]
    uuids = [op["uuid"] for op in ops]
    payloads = page.evaluate("() => odoo.__WOWL_DEBUG__.root.store.queue.operations.map((o) => o.payload)")
    assert payloads[4]["equipment_ref"] == uuids[3]  # the part names the unit not yet on the server
    assert payloads[5]["equipment_id"] == condenser

    push_back_online_then_again(page, odoo_app, pushed, uuids)

    order = read(admin, "field.work.order", [order_id],
                 ["state", "equipment_ids", "material_ids", "photo_ids", "labor_ids"])[0]
    assert order["state"] == "done"
    assert len(order["labor_ids"]) == 1
    readings = admin("field.work.order.reading", "search_read", [("work_order_id", "=", order_id)],
                     ["equipment_id", "definition_id", "name", "value", "uom", "out_of_range"])
    assert sorted((r["equipment_id"][0], r["definition_id"][0], r["name"], r["value"], r["uom"],
                   r["out_of_range"]) for r in readings) == sorted([
        (condenser, pressure, "Suction pressure", 95.0, "psi", True),
        (condenser, air, "Supply air", 14.0, "°C", False)])
    units = admin("field.work.order.equipment", "search_read",
                  [("serial_number", "=", f"EV-{tag}")],
                  ["name", "partner_id", "service_partner_id", "location_note", "warranty_end"])
    assert [(u["name"], u["partner_id"][0], u["service_partner_id"][0], u["location_note"],
             u["warranty_end"]) for u in units] == [(f"Freezer {tag}", site, site, "Back room",
                                                     False)]
    freezer = units[0]["id"]
    assert sorted(order["equipment_ids"]) == sorted([condenser, freezer])
    assert admin("field.work.order.equipment", "search_count",
                 [("service_partner_id", "=", site)]) == 2
    materials = read(admin, "field.work.order.material", order["material_ids"],
                     ["product_id", "product_uom_qty", "quantity_used", "equipment_id"])
    assert [(m["product_id"][0], m["product_uom_qty"], m["quantity_used"], m["equipment_id"][0])
            for m in materials] == [(motor, 1.0, 1.0, freezer)]
    photos = read(admin, "field.work.order.photo", order["photo_ids"], ["equipment_id"])
    assert [p["equipment_id"][0] for p in photos] == [condenser]
    log = admin("field.work.order.sync.operation", "search_read", [["uuid", "in", uuids]],
                fields=["uuid", "type", "status", "res_id"])
    assert sorted((r["type"], r["status"]) for r in log) == sorted(
        (op["type"], "applied") for op in ops)
    assert [r["res_id"] for r in log if r["type"] == "equipment_add"] == [freezer]
