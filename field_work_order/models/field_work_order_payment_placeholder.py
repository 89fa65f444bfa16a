"""Placeholder of the payment helper's ``_fwo_payment_info`` so that this branch runs alone.

Dropped at merge: the real method (on-site payments) replaces it.
"""

from odoo import models


class FieldWorkOrderPaymentPlaceholder(models.Model):
    _inherit = "field.work.order"

    def _fwo_payment_info(self):
        return dict.fromkeys(self.ids, False)
