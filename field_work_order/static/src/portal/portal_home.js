import { PortalHomeCounters } from "@portal/js/portal";

/** The Work Orders card stays on /my with no order yet: it leads to the request form. */
PortalHomeCounters.include({
    _getCountersAlwaysDisplayed() {
        return this._super(...arguments).concat(["work_order_count"]);
    },
});
