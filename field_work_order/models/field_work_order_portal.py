"""The customer portal: the orders customers follow, request and sign on /my/work-orders.

Portal users only read their orders (access rights and record rules). What
they change goes through the two methods below, which check everything
themselves and then write with the superuser's rights: the controllers call
them, and so may any portal user over JSON-RPC or XML-RPC, with the same
result.
"""

import base64
from datetime import timedelta

from odoo import SUPERUSER_ID, Command, api, fields, models
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tools import consteq

from .field_work_order import CLOSED_STATES

PORTAL_MAX_PHOTOS = 10
TEXT_LIMITS = {"unit_number": 64, "description": 4000, "access_instructions": 1000}
ADDRESS_FIELDS = ("name", "street", "zip", "city")


class FieldWorkOrderPortal(models.Model):
    _name = "field.work.order"
    _inherit = ["field.work.order", "portal.mixin"]

    def _compute_access_url(self):
        for order in self:
            order.access_url = f"/my/work-orders/{order.id}"

    def _get_report_base_filename(self):
        self.ensure_one()
        return self.env._("Service Report - %(order)s", order=self.name.replace("/", "-"))

    @api.model
    def action_share(self):
        """Odoo's Share wizard (the order's portal link by email): the dispatchers' to send."""
        active_id = self.env.context.get("active_id")
        order = self.browse(active_id).exists() if self._fwo_is_id(active_id) else self.browse()
        if not order or self.env.context.get("active_model") != self._name:
            raise UserError(self.env._("Open a work order to share it."))
        order._check_dispatcher(self.env._("share"))
        return super().action_share()

    # ------------------------------------------------------------------
    # What the portal shows
    # ------------------------------------------------------------------
    def _portal_technician_name(self):
        """The lead technician's first name: customers get no more of the user."""
        self.ensure_one()
        # sudo: a first name only; portal users cannot read internal users.
        name = (self.sudo().user_id.name or "").strip()
        return name.split()[0] if name else ""

    def _portal_steps(self):
        """(label, status) of the public progress: status is "done", "current" or "todo"."""
        self.ensure_one()
        steps = [
            ("draft", self.env._("Requested")),
            ("scheduled", self.env._("Scheduled")),
            ("in_progress", self.env._("In Progress") if self.state != "on_hold" else self.env._("On Hold")),
            ("done", self.env._("Done")),
        ]
        position = {"draft": 0, "scheduled": 1, "in_progress": 2, "on_hold": 2,
                    "done": 3, "verified": 3}.get(self.state, -1)
        return [
            (label, "done" if index < position or position == 3 else
             "current" if index == position else "todo")
            for index, (_key, label) in enumerate(steps)
        ]

    def _portal_can_sign(self, visitor):
        """Done, not signed on site, and ``visitor`` (res.users) is the customer.

        The visitor is passed: the page renders the order as the superuser. The same
        rule as ``_portal_check_signer``, which refuses the others' signatures.
        """
        self.ensure_one()
        customer = visitor._is_public() or (
            visitor.share
            and visitor.commercial_partner_id == self.sudo().partner_id.commercial_partner_id
        )
        return customer and self.state in CLOSED_STATES and not self.signature

    @api.model
    def _portal_address_label(self, address):
        """"Annex: 5 Side Street, 1000 Brussels": the address's own name, then where it is."""
        # sudo: the customer's own addresses (checked by the callers), name and place only.
        address = address.sudo()
        place = ", ".join(filter(None, [
            address.street, address.street2, " ".join(filter(None, [address.zip, address.city])),
        ]))
        name = address.name or address.commercial_partner_id.name or ""
        return f"{name}: {place}" if place else name

    @api.model
    def _portal_addresses(self):
        """The addresses a portal user may choose: their commercial entity and its contacts."""
        commercial = self.env.user.partner_id.commercial_partner_id
        # sudo: the user's own company and addresses, searched by id only.
        return self.env["res.partner"].sudo().search(
            [("id", "child_of", commercial.id)], order="type, name, id",
        )

    # ------------------------------------------------------------------
    # What portal users do: each method checks everything, then writes.
    # ------------------------------------------------------------------
    @api.model
    def _portal_company(self):
        """The company a portal user's requests go to: their contact's, their company's, theirs."""
        user = self.env.user
        return (user.partner_id.company_id or user.partner_id.commercial_partner_id.company_id
                or user.company_id)

    @api.model
    def _portal_can_request(self):
        """A portal user who is not only a subcontractor: a vendor's users do jobs, not request them.

        A vendor that is our customer too (an order of theirs as the customer) may request.
        """
        user = self.env.user
        if not user.share or user._is_public():
            return False
        commercial = user.commercial_partner_id
        # sudo: whether the user's own company is a vendor or a customer of ours, counted only.
        Order = self.sudo().with_context(active_test=False)
        return not Order.search_count(
            [("subcontractor_id", "child_of", commercial.id)], limit=1,
        ) or bool(Order.search_count([("partner_id", "child_of", commercial.id)], limit=1))

    @api.model
    def _portal_check_user(self):
        if not self._portal_can_request():
            raise AccessError(self.env._("Work orders are requested here by customers with portal access."))

    @api.model
    def _portal_photo(self, photo, index):
        """(name, raw bytes) of one photo of a request: a dict with ``name`` and base64 ``data``."""
        if not isinstance(photo, dict):
            raise ValidationError(self.env._("Photo %(index)s could not be read.", index=index))
        name = photo.get("name") if isinstance(photo.get("name"), str) else ""
        label = name or self.env._("Photo %(index)s", index=index)
        return name[:200], self._fwo_image(photo.get("data"), label)

    @api.model
    def _portal_service_address(self, values, commercial):
        """The address chosen in the request: one of the customer's, or a new one (not created yet)."""
        address_id = values.get("service_partner_id")
        new_address = values.get("new_address")
        if address_id and new_address:
            raise ValidationError(self.env._("Choose one of your addresses or type a new one, not both."))
        if new_address:
            if not isinstance(new_address, dict):
                raise ValidationError(self.env._("The new address could not be read."))
            labels = {"name": self.env._("Address name"), "street": self.env._("Street"), "zip": self.env._("ZIP"),
                      "city": self.env._("City")}
            address = {
                key: self._fwo_text(new_address.get(key), labels[key], 128)
                for key in ADDRESS_FIELDS
            }
            if not (address["street"] and address["city"]):
                raise ValidationError(self.env._("A new address needs at least a street and a city."))
            return None, address
        if not address_id:
            raise ValidationError(self.env._("Choose the service location."))
        if not self._fwo_is_id(address_id):
            raise ValidationError(self.env._("This service location is not one of your addresses."))
        # sudo: only to tell whether the id is one of the user's own addresses.
        address = self.env["res.partner"].sudo().browse(address_id).exists()
        if not address or address.commercial_partner_id != commercial:
            raise ValidationError(self.env._("This service location is not one of your addresses."))
        return address, None

    @api.model
    def _portal_request_unit(self, values, commercial):
        """The customer's unit the request is about (``equipment_id``), if any, and the
        request's values with its site when the customer chose no address."""
        unit_id = values.get("equipment_id")
        Unit = self.env["field.work.order.equipment"]
        if not unit_id:
            return Unit, values
        # sudo: only to tell whether the id is one of the customer's own units.
        unit = self._fwo_is_id(unit_id) and Unit.sudo().with_context(
            active_test=False).browse(unit_id).exists()
        if not unit or unit.partner_id.commercial_partner_id != commercial:
            raise ValidationError(self.env._("This unit is not one of yours."))
        if not unit.active:
            raise ValidationError(self.env._(
                "%(unit)s is retired: it gets no more visits.", unit=unit.display_name))
        if unit.company_id != self._portal_company():
            raise ValidationError(self.env._(
                "%(unit)s is serviced by another company: please call us.",
                unit=unit.display_name))
        if not values.get("service_partner_id") and not values.get("new_address"):
            values = dict(values, service_partner_id=unit.service_partner_id.id)
        return unit, values

    @api.model
    def portal_create_request(self, values):
        """A draft order requested by the current portal user; returns its id.

        ``values``: ``service_partner_id`` (one of the user's addresses) or
        ``new_address`` (dict of name, street, zip, city), ``unit_number``,
        ``description``, ``access_instructions``, ``priority``, ``photos``
        (list of dicts with ``name`` and base64 ``data``), ``equipment_id`` (one of the
        customer's units in service, at the chosen address or giving it), ``job_type_id`` (one of
        ``_portal_job_types``), ``preferred_date_from``, ``preferred_date_to`` ("YYYY-MM-DD",
        not before today) and ``preferred_window`` ("morning", "afternoon"). Everything is
        checked before anything is written; then the order, the address and
        the photos are created with the superuser's rights, the dispatchers'
        board is told and the customer gets the request received email.
        """
        self._portal_check_user()
        if not isinstance(values, dict):
            raise ValidationError(self.env._("The request could not be read."))
        user = self.env.user
        partner = user.partner_id
        commercial = partner.commercial_partner_id
        # Until this transaction ends, the user's other requests wait: the count holds.
        self._fwo_hold_sender(f"portal:{user.id}")
        since = fields.Datetime.now() - timedelta(hours=1)
        # sudo: counting the user's own requests, whatever the record rules show.
        recent = self.sudo().with_context(active_test=False).search_count([
            ("create_uid", "=", user.id), ("create_date", ">=", since),
        ])
        if recent >= self._fwo_portal_limit():
            raise UserError(self.env._(
                "You already sent %(limit)s requests in the last hour: please wait a little "
                "or call us.", limit=self._fwo_portal_limit(),
            ))
        equipment, values = self._portal_request_unit(values, commercial)
        address, new_address = self._portal_service_address(values, commercial)
        if equipment and address != equipment.service_partner_id:
            raise ValidationError(self.env._(
                "%(unit)s is at %(site)s: request its visit at that address.",
                unit=equipment.display_name,
                site=self._portal_address_label(equipment.service_partner_id)))
        description = self._fwo_text(
            values.get("description"), self.env._("Description"), TEXT_LIMITS["description"],
            required=self.env._("Describe the job: what is wrong, what should be done."))
        unit = self._fwo_text(values.get("unit_number"), self.env._("Unit"), TEXT_LIMITS["unit_number"])
        access = self._fwo_text(values.get("access_instructions"), self.env._("Access instructions"),
                                   TEXT_LIMITS["access_instructions"])
        priority = values.get("priority") or "0"
        if priority not in dict(self._fields["priority"].selection):
            raise ValidationError(self.env._("Choose a priority from the list."))
        photos = values.get("photos") or []
        if not isinstance(photos, list):
            raise ValidationError(self.env._("The photos could not be read."))
        if len(photos) > PORTAL_MAX_PHOTOS:
            raise ValidationError(self.env._(
                "Send at most %(count)s photos with a request.", count=PORTAL_MAX_PHOTOS,
            ))
        images = [self._portal_photo(photo, index) for index, photo in enumerate(photos, 1)]
        company = self._portal_company()
        wishes = self._portal_request_wishes(values, company, self._fwo_tz(
            address and address.tz, partner.tz, company.partner_id.tz))

        # Everything is checked: write as the application (the portal user has read access only).
        trusted = self.sudo()._fwo_as_trusted().with_company(company)
        if new_address:
            address = trusted.env["res.partner"].create({
                **new_address,
                "name": new_address["name"] or new_address["street"],
                "parent_id": commercial.id,
                "type": "other",
                "company_id": commercial.company_id.id,
            })
        order = trusted.create({
            "company_id": company.id,
            "partner_id": partner.id,
            "service_partner_id": address.id,
            "unit_number": unit or False,
            "description": description,
            "access_instructions": access or False,
            "priority": priority,
            "equipment_ids": [Command.set(equipment.ids)],
            **wishes,
        })
        if images:
            trusted.env["field.work.order.photo"]._fwo_as_trusted().create([
                {"work_order_id": order.id, "kind": "before", "note": name or False,
                 "image": base64.b64encode(content)}
                for name, content in images
            ])
        order.message_subscribe(partner_ids=partner.ids)
        order.message_post(
            body=self.env._("Requested on the customer portal by %(customer)s.", customer=partner.name),
            author_id=partner.id, message_type="comment", subtype_xmlid="mail.mt_note",
        )
        order._notify_dispatchers()
        # Sent by the application as for email intake: Odoo never emails a message's author.
        order.with_user(SUPERUSER_ID)._notify_request_received()
        return order.id

    def _portal_check_signer(self, access_token):
        """Refuse anyone but the order's customer: a portal user of the customer, or a visitor
        (not logged in) holding the order's link (``access_token``).

        Whatever the environment: a technician, an accountant or a subcontractor's user may
        read the order (and its link), they still do not sign it as the customer.
        """
        self.ensure_one()
        user = self.env.user
        if not user.share:
            raise AccessError(self.env._(
                "The portal signature is the customer's: technicians sign on the order's form "
                "before completing it."
            ))
        if user._is_public():
            token = self.sudo().access_token
            if not (isinstance(access_token, str) and token and consteq(token, access_token)):
                raise AccessError(self.env._("This work order does not exist or the link is not valid."))
            return
        self.sudo(False).check_access("read")
        if user.commercial_partner_id != self.sudo().partner_id.commercial_partner_id:
            raise AccessError(self.env._(
                "%(order)s is signed by its customer: a subcontractor's users do not sign it.",
                order=self.sudo().name,
            ))

    def portal_sign(self, name, signature, access_token=None):
        """Sign a done order on the portal, once: the order must not be signed on site already.

        Only the order's customer signs here (``_portal_check_signer``): a
        portal user of the customer, or a visitor with the order's link
        (``access_token``). ``signature``: base64 image.
        """
        self.ensure_one()
        self._portal_check_signer(access_token)
        # Checked: read and write as the application (a visitor has no rights on the order).
        order = self.sudo()._fwo_as_trusted()
        if order.state not in CLOSED_STATES:
            raise UserError(self.env._(
                "%(order)s can be signed once the job is done.", order=order.name,
            ))
        if order.signature:
            raise UserError(self.env._("%(order)s is already signed.", order=order.name))
        signer = self._fwo_text(name, self.env._("Name"), 128, required=self.env._("Type your name to sign."))
        if not isinstance(signature, str) or not signature:
            raise ValidationError(self.env._("Draw your signature to sign."))
        content = self._fwo_image(signature, self.env._("The signature"))
        order.write({"signature": base64.b64encode(content), "signed_by": signer})
        user = self.env.user
        author = user.partner_id if not user._is_public() else order.partner_id
        order.message_post(
            body=self.env._("Signed on the customer portal by %(name)s.", name=signer),
            author_id=author.id, message_type="comment", subtype_xmlid="mail.mt_note",
        )
        order._notify_dispatchers()
        return True
