import { Component, onMounted, onWillDestroy, onWillStart, useState } from "@odoo/owl";
import { session } from "@web/session";
import { user } from "@web/core/user";
import { browser } from "@web/core/browser/browser";
import { MainComponentsContainer } from "@web/core/main_components_container";
import { JobList } from "@field_work_order_mobile/app/screens/job_list/job_list";
import { JobScreen } from "@field_work_order_mobile/app/screens/job_screen/job_screen";
import { StatusBar } from "@field_work_order_mobile/app/components/status_bar/status_bar";
import { SYNC_INTERVAL, SyncStore } from "@field_work_order_mobile/app/store/sync_store";
import { prepareOffline } from "@field_work_order_mobile/app/store/offline_cache";

/** `#job=42` opens job 42: the phone's back button returns to My Jobs. */
function jobIdFromHash() {
    const match = /^#job=(\d+)$/.exec(browser.location.hash);
    return match ? Number(match[1]) : null;
}

/** The technician app: status bar, then My Jobs or one job. */
export class FieldServiceApp extends Component {
    static template = "field_work_order_mobile.App";
    static components = { JobList, JobScreen, MainComponentsContainer, StatusBar };
    static props = { store: { type: Object, optional: true }, offline: { type: Boolean, optional: true } };

    setup() {
        this.store =
            this.props.store ||
            new SyncStore({ dbName: session.db, user: { id: user.userId, name: user.name } });
        this.state = useState(this.store.state);
        this.route = useState({ jobId: jobIdFromHash() });
        const onHash = () => (this.route.jobId = jobIdFromHash());
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
            this.sync();
            if (!this.props.offline) {
                prepareOffline().catch(() => {});
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

    openJob(id) {
        browser.location.hash = `job=${id}`;
        this.route.jobId = id;
    }

    closeJob() {
        if (browser.location.hash) {
            browser.history.back();
        }
        this.route.jobId = null;
    }

    get job() {
        void this.state.revision;
        return this.route.jobId && this.store.jobView(this.route.jobId);
    }
}
