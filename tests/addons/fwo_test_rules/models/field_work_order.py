"""A server whose state machine changes without a code change, for tests/test_sync_client_rules.py."""

from odoo import api, models

#: While this system parameter is set, "hold" may also run from "scheduled".
HOLD_FROM_SCHEDULED = "fwo_test_rules.hold_from_scheduled"


class FieldWorkOrder(models.Model):
    _inherit = "field.work.order"

    @api.model
    def _fwo_transitions(self):
        """The core table, with "hold" allowed from "scheduled" while the parameter is set."""
        transitions = super()._fwo_transitions()
        if not self.env["ir.config_parameter"].sudo().get_param(HOLD_FROM_SCHEDULED):
            return transitions
        hold = dict(transitions["hold"])
        hold["from"] = (*hold["from"], "scheduled")
        return {**transitions, "hold": hold}
