"""A used quantity corrected from the phone before completion (issue #20).

The stock consumed and the invoice follow the corrected quantity; after
completion the correction is the office's.
"""

from odoo.fields import Command
from odoo.tests import tagged

from odoo.addons.field_work_order.tests.test_work_order_invoice import InvoiceCommon

from .common import SyncCommon


@tagged("post_install", "-at_install")
class TestSyncMaterialCorrection(SyncCommon, InvoiceCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.setup_invoicing(cls.env, " (correction)")
        cls.env.company.write({
            "fwo_signature_required": False, "fwo_invoice_at_completion": True,
            "fwo_callout_product_id": False,
        })
        cls.tech.action_fwo_create_van()
        cls.van = cls.tech.fwo_van_location_id
        cls.valve = cls.env["product.product"].create({
            "name": "Corrected Valve", "is_storable": True, "list_price": 46.0,
            "taxes_id": [Command.set(cls.tax_excl15.ids)],
        })
        cls.env["stock.quant"]._update_available_quantity(cls.valve, cls.van, 5)
        cls.order = cls.create_order(partner_id=cls.other_client.id, job_type_id=cls.tm_job_type.id)
        cls.order.with_user(cls.dispatcher).action_schedule()
        cls.other = cls.order_in_state("in_progress", partner_id=cls.other_client.id,
                                       job_type_id=cls.tm_job_type.id)

    def test_used_3_corrected_to_1_consumes_and_bills_1(self):
        add = self.op(self.order, "material", {"product_id": self.valve.id, "quantity": 3})
        fix = self.op(self.order, "material", {"line_id": 0, "quantity_used": 1})
        results = self.push(self.tech, self.op(self.order, "start"), add)
        self.assertEqual([r["status"] for r in results], ["applied", "applied"])
        order = self.Order.browse(self.order.id)  # as the test's admin: stock moves and invoices
        line = order.material_ids
        self.assertEqual(line.quantity_used, 3.0)

        fix["payload"]["line_id"] = line.id
        # The same correction twice in one push, then the add and the correction resent: once each.
        results = self.push(self.tech, fix, fix)
        self.assertEqual([r["status"] for r in results], ["applied", "duplicate"])
        results = self.push(self.tech, add, fix)
        self.assertEqual([r["status"] for r in results], ["duplicate", "duplicate"])
        self.assertEqual(line.quantity_used, 1.0)
        self.assertEqual(len(order.material_ids), 1)

        results = self.push(self.tech, self.op(self.order, "complete"))
        self.assertEqual(results[0]["status"], "applied", results[0]["message"])
        self.assertEqual(order.state, "done")
        moves = line.move_ids.filtered(lambda m: m.state == "done")
        self.assertEqual(sum(moves.mapped("quantity")), 1.0)
        self.assertEqual(moves.location_id, self.van)
        self.assertEqual(self.env["stock.quant"]._get_available_quantity(self.valve, self.van), 4.0)
        invoice = order.invoice_ids
        self.assertEqual(len(invoice), 1)
        valve_lines = invoice.invoice_line_ids.filtered(lambda line: line.product_id == self.valve)
        self.assertEqual(
            [(line.quantity, round(line.price_subtotal, 2), round(line.price_total, 2))
             for line in valve_lines],
            [(1.0, 46.0, 52.9)],
        )

        # Done: the stock is consumed, a correction now is the office's.
        results = self.push(self.tech, self.op(self.order, "material", {"line_id": line.id, "quantity_used": 2}))
        self.assertEqual(results[0]["status"], "error")
        self.assertRegex(results[0]["message"], r"is Done: its work is recorded\. Ask a dispatcher")
        self.assertEqual(line.quantity_used, 1.0)

    def test_corrections_refused_on_another_order_line_and_bad_values(self):
        line = self.env["field.work.order.material"].with_user(self.tech).create({
            "work_order_id": self.other.id, "product_id": self.valve.id, "quantity_used": 2,
        })
        refused = [
            ({"line_id": line.id, "quantity_used": 1}, rf"Material line {line.id} is not on "),
            ({"line_id": "x", "quantity_used": 1}, r"payload\.line_id must be a material line id"),
            ({"line_id": line.id, "quantity_used": -1},
             r"payload\.quantity_used must be a number from 0 to 1,000,000,000, got -1"),
            ({"line_id": line.id, "quantity_used": "1"}, r"payload\.quantity_used must be a number"),
            ({"line_id": line.id, "quantity_used": True}, r"payload\.quantity_used must be a number"),
            ({"line_id": line.id}, r"payload\.quantity_used must be a number"),
        ]
        # The first on this order (another's line); the bad values on the line's own order.
        ops = [self.op(self.order, "material", refused[0][0])] + [
            self.op(self.other, "material", payload) for payload, _msg in refused[1:]
        ]
        results = self.push(self.tech, *ops)
        for result, (_payload, message) in zip(results, refused, strict=True):
            self.assertEqual(result["status"], "error")
            self.assertRegex(result["message"], message)
        self.assertEqual(line.quantity_used, 2.0)
        # Zero is a correction too: nothing used after all.
        results = self.push(self.tech, self.op(self.other, "material", {"line_id": line.id, "quantity_used": 0}))
        self.assertEqual(results[0]["status"], "applied")
        self.assertEqual(line.quantity_used, 0.0)
