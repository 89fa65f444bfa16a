"""The live Odoo of the end-to-end tests: the server of scripts/_odoo_server.py on the test database."""

import os

import pytest

from scripts._odoo_server import OdooServer, db_params, free_port, serving

__all__ = ["OdooServer", "db_from_env", "db_params", "free_port", "serving"]


def db_from_env():
    """The database scripts/test installed our addons in."""
    db = os.environ.get("FWO_TEST_DB")
    if not db:
        pytest.fail("FWO_TEST_DB is not set: run the tests through scripts/test")
    return db
