"""Warranty work: what the job type does not bill when the order's units are under warranty."""

import pytz

from odoo import api, fields, models

#: warranty coverage of the job type: the kinds of invoice lines it makes free
WARRANTY_KINDS = {
    "labor": frozenset({"labor", "callout"}),
    "parts": frozenset({"part"}),
    "all": frozenset({"labor", "callout", "part"}),
}


class FieldWorkOrder(models.Model):
    _inherit = "field.work.order"

    @api.onchange("equipment_ids")
    def _onchange_equipment_warranty(self):
        """Tell the dispatcher choosing the units that some are under warranty."""
        units = self.warranty_equipment_ids
        if not units:
            return None
        return {"warning": {
            "title": self.env._("Under warranty"),
            "message": self.env._(
                "%(units)s: under warranty. Claim the work under the warranty, or check that "
                "the job type bills it as agreed.",
                units=", ".join(units.mapped("display_name")),
            ),
        }}

    def _fwo_completion_day(self):
        """The day the order was completed (today if not yet), where its report dates it."""
        self.ensure_one()
        when = pytz.utc.localize(self.date_completed or fields.Datetime.now())
        return when.astimezone(pytz.timezone(self._report_tz())).date()

    def _fwo_warranty_reference(self):
        """The warranty that covers the order's work, as its invoice lines say it, or "".

        Only when the order has units and every one is under warranty on the
        completion day: work on a unit out of warranty is billed as usual.
        """
        self.ensure_one()
        units = self.equipment_ids
        day = self._fwo_completion_day()
        if not units or not all(unit._fwo_under_warranty(day) for unit in units):
            return ""
        return self.env._("Warranty: %(units)s", units=", ".join(
            self.env._(
                "%(unit)s (until %(date)s)",
                unit=" ".join(filter(None, [unit.name, unit.serial_number])),
                date=fields.Date.to_string(unit.warranty_end),
            ) for unit in units
        ))

    def _invoice_charges(self):
        """The lines the job type's warranty covers are invoiced at 0.00 with the warranty's reference."""
        charges = super()._invoice_charges()
        for order, lines in charges.items():
            kinds = WARRANTY_KINDS.get(order.job_type_id.warranty_coverage)
            reference = kinds and order._fwo_warranty_reference()
            if not reference:
                continue
            charges[order] = [
                dict(line, price_unit=0.0, currency=order.company_id.currency_id,
                     name=f"{line['name']}\n{reference}")
                if line.get("kind") in kinds else line
                for line in lines
            ]
        return charges
