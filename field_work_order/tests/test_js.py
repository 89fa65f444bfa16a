import re

from odoo.tests import HttpCase, tagged

HOOT_SUITE = "@field_work_order"


def hoot_job_id(name):
    """Hoot's id for a suite or test name (the hash its URL filter expects)."""
    value = 0
    for char in name:
        value = ((value << 5) - value + ord(char)) & 0xFFFFFFFF
    return f"{value:08x}"


def run_hoot(case, suite, count):
    """Runs a Hoot suite in Chromium and checks that exactly ``count`` of its tests passed.

    An empty or partial selection also "succeeds": the count is what proves the tests ran.
    """
    with case.assertLogs(case.__module__, "INFO") as logs:
        case.browser_js(
            f"/web/tests?headless&loglevel=2&preset=desktop&timeout=15000&id={hoot_job_id(suite)}",
            "", "", login="admin", timeout=600,
            success_signal="[HOOT] Test suite succeeded",
            error_checker=lambda message: "[HOOT]" not in message,
        )
    passed = re.compile(rf"\[HOOT\] Passed {count} tests\b")
    case.assertTrue(any(passed.search(line) for line in logs.output), logs.output[-3:])


@tagged("post_install", "-at_install")
class TestWorkOrderJs(HttpCase):
    def test_hoot_units(self):
        """Hoot unit tests in Chromium: the kanban/list live reload (3), the dispatch
        board's time math (6)."""
        run_hoot(self, HOOT_SUITE, 9)
