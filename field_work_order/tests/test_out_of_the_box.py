from lxml import etree

from odoo.fields import Command
from odoo.modules.migration import load_script
from odoo.tests import TransactionCase, new_test_user, tagged
from odoo.tools.safe_eval import safe_eval


@tagged("post_install", "-at_install")
class TestOutOfTheBox(TransactionCase):
    """A new database: a dispatcher and an accountant do their job with no setup step.

    No settings are changed: the labor product, its price, taxes and income account are
    what installing the app (and Invoicing's generic chart of accounts) gives.
    """

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.labor = cls.env.ref("field_work_order.product_product_labor")
        cls.dispatcher = new_test_user(
            cls.env, "ootb_dispatcher", groups="base.group_user,field_work_order.group_dispatcher",
            name="Olga Dispatcher",
        )
        cls.tech = new_test_user(
            cls.env, "ootb_tech", groups="base.group_user,field_work_order.group_technician",
            name="Aaron Tech",
        )
        cls.helper = new_test_user(
            cls.env, "ootb_helper", groups="base.group_user,field_work_order.group_technician",
            name="Bea Helper",
        )
        cls.accountant = new_test_user(
            cls.env, "ootb_accountant", groups="base.group_user,account.group_account_invoice",
            name="Otto Accountant",
        )
        # Master data anyone enters on day one: a part the company sells.
        cls.part = cls.env["product.product"].create({
            "name": "OOTB Gasket", "type": "consu", "list_price": 12.5,
        })

    def test_default_labor_product(self):
        labor = self.labor
        self.assertEqual(labor.type, "service")
        self.assertEqual(labor.uom_id, self.env.ref("uom.product_uom_hour"))
        self.assertEqual(labor.uom_po_id, self.env.ref("uom.product_uom_hour"))
        self.assertTrue(labor.sale_ok)
        self.assertEqual(labor.list_price, 60.0)
        self.assertFalse(labor.company_id, "shared by every company")
        self.assertEqual(self.env.company.fwo_labor_product_id, labor)
        self.assertTrue(
            labor.with_company(self.env.company)._get_product_accounts()["income"],
            "the chart of accounts gives the labor product an income account",
        )
        # Companies created later get it too.
        company = self.env["res.company"].create({"name": "OOTB Second Company"})
        self.assertEqual(company.fwo_labor_product_id, labor)
        # Not once it is archived: the company then chooses its own.
        labor.active = False
        self.assertFalse(self.env["res.company"].create({"name": "OOTB Third"}).fwo_labor_product_id)

    def test_upgrade_gives_existing_companies_the_labor_product(self):
        """A database from before 18.0.1.1.0: its companies without one get the default product."""
        migration = load_script(
            "field_work_order/migrations/18.0.1.1.0/post-migrate.py", "fwo_post_migrate_1_1",
        )
        emptied = self.env["res.company"].create({"name": "OOTB Upgraded"})
        chosen = self.env["product.product"].create({"name": "OOTB Own Labor", "type": "service"})
        own = self.env["res.company"].create({
            "name": "OOTB Own Choice", "fwo_labor_product_id": chosen.id,
        })
        emptied.fwo_labor_product_id = False
        self.env.company.fwo_labor_product_id = False
        self.env.flush_all()
        # A new install (no version before) does nothing: its companies got the default already.
        migration.migrate(self.env.cr, None)
        self.env.invalidate_all()
        self.assertFalse(emptied.fwo_labor_product_id)
        migration.migrate(self.env.cr, "18.0.1.0.0")
        self.env.invalidate_all()
        self.assertEqual(emptied.fwo_labor_product_id.id, self.labor.id)
        self.assertEqual(self.env.company.fwo_labor_product_id.id, self.labor.id)
        self.assertEqual(own.fwo_labor_product_id.id, chosen.id, "a company's own choice stays")
        # An archived default is no default: the companies keep choosing their own.
        emptied.fwo_labor_product_id = False
        self.labor.active = False
        self.env.flush_all()
        migration.migrate(self.env.cr, "18.0.1.0.0")
        self.env.invalidate_all()
        self.assertFalse(emptied.fwo_labor_product_id)

    def test_dispatcher_then_accountant_without_setup(self):
        customer = self.env["res.partner"].with_user(self.dispatcher).create({
            "name": "OOTB Dental Clinic", "is_company": True,
        })
        Order = self.env["field.work.order"].with_user(self.dispatcher)
        order = Order.create({
            "partner_id": customer.id,
            "user_id": self.tech.id,
            "technician_ids": [Command.link(self.helper.id)],
            "scheduled_start": "2025-06-02 08:00:00",
            "material_ids": [Command.create({"product_id": self.part.id, "product_uom_qty": 2})],
        })
        self.assertEqual(order.labor_product_id, self.labor, "new orders take the default")
        order.action_schedule()
        self.assertEqual(order.state, "scheduled")
        order.action_start()
        self.assertEqual(order.state, "in_progress")
        order.material_ids.quantity_used = 3
        order.action_complete()
        self.assertEqual(order.state, "done")

        # The dispatcher corrects the lead's time and logs the helper's, with explicit times.
        self.assertEqual(order.labor_ids.user_id, self.tech)
        order.labor_ids.write({"date_start": "2025-06-02 08:00:00", "date_end": "2025-06-02 10:30:00"})
        order.labor_ids = [Command.create({
            "user_id": self.helper.id,
            "date_start": "2025-06-02 09:00:00", "date_end": "2025-06-02 10:00:00",
        })]
        self.assertEqual(order.labor_hours, 3.5)
        self.assertEqual(order.invoice_status, "to_invoice")

        action = order.with_user(self.accountant).action_create_invoices()
        invoice = self.env["account.move"].with_user(self.accountant).browse(action["res_id"])
        self.assertEqual(invoice.move_type, "out_invoice")
        self.assertEqual(invoice.state, "draft")
        self.assertEqual(invoice.partner_id, customer)
        lines = invoice.invoice_line_ids
        self.assertEqual(len(lines), 3)
        self.assertEqual(
            [(line.product_id, line.quantity, line.product_uom_id, line.price_unit) for line in lines],
            [
                (self.labor, 2.5, self.env.ref("uom.product_uom_hour"), 60.0),  # Aaron Tech
                (self.labor, 1.0, self.env.ref("uom.product_uom_hour"), 60.0),  # Bea Helper
                (self.part, 3.0, self.part.uom_id, 12.5),
            ],
        )
        self.assertIn("Aaron Tech", lines[0].name)
        self.assertIn("Bea Helper", lines[1].name)
        self.assertTrue(all(lines.account_id), "every line has an income account")
        self.assertEqual(invoice.amount_untaxed, 247.5)  # 2.5 h x 60 + 1 h x 60 + 3 x 12.50
        self.assertEqual(order.invoice_status, "invoiced")


