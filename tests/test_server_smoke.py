"""The live server serves our addons over XML-RPC and the web client."""

from urllib.request import urlopen


def test_web_login_page(odoo):
    with urlopen(f"{odoo.url}/web/login", timeout=10) as resp:
        assert resp.status == 200


def test_addons_installed(odoo):
    uid = odoo.login("admin", "admin")
    assert isinstance(uid, int) and uid > 0
    models = odoo.xmlrpc("object")
    installed = models.execute_kw(
        odoo.db, uid, "admin", "ir.module.module", "search_read",
        [[["name", "in", ["field_work_order", "field_work_order_mobile"]]]],
        {"fields": ["name", "state"]},
    )
    assert sorted((m["name"], m["state"]) for m in installed) == [
        ("field_work_order", "installed"), ("field_work_order_mobile", "installed"),
    ]
