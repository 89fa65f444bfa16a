import { expect, test } from "@odoo/hoot";
import { check, click, queryAllTexts, setInputFiles } from "@odoo/hoot-dom";
import { animationFrame } from "@odoo/hoot-mock";
import { contains } from "@web/../tests/web_test_helpers";
import { defineMailModels } from "@mail/../tests/mail_test_helpers";
import { mapsUrl } from "@field_work_order_mobile/app/models/job";
import { wireTime } from "@field_work_order_mobile/app/store/operation_queue";
import { publishedRules } from "@field_work_order_mobile/../tests/helpers/rules";
import {
    fakeServer,
    makeJob,
    USER,
    openJob,
    storedQueue,
    until,
} from "@field_work_order_mobile/../tests/helpers/job_app";

/** The job screen: what it shows, and the operations its buttons queue (helpers/job_app.js). */

defineMailModels();

test("the job shows what the technician needs on site", async () => {
    const job = makeJob();
    await openJob(fakeServer(job));

    expect(".o_fwo_job .o_fwo_job_ref").toHaveText("WO/2030/00042");
    expect(".o_fwo_job .o_fwo_state").toHaveText("Scheduled");
    expect(".o_fwo_card:first .fw-bold:first").toHaveText("Acme Bakery");
    expect(".o_fwo_map_link").toHaveText("12 Rue Haute, 1000 Brussels, Belgium");
    expect(".o_fwo_map_link").toHaveAttribute(
        "href",
        "https://www.google.com/maps/search/?api=1&query=12%20Rue%20Haute%2C%201000%20Brussels%2C%20Belgium"
    );
    expect(".o_fwo_map_link").toHaveAttribute("href", mapsUrl(job));
    expect(".o_fwo_job .o_fwo_unit").toHaveText("Unit 4B");
    expect(".o_fwo_access").toHaveText(/Key at the front desk/);
    expect(".o_fwo_contact").toHaveText(/Marie Dupont/);
    expect(".o_fwo_call").toHaveAttribute("href", "tel:+32 470 12 34 56");
    expect(".o_fwo_safety").toHaveText(/Isolate the gas supply before opening the panel\./);
    expect(".o_fwo_description").toHaveText("Oven does not heat up.");
    expect(".o_fwo_material_line").toHaveCount(2);
    expect(".o_fwo_material_line:eq(0)").toHaveText(/\[GSK-1\] Gasket/);
    expect(".o_fwo_material_line:eq(0)").toHaveText(/2 planned/);
    expect(".o_fwo_material_line:eq(1)").toHaveText(/Thermostat/);
    expect(".o_fwo_material_line:eq(1) .o_fwo_used").toHaveText("1 Units used");
    expect(".o_fwo_next_step").toHaveText("Start");
    expect(".o_fwo_timer").toHaveCount(0);
});

test("a customer without a site contact: the tel: link calls the customer", async () => {
    await openJob(fakeServer(makeJob({ site_contact_name: false, site_contact_phone: false })));
    expect(".o_fwo_contact").toHaveCount(0);
    expect(".o_fwo_call").toHaveAttribute("href", "tel:+32 2 555 01 01");
});

test("Start queues a start operation; the job shows In Progress with its timer", async () => {
    const server = fakeServer(makeJob());
    const { store, name } = await openJob(server);
    server.offline = true; // in a basement: nothing reaches the server

    const before = wireTime(new Date(Date.now() - 1000));
    await contains(".o_fwo_next_step").click();
    await until(() => store.queue.operations.length === 1 && !store.running, "start queued");

    const [op] = store.queue.operations;
    expect(op).toMatchObject({ order_id: 1, type: "start", base_version: 3, status: "pending", payload: {} });
    expect(op.at >= before && op.at <= wireTime(new Date(Date.now() + 1000))).toBe(true, {
        message: `the device time of the action (${op.at}) is now`,
    });
    // On the phone's disk already, and the push was tried with it.
    expect((await storedQueue(name)).map((o) => [o.uuid, o.type, o.status])).toEqual([[op.uuid, "start", "pending"]]);
    expect(server.pushes.map((ops) => ops.map((o) => [o.uuid, o.type, o.base_version, o.at]))).toEqual([
        [[op.uuid, "start", 3, op.at]],
    ]);

    expect(".o_fwo_job .o_fwo_state").toHaveText("In Progress");
    expect(".o_fwo_timer_value").toHaveText(/^0:00:0\d$/);
    expect(".o_fwo_next_step").toHaveText("Complete");
    expect(".o_fwo_hold").toHaveCount(1);
    expect(".o_fwo_connection").toHaveText("Offline");
    expect(".o_fwo_pending").toHaveText("1 pending");
});

