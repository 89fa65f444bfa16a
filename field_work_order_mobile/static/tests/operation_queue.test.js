import { after, describe, expect, test } from "@odoo/hoot";
import { waitUntil } from "@odoo/hoot-dom";
import { AppDatabase, databaseName } from "@field_work_order_mobile/app/store/db";
import {
    BACKOFF_MAX,
    LoginNeededError,
    OfflineError,
    OperationQueue,
    PUSH_BATCH,
    PUSH_BYTES,
    takeBatch,
} from "@field_work_order_mobile/app/store/operation_queue";
import { SyncStore } from "@field_work_order_mobile/app/store/sync_store";
import { publishedRules } from "@field_work_order_mobile/../tests/helpers/rules";

/**
 * The queue and the store on the browser's real IndexedDB: every test uses
 * databases of its own (a unique name) and deletes them when it ends.
 */

let nameCounter = 0;

/** A database name nobody else uses; it is closed and deleted after the test. */
function uniqueName() {
    const name = `fwo-hoot-queue/${Date.now()}-${++nameCounter}-${Math.random().toString(36).slice(2)}`;
    after(() => deleteDatabase(name));
    return name;
}

function deleteDatabase(name) {
    return new Promise((resolve, reject) => {
        const request = indexedDB.deleteDatabase(name);
        request.onsuccess = () => resolve();
        request.onerror = () => reject(request.error);
    });
}

/** An opened AppDatabase, closed after the test (before its deletion: `after` runs last-in first-out). */
async function openDatabase(name) {
    const db = await new AppDatabase(name).open();
    after(() => db.close());
    return db;
}

/** setTimeout/clearTimeout stand-ins: the delays asked for, and the callbacks to fire by hand. */
function fakeTimers() {
    const timers = {
        delays: [],
        pending: new Map(),
        cleared: [],
        nextId: 1,
        setTimeout(callback, delay) {
            const id = timers.nextId++;
            timers.delays.push(delay);
            timers.pending.set(id, callback);
            return id;
        },
        clearTimeout(id) {
            timers.cleared.push(id);
            timers.pending.delete(id);
        },
        /** Fires the only scheduled retry (there is never more than one). */
        fire() {
            expect(timers.pending.size).toBe(1, { message: "one retry is scheduled" });
            const [[id, callback]] = timers.pending;
            timers.pending.delete(id);
            callback();
        },
    };
    return timers;
}

/** A sync_push stand-in: records every call; answers with `answer(op)` per operation, or throws `failure`. */
function fakeTransport(answer = (op) => ({ uuid: op.uuid, status: "applied", message: "" })) {
    const transport = {
        calls: [],
        failure: null,
        answer,
        async push(operations) {
            transport.calls.push(operations);
            if (transport.failure) {
                throw transport.failure;
            }
            return operations.map((op) => transport.answer(op));
        },
    };
    return transport;
}

async function openQueue(name, transport = fakeTransport(), timers = fakeTimers()) {
    const db = await openDatabase(name);
    const queue = new OperationQueue(db, transport, timers);
    after(() => queue.destroy());
    await queue.load();
    return { db, queue, transport, timers };
}

/** What IndexedDB holds in the queue store, read on a connection of its own. */
async function storedOperations(name) {
    const db = await new AppDatabase(name).open();
    try {
        return (await db.getAll("queue")).sort((a, b) => a.seq - b.seq);
    } finally {
        db.close();
    }
}

async function storedJobs(name) {
    const db = await new AppDatabase(name).open();
    try {
        return await db.getAll("jobs");
    } finally {
        db.close();
    }
}

async function addInOrder(queue, specs) {
    const ops = [];
    for (const spec of specs) {
        ops.push(await queue.add(spec));
    }
    return ops;
}

const THREE = [
    { order_id: 1, type: "start", base_version: 3, at: "2030-01-07 08:00:00" },
    { order_id: 1, type: "note", payload: { body: "Seal replaced" }, base_version: 3, at: "2030-01-07 08:10:00" },
    { order_id: 2, type: "hold", base_version: 9, at: "2030-01-07 08:20:00" },
];

/** A job as sync_pull delivers it (only the keys the store and the overlay read). */
function order(id, version, values = {}) {
    return {
        id,
        name: `WO/2030/0000${id}`,
        version,
        state: "scheduled",
        labor: [],
        notes: [],
        checklist: [],
        materials: [],
        photos: [],
        history: [],
        ...values,
    };
}

