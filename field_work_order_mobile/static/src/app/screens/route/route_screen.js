import { Component, useState } from "@odoo/owl";
import { _t } from "@web/core/l10n/translation";
import { stateKind, stateOf } from "@field_work_order_mobile/app/models/rules";
import { routeIsToday } from "@field_work_order_mobile/app/models/route";
import { formatDayLong, formatTimeIn } from "@field_work_order_mobile/app/utils/format";

/**
 * Today's route: the technician's stops in order, with the travel between
 * them, as the server computed it (get_route, carried by the last sync_pull
 * and kept on the phone). Tapping a stop opens its job.
 */
export class RouteScreen extends Component {
    static template = "field_work_order_mobile.RouteScreen";
    static props = { store: Object, onOpen: Function, onBack: Function };

    setup() {
        this.storeState = useState(this.props.store.state); // redraw when a pull brings a new route
        this.formatTimeIn = formatTimeIn;
    }

    get route() {
        return this.storeState.route;
    }

    get dayLabel() {
        return formatDayLong(this.route.day);
    }

    /** The phone's copy is of another day (no sync since midnight): says so, else "". */
    get staleMessage() {
        return routeIsToday(this.route)
            ? ""
            : _t("This is the route of %(day)s: sync to get today's.", { day: this.dayLabel });
    }

    get unlocatedMessage() {
        return _t("%(count)s without a location: not counted in the travel", {
            count: this.route.unlocated.length,
        });
    }

    /** The server's address lines, without the empty ones its address format leaves (no street2...). */
    addressOf(stop) {
        return stop.address
            .split("\n")
            .filter((line) => line.trim())
            .join("\n");
    }

    /** The drive from the previous stop: "22 min · 11.1 km", or "" when unknown. */
    legText(stop) {
        if (stop.travel_minutes === false) {
            return "";
        }
        return stop.distance_km === false
            ? _t("%(minutes)s min", { minutes: stop.travel_minutes })
            : _t("%(minutes)s min · %(km)s km", { minutes: stop.travel_minutes, km: stop.distance_km });
    }

    get summary() {
        const { stops, travel_minutes: minutes } = this.route;
        return stops.length === 1
            ? _t("1 stop · %(minutes)s min of travel", { minutes })
            : _t("%(stops)s stops · %(minutes)s min of travel", { stops: stops.length, minutes });
    }

    /** The job as the phone shows it (queued actions included), or undefined if it is not on the phone. */
    jobOf(stop) {
        void this.storeState.revision;
        return this.props.store.jobView(stop.order_id);
    }

    stateLabel(job) {
        return stateOf(this.props.store.rules, job.state).label;
    }

    stateKind(job) {
        return stateKind(this.props.store.rules, job);
    }
}
