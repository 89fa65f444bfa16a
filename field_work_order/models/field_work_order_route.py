"""A technician's day as a route: the stops in order, the travel between them, a maps link.

Travel is estimated from the service addresses' coordinates (``partner_latitude``,
``partner_longitude``; Odoo's ``base_geolocalize`` fills them): the straight-line
distance times the company's road factor, at its average speed. No external
service is called; the maps link only opens the route in the user's maps.
"""

import math
from datetime import datetime, time, timedelta

import pytz

from odoo import api, models
from odoo.exceptions import AccessError, UserError

from .field_work_order_dispatch import wire
from .field_work_order_policy import rpc_checked, shown

EARTH_RADIUS_KM = 6371.0088


def distance_km(a, b):
    """Great-circle distance between two (latitude, longitude) points, in km."""
    lat1, lon1, lat2, lon2 = map(math.radians, (*a, *b))
    h = (math.sin((lat2 - lat1) / 2) ** 2
         + math.cos(lat1) * math.cos(lat2) * math.sin((lon2 - lon1) / 2) ** 2)
    return 2 * EARTH_RADIUS_KM * math.asin(math.sqrt(h))


class FieldWorkOrderRoute(models.Model):
    _inherit = "field.work.order"

    def _fwo_travel_minutes(self, other):
        """Estimated minutes of driving from this order's site to ``other``'s; False if unknown."""
        self.ensure_one()
        return self._fwo_drive_minutes(self._fwo_site(), other._fwo_site(), self.company_id)

    @api.model
    def _fwo_drive_minutes(self, a, b, company):
        """Estimated minutes of driving between the sites ``a`` and ``b`` (``_fwo_site``) at
        ``company``'s speed; False if either is unknown. Apart, for sites read once."""
        if not a or not b:
            return False
        speed = company.fwo_average_speed or 40.0
        return round(distance_km(a, b) * (company.fwo_road_factor or 1.0) / speed * 60)

    @api.model
    def _fwo_route_tz(self, user):
        """The time zone a technician's day is counted in: theirs, else their company's."""
        return pytz.timezone(self._fwo_tz(user.tz, user.company_id.partner_id.tz))

    @api.model
    @rpc_checked
    def get_route(self, user_id, day):
        """Technician ``user_id``'s stops on ``day`` ("YYYY-MM-DD", their time zone), in order.

        ``{"user_id", "day", "stops": [{"order_id", "name", "partner", "address", "start",
        "end", "located", "travel_minutes", "distance_km"}], "travel_minutes", "unlocated",
        "maps_url"}``; travel is from the previous stop (False for the first, or when a
        site has no coordinates: the stop is listed, ``located`` False).
        """
        if not self._fwo_is_dispatcher() and user_id != self.env.uid:
            raise AccessError(self.env._(
                "Only a dispatcher can read another technician's route."
            ))
        if not self.env.user.has_group("field_work_order.group_technician"):
            raise AccessError(self.env._("Only technicians and dispatchers can read routes."))
        try:
            date = datetime.strptime(day, "%Y-%m-%d").date()
        except (TypeError, ValueError):
            raise UserError(self.env._("day must be a date as 'YYYY-MM-DD', got %(value)s.",
                                       value=shown(day))) from None
        user = self._fwo_technician(user_id, self.env.company)
        tz = self._fwo_route_tz(user)
        start = tz.localize(datetime.combine(date, time())).astimezone(pytz.utc).replace(tzinfo=None)
        end = start + timedelta(days=1)
        orders = self.search([
            ("technician_ids", "in", user.id), ("state", "!=", "cancelled"),
            ("scheduled_start", ">=", start), ("scheduled_start", "<", end),
        ], order="scheduled_start, id")
        stops, previous, total = [], None, 0
        for order in orders:
            travel = previous._fwo_travel_minutes(order) if previous else False
            site, before = order._fwo_site(), previous and previous._fwo_site()
            total += travel or 0
            stops.append({
                "order_id": order.id,
                "name": order.name,
                "partner": order.partner_id.display_name or "",
                "address": (order.service_partner_id or order.partner_id)._display_address(
                    without_company=True).strip() or "",
                "start": wire(order.scheduled_start),
                "end": wire(order.scheduled_end),
                "located": bool(site),
                "travel_minutes": travel,
                "distance_km": round(distance_km(before, site), 1) if site and before else False,
            })
            previous = order
        located = [order._fwo_site() for order in orders if order._fwo_site()]
        base = (self.env.company.fwo_maps_url or "").rstrip("/")
        return {
            "user_id": user.id,
            "day": day,
            "stops": stops,
            "travel_minutes": total,
            "unlocated": [stop["name"] for stop in stops if not stop["located"]],
            "maps_url": "/".join([base, *(f"{lat:.6f},{lon:.6f}" for lat, lon in located)])
            if base and located else False,
        }