/** A server stand-in for SyncStore's `call(method, kwargs)`: records every call. */
function fakeServer({ pages = [], push } = {}) {
    const server = {
        calls: [],
        pages: [...pages],
        pushFailure: null,
        push: push || ((op) => ({ uuid: op.uuid, status: "applied", message: "" })),
        get pushed() {
            return server.calls.filter(([method]) => method === "sync_push").map(([, kwargs]) => kwargs.operations);
        },
        async call(method, kwargs) {
            server.calls.push([method, JSON.parse(JSON.stringify(kwargs))]);
            if (method === "sync_push") {
                if (server.pushFailure) {
                    throw server.pushFailure;
                }
                return kwargs.operations.map((op) => server.push(op));
            }
            if (method === "sync_pull") {
                const page = server.pages.shift() || { orders: [] };
                return { cursor: "c", has_more: false, total: page.orders.length, reset: false, removed: [], ...page };
            }
            if (method === "sync_reference") {
                return {
                    products: [], has_more: false, after_id: false, van: false, stock: [], lots: [],
                    job_types: [], checklist_templates: [], settings: { signature_required: false, photo_max_mb: 10 },
                    rules: publishedRules(),
                };
            }
            throw new Error(`unexpected call ${method}`);
        },
    };
    server.call = server.call.bind(server);
    return server;
}

async function openStore(dbName, userId, server, timers = fakeTimers()) {
    const name = databaseName(dbName, userId);
    after(() => deleteDatabase(name));
    const store = new SyncStore({ dbName, user: { id: userId, name: `Tech ${userId}` }, call: server.call, timers });
    after(() => store.destroy());
    await store.load();
    return store;
}

describe("order and batches", () => {
    test("operations are pushed in the order they were added", async () => {
        const { queue, transport } = await openQueue(uniqueName());
        const ops = await addInOrder(queue, THREE);
        expect(ops.map((op) => op.seq)).toEqual([...ops.map((op) => op.seq)].sort((a, b) => a - b));

        expect(await queue.flush()).toBe(3);
        expect(transport.calls).toHaveLength(1);
        expect(transport.calls[0].map((op) => [op.type, op.order_id, op.base_version, op.at])).toEqual([
            ["start", 1, 3, "2030-01-07 08:00:00"],
            ["note", 1, 3, "2030-01-07 08:10:00"],
            ["hold", 2, 9, "2030-01-07 08:20:00"],
        ]);
        expect(transport.calls[0].map((op) => op.uuid)).toEqual(ops.map((op) => op.uuid));
        // What goes on the wire: the protocol's keys only (never `display`, `status`, `seq`...).
        expect(Object.keys(transport.calls[0][1]).sort()).toEqual(
            ["at", "base_version", "order_id", "payload", "type", "uuid"]
        );
        expect(queue.operations).toHaveLength(0);
    });

    test("adds made at the same time are still stored and sent in call order", async () => {
        const { queue, transport } = await openQueue(uniqueName());
        const ops = await Promise.all(THREE.map((spec) => queue.add(spec))); // not awaited one by one
        await queue.flush();
        expect(transport.calls[0].map((op) => op.uuid)).toEqual(ops.map((op) => op.uuid));
    });

    test("takeBatch: at most PUSH_BATCH operations and about PUSH_BYTES per call, in order", async () => {
        const ops = Array.from({ length: PUSH_BATCH + 5 }, (_, i) => ({ seq: i + 1, payload: { body: "x" } }));
        const first = takeBatch(ops);
        expect(first).toHaveLength(PUSH_BATCH);
        expect(first.map((op) => op.seq)).toEqual(ops.slice(0, PUSH_BATCH).map((op) => op.seq));
        expect(takeBatch(ops.slice(PUSH_BATCH)).map((op) => op.seq)).toEqual([101, 102, 103, 104, 105]);

        // Photos: the byte budget cuts the batch, keeping the order.
        const image = "a".repeat(Math.floor(PUSH_BYTES / 3));
        const photos = [1, 2, 3, 4, 5].map((seq) => ({ seq, payload: { image } }));
        expect(takeBatch(photos).map((op) => op.seq)).toEqual([1, 2]);
        expect(takeBatch(photos.slice(2)).map((op) => op.seq)).toEqual([3, 4]);
        // One operation larger than the budget still goes, alone.
        const huge = [{ seq: 1, payload: { image: "a".repeat(PUSH_BYTES + 10) } }, { seq: 2, payload: {} }];
        expect(takeBatch(huge).map((op) => op.seq)).toEqual([1]);
    });

    test("flush sends more than one batch in order", async () => {
        const { queue, transport } = await openQueue(uniqueName());
        const specs = Array.from({ length: PUSH_BATCH + 2 }, (_, i) => ({
            order_id: 1,
            type: "note",
            payload: { body: `note ${i}` },
            base_version: 1,
        }));
        for (const spec of specs) {
            await queue.add(spec);
        }
        expect(await queue.flush()).toBe(PUSH_BATCH + 2);
        expect(transport.calls.map((batch) => batch.length)).toEqual([PUSH_BATCH, 2]);
        expect(transport.calls.flat().map((op) => op.payload.body)).toEqual(specs.map((s) => s.payload.body));
    });
});

