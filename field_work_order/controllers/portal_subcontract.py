"""The subcontractor's buttons on the portal page of an order they are assigned.

Each route calls the order's method as the visitor, a portal user of the
vendor (never with sudo): the model checks that they work for the order's
subcontractor, the order's status and their answer. The routes only turn
its errors into a message on the page.
"""

import base64

from odoo import _, http
from odoo.exceptions import AccessError, MissingError, UserError, ValidationError
from odoo.http import request

from odoo.addons.field_work_order.controllers.portal import WorkOrderPortal

MODEL = "field.work.order"
ERROR_KEY = "fwo_subcontract_error"


class SubcontractPortal(WorkOrderPortal):

    def _get_page_view_values(self, document, access_token, values, session_history,
                              no_breadcrumbs, **kwargs):
        if document._name == MODEL:
            # ``document`` is read with the superuser's rights: ask as the visitor.
            values = dict(
                values, subcontract_error=request.session.pop(ERROR_KEY, None),
                subcontract_visitor=document.with_env(request.env)._portal_is_subcontractor(),
            )
        return super()._get_page_view_values(
            document, access_token, values, session_history, no_breadcrumbs, **kwargs
        )

    def _subcontract_call(self, order_id, method, *args):
        """Call ``method`` of the order as the visitor, then show the order again."""
        order = request.env[MODEL].browse(order_id)
        try:
            getattr(order, method)(*args)
        except (AccessError, MissingError):
            return request.redirect("/my")
        except (UserError, ValidationError) as error:
            request.session[ERROR_KEY] = str(error)
        return request.redirect(f"/my/work-orders/{order_id}")

    @http.route("/my/work-orders/<int:order_id>/subcontract/accept", type="http", auth="user",
                methods=["POST"], website=True)
    def portal_subcontract_accept(self, order_id, **kw):
        return self._subcontract_call(order_id, "action_subcontract_accept")

    @http.route("/my/work-orders/<int:order_id>/subcontract/decline", type="http", auth="user",
                methods=["POST"], website=True)
    def portal_subcontract_decline(self, order_id, reason=None, **kw):
        return self._subcontract_call(order_id, "action_subcontract_decline", reason or "")

    @http.route("/my/work-orders/<int:order_id>/subcontract/start", type="http", auth="user",
                methods=["POST"], website=True)
    def portal_subcontract_start(self, order_id, **kw):
        return self._subcontract_call(order_id, "action_start")

    @http.route("/my/work-orders/<int:order_id>/subcontract/done", type="http", auth="user",
                methods=["POST"], website=True)
    def portal_subcontract_done(self, order_id, **kw):
        return self._subcontract_call(order_id, "action_complete")

    @http.route("/my/work-orders/<int:order_id>/subcontract/checklist", type="http",
                auth="user", methods=["POST"], website=True)
    def portal_subcontract_checklist(self, order_id, line_id=0, done="1", **kw):
        try:
            line_id = int(line_id)
        except ValueError:
            line_id = 0
        return self._subcontract_call(
            order_id, "portal_set_checklist_item", line_id, done == "1"
        )

    @http.route("/my/work-orders/<int:order_id>/subcontract/photo", type="http", auth="user",
                methods=["POST"], website=True)
    def portal_subcontract_photo(self, order_id, photo=None, note=None, kind="other", **kw):
        content = photo.read() if photo and hasattr(photo, "read") else b""
        if not content:
            request.session[ERROR_KEY] = _("Choose a photo to add.")
            return request.redirect(f"/my/work-orders/{order_id}")
        return self._subcontract_call(
            order_id, "portal_add_photo", base64.b64encode(content), kind, note or None
        )
