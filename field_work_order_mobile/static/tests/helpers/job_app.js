import { after, expect } from "@odoo/hoot";
import { waitUntil } from "@odoo/hoot-dom";
import { animationFrame } from "@odoo/hoot-mock";
import { contains, mountWithCleanup } from "@web/../tests/web_test_helpers";
import { FieldServiceApp } from "@field_work_order_mobile/app/app";
import { AppDatabase, databaseName } from "@field_work_order_mobile/app/store/db";
import { OfflineError, wireTime } from "@field_work_order_mobile/app/store/operation_queue";
import { SyncStore } from "@field_work_order_mobile/app/store/sync_store";
import { publishedRules } from "@field_work_order_mobile/../tests/helpers/rules";

/**
 * The technician app mounted whole (status bar, My Jobs, the job screen,
 * dialogs and notifications) on a SyncStore whose `call` is a fake server:
 * sync_pull answers one page with one job, sync_push is recorded and
 * answered by the test. The store keeps its data in the browser's real
 * IndexedDB, in a database of the test's own, deleted afterwards.
 */

export const USER = { id: 7, name: "Tess Tech" };
/** A 1x1 GIF: photos already on the server, shown without any request. */
const PIXEL = "data:image/gif;base64,R0lGODlhAQABAAAAACH5BAEKAAEALAAAAAABAAEAAAICTAEAOw==";

export function makeJob(values = {}) {
    return {
        id: 1,
        name: "WO/2030/00042",
        version: 3,
        state: "scheduled",
        priority: "0",
        partner: { id: 10, name: "Acme Bakery", phone: "+32 2 555 01 01", email: false },
        service_address: {
            id: 11,
            name: "Acme Bakery, Back Door",
            street: "12 Rue Haute",
            street2: false,
            city: "Brussels",
            zip: "1000",
            country: "Belgium",
            phone: false,
        },
        unit_number: "4B",
        access_instructions: "Key at the front desk",
        site_contact_name: "Marie Dupont",
        site_contact_phone: "+32 470 12 34 56",
        description: "Oven does not heat up.",
        safety_requirements: "Isolate the gas supply before opening the panel.",
        job_type: "Oven Repair",
        scheduled_start: wireTime(new Date(Date.now() - 3600 * 1000)),
        scheduled_end: wireTime(new Date(Date.now() + 3600 * 1000)),
        deadline: false,
        date_started: false,
        date_completed: false,
        user_id: USER.id,
        user_name: USER.name,
        technician_ids: [USER.id],
        materials: [
            { id: 21, product_id: 41, product_name: "[GSK-1] Gasket", product_uom_qty: 2, quantity_used: 0, uom: "Units", lot: false },
            { id: 22, product_id: 42, product_name: "Thermostat", product_uom_qty: 1, quantity_used: 1, uom: "Units", lot: false },
        ],
        labor: [],
        checklist: [
            { id: 31, name: "Gas supply isolated", required: true, done: false, done_by: false, done_on: false },
            { id: 32, name: "Customer briefed", required: false, done: false, done_by: false, done_on: false },
        ],
        photos: [{ id: 51, kind: "before", taken_on: wireTime(), note: false, url: PIXEL }],
        notes: [],
        signed_by: false,
        signed_on: false,
        history: [],
        ...values,
    };
}

/**
 * The server side of `call(method, kwargs)`: one pull page with the job,
 * an empty catalog, and pushes answered by `answer(op)` (applied by
 * default) or refused with OfflineError while `offline` is set.
 */
export function fakeServer(job, rules = publishedRules()) {
    const server = {
        job,
        rules,
        offline: false,
        pushes: [],
        answer: (op) => ({ uuid: op.uuid, status: "applied", message: "", version: job.version + 1 }),
        async call(method, kwargs) {
            if (server.offline) {
                if (method === "sync_push") {
                    server.pushes.push(kwargs.operations);
                }
                throw new OfflineError("Connection lost");
            }
            switch (method) {
                case "sync_pull":
                    return {
                        cursor: "cursor-1",
                        has_more: false,
                        total: 1,
                        reset: false,
                        removed: [],
                        orders: [JSON.parse(JSON.stringify(server.job))],
                    };
                case "sync_reference":
                    return {
                        products: [],
                        has_more: false,
                        after_id: false,
                        van: false,
                        stock: [],
                        lots: [],
                        job_types: [],
                        checklist_templates: [],
                        settings: { signature_required: false, photo_max_mb: 10 },
                        rules: server.rules,
                    };
                case "sync_push":
                    server.pushes.push(kwargs.operations);
                    return kwargs.operations.map((op) => server.answer(op));
            }
            throw new Error(`unexpected call ${method}`);
        },
    };
    return server;
}

function deleteDatabase(name) {
    return new Promise((resolve, reject) => {
        const request = indexedDB.deleteDatabase(name);
        request.onsuccess = () => resolve();
        request.onerror = () => reject(request.error);
    });
}

let counter = 0;

/** Waits (in real time: IndexedDB is real) until `predicate` holds, then lets Owl render. */
export async function until(predicate, message) {
    await waitUntil(predicate, { timeout: 3000, message });
    await animationFrame();
}

/**
 * Mounts the app on a store using `server`, opens the job, and returns the
 * store once the first sync is done.
 */
export async function openJob(server) {
    const dbName = `hoot-job-screen-${Date.now()}-${++counter}`;
    const name = databaseName(dbName, USER.id);
    after(() => deleteDatabase(name)); // runs last: the app (and its store) is destroyed before
    // Retries never fire on their own: the test decides when the phone is back online.
    const timers = { setTimeout: () => 0, clearTimeout: () => {} };
    const store = new SyncStore({ dbName, user: USER, call: (m, kw) => server.call(m, kw), timers });
    after(() => store.destroy());
    await mountWithCleanup(FieldServiceApp, { props: { store, offline: true } });
    await until(() => store.state.ready && !store.running && store.state.lastSync, "first sync");
    await contains(".o_fwo_job_card").click();
    expect(".o_fwo_job").toHaveCount(1);
    return { store, name };
}

export async function storedQueue(name) {
    const db = await new AppDatabase(name).open();
    try {
        return await db.getAll("queue");
    } finally {
        db.close();
    }
}
