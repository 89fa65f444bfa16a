"""Take the screenshots of docs/subcontractors.md from a running server with the demo data.

Usage: .venv/bin/python scripts/screenshots_subcontract.py [BASE_URL [DB]]
(default http://localhost:8069 and the run command's database fwo_demo). Uses the demo
logins dispatcher and vendor (password = login) and the demo order assigned to Northside
Electrical Ltd; changes nothing. Writes docs/images/subcontract-form.png (the dispatcher's
form, desktop), subcontract-portal.png (the vendor's page, desktop) and
subcontract-portal-phone.png (the same page 360 px wide).
"""

import sys

from _odoo_server import ROOT, Rpc, launch, login
from playwright.sync_api import sync_playwright

OUT = ROOT / "docs" / "images"
DESKTOP = {"width": 1366, "height": 900}
PHONE = {"width": 360, "height": 740}
VENDOR = "Northside Electrical Ltd"


def order_id(base, db):
    found = Rpc(base, db, "dispatcher", allow_none=True)(
        "field.work.order", "search", [["subcontractor_id.name", "=", VENDOR]], limit=1)
    if not found:
        raise SystemExit(f"no order assigned to {VENDOR}: is {db} a demo database?")
    return found[0]


def main():
    base = sys.argv[1] if len(sys.argv) > 1 else "http://localhost:8069"
    db = sys.argv[2] if len(sys.argv) > 2 else "fwo_demo"
    record = order_id(base, db)
    OUT.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as p:
        browser = launch(p)

        page = browser.new_page(viewport=DESKTOP)
        login(page, base, "dispatcher", "dispatcher")
        page.goto(f"{base}/odoo/action-field_work_order.field_work_order_action/{record}")
        page.click(".o_notebook a[name=subcontract]")
        page.wait_for_selector(".o_field_widget[name=subcontract_price]", timeout=30000)
        page.wait_for_timeout(1000)
        page.screenshot(path=str(OUT / "subcontract-form.png"))
        print("docs/images/subcontract-form.png")
        page.close()

        for name, viewport in (("subcontract-portal", DESKTOP), ("subcontract-portal-phone", PHONE)):
            page = browser.new_page(viewport=viewport)
            login(page, base, "vendor", "vendor", landing="**/my**")
            page.goto(f"{base}/my/work-orders/{record}")
            page.wait_for_selector(".fwo_portal_subcontract", timeout=30000)
            page.wait_for_timeout(500)
            page.screenshot(path=str(OUT / f"{name}.png"), full_page=True)
            print(f"docs/images/{name}.png")
            page.close()
        browser.close()


if __name__ == "__main__":
    main()
