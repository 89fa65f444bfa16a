import { expect, test } from "@odoo/hoot";
import { click, queryAllTexts, setInputFiles } from "@odoo/hoot-dom";
import { animationFrame } from "@odoo/hoot-mock";
import { contains } from "@web/../tests/web_test_helpers";
import { defineMailModels } from "@mail/../tests/mail_test_helpers";
import { findUnit, outOfRange, unitsById } from "@field_work_order_mobile/app/models/equipment";
import { fakeServer, makeJob, openJob, until } from "@field_work_order_mobile/../tests/helpers/job_app";

/** The customer's units on the phone (models/equipment.js, the Units section, the unit screens). */

defineMailModels();

const PRESSURE = { id: 61, name: "Suction pressure", uom: "psi", min_value: 60, max_value: 80, has_range: true };
const AIR = { id: 62, name: "Supply air", uom: "°C", min_value: 12, max_value: 16, has_range: true };

function condenser(values = {}) {
    return {
        id: 71,
        name: "Rooftop condenser",
        serial_number: "C-4471",
        product_id: false,
        product_name: false,
        manufacturer: "Coldline",
        location_note: "Roof, east side",
        install_date: "2021-05-03",
        warranty_end: "2031-03-31",
        under_warranty: true,
        active: true,
        history: [
            {
                order_id: 90, name: "WO/2030/00010", date: "2030-01-10 09:00:00", job_type: "Service", state: "done",
                readings: [], parts: [],
            },
            {
                order_id: 91, name: "WO/2030/00020", date: "2030-02-10 09:00:00", job_type: "Service", state: "done",
                readings: [{ name: "Suction pressure", value: 84, uom: "psi", out_of_range: true }],
                parts: [{ product: "Capacitor", quantity: 1, lot: false }],
            },
        ],
        ...values,
    };
}

function equipmentJob(values = {}) {
    return makeJob({
        state: "in_progress",
        equipment_ids: [71],
        equipment: [
            condenser(),
            condenser({ id: 72, name: "Ice machine", serial_number: "IM-9", under_warranty: false, warranty_end: "2020-01-01", history: [] }),
        ],
        reading_definitions: [PRESSURE, AIR],
        readings: [],
        ...values,
    });
}

test("a unit is found by its serial (spaces and case ignored) or its QR label's URL", () => {
    const elsewhere = { order_id: 92, name: "WO/2030/00030", date: "2030-03-01 09:00:00", readings: [], parts: [] };
    const units = unitsById([
        { equipment: [condenser()] },
        { equipment: [condenser({ history: [elsewhere] }), condenser({ id: 72, serial_number: "X" })] },
    ]);
    expect([...units.keys()]).toEqual([71, 72]);
    // Each job's copy leaves that job out: the unit's history is all of them, newest first.
    expect(units.get(71).history.map((visit) => visit.name)).toEqual(["WO/2030/00030", "WO/2030/00020", "WO/2030/00010"]);
    expect(findUnit(units, " c-4471 ")?.id).toBe(71);
    expect(findUnit(units, "C - 4471")?.id).toBe(71);
    expect(findUnit(units, "https://odoo.example.com/fwo/equipment/72")?.id).toBe(72);
    expect(findUnit(units, "/odoo/field-service#/equipment/71")?.id).toBe(71);
    expect(findUnit(units, "C-447")).toBe(undefined);
    expect(outOfRange(PRESSURE, "95")).toBe(true);
    expect(outOfRange(PRESSURE, "80")).toBe(false);
    expect(outOfRange(PRESSURE, "")).toBe(false);
    expect(outOfRange({ ...PRESSURE, has_range: false }, "95")).toBe(false);
});

test("the job lists its units; readings turn red when out of range and are queued per value", async () => {
    const server = fakeServer(equipmentJob());
    const { store } = await openJob(server);
    server.offline = true;

    expect(".o_fwo_unit_card").toHaveCount(1);
    expect(".o_fwo_unit_card .o_fwo_warranty_active").toHaveText(/^Under warranty until /);
    expect(".o_fwo_unit_card .o_fwo_last_visit").toHaveText(/WO\/2030\/00020/); // the newest visit
    expect(".o_fwo_site_unit").toHaveText(/^Ice machine \(IM-9\)$/);

    await contains(".o_fwo_readings_open").click();
    await contains(".o_fwo_reading_field[data-name='Suction pressure'] input").edit("95");
    expect(".o_fwo_reading_field[data-name='Suction pressure'] .o_fwo_reading_flag").toHaveCount(1);
    expect(".o_fwo_reading_field[data-name='Suction pressure'] input").toHaveClass("is-invalid");
    await contains(".o_fwo_reading_field[data-name='Supply air'] input").edit("14,5");
    expect(".o_fwo_reading_field[data-name='Supply air'] .o_fwo_reading_flag").toHaveCount(0);
    await contains(".o_fwo_readings_save").click();
    await until(() => store.queue.operations.length === 2 && !store.running, "readings queued");

    expect(store.queue.operations.map((op) => [op.type, op.payload])).toEqual([
        ["reading", { equipment_id: 71, name: "Suction pressure", value: 95, definition_id: 61 }],
        ["reading", { equipment_id: 71, name: "Supply air", value: 14.5, definition_id: 62 }],
    ]);
    expect(".o_fwo_unit_card .o_fwo_reading_out").toHaveCount(1);
    expect(".o_fwo_unit_card .o_fwo_reading_out").toHaveText(/^Suction pressure: 95 psi\s+· out of range \(60–80 psi\)\s*pending$/);
    expect(".o_fwo_unit_card .o_fwo_reading").toHaveCount(2);
});

