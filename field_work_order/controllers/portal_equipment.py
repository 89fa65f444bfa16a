"""Customer portal pages of the customer's equipment: /my/equipment, a unit, its reports.

The list reads the units with the visitor's rights; a unit's page opens for
the portal users of its owner or with the unit's link (``access_token``),
checked by ``_document_check_access``. A visit request for a unit goes
through the request form, whose model method checks the unit again.
"""

from odoo import http
from odoo.exceptions import AccessError, MissingError
from odoo.http import request
from odoo.osv import expression

from odoo.addons.field_work_order.controllers.portal import SERVICE_REPORT, WorkOrderPortal
from odoo.addons.portal.controllers.portal import pager as portal_pager

EQUIPMENT = "field.work.order.equipment"


class EquipmentPortal(WorkOrderPortal):

    def _prepare_home_portal_values(self, counters):
        values = super()._prepare_home_portal_values(counters)
        if "equipment_count" in counters:
            Unit = request.env[EQUIPMENT]
            values["equipment_count"] = (
                Unit.search_count(Unit._portal_units_domain()) if Unit.has_access("read") else 0
            )
        return values

    @http.route(["/my/equipment", "/my/equipment/page/<int:page>"], type="http", auth="user",
                website=True)
    def portal_my_equipment(self, page=1, search=None, **kw):
        Unit = request.env[EQUIPMENT]
        if not Unit.has_access("read"):
            return request.redirect("/my")
        domain = Unit._portal_units_domain()
        search = (search or "").strip()[:100]
        if search:
            domain = expression.AND([domain, [
                "|", ("name", "ilike", search), ("serial_number", "ilike", search),
            ]])
        pager = portal_pager(
            url="/my/equipment", total=Unit.search_count(domain), page=page,
            step=self._items_per_page, url_args={"search": search} if search else {},
        )
        units = Unit.search(domain, limit=self._items_per_page, offset=pager["offset"])
        request.session["my_equipment_history"] = units.ids[:100]
        values = self._prepare_portal_layout_values()
        values.update({
            "units": units.sudo(),
            "last_visits": units._portal_last_visits(),
            "search": search,
            "page_name": "equipment",
            "pager": pager,
            "default_url": "/my/equipment",
        })
        return request.render("field_work_order.portal_my_equipment", values)

    @http.route(["/my/equipment/<int:unit_id>"], type="http", auth="public", website=True)
    def portal_equipment_page(self, unit_id, access_token=None, **kw):
        try:
            unit_sudo = self._document_check_access(EQUIPMENT, unit_id, access_token=access_token)
        except (AccessError, MissingError):
            return request.redirect("/my")
        visits = unit_sudo._portal_visits()
        Order = request.env["field.work.order"]
        # The visits the visitor opens with their own rights (a unit's link opens the unit only).
        readable = Order.search([("id", "in", visits.ids)]) if (
            not request.env.user._is_public() and Order.has_access("read")) else Order
        values = self._get_page_view_values(
            unit_sudo, access_token, {
                "unit": unit_sudo,
                "visits": visits,
                "readable_visit_ids": set(readable.ids),
                "readings": unit_sudo._portal_last_readings(),
                "page_name": "equipment_unit",
                "can_request": request.env.user.share and not request.env.user._is_public()
                and unit_sudo.active,
            }, "my_equipment_history", False,
        )
        return request.render("field_work_order.portal_equipment_page", values)

    @http.route(["/my/equipment/<int:unit_id>/report/<int:order_id>"], type="http",
                auth="public", website=True)
    def portal_equipment_report(self, unit_id, order_id, access_token=None, download=False,
                                **kw):
        """The service report PDF of one of the unit's done visits, as the unit's page lists it."""
        try:
            unit_sudo = self._document_check_access(EQUIPMENT, unit_id, access_token=access_token)
        except (AccessError, MissingError):
            return request.redirect("/my")
        order_sudo = unit_sudo._portal_visits().filtered(
            lambda order: order.id == order_id and order.state in ("done", "verified"))
        if not order_sudo:
            raise request.not_found()
        return self._show_report(
            model=order_sudo, report_type="pdf", report_ref=SERVICE_REPORT, download=download,
        )