describe("durability", () => {
    test("the queue survives a reload: same operations, uuids and statuses", async () => {
        const name = uniqueName();
        const transport = fakeTransport((op) =>
            op.type === "hold"
                ? { uuid: op.uuid, status: "error", message: "Hold is not allowed." }
                : { uuid: op.uuid, status: "applied", message: "" }
        );
        const first = await openQueue(name, transport);
        const ops = await addInOrder(first.queue, THREE);
        transport.failure = new OfflineError("offline");
        await expect(first.queue.flush()).rejects.toThrow(OfflineError);
        first.queue.destroy();
        first.db.close();

        // The app is closed and opened again.
        const second = await openQueue(name, transport);
        expect(second.queue.operations.map((op) => [op.seq, op.uuid, op.type, op.status, op.base_version])).toEqual(
            ops.map((op) => [op.seq, op.uuid, op.type, "pending", op.base_version])
        );
        expect(second.queue.operations[1].payload).toEqual({ body: "Seal replaced" });

        // Statuses too: after an answer, a reload shows what the server said.
        transport.failure = null;
        await second.queue.flush();
        second.queue.destroy();
        second.db.close();
        const third = await openQueue(name);
        expect(third.queue.operations.map((op) => [op.uuid, op.status, op.message])).toEqual([
            [ops[2].uuid, "error", "Hold is not allowed."],
        ]);
    });

    test("add resolves only once the operation is in IndexedDB", async () => {
        const name = uniqueName();
        const { queue } = await openQueue(name);
        const op = await queue.add({ order_id: 4, type: "note", payload: { body: "On site" }, base_version: 2 });
        // Read right away, on a fresh connection: it is there.
        const stored = await storedOperations(name);
        expect(stored).toHaveLength(1);
        expect(stored[0]).toMatchObject({
            seq: op.seq,
            uuid: op.uuid,
            order_id: 4,
            type: "note",
            payload: { body: "On site" },
            base_version: 2,
            status: "pending",
        });
        expect(stored[0].at).toMatch(/^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d$/);
        expect(op.uuid).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    });
});

describe("backoff", () => {
    test("an offline push keeps everything and retries after 2 s, 4 s, 8 s... at most a minute", async () => {
        const name = uniqueName();
        const { queue, transport, timers } = await openQueue(name);
        const ops = await addInOrder(queue, THREE);
        transport.failure = new OfflineError("Connection lost");

        await expect(queue.flush()).rejects.toThrow(OfflineError);
        for (let i = 0; i < 7; i++) {
            timers.fire(); // the retry runs when its timer fires
            await queue.flush().catch(() => {}); // (joins that run)
        }
        expect(timers.delays).toEqual([2000, 4000, 8000, 16000, 32000, 60000, 60000, 60000]);
        expect(BACKOFF_MAX).toBe(60000);
        expect(transport.calls).toHaveLength(8);
        for (const call of transport.calls) {
            expect(call.map((op) => op.uuid)).toEqual(ops.map((op) => op.uuid)); // the same uuids every time
        }
        expect(queue.pending).toHaveLength(3);
        expect((await storedOperations(name)).map((op) => [op.uuid, op.status])).toEqual(
            ops.map((op) => [op.uuid, "pending"])
        );
    });

    test("an answer without a result for the operations sent is retried later, not in a loop", async () => {
        const { queue, transport, timers } = await openQueue(uniqueName());
        const ops = await addInOrder(queue, THREE);
        transport.answer = () => ({ uuid: "someone-else", status: "applied", message: "" });

        await expect(queue.flush()).rejects.toThrow(OfflineError);
        expect(transport.calls).toHaveLength(1);
        expect(timers.delays).toEqual([2000]);
        expect(queue.pending.map((op) => op.uuid)).toEqual(ops.map((op) => op.uuid));
    });

    test("a successful push resets the backoff, a manual flush cancels the scheduled retry", async () => {
        const { queue, transport, timers } = await openQueue(uniqueName());
        await queue.add(THREE[0]);
        transport.failure = new OfflineError("offline");
        await expect(queue.flush()).rejects.toThrow(OfflineError);
        timers.fire();
        await queue.flush().catch(() => {});
        expect(timers.delays).toEqual([2000, 4000]);

        // Back online: the technician pulls to refresh before the retry is due.
        transport.failure = null;
        const [scheduled] = timers.pending.keys();
        expect(await queue.flush()).toBe(1);
        expect(timers.cleared).toInclude(scheduled);
        expect(timers.pending.size).toBe(0);

        // The next failure starts again at 2 s.
        await queue.add(THREE[1]);
        transport.failure = new OfflineError("offline");
        await expect(queue.flush()).rejects.toThrow(OfflineError);
        expect(timers.delays).toEqual([2000, 4000, 2000]);
    });
});

