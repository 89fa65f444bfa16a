from odoo import api, models


class FieldWorkOrderMaterial(models.Model):
    _name = "field.work.order.material"
    _inherit = ["field.work.order.material", "field.work.order.sync.line.mixin"]

    @api.constrains("lot_id", "product_id")
    def _check_lot(self):
        # sudo: technicians record lots (material ops) but have no read access to stock.lot;
        # the core check reads the lot's product as the user and would refuse every lot.
        return super(FieldWorkOrderMaterial, self.sudo())._check_lot()