test("Complete: required checklist items first, then the summary, then the complete operation", async () => {
    const started = new Date(Date.now() - (3600 + 2 * 60 + 3) * 1000); // on site for 1:02:03
    const job = makeJob({
        state: "in_progress",
        date_started: wireTime(started),
        labor: [
            { id: 61, user_id: USER.id, user_name: USER.name, date_start: wireTime(started), date_end: false, duration: 0, description: false },
        ],
    });
    const server = fakeServer(job);
    const { store } = await openJob(server);
    server.offline = true;

    await contains(".o_fwo_next_step").click();
    await animationFrame();
    expect(".o_notification").toHaveCount(1);
    expect(".o_notification").toHaveText(/Tick the required checklist items first: Gas supply isolated/);
    expect(".o_notification .o_notification_bar").toHaveClass("bg-warning");
    expect(".o_dialog").toHaveCount(0);
    expect(store.queue.operations).toHaveLength(0);
    expect(server.pushes).toHaveLength(0);

    await check(".o_fwo_check:eq(0) input");
    await until(() => store.queue.operations.length === 1 && !store.running, "checklist queued");
    expect(store.queue.operations[0]).toMatchObject({ type: "checklist", payload: { line_id: 31, done: true } });
    expect(".o_fwo_check:eq(0) input").toBeChecked();

    await contains(".o_fwo_next_step").click();
    expect(".o_dialog .o_fwo_summary").toHaveCount(1);
    expect(".o_fwo_summary_time").toHaveText(/^1:02:0\d$/);
    expect(".o_fwo_summary_parts").toHaveText("1"); // the thermostat; the gasket is only planned
    expect(".o_fwo_summary_photos").toHaveText("1");
    expect(".o_fwo_summary_open").toHaveText("1"); // "Customer briefed", not required
    expect(store.queue.operations.map((op) => op.type)).toEqual(["checklist"]);

    await contains(".o_fwo_complete_confirm").click();
    await until(() => store.queue.operations.length === 2 && !store.running, "complete queued");
    expect(".o_dialog").toHaveCount(0);
    expect(store.queue.operations.map((op) => [op.type, op.base_version, op.status])).toEqual([
        ["checklist", 3, "pending"],
        ["complete", 3, "pending"],
    ]);
    expect(".o_fwo_job .o_fwo_state").toHaveText("Done");
    expect(".o_fwo_completed").toHaveCount(1);
    expect(".o_fwo_next_step").toHaveCount(0);
});

