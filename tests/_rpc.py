"""Small XML-RPC helpers for end-to-end tests (admin creates test data)."""

import uuid


class Rpc:
    def __init__(self, odoo, login="admin", password="admin"):
        self.odoo = odoo
        self.login_name = login
        self.password = password
        self.uid = odoo.login(login, password)
        if not self.uid:
            raise AssertionError(f"cannot log in as {login}")
        self.models = odoo.xmlrpc("object")

    def __call__(self, model, method, *args, **kwargs):
        return self.models.execute_kw(self.odoo.db, self.uid, self.password, model, method,
                                      list(args), kwargs)

    def ref(self, xmlid):
        module, name = xmlid.split(".")
        data = self("ir.model.data", "search_read", [["module", "=", module], ["name", "=", name]],
                    fields=["res_id"])
        return data[0]["res_id"]

    def create_user(self, role, name=None):
        """A real user with the technician or dispatcher group; password = login."""
        login = f"{role}_{uuid.uuid4().hex[:8]}"
        groups = [self.ref("base.group_user"), self.ref(f"field_work_order.group_{role}")]
        uid = self("res.users", "create", {
            "name": name or login, "login": login, "password": login, "email": f"{login}@example.com",
            "groups_id": [(6, 0, groups)],
        })
        return uid, login
