import { after, expect, test } from "@odoo/hoot";
import { queryAllTexts, queryFirst, waitUntil } from "@odoo/hoot-dom";
import { animationFrame } from "@odoo/hoot-mock";
import { contains, mountWithCleanup } from "@web/../tests/web_test_helpers";
import { defineMailModels } from "@mail/../tests/mail_test_helpers";
import { FieldServiceApp } from "@field_work_order_mobile/app/app";
import { databaseName } from "@field_work_order_mobile/app/store/db";
import { OfflineError } from "@field_work_order_mobile/app/store/operation_queue";
import { SyncStore } from "@field_work_order_mobile/app/store/sync_store";
import { publishedRules } from "@field_work_order_mobile/../tests/helpers/rules";

/**
 * Today's route screen on the app's real store: a fake server whose last
 * sync_pull page carries the route (as field.work.order.get_route answers it,
 * plus the technician's time zone), kept in the browser's real IndexedDB.
 * The technician works in Kolkata (UTC+5:30, no daylight saving time).
 */

defineMailModels();

const USER = { id: 7, name: "Tess Tech" };
const TZ = "Asia/Kolkata";
const { DateTime } = luxon;

/** "YYYY-MM-DD" of today (or `days` from it) in Kolkata. */
function kolkataDay(days = 0) {
    return DateTime.now().setZone(TZ).plus({ days }).toISODate();
}

/** The server's UTC text of `hh:mm` in Kolkata on `day`. */
function utcAt(day, time) {
    return DateTime.fromISO(`${day}T${time}`, { zone: TZ }).toUTC().toFormat("yyyy-MM-dd HH:mm:ss");
}

const CUSTOMERS = ["Acme Bakery", "Brussels Dairy", "Corner Café"];

function makeJob(id, start) {
    return {
        id,
        name: `WO/2030/0000${id}`,
        version: 1,
        state: "scheduled",
        priority: "0",
        partner: { id: 10 + id, name: CUSTOMERS[id - 1], phone: false, email: false },
        service_address: { id: 20 + id, name: CUSTOMERS[id - 1], street: `${id} Rue Haute`, street2: false, city: "Brussels", zip: "1000", country: false, phone: false },
        unit_number: false,
        access_instructions: false,
        site_contact_name: false,
        site_contact_phone: false,
        description: false,
        safety_requirements: false,
        job_type: false,
        scheduled_start: start,
        scheduled_end: false,
        deadline: false,
        date_started: false,
        date_completed: false,
        user_id: USER.id,
        user_name: USER.name,
        technician_ids: [USER.id],
        materials: [],
        labor: [],
        checklist: [],
        photos: [],
        notes: [],
        signed_by: false,
        signed_on: false,
        history: [],
    };
}

/** Three stops: two located (22 min apart), the last one without coordinates. */
function makeRoute(day) {
    const stop = (id, time, values) => ({
        order_id: id,
        name: `WO/2030/0000${id}`,
        partner: CUSTOMERS[id - 1],
        address: `${id} Rue Haute\n\n1000 Brussels`, // as Odoo's address format gives it without street2
        start: utcAt(day, time),
        end: false,
        located: true,
        travel_minutes: false,
        distance_km: false,
        ...values,
    });
    return {
        user_id: USER.id,
        day,
        tz: TZ,
        stops: [
            stop(1, "08:00"),
            stop(2, "10:30", { travel_minutes: 22, distance_km: 11.1 }),
            stop(3, "14:00", { located: false }),
        ],
        travel_minutes: 22,
        unlocated: ["WO/2030/00003"],
        maps_url: "https://maps.example.com/dir/50.000000,4.000000/50.100000,4.000000",
    };
}

function fakeServer(route) {
    const server = {
        route,
        offline: false,
        async call(method) {
            if (server.offline) {
                throw new OfflineError("Connection lost");
            }
            switch (method) {
                case "sync_pull": {
                    const stops = server.route ? server.route.stops : [];
                    return {
                        cursor: "cursor-1",
                        has_more: false,
                        total: stops.length,
                        reset: false,
                        removed: [],
                        orders: stops.map((stop) => makeJob(stop.order_id, stop.start)),
                        route: server.route && JSON.parse(JSON.stringify(server.route)),
                    };
                }
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
                        rules: publishedRules(),
                    };
                case "sync_push":
                    return [];
            }
            throw new Error(`unexpected call ${method}`);
        },
    };
    return server;
}

let counter = 0;

/** Texts of the elements, spaces normalised (Chrome puts a narrow no-break space before "AM"). */
function texts(selector) {
    return queryAllTexts(selector).map((text) => text.replace(/\s+/g, " "));
}

function newStore(server, dbName) {
    const timers = { setTimeout: () => 0, clearTimeout: () => {} };
    const store = new SyncStore({ dbName, user: USER, call: (m, kw) => server.call(m, kw), timers });
    after(() => store.destroy());
    return store;
}

