"""Two dispatchers on the dispatch board: one's drop shows on the other's board within 2 s.

Odoo refuses websockets in its own test mode, so this runs against the live server:
real bus, real websocket, two real Chromium sessions, a real drag with the mouse.
"""

import time
import uuid

from playwright.sync_api import expect, sync_playwright

from ._browser import launch, login
from ._rpc import Rpc

DAY = "2030-03-05"  # a Tuesday: inside the company's standard working week


def open_board(browser, odoo, user_login):
    page = browser.new_context(viewport={"width": 1366, "height": 800}, timezone_id="UTC").new_page()
    login(page, odoo.url, user_login, user_login)
    page.goto(f"{odoo.url}/odoo/action-field_work_order.field_work_order_dispatch_action?date={DAY}")
    expect(page.locator(".o_fwo_dispatch")).to_be_visible(timeout=20000)
    return page


def test_a_drop_shows_on_another_dispatchers_board_within_two_seconds(odoo):
    admin = Rpc(odoo)
    tag = uuid.uuid4().hex[:6]
    tech_id, _tech = admin.create_user("technician", name=f"Live Tech {tag}")
    admin("res.users", "write", [tech_id], {"tz": "UTC"})
    first_id, first = admin.create_user("dispatcher")
    second_id, second = admin.create_user("dispatcher")
    admin("res.users", "write", [first_id, second_id], {"tz": "UTC"})
    customer = f"Live Board Customer {tag}"
    partner_id = admin("res.partner", "create", {"name": customer})
    order_id = admin("field.work.order", "create", {"partner_id": partner_id, "priority": "1"})

    with sync_playwright() as p:
        browser = launch(p)
        watcher = open_board(browser, odoo, second)
        row = f".o_fwo_dispatch_row[data-user-id='{tech_id}']"
        expect(watcher.locator(row)).to_have_count(1, timeout=20000)
        expect(watcher.locator(f"{row} .o_fwo_dispatch_block")).to_have_count(0)
        watcher.wait_for_timeout(1500)  # let its websocket subscribe
        navigations = watcher.evaluate("performance.getEntriesByType('navigation').length")

        planner = open_board(browser, odoo, first)
        item = planner.locator(f".o_fwo_dispatch_queue_item[data-order-id='{order_id}']")
        cell = planner.locator(f"{row} .o_fwo_dispatch_cell[data-time='10:00']")
        item.scroll_into_view_if_needed()
        item.drag_to(cell, target_position={"x": 3, "y": 10})
        dropped = time.monotonic()
        block = f"{row} .o_fwo_dispatch_block[data-order-id='{order_id}']"
        expect(planner.locator(block)).to_have_count(1, timeout=10000)

        expect(watcher.locator(block)).to_have_count(1, timeout=2000)
        seen = time.monotonic() - dropped
        assert seen < 2.0, f"the other board showed the drop after {seen:.2f} s"
        assert watcher.evaluate("performance.getEntriesByType('navigation').length") == navigations
        browser.close()

    order = admin("field.work.order", "read", [order_id],
                  fields=["user_id", "scheduled_start", "scheduled_end", "state"])[0]
    assert order["user_id"][0] == tech_id
    assert (order["scheduled_start"], order["scheduled_end"]) == (f"{DAY} 10:00:00", f"{DAY} 11:00:00")
    assert order["state"] == "scheduled"
