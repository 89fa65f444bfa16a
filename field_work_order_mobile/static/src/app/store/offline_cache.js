import { rpc } from "@web/core/network/rpc";
import { session } from "@web/session";

/** The app's URL and cache name, as the server defines them (controllers/main.py). */
export function appSettings() {
    return session.fwo_app;
}

/** Loaded on demand by Odoo's signature and barcode components: needed offline too. */
const LAZY_FILES = [
    "/web/static/lib/signature_pad/signature_pad.umd.js",
    "/web/static/lib/zxing-library/zxing-library.js",
    // icon fonts used only by dialogs: not loaded yet when the app first opens
    "/web/static/lib/odoo_ui_icons/fonts/odoo_ui_icons.woff2",
    "/field_work_order_mobile/static/img/app_icon.png",
];
const CACHED_PREFIXES = ["/web/assets/", "/web/static/", "/web/webclient/translations/", "/field_work_order_mobile/static/"];

/**
 * Registers the service worker and stores the app shell and every static
 * file this page loaded, so that opening or reloading the app works with no
 * connection. Runs after the app is shown; failures only cost offline start.
 */
export async function prepareOffline() {
    if (!("serviceWorker" in navigator) || !globalThis.caches) {
        return false;
    }
    const { url: appUrl, cache: cacheName } = appSettings();
    await navigator.serviceWorker.register(`${appUrl}/service-worker.js`, { scope: appUrl });
    const cache = await caches.open(cacheName);
    const loaded = performance
        .getEntriesByType("resource")
        .map((entry) => new URL(entry.name))
        .filter((url) => url.origin === location.origin && CACHED_PREFIXES.some((p) => url.pathname.startsWith(p)))
        .map((url) => url.pathname + url.search);
    // The shell itself is refreshed by the worker on each visit: here only the first time.
    const urls = [...new Set([appUrl, ...loaded, ...LAZY_FILES])];
    const missing = [];
    for (const url of urls) {
        if (!(await cache.match(url))) {
            missing.push(url);
        }
    }
    await Promise.all(missing.map((url) => cache.add(url).catch(() => {})));
    // Bundles of earlier versions of the app are of no use any more.
    const current = new Set(urls);
    for (const request of await cache.keys()) {
        const url = new URL(request.url);
        if (url.pathname.startsWith("/web/assets/") && !current.has(url.pathname + url.search)) {
            await cache.delete(request);
        }
    }
    // The signature pad asks the server for its fonts: the worker keeps that answer.
    await navigator.serviceWorker.ready;
    if (navigator.serviceWorker.controller && !(await cache.match("/web/sign/get_fonts/?fwo-post"))) {
        await rpc("/web/sign/get_fonts/", {}, { silent: true }).catch(() => {});
    }
    return true;
}
