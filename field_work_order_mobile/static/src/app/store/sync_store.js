import { reactive } from "@odoo/owl";
import { ConnectionLostError, rpc, RPCError } from "@web/core/network/rpc";
import { AppDatabase, databaseName } from "@field_work_order_mobile/app/store/db";
import { applyPending } from "@field_work_order_mobile/app/models/job";
import { unitsById } from "@field_work_order_mobile/app/models/equipment";
import { NO_RULES } from "@field_work_order_mobile/app/models/rules";
import { LoginNeededError, OfflineError, OperationQueue, wireTime } from "@field_work_order_mobile/app/store/operation_queue";

/** Pull page size, and how long reference data (catalog, van stock) stays fresh. */
const PULL_LIMIT = 200;
const REFERENCE_MAX_AGE = 60 * 60 * 1000;
/** While the app is open and visible, sync this often even if nothing happens. */
export const SYNC_INTERVAL = 60 * 1000;

/** JSON-RPC to field.work.order, with the failures the app handles told apart. */
async function callServer(method, kwargs) {
    try {
        return await rpc(
            `/web/dataset/call_kw/field.work.order/${method}`,
            { model: "field.work.order", method, args: [], kwargs },
            { silent: true }
        );
    } catch (error) {
        if (error instanceof ConnectionLostError) {
            throw new OfflineError(error.message);
        }
        if (error instanceof RPCError && error.data?.name === "odoo.http.SessionExpiredException") {
            throw new LoginNeededError(error.message);
        }
        throw error;
    }
}

/**
 * The technician's data on the phone and the one path it takes to and from
 * the server: jobs and reference data from `sync_pull`/`sync_reference`
 * (kept in IndexedDB), the technician's actions through the operation queue
 * and `sync_push`. Screens read `state` and call `act`; nothing else talks
 * to the server.
 */
export class SyncStore {
    constructor({ dbName, user, call = callServer, indexedDB = globalThis.indexedDB, timers = {} }) {
        this.user = user;
        this.call = call;
        this.db = new AppDatabase(databaseName(dbName, user.id), indexedDB);
        this.queue = new OperationQueue(this.db, { push: (operations) => call("sync_push", { operations }) }, timers);
        this.queue.retryWith = () => this.sync(); // back online: status bar and jobs updated too
        this.jobs = new Map();
        this.cursor = false; // of the last pull, as stored with its jobs
        this.state = reactive({
            ready: false,
            online: true,
            syncing: false,
            loginNeeded: false,
            lastSync: false,
            error: "",
            pending: 0,
            failed: 0,
            revision: 0, // bumped on every change screens must redraw for
            route: false, // today's route as the last pull brought it (models/route.js)
            reference: {
                products: [],
                van: false,
                stock: [],
                lots: [],
                job_types: [],
                checklist_templates: [],
                settings: {},
            },
        });
        this.queue.addEventListener("change", () => this._refresh());
    }

    /** Reads the phone's copy (jobs, reference data, queue); once, however often it is called. */
    load() {
        if (!this.loading) {
            this.loading = this._load();
        }
        return this.loading;
    }

    async _load() {
        await this.db.open();
        const [jobs, reference, lastSync, route, cursor] = await Promise.all([
            this.db.getAll("jobs"),
            this.db.getMeta("reference", null),
            this.db.getMeta("lastSync", false),
            this.db.getMeta("route", false),
            this.db.getMeta("cursor", false),
        ]);
        this.jobs = new Map(jobs.map((job) => [job.id, job]));
        this.cursor = cursor;
        if (reference) {
            this.state.reference = reference;
        }
        this.state.lastSync = lastSync;
        this.state.route = route;
        await this.queue.load();
        this.state.ready = true;
        this._refresh();
    }

    _refresh() {
        this.state.pending = this.queue.pending.length;
        this.state.failed = this.queue.failed.length;
        this.state.revision++;
    }

    /** The server's states, transitions and limits (models/rules.js), as last synced. */
    get rules() {
        return this.state.reference.rules || NO_RULES; // a phone synced before the rules were published
    }

    /**
     * Every job as the technician should see it now: the server's copy, plus
     * the queued actions and those applied since it was pulled (a unit added
     * on the phone does not vanish between the push and the pull).
     */
    get jobViews() {
        const ops = this._shownOperations();
        return [...this.jobs.values()].map((job) => applyPending(job, ops, this.user, this.rules));
    }

    jobView(id) {
        const job = this.jobs.get(id);
        return job && applyPending(job, this._shownOperations(), this.user, this.rules);
    }

    _shownOperations() {
        return this.queue.applied.length ? [...this.queue.applied, ...this.queue.operations] : this.queue.operations;
    }

    /** Every unit of the pulled jobs' sites, and those added on the phone, by id (the find screen's data). */
    get units() {
        return unitsById(this.jobViews);
    }

    /** The queued operations of a job the server refused (error or conflict). */
    failedFor(id) {
        return this.queue.failed.filter((op) => op.order_id === id);
    }

    /**
     * Records an action of the technician: stored on the phone first (the
     * promise resolves once it is durable), then sent in the background.
     */
    async act(job, type, payload = {}, display = {}) {
        const [op] = await this.actMany(job, [{ type, payload, display }]);
        return op;
    }