test("a unit added offline shows at once; readings, parts and photos name it by its operation", async () => {
    const server = fakeServer(equipmentJob());
    const { store } = await openJob(server);
    server.offline = true;

    await contains(".o_fwo_add_unit").click();
    await contains(".o_fwo_unit_name_input").edit("Walk-in freezer");
    await contains(".o_fwo_unit_serial_input").edit("EV-2090");
    await contains(".o_fwo_unit_location_input").edit("Back room");
    await contains(".o_fwo_unit_save").click();
    await until(() => store.queue.operations.length === 1 && !store.running, "unit queued");
    const [add] = store.queue.operations;
    expect([add.type, add.payload]).toEqual([
        "equipment_add", { name: "Walk-in freezer", serial_number: "EV-2090", location_note: "Back room" },
    ]);
    expect(".o_fwo_unit_card").toHaveCount(2);
    expect(".o_fwo_unit_card:eq(1) .o_fwo_unit_link").toHaveText(/Walk-in freezer\s+· EV-2090/);

    // The planned gasket used for the new unit.
    await contains(".o_fwo_material_line:eq(0) select.o_fwo_part_unit").select(add.uuid);
    await contains(".o_fwo_material_line:eq(0) .o_fwo_part_used").click();
    // A photo of it.
    await contains("select.o_fwo_photo_unit").select(add.uuid);
    await click(".o_fwo_photo_input", { visible: false });
    await setInputFiles([new File(["jpeg bytes"], "unit.jpg", { type: "image/jpeg" })]);
    // A reading of it.
    await contains(".o_fwo_unit_card:eq(1) .o_fwo_readings_open").click();
    await contains(".o_fwo_unit_card:eq(1) .o_fwo_reading_field[data-name='Supply air'] input").edit("20");
    await contains(".o_fwo_unit_card:eq(1) .o_fwo_readings_save").click();
    await until(() => store.queue.operations.length === 4 && !store.running, "tagged operations queued");

    const ops = store.queue.operations.slice(1);
    expect(ops.map((op) => [op.type, op.payload.equipment_ref, op.payload.equipment_id])).toEqual([
        ["material", add.uuid, undefined],
        ["photo", add.uuid, undefined],
        ["reading", add.uuid, undefined],
    ]);
    expect(".o_fwo_material_line:eq(0) .o_fwo_line_unit").toHaveText(/Walk-in freezer/);
    expect(".o_fwo_unit_card:eq(1) .o_fwo_reading_out").toHaveText(/Supply air: 20 °C/);
});

test("a serial already used: the refused unit is shown like the other conflicts", async () => {
    const server = fakeServer(equipmentJob());
    server.answer = (op) => ({
        uuid: op.uuid,
        status: "conflict",
        message: "The serial number C-4471 is already used by the unit Rooftop condenser.",
        version: 3,
        current: { state: "in_progress", version: 3 },
    });
    const { store } = await openJob(server);

    await contains(".o_fwo_add_unit").click();
    await contains(".o_fwo_unit_name_input").edit("Condenser");
    await contains(".o_fwo_unit_serial_input").edit("C-4471");
    await contains(".o_fwo_unit_save").click();
    await until(() => server.pushes.length === 1 && !store.running, "unit pushed");
    expect(".o_fwo_refused").toHaveText(/^New unit: this unit is already on the server/);
    expect(".o_fwo_refused .o_fwo_refused_message").toHaveText(
        "The serial number C-4471 is already used by the unit Rooftop condenser."
    );
    expect(".o_fwo_unit_card").toHaveCount(1); // the refused unit is not shown as added
});

test("find a unit by its serial: its page with warranty, location and visits newest first", async () => {
    await openJob(fakeServer(equipmentJob()));

    await contains(".o_fwo_job .o_fwo_find_unit").click();
    await contains(".o_fwo_unit_search").edit("nothing-here");
    await contains(".o_fwo_unit_open").click();
    expect(".o_fwo_unit_message").toHaveText(/nothing-here/);
    await contains(".o_fwo_unit_search").edit("ice");
    expect(".o_fwo_unit_result").toHaveText(/Ice machine/);
    // Enter (what a hardware scanner sends after the code) opens the unit.
    await contains(".o_fwo_unit_search").edit("c-4471");
    await animationFrame();

    expect(".o_fwo_unit_screen .o_fwo_unit_name").toHaveText("Rooftop condenser");
    expect(".o_fwo_unit_screen .o_fwo_warranty_active").toHaveText(/^Under warranty until /);
    expect(".o_fwo_unit_screen .o_fwo_unit_location").toHaveText("Roof, east side");
    expect(queryAllTexts(".o_fwo_visit strong")).toEqual(["WO/2030/00020", "WO/2030/00010"]);
    expect(".o_fwo_visit:eq(0) .o_fwo_reading_out").toHaveText(/^Suction pressure: 84 psi\s+\(out of range\)$/);
    expect(".o_fwo_visit:eq(0) .o_fwo_visit_part").toHaveText(/1 × Capacitor/);
});
