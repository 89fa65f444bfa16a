"""Customer portal pages of the work orders: /my/work-orders, an order, the request form.

The pages read the orders with the visitor's rights (or an order's access
token, checked by ``_document_check_access``); everything the customer
changes goes through the model's ``portal_create_request`` and
``portal_sign``, which check it all again.
"""

import base64

from odoo import _, fields, http
from odoo.exceptions import AccessError, MissingError, UserError, ValidationError
from odoo.http import request

from odoo.addons.portal.controllers.portal import CustomerPortal
from odoo.addons.portal.controllers.portal import pager as portal_pager

from ..models.field_work_order_quote_portal import SHOWN_STATES

MODEL = "field.work.order"
SERVICE_REPORT = "field_work_order.field_work_order_action_report_service"
QUOTE_REPORT = "field_work_order.field_work_order_action_report_quote"
FORM_FIELDS = ("service_partner_id", "unit_number", "description", "access_instructions",
               "priority", "new_name", "new_street", "new_zip", "new_city", "job_type_id",
               "preferred_date_from", "preferred_date_to", "preferred_window", "equipment_id")


class WorkOrderPortal(CustomerPortal):

    def _work_orders_domain(self):
        """Portal users: what their record rules let them read (customers' and vendors' rules
        add up). Internal users visiting the portal: the orders of their own company as customer."""
        if request.env.user.share:
            return []
        commercial = request.env.user.partner_id.commercial_partner_id
        return [("partner_id", "child_of", commercial.id)]

    def _prepare_home_portal_values(self, counters):
        values = super()._prepare_home_portal_values(counters)
        if "work_order_count" in counters:
            Order = request.env[MODEL]
            values["work_order_count"] = (
                Order.search_count(self._work_orders_domain()) if Order.has_access("read") else 0
            )
        return values

    def _work_order_sortings(self):
        return {
            "date": {"label": _("Newest"), "order": "create_date desc, id desc"},
            "scheduled": {"label": _("Visit"), "order": "scheduled_start desc, id desc"},
            "name": {"label": _("Reference"), "order": "name desc"},
            "state": {"label": _("Status"), "order": "state, id desc"},
        }

    @http.route(["/my/work-orders", "/my/work-orders/page/<int:page>"], type="http",
                auth="user", website=True)
    def portal_my_work_orders(self, page=1, sortby=None, **kw):
        Order = request.env[MODEL]
        if not Order.has_access("read"):
            return request.redirect("/my")
        sortings = self._work_order_sortings()
        if sortby not in sortings:
            sortby = "date"
        domain = self._work_orders_domain()
        pager = portal_pager(
            url="/my/work-orders", total=Order.search_count(domain), page=page,
            step=self._items_per_page, url_args={"sortby": sortby},
        )
        orders = Order.search(
            domain, order=sortings[sortby]["order"], limit=self._items_per_page,
            offset=pager["offset"],
        )
        request.session["my_work_orders_history"] = orders.ids[:100]
        commercial = request.env.user.partner_id.commercial_partner_id
        values = self._prepare_portal_layout_values()
        values.update({
            "orders": orders.sudo(),
            # Orders of other customers (a subcontractor's jobs) name their customer.
            "show_customer": any(
                o.partner_id.commercial_partner_id != commercial for o in orders.sudo()
            ),
            "page_name": "work_orders",
            "pager": pager,
            "default_url": "/my/work-orders",
            "searchbar_sortings": sortings,
            "sortby": sortby,
        })
        return request.render("field_work_order.portal_my_work_orders", values)

    @http.route(["/my/work-orders/<int:order_id>"], type="http", auth="public", website=True)
    def portal_work_order_page(self, order_id, access_token=None, report_type=None,
                               download=False, message=None, **kw):
        try:
            order_sudo = self._document_check_access(MODEL, order_id, access_token=access_token)
        except (AccessError, MissingError):
            return request.redirect("/my")
        if report_type in ("html", "pdf", "text"):
            if order_sudo.state not in ("done", "verified"):
                raise request.not_found()
            return self._show_report(
                model=order_sudo, report_type=report_type, report_ref=SERVICE_REPORT,
                download=download,
            )
        values = self._get_page_view_values(
            order_sudo, access_token, {
                "order": order_sudo,
                "page_name": "work_order",
                "message": message,
                # The chatter posts with the record's token: portal users read the order only.
                "token": order_sudo._portal_ensure_token(),
                "photos": self._visible_photos(order_sudo),
                "quotes": order_sudo.quote_ids.filtered(lambda q: q.state in SHOWN_STATES),
            }, "my_work_orders_history", False,
        )
        return request.render("field_work_order.portal_work_order_page", values)

    def _visible_photos(self, order_sudo):
        """The order's photos the visitor may open (their rights, not the token's)."""
        Photo = request.env["field.work.order.photo"]
        if not Photo.has_access("read"):
            return Photo
        return Photo.search([("work_order_id", "=", order_sudo.id)])

    @http.route(["/my/work-orders/<int:order_id>/sign"], type="json", auth="public",
                website=True)
    def portal_work_order_sign(self, order_id, access_token=None, name=None, signature=None):
        access_token = access_token or request.httprequest.args.get("access_token")
        try:
            order_sudo = self._document_check_access(MODEL, order_id, access_token=access_token)
        except (AccessError, MissingError):
            return {"error": _("This work order does not exist or the link is not valid.")}
        try:
            # As the visitor, never with sudo: the model lets only the customer sign.
            order_sudo.with_user(request.env.user).portal_sign(name, signature, access_token)
        except (UserError, ValidationError, AccessError) as error:
            return {"error": str(error)}
        return {
            "force_refresh": True,
            "redirect_url": order_sudo.get_portal_url(query_string="&message=signed"),
        }

    # ------------------------------------------------------------------
    # Quotes: the customer approves an option with a signature, or declines
    # ------------------------------------------------------------------
    def _portal_quote(self, order_id, quote_id, access_token):
        """The order (the visitor's rights or its link) and its quote shown to the customer."""
        order_sudo = self._document_check_access(MODEL, order_id, access_token=access_token)
        quote_sudo = order_sudo.quote_ids.filtered(
            lambda quote: quote.id == quote_id and quote.state in SHOWN_STATES)
        if not quote_sudo:
            raise MissingError(_("This quote does not exist or the link is not valid."))
        return order_sudo, quote_sudo

    @http.route(["/my/work-orders/<int:order_id>/quotes/<int:quote_id>"], type="http",
                auth="public", website=True)
    def portal_work_order_quote(self, order_id, quote_id, access_token=None, report_type="pdf",
                                download=False, **kw):
        """The quote's PDF (or HTML) as the customer sees it."""
        try:
            __, quote_sudo = self._portal_quote(order_id, quote_id, access_token)
        except (AccessError, MissingError):
            return request.redirect("/my")
        return self._show_report(
            model=quote_sudo, report_type=report_type if report_type == "html" else "pdf",
            report_ref=QUOTE_REPORT, download=download,
        )

    def _portal_quote_answer(self, order_id, quote_id, access_token, answer, message):
        """Run ``answer(quote)`` as the visitor (the model checks them again), all or nothing."""
        access_token = access_token or request.httprequest.args.get("access_token")
        try:
            order_sudo, quote_sudo = self._portal_quote(order_id, quote_id, access_token)
        except (AccessError, MissingError):
            return {"error": _("This quote does not exist or the link is not valid.")}
        try:
            with request.env.cr.savepoint():
                answer(quote_sudo.with_user(request.env.user), access_token)
        except (UserError, ValidationError, AccessError) as error:
            return {"error": str(error)}
        return {
            "force_refresh": True,
            "redirect_url": order_sudo.get_portal_url(
                query_string=f"&message={message}", anchor="fwo_quotes"),
        }

    @http.route(["/my/work-orders/<int:order_id>/quotes/<int:quote_id>/approve"], type="json",
                auth="public", website=True)
    def portal_work_order_quote_approve(self, order_id, quote_id, option_id=None,
                                        access_token=None, name=None, signature=None):
        """Approve ``option_id`` with the signature pad's ``name`` and ``signature`` (base64).

        The signature form posts only the name and the image: the option and the
        token come in the URL's query string.
        """
        option_id = option_id or request.httprequest.args.get("option_id")
        if isinstance(option_id, str) and option_id.isdigit():
            option_id = int(option_id)
        return self._portal_quote_answer(
            order_id, quote_id, access_token,
            lambda quote, token: quote._fwo_approve_as_customer(option_id, signature, name, token),
            "quote_approved",
        )

    @http.route(["/my/work-orders/<int:order_id>/quotes/<int:quote_id>/decline"], type="json",
                auth="public", website=True)
    def portal_work_order_quote_decline(self, order_id, quote_id, reason=None, access_token=None):
        return self._portal_quote_answer(
            order_id, quote_id, access_token,
            lambda quote, token: quote._fwo_decline_as_customer(reason, token),
            "quote_declined",
        )

    # ------------------------------------------------------------------
    # Request form
    # ------------------------------------------------------------------
    def _request_form_values(self, form=None, error=None):
        values = self._prepare_portal_layout_values()
        Order = request.env[MODEL]
        priorities = Order._fields["priority"]._description_selection(request.env)
        values.update({
            "page_name": "work_order_request",
            "addresses": Order._portal_addresses(),
            "priorities": priorities,
            "job_types": Order._portal_job_types(Order._portal_company()),
            "windows": Order._fields["preferred_window"]._description_selection(request.env),
            "today": fields.Date.context_today(Order),
            "form": form or {},
            "error": error,
        })
        unit = self._request_form_unit(values["form"].get("equipment_id"))
        values["equipment"] = unit.sudo()
        if unit and not values["form"].get("service_partner_id"):
            values["form"] = dict(values["form"],
                                  service_partner_id=str(unit.sudo().service_partner_id.id))
        return values

    def _request_form_unit(self, equipment_id):
        """The visitor's own unit the form is about (a unit page's button), if it is one."""
        Unit = request.env["field.work.order.equipment"]
        if not (isinstance(equipment_id, str) and equipment_id.isdigit()
                and Unit.has_access("read")):
            return Unit
        return Unit.search(Unit._portal_units_domain() + [("id", "=", int(equipment_id))],
                           limit=1)

    @http.route(["/my/work-orders/request"], type="http", auth="user", website=True,
                methods=["GET"])
    def portal_work_order_request(self, equipment_id=None, **kw):
        """The request form; ``equipment_id``: one of the customer's units, preselected."""
        if not request.env[MODEL]._portal_can_request():
            return request.redirect("/my")
        return request.render(
            "field_work_order.portal_work_order_request",
            self._request_form_values({"equipment_id": equipment_id} if equipment_id else None),
        )

    @http.route(["/my/work-orders/request"], type="http", auth="user", website=True,
                methods=["POST"], csrf=False)
    def portal_work_order_request_submit(self, **post):
        """Checked here, not by the route: a missing or stale CSRF token shows on the form."""
        if not request.env[MODEL]._portal_can_request():
            return request.redirect("/my")
        form = {key: post.get(key) or "" for key in FORM_FIELDS}
        if not request.validate_csrf(post.get("csrf_token")):
            return self._request_form_error(form, _(
                "The form expired (security token missing or outdated): please send it again."
            ))
        try:
            values = self._request_values(form)
            order_id = request.env[MODEL].portal_create_request(values)
        except (UserError, ValidationError, AccessError) as error:
            request.env.cr.rollback()
            return self._request_form_error(form, str(error))
        order = request.env[MODEL].browse(order_id)
        return request.redirect(f"{order.access_url}?message=requested")

    def _request_form_error(self, form, error):
        return request.render(
            "field_work_order.portal_work_order_request", self._request_form_values(form, error),
            status=400,
        )

    def _request_values(self, form):
        """The model's request values from the submitted form and its files."""
        address = form["service_partner_id"]
        values = {
            "unit_number": form["unit_number"],
            "description": form["description"],
            "access_instructions": form["access_instructions"],
            "priority": form["priority"] or "0",
            "preferred_date_from": form["preferred_date_from"] or False,
            "preferred_date_to": form["preferred_date_to"] or False,
            "preferred_window": form["preferred_window"] or False,
        }
        if form["job_type_id"]:
            try:
                values["job_type_id"] = int(form["job_type_id"])
            except ValueError:
                raise ValidationError(_("Choose the type of service from the list.")) from None
        if form["equipment_id"]:
            try:
                values["equipment_id"] = int(form["equipment_id"])
            except ValueError:
                raise ValidationError(_("This unit is not one of yours.")) from None
        if address == "new":
            values["new_address"] = {
                "name": form["new_name"], "street": form["new_street"],
                "zip": form["new_zip"], "city": form["new_city"],
            }
        elif address:
            try:
                values["service_partner_id"] = int(address)
            except ValueError:
                raise ValidationError(_("This service location is not one of your addresses.")) \
                    from None
        photos = []
        for upload in request.httprequest.files.getlist("photos"):
            if not upload.filename:
                continue
            content = upload.read()
            photos.append({"name": upload.filename, "data": base64.b64encode(content).decode()})
        values["photos"] = photos
        return values
