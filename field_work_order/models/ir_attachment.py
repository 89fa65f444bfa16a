"""Filestore writes that store the whole file or fail with an error the user can act on."""

import contextlib
import logging
import os
import uuid

from odoo import _, api, models
from odoo.exceptions import UserError

_logger = logging.getLogger(__name__)


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


class IrAttachment(models.Model):
    _inherit = "ir.attachment"

    @api.model
    def _file_write(self, bin_value, checksum):
        """Refuse the upload when the filestore cannot take it (full disk, read-only mount).

        Odoo's own write only logs such a failure: the attachment would point to an
        empty or truncated file, and every later upload of the same content would be
        refused as a collision with it. Photos from the phones, report PDFs and
        email attachments all come through here.
        """
        try:
            fname, full_path = self._get_path(bin_value, checksum)
            if not os.path.exists(full_path):
                # Marked first: the garbage collector drops the file if the transaction aborts.
                self._mark_for_gc(fname)
                _write_whole(full_path, bin_value)
        except OSError as error:
            _logger.error("Filestore write of %s failed: %s", checksum, error)
            raise UserError(_(
                "The server could not store the file: %(reason)s. Nothing was saved. Ask your "
                "administrator to free space on the server's file storage, then try again.",
                reason=error.strerror or error.__class__.__name__,
            )) from None
        return fname
