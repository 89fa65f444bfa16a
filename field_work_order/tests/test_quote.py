"""Quotes over the real /jsonrpc route, as the real users: prices, states, approval, billing.

The customer (``InvoiceCommon.client``) buys with a -10% pricelist and a fiscal
position mapping the 15% tax-included tax to a 5% tax-excluded one. Prices:

- Valve: 46.00 → 41.40, 15% excluded (not mapped): 2 cost 82.80 + 12.42 = 95.22;
- Air Filter: 23.00 → 20.70 included → 18.00 + 5%: 1 costs 18.00 + 0.90 = 18.90;
- Descaling (service): 100.00 → 90.00, 15% excluded: 90.00 + 13.50 = 103.50;
- labor: 115.00 → 103.50 included → 90.00 an hour + 5%; 2 hours: 180.00 + 9.00.

Options: *Repair* (Air Filter + Descaling: 108.00 + 14.40 = 122.40) and
*Replace* (2 Valves + Descaling: 172.80 + 25.92 = 198.72).
"""

import json
from datetime import timedelta

from odoo import fields
from odoo.fields import Command
from odoo.tests import HttpCase, new_test_user, tagged
from odoo.tools import mute_logger

from .common import PNG, WorkOrderCommon, at
from .test_work_order_invoice import InvoiceCommon

QUOTE = "field.work.order.quote"
#: Odoo's refusals by access rights ("not allowed to") and by record rules ("doesn't have ... access").
DENIED = r"not allowed to|doesn't have '\w+' access"


