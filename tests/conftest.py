"""Fixtures for end-to-end tests against a live Odoo server.

`scripts/test` passes the database it installed our addons in as
FWO_TEST_DB; the ``odoo`` fixture starts Odoo on a free port on it, waits
until it answers, and stops it at the end of the session.
"""

import pytest

from ._hostile import ctx  # noqa: F401 - the fixture of test_hostile_*.py, taken by name
from ._odoo import db_from_env, serving


@pytest.fixture(scope="session")
def odoo():
    with serving(db_from_env()) as server:
        yield server
