"""The checks every door shares (texts, images, time zones, settings) and the filestore's scope."""

import base64
import errno
import glob
import io
import os
import time
from unittest.mock import patch

from PIL import Image

from odoo.exceptions import UserError, ValidationError
from odoo.tests import tagged

from .common import WorkOrderCommon


def image_b64(size=(8, 6), color=(10, 20, 30), fmt="PNG", mode="RGB"):
    buffer = io.BytesIO()
    Image.new(mode, size, color).save(buffer, format=fmt)
    return base64.b64encode(buffer.getvalue()).decode()


@tagged("post_install", "-at_install")
class TestInputVocabulary(WorkOrderCommon):

    def test_text(self):
        Policy = self.env["field.work.order"]
        self.assertEqual(Policy._fwo_text("  Boiler  ", "Unit", 10), "Boiler")
        self.assertEqual(Policy._fwo_text(False, "Unit", 10), "")
        self.assertEqual(Policy._fwo_text("a <b> tag", "Note", 20, plain=False), "a <b> tag")
        self.assertEqual(Policy._fwo_text("t < 5 degrees", "Note", 20), "t < 5 degrees")
        for value, kwargs, message in (
            ("", {"required": True}, "^Unit is required.$"),
            (" ", {"required": "Type your unit."}, "^Type your unit.$"),
            (42, {}, "^Unit must be text.$"),
            ("4\x00B", {}, "^Unit contains a NUL character.$"),
            ("<script>x</script>", {}, "^Unit cannot contain HTML or script tags"),
            ("x" * 11, {}, "^Unit is too long: at most 10 characters.$"),
        ):
            with self.subTest(value=value), self.assertRaisesRegex(ValidationError, message):
                Policy._fwo_text(value, "Unit", 10, **kwargs)

    def test_image(self):
        Policy = self.env["field.work.order"]
        self.env["ir.config_parameter"].set_param("field_work_order.portal_photo_max_mb", "1")
        png = image_b64()
        self.assertEqual(Policy._fwo_image(png, "P"), base64.b64decode(png))
        self.assertEqual(Policy._fwo_image(png.encode(), "P"), base64.b64decode(png))
        for fmt in ("JPEG", "GIF"):
            self.assertTrue(Policy._fwo_image(image_b64(fmt=fmt), "P"))
        svg = base64.b64encode(b'<svg xmlns="http://www.w3.org/2000/svg"><script>1</script></svg>')
        huge = image_b64((8000, 7000), 1, mode="1")  # small file, 56 megapixels
        for data, max_bytes, message in (
            (svg, None, "^P is not a photo: send JPEG, PNG, GIF or WebP images.$"),
            (base64.b64encode(b"%PDF-1.4 not an image"), None, "^P is not a photo"),
            (png[:41], None, "^P could not be read.$"),
            (png[: len(png) // 2 // 4 * 4], None, "^P is not a photo"),
            (None, None, "^P could not be read.$"),
            ("not base64!", None, "^P could not be read.$"),
            (huge, None, r"^P has too many pixels: at most 50 megapixels.$"),
            (png, 10, r"^P is too large \(0.0 MB\): photos may be at most 0.0 MB.$"),
            (image_b64((700, 700), fmt="BMP"), None, "^P is too large"),
        ):
            with self.subTest(message=message), self.assertRaisesRegex(ValidationError, message):
                Policy._fwo_image(data, "P", max_bytes)

    def test_time_zone_and_settings(self):
        Policy = self.env["field.work.order.policy"]
        self.assertEqual(Policy._fwo_tz(False, "Mars/Olympus", "Europe/Brussels"), "Europe/Brussels")
        self.assertEqual(Policy._fwo_tz(None, "nowhere"), "UTC")
        Param = self.env["ir.config_parameter"]
        for value, expected in (("3", 3), ("-2", 0), ("lots", 5), ("", 5)):
            Param.set_param("field_work_order.portal_max_per_hour", value)
            self.assertEqual(Policy._fwo_portal_limit(), expected)
        Param.set_param("field_work_order.portal_photo_max_mb", "0.5")
        self.assertEqual(Policy._fwo_photo_max_bytes(), 512 * 1024)
        for value in ("x", "inf", "nan"):
            Param.set_param("field_work_order.portal_photo_max_mb", value)
            self.assertEqual(Policy._fwo_photo_max_bytes(), 10 * 1024 * 1024)


@tagged("post_install", "-at_install")
class TestFilestoreScope(WorkOrderCommon):
    """The product's atomic, refusing write is for its own files only."""

    def _new_png(self, color):
        """PNG bytes no test stored yet, and where the filestore keeps them."""
        raw = base64.b64decode(image_b64((31, 17), color))
        checksum = self.env["ir.attachment"]._compute_checksum(raw)
        path = self.env["ir.attachment"]._full_path(f"{checksum[:2]}/{checksum}")
        self.assertFalse(os.path.exists(path))
        return raw, path

    def test_our_photo_is_refused_on_a_full_filestore(self):
        order = self.create_order()
        raw, path = self._new_png((201, 7, 99))
        calls = []

        def disk_full(fd, chunk):
            calls.append(len(chunk))
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

        Photo = self.env["field.work.order.photo"]
        with patch("odoo.addons.field_work_order.models.ir_attachment.os.write", disk_full), \
                self.assertLogs("odoo.addons.field_work_order.models.ir_attachment", "ERROR"), \
                self.assertRaisesRegex(UserError, "^The server could not store the file: "):
            Photo.create({"work_order_id": order.id, "image": base64.b64encode(raw)})
        self.assertEqual(len(calls), 1)
        self.assertEqual(Photo.search_count([("work_order_id", "=", order.id)]), 0)
        self.assertFalse(os.path.exists(path))
        self.assertEqual(glob.glob(f"{path}.*.tmp"), [])
        # With room on the disk, the same photo is stored whole, by the product's write.
        real_write = os.write
        with patch("odoo.addons.field_work_order.models.ir_attachment.os.write",
                   lambda fd, chunk: calls.append(len(chunk)) or real_write(fd, chunk)):
            photo = Photo.create({"work_order_id": order.id, "image": base64.b64encode(raw)})
        self.assertEqual(len(calls), 2)
        self.assertEqual(base64.b64decode(photo.image), raw)

    def test_stale_temporary_files_are_collected(self):
        """A write killed between its temporary file and the rename leaves the file: the gc drops it."""
        order = self.create_order()
        raw, path = self._new_png((77, 8, 150))
        photo = self.env["field.work.order.photo"].create(
            {"work_order_id": order.id, "image": base64.b64encode(raw)})
        self.assertTrue(os.path.isfile(path))
        stale, fresh = f"{path}.{'a' * 32}.tmp", f"{path}.{'b' * 32}.tmp"
        for tmp in (stale, fresh):
            with open(tmp, "wb") as handle:
                handle.write(raw[:10])
        self.addCleanup(lambda: [os.unlink(p) for p in (stale, fresh) if os.path.exists(p)])
        two_hours_ago = time.time() - 2 * 3600
        os.utime(stale, (two_hours_ago, two_hours_ago))
        self.env.flush_all()
        self.env["ir.attachment"]._gc_file_store_unsafe()
        self.assertFalse(os.path.exists(stale))
        self.assertTrue(os.path.exists(fresh), "a write in progress keeps its file")
        self.assertTrue(os.path.isfile(path), "the stored photo stays")
        self.assertEqual(base64.b64decode(photo.image), raw)
        self.assertEqual(glob.glob(f"{path}.*.tmp"), [fresh])

    def test_other_attachments_are_stored_by_odoo(self):
        partner = self.env["res.partner"].create({"name": "Not ours"})
        order = self.create_order()
        raw, path = self._new_png((3, 250, 9))
        other_raw, other_path = self._new_png((4, 251, 10))
        calls = []

        def disk_full(fd, chunk):
            calls.append(len(chunk))
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

        Attachment = self.env["ir.attachment"]
        with patch("odoo.addons.field_work_order.models.ir_attachment.os.write", disk_full):
            attachment = Attachment.create({
                "name": "card.png", "res_model": "res.partner", "res_id": partner.id, "raw": raw,
            })
            self.assertEqual(calls, [])
            self.assertTrue(os.path.exists(path))
            self.assertEqual(attachment.raw, raw)
            # Changing its content: Odoo's write again.
            attachment.raw = other_raw
            self.assertEqual(calls, [])
            self.assertTrue(os.path.exists(other_path))
            # A list mixing ours and others: each by its own write, in the order given.
            with self.assertRaisesRegex(UserError, "^The server could not store the file: "), \
                    self.assertLogs("odoo.addons.field_work_order.models.ir_attachment", "ERROR"):
                Attachment.create([
                    {"name": "a.txt", "res_model": "res.partner", "res_id": partner.id,
                     "raw": b"partner file 81d3"},
                    {"name": "b.txt", "res_model": "field.work.order", "res_id": order.id,
                     "raw": b"order file 81d3"},
                ])
        self.assertEqual(len(calls), 1)
        mixed = Attachment.create([
            {"name": "a.txt", "res_model": "res.partner", "res_id": partner.id,
             "raw": b"partner file 81d3"},
            {"name": "b.txt", "res_model": "field.work.order", "res_id": order.id,
             "raw": b"order file 81d3"},
        ])
        self.assertEqual(mixed.mapped("name"), ["a.txt", "b.txt"])
        self.assertEqual(mixed.mapped("raw"), [b"partner file 81d3", b"order file 81d3"])
