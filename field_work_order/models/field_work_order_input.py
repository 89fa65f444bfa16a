"""One vocabulary for what callers send: texts, images, time zones, settings, sender limits.

Every door of the product (the customer portal, the subcontractor's portal,
the email intake, the sync API of the phones) takes texts and images from
people outside the company. They all check them with these methods of the
policy model (every model of ours inherits it), so a text or a photo refused
at one door is refused at every other, with the same sentence.
"""

import base64
import binascii
import math
import re

import pytz

from odoo import api, models
from odoo.exceptions import ValidationError
from odoo.tools import SQL
from odoo.tools.image import IMAGE_MAX_RESOLUTION, binary_to_image

MB = 1024 * 1024
#: The start of an HTML tag, comment or processing instruction: refused in plain texts.
MARKUP = re.compile(r"<\s*[a-zA-Z/!?]")
#: Pillow formats accepted as photos and signatures (the content decides, not the file name).
IMAGE_FORMATS = ("JPEG", "PNG", "GIF", "WEBP")
#: System parameters: (name, default) of the settings the doors read.
PORTAL_LIMIT = ("field_work_order.portal_max_per_hour", 5)
INTAKE_LIMIT = ("field_work_order.intake_max_per_hour", 5)
PHOTO_MAX_MB = ("field_work_order.portal_photo_max_mb", 10.0)


class FieldWorkOrderInput(models.AbstractModel):
    _inherit = "field.work.order.policy"

    # ------------------------------------------------------------------
    # Settings
    # ------------------------------------------------------------------
    @api.model
    def _fwo_setting(self, setting):
        """A numeric system parameter ``(name, default)``: a number >= 0, else its default.

        Read with sudo: system parameters are the administrator's, and a number tells nothing.
        """
        name, default = setting
        value = self.env["ir.config_parameter"].sudo().get_param(name)
        try:
            number = type(default)(value) if value else default
        except ValueError:
            return default
        return max(number, 0) if math.isfinite(number) else default

    @api.model
    def _fwo_portal_limit(self):
        """How many requests one portal user may send per hour."""
        return self._fwo_setting(PORTAL_LIMIT)

    @api.model
    def _fwo_intake_limit(self):
        """How many orders the emails of one sender may create per hour."""
        return self._fwo_setting(INTAKE_LIMIT)

    @api.model
    def _fwo_photo_max_bytes(self):
        """The largest photo or signature the portals accept, in bytes."""
        return int(self._fwo_setting(PHOTO_MAX_MB) * MB)

    # ------------------------------------------------------------------
    # Texts, images, time zones
    # ------------------------------------------------------------------
    @api.model
    def _fwo_text(self, value, label, limit, required=False, plain=True):
        """``value`` stripped, or "" when empty and not ``required``; refused with a sentence naming ``label``.

        ``plain``: markup (text between < and >) is refused, for the texts shown
        as typed. ``required``: True, or the sentence telling what is missing.
        """
        if value is None or value is False:
            value = ""
        if not isinstance(value, str):
            raise ValidationError(self.env._("%(field)s must be text.", field=label))
        text = value.strip()
        if not text and required:
            raise ValidationError(required if isinstance(required, str) else self.env._(
                "%(field)s is required.", field=label,
            ))
        if "\x00" in text:
            raise ValidationError(self.env._(
                "%(field)s contains a NUL character.", field=label,
            ))
        if plain and MARKUP.search(text):
            raise ValidationError(self.env._(
                "%(field)s cannot contain HTML or script tags (text between < and >): "
                "please write plain text.", field=label,
            ))
        if len(text) > limit:
            raise ValidationError(self.env._(
                "%(field)s is too long: at most %(limit)s characters.", field=label, limit=limit,
            ))
        return text

    @api.model
    def _fwo_image(self, data, label, max_bytes=None):
        """The raw bytes of a base64 image, refused unless it is a JPEG, PNG, GIF or WebP image.

        Odoo's image reader decides (an SVG, a PDF named .png or a broken file is
        no image), with Odoo's limit of pixels; ``max_bytes`` (default: the
        portal's setting) limits the decoded size.
        """
        if isinstance(data, bytes):
            data = data.decode("ascii", "replace")
        if not isinstance(data, str) or not data:
            raise ValidationError(self.env._("%(photo)s could not be read.", photo=label))
        try:
            content = base64.b64decode(data, validate=True)
        except (binascii.Error, ValueError):
            raise ValidationError(self.env._("%(photo)s could not be read.", photo=label)) from None
        limit = self._fwo_photo_max_bytes() if max_bytes is None else max_bytes
        if len(content) > limit:
            raise ValidationError(self.env._(
                "%(photo)s is too large (%(size).1f MB): photos may be at most %(limit).1f MB.",
                photo=label, size=len(content) / MB, limit=limit / MB,
            ))
        try:
            image = binary_to_image(content)  # Odoo's reader: no SVG, no PDF, no text
            image_format, (width, height) = image.format, image.size
            image.verify()  # a truncated or corrupt file fails here
        except Exception:  # noqa: BLE001 - Odoo's UserError, and Pillow's many kinds of errors
            image_format = None
        if image_format and width * height > IMAGE_MAX_RESOLUTION:
            raise ValidationError(self.env._(
                "%(photo)s has too many pixels: at most %(limit)s megapixels.",
                photo=label, limit=int(IMAGE_MAX_RESOLUTION / 1e6),
            ))
        if image_format not in IMAGE_FORMATS:
            raise ValidationError(self.env._(
                "%(photo)s is not a photo: send JPEG, PNG, GIF or WebP images.", photo=label,
            ))
        return content

    @api.model
    def _fwo_tz(self, *names):
        """The first of ``names`` that is a known time zone, else UTC."""
        return next((name for name in names if name in pytz.all_timezones_set), "UTC")

    # ------------------------------------------------------------------
    # Hourly limits per sender
    # ------------------------------------------------------------------
    @api.model
    def _fwo_hold_sender(self, key):
        """Serialize the requests of one sender (``key``) until this transaction ends.

        The hourly limits count the sender's orders, then create one: two requests at once
        would both count the same number. Odoo's transactions are REPEATABLE READ, so a lock
        alone is not enough (the second request counts on a snapshot taken before the first
        committed). Both write the sender's row instead: the second waits for the first,
        then PostgreSQL refuses it ("could not serialize"); Odoo retries it (RPC, web
        requests, mail gateway) and the retry counts the first one's order.
        """
        self.env.cr.execute(SQL(
            "INSERT INTO field_work_order_sender (key, touched) "
            "VALUES (%s, now() AT TIME ZONE 'UTC') "
            "ON CONFLICT (key) DO UPDATE SET touched = EXCLUDED.touched",
            key,
        ))

