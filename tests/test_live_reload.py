"""A dispatcher's open kanban shows a technician's state change without a reload.

Odoo refuses websockets in its own test mode, so this runs against the live
server: real bus, real websocket, real Chromium.
"""

import uuid

from playwright.sync_api import expect, sync_playwright

from ._browser import launch, login
from ._rpc import Rpc


def test_kanban_follows_technician_within_seconds(odoo):
    admin = Rpc(odoo)
    dispatcher_id, dispatcher_login = admin.create_user("dispatcher")
    tech_id, tech_login = admin.create_user("technician")
    customer = f"Live Reload Customer {uuid.uuid4().hex[:6]}"
    partner_id = admin("res.partner", "create", {"name": customer})
    order_id = admin("field.work.order", "create", {
        "partner_id": partner_id, "user_id": tech_id, "scheduled_start": "2030-03-01 08:00:00",
    })
    admin("field.work.order", "action_schedule", [order_id])
    name = admin("field.work.order", "read", [order_id], fields=["name"])[0]["name"]

    with sync_playwright() as p:
        browser = launch(p)
        page = browser.new_page(viewport={"width": 1280, "height": 800})
        login(page, odoo.url, dispatcher_login, dispatcher_login)
        page.goto(f"{odoo.url}/odoo/action-field_work_order.field_work_order_action")
        card = page.locator(".o_kanban_record", has_text=name)
        scheduled = page.locator(".o_kanban_group", has_text="Scheduled").filter(has=card)
        expect(scheduled).to_have_count(1, timeout=20000)
        page.wait_for_timeout(1500)  # let the websocket subscribe
        reloads = []
        page.on("request", lambda r: reloads.append(r.url) if "web_read_group" in r.url else None)

        technician = Rpc(odoo, tech_login, tech_login)
        assert technician("field.work.order", "action_start", [order_id]) is True

        in_progress = page.locator(".o_kanban_group", has_text="In Progress").filter(has=card)
        expect(in_progress).to_have_count(1, timeout=10000)
        assert page.evaluate("performance.getEntriesByType('navigation').length") == 1
        assert reloads, "the kanban re-read its groups through the ORM"
        browser.close()
