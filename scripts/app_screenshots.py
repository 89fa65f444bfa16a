"""Take the technician app's documentation screenshots (docs/mobile.md) from a running demo server.

Usage: .venv/bin/python scripts/app_screenshots.py [BASE_URL [DB]]
(default http://localhost:8069 and the run command's database, fwo_demo)

It adds one job for the demo technician (tech1) as the demo dispatcher, then
takes phone-sized screenshots of every screen of the real app in Chromium,
including offline, pending, conflict and refused-photo states. Writes PNGs
into docs/images/app-*.png.

A second job (HVAC Repair, whose demo price book has two options) is quoted,
approved and signed on the phone, completed (the demo company invoices at
completion) and paid by cheque; then, on a desktop, the accountant's
Payments filtered "Collected on Site" and the job type's Price Book tab
(docs/images/payments-collected-on-site.png, job-type-price-book.png).
Run it on a demo database made for screenshots: it adds jobs, a quote,
an invoice and a payment.
"""

import sys
import time
from datetime import datetime, timedelta, timezone

from _odoo_server import ROOT, Rpc, launch, login
from playwright.sync_api import sync_playwright

OUT = ROOT / "docs" / "images"
PHONE = {"width": 360, "height": 640}
DESKTOP = {"width": 1366, "height": 800}
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


def make_quote_job(base, db):
    """An HVAC Repair job under way for tech1 at the bakery, its required checks ticked."""
    admin = Rpc(base, db, "admin")
    dispatcher = Rpc(base, db, "dispatcher")
    tech = Rpc(base, db, "tech1")
    order = dispatcher("field.work.order", "create", {
        "partner_id": admin.ref("field_work_order.partner_bakery"),
        "job_type_id": admin.ref("field_work_order.job_type_hvac_repair"),
        "user_id": tech.uid,
        "description": "The condenser fan of rooftop unit 1 is noisy and trips the breaker.",
        "scheduled_start": (datetime.now(timezone.utc) - timedelta(minutes=10)).strftime(WIRE),
    })
    dispatcher("field.work.order", "action_schedule", [order])
    tech("field.work.order", "action_start", [order])
    checks = tech("field.work.order.checklist.line", "search", [["work_order_id", "=", order]])
    tech("field.work.order.checklist.line", "write", checks, {"done": True})
    name = dispatcher("field.work.order", "read", [order], ["name"])[0]["name"]
    return order, name


def sign(page, name):
    """Type the signer's name and draw a signature on the dialog's pad."""
    page.wait_for_selector(".modal canvas.o_web_sign_signature")
    page.fill(".modal input.o_fwo_signer_name", name)
    box = page.locator(".modal canvas.o_web_sign_signature").bounding_box()
    page.mouse.move(box["x"] + 30, box["y"] + 60)
    page.mouse.down()
    for i in range(12):
        page.mouse.move(box["x"] + 30 + i * 22, box["y"] + 60 + (-25 if i % 2 else 25), steps=3)
    page.mouse.up()