function newDbName() {
    const dbName = `hoot-route-${Date.now()}-${++counter}`;
    after(
        () =>
            new Promise((resolve) => {
                const request = indexedDB.deleteDatabase(databaseName(dbName, USER.id));
                request.onsuccess = request.onerror = () => resolve();
            })
    );
    return dbName;
}

async function until(predicate, message) {
    await waitUntil(predicate, { timeout: 3000, message });
    await animationFrame();
}

/** The app on `store`, once its first sync has ended (synced or offline). */
async function mountApp(store) {
    await mountWithCleanup(FieldServiceApp, { props: { store, offline: true } });
    await until(() => store.state.ready && !store.running && !store.state.syncing, "first sync");
}

test("today's route: stops in order at the technician's times, travel, total and the route link; a stop opens its job", async () => {
    const route = makeRoute(kolkataDay());
    const store = newStore(fakeServer(route), newDbName());
    await mountApp(store);

    expect(".o_fwo_route_button .o_fwo_route_count").toHaveText("3");
    await contains(".o_fwo_route_button").click();
    expect(".o_fwo_route").toHaveCount(1);
    expect(".o_fwo_route_stale").toHaveCount(0);
    expect(".o_fwo_route_day").toHaveText(DateTime.fromISO(route.day).toFormat("cccc d LLLL"));
    expect(".o_fwo_route_summary").toHaveText("3 stops · 22 min of travel");
    expect(".o_fwo_route_unlocated_count").toHaveText("1 without a location: not counted in the travel");
    expect(queryAllTexts(".o_fwo_route_index")).toEqual(["1", "2", "3"]);
    // 02:30, 05:00 and 08:30 UTC: shown in Kolkata's time, without seconds.
    expect(route.stops.map((stop) => stop.start.slice(11))).toEqual(["02:30:00", "05:00:00", "08:30:00"]);
    expect(texts(".o_fwo_route_time")).toEqual(["8:00 AM", "10:30 AM", "2:00 PM"]);
    expect(queryAllTexts(".o_fwo_route_customer")).toEqual(CUSTOMERS);
    expect(queryFirst(".o_fwo_route_address").textContent.split("\n")).toEqual(["1 Rue Haute", "1000 Brussels"]);
    // The drive before each stop but the first: minutes and km, or unknown past a stop without coordinates.
    expect(texts(".o_fwo_route_leg")).toEqual(["22 min · 11.1 km", "travel unknown"]);
    expect(".o_fwo_route_item:eq(0) .o_fwo_route_leg").toHaveCount(0);
    expect(".o_fwo_route_unlocated").toHaveCount(1);
    expect(".o_fwo_route_item:eq(2) .o_fwo_route_unlocated").toHaveText("no location");
    expect(".o_fwo_route_open").toHaveText("Open route");
    expect(".o_fwo_route_open").toHaveAttribute("href", route.maps_url);
    expect(queryAllTexts(".o_fwo_route_stop .o_fwo_state")).toEqual(["Scheduled", "Scheduled", "Scheduled"]);

    await contains(".o_fwo_route_stop:eq(1)").click();
    expect(".o_fwo_job").toHaveAttribute("data-job-id", "2");
    expect(".o_fwo_job .o_fwo_back").toHaveText("Today's route");
    await contains(".o_fwo_back").click();
    expect(".o_fwo_route .o_fwo_route_stop").toHaveCount(3);
    await contains(".o_fwo_route .o_fwo_back").click();
    expect(".o_fwo_jobs").toHaveCount(1);
});

test("the route is kept on the phone: with no connection the app shows the last one pulled", async () => {
    const dbName = newDbName();
    const server = fakeServer(makeRoute(kolkataDay()));
    const first = newStore(server, dbName);
    await first.load();
    await first.sync();
    first.destroy();

    server.offline = true;
    const store = newStore(server, dbName);
    await mountApp(store);
    expect(".o_fwo_connection").toHaveText("Offline");
    await contains(".o_fwo_route_button").click();
    expect(texts(".o_fwo_route_time")).toEqual(["8:00 AM", "10:30 AM", "2:00 PM"]);
    expect(".o_fwo_route_summary").toHaveText("3 stops · 22 min of travel");
    expect(".o_fwo_route_open").toHaveAttribute("href", server.route.maps_url);
});

test("no route before the first sync; yesterday's route is flagged until the next sync", async () => {
    const yesterday = kolkataDay(-1);
    const server = fakeServer(makeRoute(yesterday));
    server.offline = true;
    const store = newStore(server, newDbName());
    await mountApp(store);
    await contains(".o_fwo_route_button").click();
    expect(".o_fwo_route_none").toHaveText(/Your route comes with the next sync/);
    expect(".o_fwo_route_stop").toHaveCount(0);

    server.offline = false;
    await store.sync();
    await animationFrame();
    expect(".o_fwo_route_stale").toHaveText(
        `This is the route of ${DateTime.fromISO(yesterday).toFormat("cccc d LLLL")}: sync to get today's.`
    );
    expect(".o_fwo_route_stop").toHaveCount(3);
    await contains(".o_fwo_route .o_fwo_back").click();
    expect(".o_fwo_route_button .o_fwo_route_count").toHaveCount(0); // not today's
});
