from odoo.tests import HttpCase, tagged

from odoo.addons.field_work_order.tests.test_js import run_hoot

HOOT_SUITE = "@field_work_order_mobile"
# operation_queue.test.js (17) + job_screen.test.js (9) + route_screen.test.js (3) + quote.test.js (5)
# + equipment.test.js (5):
# update when tests are added.
HOOT_TESTS = 39


@tagged("post_install", "-at_install")
class TestMobileJs(HttpCase):
    def test_hoot_technician_app(self):
        """Hoot unit tests of the technician app (queue, store, job screen) on Chromium's IndexedDB."""
        run_hoot(self, HOOT_SUITE, HOOT_TESTS)