describe("results", () => {
    test("applied and duplicate are removed, error and conflict stay with the server's words", async () => {
        const name = uniqueName();
        const answers = {
            start: (op) => ({ uuid: op.uuid, status: "applied", message: "", version: 4, current: { state: "in_progress", version: 4 } }),
            note: (op) => ({ uuid: op.uuid, status: "duplicate", first_status: "applied", message: "", version: 4 }),
            material: (op) => ({ uuid: op.uuid, status: "error", message: "Unknown lot L9 for Valve.", version: 4, current: { state: "in_progress", version: 4 } }),
            hold: (op) => ({ uuid: op.uuid, status: "conflict", message: "Work order WO/2030/00002 is Cancelled.", version: 12, current: { state: "cancelled", version: 12 } }),
            resume: (op) => ({ uuid: op.uuid, status: "duplicate", first_status: "conflict", message: "Already refused.", current: { state: "done", version: 7 } }),
        };
        const { queue } = await openQueue(name, fakeTransport((op) => answers[op.type](op)));
        const ops = await addInOrder(queue, [
            THREE[0],
            THREE[1],
            { order_id: 1, type: "material", payload: { product_id: 42, quantity: 1, lot_name: "L9" }, base_version: 3 },
            THREE[2],
            { order_id: 3, type: "resume", base_version: 5 },
        ]);
        await queue.flush();

        const kept = queue.operations.map((op) => [op.uuid, op.status, op.message, op.current]);
        expect(kept).toEqual([
            [ops[2].uuid, "error", "Unknown lot L9 for Valve.", { state: "in_progress", version: 4 }],
            [ops[3].uuid, "conflict", "Work order WO/2030/00002 is Cancelled.", { state: "cancelled", version: 12 }],
            // a duplicate takes the status of the first answer
            [ops[4].uuid, "conflict", "Already refused.", { state: "done", version: 7 }],
        ]);
        expect(queue.pending).toHaveLength(0);
        expect(queue.failed).toHaveLength(3);
        // IndexedDB holds the same thing.
        expect((await storedOperations(name)).map((op) => [op.uuid, op.status, op.message, op.current])).toEqual(kept);
        // Refused operations are not sent again by the next flush.
        const calls = queue.transport.calls.length;
        expect(await queue.flush()).toBe(0);
        expect(queue.transport.calls).toHaveLength(calls);
    });

    test("retry of a conflict: a new uuid, on the server's version, pending again", async () => {
        const name = uniqueName();
        const transport = fakeTransport((op) => ({
            uuid: op.uuid,
            status: "conflict",
            message: "Changed on the server.",
            version: 8,
            current: { state: "on_hold", version: 8 },
        }));
        const { queue } = await openQueue(name, transport);
        const [op] = await addInOrder(queue, [{ order_id: 5, type: "hold", base_version: 6 }]);
        const firstUuid = op.uuid;
        await queue.flush();
        expect(queue.operations[0].status).toBe("conflict");

        await queue.retry(op.seq);
        const [retried] = queue.operations;
        expect(retried.uuid).not.toBe(firstUuid);
        expect(retried).toMatchObject({ seq: op.seq, status: "pending", base_version: 8, message: "", current: false });
        const [stored] = await storedOperations(name);
        expect(stored).toMatchObject({ seq: op.seq, uuid: retried.uuid, status: "pending", base_version: 8 });

        transport.answer = (o) => ({ uuid: o.uuid, status: "applied", message: "" });
        await queue.flush();
        expect(transport.calls.at(-1)).toEqual([
            { uuid: retried.uuid, order_id: 5, type: "hold", payload: {}, base_version: 8, at: op.at },
        ]);
        expect(queue.operations).toHaveLength(0);
    });

    test("discard deletes the operation from IndexedDB", async () => {
        const name = uniqueName();
        const transport = fakeTransport((op) =>
            op.type === "start"
                ? { uuid: op.uuid, status: "conflict", message: "Cancelled meanwhile.", current: { state: "cancelled", version: 4 } }
                : { uuid: op.uuid, status: "error", message: "No." }
        );
        const { queue } = await openQueue(name, transport);
        const ops = await addInOrder(queue, THREE);
        await queue.flush();
        expect((await storedOperations(name)).map((op) => op.seq)).toEqual(ops.map((op) => op.seq));

        await queue.discard(ops[0].seq);
        expect(queue.operations.map((op) => op.seq)).toEqual([ops[1].seq, ops[2].seq]);
        expect((await storedOperations(name)).map((op) => op.seq)).toEqual([ops[1].seq, ops[2].seq]);
        await queue.discard(ops[2].seq);
        expect((await storedOperations(name)).map((op) => op.uuid)).toEqual([ops[1].uuid]);
    });
});

