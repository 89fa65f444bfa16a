"""The core's whole access matrix: its cells, every action of the order in it, and
docs/security.md prints it.

The rows are in the ``test_access_matrix_*.py`` files next to this one, by concern (with a
mixin building what the concern adds); ``TestAccessMatrix`` runs each concern's rows as one
test, all on one set of users, orders and agreements built once (what a concern adds is built
in its test and rolled back with it).
``field_work_order_mobile`` adds the sync API's rows (and checks the whole table).
"""

from odoo.tests import BaseCase, TransactionCase, tagged

from . import (
    test_access_matrix_actions,
    test_access_matrix_agreements,
    test_access_matrix_dispatch,
    test_access_matrix_downloads,
    test_access_matrix_equipment,
    test_access_matrix_lines,
    test_access_matrix_orders,
    test_access_matrix_payments,
    test_access_matrix_quotes,
)
from .access_matrix import AccessMatrixCase, Call, printed_matrix, tested_matrix
from .portal_common import real_pdf

ROWS = [
    *test_access_matrix_orders.ROWS,
    *test_access_matrix_agreements.ROWS,
    *test_access_matrix_actions.ROWS,
    *test_access_matrix_lines.ROWS,
    *test_access_matrix_downloads.ROWS,
    *test_access_matrix_dispatch.ROWS,
    *test_access_matrix_quotes.ROWS,
    *test_access_matrix_payments.ROWS,
    *test_access_matrix_equipment.ROWS,
]


@tagged("post_install", "-at_install")
class TestAccessMatrix(
    test_access_matrix_quotes.QuoteRows,
    test_access_matrix_payments.PaymentRows,
    test_access_matrix_equipment.EquipmentRows,
    AccessMatrixCase,
):
    """Each concern's rows as each role (see access_matrix.py), one test per concern."""

    def test_orders(self):
        self.check_matrix(test_access_matrix_orders.ROWS)

    def test_agreements(self):
        self.check_matrix(test_access_matrix_agreements.ROWS)

    def test_actions(self):
        self.check_matrix(test_access_matrix_actions.ROWS)

    def test_lines(self):
        self.check_matrix(test_access_matrix_lines.ROWS)

    def test_downloads(self):
        self.check_matrix(test_access_matrix_downloads.ROWS)

    def test_dispatch(self):
        self.check_matrix(test_access_matrix_dispatch.ROWS)

    def test_quotes(self):
        self._build_quotes()
        with real_pdf(self.env):  # the portal's PDF is rendered as a real one
            self.check_matrix(test_access_matrix_quotes.ROWS)

    def test_payments(self):
        self._build_payments()
        self.check_matrix(test_access_matrix_payments.ROWS)

    def test_equipment(self):
        self._build_equipment()
        self.check_matrix(test_access_matrix_equipment.ROWS)


@tagged("post_install", "-at_install")
class TestAccessMatrixCoverage(TransactionCase):
    def test_every_action_is_in_the_matrix(self):
        model_class = type(self.env["field.work.order"])
        actions = {
            name for name in dir(model_class)
            if name.startswith("action_") and callable(getattr(model_class, name))
        }
        in_matrix = {
            spec.method for _label, spec, _expected in ROWS
            if isinstance(spec, Call) and spec.model == "field.work.order"
        }
        self.assertFalse(sorted(actions - in_matrix), "actions of field.work.order missing from ROWS")
        self.assertTrue({"action_start", "action_archive"} <= actions)  # the scan sees both kinds

    def test_every_equipment_action_is_in_the_matrix(self):
        model_class = type(self.env["field.work.order.equipment"])
        actions = {
            name for name in dir(model_class)
            if name.startswith("action_") and callable(getattr(model_class, name))
        }
        in_matrix = {
            spec.method for _label, spec, _expected in ROWS
            if isinstance(spec, Call) and spec.model == "field.work.order.equipment"
        }
        self.assertFalse(sorted(actions - in_matrix), "actions of the equipment missing from ROWS")
        self.assertTrue({"action_view_orders", "action_share"} <= actions)


@tagged("post_install", "-at_install")
class TestAccessMatrixDoc(BaseCase):
    """docs/security.md prints the core's rows as they are tested (the mobile addon checks the rest)."""

    def test_security_doc_prints_the_matrix(self):
        printed, tested = printed_matrix(), tested_matrix(ROWS)
        self.assertEqual({label: printed.get(label) for label in tested}, tested)
