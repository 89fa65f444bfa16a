"""The technician app: a standalone page at /field-service, its web app manifest and service worker.

The page is a shell: the app reads and writes only through ``sync_pull``,
``sync_reference`` and ``sync_push`` (docs/sync.md), so the server enforces
every rule whether the technician is online or replays a day offline.
"""

import json

from odoo import _, http
from odoo.http import request
from odoo.tools import file_open

from odoo.addons.web.controllers.home import Home

# The app's address and the name of the browser cache holding its files, defined here only:
# the page reads them from its session info, the service worker from the lines served before it.
APP_URL = "/field-service"
CACHE_PREFIX = "fwo-app-"
CACHE_NAME = f"{CACHE_PREFIX}v1"  # a new name makes every phone drop its copy of the files
SERVICE_WORKER = "field_work_order_mobile/static/sw/service_worker.js"


def is_field_technician(user):
    """Technicians who are not dispatchers: the users whose day is the app."""
    return user.has_group("field_work_order.group_technician") and not user.has_group(
        "field_work_order.group_dispatcher"
    )


class FieldServiceApp(http.Controller):
    @http.route(APP_URL, type="http", auth="user", readonly=True)
    def app(self, **kwargs):
        """The app shell; non-technicians are sent to the back office."""
        if not request.env.user.has_group("field_work_order.group_technician"):
            return request.redirect("/odoo")
        session_info = request.env["ir.http"].session_info()
        session_info["fwo_app"] = {"url": APP_URL, "cache": CACHE_NAME}
        return request.render("field_work_order_mobile.app_index", {
            "session_info": session_info,
            "debug": request.session.debug,
            "translations_url": self._translations_url(session_info),
        }, headers={"Cache-Control": "no-store"})

    @staticmethod
    def _translations_url(session_info):
        """The URL Odoo's localization service fetches the translations from (same hash and lang):
        the page asks for them while the bundles download, instead of after they have started."""
        translations = (session_info.get("cache_hashes") or {}).get("translations")
        lang = (session_info.get("user_context") or {}).get("lang")
        if not translations or not lang:
            return False
        return f"/web/webclient/translations/{translations}?lang={lang}"

    @http.route(f"{APP_URL}/manifest.webmanifest", type="http", auth="public", readonly=True)
    def manifest(self):
        """Lets the phone add the app to its home screen, opening full screen at /field-service."""
        icon = "/field_work_order_mobile/static/img/app_icon.png"
        manifest = {
            "name": _("Field Service Technician"),
            "short_name": _("Field Service"),
            "description": _("Your jobs, offline or online."),
            "start_url": APP_URL,
            "scope": APP_URL,
            "display": "standalone",
            "orientation": "portrait",
            "background_color": "#ffffff",
            "theme_color": "#714B67",
            "icons": [
                {"src": icon, "sizes": "192x192", "type": "image/png", "purpose": "any maskable"},
            ],
        }
        return request.make_response(json.dumps(manifest), headers=[
            ("Content-Type", "application/manifest+json"),
        ])

    @http.route(f"{APP_URL}/service-worker.js", type="http", auth="public", readonly=True)
    def service_worker(self):
        """Served under /field-service so that its scope covers the app (and nothing else)."""
        settings = {"url": APP_URL, "cache": CACHE_NAME, "cache_prefix": CACHE_PREFIX}
        with file_open(SERVICE_WORKER) as f:
            body = f"const APP = {json.dumps(settings)};\n{f.read()}"
        return request.make_response(body, headers=[
            ("Content-Type", "text/javascript"),
            ("Service-Worker-Allowed", APP_URL),
            ("Cache-Control", "no-cache"),
        ])


class FieldServiceHome(Home):
    def _login_redirect(self, uid, redirect=None):
        """Technicians land in their app, not in Discuss, unless a page was asked for."""
        if not redirect and request.session.uid:
            user = request.env["res.users"].browse(uid)
            if is_field_technician(user):
                return APP_URL
        return super()._login_redirect(uid, redirect=redirect)
