from odoo.tests import HttpCase, tagged

HOOT_SUITE = "@field_work_order"


def hoot_job_id(name):
    """Hoot's id for a suite or test name (the hash its URL filter expects)."""
    value = 0
    for char in name:
        value = ((value << 5) - value + ord(char)) & 0xFFFFFFFF
    return f"{value:08x}"


@tagged("post_install", "-at_install")
class TestWorkOrderJs(HttpCase):
    def test_hoot_live_reload(self):
        """Hoot unit tests of the kanban/list live-reload patch, in Chromium."""
        with self.assertLogs(__name__, "INFO") as logs:
            self.browser_js(
                f"/web/tests?headless&loglevel=2&preset=desktop&timeout=15000&id={hoot_job_id(HOOT_SUITE)}",
                "", "", login="admin", timeout=600,
                success_signal="[HOOT] Test suite succeeded",
                error_checker=lambda message: "[HOOT]" not in message,
            )
        # An empty selection also "succeeds": make sure our tests ran.
        self.assertTrue(any("[HOOT] Passed 3 tests" in line for line in logs.output), logs.output[-3:])