def quote_and_pay(browser, base, db):
    """Quote two price-book options, the customer approves and signs, complete, collect a cheque."""
    order, name = make_quote_job(base, db)
    context = browser.new_context(viewport=PHONE, is_mobile=True, has_touch=True)
    page = context.new_page()
    login(page, base, "tech1", "tech1", landing="**/field-service")
    page.click(f".o_fwo_job_card:has-text('{name}')")
    page.click(".o_fwo_quote_extra")
    page.click(".o_fwo_book_option:has-text('Repair the motor')")
    page.click(".o_fwo_book_option:has-text('Replace the motor')")
    page.wait_for_selector(".o_fwo_quote_option >> nth=1 >> .o_fwo_option_total")
    page.fill(".o_fwo_quote_note", "The fan motor's bearings are worn: it overheats.")
    page.evaluate("window.scrollTo(0, 0)")
    shot(page, "quote", full=True)
    page.click(".o_fwo_quote_approve")
    page.click(".o_fwo_quote_option >> nth=1 >> .o_fwo_option_pick")
    sign(page, "Maria Greenleaf")
    shot(page, "quote-sign")
    page.click(".o_fwo_signature_confirm")
    page.wait_for_selector(".o_fwo_quote_approved:has-text('Replace the motor')")
    page.wait_for_selector(
        ".o_fwo_quote:not(:has(.badge.text-bg-warning)) .o_fwo_quote_state:has-text('Approved')")
    page.wait_for_selector(".o_fwo_pending.text-bg-light")
    scroll_to(page, ".o_fwo_quotes")
    shot(page, "quote-approved")
    for part in ("Condenser Fan Motor", "Run Capacitor"):  # the approved option's parts, fitted
        page.click(f".o_fwo_material_line:has-text('{part}') .o_fwo_part_used")
        page.wait_for_selector(f".o_fwo_material_line:has-text('{part}'):not(:has(.o_fwo_part_used))")
    page.wait_for_selector(".o_fwo_pending.text-bg-light")
    page.click(".o_fwo_next_step.o_fwo_step_complete")
    page.click(".o_fwo_complete_confirm")
    page.wait_for_selector(".o_fwo_completion .o_fwo_invoice_name", timeout=60000)
    qr = page.wait_for_selector(".o_fwo_completion .o_fwo_payment_qr")
    page.wait_for_function("img => img.complete && img.naturalWidth > 0", arg=qr)
    scroll_to(page, ".o_fwo_completion")
    shot(page, "completion-qr")
    page.click(".o_fwo_collect")
    page.click(".modal .o_fwo_method_cheque")
    page.fill(".modal .o_fwo_collect_reference", "Cheque 004512")
    shot(page, "collect")
    page.click(".o_fwo_collect_confirm")
    page.wait_for_selector(".o_fwo_collected")
    page.wait_for_selector(".o_fwo_pending.text-bg-light")
    context.close()
    return order


def office_shots(browser, base, db, order):
    """The accountant's on-site payments and the job type's price book, on a desktop."""
    admin = Rpc(base, db, "admin")
    for _ in range(60):  # the app sends the payment in the background
        if admin("account.payment", "search_count", [["fwo_order_id", "=", order]]):
            break
        time.sleep(1)
    else:
        raise RuntimeError("The payment collected on site never reached Odoo.")
    page = browser.new_page(viewport=DESKTOP)
    login(page, base, "accountant", "accountant")
    page.goto(f"{base}/odoo/action-account.action_account_payments")
    page.wait_for_selector(".o_list_view .o_data_row")
    page.click(".o_searchview_facet .o_facet_remove")  # the default Customer Payments
    page.click(".o_searchview_dropdown_toggler")
    page.click(".o_filter_menu .o-dropdown-item:has-text('Collected on Site')")
    page.keyboard.press("Escape")
    page.wait_for_selector(".o_searchview_facet:has-text('Collected on Site'):not(:has-text('Customer'))")
    page.wait_for_timeout(600)
    save(page, "payments-collected-on-site")
    page.goto(f"{base}/web/session/logout")
    login(page, base, "admin", "admin")
    job_type = admin.ref("field_work_order.job_type_hvac_repair")
    page.goto(f"{base}/odoo/action-field_work_order.field_work_order_job_type_action/{job_type}")
    page.click(".o_notebook a[name='price_book']")
    page.wait_for_selector(".o_field_widget[name='option_ids'] .o_data_row")
    save(page, "job-type-price-book")
    page.close()


def scroll_to(page, selector):
    """Scroll the element to the top of the phone's screen, below the app's status bar."""
    page.locator(selector).evaluate("el => { el.scrollIntoView(); window.scrollBy(0, -64); }")


def save(page, name):
    page.wait_for_timeout(600)
    page.screenshot(path=str(OUT / f"{name}.png"))
    print(f"docs/images/{name}.png")


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
        sign(page, "Sam Concierge")
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

        order = quote_and_pay(browser, base, db)
        office_shots(browser, base, db, order)
        browser.close()


if __name__ == "__main__":
    main()
