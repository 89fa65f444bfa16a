"""Take the customer equipment screenshots of docs/equipment.md from a running demo server.

Usage: .venv/bin/python scripts/screenshots_equipment.py [BASE_URL [DB [GROUP...]]]
(default http://localhost:8069, the run command's database fwo_demo, and every group:
phone, office, labels, portal). It uses the demo site with four units (the bakery's), and
adds a job for the demo technician (tech1) at that site about two of its units, started,
on which the phone records two readings (one out of range) and starts adding a unit: run
it on a demo database made for screenshots. Writes docs/images/equipment-*.png, job-type-readings.png,
app-equipment*.png, app-readings.png and portal-equipment*.png.
"""

import subprocess
import sys
import tempfile
import time
from datetime import datetime, timedelta, timezone
from pathlib import Path

from _odoo_server import ROOT, Rpc, launch, login
from playwright.sync_api import sync_playwright

OUT = ROOT / "docs" / "images"
DESKTOP = {"width": 1366, "height": 800}
PHONE = {"width": 360, "height": 640}
WIRE = "%Y-%m-%d %H:%M:%S"
EQUIPMENT = "field.work.order.equipment"


def save(page, name, full=False):
    page.wait_for_timeout(800)
    page.screenshot(path=str(OUT / f"{name}.png"), full_page=full)
    print(f"docs/images/{name}.png")


def window_action(admin, model):
    """The id of the first window action of ``model``: its URL is /odoo/action-<id>."""
    return admin("ir.actions.act_window", "search", [["res_model", "=", model]], limit=1,
                 order="id")[0]


def demo_units(admin):
    """The bakery's units, as the demo data makes them (four at one site)."""
    bakery = admin.ref("field_work_order.partner_bakery")
    units = admin(EQUIPMENT, "search_read", [["partner_id", "child_of", bakery]],
                  fields=["name", "serial_number", "service_partner_id"], order="id")
    if len(units) < 4:
        raise RuntimeError("The demo site with four units is missing: run on a demo database.")
    return units


def started_job(base, db, units):
    """A job for tech1, started ten minutes ago, about two units of the site, with readings."""
    admin = Rpc(base, db, "admin")
    dispatcher = Rpc(base, db, "dispatcher")
    tech = Rpc(base, db, "tech1")
    job_type = admin("field.work.order.job.type", "search", [["reading_ids", "!=", False]],
                     limit=1, order="id")
    order = dispatcher("field.work.order", "create", {
        "partner_id": admin.ref("field_work_order.partner_bakery"),
        "service_partner_id": units[0]["service_partner_id"][0],
        "job_type_id": job_type[0],
        "equipment_ids": [(6, 0, [units[0]["id"], units[1]["id"]])],
        "user_id": tech.uid,
        "description": "Quarterly check of the cold room: pressures, temperatures, coils.",
        "scheduled_start": (datetime.now(timezone.utc) - timedelta(minutes=10)).strftime(WIRE),
    })
    dispatcher("field.work.order", "action_schedule", [order])
    tech("field.work.order", "action_start", [order])
    return dispatcher("field.work.order", "read", [order], ["name"])[0]["name"]


def office_shots(browser, base, admin, units, order_name):
    """Kanban, a unit's form and readings graph, the job type's Readings tab, the order's
    Equipment tab with its warranty and out-of-range notices (dispatcher)."""
    page = browser.new_page(viewport=DESKTOP)
    login(page, base, "dispatcher", "dispatcher")
    action = f"{base}/odoo/action-{window_action(admin, EQUIPMENT)}"
    page.goto(action)
    page.wait_for_selector(".o_kanban_view .o_kanban_record", timeout=30000)
    save(page, "equipment-kanban")
    page.goto(f"{action}/{units[0]['id']}")
    page.wait_for_selector(".o_form_view .o-form-buttonbox .oe_stat_button", timeout=30000)
    save(page, "equipment-form")
    page.click(".o-form-buttonbox .oe_stat_button:has-text('Readings')")
    page.wait_for_selector(".o_graph_view canvas", timeout=30000)
    save(page, "equipment-readings-graph")
    job_type = admin("field.work.order.job.type", "search", [["reading_ids", "!=", False]],
                     limit=1, order="id")[0]
    page.goto(f"{base}/odoo/action-field_work_order.field_work_order_job_type_action/{job_type}")
    page.click(".o_notebook a[name='readings']")
    page.wait_for_selector(".o_field_widget[name='reading_ids'] .o_data_row")
    save(page, "job-type-readings")
    if order_name:
        order = admin("field.work.order", "search", [["name", "=", order_name]])[0]
        page.set_viewport_size({"width": 1366, "height": 1280})  # the notices and the tab
        page.goto(f"{base}/odoo/action-field_work_order.field_work_order_action/{order}")
        page.click(".o_notebook a[name='equipment']")
        page.wait_for_selector(".o_field_widget[name='reading_ids'] .o_data_row")
        save(page, "equipment-order")
    page.close()


