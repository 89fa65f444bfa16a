import { Component } from "@odoo/owl";
import { formatDateTime } from "@web/core/l10n/dates";
import { appSettings } from "@field_work_order_mobile/app/store/offline_cache";

/** Always on screen: connection, what is waiting to be sent, last sync. */
export class StatusBar extends Component {
    static template = "field_work_order_mobile.StatusBar";
    static props = { state: Object, onSync: Function };

    get lastSync() {
        const value = this.props.state.lastSync;
        if (!value) {
            return "";
        }
        const date = luxon.DateTime.fromISO(value);
        const sameDay = date.hasSame(luxon.DateTime.local(), "day");
        return sameDay ? date.toLocaleString(luxon.DateTime.TIME_SIMPLE) : formatDateTime(date);
    }

    get loginUrl() {
        return "/web/login?redirect=" + encodeURIComponent(appSettings().url);
    }
}
