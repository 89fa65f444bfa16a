"""Quotes made, sent and approved from the phone, and the price book the pull carries.

The customer buys with a -10% pricelist and a fiscal position mapping the 21%
tax to 6% (both tax-excluded). Their prices:

- Valve: 50.00 → 45.00 + 6%;
- Repair Hour (service): 80.00 → 72.00 + 6%.

Options: *Repair* (1 hour: 72.00 + 4.32 = 76.32) and *Replace* (1 valve + 2
hours: 189.00 + 11.34 = 200.34). A customer without either pays 50.00 and 80.00
+ 21%.
"""

from datetime import timedelta

from odoo import fields
from odoo.fields import Command
from odoo.tests import tagged

from .common import SyncCommon

QUOTE_LINES = {
    "Repair": [("hour", 1)],
    "Replace": [("valve", 1), ("hour", 2)],
}


@tagged("post_install", "-at_install")
class TestSyncQuote(SyncCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        env, company = cls.env, cls.env.company
        Tax = env["account.tax"]
        cls.tax21 = Tax.create({
            "name": "FWO 21% (sync)", "amount": 21.0, "amount_type": "percent",
            "type_tax_use": "sale", "price_include_override": "tax_excluded",
            "company_id": company.id,
        })
        cls.tax6 = Tax.create({
            "name": "FWO 6% (sync)", "amount": 6.0, "amount_type": "percent",
            "type_tax_use": "sale", "price_include_override": "tax_excluded",
            "company_id": company.id,
        })
        cls.fpos = env["account.fiscal.position"].create({
            "name": "FWO Renovation rate (sync)", "company_id": company.id,
            "tax_ids": [Command.create({"tax_src_id": cls.tax21.id, "tax_dest_id": cls.tax6.id})],
        })
        Pricelist = env["product.pricelist"]
        # Customers without a pricelist get the first one: it must not be the discount.
        Pricelist.create({"name": "FWO Public (sync)", "sequence": 1, "company_id": company.id})
        cls.pricelist = Pricelist.create({
            "name": "FWO Contract -10% (sync)", "sequence": 50, "company_id": company.id,
            "item_ids": [Command.create({
                "applied_on": "3_global", "compute_price": "percentage", "percent_price": 10.0,
            })],
        })
        Product = env["product.product"]
        cls.valve = Product.create({
            "name": "Valve (sync)", "type": "consu", "list_price": 50.0,
            "taxes_id": [Command.set(cls.tax21.ids)],
        })
        cls.hour = Product.create({
            "name": "Repair Hour (sync)", "type": "service", "list_price": 80.0,
            "taxes_id": [Command.set(cls.tax21.ids)],
        })
        cls.unsold = Product.create({"name": "Spare (internal)", "sale_ok": False})
        cls.client = env["res.partner"].create({
            "name": "Northwind (sync)", "is_company": True,
            "property_product_pricelist": cls.pricelist.id,
            "property_account_position_id": cls.fpos.id,
        })
        cls.walk_in = env["res.partner"].create({"name": "Walk-in (sync)"})
        products = {"valve": cls.valve, "hour": cls.hour}
        cls.repair_type = env["field.work.order.job.type"].with_user(cls.dispatcher).create({
            "name": "Boiler Repair (sync)",
            "option_ids": [Command.create({
                "name": name, "sequence": sequence, "line_ids": [
                    Command.create({"product_id": products[key].id, "quantity": qty})
                    for key, qty in lines
                ],
            }) for sequence, (name, lines) in enumerate(QUOTE_LINES.items())],
        })
        cls.options = [{"name": name, "lines": [
            {"product_id": products[key].id, "quantity": qty} for key, qty in lines
        ]} for name, lines in QUOTE_LINES.items()]

    def setUp(self):
        super().setUp()
        self.order = self.order_in_state("in_progress", partner_id=self.client.id,
                                         job_type_id=self.repair_type.id)

    def quote_op(self, **payload):
        return self.op(self.order, "quote", {"options": self.options, **payload})

    def approve_op(self, at=None, **payload):
        return self.op(self.order, "quote_approve", {
            "signature": self.png, "signer_name": "Casey Client", **payload}, at=at)

    def amounts(self, option):
        return [round(option[name], 2) for name in ("amount_untaxed", "amount_tax", "amount_total")]

    def test_quote_priced_by_the_server(self):
        result, = self.push(self.tech, self.quote_op(note="Corroded valve."))
        self.assertEqual(result["status"], "applied", result["message"])
        quote = self.order.quote_ids
        self.assertEqual(result["quote_id"], quote.id)
        self.assertEqual((quote.state, quote.note, quote.create_uid), ("draft", "Corroded valve.", self.tech))
        repair, replace = quote.option_ids
        self.assertEqual((repair.name, replace.name), ("Repair", "Replace"))
        self.assertEqual(
            [(line.product_id, line.quantity, line.price_unit, line.tax_ids, line.price_total)
             for line in replace.line_ids],
            [(self.valve, 1.0, 45.0, self.tax6, 47.7), (self.hour, 2.0, 72.0, self.tax6, 152.64)],
        )
        self.assertEqual(self.amounts(repair), [72.0, 4.32, 76.32])
        self.assertEqual(self.amounts(replace), [189.0, 11.34, 200.34])
        # Sent at once when the device asks.
        result, = self.push(self.tech, self.quote_op(send=True))
        self.assertEqual(result["status"], "applied", result["message"])
        self.assertEqual(self.order.quote_ids.mapped("state"), ["draft", "sent"])

    def test_made_and_approved_offline_in_one_push_exactly_once(self):
        signed = self.at(timedelta(minutes=-3))
        ops = [self.quote_op(), self.approve_op(at=signed, option_index=1)]
        ops[1]["payload"]["quote_ref"] = ops[0]["uuid"]
        first = self.push(self.tech, *ops)
        self.assertEqual([r["status"] for r in first], ["applied", "applied"],
                         [r["message"] for r in first])
        quote = self.order.quote_ids
        self.assertEqual(len(quote), 1)
        self.assertEqual((quote.state, quote.approved_option_id.name, quote.signer_name),
                         ("approved", "Replace", "Casey Client"))
        self.assertEqual(fields.Datetime.to_string(quote.approved_date), signed)  # the device's time
        self.assertEqual(round(quote.amount_total, 2), 200.34)
        extras = self.order.material_ids.filtered("quote_line_id")
        self.assertEqual([(m.product_id, m.product_uom_qty) for m in extras], [(self.valve, 1.0)])
        # The same push again (no answer reached the phone): nothing twice.
        again = self.push(self.tech, *ops)
        self.assertEqual([(r["status"], r["first_status"]) for r in again],
                         [("duplicate", "applied"), ("duplicate", "applied")])
        self.assertEqual(again[0]["quote_id"], quote.id)
        self.assertEqual(len(self.order.quote_ids), 1)
        self.assertEqual(len(self.order.material_ids.filtered("quote_line_id")), 1)
        # A later push names the quote by its server id and the option by its id.
        result, = self.push(self.tech, self.approve_op(
            quote_id=quote.id, option_id=quote.approved_option_id.id))
        self.assertEqual(result["status"], "applied", result["message"])
        self.assertEqual(len(self.order.material_ids.filtered("quote_line_id")), 1)

    def test_approval_the_office_answered_first_is_a_conflict(self):
        quote_id = self.push(self.tech, self.quote_op(send=True))[0]["quote_id"]
        quote = self.env["field.work.order.quote"].browse(quote_id)
        repair, replace = quote.option_ids
        quote.with_user(self.dispatcher).action_approve(repair.id, self.png, "Casey on the phone")
        result, = self.push(self.tech, self.approve_op(quote_id=quote_id, option_id=replace.id))
        self.assertEqual(result["status"], "conflict")
        self.assertRegex(result["message"], r"already approved with the option Repair")
        self.assertEqual((quote.approved_option_id, quote.signer_name), (repair, "Casey on the phone"))
        # The same choice: already done, nothing changes.
        result, = self.push(self.tech, self.approve_op(quote_id=quote_id, option_index=0))
        self.assertEqual(result["status"], "applied", result["message"])
        self.assertEqual(quote.signer_name, "Casey on the phone")
        # Declined by the office: neither sent nor approved from the phone.
        declined = self.push(self.tech, self.quote_op())[0]["quote_id"]
        self.env["field.work.order.quote"].browse(declined).with_user(self.dispatcher).action_decline("Too dear")
        results = self.push(self.tech, self.approve_op(quote_id=declined, option_index=0),
                            self.op(self.order, "quote_send", {"quote_id": declined}))
        self.assertEqual([r["status"] for r in results], ["conflict", "conflict"])
        self.assertRegex(results[1]["message"], r"is Declined: it cannot be sent")

    def test_quote_send(self):
        ops = [self.quote_op(), self.op(self.order, "quote_send", {})]
        ops[1]["payload"]["quote_ref"] = ops[0]["uuid"]
        results = self.push(self.tech, *ops)
        self.assertEqual([r["status"] for r in results], ["applied", "applied"])
        quote = self.order.quote_ids
        self.assertEqual(quote.state, "sent")
        # Sent again from another device (a new uuid): it stays sent.
        result, = self.push(self.tech, self.op(self.order, "quote_send", {"quote_id": quote.id}))
        self.assertEqual((result["status"], quote.state), ("applied", "sent"))

    def test_bad_payloads_are_refused_and_write_nothing(self):
        other = self.order_in_state("in_progress", user_id=self.tech2.id)
        note = self.op(self.order, "note", {"body": "A note"})
        refused_quote = self.op(self.order, "quote", {"options": []})
        self.push(self.tech, note, refused_quote)
        valve = self.valve.id
        cases = [
            ("quote", {}, r"payload.options must be a list of 1 to 3 options"),
            ("quote", {"options": self.options * 2}, r"1 to 3 options"),
            ("quote", {"options": [{"name": " ", "lines": [{"product_id": valve}]}]},
             r"Each option needs a name"),
            ("quote", {"options": [{"name": "Fix", "lines": []}]}, r"Fix needs 1 to 50 lines"),
            ("quote", {"options": [{"name": "Fix", "lines": [{"product_id": "x"}]}]},
             r"product_id must be a product id"),
            ("quote", {"options": [{"name": "Fix", "lines": [{"product_id": valve, "quantity": -1}]}]},
             r"quantity must be a positive number, got -1"),
            ("quote", {"options": [{"name": "Fix", "lines": [{"product_id": 2**31 - 1}]}]},
             r"Product 2147483647 does not exist"),
            ("quote", {"options": [{"name": "Fix", "lines": [{"product_id": self.unsold.id}]}]},
             r"Spare \(internal\) cannot be sold"),
            ("quote", {"options": self.options, "send": "yes"}, r"payload.send must be true or false"),
            ("quote_approve", {"quote_ref": note["uuid"], "option_index": 0, "signature": self.png,
                               "signer_name": "Casey"}, r"is not the uuid of a quote operation"),
            ("quote_approve", {"quote_ref": refused_quote["uuid"], "option_index": 0},
             r"made no quote \(it was refused\)"),
            ("quote_approve", {"option_index": 0}, r"Name the quote"),
            ("quote_send", {"quote_id": 2**31 - 1}, r"Quote 2147483647 is not a quote of"),
            ("collect_payment", {"amount": -5, "method": "cash"}, r"payload.amount must be"),
            ("collect_payment", {"amount": True, "method": "cash"}, r"payload.amount must be"),
            ("collect_payment", {"amount": 10.0, "method": "card"}, r"method must be one of cash, cheque"),
            ("collect_payment", {"amount": 10.0, "method": "cash", "reference": "<b>x</b>"},
             r"payload.reference"),
        ]
        results = self.push(self.tech, *[self.op(self.order, kind, payload) for kind, payload, _ in cases])
        for (kind, _payload, pattern), result in zip(cases, results, strict=True):
            self.assertEqual(result["status"], "error", f"{kind}: {pattern}")
            self.assertRegex(result["message"], pattern)
        # An order of another technician: its quotes are not theirs to make.
        result, = self.push(self.tech, self.op(other, "quote", {"options": self.options}))
        self.assertRegex(result["message"], r"does not exist or is not assigned to you")
        self.assertFalse(result["quote_id"])
        self.assertFalse((self.order | other).quote_ids)
        # Of a quote with two options, the third cannot be approved; without signature, none.
        quote_id = self.push(self.tech, self.quote_op(send=True))[0]["quote_id"]
        results = self.push(
            self.tech, self.approve_op(quote_id=quote_id, option_index=2),
            self.approve_op(quote_id=quote_id, option_index=0, signature=""),
        )
        self.assertEqual([r["status"] for r in results], ["error", "error"])
        self.assertRegex(results[0]["message"], r"option_index from 0 to 1")
        self.assertRegex(results[1]["message"], r"cannot be approved without the customer's signature")
        self.assertEqual(self.order.quote_ids.state, "sent")

    def test_pull_carries_quotes_and_the_customers_price_book(self):
        ops = [self.quote_op(), self.approve_op(option_index=1)]
        ops[1]["payload"]["quote_ref"] = ops[0]["uuid"]
        self.push(self.tech, *ops)
        walk_in = self.order_in_state(
            "scheduled", partner_id=self.walk_in.id, job_type_id=self.repair_type.id,
            material_ids=[Command.create({"product_id": self.unsold.id, "product_uom_qty": 1})],
        )
        done = self.order_in_state("done", partner_id=self.client.id, job_type_id=self.repair_type.id)
        orders = self.pull(self.tech)[0]
        self.assert_no_none(list(orders.values()))
        data, plain = orders[self.order.id], orders[walk_in.id]
        quote = self.order.quote_ids
        repair, replace = quote.option_ids
        self.assertEqual({key: data["quotes"][0][key] for key in (
            "id", "name", "state", "validity_date", "amount_total", "approved_option_id",
            "signer_name")}, {
            "id": quote.id, "name": quote.name, "state": "approved",
            "validity_date": fields.Date.to_string(quote.validity_date), "amount_total": 200.34,
            "approved_option_id": replace.id, "signer_name": "Casey Client",
        })
        self.assertEqual(
            [(o["id"], o["name"], o["amount_untaxed"], o["amount_tax"], o["amount_total"])
             for o in data["quotes"][0]["options"]],
            [(repair.id, "Repair", 72.0, 4.32, 76.32), (replace.id, "Replace", 189.0, 11.34, 200.34)],
        )
        self.assertEqual(data["quotes"][0]["options"][1]["lines"], [
            {"product_id": self.valve.id, "name": "Valve (sync)", "quantity": 1.0, "price_unit": 45.0,
             "price_subtotal": 45.0, "price_total": 47.7},
            {"product_id": self.hour.id, "name": "Repair Hour (sync)", "quantity": 2.0,
             "price_unit": 72.0, "price_subtotal": 144.0, "price_total": 152.64},
        ])
        currency = self.env.company.currency_id.name
        book_options = self.repair_type.option_ids
        self.assertEqual(data["price_book"], {
            "currency": currency,
            "options": [
                {"id": book_options[0].id, "name": "Repair", "lines": [
                    {"product_id": self.hour.id, "name": "Repair Hour (sync)", "quantity": 1.0,
                     "price_unit": 72.0, "tax_rate": 6.0}]},
                {"id": book_options[1].id, "name": "Replace", "lines": [
                    {"product_id": self.valve.id, "name": "Valve (sync)", "quantity": 1.0,
                     "price_unit": 45.0, "tax_rate": 6.0},
                    {"product_id": self.hour.id, "name": "Repair Hour (sync)", "quantity": 2.0,
                     "price_unit": 72.0, "tax_rate": 6.0}]},
            ],
            "products": [
                {"id": self.hour.id, "name": "Repair Hour (sync)", "uom": "Units",
                 "price_unit": 72.0, "tax_rate": 6.0},
                {"id": self.valve.id, "name": "Valve (sync)", "uom": "Units", "price_unit": 45.0,
                 "tax_rate": 6.0},
            ],
        })
        # Another customer, the list prices and the products' own taxes; a part that cannot be
        # sold is not offered.
        self.assertEqual(
            [(p["name"], p["price_unit"], p["tax_rate"]) for p in plain["price_book"]["products"]],
            [("Repair Hour (sync)", 80.0, 21.0), ("Valve (sync)", 50.0, 21.0)],
        )
        self.assertEqual((plain["quotes"], plain["payment"]), ([], False))
        # Nothing is quoted on a finished order: no price book.
        self.assertEqual(orders[done.id]["price_book"], {"currency": currency, "options": [], "products": []})
        self.assertIn("payment", data)
        # A dispatcher changes the price book: its open orders are delivered again.
        version = self.order.sync_version
        self.repair_type.option_ids[0].line_ids.with_user(self.dispatcher).quantity = 2
        self.order.invalidate_recordset(["sync_version"])
        self.assertGreater(self.order.sync_version, version)
