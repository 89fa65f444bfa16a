import { Component, onMounted, onPatched, useRef, useState } from "@odoo/owl";
import { _t } from "@web/core/l10n/translation";
import { addressLine, groupJobs } from "@field_work_order_mobile/app/models/job";
import { routeIsToday } from "@field_work_order_mobile/app/models/route";
import { stateKind, stateOf } from "@field_work_order_mobile/app/models/rules";
import { formatSlot, PRIORITY_LABELS } from "@field_work_order_mobile/app/utils/format";

/** Cards shown per list before "Show all": My Jobs opens fast even with hundreds of jobs cached. */
const SECTION_LIMIT = 20;

/** My Jobs: today, upcoming and recently done, with search. */
export class JobList extends Component {
    static template = "field_work_order_mobile.JobList";
    static props = {
        store: Object,
        onOpen: Function,
        onRoute: { type: Function, optional: true },
        onFindUnit: { type: Function, optional: true },
    };

    setup() {
        this.search = useState({ query: "", expanded: {} });
        this.storeState = useState(this.props.store.state); // redraw when the store changes
        this.priorityLabels = PRIORITY_LABELS;
        this.addressLine = addressLine;
        this.formatSlot = formatSlot;
        // When My Jobs is first on screen: what the benchmark measures (tests/bench/app_bench.py).
        onMounted(() => performance.mark("fwo:my-jobs"));
        // And when it first shows a job (on a new phone: once the first pull page is in).
        const root = useRef("root");
        let cardShown = false;
        const markFirstCard = () => {
            if (!cardShown && root.el.querySelector(".o_fwo_job_card")) {
                cardShown = true;
                performance.mark("fwo:first-card");
            }
        };
        onMounted(markFirstCard);
        onPatched(markFirstCard);
    }

    get sections() {
        void this.storeState.revision;
        const groups = groupJobs(this.props.store.jobViews, this.props.store.rules, new Date(), this.search.query);
        const sections = [
            { key: "today", title: _t("Today"), jobs: groups.today, empty: _t("Nothing planned today.") },
            { key: "upcoming", title: _t("Upcoming"), jobs: groups.upcoming, empty: _t("No upcoming jobs.") },
            { key: "done", title: _t("Recently done"), jobs: groups.done, empty: _t("No job done in the last two weeks.") },
        ];
        for (const section of sections) {
            const all = this.search.expanded[section.key] || this.search.query.trim();
            section.shown = all ? section.jobs : section.jobs.slice(0, SECTION_LIMIT);
        }
        return sections;
    }

    /** Stops of today's route on the phone, or false when it has none for today. */
    get routeStops() {
        const route = this.storeState.route;
        return routeIsToday(route) && route.stops.length;
    }

    stateLabel(job) {
        return stateOf(this.props.store.rules, job.state).label;
    }

    /** working, paused, open, closed or ended: the badge's colour. */
    stateKind(job) {
        return stateKind(this.props.store.rules, job);
    }

    failedCount(job) {
        void this.storeState.revision;
        return this.props.store.failedFor(job.id).length;
    }
}