@tagged("post_install", "-at_install")
class TestDispatcherBoard(TransactionCase):
    """Where each role lands, what the board folds, what the calendar shows."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.dispatcher = new_test_user(
            cls.env, "board_dispatcher_unit",
            groups="base.group_user,field_work_order.group_dispatcher",
        )
        cls.tech = new_test_user(
            cls.env, "board_tech_unit", groups="base.group_user,field_work_order.group_technician",
        )
        cls.accountant = new_test_user(
            cls.env, "board_accountant_unit", groups="base.group_user,account.group_account_invoice",
        )
        cls.customer = cls.env["res.partner"].create({"name": "Board Unit Customer"})

    def app_action(self, user):
        menus = self.env["ir.ui.menu"].with_user(user).load_web_menus(False)
        root = self.env.ref("field_work_order.field_work_order_menu_root")
        return self.env["ir.actions.actions"].browse(menus[root.id]["actionID"])

    def test_each_role_lands_on_its_board(self):
        """Dispatchers open the app on the dispatch board, accountants on the status board."""
        board = self.env.ref("field_work_order.field_work_order_action")
        dispatch = self.env.ref("field_work_order.field_work_order_dispatch_action")
        self.assertEqual(self.app_action(self.dispatcher).id, dispatch.id)
        self.assertEqual(self.app_action(self.accountant).id, board.id)
        self.assertEqual(
            self.app_action(self.tech).id, self.env.ref("field_work_order.field_work_order_action_my").id
        )
        self.assertIn("'search_default_to_do': 1", board.context)

    def test_to_do_filter_keeps_done_orders(self):
        Order = self.env["field.work.order"].with_user(self.dispatcher)
        order = Order.create({
            "partner_id": self.customer.id, "user_id": self.tech.id,
            "scheduled_start": "2030-04-01 08:00:00",
        })
        order.action_schedule()
        order.action_start()
        order.action_complete()
        arch = etree.fromstring(Order.get_view(view_type="search")["arch"])
        [to_do] = arch.xpath("//filter[@name='to_do']")
        self.assertIn(order, Order.search(safe_eval(to_do.get("domain"))), "done: to verify")
        order.action_verify()
        self.assertNotIn(order, Order.search(safe_eval(to_do.get("domain"))))

    def test_end_states_fold(self):
        groups = self.env["field.work.order"].with_user(self.dispatcher).web_read_group(
            [], ["state"], ["state"],
        )["groups"]
        folded = {group["state"]: group.get("__fold", False) for group in groups}
        self.assertEqual(folded, {
            "draft": False, "scheduled": False, "in_progress": False, "on_hold": False,
            "done": False, "verified": True, "cancelled": True,
        })

    def test_calendar_entries_name_the_customer(self):
        order = self.env["field.work.order"].with_user(self.dispatcher).create({
            "partner_id": self.customer.id,
        })
        self.assertEqual(order.calendar_title, f"Board Unit Customer - {order.name}")
        arch = self.env["field.work.order"].get_view(view_type="calendar")["arch"]
        self.assertIn('create_name_field="calendar_title"', arch)
