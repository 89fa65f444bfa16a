"""Filestore writes that store the whole file or fail with an error the user can act on.

Only for this product's own files: the attachments of our models (photos,
signatures, the reports it renders, the orders' chatter attachments). Every
other attachment of Odoo (invoices, other apps) is stored as Odoo stores it.
"""

import contextlib
import glob
import logging
import os
import time
import uuid

from odoo import api, models
from odoo.exceptions import UserError

from .field_work_order_policy import TRUSTED

_logger = logging.getLogger(__name__)

# A temporary file older than this was left by a write that was killed (no write takes an hour).
STALE_TMP_SECONDS = 3600


def _write_whole(path, data):
    """Write ``data`` next to ``path`` and rename it into place: never a partial file at ``path``."""
    tmp = f"{path}.{uuid.uuid4().hex}.tmp"
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666)
    try:
        try:
            view = memoryview(data)
            while view:
                view = view[os.write(fd, view):]
        finally:
            os.close(fd)
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise


def _ours(res_model):
    """Whether an attachment of ``res_model`` is one of this product's files."""
    return isinstance(res_model, str) and (
        res_model == "field.work.order" or res_model.startswith("field.work.order.")
    )


class IrAttachment(models.Model):
    _inherit = "ir.attachment"

    @api.model_create_multi
    def create(self, vals_list):
        """Our attachments are written by ``_fwo_file_write``, the others by Odoo."""
        ours = [_ours(vals.get("res_model")) for vals in vals_list]
        if not any(ours):
            return super().create(vals_list)
        if all(ours):
            writer = self.with_context(fwo_file_write=TRUSTED)
            return super(IrAttachment, writer).create(vals_list).with_env(self.env)
        return self.concat(*(self.create([vals]) for vals in vals_list))

    def _set_attachment_data(self, asbytes):
        ours = self.filtered(lambda attachment: _ours(attachment.res_model))
        if ours:
            super(IrAttachment, ours.with_context(fwo_file_write=TRUSTED))._set_attachment_data(
                asbytes)
        return super(IrAttachment, self - ours)._set_attachment_data(asbytes)

    def _gc_file_store_unsafe(self):
        """Odoo's collection, plus the temporary files of ``_write_whole`` a killed worker left."""
        res = super()._gc_file_store_unsafe()
        limit = time.time() - STALE_TMP_SECONDS
        removed = 0
        for path in glob.glob(os.path.join(glob.escape(self._filestore()), "*", "*.tmp")):
            with contextlib.suppress(OSError):
                if os.lstat(path).st_mtime < limit:
                    os.unlink(path)
                    removed += 1
        if removed:
            _logger.info("filestore gc: %d stale temporary files removed", removed)
        return res

    @api.model
    def _file_write(self, bin_value, checksum):
        if self.env.context.get("fwo_file_write") is TRUSTED:
            return self._fwo_file_write(bin_value, checksum)
        return super()._file_write(bin_value, checksum)

    @api.model
    def _fwo_file_write(self, bin_value, checksum):
        """Refuse the upload when the filestore cannot take it (full disk, read-only mount).

        Odoo's own write only logs such a failure: the attachment would point to an
        empty or truncated file, and every later upload of the same content would be
        refused as a collision with it. Photos from the phones, signatures, report
        PDFs and the orders' email attachments come through here.
        """
        try:
            fname, full_path = self._get_path(bin_value, checksum)
            if not os.path.exists(full_path):
                # Marked first: the garbage collector drops the file if the transaction aborts.
                self._mark_for_gc(fname)
                _write_whole(full_path, bin_value)
        except OSError as error:
            _logger.error("Filestore write of %s failed: %s", checksum, error)
            raise UserError(self.env._(
                "The server could not store the file: %(reason)s. Nothing was saved. Ask your "
                "administrator to free space on the server's file storage, then try again.",
                reason=error.strerror or error.__class__.__name__,
            )) from None
        return fname
