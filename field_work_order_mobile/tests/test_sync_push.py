import base64
import errno
import glob
import io
import os
from datetime import timedelta
from unittest.mock import patch

from PIL import Image

from odoo import fields
from odoo.tests import tagged

from .common import SyncCommon


@tagged("post_install", "-at_install")
class TestSyncPush(SyncCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.tracked = cls.env["product.product"].create({
            "name": "Valve", "type": "consu", "is_storable": True, "tracking": "lot",
        })
        cls.lot = cls.env["stock.lot"].create({"name": "LOT-7", "product_id": cls.tracked.id})

    def setUp(self):
        super().setUp()
        self.order = self.order_in_state("scheduled")
        self.backdate(self.order)
        # Device times on the day the order "was created" (see backdate).
        self.day = self.order.create_date.replace(hour=0, minute=0, second=0)

    def t(self, hhmm):
        hours, minutes = map(int, hhmm.split(":"))
        return fields.Datetime.to_string(self.day + timedelta(hours=hours, minutes=minutes))

    def notes(self, order):
        return order.message_ids.filtered(lambda m: m.message_type == "comment")

    def test_state_ops_use_device_time(self):
        line = self.order.checklist_ids.filtered("required")
        results = self.push(
            self.tech,
            self.op(self.order, "start", at=self.t("09:00")),
            self.op(self.order, "hold", at=self.t("10:00")),
            self.op(self.order, "resume", at=self.t("10:30")),
            self.op(self.order, "checklist", {"line_id": line.id, "done": True}, at=self.t("11:50")),
            self.op(self.order, "complete", at=self.t("12:00")),
        )
        self.assertEqual([r["status"] for r in results], ["applied"] * 5)
        self.assertEqual([r["message"] for r in results], [""] * 5)
        self.assertEqual(self.order.state, "done")
        self.assertEqual(results[-1]["current"], {"state": "done", "version": self.order.sync_version})
        self.assertEqual(results[-1]["version"], self.order.sync_version)
        self.assertEqual(
            [(fields.Datetime.to_string(line.date_start), fields.Datetime.to_string(line.date_end),
              line.duration) for line in self.order.labor_ids.sorted("date_start")],
            [(self.t("09:00"), self.t("10:00"), 1.0), (self.t("10:30"), self.t("12:00"), 1.5)],
        )
        self.assertEqual(fields.Datetime.to_string(self.order.date_started), self.t("09:00"))
        self.assertEqual(fields.Datetime.to_string(self.order.date_completed), self.t("12:00"))
        self.assertEqual((line.done_by, fields.Datetime.to_string(line.done_on)),
                         (self.tech, self.t("11:50")))
        log = self.env["field.work.order.sync.operation"].search([("order_id", "=", self.order.id)])
        self.assertEqual(log.mapped("status"), ["applied"] * 5)
        self.assertEqual(set(log.user_id.ids), {self.tech.id})

    def test_device_time_in_future_or_before_creation_is_refused(self):
        future, early, garbage = self.push(
            self.tech,
            self.op(self.order, "start", at=self.at(timedelta(hours=1))),
            self.op(self.order, "start", at=fields.Datetime.to_string(self.day - timedelta(days=1))),
            self.op(self.order, "start", at="yesterday"),
        )
        self.assertEqual([r["status"] for r in (future, early, garbage)], ["error"] * 3)
        self.assertIn("in the future", future["message"])
        self.assertIn("before", early["message"])
        self.assertIn("YYYY-MM-DD HH:MM:SS", garbage["message"])
        self.assertEqual(self.order.state, "scheduled")
        self.assertFalse(self.order.labor_ids)
        # A few minutes of clock skew are tolerated.
        ok, = self.push(self.tech, self.op(self.order, "start", at=self.at(timedelta(minutes=2))))
        self.assertEqual(ok["status"], "applied")

    def test_note(self):
        version = self.order.sync_version
        result, = self.push(self.tech, self.op(self.order, "note", {"body": "No access <b>today</b>\nCall back"},
                                               at=self.t("09:15")))
        self.assertEqual(result["status"], "applied")
        note = self.notes(self.order)
        self.assertEqual(len(note), 1)
        self.assertEqual(note.author_id, self.tech.partner_id)
        self.assertEqual(note.subtype_id, self.env.ref("mail.mt_note"))
        self.assertEqual(fields.Datetime.to_string(note.date), self.t("09:15"))
        self.assertIn("No access &lt;b&gt;today&lt;/b&gt;", str(note.body))
        self.assertGreater(self.order.sync_version, version)

    def test_material_adds_to_the_line_or_creates_one(self):
        planned = self.order.material_ids
        self.assertEqual((planned.product_id, planned.quantity_used), (self.filter, 0.0))
        results = self.push(
            self.tech,
            self.op(self.order, "material", {"product_id": self.filter.id, "quantity": 1.5}),
            self.op(self.order, "material", {"product_id": self.filter.id, "quantity": 1}),
            self.op(self.order, "material", {"product_id": self.tracked.id, "quantity": 2,
                                             "lot_name": "LOT-7"}),
            self.op(self.order, "material", {"product_id": self.tracked.id, "quantity": 1,
                                             "lot_name": "LOT-7"}),
            self.op(self.order, "material", {"product_id": self.tracked.id, "quantity": 1,
                                             "lot_name": "NOPE"}),
            self.op(self.order, "material", {"product_id": self.filter.id, "quantity": -1}),
        )
        self.assertEqual([r["status"] for r in results], ["applied"] * 4 + ["error"] * 2,
                         [r["message"] for r in results])
        self.assertEqual(results[4]["message"], "Lot/serial number NOPE does not exist for Valve.")
        self.assertIn("positive number", results[5]["message"])
        self.assertEqual(
            sorted((m.product_id.name, m.quantity_used, m.lot_id.name or False)
                   for m in self.order.sudo().material_ids),
            [("Filter", 2.5, False), ("Valve", 3.0, "LOT-7")],
        )

    def test_labor(self):
        result, = self.push(self.tech, self.op(self.order, "labor", {
            "date_start": self.t("13:00"), "date_end": self.t("14:30"), "description": "Travel",
        }))
        self.assertEqual(result["status"], "applied")
        line = self.order.labor_ids
        self.assertEqual((line.user_id, line.duration, line.description), (self.tech, 1.5, "Travel"))
        bad, = self.push(self.tech, self.op(self.order, "labor", {
            "date_start": self.t("15:00"), "date_end": self.t("14:00"),
        }))
        self.assertEqual((bad["status"], bad["message"]),
                         ("error", "payload.date_end is before payload.date_start."))
        self.assertEqual(len(self.order.labor_ids), 1)

    def test_photo_and_signature(self):
        ok, not_png, missing = self.push(
            self.tech,
            self.op(self.order, "photo", {"image": self.png, "kind": "before"}, at=self.t("09:05")),
            self.op(self.order, "photo", {"image": base64.b64encode(b"\x89PNG not really").decode()}),
            self.op(self.order, "photo", {"kind": "after"}),
        )
        self.assertEqual([r["status"] for r in (ok, not_png, missing)], ["applied", "error", "error"])
        self.assertEqual(not_png["message"], "The photo is not a photo: send JPEG, PNG, GIF or WebP images.")
        photo = self.order.photo_ids
        self.assertEqual((photo.kind, fields.Datetime.to_string(photo.taken_on)),
                         ("before", self.t("09:05")))
        self.assertTrue(photo.image)

        self.env["ir.config_parameter"].set_param("field_work_order_mobile.photo_max_mb", 1)
        big = base64.b64encode(b"\0" * (2 * 1024 * 1024)).decode()
        too_big, = self.push(self.tech, self.op(self.order, "photo", {"image": big}))
        self.assertEqual((too_big["status"], too_big["message"]),
                         ("error", "The photo is too large (2.0 MB): photos may be at most 1.0 MB."))
        self.assertEqual(len(self.order.photo_ids), 1)

        signed, = self.push(self.tech, self.op(
            self.order, "signature", {"image": self.png, "signed_by": "Ann Smith"}, at=self.t("16:00")
        ))
        self.assertEqual(signed["status"], "applied")
        self.assertEqual((self.order.signed_by, fields.Datetime.to_string(self.order.signed_on)),
                         ("Ann Smith", self.t("16:00")))
        self.assertTrue(self.order.signature)

    def test_photo_on_a_full_filestore(self):
        """A full disk refuses the photo clearly and leaves no partial file; a retry applies it once."""
        data = io.BytesIO()
        Image.new("RGB", (64, 48), (12, 160, 77)).save(data, "PNG")  # content no test stored
        image = base64.b64encode(data.getvalue()).decode()
        checksum = self.env["ir.attachment"]._compute_checksum(data.getvalue())
        path = self.env["ir.attachment"]._full_path(f"{checksum[:2]}/{checksum}")
        self.assertFalse(os.path.exists(path))
        real_write = os.write
        calls = []

        def disk_fills_up(fd, chunk):
            calls.append(len(chunk))
            if len(calls) == 1:  # the first bytes go in, then the disk is full
                return real_write(fd, bytes(chunk[:100]))
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

        op = self.op(self.order, "photo", {"image": image, "kind": "after"}, at=self.t("09:10"))
        with patch("odoo.addons.field_work_order.models.ir_attachment.os.write", disk_fills_up), \
                self.assertLogs("odoo.addons.field_work_order.models.ir_attachment", "ERROR"):
            refused, = self.push(self.tech, op)
        self.assertEqual(len(calls), 2)
        self.assertEqual(refused["status"], "error")
        self.assertEqual(refused["message"], (
            f"The server could not store the file: {os.strerror(errno.ENOSPC)}. Nothing was "
            "saved. Ask your administrator to free space on the server's file storage, then "
            "try again."
        ))
        self.assertEqual(len(self.order.photo_ids), 0)
        self.assertFalse(os.path.exists(path))
        self.assertEqual(glob.glob(f"{path}.*.tmp"), [])
        # The same uuid again answers the first result; the user's retry (a new uuid) applies.
        again, = self.push(self.tech, op)
        self.assertEqual((again["status"], again["first_status"]), ("duplicate", "error"))
        self.assertEqual(len(self.order.photo_ids), 0)
        retried, = self.push(self.tech, dict(op, uuid=op["uuid"] + "-retry"))
        self.assertEqual(retried["status"], "applied")
        self.assertEqual(len(self.order.photo_ids), 1)
        attachment = self.env["ir.attachment"].search([
            ("res_model", "=", "field.work.order.photo"), ("res_id", "=", self.order.photo_ids.id),
            ("res_field", "=", "image"),
        ])
        self.assertEqual(attachment.store_fname, f"{checksum[:2]}/{checksum}")
        with open(path, "rb") as stored:
            self.assertEqual(stored.read(), data.getvalue())

    def test_checklist_of_another_order_is_refused(self):
        other = self.create_order()
        line = other.checklist_ids[0]
        result, = self.push(self.tech, self.op(self.order, "checklist", {"line_id": line.id}))
        self.assertEqual(result["status"], "error")
        self.assertEqual(result["message"], f"Checklist line {line.id} is not on {self.order.name}.")
        self.assertFalse(line.done)

    def test_duplicates_apply_once(self):
        note = self.op(self.order, "note", {"body": "Once"})
        bad = self.op(self.order, "material", {"product_id": 999999, "quantity": 1})
        first = self.push(self.tech, note, bad)
        again = self.push(self.tech, note, bad)
        self.assertEqual([r["status"] for r in first], ["applied", "error"])
        self.assertEqual([r["status"] for r in again], ["duplicate", "duplicate"])
        self.assertEqual([r["first_status"] for r in again], ["applied", "error"])
        self.assertEqual(again[1]["message"], first[1]["message"])
        self.assertEqual(again[1]["message"], "Product 999999 does not exist.")
        self.assertEqual(len(self.notes(self.order)), 1)
        # The same uuid twice in one batch, too.
        twice = self.op(self.order, "note", {"body": "Twice"})
        results = self.push(self.tech, twice, twice)
        self.assertEqual([r["status"] for r in results], ["applied", "duplicate"])
        self.assertEqual(len(self.notes(self.order)), 2)
        # Another user cannot replay (or learn about) someone else's operation.
        stolen, = self.push(self.tech2, note)
        self.assertEqual(stolen["status"], "error")
        self.assertIn("already used by another user", stolen["message"])
        self.assertEqual(self.env["field.work.order.sync.operation"].search_count(
            [("order_id", "=", self.order.id)]), 3)

    def test_each_operation_in_its_own_savepoint(self):
        results = self.push(
            self.tech,
            self.op(self.order, "note", {"body": "First"}),
            # Starts (opening a labor line), then fails: everything it did is undone.
            self.op(self.order, "start", at=self.t("09:00")),
            self.op(self.order, "labor", {"date_start": self.t("09:30"), "date_end": False}),
            self.op(self.order, "note", {"body": "Third"}),
        )
        self.assertEqual([r["status"] for r in results], ["applied", "applied", "error", "applied"])
        self.assertEqual(len(self.notes(self.order)), 2)
        self.assertEqual(len(self.order.labor_ids), 1)
        log = self.env["field.work.order.sync.operation"].search(
            [("order_id", "=", self.order.id)], order="id")
        self.assertEqual(log.mapped("status"), ["applied", "applied", "error", "applied"])
        self.assertIn("payload.date_end", log[2].message)

    def test_state_conflict(self):
        self.push(self.tech, self.op(self.order, "start", at=self.t("09:00")))
        self.order.with_user(self.dispatcher).action_cancel()
        result, = self.push(self.tech, self.op(self.order, "hold", at=self.t("10:00")))
        self.assertEqual(result["status"], "conflict")
        self.assertIn("Cannot put on hold", result["message"])
        self.assertEqual(result["current"], {"state": "cancelled", "version": self.order.sync_version})
        self.assertEqual(self.order.state, "cancelled")
        # A refusal that is not about the state stays an error (required checklist item).
        other = self.order_in_state("in_progress")
        self.backdate(other)
        error, = self.push(self.tech, self.op(other, "complete"))
        self.assertEqual(error["status"], "error")
        self.assertIn("required checklist items are not done", error["message"])

    def test_on_my_way(self):
        """The technician's On My Way from the phone: a chatter note, the customer's email once."""
        self.company.fwo_notify_on_way = True
        self.order.partner_id.email = "customer@example.com"
        customer_mails = [("model", "=", "field.work.order"), ("res_id", "=", self.order.id),
                          ("recipient_ids.email", "=", "customer@example.com")]
        before = self.env["mail.mail"].search_count(customer_mails)
        first, second = self.push(self.tech, self.op(self.order, "on_my_way", at=self.t("08:40")),
                                  self.op(self.order, "on_my_way", at=self.t("08:45")))
        self.assertEqual((first["status"], second["status"]), ("applied", "applied"))
        self.assertEqual(self.order.state, "scheduled")
        note = self.env.ref("mail.mt_note")
        on_way = self.order.message_ids.filtered(lambda m: m.subtype_id == note and "is on the way" in str(m.body))
        self.assertEqual(len(on_way), 2)
        self.assertEqual(self.env["mail.mail"].search_count(customer_mails) - before, 1)
        # Once the job is under way the phone's On My Way is a conflict, as any late transition.
        self.push(self.tech, self.op(self.order, "start", at=self.t("09:00")))
        late, = self.push(self.tech, self.op(self.order, "on_my_way", at=self.t("09:05")))
        self.assertEqual(late["status"], "conflict")
        self.assertEqual(late["current"]["state"], "in_progress")

    def test_set_conflicts_only_on_the_same_field(self):
        base = self.order.sync_version
        self.order.with_user(self.dispatcher).unit_number = "12"
        same, other = self.push(
            self.tech,
            self.op(self.order, "set", {"fields": {"unit_number": "14"}}, base_version=base),
            self.op(self.order, "set", {"fields": {"site_contact_name": "Bob", "access_instructions":
                                                   "Key at reception"}}, base_version=base),
        )
        self.assertEqual((same["status"], other["status"]), ("conflict", "applied"))
        self.assertIn("unit_number changed on the server", same["message"])
        self.assertEqual((self.order.unit_number, self.order.site_contact_name,
                          self.order.access_instructions), ("12", "Bob", "Key at reception"))
        # With the version it has now seen, the technician may overwrite it.
        again, = self.push(self.tech, self.op(self.order, "set", {"fields": {"unit_number": "14"}},
                                              base_version=self.order.sync_version))
        self.assertEqual((again["status"], self.order.unit_number), ("applied", "14"))
        # The technician's own earlier edit is not a conflict with their next one.
        mine, = self.push(self.tech, self.op(self.order, "set", {"fields": {"unit_number": "15"}},
                                             base_version=base))
        self.assertEqual((mine["status"], self.order.unit_number), ("applied", "15"))
        refused, = self.push(self.tech, self.op(self.order, "set", {"fields": {"description": "x"}}))
        self.assertEqual(refused["status"], "error")
        self.assertIn("cannot be set from the app: description", refused["message"])

    def test_access_and_malformed_operations(self):
        theirs = self.order_in_state("scheduled", user_id=self.tech2.id)
        messages_before = len(theirs.message_ids)
        ops = [
            self.op(theirs, "note", {"body": "Sneaky"}),
            self.op(theirs, "start"),
            self.op(self.order, "fly"),
            {"order_id": self.order.id, "type": "note"},
            self.op(self.order, "note", {"body": 42}),
            dict(self.op(self.order, "note"), payload=[]),
            dict(self.op(self.order, "note", {"body": "x"}), order_id="7"),
            self.op(self.order, "material", {"product_id": "filter", "quantity": 1}),
            self.op(self.order, "checklist", {"line_id": self.order.checklist_ids[0].id, "done": "yes"}),
        ]
        results = self.push(self.tech, *ops)
        self.assertEqual([r["status"] for r in results], ["error"] * len(ops))
        self.assertEqual(
            results[0]["message"], f"Work order {theirs.id} does not exist or is not assigned to you."
        )
        self.assertEqual(results[0]["current"], False)  # nothing about others' orders leaks
        self.assertIn("Unknown operation type 'fly'", results[2]["message"])
        self.assertIn("uuid", results[3]["message"])
        self.assertEqual(results[4]["message"], "payload.body must be text.")
        self.assertEqual(results[5]["message"], "payload must be a dict.")
        self.assertIn("order_id must be a work order id", results[6]["message"])
        self.assertEqual(results[7]["message"], "payload.product_id must be a product id.")
        self.assertIn("done a boolean", results[8]["message"])
        theirs.invalidate_recordset()
        self.assertEqual((theirs.state, len(theirs.message_ids)), ("scheduled", messages_before))
        self.assertFalse(self.notes(self.order))
        for result in results:
            self.assert_no_none(result)
