import { Component, useState } from "@odoo/owl";
import { _t } from "@web/core/l10n/translation";
import { formatDateTime } from "@web/core/l10n/dates";
import { fromWire, stars } from "./dispatch_utils";

/**
 * The unplanned orders beside the grid, in the server's order (priority, then
 * deadline), narrowed by a search and a job type. An entry is dragged onto a row,
 * or planned from the slots "Suggest" finds.
 */
export class DispatchQueue extends Component {
    static template = "field_work_order.DispatchQueue";
    static props = {
        items: Array,
        zone: String,
        suggesting: { type: [Number, Boolean], optional: true },
        onPointerDown: Function,
        onSuggest: Function,
        onOpen: Function,
    };

    setup() {
        this.state = useState({ search: "", jobTypeId: "" });
    }

    get jobTypes() {
        const seen = new Map();
        for (const item of this.props.items) {
            if (item.job_type_id && !seen.has(item.job_type_id)) {
                seen.set(item.job_type_id, item.job_type);
            }
        }
        return [...seen].map(([id, name]) => ({ id: String(id), name }));
    }

    get visibleItems() {
        const search = this.state.search.trim().toLowerCase();
        return this.props.items.filter(
            (item) =>
                (!this.state.jobTypeId || String(item.job_type_id) === this.state.jobTypeId) &&
                (!search ||
                    [item.name, item.partner, item.address, item.job_type, item.unit]
                        .filter(Boolean)
                        .some((text) => text.toLowerCase().includes(search)))
        );
    }

    deadline(item) {
        return item.deadline
            ? formatDateTime(fromWire(item.deadline, this.props.zone), {
                  showSeconds: false,
                  tz: this.props.zone,
              })
            : "";
    }

    duration(item) {
        const hours = Math.floor(item.duration_hours);
        const minutes = Math.round((item.duration_hours - hours) * 60);
        return _t("%(hours)s h %(minutes)s", {
            hours,
            minutes: String(minutes).padStart(2, "0"),
        });
    }

    stars(item) {
        return stars(item.priority);
    }

    wishLabel(item) {
        return (item.wishes && item.wishes.label) || "";
    }

    ariaLabel(item) {
        return _t("%(order)s, %(customer)s, unplanned, %(duration)s", {
            order: item.name,
            customer: item.partner,
            duration: this.duration(item),
        });
    }

    onKeydown(ev, item) {
        if (ev.key === "Enter" && ev.target === ev.currentTarget) {
            this.props.onOpen(item.id);
        }
    }
}