describe("store", () => {
    test("two technicians on one phone: user 2 never loads nor pushes user 1's operations", async () => {
        const dbName = `hoot-${Date.now()}-${Math.random().toString(36).slice(2)}`;
        const job = order(1, 3);
        const server1 = fakeServer({ pages: [{ orders: [job] }] });
        const store1 = await openStore(dbName, 1, server1);
        await store1.pull();
        server1.pushFailure = new OfflineError("offline");
        const op1 = await store1.act(store1.jobs.get(1), "start");
        await store1.act(store1.jobs.get(1), "note", { body: "user 1's note" });
        await store1.sync().catch(() => {});
        expect(store1.state.pending).toBe(2);
        expect(store1.state.online).toBe(false);
        store1.destroy();

        const server2 = fakeServer({ pages: [{ orders: [job] }] });
        const store2 = await openStore(dbName, 2, server2);
        expect(store2.db.name).not.toBe(store1.db.name);
        expect(store2.queue.operations).toHaveLength(0);
        expect(store2.state.pending).toBe(0);
        expect(store2.jobViews.map((j) => j.state)).toEqual([]); // nor user 1's cached jobs
        await store2.sync();
        expect(server2.pushed).toEqual([]); // nothing to push
        const op2 = await store2.act(store2.jobs.get(1), "note", { body: "user 2's note" });
        await store2.sync();
        expect(server2.pushed.flat().map((op) => op.uuid)).toEqual([op2.uuid]);
        expect(JSON.stringify(server2.calls)).not.toInclude(op1.uuid);
        expect(JSON.stringify(server2.calls)).not.toInclude("user 1's note");

        // User 1's queue is intact when they come back.
        const again = await openStore(dbName, 1, fakeServer());
        expect(again.queue.operations.map((op) => op.type)).toEqual(["start", "note"]);
    });

    test("an expired session keeps the queue and asks to log in", async () => {
        const dbName = `hoot-${Date.now()}-${Math.random().toString(36).slice(2)}`;
        const server = fakeServer({ pages: [{ orders: [order(1, 3)] }] });
        const timers = fakeTimers();
        const store = await openStore(dbName, 7, server, timers);
        await store.pull();
        await store.pullReference(); // the rules: how the queued start shows
        server.pushFailure = new LoginNeededError("Session expired");
        const op = await store.act(store.jobs.get(1), "start");
        await expect(store.sync()).rejects.toThrow(LoginNeededError);
        expect(store.state.loginNeeded).toBe(true);
        expect(store.state.online).toBe(true);
        expect(store.state.pending).toBe(1);
        expect(store.queue.pending.map((o) => o.uuid)).toEqual([op.uuid]);
        expect((await storedOperations(databaseName(dbName, 7))).map((o) => [o.uuid, o.status])).toEqual([
            [op.uuid, "pending"],
        ]);
        expect(store.jobView(1).state).toBe("in_progress"); // the start still shows

        // Logged in again: the same operation goes, once.
        server.pushFailure = null;
        await store.sync();
        expect(store.state.loginNeeded).toBe(false);
        expect(server.pushed.at(-1).map((o) => o.uuid)).toEqual([op.uuid]);
        expect(store.state.pending).toBe(0);
    });

    test("a pull with reset clears the cached jobs, never the queue", async () => {
        const dbName = `hoot-${Date.now()}-${Math.random().toString(36).slice(2)}`;
        const server = fakeServer({
            pages: [
                { orders: [order(1, 3), order(2, 5)] },
                { reset: true, orders: [order(3, 1)] },
            ],
        });
        const store = await openStore(dbName, 7, server);
        await store.pull();
        expect([...store.jobs.keys()].sort()).toEqual([1, 2]);
        const op = await store.queue.add({ order_id: 1, type: "note", payload: { body: "kept" }, base_version: 3 });

        await store.pull();
        expect([...store.jobs.keys()]).toEqual([3]);
        expect((await storedJobs(databaseName(dbName, 7))).map((j) => j.id)).toEqual([3]);
        expect(store.queue.operations.map((o) => o.uuid)).toEqual([op.uuid]);
        expect((await storedOperations(databaseName(dbName, 7))).map((o) => o.uuid)).toEqual([op.uuid]);
        expect(store.state.pending).toBe(1);
        // the cursor of the pull was sent back
        expect(server.calls.filter(([m]) => m === "sync_pull").map(([, kw]) => kw.cursor)).toEqual([false, "c"]);
    });

    test("a new phone asks for its jobs and the reference data at once; the jobs come in under the rules", async () => {
        const dbName = `hoot-${Date.now()}-${Math.random().toString(36).slice(2)}`;
        const server = fakeServer({ pages: [{ orders: [order(1, 3), order(2, 5)] }] });
        let answerReference;
        const referenceAnswered = new Promise((resolve) => (answerReference = resolve));
        const answer = server.call;
        server.call = async (method, kwargs) => {
            const result = answer(method, kwargs); // the call is recorded at once
            if (method === "sync_reference") {
                await referenceAnswered;
            }
            return result;
        };
        const store = await openStore(dbName, 7, server);
        const synced = store.sync();
        await waitUntil(() => server.calls.length === 2, { timeout: 3000 });
        expect(server.calls.map(([method]) => method).sort()).toEqual(["sync_pull", "sync_reference"]);
        // The page is in, the reference data is not: no job is shown without the rules.
        for (let i = 0; i < 20; i++) {
            await Promise.resolve();
        }
        expect(store.jobs.size).toBe(0);

        answerReference();
        await synced;
        expect([...store.jobs.keys()].sort()).toEqual([1, 2]);
        expect(store.state.reference.rules).toEqual(publishedRules());
        expect(server.calls.map(([method]) => method).sort()).toEqual(["sync_pull", "sync_reference"]);
    });

    test("an older version of an order never replaces a newer one (its history is still taken)", async () => {
        const dbName = `hoot-${Date.now()}-${Math.random().toString(36).slice(2)}`;
        const visit = { name: "WO/2029/00007", date_completed: "2029-11-02 10:00:00", job_type: false, technician: "Tess Tech", description: false };
        const server = fakeServer({
            pages: [
                { orders: [order(1, 5, { state: "in_progress" })] },
                // delivered late (at least once), when another order at the address was done
                { orders: [order(1, 4, { state: "scheduled", history: [visit] })] },
                { orders: [order(1, 6, { state: "on_hold", history: [visit] })] },
                { orders: [order(1, 6, { state: "on_hold", history: [] })] }, // same version again
            ],
        });
        const store = await openStore(dbName, 7, server);
        const name = databaseName(dbName, 7);
        await store.pull();
        expect(store.jobs.get(1)).toMatchObject({ version: 5, state: "in_progress", history: [] });

        await store.pull();
        expect(store.jobs.get(1)).toMatchObject({ version: 5, state: "in_progress", history: [visit] });
        expect((await storedJobs(name))[0]).toMatchObject({ version: 5, state: "in_progress", history: [visit] });

        await store.pull();
        expect(store.jobs.get(1)).toMatchObject({ version: 6, state: "on_hold" });
        expect((await storedJobs(name))[0]).toMatchObject({ version: 6, state: "on_hold" });

        await store.pull();
        expect(store.jobs.get(1)).toMatchObject({ version: 6, state: "on_hold", history: [] });
        expect((await storedJobs(name))[0]).toMatchObject({ version: 6, history: [] });
    });
});
