"""Take the technician app's documentation screenshots (docs/mobile.md) from a running demo server.

Usage: .venv/bin/python scripts/app_screenshots.py [BASE_URL [DB]]
(default http://localhost:8069 and the run command's database, fwo_demo)

It adds one job for the demo technician (tech1) as the demo dispatcher, then
takes phone-sized screenshots of every screen of the real app in Chromium,
including offline, pending, conflict and refused-photo states. Writes PNGs
into docs/images/app-*.png.
"""

import sys
from datetime import datetime, timedelta, timezone

from _odoo_server import ROOT, Rpc, launch
from playwright.sync_api import sync_playwright

OUT = ROOT / "docs" / "images"
PHONE = {"width": 360, "height": 640}
WIRE = "%Y-%m-%d %H:%M:%S"


def make_job(base, db):
    """A job for tech1 in an hour, with safety rules, checklist and a planned part."""
    dispatcher = Rpc(base, db, "dispatcher")
    tech = dispatcher("res.users", "search", [["login", "=", "tech1"]])[0]
    partner = dispatcher("res.partner", "create", {
        "name": "Harbour View Apartments", "is_company": True, "street": "27 Harbour View Road",
        "city": "Springfield", "zip": "01103", "phone": "+1 555 0142",
    })
    product = dispatcher("product.product", "search", [["default_code", "=", "FLT-20251"]])
    start = datetime.now(timezone.utc) + timedelta(hours=1)
    order = dispatcher("field.work.order", "create", {
        "partner_id": partner, "user_id": tech, "unit_number": "12C", "priority": "2",
        "description": "Tenant reports no heating in the living room; radiator stays cold.",
        "safety_requirements": "Gas appliance: check for leaks before and after the repair.",
        "access_instructions": "Concierge has the key; parking in bay 4.",
        "site_contact_name": "Sam (concierge)", "site_contact_phone": "+1 555 0143",
        "scheduled_start": start.strftime(WIRE),
        "material_ids": [(0, 0, {"product_id": product[0], "product_uom_qty": 1})] if product else [],
        "checklist_ids": [(0, 0, {"name": "Check the gas pressure", "required": True}),
                          (0, 0, {"name": "Bleed the radiators"})],
    })
    dispatcher("field.work.order", "action_schedule", [order])
    name = dispatcher("field.work.order", "read", [order], ["name"])[0]["name"]
    return dispatcher, order, name


def shot(page, name, full=False):
    page.wait_for_timeout(600)
    page.screenshot(path=str(OUT / f"app-{name}.png"), full_page=full)
    print(f"docs/images/app-{name}.png")


def main():
    base = sys.argv[1] if len(sys.argv) > 1 else "http://localhost:8069"
    db = sys.argv[2] if len(sys.argv) > 2 else "fwo_demo"
    OUT.mkdir(parents=True, exist_ok=True)
    dispatcher, order, name = make_job(base, db)
    with sync_playwright() as p:
        browser = launch(p)
        context = browser.new_context(viewport=PHONE, is_mobile=True, has_touch=True)
        page = context.new_page()
        page.goto(f"{base}/web/login")
        page.fill("input[name=login]", "tech1")
        page.fill("input[name=password]", "tech1")
        page.click("button[type=submit]")
        page.wait_for_url("**/field-service")
        page.wait_for_selector(f".o_fwo_job_card:has-text('{name}')")
        page.wait_for_function("navigator.serviceWorker.controller !== null")
        shot(page, "my-jobs")
        page.click(f".o_fwo_job_card:has-text('{name}')")
        page.wait_for_selector(".o_fwo_job")
        shot(page, "job")
        shot(page, "job-full", full=True)
        page.click(".o_fwo_next_step")
        page.wait_for_selector(".o_fwo_hold")
        page.wait_for_selector(".o_fwo_pending.text-bg-light")
        shot(page, "job-started")
        page.click(".o_fwo_add_material")
        page.fill(".o_fwo_product_search", "filter")
        shot(page, "material-search")
        page.click(".o_fwo_product >> nth=0")
        page.click(".o_fwo_plus")
        shot(page, "material-quantity")
        page.click(".o_fwo_material_add")
        page.click(".o_fwo_sign")
        page.wait_for_selector(".modal canvas")
        page.fill(".modal input.o_web_sign_name_input", "Sam Concierge")
        box = page.locator(".modal canvas").bounding_box()
        page.mouse.move(box["x"] + 30, box["y"] + 60)
        page.mouse.down()
        for i in range(12):
            page.mouse.move(box["x"] + 30 + i * 22, box["y"] + 60 + (-25 if i % 2 else 25), steps=3)
        page.mouse.up()
        shot(page, "signature")
        page.click(".o_fwo_signature_confirm")

        # No signal: the status bar says so, actions queue up.
        context.set_offline(True)
        page.fill(".o_fwo_note_input", "Replaced the radiator valve; no gas leak.")
        page.click(".o_fwo_add_note")
        page.click(".o_fwo_check:has-text('Check the gas pressure') input")
        page.click(".o_fwo_sync_button")
        page.wait_for_selector(".o_fwo_offline")
        page.evaluate("window.scrollTo(0, 0)")
        shot(page, "offline-pending")
        page.reload()
        page.wait_for_selector(".o_fwo_job")
        shot(page, "offline-reloaded")

        # A conflict: the office changes the unit while the technician, offline, edits it too.
        page.click(".o_fwo_site_edit")
        page.fill(".o_fwo_site_unit_number", "12D")
        page.click(".o_fwo_site_save")
        dispatcher("field.work.order", "write", [order], {"unit_number": "12B"})
        context.set_offline(False)
        page.click(".o_fwo_sync_button")
        page.wait_for_selector(".o_fwo_refused")
        page.wait_for_selector(".o_fwo_theirs:has-text('12B')")
        page.evaluate("window.scrollTo(0, 0)")
        shot(page, "conflict")
        page.click(".o_fwo_discard")

        # A refused photo: a file that is not a picture.
        page.set_input_files(".o_fwo_photo_input", files=[{
            "name": "photo.jpg", "mimeType": "image/jpeg", "buffer": b"not a picture",
        }])
        page.wait_for_selector(".o_fwo_thumb_refused")
        page.locator(".o_fwo_photos").scroll_into_view_if_needed()
        shot(page, "photo-refused")
        page.click(".o_fwo_thumb_refused .o_fwo_discard")

        # The session ended (here: logged out in another tab): the queue stays, the app asks to log in.
        other = context.new_page()
        other.goto(f"{base}/web/session/logout")
        other.close()
        page.fill(".o_fwo_note_input", "Left the invoice with the concierge.")
        page.click(".o_fwo_add_note")
        page.wait_for_selector(".o_fwo_login")
        page.evaluate("window.scrollTo(0, 0)")
        shot(page, "session-expired")
        page.click(".o_fwo_login a")
        page.fill("input[name=login]", "tech1")
        page.fill("input[name=password]", "tech1")
        page.click("button[type=submit]")
        page.wait_for_url("**/field-service")
        page.wait_for_selector(".o_fwo_pending.text-bg-light")
        page.click(f".o_fwo_job_card:has-text('{name}')")
        page.click(".o_fwo_next_step")
        page.wait_for_selector(".o_fwo_complete_confirm")
        shot(page, "complete")
        page.click(".o_fwo_complete_confirm")
        page.wait_for_selector(".o_fwo_completed")
        page.click(".o_fwo_back")
        page.wait_for_selector(".o_fwo_section_done")
        shot(page, "my-jobs-done")

        browser.close()


if __name__ == "__main__":
    main()
