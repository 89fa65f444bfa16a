import { Component, onMounted, onWillDestroy, onWillStart, useState } from "@odoo/owl";
import { session } from "@web/session";
import { user } from "@web/core/user";
import { browser } from "@web/core/browser/browser";
import { _t } from "@web/core/l10n/translation";
import { MainComponentsContainer } from "@web/core/main_components_container";
import { JobList } from "@field_work_order_mobile/app/screens/job_list/job_list";
import { JobScreen } from "@field_work_order_mobile/app/screens/job_screen/job_screen";
import { QuoteScreen } from "@field_work_order_mobile/app/screens/quote/quote_screen";
import { RouteScreen } from "@field_work_order_mobile/app/screens/route/route_screen";
import { FindUnitScreen } from "@field_work_order_mobile/app/screens/equipment/find_unit_screen";
import { UnitScreen } from "@field_work_order_mobile/app/screens/equipment/unit_screen";
import { StatusBar } from "@field_work_order_mobile/app/components/status_bar/status_bar";
import { SYNC_INTERVAL, SyncStore } from "@field_work_order_mobile/app/store/sync_store";
import { prepareOffline } from "@field_work_order_mobile/app/store/offline_cache";

/**
 * `#job=42` opens job 42, `#job=42/quote` its quote screen, `#route` today's
 * route, `#/equipment` the find-a-unit screen and `#/equipment/7` unit 7 (a
 * QR label's link; a unit added on the phone has its operation's uuid): the
 * phone's back button returns from them.
 */
function screenFromHash() {
    const hash = browser.location.hash;
    const match = /^#job=(\d+)(\/quote)?$/.exec(hash);
    const unit = /^#\/?equipment\/(\d+|[0-9a-f-]{36})$/.exec(hash);
    return {
        jobId: match ? Number(match[1]) : null,
        quoteOpen: Boolean(match && match[2]),
        routeOpen: hash === "#route",
        unitId: unit ? (/^\d+$/.test(unit[1]) ? Number(unit[1]) : unit[1]) : null,
        findOpen: /^#\/?equipment$/.test(hash),
    };
}

/** The technician app: status bar, then My Jobs, today's route or one job. */
export class FieldServiceApp extends Component {
    static template = "field_work_order_mobile.App";
    static components = {
        FindUnitScreen,
        JobList,
        JobScreen,
        MainComponentsContainer,
        QuoteScreen,
        RouteScreen,
        StatusBar,
        UnitScreen,
    };
    static props = {
        store: { type: Object, optional: true },
        offline: { type: Boolean, optional: true },
        firstSync: { type: Promise, optional: true }, // started before the app (main.js)
    };

    setup() {
        this.store =
            this.props.store ||
            new SyncStore({ dbName: session.db, user: { id: user.userId, name: user.name } });
        this.state = useState(this.store.state);
        this.nav = useState({ ...screenFromHash(), fromRoute: false });
        this.routeLabel = _t("Today's route");
        const onHash = () => Object.assign(this.nav, screenFromHash());
        const onOnline = () => this.sync();
        const onVisible = () => document.visibilityState === "visible" && this.sync();
        onWillStart(async () => {
            performance.mark("fwo:services-started");
            await this.store.load();
            performance.mark("fwo:store-loaded");
        });
        onMounted(() => {
            browser.addEventListener("hashchange", onHash);
            browser.addEventListener("online", onOnline);
            document.addEventListener("visibilitychange", onVisible);
            this.interval = browser.setInterval(onVisible, SYNC_INTERVAL);
            const firstSync = this.props.firstSync || this.sync();
            if (!this.props.offline) {
                // Filling the offline cache (the files again, the signature pad, the barcode
                // library, fonts) waits for the first sync: on a new phone, the jobs come first.
                firstSync
                    .catch(() => {})
                    .then(() => prepareOffline())
                    .catch(() => {});
            }
        });
        onWillDestroy(() => {
            browser.removeEventListener("hashchange", onHash);
            browser.removeEventListener("online", onOnline);
            document.removeEventListener("visibilitychange", onVisible);
            browser.clearInterval(this.interval);
            this.store.destroy();
        });
    }

    sync(options) {
        return this.store.sync(options).catch(() => {});
    }

    /** Opens a job; from today's route, its back button returns there. */
    openJob(id, fromRoute = false) {
        browser.location.hash = `job=${id}`;
        Object.assign(this.nav, { jobId: id, quoteOpen: false, routeOpen: false, fromRoute });
    }

    /** The quote screen of the open job; its back button returns to the job. */
    openQuote() {
        browser.location.hash = `job=${this.nav.jobId}/quote`;
        this.nav.quoteOpen = true;
    }

    closeQuote() {
        if (browser.location.hash) {
            browser.history.back();
        }
        this.nav.quoteOpen = false;
    }

    closeJob() {
        if (browser.location.hash) {
            browser.history.back();
        }
        Object.assign(this.nav, { jobId: null, quoteOpen: false, routeOpen: this.nav.fromRoute, fromRoute: false });
    }

    openRoute() {
        browser.location.hash = "route";
        this.nav.routeOpen = true;
    }

    closeRoute() {
        if (browser.location.hash) {
            browser.history.back();
        }
        this.nav.routeOpen = false;
    }

    /**
     * A unit's page, over whatever screen was open: back returns to it. From
     * the find screen, the page takes its place: back skips the search.
     */
    openUnit(id, { replace = false } = {}) {
        if (replace) {
            browser.history.replaceState(browser.history.state, "", `#/equipment/${id}`);
        } else {
            browser.location.hash = `/equipment/${id}`;
        }
        Object.assign(this.nav, { unitId: id, findOpen: false });
    }

    openFindUnit() {
        browser.location.hash = "/equipment";
        Object.assign(this.nav, { unitId: null, findOpen: true });
    }

    /** Back from a unit's page or the find screen: to the screen it was opened from. */
    closeUnitScreen() {
        if (browser.location.hash) {
            browser.history.back();
        }
        Object.assign(this.nav, { unitId: null, findOpen: false });
    }

    get job() {
        void this.state.revision;
        return this.nav.jobId && this.store.jobView(this.nav.jobId);
    }
}
