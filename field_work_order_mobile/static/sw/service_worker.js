/* Service worker of the technician app, scoped to /field-service.
 *
 * The page itself puts the app shell and the assets it loaded into the cache
 * (see app/offline_cache.js); this worker answers from that cache when the
 * server does not: the shell and the static files the app needs to start.
 * Reads and writes of data never go through the cache: they are JSON-RPC
 * calls, and the app keeps its data in IndexedDB.
 *
 * The controller serves it after a line defining APP: the app's URL and cache
 * names (controllers/main.py).
 */
/* global APP */
const CACHE = APP.cache;
const SHELL = APP.url;
// POST routes whose answer the app needs offline, stored under a GET key.
const CACHED_POSTS = ["/web/sign/get_fonts/"];
const STATIC_PREFIXES = [
    "/web/assets/",
    "/web/static/",
    "/field_work_order_mobile/static/",
    "/web/webclient/translations/",
];
const NETWORK_TIMEOUT = 8000;

self.addEventListener("install", () => self.skipWaiting());
self.addEventListener("activate", (event) => {
    event.waitUntil(
        caches
            .keys()
            .then((keys) => Promise.all(keys.filter((k) => k.startsWith(APP.cache_prefix) && k !== CACHE).map((k) => caches.delete(k))))
            .then(() => self.clients.claim())
    );
});

function withTimeout(promise) {
    return new Promise((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error("timeout")), NETWORK_TIMEOUT);
        promise.then(
            (value) => {
                clearTimeout(timer);
                resolve(value);
            },
            (error) => {
                clearTimeout(timer);
                reject(error);
            }
        );
    });
}

/** The shell from the network when it answers (and keep it), else the cached one. */
async function shell(request) {
    const cache = await caches.open(CACHE);
    try {
        const response = await withTimeout(fetch(request));
        const url = new URL(response.url);
        if (response.ok && url.pathname === SHELL && !response.redirected) {
            await cache.put(SHELL, response.clone());
        }
        return response;
    } catch {
        const cached = await cache.match(SHELL);
        return cached || Response.error();
    }
}

/** Static files: the cache first (their URLs change with their content), else the network. */
async function staticFile(request) {
    const cache = await caches.open(CACHE);
    const cached = await cache.match(request);
    if (cached) {
        return cached;
    }
    const response = await fetch(request);
    if (response.ok) {
        await cache.put(request, response.clone());
    }
    return response;
}

async function cachedPost(request, key) {
    const cache = await caches.open(CACHE);
    try {
        const response = await withTimeout(fetch(request));
        if (response.ok) {
            await cache.put(key, response.clone());
        }
        return response;
    } catch {
        return (await cache.match(key)) || Response.error();
    }
}

self.addEventListener("fetch", (event) => {
    const request = event.request;
    const url = new URL(request.url);
    if (url.origin !== self.location.origin) {
        return;
    }
    if (request.mode === "navigate" && (url.pathname === SHELL || url.pathname === SHELL + "/")) {
        event.respondWith(shell(request));
    } else if (request.method === "GET" && STATIC_PREFIXES.some((p) => url.pathname.startsWith(p))) {
        event.respondWith(staticFile(request));
    } else if (request.method === "POST" && CACHED_POSTS.some((p) => url.pathname.startsWith(p))) {
        event.respondWith(cachedPost(request, new URL(url.pathname + "?fwo-post", url).href));
    }
});
