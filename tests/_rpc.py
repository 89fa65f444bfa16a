"""Small XML-RPC helpers for end-to-end tests (admin creates test data)."""

import uuid

from scripts._odoo_server import Rpc as ServerRpc


class Rpc(ServerRpc):
    """``execute_kw`` on the test server ``odoo`` (a started OdooServer) as ``login``."""

    def __init__(self, odoo, login="admin", password="admin"):
        super().__init__(odoo.url, odoo.db, login, password)
        self.odoo = odoo

    def create_user(self, role, name=None):
        """A real user with the technician or dispatcher group; password = login."""
        login = f"{role}_{uuid.uuid4().hex[:8]}"
        groups = [self.ref("base.group_user"), self.ref(f"field_work_order.group_{role}")]
        uid = self("res.users", "create", {
            "name": name or login, "login": login, "password": login, "email": f"{login}@example.com",
            "groups_id": [(6, 0, groups)],
        })
        return uid, login
