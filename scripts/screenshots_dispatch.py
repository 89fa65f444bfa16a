"""Take the dispatch board's screenshots (docs/user-guide.md) and the app's route (docs/mobile.md).

Usage: .venv/bin/python scripts/screenshots_dispatch.py [BASE_URL [DB]]
(default http://localhost:8069 and the run command's database, fwo_demo, with its demo
week). As the demo dispatcher it shows the Monday of the demo week by day and by week,
drops the most urgent queued order on Karim during his training (refused: nothing is
written), opens the suggestions of a queued order and Tom's route, then the same board
on a tablet. For the app's *Today's route* it plans three jobs on Tom today (once; on
a weekend the demo week has none), then writes docs/images/dispatch_*.png and app_route.png.
"""

import sys
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from _odoo_server import ROOT, Rpc, launch, login
from playwright.sync_api import sync_playwright

OUT = ROOT / "docs" / "images"
DESKTOP = {"width": 1366, "height": 800}
TABLET = {"width": 1024, "height": 768}
PHONE = {"width": 360, "height": 740}
BOARD = "/odoo/action-field_work_order.field_work_order_dispatch_action?date=%s"
ZONE = "Europe/Brussels"  # the browser's: a user's first login takes it as theirs
NOTE = "Yearly boiler check."
ROW = ".o_fwo_dispatch_row:has(.o_fwo_dispatch_name:has-text('%s'))"


def demo_monday():
    """The demo week's Monday: the working week of today, or the coming one on a weekend."""
    day = date.today() - timedelta(days=4)
    return day + timedelta(days=-day.weekday() % 7)


def plan_today(base, db):
    """Three of today's stops for Tom at the demo's located addresses (Brussels time)."""
    call = Rpc(base, db, "dispatcher")
    tom = call("res.users", "search", [["login", "=", "tech1"]])[0]
    if call("field.work.order", "search_count", [["user_id", "=", tom], ["description", "=", NOTE]]):
        return  # planned by an earlier run
    zone, today = ZoneInfo(ZONE), date.today()
    for customer, hour in (("Hôtel du Sablon", 9), ("Crèche Les Lutins", 11),
                           ("Garage Wayez", 14)):
        partner = call("res.partner", "search", [["name", "=", customer]], limit=1)[0]
        order = call("field.work.order", "create", {"partner_id": partner,
                                                    "description": NOTE})
        start = datetime(today.year, today.month, today.day, hour, tzinfo=zone)
        call("field.work.order", "action_plan", [order], tom,
             *(t.astimezone(ZoneInfo("UTC")).strftime("%Y-%m-%d %H:%M:%S")
               for t in (start, start + timedelta(hours=1, minutes=30))))


def shot(page, name):
    page.wait_for_timeout(800)
    page.screenshot(path=str(OUT / f"{name}.png"))
    print(f"docs/images/{name}.png")


def drag(page, source, target):
    """Press on ``source``, move in steps (pointer events) and release over ``target``."""
    page.locator(target).scroll_into_view_if_needed()
    box = page.locator(source).first.bounding_box()
    page.mouse.move(box["x"] + 20, box["y"] + 10)
    page.mouse.down()
    cell = page.locator(target).bounding_box()
    page.mouse.move(cell["x"] + 4, cell["y"] + 10, steps=15)
    page.mouse.up()


def open_board(page, base, day):
    page.goto(base + BOARD % day.isoformat())
    page.wait_for_selector(".o_fwo_dispatch .o_fwo_dispatch_block")
    page.wait_for_selector(".o_fwo_dispatch_queue_item")


def main():
    base = sys.argv[1] if len(sys.argv) > 1 else "http://localhost:8069"
    db = sys.argv[2] if len(sys.argv) > 2 else "fwo_demo"
    OUT.mkdir(parents=True, exist_ok=True)
    monday = demo_monday()
    plan_today(base, db)
    with sync_playwright() as p:
        browser = launch(p)
        page = browser.new_page(viewport=DESKTOP, timezone_id=ZONE)
        login(page, base, "dispatcher", "dispatcher")
        open_board(page, base, monday)
        shot(page, "dispatch_day")
        page.click(".o_fwo_dispatch_week")
        page.wait_for_selector(".o_fwo_dispatch[data-mode=week] .o_fwo_dispatch_block")
        shot(page, "dispatch_week")

        wednesday = monday + timedelta(days=2)
        open_board(page, base, wednesday)
        drag(page, ".o_fwo_dispatch_queue_item:has-text('Garage Wayez'):has-text('Electrical')",
             f"{ROW % 'Karim Haddad'} .o_fwo_dispatch_cell[data-time='10:00']")
        page.wait_for_selector(".o_fwo_dispatch_error")
        shot(page, "dispatch_refused")

        open_board(page, base, monday)
        page.click(".o_fwo_dispatch_queue_item:has-text('Brugmann') .o_fwo_dispatch_suggest")
        page.wait_for_selector(".o_fwo_dispatch_slot")
        shot(page, "dispatch_suggest")
        page.click(".o_fwo_dispatch_panel .btn-close")
        page.click(f"{ROW % 'Tom Technician'} .o_fwo_dispatch_route")
        page.wait_for_selector(".o_fwo_dispatch_route_panel .o_fwo_dispatch_stop")
        shot(page, "dispatch_route")

        page.set_viewport_size(TABLET)
        open_board(page, base, monday)
        shot(page, "dispatch_tablet")

        phone = browser.new_context(viewport=PHONE, is_mobile=True, has_touch=True,
                                    timezone_id=ZONE).new_page()
        login(phone, base, "tech1", "tech1", landing="**/field-service")
        phone.click(".o_fwo_route_button")
        phone.wait_for_selector(".o_fwo_route .o_fwo_route_stop")
        shot(phone, "app_route")
        browser.close()


if __name__ == "__main__":
    main()
