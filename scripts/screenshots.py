"""Take the documentation screenshots from a running demo server (scripts/run).

Usage: .venv/bin/python scripts/screenshots.py [BASE_URL [DB]]
(default http://localhost:8069 and the run command's database, fwo_demo)
Writes PNGs into docs/images/.
"""

import sys

from _odoo_server import ROOT, Rpc, launch, login
from playwright.sync_api import sync_playwright

OUT = ROOT / "docs" / "images"
PHONE = {"width": 360, "height": 740}
DESKTOP = {"width": 1366, "height": 800}


def order_id(base, db, ref):
    return Rpc(base, db, "admin").ref(ref)


def shot(page, url, name, wait=".o_action_manager .o_view_controller", click=None):
    page.goto(url)
    page.wait_for_selector(wait, timeout=30000)
    if click:
        page.click(click)
    page.wait_for_timeout(1200)
    page.screenshot(path=str(OUT / f"{name}.png"))
    print(f"docs/images/{name}.png")


def settings_block(page, base, name):
    """The Customers by Email block of the Field Service settings, with its title (docs/portal.md)."""
    page.goto(f"{base}/odoo/action-field_work_order.field_work_order_config_settings_action")
    page.wait_for_selector("#fwo_intake_alias", timeout=30000)
    page.wait_for_timeout(800)
    box = page.evaluate("""() => {
        const block = document.querySelector('#fwo_intake_alias').closest('.o_settings_container');
        const title = block.previousElementSibling;
        title.scrollIntoView();
        window.scrollBy(0, -8);
        const top = title.getBoundingClientRect(), bottom = block.getBoundingClientRect();
        return {x: bottom.left, y: top.top - 8, width: bottom.width, height: bottom.bottom - top.top + 16};
    }""")
    page.wait_for_timeout(400)
    page.screenshot(path=str(OUT / f"{name}.png"), clip=box)
    print(f"docs/images/{name}.png")


def main():
    base = sys.argv[1] if len(sys.argv) > 1 else "http://localhost:8069"
    db = sys.argv[2] if len(sys.argv) > 2 else "fwo_demo"
    hvac = order_id(base, db, "field_work_order.order_hvac")
    prop = order_id(base, db, "field_work_order.order_property")
    action = f"{base}/odoo/action-field_work_order.field_work_order_action"
    my_action = f"{base}/odoo/action-field_work_order.field_work_order_action_my"
    OUT.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as p:
        browser = launch(p)
        desk = browser.new_page(viewport=DESKTOP)
        login(desk, base, "dispatcher", "dispatcher")
        shot(desk, action, "dispatcher-kanban")
        shot(desk, f"{action}/{prop}", "dispatcher-form", wait=".o_form_view")
        shot(desk, f"{action}?view_type=calendar", "dispatcher-calendar", wait=".o_calendar_view")
        shot(desk, f"{action}?view_type=list", "dispatcher-list", wait=".o_list_view")

        admin = browser.new_page(viewport=DESKTOP)
        login(admin, base, "admin", "admin")
        settings_block(admin, base, "settings-customers-by-email")

        phone_ctx = browser.new_context(viewport=PHONE, is_mobile=True, has_touch=True)
        phone = phone_ctx.new_page()
        login(phone, base, "tech1", "tech1")
        shot(phone, my_action, "technician-phone-list")
        shot(phone, f"{my_action}/{hvac}", "technician-phone-form", wait=".o_form_view")
        shot(phone, f"{my_action}/{hvac}", "technician-phone-checklist", wait=".o_form_view",
             click=".o_notebook a[name='checklist'], .o_notebook .nav-link:has-text('Checklist')")
        browser.close()


if __name__ == "__main__":
    main()
