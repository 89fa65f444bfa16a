from odoo.exceptions import AccessError, UserError
from odoo.tests import TransactionCase, new_test_user, tagged

from .common import WorkOrderCommon, at
from .test_work_order_invoice import InvoiceCommon


@tagged("post_install", "-at_install")
class TestWorkOrderAnalysis(WorkOrderCommon):
    """Follow-ups and the analysis view on a small history whose numbers are known exactly."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company.fwo_first_fix_days = 30
        cls.filter.standard_price = 4.5
        cls.other_job_type = cls.env["field.work.order.job.type"].create({
            "name": "Plumbing", "planned_hours": 1.0,
        })
        cls.site_b = cls.env["res.partner"].create({
            "name": "Acme Offices, Depot", "parent_id": cls.customer.id, "type": "other",
        })
        cls.site_c = cls.env["res.partner"].create({
            "name": "Acme Offices, Shop", "parent_id": cls.customer.id, "type": "other",
        })
        # A: 2025-03-03, 1.5 h, on time, 2 filters used; gets a follow-up -> not fixed first time.
        cls.order_a = cls._done_order(
            "2025-03-01 08:00:00", "2025-03-03 09:00:00", "2025-03-03 10:30:00",
            service_partner_id=cls.site.id, deadline="2025-03-03 12:00:00", used=2.0,
        )
        # B: 2 h, late (deadline 10:00, completed 11:00); the next order at the same address and
        # job type comes 40 days later, outside the 30-day window -> fixed first time.
        cls.order_b = cls._done_order(
            "2025-04-01 08:00:00", "2025-04-01 09:00:00", "2025-04-01 11:00:00",
            service_partner_id=cls.site_b.id, deadline="2025-04-01 10:00:00",
        )
        cls.order_b_next = cls._requested("2025-05-11 11:00:00", service_partner_id=cls.site_b.id)
        # C: led by tech2, 1 h + hold + 1.5 h = 2.5 h of labor, 3 h on site, 3 filters; within the
        # window only an order of another job type and a cancelled one -> fixed first time.
        cls.order_c = cls._done_order(
            "2025-05-01 08:00:00", "2025-05-01 09:00:00", "2025-05-01 12:00:00",
            service_partner_id=cls.site_c.id, user_id=cls.tech2.id, used=3.0,
            hold=("2025-05-01 10:00:00", "2025-05-01 10:30:00"),
        )
        cls._requested(
            "2025-05-05 08:00:00", service_partner_id=cls.site_c.id, job_type_id=cls.other_job_type.id
        )
        cancelled = cls._requested("2025-05-06 08:00:00", service_partner_id=cls.site_c.id)
        cancelled.action_cancel()
        # The product gets dearer afterwards: past jobs keep the cost they had.
        cls.filter.standard_price = 10.0

    @classmethod
    def _done_order(cls, requested, start, end, used=0.0, hold=None, **vals):
        order = cls.create_order(scheduled_start=start, **vals)
        order.with_context(**at(requested)).action_schedule()
        as_lead = order.with_user(order.user_id)
        as_lead.with_context(**at(start)).action_start()
        if hold:
            as_lead.with_context(**at(hold[0])).action_hold()
            as_lead.with_context(**at(hold[1])).action_resume()
        as_lead.checklist_ids.write({"done": True})
        as_lead.material_ids.write({"quantity_used": used})
        as_lead.with_context(**at(end)).action_complete()
        cls._set_create_date(order, requested)
        return order

    @classmethod
    def _requested(cls, when, **vals):
        order = cls.create_order(scheduled_start=False, user_id=False, **vals)
        cls._set_create_date(order, when)
        return order

    @classmethod
    def _set_create_date(cls, order, when):
        # Orders requested in the past: the ORM always stamps create_date with now.
        order.flush_recordset()
        cls.env.cr.execute(
            "UPDATE field_work_order SET create_date = %s WHERE id = %s", (when, order.id)
        )
        order.invalidate_recordset(["create_date"])

    def _analysis(self, user=None, domain=None, groupby=()):
        self.env.flush_all()
        Analysis = self.env["field.work.order.analysis"].with_user(user or self.dispatcher)
        return Analysis.read_group(
            [("state", "in", ("done", "verified")), *(domain or [])],
            ["first_time_fix:avg", "labor_hours:sum", "planned_hours:sum", "time_on_site:avg",
             "days_to_complete:avg", "late:sum", "material_cost:sum"],
            list(groupby), lazy=False,
        )

    def test_create_followup(self):
        with self.assertRaisesRegex(UserError, "create a follow-up"):
            self._requested("2025-06-01 08:00:00").action_create_followup()
        with self.assertRaises(AccessError):
            self.order_a.with_user(self.tech).action_create_followup()
        self.order_a.write({
            "unit_number": "12B", "access_instructions": "Ring twice", "description": "No heat",
        })
        action = self.order_a.action_create_followup()
        followup = self.env["field.work.order"].browse(action["res_id"])
        self.assertEqual(followup.state, "draft")
        self.assertEqual(followup.parent_id, self.order_a)
        self.assertEqual(followup.partner_id, self.customer)
        self.assertEqual(followup.service_partner_id, self.site)
        self.assertEqual(followup.unit_number, "12B")
        self.assertEqual(followup.access_instructions, "Ring twice")
        self.assertEqual(followup.job_type_id, self.job_type)
        self.assertEqual(followup.description, f"Follow-up of {self.order_a.name}.\n\nNo heat")
        self.assertEqual(self.order_a.followup_ids, followup)
        self.assertEqual(self.order_a.followup_count, 1)
        self.assertEqual(self.order_a.action_view_followups()["domain"], [("parent_id", "=", self.order_a.id)])

    def test_analysis_numbers(self):
        self.order_a.action_create_followup()
        [total] = self._analysis()
        self.assertEqual(total["__count"], 3)
        # A has a follow-up; B and C were fixed the first time: 2 of 3.
        self.assertAlmostEqual(total["first_time_fix"], 200.0 / 3, places=6)
        self.assertAlmostEqual(total["labor_hours"], 1.5 + 2.0 + 2.5, places=6)
        self.assertAlmostEqual(total["planned_hours"], 6.0, places=6)
        self.assertAlmostEqual(total["time_on_site"], (1.5 + 2.0 + 3.0) / 3, places=6)
        self.assertEqual(total["late"], 1)
        # 2 + 3 filters at the 4.50 they cost when used (now 10.00).
        self.assertAlmostEqual(total["material_cost"], 22.5, places=6)
        # A: requested 2025-03-01 08:00, completed 2025-03-03 10:30.
        row_a = self.env["field.work.order.analysis"].browse(self.order_a.id)
        self.assertAlmostEqual(row_a.days_to_complete, 2 + 2.5 / 24, places=6)
        self.assertEqual(row_a.first_time_fix, 0.0)
        self.assertEqual(row_a.material_cost, 9.0)

        by_lead = {row["user_id"][0]: row for row in self._analysis(groupby=["user_id"])}
        self.assertEqual(by_lead[self.tech.id]["__count"], 2)
        self.assertAlmostEqual(by_lead[self.tech.id]["labor_hours"], 3.5, places=6)
        self.assertAlmostEqual(by_lead[self.tech.id]["first_time_fix"], 50.0, places=6)
        self.assertEqual(by_lead[self.tech2.id]["__count"], 1)
        self.assertAlmostEqual(by_lead[self.tech2.id]["first_time_fix"], 100.0, places=6)

        by_month = {row["date_completed:month"]: row["__count"]
                    for row in self._analysis(groupby=["date_completed:month"])}
        self.assertEqual(by_month, {"March 2025": 1, "April 2025": 1, "May 2025": 1})

        # Open orders are not counted in the rate (their first_time_fix is empty).
        [everything] = self.env["field.work.order.analysis"].with_user(self.dispatcher).read_group(
            [], ["first_time_fix:avg"], [], lazy=False,
        )
        self.assertEqual(everything["__count"], 7)
        self.assertAlmostEqual(everything["first_time_fix"], 200.0 / 3, places=6)

    def test_first_time_fix_window_is_a_setting(self):
        # With a 50-day window the order requested 40 days after B counts as a callback.
        self.company.fwo_first_fix_days = 50
        [total] = self._analysis()
        self.assertAlmostEqual(total["first_time_fix"], 200.0 / 3, places=6)  # A has no follow-up yet
        row_b = self.env["field.work.order.analysis"].browse(self.order_b.id)
        self.assertEqual(row_b.first_time_fix, 0.0)
        # A cancelled callback does not count: cancel the order that came after B.
        self.order_b_next.action_cancel()
        self._analysis()
        row_b.invalidate_recordset()
        self.assertEqual(row_b.first_time_fix, 100.0)

    def test_analysis_is_for_dispatchers(self):
        with self.assertRaises(AccessError):
            self._analysis(user=self.tech)


@tagged("post_install", "-at_install")
class TestWorkOrderAnalysisInvoiced(InvoiceCommon, TransactionCase):
    """Invoiced amount: untaxed, credit notes deducted, shared invoices split, cancelled ignored."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.setup_invoicing(cls.env)
        cls.accountant = new_test_user(
            cls.env, "fwo_ana_accountant", groups="base.group_user,account.group_account_invoice",
        )
        cls.tech_a = new_test_user(
            cls.env, "fwo_ana_tech", groups="base.group_user,field_work_order.group_technician",
        )

    def _order(self):
        # 1.5 h of labor, 2 air filters and a valve: 212.40 untaxed on the contract pricelist.
        return self.make_done_order(
            self.env, self.client, labor=[(self.tech_a, 1.5)],
            materials=[(self.part_incl, 2.0), (self.part_excl, 1.0)],
        )

    def _invoice(self, orders):
        action = orders.with_user(self.accountant).action_create_invoices()
        return self.env["account.move"].browse(action.get("res_id")) or self.env[
            "account.move"].search(action["domain"])

    def _invoiced(self, orders):
        self.env.flush_all()
        rows = self.env["field.work.order.analysis"].browse(orders.ids)
        rows.invalidate_recordset()
        return [round(amount, 2) for amount in rows.mapped("invoiced_amount")]

    def test_invoiced_amount(self):
        refunded, shared_a, shared_b, cancelled, not_invoiced = (self._order() for _i in range(5))
        invoice = self._invoice(refunded)
        self.assertAlmostEqual(invoice.amount_untaxed, 212.4, places=2)
        invoice.action_post()
        # Credit note for the valve only (41.40 untaxed).
        reversal = self.env["account.move.reversal"].with_context(
            active_model="account.move", active_ids=invoice.ids,
        ).create({"reason": "Valve returned", "journal_id": invoice.journal_id.id})
        reversal.refund_moves()
        credit_note = reversal.new_move_ids
        credit_note.write({"invoice_line_ids": [
            (2, line.id) for line in credit_note.invoice_line_ids if line.product_id != self.part_excl
        ]})
        credit_note.action_post()
        shared = self._invoice(shared_a | shared_b)
        self.assertAlmostEqual(shared.amount_untaxed, 424.8, places=2)
        self._invoice(cancelled).button_cancel()

        self.assertEqual(
            self._invoiced(refunded | shared_a | shared_b | cancelled | not_invoiced),
            [171.0, 212.4, 212.4, 0.0, 0.0],
        )