@tagged("post_install", "-at_install")
class TestQuote(InvoiceCommon, WorkOrderCommon, HttpCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.setup_invoicing(cls.env, " (quote)")
        cls.descaling = cls.env["product.product"].create({
            "name": "Descaling", "type": "service", "list_price": 100.0,
            "taxes_id": [Command.set(cls.tax_excl15.ids)],
        })

    # --- calling ---------------------------------------------------------------------
    def rpc(self, user, model, method, args, kwargs=None):
        """``execute_kw`` over /jsonrpc as ``user``: (result, error)."""
        response = self.url_open("/jsonrpc", data=json.dumps({
            "jsonrpc": "2.0", "method": "call", "id": 1, "params": {
                "service": "object", "method": "execute_kw",
                "args": [self.env.cr.dbname, user.id, user.login, model, method, args,
                         kwargs or {}],
            },
        }), headers={"Content-Type": "application/json"})
        self.env.invalidate_all()
        body = response.json()
        return body.get("result"), body.get("error")

    def ok(self, user, model, method, args, kwargs=None):
        result, error = self.rpc(user, model, method, args, kwargs)
        self.assertFalse(error, error and error["data"]["message"])
        return result

    def refused(self, user, model, method, args, kind, pattern, kwargs=None):
        with mute_logger("odoo.http"):
            result, error = self.rpc(user, model, method, args, kwargs)
        self.assertTrue(error, f"{method} was allowed: {result!r}")
        self.assertEqual(error["data"]["name"], f"odoo.exceptions.{kind}", error["data"]["message"])
        self.assertRegex(error["data"]["message"], pattern)

    # --- data ------------------------------------------------------------------------
    def order(self, state="in_progress"):
        return self.order_in_state(state, partner_id=self.client.id, job_type_id=self.tm_job_type.id)

    def quote(self, order, user=None):
        """A quote with the options Repair and Replace, created by ``user`` (the lead technician)."""
        quote_id = self.ok(user or self.tech, QUOTE, "create", [{
            "work_order_id": order.id,
            "note": "Found a corroded valve.",
            "option_ids": [
                Command.create({"name": "Repair", "sequence": 1, "line_ids": [
                    Command.create({"product_id": self.part_incl.id, "quantity": 1}),
                    Command.create({"product_id": self.descaling.id, "quantity": 1}),
                ]}),
                Command.create({"name": "Replace", "sequence": 2, "line_ids": [
                    Command.create({"product_id": self.part_excl.id, "quantity": 2}),
                    Command.create({"product_id": self.descaling.id, "quantity": 1}),
                ]}),
            ],
        }])
        quote = self.env[QUOTE].browse(quote_id)
        self.repair, self.replace = quote.option_ids
        return quote

    def approve(self, quote, option, user=None, signature=PNG, signer="Casey Client"):
        return self.rpc(user or self.tech, QUOTE, "action_approve",
                        [[quote.id], option.id, signature, signer])

    def complete_and_invoice(self, order):
        order.with_user(self.tech).with_context(**at("2030-01-15 11:00:00")).action_complete()
        action = self.ok(self.accountant, "field.work.order", "action_create_invoices", [[order.id]])
        return self.env["account.move"].browse(action["res_id"])

    def amounts(self, record, names=("amount_untaxed", "amount_tax", "amount_total")):
        return [round(record[name], 2) for name in names]

    # --- prices ----------------------------------------------------------------------
    def test_prices_from_the_customers_pricelist_and_fiscal_position(self):
        order = self.order()
        quote = self.quote(order)
        self.assertEqual(quote.name, f"Quote 1 for {order.name}")
        self.assertEqual((quote.state, quote.pricelist_id, quote.fiscal_position_id),
                         ("draft", self.contract_pricelist, self.fpos))
        self.assertEqual(quote.validity_date, fields.Date.today() + timedelta(days=30))
        lines = quote.option_ids.line_ids
        self.assertEqual(
            [(line.product_id, line.price_unit, line.tax_ids, line.price_subtotal, line.price_total)
             for line in lines],
            [(self.part_incl, 18.0, self.tax_excl5, 18.0, 18.9),
             (self.descaling, 90.0, self.tax_excl15, 90.0, 103.5),
             (self.part_excl, 41.4, self.tax_excl15, 82.8, 95.22),
             (self.descaling, 90.0, self.tax_excl15, 90.0, 103.5)],
        )
        self.assertEqual(self.amounts(self.repair), [108.0, 14.4, 122.4])
        self.assertEqual(self.amounts(self.replace), [172.8, 25.92, 198.72])
        # The second quote of the order is numbered after the first.
        self.assertEqual(self.quote(order).name, f"Quote 2 for {order.name}")
        # Another customer, another price list: the list price and the product's own taxes.
        plain = self.order_in_state("scheduled", partner_id=self.other_client.id,
                                    job_type_id=self.tm_job_type.id)
        line = self.quote(plain).option_ids[1].line_ids[0]
        self.assertEqual((line.price_unit, line.tax_ids, line.price_total), (46.0, self.tax_excl15, 105.8))

    def test_prices_and_taxes_are_the_dispatchers(self):
        quote = self.quote(self.order())
        line = self.replace.line_ids[0]
        self.refused(self.tech, "field.work.order.quote.line", "write",
                     [[line.id], {"price_unit": 1.0}], "AccessError", r"dispatcher.*price_unit")
        self.refused(self.tech, "field.work.order.quote.line", "create",
                     [{"option_id": self.replace.id, "product_id": self.descaling.id,
                       "price_unit": 1.0}], "AccessError", r"dispatcher.*price_unit")
        # The technician changes the quantity: the pricelist prices it again.
        self.ok(self.tech, "field.work.order.quote.line", "write", [[line.id], {"quantity": 3}])
        self.assertEqual((line.price_unit, line.price_total), (41.4, 142.83))
        self.ok(self.dispatcher, "field.work.order.quote.line", "write", [[line.id], {"price_unit": 40.0}])
        self.assertEqual(self.amounts(self.replace), [210.0, 31.5, 241.5])
        self.assertEqual(quote.state, "draft")

    def test_one_to_three_options(self):
        quote = self.quote(self.order())
        self.ok(self.tech, "field.work.order.quote.option", "create",
                [{"quote_id": quote.id, "name": "Replace + care"}])
        self.refused(self.tech, "field.work.order.quote.option", "create",
                     [{"quote_id": quote.id, "name": "A fourth"}], "ValidationError",
                     r"1 to 3 options, not 4")
        self.assertEqual(len(quote.option_ids), 3)

    def test_options_from_the_price_book(self):
        self.tm_job_type.option_ids = [Command.create({"name": "Replace", "line_ids": [
            Command.create({"product_id": self.part_excl.id, "quantity": 2}),
            Command.create({"product_id": self.descaling.id, "quantity": 1}),
        ]})]
        self.assertEqual(self.tm_job_type.option_ids.line_ids.mapped("display_name"), [
            f"2 × {self.part_excl.display_name}", f"1 × {self.descaling.display_name}"])
        quote = self.env[QUOTE].browse(self.ok(self.tech, QUOTE, "create", [{
            "work_order_id": self.order().id}]))
        self.refused(self.tech2, QUOTE, "action_fwo_add_price_book", [[quote.id]], "AccessError",
                     DENIED)
        self.assertIs(self.ok(self.tech, QUOTE, "action_fwo_add_price_book", [[quote.id]]), True)
        # At the customer's prices: 2 valves at 41.40 and the descaling at 90.00, plus taxes.
        self.assertEqual([(o.name, self.amounts(o)) for o in quote.option_ids],
                         [("Replace", [172.8, 25.92, 198.72])])
        self.ok(self.tech, QUOTE, "action_fwo_add_price_book", [[quote.id]])
        self.ok(self.tech, QUOTE, "action_fwo_add_price_book", [[quote.id]])
        self.refused(self.tech, QUOTE, "action_fwo_add_price_book", [[quote.id]], "UserError",
                     r"it would offer 4 options, and a quote offers at most 3")
        self.ok(self.tech, QUOTE, "action_send", [[quote.id]])
        self.refused(self.tech, QUOTE, "action_fwo_add_price_book", [[quote.id]], "UserError",
                     r"is Sent: only a draft quote takes options")

    def test_quotes_only_on_the_technicians_open_orders(self):
        order = self.order()
        self.refused(self.tech2, QUOTE, "create", [{"work_order_id": order.id}], "AccessError", DENIED)
        self.refused(self.accountant, QUOTE, "create", [{"work_order_id": order.id}],
                     "AccessError", DENIED)
        done = self.order("done")
        self.refused(self.dispatcher, QUOTE, "create", [{"work_order_id": done.id}], "UserError",
                     r"is Done: quotes are made on orders still to be done")
        self.assertFalse(self.env[QUOTE].search([("work_order_id", "in", (order | done).ids)]))

    # --- send ------------------------------------------------------------------------
    def test_send(self):
        order = self.order()
        empty = self.env[QUOTE].browse(self.ok(self.tech, QUOTE, "create", [{"work_order_id": order.id}]))
        self.refused(self.tech, QUOTE, "action_send", [[empty.id]], "UserError",
                     r"has no option yet: add at least one option")
        self.ok(self.tech, "field.work.order.quote.option", "create",
                [{"quote_id": empty.id, "name": "Nothing in it"}])
        self.refused(self.tech, QUOTE, "action_send", [[empty.id]], "UserError",
                     r"the option Nothing in it has no lines")
        quote = self.quote(order)
        self.refused(self.tech2, QUOTE, "action_send", [[quote.id]], "AccessError", DENIED)
        self.assertIs(self.ok(self.tech, QUOTE, "action_send", [[quote.id]]), True)
        self.assertEqual(quote.state, "sent")
        self.refused(self.tech, QUOTE, "action_send", [[quote.id]], "UserError",
                     r"it is Sent, and only a draft quote is sent")
        # Still an offer: the office may correct it until the customer answers.
        self.ok(self.dispatcher, QUOTE, "write", [[quote.id], {"note": "Valve corroded (photo)."}])

    # --- approve ---------------------------------------------------------------------
    def test_approve_and_invoice_at_the_quoted_amounts(self):
        order = self.order()
        quote = self.quote(order)
        self.ok(self.tech, QUOTE, "action_send", [[quote.id]])
        result, error = self.approve(quote, self.replace)
        self.assertFalse(error, error and error["data"]["message"])
        self.assertIs(result, True)
        self.assertEqual(
            (quote.state, quote.approved_option_id, quote.signer_name, round(quote.amount_total, 2)),
            ("approved", self.replace, "Casey Client", 198.72),
        )
        self.assertTrue(quote.signature and quote.approved_date)
        extras = order.material_ids.filtered("quote_line_id")
        self.assertEqual([(m.product_id, m.product_uom_qty, m.quantity_used) for m in extras],
                         [(self.part_excl, 2.0, 0.0)])
        self.assertEqual(order.extra_line_ids, self.replace.line_ids)
        # A resent approval (double tap, retry) answers True and adds nothing.
        self.assertEqual(self.approve(quote, self.replace), (True, None))
        self.assertEqual(len(order.material_ids.filtered("quote_line_id")), 1)
        # Another option is refused.
        with mute_logger("odoo.http"):
            _result, error = self.approve(quote, self.repair, user=self.dispatcher)
        self.assertRegex(error["data"]["message"], r"already approved with the option Replace")
        self.assertEqual(quote.approved_option_id, self.replace)

        # A part nobody quoted, used on the job: billed as a part.
        self.ok(self.tech, "field.work.order.material", "create", [{
            "work_order_id": order.id, "product_id": self.part_incl.id, "quantity_used": 1,
        }])
        invoice = self.complete_and_invoice(order)
        # 2 hours of labor (180.00 + 9.00), the air filter (18.00 + 0.90) and the Replace
        # option (172.80 + 25.92).
        self.assertEqual(self.amounts(invoice), [370.8, 35.82, 406.62])
        lines = invoice.invoice_line_ids
        self.assertEqual(lines.mapped("display_type"),
                         ["product", "product", "line_section", "product", "product"])
        self.assertEqual(lines[2].name, quote.name)
        self.assertEqual(
            [(line.product_id, line.quantity, line.price_unit, line.tax_ids,
              round(line.price_total, 2)) for line in lines - lines[2]],
            [(self.labor_product, 2.0, 90.0, self.tax_excl5, 189.0),
             (self.part_incl, 1.0, 18.0, self.tax_excl5, 18.9),
             (self.part_excl, 2.0, 41.4, self.tax_excl15, 95.22),
             (self.descaling, 1.0, 90.0, self.tax_excl15, 103.5)],
        )

    def test_quoted_price_is_not_repriced(self):
        order = self.order()
        quote = self.quote(order)
        self.assertEqual(self.approve(quote, self.repair), (True, None))
        self.part_incl.list_price = 99.0
        self.descaling.list_price = 999.0
        invoice = self.complete_and_invoice(order)
        self.assertEqual(self.amounts(invoice), [288.0, 23.4, 311.4])  # 180 + 108, 9 + 14.40

    def test_approval_needs_a_signature_and_a_name(self):
        quote = self.quote(self.order())
        for signature, pattern in (
            (False, r"cannot be approved without the customer's signature"),
            ("", r"cannot be approved without the customer's signature"),
            ("bm90IGFuIGltYWdl", r"The signature is not a photo"),
        ):
            with mute_logger("odoo.http"):
                _result, error = self.approve(quote, self.replace, signature=signature)
            self.assertRegex(error["data"]["message"], pattern)
        with mute_logger("odoo.http"):
            _result, error = self.approve(quote, self.replace, signer="  ")
        self.assertRegex(error["data"]["message"], r"Enter the name of the person who signs")
        # Nobody writes the approval directly, not even a dispatcher.
        self.refused(self.dispatcher, QUOTE, "write",
                     [[quote.id], {"state": "approved", "approved_option_id": self.replace.id}],
                     "AccessError", r"cannot be edited")
        self.assertEqual((quote.state, quote.approved_option_id.id, quote.signature),
                         ("draft", False, False))

    def test_approval_by_the_wrong_people_or_option(self):
        quote = self.quote(self.order())
        other = self.quote(self.order())
        for user in (self.tech2, self.accountant):
            with mute_logger("odoo.http"):
                _result, error = self.approve(quote, self.replace, user=user)
            self.assertEqual(error["data"]["name"], "odoo.exceptions.AccessError")
        with mute_logger("odoo.http"):
            _result, error = self.approve(quote, other.option_ids[0])
        self.assertRegex(error["data"]["message"], r"not one of the options of")
        self.refused(self.tech, QUOTE, "action_approve", [[quote.id], "abc", PNG, "Casey"],
                     "UserError", r"option_id must be the id")
        self.assertEqual(quote.state, "draft")

    def test_expired_quote_cannot_be_approved(self):
        order = self.order()
        quote = self.quote(order)
        self.ok(self.tech, QUOTE, "action_send", [[quote.id]])
        yesterday = fields.Date.to_string(fields.Date.today() - timedelta(days=1))
        self.ok(self.dispatcher, QUOTE, "write", [[quote.id], {"validity_date": yesterday}])
        with mute_logger("odoo.http"):
            _result, error = self.approve(quote, self.replace)
        self.assertRegex(error["data"]["message"],
                         rf"expired on {yesterday}: it can no longer be approved")
        self.env[QUOTE]._cron_expire()
        self.assertEqual(quote.state, "expired")
        with mute_logger("odoo.http"):
            _result, error = self.approve(quote, self.replace)
        self.assertRegex(error["data"]["message"], r"cannot be approved: it is Expired")
        self.assertFalse(order.material_ids.filtered("quote_line_id"))
        invoice = self.complete_and_invoice(order)
        self.assertEqual(self.amounts(invoice), [180.0, 9.0, 189.0])  # labor only

    def test_approved_quote_cannot_change(self):
        order = self.order()
        quote = self.quote(order)
        self.approve(quote, self.replace)
        line = self.replace.line_ids[0]
        forged = {"context": {"fwo_trusted": "trusted", "fwo_transition": True}}
        pattern = r"is Approved: it cannot change any more"
        for user in (self.tech, self.dispatcher):
            for model, method, args in (
                (QUOTE, "write", [[quote.id], {"note": "changed"}]),
                (QUOTE, "write", [[quote.id], {"validity_date": "2031-01-01"}]),
                ("field.work.order.quote.line", "write", [[line.id], {"quantity": 5}]),
                ("field.work.order.quote.line", "unlink", [[line.id]]),
                ("field.work.order.quote.line", "create",
                 [{"option_id": self.replace.id, "product_id": self.descaling.id}]),
                ("field.work.order.quote.option", "write", [[self.repair.id], {"name": "Cheap"}]),
                ("field.work.order.quote.option", "unlink", [[self.repair.id]]),
                ("field.work.order.quote.option", "create", [{"quote_id": quote.id, "name": "New"}]),
            ):
                for kwargs in (None, forged):
                    with self.subTest(user=user.login, model=model, method=method, kwargs=kwargs):
                        self.refused(user, model, method, args, "UserError", pattern, kwargs)
        self.refused(self.dispatcher, QUOTE, "unlink", [[quote.id]], "UserError", pattern)
        # The approved parts keep their product and planned quantity too.
        extra = order.material_ids.filtered("quote_line_id")
        self.refused(self.dispatcher, "field.work.order.material", "write",
                     [[extra.id], {"product_uom_qty": 1}], "UserError", r"approved by the customer")
        self.refused(self.dispatcher, "field.work.order.material", "unlink", [[extra.id]],
                     "UserError", r"approved by the customer")
        self.assertEqual((self.amounts(self.replace), len(quote.option_ids), extra.product_uom_qty),
                         ([172.8, 25.92, 198.72], 2, 2.0))
        # A new quote replaces it for other work.
        self.assertEqual(self.quote(order).state, "draft")

    # --- decline ---------------------------------------------------------------------
    def test_declined_quote_bills_nothing(self):
        order = self.order()
        quote = self.quote(order)
        self.ok(self.tech, QUOTE, "action_send", [[quote.id]])
        self.refused(self.tech, QUOTE, "action_decline", [[quote.id], ""], "ValidationError",
                     r"Tell why the customer declines")
        self.assertIs(self.ok(self.tech, QUOTE, "action_decline", [[quote.id], "Too expensive"]), True)
        self.assertEqual((quote.state, quote.decline_reason), ("declined", "Too expensive"))
        self.assertIs(self.ok(self.tech, QUOTE, "action_decline", [[quote.id], "Too expensive"]), True)
        with mute_logger("odoo.http"):
            _result, error = self.approve(quote, self.replace)
        self.assertRegex(error["data"]["message"], r"cannot be approved: it is Declined")
        self.assertFalse(order.extra_line_ids)
        invoice = self.complete_and_invoice(order)
        self.assertEqual(self.amounts(invoice), [180.0, 9.0, 189.0])
        self.assertFalse(invoice.invoice_line_ids.filtered(lambda line: line.display_type == "line_section"))

    def test_used_material_covered_by_a_quote_line_is_billed_once(self):
        order = self.order()
        Material = self.env["field.work.order.material"]
        # The technician fitted one valve before the customer approved the replacement.
        early = Material.browse(self.ok(self.tech, "field.work.order.material", "create", [{
            "work_order_id": order.id, "product_id": self.part_excl.id, "quantity_used": 1,
        }]))
        quote = self.quote(order)
        self.approve(quote, self.replace)
        extra = order.material_ids.filtered("quote_line_id")
        self.ok(self.tech, "field.work.order.material", "write", [[extra.id], {"quantity_used": 1}])
        invoice = self.complete_and_invoice(order)
        # Two valves used, two quoted: billed once, with the quote.
        self.assertEqual(self.amounts(invoice), [352.8, 34.92, 387.72])
        self.assertEqual(invoice.invoice_line_ids.filtered(
            lambda line: line.product_id == self.part_excl).mapped("quantity"), [2.0])
        self.assertTrue(early.exists())

    def test_used_beyond_the_quote_is_billed_as_a_part(self):
        order = self.order()
        quote = self.quote(order)
        self.approve(quote, self.replace)
        extra = order.material_ids.filtered("quote_line_id")
        self.ok(self.tech, "field.work.order.material", "write", [[extra.id], {"quantity_used": 3}])
        invoice = self.complete_and_invoice(order)
        # One valve more than quoted, at the pricelist: 41.40 + 6.21 = 47.61.
        self.assertEqual(self.amounts(invoice), [394.2, 41.13, 435.33])
        self.assertEqual(invoice.invoice_line_ids.filtered(
            lambda line: line.product_id == self.part_excl).mapped("quantity"), [1.0, 2.0])

    def test_accountant_reads_quotes(self):
        quote = self.quote(self.order())
        read = self.ok(self.accountant, QUOTE, "read", [[quote.id], ["name", "state"]])
        self.assertEqual(read[0]["state"], "draft")
        self.refused(self.accountant, QUOTE, "write", [[quote.id], {"note": "x"}], "AccessError", DENIED)
        self.refused(self.tech2, QUOTE, "read", [[quote.id], ["name"]], "AccessError", DENIED)


    def test_fiscal_positions_of_many_customers_are_odoos(self):
        """The batched lookup (sync pages, invoicing) answers what Odoo answers for each customer."""
        Fpos = self.env["account.fiscal.position"]
        be, us = self.env.ref("base.be"), self.env.ref("base.us")
        auto_be = Fpos.create({"name": "BE", "auto_apply": True, "country_id": be.id})
        auto_zip = Fpos.create({"name": "BE 1000-1099", "auto_apply": True, "country_id": be.id,
                                "zip_from": "1000", "zip_to": "1099"})
        auto_vat = Fpos.create({"name": "BE with VAT", "auto_apply": True, "country_id": be.id,
                                "vat_required": True})
        manual = Fpos.create({"name": "Exempt"})
        Partner = self.env["res.partner"]
        partners = Partner.create([
            {"name": "Brussels", "country_id": be.id, "zip": "1050"},
            {"name": "Leuven", "country_id": be.id, "zip": "3000"},
            {"name": "With VAT", "country_id": be.id, "zip": "3000", "vat": "BE0477472701"},
            {"name": "Exempt", "country_id": be.id, "property_account_position_id": manual.id},
            {"name": "Abroad", "country_id": us.id},
            {"name": "Nowhere"},
        ])
        site = Partner.create({"name": "Site in the zip range", "country_id": be.id, "zip": "1010"})
        company = self.env.company
        customers = [(company, p, p) for p in partners] + [(company, p, site) for p in partners]
        found = Fpos._fwo_fiscal_positions(customers)
        expected = {key: Fpos.with_company(company)._get_fiscal_position(key[1], delivery=key[2])
                    for key in customers}
        self.assertEqual({k: v.name for k, v in found.items()}, {k: v.name for k, v in expected.items()})
        self.assertEqual(  # each kind of answer is among them
            {found[company, p, p].name for p in partners},
            {auto_zip.name, auto_be.name, auto_vat.name, manual.name, False},
        )

class QuoteTourCommon(InvoiceCommon):
    @classmethod
    def setup_tour(cls, login):
        cls.setup_invoicing(cls.env, f" ({login})")
        cls.tech = new_test_user(cls.env, login, name="Quinn Quoter",
                                 groups="base.group_user,field_work_order.group_technician")
        cls.descaling = cls.env["product.product"].create({
            "name": "Descaling", "type": "service", "list_price": 100.0,
            "taxes_id": [Command.set(cls.tax_excl15.ids)],
        })

    @classmethod
    def named_order(cls, name, partner):
        """An order with a known reference for the tour to look for (the models' trusted path)."""
        return cls.env["field.work.order"]._fwo_as_trusted().create({
            "name": name, "partner_id": partner.id, "user_id": cls.tech.id,
        }).with_env(cls.env)


@tagged("post_install", "-at_install")
class TestQuoteTour(QuoteTourCommon, HttpCase):
    def test_technician_builds_and_sends_a_quote(self):
        self.setup_tour("quote_tour_tech")
        self.env["product.product"].create({
            "name": "Tour Valve", "type": "consu", "list_price": 40.0,
            "taxes_id": [Command.set(self.tax_excl15.ids)],
        })
        order = self.named_order("FWO-QUOTE-TOUR", self.other_client)
        self.start_tour("/odoo/action-field_work_order.field_work_order_quote_action",
                        "field_work_order_quote_tour", login="quote_tour_tech")
        quote = order.quote_ids
        self.assertEqual((len(quote), quote.state, quote.create_uid), (1, "sent", self.tech))
        self.assertEqual(quote.option_ids.mapped("name"), ["Replace"])
        self.assertEqual([round(quote.option_ids[k], 2) for k in ("amount_untaxed", "amount_tax",
                                                                   "amount_total")],
                         [80.0, 12.0, 92.0])


@tagged("post_install", "-at_install")
class TestQuotePhoneTour(QuoteTourCommon, HttpCase):
    browser_size = "360x740"
    touch_enabled = True

    def test_technician_reads_the_options_on_a_phone(self):
        self.setup_tour("quote_phone_tech")
        order = self.named_order("FWO-QUOTE-PHONE", self.client)
        quote = self.env[QUOTE].create({"work_order_id": order.id, "option_ids": [
            Command.create({"name": "Repair", "sequence": 1, "line_ids": [
                Command.create({"product_id": self.part_incl.id, "quantity": 1}),
                Command.create({"product_id": self.descaling.id, "quantity": 1}),
            ]}),
            Command.create({"name": "Replace", "sequence": 2, "line_ids": [
                Command.create({"product_id": self.part_excl.id, "quantity": 2}),
                Command.create({"product_id": self.descaling.id, "quantity": 1}),
            ]}),
        ]})
        self.start_tour("/odoo/action-field_work_order.field_work_order_quote_action",
                        "field_work_order_quote_phone_tour", login="quote_phone_tech")
        self.assertEqual(quote.state, "sent")
        self.assertEqual(quote.option_ids.mapped("amount_total"), [122.4, 198.72])
