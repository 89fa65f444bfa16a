from odoo import api, models


class FieldWorkOrderMaterial(models.Model):
    _name = "field.work.order.material"
    _inherit = ["field.work.order.material", "field.work.order.sync.line.mixin"]
    _sync_wire_fields = ("product_id", "product_uom_qty", "quantity_used", "product_uom_id",
                         "lot_id", "equipment_id")

    @api.model
    def _sync_wire(self, rows):
        """The ``materials`` of a pulled order."""
        products = {product.id: product.display_name for product in self.env["product.product"]
                    .browse(sorted({row["product_id"] for row in rows}))}
        uoms = {uom.id: uom.name for uom in self.env["uom.uom"].browse(
            sorted({row["product_uom_id"] for row in rows} - {None}))}
        # Technicians cannot read stock.lot; the lot names of their own lines are fine to show.
        lot_names = {lot.id: lot.name for lot in self.env["stock.lot"].browse(
            sorted({row["lot_id"] for row in rows} - {None}))}
        return [{
            "id": row["id"],
            "product_id": row["product_id"],
            "product_name": products[row["product_id"]],
            "product_uom_qty": float(row["product_uom_qty"] or 0),
            "quantity_used": float(row["quantity_used"] or 0),
            "uom": uoms.get(row["product_uom_id"]) or False,
            "lot": lot_names.get(row["lot_id"], False),
            "equipment_id": row["equipment_id"] or False,
        } for row in rows]
