from odoo import models


class FieldWorkOrderMaterial(models.Model):
    _name = "field.work.order.material"
    _inherit = ["field.work.order.material", "field.work.order.sync.line.mixin"]
    _sync_wire_fields = ("product_id", "product_uom_qty", "quantity_used", "product_uom_id",
                         "lot_id", "equipment_id")

    def _sync_wire(self):
        """The ``materials`` of a pulled order."""
        # Technicians cannot read stock.lot; the lot names of their own lines are fine to show.
        lot_names = {lot.id: lot.name for lot in self.lot_id}
        return [{
            "id": line.id,
            "product_id": line.product_id.id,
            "product_name": line.product_id.display_name,
            "product_uom_qty": line.product_uom_qty,
            "quantity_used": line.quantity_used,
            "uom": line.product_uom_id.name or False,
            "lot": lot_names.get(line.lot_id.id, False),
            "equipment_id": line.equipment_id.id or False,
        } for line in self]
