"""Take the maintenance agreement screenshot of docs/agreements.md from a running server.

Usage: .venv/bin/python scripts/screenshots_agreements.py [BASE_URL [DB [LOGIN]]]
(default http://localhost:8069, the run command's database fwo_demo, and the admin login
whose password is the login). Creates (once) a quarterly agreement with three sites,
activates it and creates its due visits, then writes docs/images/agreement-form.png.
"""

import sys
from datetime import date

from _odoo_server import ROOT, Rpc, launch, login
from playwright.sync_api import sync_playwright

OUT = ROOT / "docs" / "images"
DESKTOP = {"width": 1366, "height": 900}
NAME = "Quarterly filter change - Harbour Offices"


def agreement_id(base, db, user):
    call = Rpc(base, db, user, allow_none=True)
    found = call("field.work.order.agreement", "search", [["name", "=", NAME]])
    if found:
        return found[0]
    customer = call("res.partner", "create", {"name": "Harbour Offices", "is_company": True,
                                              "city": "Springfield"})
    sites = [call("res.partner", "create", {"name": name, "parent_id": customer, "type": "other",
                                            "street": street})
             for name, street in (("Main building", "1 Harbour Street"),
                                  ("Warehouse", "14 Dock Road"),
                                  ("Showroom", "3 Quay Lane"))]
    job_type = call("field.work.order.job.type", "create", {
        "name": "Filter change", "planned_hours": 1.5,
        "checklist_template_ids": [[0, 0, {"name": "Replace filters", "required": True}],
                                   [0, 0, {"name": "Check airflow"}]],
    })
    product = call("product.product", "create", {"name": "Maintenance visit", "type": "service",
                                                 "list_price": 120.0})
    today = date.today()
    agreement = call("field.work.order.agreement", "create", {
        "name": NAME, "partner_id": customer, "service_partner_ids": [[6, 0, sites]],
        "job_type_id": job_type, "interval_number": 3, "interval_type": "month",
        "date_start": today.replace(day=1).isoformat(), "visit_count": 8, "lead_days": 21,
        "visit_hour": 8.5, "price_type": "per_visit", "price": 95.0, "product_id": product,
        "description": "Replace the air handling units' filters; check the airflow and log "
                       "the readings.",
    })
    call("field.work.order.agreement", "action_activate", [agreement])
    call("field.work.order.agreement", "action_generate_orders", [agreement])
    return agreement


def main():
    base = sys.argv[1] if len(sys.argv) > 1 else "http://localhost:8069"
    db = sys.argv[2] if len(sys.argv) > 2 else "fwo_demo"
    user = sys.argv[3] if len(sys.argv) > 3 else "admin"
    record = agreement_id(base, db, user)
    OUT.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as p:
        browser = launch(p)
        page = browser.new_page(viewport=DESKTOP)
        login(page, base, user, user)
        page.goto(f"{base}/odoo/action-field_work_order.field_work_order_agreement_action/{record}")
        page.wait_for_selector(".o_form_view .o_field_widget[name=partner_id]", timeout=30000)
        page.wait_for_timeout(1500)
        page.screenshot(path=str(OUT / "agreement-form.png"))
        print("docs/images/agreement-form.png")
        browser.close()


if __name__ == "__main__":
    main()