def label_sheet(browser, base, admin, units):
    """The label sheet of the site's units, printed by Odoo, its first page as a PNG."""
    report = admin("ir.actions.report", "search_read", [["model", "=", EQUIPMENT]],
                   fields=["report_name"], limit=1, order="id")[0]["report_name"]
    context = browser.new_context(viewport=DESKTOP)
    page = context.new_page()
    login(page, base, "dispatcher", "dispatcher")
    ids = ",".join(str(unit["id"]) for unit in units)
    response = context.request.get(f"{base}/report/pdf/{report}/{ids}", timeout=120000)
    if not response.ok or not response.body().startswith(b"%PDF"):
        raise RuntimeError(f"The label sheet was not printed: HTTP {response.status}")
    with tempfile.TemporaryDirectory() as tmp:
        pdf = Path(tmp) / "labels.pdf"
        pdf.write_bytes(response.body())
        subprocess.run(["pdftoppm", "-png", "-r", "70", "-f", "1", "-l", "1", "-singlefile",
                        str(pdf), str(OUT / "equipment-labels")], check=True)
    print("docs/images/equipment-labels.png")
    context.close()


def phone_shots(browser, base, db, units):
    """The unit's page, readings with one out of range, a unit added on site (tech1, 360x640)."""
    name = started_job(base, db, units)
    context = browser.new_context(viewport=PHONE, is_mobile=True, has_touch=True)
    page = context.new_page()
    login(page, base, "tech1", "tech1", landing="**/field-service")
    page.click(f".o_fwo_job_card:has-text('{name}')")
    card = page.locator(f".o_fwo_unit_card[data-unit-id='{units[0]['id']}']")
    card.locator(".o_fwo_unit_link").click()
    page.wait_for_selector(".o_fwo_unit_screen .o_fwo_unit_history")
    page.evaluate("window.scrollTo(0, 0)")
    save(page, "app-equipment")
    page.click(".o_fwo_unit_screen .o_fwo_back")
    card.locator(".o_fwo_readings_open").click()
    values = card.locator(".o_fwo_reading_value")
    values.nth(0).fill("58")  # below the expected 60-80 psi: flagged at once
    values.nth(1).fill("14")
    card.locator(".o_fwo_reading_flag").wait_for()
    scroll_to(page, f".o_fwo_unit_card[data-unit-id='{units[0]['id']}']")
    save(page, "app-readings")
    card.locator(".o_fwo_readings_save").click()
    card.locator(".o_fwo_reading_out").first.wait_for()
    page.click(".o_fwo_add_unit")
    page.fill(".o_fwo_unit_name_input", "Ice machine")
    page.fill(".o_fwo_unit_serial_input", "IM-20931")
    page.fill(".o_fwo_unit_location_input", "Kitchen, under the counter")
    scroll_to(page, ".o_fwo_unit_form")
    save(page, "app-equipment-add")
    context.close()
    return name


def synced(admin, order_name):
    """Wait until the app has sent the job's readings: the unit's graph shows today's."""
    for _ in range(60):
        if admin("field.work.order.reading", "search_count",
                 [["work_order_id.name", "=", order_name]]) >= 2:
            return
        time.sleep(1)
    raise RuntimeError("The readings taken on the phone never reached Odoo.")


def portal_shots(browser, base, units):
    """The customer's units and one unit's page (the bakery's owner)."""
    page = browser.new_page(viewport=DESKTOP)
    login(page, base, "customer", "customer", landing="**/my**")
    page.goto(f"{base}/my/equipment")
    page.wait_for_selector(".fwo_portal_units .fwo_portal_unit", timeout=30000)
    save(page, "portal-equipment-list")
    page.goto(f"{base}/my/equipment/{units[0]['id']}")
    page.wait_for_selector(".fwo_portal_unit_request", timeout=30000)
    save(page, "portal-equipment", full=True)
    page.close()


def scroll_to(page, selector):
    """Scroll the element to the top of the phone's screen, below the app's status bar."""
    page.locator(selector).evaluate("el => { el.scrollIntoView(); window.scrollBy(0, -64); }")


def main():
    base = sys.argv[1] if len(sys.argv) > 1 else "http://localhost:8069"
    db = sys.argv[2] if len(sys.argv) > 2 else "fwo_demo"
    groups = sys.argv[3:] or ["office", "labels", "phone", "portal"]
    admin = Rpc(base, db, "admin")
    units = demo_units(admin)
    OUT.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as p:
        browser = launch(p)
        order_name = None
        if "phone" in groups:
            order_name = phone_shots(browser, base, db, units)
            synced(admin, order_name)
        if "office" in groups:
            office_shots(browser, base, admin, units, order_name)
        if "labels" in groups:
            label_sheet(browser, base, admin, units)
        if "portal" in groups:
            portal_shots(browser, base, units)
        browser.close()


if __name__ == "__main__":
    main()
