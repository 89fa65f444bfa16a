"""Take the customer portal screenshots of docs/portal.md from a running demo server.

Usage: .venv/bin/python scripts/screenshots_portal.py [BASE_URL [DB]]
(default http://localhost:8069 and the run command's database, fwo_demo)
The demo data's portal customer (login and password "customer", the bakery's
owner) is shown; writes docs/images/portal-*.png.
"""

import sys

from _odoo_server import launch, login
from playwright.sync_api import sync_playwright
from screenshots import DESKTOP, OUT, PHONE, order_id


def shot(page, url, name, wait, full_page=False):
    page.goto(url)
    page.wait_for_selector(wait, timeout=30000)
    page.wait_for_timeout(1200)
    page.screenshot(path=str(OUT / f"{name}.png"), full_page=full_page)
    print(f"docs/images/{name}.png")


def fill_request(page):
    """A request typed in, not sent: what the customer sees before clicking Send."""
    page.select_option("select[name='service_partner_id']", index=1)
    page.fill("input[name='unit_number']", "Kitchen")
    page.fill("textarea[name='description']", "The walk-in fridge is warm since this morning.")
    page.fill("textarea[name='access_instructions']", "Back door, ring twice.")
    page.select_option("select[name='priority']", "2")


def main():
    base = sys.argv[1] if len(sys.argv) > 1 else "http://localhost:8069"
    db = sys.argv[2] if len(sys.argv) > 2 else "fwo_demo"
    done = order_id(base, db, "field_work_order.order_done")
    OUT.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as p:
        browser = launch(p)
        desk = browser.new_page(viewport=DESKTOP)
        login(desk, base, "customer", "customer", landing="**/my**")
        shot(desk, f"{base}/my", "portal-home", ".o_portal_index_card:not(.d-none) a[href='/my/work-orders']")
        shot(desk, f"{base}/my/work-orders", "portal-list", "tr.fwo_portal_order")
        desk.goto(f"{base}/my/work-orders/request")
        desk.wait_for_selector("form.fwo_portal_request_form")
        fill_request(desk)
        desk.screenshot(path=str(OUT / "portal-request.png"), full_page=True)
        print("docs/images/portal-request.png")
        shot(desk, f"{base}/my/work-orders/{done}", "portal-order", ".o-mail-Composer-input", full_page=True)

        phone_ctx = browser.new_context(viewport=PHONE, is_mobile=True, has_touch=True)
        phone = phone_ctx.new_page()
        login(phone, base, "customer", "customer", landing="**/my**")
        phone.goto(f"{base}/my/work-orders/request")
        phone.wait_for_selector("form.fwo_portal_request_form")
        fill_request(phone)
        phone.screenshot(path=str(OUT / "portal-phone-request.png"))
        print("docs/images/portal-phone-request.png")
        shot(phone, f"{base}/my/work-orders/{done}", "portal-phone-order", ".fwo_portal_steps")
        browser.close()


if __name__ == "__main__":
    main()
