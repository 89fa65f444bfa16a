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

    /** The phone's copy is of another day: the technician has not synced since midnight. */
    get stale() {
        return !routeIsToday(this.route);
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
