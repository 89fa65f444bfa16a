"""Fixtures for end-to-end tests against a live Odoo server.

`scripts/test` passes the database it installed our addons in as
FWO_TEST_DB; the ``odoo`` fixture starts Odoo on a free port on it, waits
until it answers, and stops it at the end of the session.
"""

import pytest
from playwright.sync_api import expect, sync_playwright

from ._browser import launch
from ._hostile import ctx  # noqa: F401 - the fixture of test_hostile_*.py, taken by name
from ._odoo import db_from_env, serving


@pytest.fixture(scope="session")
def odoo():
    with serving(db_from_env()) as server:
        yield server


@pytest.fixture(scope="session")
def app_server():
    """The Technician App's own Odoo on the test database, which test_mobile_app*.py stop and
    start (``odoo`` stays up for the other tests); started once for all of them."""
    with serving(db_from_env()) as server:
        yield server


@pytest.fixture(scope="session")
def phone_browser():
    """The Chromium of test_mobile_app*.py's phone contexts, launched once for all of them."""
    expect.set_options(timeout=15000)  # two busy cores: the default 5 s is short for a redraw
    with sync_playwright() as playwright:
        browser = launch(playwright)
        try:
            yield browser
        finally:
            browser.close()
            expect.set_options(timeout=5000)
