"""The odoorpc example of docs/integrator-api.md runs as written against a live Odoo."""

import os
import re
import subprocess
import sys
from pathlib import Path
from urllib.parse import urlparse

from ._rpc import Rpc

DOC = Path(__file__).resolve().parent.parent / "docs" / "integrator-api.md"


def test_odoorpc_example(odoo, tmp_path):
    code = re.search(r"```python\n(.*?)```", DOC.read_text(), re.S).group(1)
    script = tmp_path / "example.py"
    script.write_text(code)

    admin = Rpc(odoo)
    _dispatcher_id, dispatcher = admin.create_user("dispatcher")
    tech_id, tech = admin.create_user("technician")
    url = urlparse(odoo.url)
    env = {
        **os.environ, "FWO_HOST": url.hostname, "FWO_PORT": str(url.port), "FWO_DB": odoo.db,
        "FWO_DISPATCHER": dispatcher, "FWO_DISPATCHER_PASSWORD": dispatcher,
        "FWO_TECHNICIAN": tech, "FWO_TECHNICIAN_PASSWORD": tech, "FWO_TECHNICIAN_UID": str(tech_id),
    }
    result = subprocess.run([sys.executable, str(script)], env=env, capture_output=True, text=True,
                            timeout=120)
    assert result.returncode == 0, result.stderr
    name, state = result.stdout.split()
    assert re.fullmatch(r"WO/\d{4}/\d{5}", name)
    assert state == "verified"

    order = admin("field.work.order", "search_read", [["name", "=", name]],
                  fields=["unit_number", "technician_ids", "labor_ids", "message_ids", "date_completed"])[0]
    assert order["unit_number"] == "12A"
    assert order["technician_ids"] == [tech_id]
    assert len(order["labor_ids"]) == 1
    bodies = admin("mail.message", "read", order["message_ids"], fields=["body"])
    assert sum("bled and refilled" in m["body"] for m in bodies) == 1