test("a conflict shows the server's state; Retry resends it, Discard drops it", async () => {
    const server = fakeServer(makeJob());
    server.answer = (op) => ({
        uuid: op.uuid,
        status: "conflict",
        message: "Work order WO/2030/00042 cannot be started: it is Cancelled.",
        version: 5,
        current: { state: "cancelled", version: 5 },
    });
    const { store, name } = await openJob(server);

    await contains(".o_fwo_next_step").click();
    await until(() => server.pushes.length === 1 && !store.running, "start pushed");
    expect(".o_fwo_refused").toHaveCount(1);
    expect(".o_fwo_refused").toHaveText(/^Start: changed on the server meanwhile/);
    expect(".o_fwo_refused .o_fwo_refused_message").toHaveText(
        "Work order WO/2030/00042 cannot be started: it is Cancelled."
    );
    expect(".o_fwo_refused .o_fwo_server_value").toHaveText("On the server: Cancelled (version 5)");
    expect(".o_fwo_job .o_fwo_state").toHaveText("Scheduled"); // the refused start no longer shows as done
    expect(".o_fwo_failed").toHaveText("1 to review");

    // Retry: a new operation (new uuid) on the server's version.
    const first = server.pushes[0][0];
    server.answer = (op) => ({ uuid: op.uuid, status: "applied", message: "", version: 6 });
    await contains(".o_fwo_retry").click();
    await until(() => server.pushes.length === 2 && !store.running, "retry pushed");
    const [retried] = server.pushes[1];
    expect(retried.uuid).not.toBe(first.uuid);
    expect(retried).toMatchObject({ type: "start", order_id: 1, base_version: 5, at: first.at });
    expect(".o_fwo_refused").toHaveCount(0);
    expect(store.queue.operations).toHaveLength(0);

    // Discard: refused again, the technician keeps the server's value.
    server.answer = (op) => ({
        uuid: op.uuid,
        status: "conflict",
        message: "Cancelled meanwhile.",
        version: 7,
        current: { state: "cancelled", version: 7 },
    });
    await contains(".o_fwo_next_step").click();
    await until(() => server.pushes.length === 3 && !store.running, "second start pushed");
    expect(".o_fwo_refused .o_fwo_server_value").toHaveText("On the server: Cancelled (version 7)");
    expect(await storedQueue(name)).toHaveLength(1);
    await contains(".o_fwo_refused .o_fwo_discard").click();
    await until(() => !store.queue.operations.length, "discarded");
    expect(".o_fwo_refused").toHaveCount(0);
    expect(".o_fwo_failed").toHaveCount(0);
    expect(await storedQueue(name)).toHaveLength(0);
    expect(server.pushes).toHaveLength(3); // a discarded operation is never sent
});

test("a refused photo stays on its thumbnail with the server's message", async () => {
    const server = fakeServer(makeJob({ state: "in_progress" }));
    server.answer = (op) =>
        op.type === "photo"
            ? { uuid: op.uuid, status: "error", message: "The photo is not an image.", version: 3, current: { state: "in_progress", version: 3 } }
            : { uuid: op.uuid, status: "applied", message: "", version: 4 };
    const { store } = await openJob(server);
    expect(".o_fwo_thumb").toHaveCount(1);

    await click(".o_fwo_kind_after");
    await animationFrame();
    await click(".o_fwo_photo_input", { visible: false });
    await setInputFiles([new File(["this is not a picture"], "broken.jpg", { type: "image/jpeg" })]);
    await until(() => server.pushes.length === 1 && !store.running, "photo pushed");

    expect(server.pushes[0].map((op) => [op.type, op.payload.kind])).toEqual([["photo", "after"]]);
    expect(".o_fwo_thumb_refused").toHaveCount(1);
    expect(".o_fwo_thumb_refused .o_fwo_refused_message").toHaveText("The photo is not an image.");
    // A file the phone cannot decode is queued as it is: the server's refusal is shown on it.
    expect(store.queue.failed.map((op) => [op.type, op.payload.image])).toEqual([["photo", btoa("this is not a picture")]]);
    expect(".o_fwo_refused").toHaveCount(0); // photos are shown on their thumbnail, not in the list above
    expect(queryAllTexts(".o_fwo_thumb:not(.o_fwo_thumb_refused) figcaption")).toEqual(["Before"]);

    await contains(".o_fwo_thumb_refused .o_fwo_discard").click();
    await until(() => !store.queue.operations.length, "discarded");
    expect(".o_fwo_thumb_refused").toHaveCount(0);
});

