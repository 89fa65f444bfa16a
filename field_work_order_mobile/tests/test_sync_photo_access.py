import base64

from odoo.tests import HttpCase, new_test_user, tagged

from odoo.addons.field_work_order.tests.common import PNG


@tagged("post_install", "-at_install")
class TestSyncPhotoAccess(HttpCase):
    """The photo url of the pull payload serves the image only to users who may read it."""

    def test_photo_download_checks_access(self):
        tech = new_test_user(self.env, "fwo_photo_tech",
                             groups="base.group_user,field_work_order.group_technician")
        new_test_user(self.env, "fwo_photo_other",
                      groups="base.group_user,field_work_order.group_technician")
        customer = self.env["res.partner"].create({"name": "Photo customer"})
        order = self.env["field.work.order"].create({"partner_id": customer.id, "user_id": tech.id})
        photo = self.env["field.work.order.photo"].create({"work_order_id": order.id, "image": PNG})
        url = order.with_user(tech).sync_pull()["orders"][0]["photos"][0]["url"]
        image = base64.b64decode(photo.image)

        self.authenticate("fwo_photo_tech", "fwo_photo_tech")
        response = self.url_open(f"{url}?download=1")
        self.assertEqual((response.status_code, response.content), (200, image))

        self.authenticate("fwo_photo_other", "fwo_photo_other")
        response = self.url_open(f"{url}?download=1")
        self.assertEqual(response.status_code, 404)
        self.assertNotEqual(self.url_open(url).content, image)  # a placeholder without download

        self.authenticate(None, None)
        self.assertNotEqual(self.url_open(url).content, image)
