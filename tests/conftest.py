"""Fixtures for end-to-end tests against a live Odoo server.

`scripts/test` passes the database it installed our addons in as
FWO_TEST_DB; the ``odoo`` fixture starts Odoo on a free port on it, waits
until it answers, and stops it at the end of the session.
"""

import os

import pytest

from ._odoo import OdooServer


@pytest.fixture(scope="session")
def odoo():
    db = os.environ.get("FWO_TEST_DB")
    if not db:
        pytest.fail("FWO_TEST_DB is not set: run the tests through scripts/test")
    server = OdooServer(db)
    server.start()
    try:
        yield server
    finally:
        server.stop()