test("the buttons and the queued transitions follow the rules the server publishes", async () => {
    // The server's table changed: hold also from scheduled, complete also from on hold, a new label.
    const rules = publishedRules();
    rules.transitions.hold.from.push("scheduled");
    rules.transitions.complete.from.push("on_hold");
    rules.states.find((state) => state.value === "on_hold").label = "Paused";
    const job = makeJob({ checklist: [{ id: 32, name: "Customer briefed", required: false, done: false }] });
    const server = fakeServer(job, rules);
    const { store } = await openJob(server);
    server.offline = true;

    expect(".o_fwo_next_step").toHaveText("Start");
    expect(queryAllTexts(".o_fwo_step button")).toEqual(["Start", "Hold", "On my way"]);

    await contains(".o_fwo_hold").click();
    await until(() => store.queue.operations.length === 1 && !store.running, "hold queued");
    expect(store.queue.operations[0]).toMatchObject({ type: "hold", base_version: 3 });
    expect(".o_fwo_job .o_fwo_state").toHaveText("Paused");
    expect(store.jobView(1)).toMatchObject({ state: "on_hold", date_started: false, labor: [] });
    expect(queryAllTexts(".o_fwo_step button")).toEqual(["Resume", "Complete", "On my way"]);

    await contains(".o_fwo_complete").click();
    await contains(".o_fwo_complete_confirm").click();
    await until(() => store.queue.operations.length === 2 && !store.running, "complete queued");
    const complete = store.queue.operations[1];
    expect(complete.type).toBe("complete");
    expect(store.jobView(1)).toMatchObject({ state: "done", date_completed: complete.at });
    expect(".o_fwo_job .o_fwo_state").toHaveText("Done");
    expect(".o_fwo_completed").toHaveCount(1);
    expect(".o_fwo_step button").toHaveCount(0);
});

test("before the first sync of the rules, jobs are listed but nothing can be done on them", async () => {
    const server = fakeServer(makeJob(), null); // a server that publishes no rules
    await openJob(server);
    expect(".o_fwo_job .o_fwo_state").toHaveText("scheduled");
    expect(".o_fwo_step button").toHaveCount(0);
    expect(".o_fwo_idle").toHaveText("Nothing to do on this job while it is scheduled.");
    expect(".o_fwo_add_material").toHaveCount(0);
    expect(".o_fwo_photo_input").toHaveCount(0);
});

test("Correct: a used quantity entered by mistake is set to the new total, shown at once", async () => {
    const server = fakeServer(
        makeJob({
            state: "in_progress",
            date_started: wireTime(new Date(Date.now() - 1800 * 1000)),
            materials: [
                { id: 21, product_id: 41, product_name: "Gasket", product_uom_qty: 0, quantity_used: 3, uom: "Units", lot: false },
                { id: 22, product_id: 42, product_name: "Thermostat", product_uom_qty: 1, quantity_used: 0, uom: "Units", lot: false },
            ],
        })
    );
    const { store } = await openJob(server);
    server.offline = true;
    expect(".o_fwo_material_line:eq(1) .o_fwo_correct").toHaveCount(0); // nothing used yet

    await contains(".o_fwo_material_line:eq(0) .o_fwo_correct").click();
    expect(".o_fwo_part_qty").toHaveValue(3);
    await contains(".o_fwo_part_qty").edit("1");
    await contains(".o_fwo_correct_save").click();
    await until(() => store.queue.operations.length === 1 && !store.running, "correction queued");
    expect(store.queue.operations[0]).toMatchObject({ order_id: 1, type: "material", payload: { line_id: 21, quantity_used: 1 } });
    expect(".o_fwo_material_line:eq(0) .o_fwo_used").toHaveText("1 Units used");
    expect(".o_fwo_part_qty").toHaveCount(0);

    // Corrected again, to nothing used: still one line, its Correct button gone with its quantity.
    await contains(".o_fwo_material_line:eq(0) .o_fwo_correct").click();
    expect(".o_fwo_part_qty").toHaveValue(1);
    await contains(".o_fwo_part_qty").edit("0");
    await contains(".o_fwo_correct_save").click();
    await until(() => store.queue.operations.length === 2 && !store.running, "second correction queued");
    expect(store.queue.operations[1].payload).toEqual({ line_id: 21, quantity_used: 0 });
    expect(".o_fwo_material_line").toHaveCount(2);
    expect(".o_fwo_material_line:eq(0) .o_fwo_used").toHaveText("0 Units used");
    expect(".o_fwo_material_line:eq(0) .o_fwo_correct").toHaveCount(0);
});