    /**
     * Records actions that go together (a quote, then its approval), stored
     * in one transaction and sent in order in the same push. Each of
     * `actions` is `{type, payload, display, uuid?}`.
     */
    async actMany(job, actions) {
        const at = wireTime();
        const ops = await this.queue.addMany(
            actions.map(({ uuid, type, payload = {}, display = {} }) => ({
                uuid,
                order_id: job.id,
                type,
                payload,
                base_version: job.version,
                at,
                display,
            }))
        );
        this.sync().catch(() => {});
        return ops;
    }

    async retry(seq) {
        await this.queue.retry(seq);
        this.sync().catch(() => {});
    }

    discard(seq) {
        return this.queue.discard(seq);
    }

    /**
     * Push what is queued, then pull what changed; one run at a time. A call
     * during a run asks for one more run after it (an action taken while a
     * pull was under way is sent right after).
     */
    sync({ reference = false } = {}) {
        this.reference = this.reference || reference;
        if (this.running) {
            this.again = true;
            return this.running;
        }
        this.running = (async () => {
            do {
                this.again = false;
                const withReference = this.reference;
                this.reference = false;
                await this._sync(withReference);
            } while (this.again);
        })().finally(() => (this.running = null));
        return this.running;
    }

    async _sync(forceReference) {
        this.state.syncing = true;
        try {
            await this.queue.flush();
            const applied = new Set(this.queue.applied);
            const fetched = this.state.reference.fetched_at || 0;
            let firstPage = null;
            if (forceReference || !this.state.reference.rules || Date.now() - fetched > REFERENCE_MAX_AGE) {
                // Both asked at once, the reference data kept first: the jobs are shown and acted
                // on through its rules.
                firstPage = this.requestPage(this.cursor);
                firstPage.catch(() => {}); // its failure is the pull's, below
                await this.pullReference();
            }
            await this.pull(firstPage);
            // The pull brought what the server applied before it (jobs it did not resend did not change).
            this.queue.applied = this.queue.applied.filter((op) => !applied.has(op));
            this.state.online = true;
            this.state.loginNeeded = false;
            this.state.error = "";
            this.state.lastSync = new Date().toISOString();
            await this.db.setMeta("lastSync", this.state.lastSync);
        } catch (error) {
            if (error instanceof OfflineError) {
                this.state.online = false;
            } else if (error instanceof LoginNeededError) {
                this.state.online = true;
                this.state.loginNeeded = true;
            } else {
                this.state.online = true;
                this.state.error = error.data?.message || error.message || String(error);
            }
            throw error;
        } finally {
            this.state.syncing = false;
            this._refresh();
        }
    }

    /**
     * All pages of one pull (`firstPage`: the first one, when already asked for); each
     * page is stored with its cursor and today's route (`route`: every page carries it)
     * in one transaction.
     */
    async pull(firstPage = null) {
        let cursor = this.cursor;
        let page;
        do {
            page = await (firstPage || this.requestPage(cursor));
            firstPage = null;
            cursor = page.cursor;
            const reset = page.reset;
            const removed = page.removed || [];
            // An order already held at that version or newer is kept, but its `history` and its units
            // (their last visits) are taken from every delivery: they are not part of the version
            // (docs/sync.md).
            const incoming = page.orders.map((order) => {
                const cached = !reset && this.jobs.get(order.id);
                return cached && cached.version >= order.version
                    ? { ...cached, history: order.history, equipment: order.equipment ?? cached.equipment }
                    : order;
            });
            await this.db.transaction(["jobs", "meta"], "readwrite", (s) => {
                if (reset) {
                    s.jobs.clear();
                }
                for (const id of removed) {
                    s.jobs.delete(id);
                }
                for (const order of incoming) {
                    s.jobs.put(order);
                }
                s.meta.put({ key: "cursor", value: cursor });
                if (page.route) {
                    s.meta.put({ key: "route", value: page.route });
                }
            });
            this.cursor = cursor;
            if (reset) {
                this.jobs.clear();
            }
            for (const id of removed) {
                this.jobs.delete(id);
            }
            for (const order of incoming) {
                this.jobs.set(order.id, order);
            }
            // The server's copy of these jobs has what it applied: no longer shown from the phone's operations.
            const delivered = new Set([...incoming.map((order) => order.id), ...removed]);
            this.queue.applied = reset ? [] : this.queue.applied.filter((op) => !delivered.has(op.order_id));
            if (page.route) {
                this.state.route = page.route;
            }
            this._refresh();
        } while (page.has_more);
    }

    /** One page of jobs changed since `cursor` (a promise: it may be asked for ahead of the pull). */
    requestPage(cursor) {
        return this.call("sync_pull", { cursor, limit: PULL_LIMIT });
    }

    /** The catalog, the van's stock, the rules and the other lists the app needs offline. */
    async pullReference() {
        let afterId = false;
        let page;
        const products = [];
        do {
            page = await this.call("sync_reference", { after_id: afterId, limit: 1000 });
            products.push(...page.products);
            afterId = page.after_id;
        } while (page.has_more);
        const reference = {
            products,
            van: page.van,
            stock: page.stock,
            lots: page.lots,
            job_types: page.job_types,
            checklist_templates: page.checklist_templates,
            settings: page.settings,
            rules: page.rules,
            fetched_at: Date.now(),
        };
        await this.db.setMeta("reference", reference);
        this.state.reference = reference;
    }

    destroy() {
        this.queue.destroy();
        this.db.close();
    }
}
