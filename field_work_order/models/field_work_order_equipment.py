import base64

from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError, ValidationError

from .field_work_order_policy import rpc_checked


class FieldWorkOrderEquipment(models.Model):
    """A unit the customer owns at one of its sites: what the work is about.

    Its history is the work orders that name it (``order_ids``), their readings,
    parts and photos. Technicians add units found on their own orders' sites;
    ownership, warranty and serials of existing units are the office's.
    """

    _name = "field.work.order.equipment"
    _description = "Customer Equipment"
    _inherit = [
        "portal.mixin", "mail.thread", "mail.activity.mixin", "image.mixin",
        "field.work.order.policy",
    ]
    _order = "service_partner_id, name, id"
    _check_company_auto = True
    _rec_names_search = ["name", "serial_number"]
    # What a technician sets on a unit they add on site (``_check_technician_create``);
    # on existing units they write nothing but its notes and photo.
    _fwo_technician_create_fields = frozenset({
        "name", "partner_id", "service_partner_id", "location_note", "product_id",
        "manufacturer", "serial_number", "note", "image_1920", "company_id",
    })
    _fwo_technician_fields = frozenset({"location_note", "note", "image_1920"})

    # Trigram indexes (as stock.lot's name): a typed name or serial is an ``ilike``.
    name = fields.Char(required=True, tracking=True, index="trigram")
    active = fields.Boolean(
        default=True, tracking=True,
        help="Retired units are archived: they keep their history and get no more visits.",
    )
    company_id = fields.Many2one(
        "res.company", required=True, index=True, default=lambda self: self.env.company
    )
    partner_id = fields.Many2one(
        "res.partner", string="Owner", required=True, index=True, tracking=True,
        check_company=True, help="The customer who owns the unit.",
    )
    service_partner_id = fields.Many2one(
        "res.partner", string="Site", required=True, index=True, tracking=True, check_company=True,
        compute="_compute_service_partner_id", store=True, readonly=False, precompute=True,
        domain="[('id', 'child_of', partner_id)]",
        help="The service address where the unit is installed.",
    )
    location_note = fields.Char(string="Location on Site", help='For example "Roof, east side".')
    product_id = fields.Many2one(
        "product.product", string="Product / Model", index="btree_not_null", check_company=True,
        tracking=True,
    )
    manufacturer = fields.Char()
    serial_number = fields.Char(
        index="btree_not_null", tracking=True, copy=False,
        help="Unique per product and company.",
    )
    lot_id = fields.Many2one(
        "stock.lot", string="Sold Lot/Serial", check_company=True, tracking=True, copy=False,
        domain="[('product_id', '=', product_id)]",
        help="The lot or serial number of the product sold from stock, when it was.",
    )
    install_date = fields.Date(tracking=True)
    warranty_end = fields.Date(tracking=True)
    under_warranty = fields.Boolean(
        compute="_compute_under_warranty", search="_search_under_warranty",
        help="The warranty has not ended today.",
    )
    note = fields.Html(string="Notes")
    order_ids = fields.Many2many(
        "field.work.order", "field_work_order_equipment_rel", "equipment_id", "work_order_id",
        string="Work Orders", readonly=True, copy=False,
        help="Every work order about this unit: its service history.",
    )
    order_count = fields.Integer(compute="_compute_order_count", string="Visits")
    reading_ids = fields.One2many(
        "field.work.order.reading", "equipment_id", string="Readings", readonly=True
    )
    reading_count = fields.Integer(compute="_compute_history_counts", string="Reading Count")
    material_count = fields.Integer(compute="_compute_history_counts", string="Parts Replaced")
    photo_count = fields.Integer(compute="_compute_history_counts", string="Photos")

    _sql_constraints = [
        ("warranty_after_install",
         "CHECK (warranty_end IS NULL OR install_date IS NULL OR warranty_end >= install_date)",
         "The warranty cannot end before the unit was installed."),
    ]

    def init(self):
        # One serial per product (or per company for units without a product); the
        # constraint below says it in words, this index holds under concurrent writes.
        self.env.cr.execute("""
            CREATE UNIQUE INDEX IF NOT EXISTS field_work_order_equipment_serial_uniq
            ON field_work_order_equipment (company_id, COALESCE(product_id, 0), serial_number)
            WHERE serial_number IS NOT NULL AND serial_number != ''
        """)
        # A typed part of a serial (the app's and the office's search) as well as an exact
        # one (the b-tree of the field): both answer at 100,000 units (docs/performance.md).
        if self.env.registry.has_trigram:
            self.env.cr.execute("""
            CREATE INDEX IF NOT EXISTS field_work_order_equipment_serial_number_trgm
            ON field_work_order_equipment USING gin (serial_number gin_trgm_ops)
            """)

    @api.depends("partner_id")
    def _compute_service_partner_id(self):
        for unit in self:
            if not unit.service_partner_id or (
                unit.service_partner_id.commercial_partner_id
                != unit.partner_id.commercial_partner_id
            ):
                unit.service_partner_id = unit.partner_id

    @api.depends("warranty_end")
    @api.depends_context("date")
    def _compute_under_warranty(self):
        for unit in self:
            unit.under_warranty = unit._fwo_under_warranty()

    def _search_under_warranty(self, operator, value):
        if operator not in ("=", "!="):
            raise ValidationError(self.env._("Search units under warranty with = or != only."))
        positive = (operator == "=") == bool(value)
        today = fields.Date.context_today(self)
        if positive:
            return [("warranty_end", ">=", today)]
        return ["|", ("warranty_end", "=", False), ("warranty_end", "<", today)]

    def _fwo_under_warranty(self, date=None):
        """Whether the unit is under warranty on ``date`` (today by default)."""
        self.ensure_one()
        date = date or fields.Date.context_today(self)
        if isinstance(date, str):
            date = fields.Date.to_date(date)
        return bool(self.warranty_end and self.warranty_end >= date)

    def _compute_order_count(self):
        counts = dict(self.env["field.work.order"]._read_group(
            [("equipment_ids", "in", self.ids)], ["equipment_ids"], ["__count"]
        )) if self.ids else {}
        for unit in self:
            unit.order_count = counts.get(unit, 0)

    def _compute_history_counts(self):
        """The smart buttons' counts: one grouped query per kind of history, not per unit."""
        counts = {}
        for fname, model in (("reading_count", "field.work.order.reading"),
                             ("material_count", "field.work.order.material"),
                             ("photo_count", "field.work.order.photo")):
            counts[fname] = dict(self.env[model]._read_group(
                [("equipment_id", "in", self.ids)], ["equipment_id"], ["__count"]
            )) if self.ids else {}
        for unit in self:
            for fname, by_unit in counts.items():
                unit[fname] = by_unit.get(unit, 0)

    def _fwo_check_serials(self, keys):
        """Refuse a serial another unit of the same product (or without one) of the company
        has, retired units included, before the unique index would: its error names no unit.

        ``keys``: the (company id, product id, serial) each unit is about to have.
        """
        keys = [(company, product or False, serial) for company, product, serial in keys if serial]
        if not keys:
            return
        wanted = set()
        for key in keys:
            if key in wanted:
                raise ValidationError(self.env._(
                    "The serial number %(serial)s is given to two units.", serial=key[2],
                ))
            wanted.add(key)
        clashes = self.sudo().with_context(active_test=False).search([
            ("serial_number", "in", [serial for _company, _product, serial in keys]),
            ("company_id", "in", [company for company, _product, _serial in keys]),
            ("id", "not in", self.ids),
        ])
        for other in clashes:
            if (other.company_id.id, other.product_id.id, other.serial_number) in wanted:
                raise ValidationError(self.env._(
                    "The serial number %(serial)s is already used by the unit %(unit)s.",
                    serial=other.serial_number, unit=other.display_name,
                ))

    @api.constrains("partner_id", "service_partner_id")
    def _check_site(self):
        for unit in self:
            if unit.service_partner_id.commercial_partner_id != unit.partner_id.commercial_partner_id:
                raise ValidationError(self.env._(
                    "%(unit)s: the site %(site)s is not an address of the owner %(owner)s.",
                    unit=unit.name, site=unit.service_partner_id.display_name,
                    owner=unit.partner_id.display_name,
                ))

    @api.depends("name", "serial_number")
    def _compute_display_name(self):
        for unit in self:
            unit.display_name = (
                f"{unit.name} ({unit.serial_number})" if unit.serial_number else unit.name
            )

    @api.model_create_multi
    def create(self, vals_list):
        # The access rights first: a customer's portal user is refused as such, not as a technician.
        self.check_access("create")
        vals_list = self._fwo_vals_list(vals_list)
        for vals in vals_list:
            self._fwo_check_technician_create(vals)
        company = self.default_get(["company_id"]).get("company_id")
        self._fwo_check_serials([
            (vals.get("company_id") or company, vals.get("product_id"), vals.get("serial_number"))
            for vals in vals_list
        ])
        return super().create(vals_list)

    def write(self, vals):
        self.check_access("write")
        self._fwo_check_write(vals)
        if self._fwo_restricted():
            for unit in self:
                unit._fwo_check_technician_site(unit.service_partner_id)
        if {"serial_number", "product_id", "company_id"}.intersection(vals):
            self._fwo_check_serials([(
                vals.get("company_id", unit.company_id.id), vals.get("product_id", unit.product_id.id),
                vals.get("serial_number", unit.serial_number),
            ) for unit in self])
        return super().write(vals)

    @rpc_checked
    def action_archive(self):
        """Retire the unit: it keeps its history and gets no more visits."""
        super().action_archive()
        return True  # XML-RPC cannot marshal Odoo's None, and would fault after the commit

    @rpc_checked
    def action_unarchive(self):
        super().action_unarchive()
        return True

    @api.model
    def action_share(self):
        """Odoo's Share wizard (the unit's portal link by email): the dispatchers' to send."""
        active_id = self.env.context.get("active_id")
        unit = self.browse(active_id).exists() if self._fwo_is_id(active_id) else self.browse()
        if not unit or self.env.context.get("active_model") != self._name:
            raise UserError(self.env._("Open a unit to share it."))
        unit.check_access("read")
        self._fwo_check_dispatcher(self.env._("share equipment"))
        return super().action_share()

    def unlink(self):
        self._fwo_check_dispatcher(self.env._("delete equipment (retire it instead)"))
        return super().unlink()

    @api.model
    def _fwo_check_technician_create(self, vals):
        """A technician adds a unit found on a site of one of their open orders, nothing more."""
        self._fwo_check_values(vals)
        if not self._fwo_restricted():
            return
        refused = set(vals) - self._fwo_technician_create_fields
        if refused:
            raise AccessError(self.env._(
                "Only a dispatcher can set %(fields)s on %(model)s.",
                fields=self._fwo_field_names(refused), model=self._fwo_model_label(),
            ))
        site = self.env["res.partner"].browse(vals.get("service_partner_id") or vals.get("partner_id"))
        self._fwo_check_technician_site(site)

    @api.model
    def _fwo_check_technician_site(self, site):
        """Refuse a technician's change of units outside the sites of their open orders."""
        if not site or not self.env["field.work.order"].search_count([
            ("technician_ids", "in", self.env.uid),
            ("state", "in", ("scheduled", "in_progress", "on_hold")),
            ("service_partner_id", "=", site.id),
        ], limit=1):
            raise AccessError(self.env._(
                "A technician can add or change units only at the site of one of their open "
                "work orders."
            ))

    def _fwo_history_action(self, xmlid, name, domain, **values):
        """A window on the unit's history, read with the caller's rights."""
        self.ensure_one()
        self.check_access("read")
        action = self.env["ir.actions.act_window"]._for_xml_id(xmlid)
        action.update({"name": name, "domain": domain, "context": {"create": False}, **values})
        return action

    @rpc_checked
    def action_view_orders(self):
        return self._fwo_history_action(
            "field_work_order.field_work_order_action",
            self.env._("Visits of %(unit)s", unit=self.display_name),
            [("equipment_ids", "in", self.ids)],
        )

    @rpc_checked
    def action_view_readings(self):
        return self._fwo_history_action(
            "field_work_order.field_work_order_reading_action",
            self.env._("Readings of %(unit)s", unit=self.display_name),
            [("equipment_id", "=", self.id)],
            # A day without a reading is no reading, not a value of 0 on the line graph.
            context={"create": False, "fill_temporal": False},
        )

    @rpc_checked
    def action_view_materials(self):
        return self._fwo_history_action(
            "field_work_order.field_work_order_material_action_equipment",
            self.env._("Parts Replaced in %(unit)s", unit=self.display_name),
            [("equipment_id", "=", self.id)],
        )

    @rpc_checked
    def action_view_photos(self):
        return self._fwo_history_action(
            "field_work_order.field_work_order_photo_action_equipment",
            self.env._("Photos of %(unit)s", unit=self.display_name),
            [("equipment_id", "=", self.id)],
        )

    def _fwo_label_url(self):
        """What the unit's QR label opens: ``/fwo/equipment/<id>`` sends each user on to
        their own screen of the unit."""
        self.ensure_one()
        return f"{self.get_base_url()}/fwo/equipment/{self.id}"

    def _fwo_label_qr_src(self):
        """The label's QR code as a data URI (the PDF fetches nothing)."""
        self.ensure_one()
        png = self.env["ir.actions.report"].barcode(
            "QR", self._fwo_label_url(), width=300, height=300, quiet=False, barLevel="M",
        )
        return f"data:image/png;base64,{base64.b64encode(png).decode()}"

    def _compute_access_url(self):
        for unit in self:
            unit.access_url = f"/my/equipment/{unit.id}"
