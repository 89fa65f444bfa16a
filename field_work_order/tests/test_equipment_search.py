from odoo.tests import tagged

from .common import WorkOrderCommon


@tagged("post_install", "-at_install")
class TestEquipmentSearch(WorkOrderCommon):
    """A typed serial or name finds the unit (trigram-indexed ``ilike`` on both)."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        other = cls.env["res.partner"].create({"name": "Zeta Bakery", "is_company": True})
        Equipment = cls.env["field.work.order.equipment"]
        cls.cooler = Equipment.create({
            "name": "Walk-in cooler", "partner_id": cls.customer.id, "service_partner_id": cls.site.id,
            "serial_number": "C-4471",
        })
        cls.boiler = Equipment.create({
            "name": "Boiler C-44", "partner_id": other.id, "serial_number": "B-1002",
        })
        cls.retired = Equipment.create({
            "name": "Old cooler", "partner_id": cls.customer.id, "serial_number": "C-4470",
            "active": False,
        })

    def test_name_search_by_serial_or_name(self):
        Equipment = self.env["field.work.order.equipment"].with_user(self.dispatcher)
        self.assertEqual(Equipment.name_search("C-4471"), [(self.cooler.id, "Walk-in cooler (C-4471)")])
        # "C-44" is in a name and in a serial: both found, the retired unit not.
        self.assertEqual({i for i, _n in Equipment.name_search("c-44")}, {self.boiler.id, self.cooler.id})
        self.assertEqual(Equipment.name_search("C-44", [("partner_id", "=", self.customer.id)]),
                         [(self.cooler.id, "Walk-in cooler (C-4471)")])
        self.assertEqual(len(Equipment.name_search("C-44", limit=1)), 1)
        self.assertEqual(Equipment.name_search("C-4471", operator="="), [(self.cooler.id, "Walk-in cooler (C-4471)")])
        self.assertEqual(Equipment.name_search("C-44", operator="="), [])
