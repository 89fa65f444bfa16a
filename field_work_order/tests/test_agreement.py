"""Maintenance agreements: visit dates, generation exactly once, states, bad input (frozen time)."""

from datetime import date, datetime, timedelta
from unittest.mock import patch

from freezegun import freeze_time

from odoo import _
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import tagged

from .common import WorkOrderCommon


def d(text):
    return date.fromisoformat(text)


class AgreementCommon(WorkOrderCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company.partner_id.tz = "Europe/Brussels"
        # The cron takes every due agreement of the database: only this class's count here.
        cls.env["field.work.order.agreement"].search([]).active = False
        cls.tech.tz = "Europe/Brussels"
        Partner = cls.env["res.partner"]
        cls.site2 = Partner.create({
            "name": "Acme Offices, Depot", "parent_id": cls.customer.id, "type": "other",
        })
        cls.site3 = Partner.create({
            "name": "Acme Offices, Shop", "parent_id": cls.customer.id, "type": "delivery",
        })
        cls.sites = cls.site | cls.site2 | cls.site3
        cls.other_customer = Partner.create({"name": "Globex", "is_company": True})
        cls.visit_product = cls.env["product.product"].create({
            "name": "Maintenance Visit", "type": "service", "list_price": 999.0,
        })
        cls.Agreement = cls.env["field.work.order.agreement"].with_user(cls.dispatcher)

    @classmethod
    def agreement(cls, activate=True, **vals):
        defaults = {
            "name": "Filter change",
            "partner_id": cls.customer.id,
            "service_partner_ids": [(6, 0, cls.sites.ids)],
            "job_type_id": cls.job_type.id,
            "interval_number": 1,
            "interval_type": "month",
            "date_start": "2030-01-15",
            "lead_days": 14,
            "visit_hour": 9.0,
            "price_type": "none",
        }
        agreement = cls.Agreement.create({**defaults, **vals})
        if activate:
            agreement.action_activate()
        return agreement

    def run_cron(self, when):
        with freeze_time(when):
            self.env["field.work.order.agreement"]._cron_generate_orders()

    def orders(self, agreement):
        return self.env["field.work.order"].search(
            [("agreement_id", "=", agreement.id)], order="service_partner_id, visit_date"
        )

    def dates(self, agreement, site=None):
        orders = self.orders(agreement)
        if site:
            orders = orders.filtered(lambda o: o.service_partner_id == site)
        return [day.isoformat() for day in orders.mapped("visit_date")]


@tagged("post_install", "-at_install")
class TestAgreementGeneration(AgreementCommon):
    def test_fourteen_months_monthly_and_quarterly_three_sites(self):
        monthly = self.agreement(name="Monthly", date_start="2030-01-15")
        quarterly = self.agreement(name="Quarterly", date_start="2030-01-10", interval_number=3)
        # A run every Monday, 2030-01-07 to 2031-03-03: 61 runs.
        for week in range(61):
            self.run_cron(datetime(2030, 1, 7, 6, 0) + timedelta(weeks=week))
        # Last run on 2031-03-03: due up to 2031-03-17.
        expected_monthly = [f"{y}-{m:02d}-15" for y, m in (
            [(2030, m) for m in range(1, 13)] + [(2031, 1), (2031, 2), (2031, 3)]
        )]
        expected_quarterly = ["2030-01-10", "2030-04-10", "2030-07-10", "2030-10-10", "2031-01-10"]
        for site in self.sites:
            self.assertEqual(self.dates(monthly, site), expected_monthly)
            self.assertEqual(self.dates(quarterly, site), expected_quarterly)
        self.assertEqual(len(self.orders(monthly)), 45)
        self.assertEqual(len(self.orders(quarterly)), 15)
        self.assertEqual(monthly.order_count, 45)
        order = self.orders(quarterly)[0]
        self.assertEqual(order.state, "draft")
        self.assertEqual(order.partner_id, self.customer)
        self.assertEqual(order.job_type_id, self.job_type)
        self.assertFalse(order.billable)
        self.assertEqual(order.checklist_ids.mapped("name"), ["Check thermostat", "Clean vents"])
        self.assertEqual(
            [(m.product_id, m.product_uom_qty) for m in order.material_ids], [(self.filter, 2.0)]
        )
        # 09:00 in Brussels in winter is 08:00 UTC; in summer 07:00 UTC.
        by_date = {(o.service_partner_id, o.visit_date): o for o in self.orders(monthly)}
        self.assertEqual(by_date[self.site, d("2030-01-15")].scheduled_start,
                         datetime(2030, 1, 15, 8, 0))
        self.assertEqual(by_date[self.site, d("2030-07-15")].scheduled_start,
                         datetime(2030, 7, 15, 7, 0))

    def test_created_within_lead_time_only(self):
        agreement = self.agreement(date_start="2030-01-15", lead_days=10)
        self.run_cron("2030-01-04 12:00:00")  # due up to 2030-01-14
        self.assertEqual(len(self.orders(agreement)), 0)
        self.run_cron("2030-01-05 12:00:00")  # due up to 2030-01-15
        self.assertEqual(self.dates(agreement, self.site), ["2030-01-15"])
        self.assertEqual(len(self.orders(agreement)), 3)

    def test_lead_time_counts_in_company_time_zone(self):
        agreement = self.agreement(date_start="2030-01-15", lead_days=10)
        # 23:30 UTC on 2030-01-04 is already 2030-01-05 in Brussels.
        self.run_cron("2030-01-04 23:30:00")
        self.assertEqual(len(self.orders(agreement)), 3)

    def test_month_ends_clamp_from_the_start_date(self):
        agreement = self.agreement(
            date_start="2031-01-31", visit_count=6, service_partner_ids=[(6, 0, self.site.ids)],
        )
        self.run_cron("2031-12-01 08:00:00")
        self.assertEqual(self.dates(agreement), [
            "2031-01-31", "2031-02-28", "2031-03-31", "2031-04-30", "2031-05-31", "2031-06-30",
        ])

    def test_leap_years(self):
        monthly = self.agreement(
            date_start="2032-01-31", visit_count=3, service_partner_ids=[(6, 0, self.site.ids)],
        )
        yearly = self.agreement(
            date_start="2032-02-29", interval_type="year", date_end="2036-12-31",
            service_partner_ids=[(6, 0, self.site.ids)],
        )
        self.run_cron("2037-01-01 08:00:00")
        self.assertEqual(self.dates(monthly), ["2032-01-31", "2032-02-29", "2032-03-31"])
        self.assertEqual(self.dates(yearly), [
            "2032-02-29", "2033-02-28", "2034-02-28", "2035-02-28", "2036-02-29",
        ])

    def test_local_hour_stays_across_daylight_saving_changes(self):
        spring = self.agreement(
            date_start="2030-03-24", interval_type="week", visit_count=3, visit_hour=9.5,
            service_partner_ids=[(6, 0, self.site.ids)],
        )
        autumn = self.agreement(
            date_start="2030-10-20", interval_type="week", visit_count=3, visit_hour=9.5,
            service_partner_ids=[(6, 0, self.site.ids)], user_id=self.tech.id,
        )
        self.run_cron("2030-11-15 08:00:00")
        # Brussels: summer time from 2030-03-31, winter time from 2030-10-27.
        self.assertEqual(self.orders(spring).mapped("scheduled_start"), [
            datetime(2030, 3, 24, 8, 30), datetime(2030, 3, 31, 7, 30), datetime(2030, 4, 7, 7, 30),
        ])
        self.assertEqual(self.orders(autumn).mapped("scheduled_start"), [
            datetime(2030, 10, 20, 7, 30), datetime(2030, 10, 27, 8, 30),
            datetime(2030, 11, 3, 8, 30),
        ])
        # The preferred technician's visits are scheduled for them, for the job type's 2 hours.
        self.assertEqual(set(self.orders(autumn).mapped("state")), {"scheduled"})
        self.assertEqual(self.orders(autumn).user_id, self.tech)
        self.assertEqual(self.orders(autumn)[0].scheduled_end, datetime(2030, 10, 20, 9, 30))
        self.assertEqual(set(self.orders(spring).mapped("state")), {"draft"})

    def test_rerun_creates_no_duplicate(self):
        agreement = self.agreement(date_start="2030-01-15")
        with freeze_time("2030-03-10 08:00:00"):
            self.assertIs(agreement.action_generate_orders(), True)
            self.assertEqual(len(self.orders(agreement)), 9)  # Jan, Feb, Mar x 3 sites
            agreement.action_generate_orders()
            self.env["field.work.order.agreement"]._cron_generate_orders()
            self.assertFalse(agreement._generate_orders())
        self.assertEqual(len(self.orders(agreement)), 9)

    def test_site_added_later_starts_today(self):
        agreement = self.agreement(date_start="2030-01-15", service_partner_ids=[(6, 0, self.site.ids)])
        self.run_cron("2030-01-10 08:00:00")
        self.run_cron("2030-05-10 08:00:00")
        self.assertEqual(self.dates(agreement), ["2030-01-15", "2030-02-15", "2030-03-15", "2030-04-15",
                                                 "2030-05-15"])
        agreement.service_partner_ids = [(4, self.site2.id)]
        self.run_cron("2030-06-20 08:00:00")
        # The new site: no visits before it was added (June 20), the next one within the lead time.
        self.assertEqual(self.dates(agreement, self.site2), [])
        self.run_cron("2030-07-05 08:00:00")
        self.assertEqual(self.dates(agreement, self.site2), ["2030-07-15"])
        self.assertEqual(self.dates(agreement, self.site)[-2:], ["2030-06-15", "2030-07-15"])

    def test_unique_index_refuses_a_second_order_for_a_visit(self):
        agreement = self.agreement(date_start="2030-01-15")
        self.run_cron("2030-01-10 08:00:00")
        self.assertEqual(len(self.orders(agreement)), 3)
        # Even written past the ORM's checks, the same visit cannot exist twice; the
        # generation's fallback skips it and still creates the others.
        vals = [agreement._visit_vals(site, d("2030-01-15")) for site in self.sites]
        vals.append(agreement._visit_vals(self.site, d("2030-02-15")))
        created = agreement._create_visits(vals)
        self.assertEqual(created.mapped("visit_date"), [d("2030-02-15")])
        self.assertEqual(len(self.orders(agreement)), 4)

    def test_missed_five_weeks_catches_up_exactly(self):
        agreement = self.agreement(date_start="2030-01-07", interval_type="week", lead_days=7)
        self.run_cron("2030-01-07 05:00:00")  # due up to 2030-01-14
        self.assertEqual(self.dates(agreement, self.site), ["2030-01-07", "2030-01-14"])
        # No run for five weeks: the next run, on 2030-02-11, creates every missing visit.
        self.run_cron("2030-02-11 05:00:00")  # due up to 2030-02-18
        self.assertEqual(self.dates(agreement, self.site), [
            "2030-01-07", "2030-01-14", "2030-01-21", "2030-01-28", "2030-02-04", "2030-02-11",
            "2030-02-18",
        ])
        self.assertEqual(len(self.orders(agreement)), 21)

    def test_pause_resume_recurrence_change_end(self):
        agreement = self.agreement(date_start="2030-01-15")
        self.run_cron("2030-01-05 08:00:00")
        self.assertEqual(self.dates(agreement, self.site), ["2030-01-15"])
        with freeze_time("2030-02-05 08:00:00"):
            self.assertIs(agreement.action_pause(), True)
            self.assertEqual(agreement.state, "paused")
            with self.assertRaisesRegex(UserError, "only an active agreement creates visits"):
                agreement.action_generate_orders()
        self.run_cron("2030-03-05 08:00:00")
        self.assertEqual(self.dates(agreement, self.site), ["2030-01-15"])
        with freeze_time("2030-04-05 08:00:00"):
            self.assertIs(agreement.action_resume(), True)
        self.assertEqual(agreement.date_generate_from, d("2030-04-05"))
        self.run_cron("2030-04-05 09:00:00")
        # February and March were due during the pause: skipped.
        self.assertEqual(self.dates(agreement, self.site), ["2030-01-15", "2030-04-15"])
        # Every two months from now on: visits still counted from the first (Jan 15).
        agreement.interval_number = 2
        self.run_cron("2030-07-05 08:00:00")
        self.assertEqual(self.dates(agreement, self.site),
                         ["2030-01-15", "2030-04-15", "2030-05-15", "2030-07-15"])
        with freeze_time("2030-07-20 08:00:00"):
            self.assertIs(agreement.action_end(), True)
        self.assertEqual((agreement.state, agreement.date_end), ("ended", d("2030-07-20")))
        self.run_cron("2030-09-10 08:00:00")
        self.assertEqual(len(self.orders(agreement)), 12)
        with self.assertRaisesRegex(UserError, "Ended: only an active agreement creates visits"):
            agreement.action_generate_orders()
        self.assertEqual(len(self.orders(agreement)), 12)
        with self.assertRaisesRegex(UserError, "Cannot pause .* it is Ended"):
            agreement.action_pause()

    def test_cron_batches_and_skips_agreements_with_nothing_due(self):
        agreements = [self.agreement(name=f"Batch {n}", date_start="2030-01-15") for n in range(3)]
        Agreement = self.env["field.work.order.agreement"]
        with freeze_time("2030-01-10 08:00:00"):
            self.assertEqual(Agreement._cron_generate_orders(batch_size=2), (2, 1))
            self.assertEqual(Agreement._cron_generate_orders(batch_size=2), (1, 0))
            self.assertEqual(Agreement._cron_generate_orders(batch_size=2), (0, 0))
        self.assertEqual([len(self.orders(a)) for a in agreements], [3, 3, 3])
        # Next visit Feb 15, 14 days ahead: checked from Feb 1, 00:00 in Brussels.
        self.assertEqual(agreements[0].date_next_check, datetime(2030, 1, 31, 23, 0))
        with freeze_time("2030-01-31 22:59:00"):
            self.assertEqual(Agreement._cron_generate_orders(), (0, 0))
        with freeze_time("2030-01-31 23:00:00"):
            self.assertEqual(Agreement._cron_generate_orders(), (3, 0))
        self.assertEqual([len(self.orders(a)) for a in agreements], [6, 6, 6])
        # A change of recurrence makes the next run look at the agreement again.
        agreements[0].lead_days = 60
        with freeze_time("2030-02-01 08:00:00"):
            self.assertEqual(Agreement._cron_generate_orders(), (1, 0))
        self.assertEqual(self.dates(agreements[0], self.site),
                         ["2030-01-15", "2030-02-15", "2030-03-15"])

    def test_cron_goes_on_past_an_agreement_in_error(self):
        broken = self.agreement(name="Broken", date_start="2030-01-15")
        fine = self.agreement(name="Fine", date_start="2030-01-15")
        Agreement = type(self.env["field.work.order.agreement"])
        original = Agreement._create_visits

        def create_visits(agreement, vals_list):
            if agreement == broken:
                raise UserError(_("Preferred technician left"))
            return original(agreement, vals_list)

        with patch.object(Agreement, "_create_visits", create_visits), \
                freeze_time("2030-01-10 08:00:00"), \
                self.assertLogs("odoo.addons.field_work_order.models.field_work_order_agreement",
                                "WARNING") as logs:
            self.assertEqual(self.env["field.work.order.agreement"]._cron_generate_orders(), (2, 0))
        self.assertIn("Broken", logs.output[0])
        self.assertEqual((len(self.orders(broken)), len(self.orders(fine))), (0, 3))
        self.assertEqual(broken.date_next_check, datetime(2030, 1, 11, 8, 0))  # tried tomorrow
        self.run_cron("2030-01-11 08:00:00")
        self.assertEqual(len(self.orders(broken)), 3)

    def test_draft_creates_nothing(self):
        agreement = self.agreement(activate=False)
        self.run_cron("2030-03-01 08:00:00")
        self.assertEqual(len(self.orders(agreement)), 0)
        with self.assertRaisesRegex(UserError, "Draft: only an active agreement"):
            agreement.action_generate_orders()

    def test_visit_fields_only_the_application_writes(self):
        agreement = self.agreement(date_start="2030-01-15")
        self.run_cron("2030-01-10 08:00:00")
        order = self.orders(agreement)[0].with_user(self.dispatcher)
        for vals in ({"visit_date": "2030-01-16"}, {"agreement_id": False}):
            with self.assertRaisesRegex(AccessError, "the application sets them itself"):
                order.write(vals)
        with self.assertRaisesRegex(AccessError, "the application sets them itself"):
            self.create_order(agreement_id=agreement.id, visit_date="2030-02-15")
        with self.assertRaisesRegex(AccessError, "the application sets them itself"):
            agreement.write({"state": "draft"})
        with self.assertRaisesRegex(AccessError, "the application sets them itself"):
            agreement.write({"date_generate_from": "2030-01-01"})
        with self.assertRaisesRegex(UserError, "its customer, site and company cannot change"):
            order.service_partner_id = self.customer
        with self.assertRaisesRegex(UserError, "cancel it instead of deleting it"):
            order.unlink()
        order.action_cancel()
        self.assertEqual(order.state, "cancelled")
        with self.assertRaisesRegex(AccessError, "Only a dispatcher can generate"):
            agreement.with_user(self.tech).action_generate_orders()
        # The cancelled visit is not created again.
        self.run_cron("2030-01-11 08:00:00")
        self.assertEqual(len(self.orders(agreement)), 3)

    def test_bad_input(self):
        count = self.env["field.work.order.agreement"].search_count([])
        cases = [
            ({"date_start": "2030-05-01", "date_end": "2030-04-30"},
             ValidationError, r"ends \(2030-04-30\) before its first visit \(2030-05-01\)"),
            ({"interval_number": 0}, ValidationError, "repeat every 1 or more"),
            ({"interval_number": -2}, ValidationError, "not -2"),
            ({"service_partner_ids": [(6, 0, (self.site | self.other_customer).ids)]},
             ValidationError, "these sites are not addresses of Acme Offices: Globex"),
            ({"price_type": "none", "price": 50.0}, ValidationError, "covered .* cannot have a price"),
            ({"price_type": "per_visit", "price": 50.0}, ValidationError, "choose the invoice product"),
            ({"lead_days": -1}, ValidationError, "cannot be negative"),
        ]
        for vals, error, message in cases:
            with self.subTest(vals=vals), self.assertRaisesRegex(error, message):
                self.agreement(activate=False, **vals)
        no_site = self.agreement(activate=False, service_partner_ids=[])
        with self.assertRaisesRegex(UserError, "has no site"):
            no_site.action_activate()
        self.assertEqual(self.env["field.work.order.agreement"].search_count([]), count + 1)
        self.assertEqual(len(self.orders(no_site)), 0)
