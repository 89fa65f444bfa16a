"""The rules the server publishes to its clients (``sync_reference()["rules"]``), over XML-RPC.

The state machine is declared once (``TRANSITIONS`` in the core model): the
actions, the sync API and the published rules all read it, so changing a
transition there changes what every door accepts, with no other code change.
"""

from unittest.mock import patch

from odoo.tests import HttpCase, tagged

from odoo.addons.field_work_order.models.field_work_order import TRANSITIONS

from .common import SyncCommon


@tagged("post_install", "-at_install")
class TestSyncRules(SyncCommon, HttpCase):
    def rules(self, user):
        result = self.xmlrpc_object.execute_kw(
            self.env.cr.dbname, user.id, user.login, "field.work.order", "sync_reference", [],
            {"limit": 1},
        )
        return result["rules"]

    def test_published_rules_are_the_table(self):
        rules = self.rules(self.tech)
        self.assertEqual(
            [(s["value"], s["label"], s["open"], s["closed"], s["working"]) for s in rules["states"]],
            [
                ("draft", "Draft", True, False, False),
                ("scheduled", "Scheduled", True, False, False),
                ("in_progress", "In Progress", True, False, True),
                ("on_hold", "On Hold", True, False, False),
                ("done", "Done", False, True, False),
                ("verified", "Verified", False, True, False),
                ("cancelled", "Cancelled", False, False, False),
            ],
        )
        self.assertEqual(len(rules["transitions"]), 12)
        self.assertEqual(rules["transitions"]["decline"]["by"], "subcontractor")
        self.assertEqual(rules["transitions"]["start"],
                         {"from": ["scheduled"], "to": "in_progress", "by": "worker", "sync": True})
        self.assertEqual(rules["transitions"]["on_my_way"]["to"], False)
        self.assertEqual(rules["transitions"]["cancel"]["from"],
                         ["draft", "scheduled", "in_progress", "on_hold"])
        self.assertEqual(
            sorted(name for name, rule in rules["transitions"].items() if rule["sync"]),
            ["complete", "hold", "on_my_way", "resume", "start"],
        )
        self.assertEqual(
            sorted(name for name, rule in rules["transitions"].items() if rule["by"] == "dispatcher"),
            ["cancel", "plan", "reset_draft", "rework", "schedule", "verify"],
        )
        self.assertEqual(rules["set_fields"], [
            "unit_number", "access_instructions", "site_contact_name", "site_contact_phone",
        ])
        self.assertEqual(rules["photo_kinds"], ["before", "after", "other"])
        self.assertEqual(rules["payment_methods"], ["cash", "cheque"])
        self.assertEqual(rules["limits"], {
            "max_text": 10000, "max_push": 500, "max_quantity": 1e9, "photo_max_mb": 10,
            "clock_skew_seconds": 300, "quote_options": 3, "quote_lines": 50,
        })
        self.env["ir.config_parameter"].sudo().set_param("field_work_order_mobile.photo_max_mb", 4)
        self.assertEqual(self.rules(self.tech)["limits"]["photo_max_mb"], 4)

    def test_a_changed_transition_is_followed_everywhere(self):
        """Hold allowed from Scheduled too: the rules, the action and the sync API follow."""
        before, after = self.order_in_state("scheduled"), self.order_in_state("scheduled")
        self.backdate(before | after)
        refused = self.push(self.tech, self.op(before, "hold"))[0]
        self.assertEqual((refused["status"], before.state), ("conflict", "scheduled"))
        self.assertIn("allowed from: In Progress", refused["message"])

        hold = dict(TRANSITIONS["hold"], **{"from": ("scheduled", "in_progress")})
        with patch.dict(TRANSITIONS, hold=hold):
            self.assertEqual(self.rules(self.tech)["transitions"]["hold"]["from"],
                             ["scheduled", "in_progress"])
            applied = self.push(self.tech, self.op(after, "hold"))[0]
            self.assertEqual((applied["status"], after.state), ("applied", "on_hold"))
            self.assertEqual(applied["current"]["state"], "on_hold")
        self.assertEqual(self.rules(self.tech)["transitions"]["hold"]["from"], ["in_progress"])
        self.assertEqual(after.labor_ids.mapped("date_end"), [])
