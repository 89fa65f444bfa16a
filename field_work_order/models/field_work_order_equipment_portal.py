"""What the customer portal shows of a unit: its visits, their reports, its last readings.

The controllers call these on a unit they already checked (the visitor's
rights or the unit's link): they read with the superuser's rights, and only
what belongs to the unit's owner.
"""

from odoo import api, fields, models

#: The orders of a unit its customer sees: every one but the cancelled.
PORTAL_VISIT_STATES = ("draft", "scheduled", "in_progress", "on_hold", "done", "verified")


class FieldWorkOrderEquipment(models.Model):
    _inherit = "field.work.order.equipment"

    def _portal_visits_domain(self):
        """The unit's orders for its owner, not another customer's order at the same site."""
        return [
            ("equipment_ids", "in", self.ids),
            ("partner_id.commercial_partner_id", "in", self.partner_id.commercial_partner_id.ids),
            ("state", "in", PORTAL_VISIT_STATES),
        ]

    def _portal_visits(self):
        """The unit's visits, newest first (unplanned requests on top)."""
        self.ensure_one()
        # sudo: called on a unit the visitor may see; its owner's orders only (the domain).
        return self.env["field.work.order"].sudo().search(
            self._portal_visits_domain(),
            order="scheduled_start desc nulls first, create_date desc, id desc",
        )

    def _portal_last_visits(self):
        """{unit id: day of its last completed visit} for the units, in one query."""
        # sudo: the units are the visitor's own (the caller's search); their owner's orders.
        groups = self.env["field.work.order"].sudo()._read_group(
            self._portal_visits_domain() + [("state", "in", ("done", "verified"))],
            ["equipment_ids"], ["date_completed:max"],
        )
        return {
            unit.id: fields.Datetime.context_timestamp(self, last).date()
            for unit, last in groups if unit in self and last
        }

    def _portal_last_readings(self, limit=20):
        """The last reading of each measurement of the unit, newest first."""
        self.ensure_one()
        # sudo: the readings of a unit the visitor may see, on its owner's orders.
        readings = self.env["field.work.order.reading"].sudo().search([
            ("equipment_id", "=", self.id),
            ("work_order_id.partner_id.commercial_partner_id", "=",
             self.partner_id.commercial_partner_id.id),
        ], order="taken_on desc, id desc", limit=limit * 5)
        last = {}
        for reading in readings:
            last.setdefault((reading.name, reading.uom), reading)
        return self.env["field.work.order.reading"].sudo().browse(
            [reading.id for reading in last.values()][:limit]
        )

    @api.model
    def _portal_units_domain(self):
        """Portal users: their record rules decide. Internal users visiting the portal:
        the units of their own company as a customer."""
        if self.env.user.share:
            return []
        commercial = self.env.user.partner_id.commercial_partner_id
        return [("partner_id", "child_of", commercial.id)]
