import { Component, useState } from "@odoo/owl";
import { formatDay, formatReading, formatWhen, warrantyBadge } from "@field_work_order_mobile/app/utils/format";

/**
 * One unit of a customer, as the last pull brought it: what and where it is,
 * its warranty, and its last visits newest first (readings and parts
 * replaced). Opened from a job, the find screen or a QR label
 * (`#/equipment/<id>`); nothing here needs the network.
 */
export class UnitScreen extends Component {
    static template = "field_work_order_mobile.UnitScreen";
    static props = { store: Object, unitId: { type: [Number, String] }, onBack: Function };

    setup() {
        this.storeState = useState(this.props.store.state); // redraw after a sync
        Object.assign(this, { formatDay, formatReading, formatWhen });
    }

    get unit() {
        void this.storeState.revision;
        return this.props.store.units.get(this.props.unitId);
    }

    get warranty() {
        return warrantyBadge(this.unit);
    }

    /** Visits newest first, whatever order they came in. */
    get history() {
        return [...(this.unit.history || [])].sort((a, b) => (b.date || "").localeCompare(a.date || ""));
    }
}
