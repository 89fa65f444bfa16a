import { EventBus } from "@odoo/owl";

/** Operations sent per sync_push call (the server takes at most 500). */
export const PUSH_BATCH = 100;
/** ... and about this many bytes of JSON per call, so a day of photos goes in several calls. */
export const PUSH_BYTES = 8 * 1024 * 1024;
/** Retry delays after a failed push: 2 s, doubling, at most a minute. */
const BACKOFF_BASE = 2000;
export const BACKOFF_MAX = 60000;

/** The push could not reach the server (offline, server down, proxy error). */
export class OfflineError extends Error {}
/** The server answered that the session expired: log in again, the queue stays. */
export class LoginNeededError extends Error {}

function backoffDelay(attempt) {
    return Math.min(BACKOFF_BASE * 2 ** Math.max(attempt - 1, 0), BACKOFF_MAX);
}

/** A device-made id: the same uuid is never applied twice by the server. */
export function newUuid() {
    if (globalThis.crypto?.randomUUID) {
        return crypto.randomUUID();
    }
    const bytes = crypto.getRandomValues(new Uint8Array(16));
    bytes[6] = (bytes[6] & 0x0f) | 0x40;
    bytes[8] = (bytes[8] & 0x3f) | 0x80;
    const hex = [...bytes].map((b) => b.toString(16).padStart(2, "0")).join("");
    return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

/** UTC wire time `YYYY-MM-DD HH:MM:SS`, as sync_push expects in `at`. */
export function wireTime(date = new Date()) {
    return date.toISOString().slice(0, 19).replace("T", " ");
}

/**
 * The durable queue of what the technician did, in the order they did it.
 *
 * `add` resolves only once the operation is committed to IndexedDB: the
 * screen shows an action as done after that, never before. `flush` sends
 * the pending operations with `transport.push(operations)` (sync_push) and
 * keeps each one until the server has answered for it: applied and
 * duplicate are removed; error and conflict stay, with the server's message
 * and current value, until the technician retries or discards them. A push
 * that does not get an answer keeps everything and is retried with backoff;
 * the uuids make the resend harmless.
 */
export class OperationQueue extends EventBus {
    constructor(db, transport, { setTimeout = globalThis.setTimeout.bind(globalThis), clearTimeout = globalThis.clearTimeout.bind(globalThis) } = {}) {
        super();
        this.db = db;
        this.transport = transport;
        this.timers = { setTimeout, clearTimeout };
        this.operations = [];
        // Applied by the server, still shown on the phone until a pull brings their job back.
        this.applied = [];
        this.attempt = 0;
        this.retryTimer = null;
        this.flushing = null;
        // What a scheduled retry runs (the store makes it a whole sync: push, then pull).
        this.retryWith = () => this.flush();
    }

    async load() {
        this.operations = (await this.db.getAll("queue")).sort((a, b) => a.seq - b.seq);
        this.trigger("change");
    }

    get pending() {
        return this.operations.filter((op) => op.status === "pending");
    }

    get failed() {
        return this.operations.filter((op) => op.status === "error" || op.status === "conflict");
    }

    /** Persists a new operation; resolves with it once it is on disk. */
    async add(operation) {
        const [op] = await this.addMany([operation]);
        return op;
    }

    /**
     * Persists operations that belong together (a quote and its approval) in
     * one transaction: a push takes all of them or none. An operation may
     * bring its own `uuid`, for another one to refer to it.
     */
    async addMany(operations) {
        const ops = operations.map(({ uuid = newUuid(), order_id, type, payload = {}, base_version = 0, at = wireTime(), display = {} }) => ({
            display, // what the screen shows of it until the server's copy has it (never sent)
            uuid,
            order_id,
            type,
            payload,
            base_version,
            at,
            status: "pending",
            message: "",
            current: false,
            tries: 0,
            bytes: JSON.stringify(payload).length, // for takeBatch
        }));
        const seqs = await this.db.put("queue", ops);
        ops.forEach((op, i) => (op.seq = seqs[i]));
        this.operations.push(...ops);
        this.trigger("change");
        return ops;
    }

    /** Sends everything pending; concurrent calls share the same run. */
    flush() {
        if (!this.flushing) {
            this.flushing = this._flush().finally(() => (this.flushing = null));
        }
        return this.flushing;
    }

    async _flush() {
        this._cancelRetry();
        let sent = 0;
        while (this.pending.length) {
            const batch = takeBatch(this.pending);
            let results;
            try {
                results = await this.transport.push(batch.map(wireOperation));
            } catch (error) {
                if (error instanceof OfflineError) {
                    this.attempt++;
                    this._scheduleRetry();
                }
                this.trigger("change");
                throw error;
            }
            const answered = await this._record(batch, results);
            if (!answered) {
                // The server answered for none of them (it always should): retry later, not in a loop.
                this.attempt++;
                this._scheduleRetry();
                this.trigger("change");
                throw new OfflineError("the server did not answer for the operations sent");
            }
            this.attempt = 0;
            sent += answered;
        }
        return sent;
    }

    async _record(batch, results) {
        const byUuid = new Map(results.map((r) => [r.uuid, r]));
        const done = [];
        const kept = [];
        for (const op of batch) {
            const result = byUuid.get(op.uuid);
            if (!result) {
                continue; // no answer for it: stays pending
            }
            const status = result.status === "duplicate" ? result.first_status || "applied" : result.status;
            if (status === "applied") {
                done.push(op);
            } else {
                Object.assign(op, {
                    status,
                    message: result.message || "",
                    current: result.current || false,
                    tries: op.tries + 1,
                });
                kept.push(op);
            }
        }
        await this.db.transaction(["queue"], "readwrite", (s) => {
            for (const op of done) {
                s.queue.delete(op.seq);
            }
            for (const op of kept) {
                s.queue.put(op);
            }
        });
        this.applied.push(...done);
        const doneSeqs = new Set(done.map((op) => op.seq));
        this.operations = this.operations.filter((op) => !doneSeqs.has(op.seq));
        this.trigger("change");
        return done.length + kept.length;
    }

    _scheduleRetry() {
        const delay = backoffDelay(this.attempt);
        this.retryTimer = this.timers.setTimeout(() => {
            this.retryTimer = null;
            Promise.resolve(this.retryWith()).catch(() => {});
        }, delay);
    }

    _cancelRetry() {
        if (this.retryTimer) {
            this.timers.clearTimeout(this.retryTimer);
            this.retryTimer = null;
        }
    }

    /** Sends a refused operation again, for a conflict against the server's version. */
    async retry(seq) {
        const op = this.operations.find((o) => o.seq === seq);
        if (!op) {
            return;
        }
        // A refused uuid keeps its first answer on the server: the retry is a new operation.
        op.uuid = newUuid();
        op.status = "pending";
        if (op.current && op.current.version) {
            op.base_version = op.current.version;
        }
        op.message = "";
        op.current = false;
        await this.db.put("queue", [op]);
        this.trigger("change");
    }

    /** Drops a refused operation: the technician chose the server's value. */
    async discard(seq) {
        await this.db.delete("queue", [seq]);
        this.operations = this.operations.filter((o) => o.seq !== seq);
        this.trigger("change");
    }

    destroy() {
        this._cancelRetry();
    }
}

/** The next operations to send: in order, at most PUSH_BATCH of them and about PUSH_BYTES. */
export function takeBatch(pending) {
    const batch = [];
    let bytes = 0;
    for (const op of pending.slice(0, PUSH_BATCH)) {
        bytes += op.bytes ?? JSON.stringify(op.payload).length;
        if (batch.length && bytes > PUSH_BYTES) {
            break;
        }
        batch.push(op);
    }
    return batch;
}

/** What sync_push receives of a queued operation. */
function wireOperation(op) {
    return {
        uuid: op.uuid,
        order_id: op.order_id,
        type: op.type,
        payload: op.payload,
        base_version: op.base_version,
        at: op.at,
    };
}
