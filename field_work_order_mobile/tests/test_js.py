import re

from odoo.tests import HttpCase, tagged

from odoo.addons.field_work_order.tests.test_js import hoot_job_id

HOOT_SUITE = "@field_work_order_mobile"
# operation_queue.test.js (16) + job_screen.test.js (6): update when tests are added.
HOOT_TESTS = 22


@tagged("post_install", "-at_install")
class TestMobileJs(HttpCase):
    def test_hoot_technician_app(self):
        """Hoot unit tests of the technician app (queue, store, job screen) on Chromium's IndexedDB."""
        with self.assertLogs(__name__, "INFO") as logs:
            self.browser_js(
                f"/web/tests?headless&loglevel=2&preset=desktop&timeout=15000&id={hoot_job_id(HOOT_SUITE)}",
                "", "", login="admin", timeout=600,
                success_signal="[HOOT] Test suite succeeded",
                error_checker=lambda message: "[HOOT]" not in message,
            )
        # An empty or partial selection also "succeeds": make sure every test ran and passed.
        passed = re.compile(rf"\[HOOT\] Passed {HOOT_TESTS} tests\b")
        self.assertTrue(any(passed.search(line) for line in logs.output), logs.output[-3:])
