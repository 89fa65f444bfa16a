from collections import defaultdict

from odoo import models


class AccountFiscalPosition(models.Model):
    _inherit = "account.fiscal.position"

    def _fwo_fiscal_positions(self, customers):
        """{(company, partner, delivery): fiscal position} of many customers, in constant queries.

        The same answer as Odoo's ``_get_fiscal_position(partner, delivery)`` for each,
        which searches the automatic fiscal positions at every call: a sync page or an
        invoicing batch of a thousand customers would run a thousand searches. Here the
        candidates are searched once per company and ranked per customer with Odoo's
        own ranking (``_get_fpos_ranking_functions``).
        """
        europe = None
        candidates, result = {}, {}
        # Each customer's own fiscal position is a company-dependent field: read it for
        # all of them at once per company, not one query per customer.
        partner_ids = defaultdict(set)
        for company, partner, delivery in customers:
            if partner:  # the loop below reads both of them as the caller anyway
                partner_ids[company].update(partner.ids + delivery.ids)
        for company, ids in partner_ids.items():
            self.env["res.partner"].with_company(company).browse(ids).fetch(
                ["property_account_position_id", "country_id", "vat"])
        for company, partner, delivery in customers:
            key = (company, partner, delivery)
            if key in result:
                continue
            positions = self.with_company(company)
            if not partner:
                result[key] = positions.browse()
                continue
            address = delivery or partner
            if company.vat and partner.vat and company.vat[:2] == partner.vat[:2]:
                # A customer with the company's own VAT country, both in the EU: the
                # invoice address decides, not where the work is done.
                if europe is None:
                    europe = set(self.env.ref("base.europe").country_ids.mapped("code"))
                if company.vat[:2] in europe:
                    address = partner
            manual = (address.with_company(company).property_account_position_id
                      or partner.with_company(company).property_account_position_id)
            if manual or not partner.country_id:
                result[key] = manual or positions.browse()
                continue
            if company not in candidates:
                candidates[company] = positions.search(
                    positions._check_company_domain(company) + [("auto_apply", "=", True)])
            ranking = positions._get_fpos_ranking_functions(address)
            ranked = [(tuple(rank(fpos) for _name, rank in ranking), fpos)
                      for fpos in candidates[company]]
            ranked = [(rank, fpos) for rank, fpos in ranked if all(rank)]
            result[key] = max(ranked, key=lambda pair: pair[0])[1] if ranked else positions.browse()
        return result
