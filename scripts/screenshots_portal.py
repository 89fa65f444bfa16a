"""Take the customer portal screenshots of docs/portal.md from a running demo server.

Usage: .venv/bin/python scripts/screenshots_portal.py [BASE_URL [DB]]
(default http://localhost:8069 and the run command's database, fwo_demo)
The demo data's portal customer (login and password "customer", the bakery's
owner) is shown; writes docs/images/portal-*.png. The quote screenshots first
make and send a quote on the bakery's scheduled HVAC order (as admin, over
XML-RPC): run it on a demo database made for screenshots.
"""

import sys

from _odoo_server import Rpc, launch, login
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


def sent_quote(base, db):
    """A sent quote with two options on the bakery's HVAC order: the order's id."""
    admin = Rpc(base, db, "admin")
    order = admin.ref("field_work_order.order_hvac")
    capacitor = admin.ref("field_work_order.product_capacitor")
    hour = admin.ref("field_work_order.product_product_labor")
    fan = admin("product.product", "create", {
        "name": "Condenser Fan Motor 1/3 HP", "type": "consu", "list_price": 189.0})

    def option(name, sequence, lines):
        return (0, 0, {"name": name, "sequence": sequence, "line_ids": [
            (0, 0, {"product_id": product, "quantity": quantity}) for product, quantity in lines]})

    quote = admin("field.work.order.quote", "create", {
        "work_order_id": order,
        "note": "The condenser fan motor of rooftop unit 1 overheats: its bearings are worn.",
        "option_ids": [
            option("Repair the motor", 1, [(capacitor, 1), (hour, 1.5)]),
            option("Replace the motor", 2, [(fan, 1), (capacitor, 1), (hour, 2)]),
        ],
    })
    admin("field.work.order.quote", "action_send", [quote])
    return order


def main():
    base = sys.argv[1] if len(sys.argv) > 1 else "http://localhost:8069"
    db = sys.argv[2] if len(sys.argv) > 2 else "fwo_demo"
    done = order_id(base, db, "field_work_order.order_done")
    quoted = sent_quote(base, db)
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
        desk.goto(f"{base}/my/work-orders/{quoted}")
        desk.wait_for_selector(".fwo_portal_option_approve")
        desk.wait_for_timeout(1200)
        desk.locator("#fwo_quotes").screenshot(path=str(OUT / "portal-quote.png"))
        print("docs/images/portal-quote.png")

        phone_ctx = browser.new_context(viewport=PHONE, is_mobile=True, has_touch=True)
        phone = phone_ctx.new_page()
        login(phone, base, "customer", "customer", landing="**/my**")
        phone.goto(f"{base}/my/work-orders/request")
        phone.wait_for_selector("form.fwo_portal_request_form")
        fill_request(phone)
        phone.screenshot(path=str(OUT / "portal-phone-request.png"))
        print("docs/images/portal-phone-request.png")
        shot(phone, f"{base}/my/work-orders/{done}", "portal-phone-order", ".fwo_portal_steps")
        phone.goto(f"{base}/my/work-orders/{quoted}")
        phone.wait_for_selector(".fwo_portal_option_approve")
        phone.locator("#fwo_quotes").scroll_into_view_if_needed()
        phone.wait_for_timeout(1200)
        phone.screenshot(path=str(OUT / "portal-phone-quote.png"))
        print("docs/images/portal-phone-quote.png")
        phone.locator(".fwo_portal_option_approve").nth(1).click()
        phone.wait_for_selector(".modal.show .o_web_sign_name_input")
        phone.locator(".modal.show .o_web_sign_name_input").press_sequentially("Maria Greenleaf", delay=80)
        phone.wait_for_selector(".modal.show canvas.o_web_sign_signature")
        phone.wait_for_timeout(1200)
        phone.screenshot(path=str(OUT / "portal-phone-quote-sign.png"))
        print("docs/images/portal-phone-quote-sign.png")
        browser.close()


if __name__ == "__main__":
    main()
