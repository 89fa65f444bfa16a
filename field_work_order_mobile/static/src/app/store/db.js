/**
 * A small promise wrapper around one IndexedDB database of the technician app.
 *
 * One database per Odoo database and user (see `databaseName`), so a second
 * technician logging in on the same phone never reads or sends the first
 * one's jobs or queue.
 */
const STORES = {
    jobs: { keyPath: "id" }, // orders as sync_pull delivered them
    queue: { keyPath: "seq", autoIncrement: true }, // operations not yet acknowledged
    meta: { keyPath: "key" }, // cursor, last sync, reference data
};
const VERSION = 1;

export function databaseName(dbName, uid) {
    return `fwo-app/${dbName}/${uid}`;
}

function promisify(request) {
    return new Promise((resolve, reject) => {
        request.onsuccess = () => resolve(request.result);
        request.onerror = () => reject(request.error);
    });
}

export class AppDatabase {
    constructor(name, indexedDB = globalThis.indexedDB) {
        this.name = name;
        this.indexedDB = indexedDB;
        this.db = null;
    }

    async open() {
        const request = this.indexedDB.open(this.name, VERSION);
        request.onupgradeneeded = () => {
            for (const [store, options] of Object.entries(STORES)) {
                if (!request.result.objectStoreNames.contains(store)) {
                    request.result.createObjectStore(store, options);
                }
            }
        };
        this.db = await promisify(request);
        return this;
    }

    close() {
        this.db?.close();
        this.db = null;
    }

    /**
     * Runs `fn(stores)` in one transaction and resolves once it is committed
     * (durable), with what `fn` returned.
     */
    transaction(storeNames, mode, fn) {
        return new Promise((resolve, reject) => {
            const tx = this.db.transaction(storeNames, mode, { durability: "strict" });
            const stores = Object.fromEntries(storeNames.map((n) => [n, tx.objectStore(n)]));
            let result;
            Promise.resolve(fn(stores)).then(
                (value) => (result = value),
                (error) => {
                    tx.abort();
                    reject(error);
                }
            );
            tx.oncomplete = () => resolve(result);
            tx.onabort = () => reject(tx.error || new Error("IndexedDB transaction aborted"));
            tx.onerror = () => reject(tx.error);
        });
    }

    getAll(storeName) {
        return this.transaction([storeName], "readonly", (s) => promisify(s[storeName].getAll()));
    }

    get(storeName, key) {
        return this.transaction([storeName], "readonly", (s) => promisify(s[storeName].get(key)));
    }

    /** Adds or replaces records; resolves with their keys once written. */
    put(storeName, records) {
        return this.transaction([storeName], "readwrite", (s) =>
            Promise.all(records.map((r) => promisify(s[storeName].put(r))))
        );
    }

    delete(storeName, keys) {
        return this.transaction([storeName], "readwrite", (s) =>
            Promise.all(keys.map((k) => promisify(s[storeName].delete(k))))
        );
    }

    async getMeta(key, fallback = undefined) {
        const record = await this.get("meta", key);
        return record ? record.value : fallback;
    }

    setMeta(key, value) {
        return this.put("meta", [{ key, value }]);
    }
}
