"""Upgrade to 18.0.1.1.0: the companies get the default labor product new installs get."""

from odoo import SUPERUSER_ID, api


def migrate(cr, version):
    if not version:
        return
    env = api.Environment(cr, SUPERUSER_ID, {})
    env["res.company"].search([("fwo_labor_product_id", "=", False)])._fwo_fill_labor_product()
