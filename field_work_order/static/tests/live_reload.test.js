import { describe, expect, test } from "@odoo/hoot";
import { advanceTime, animationFrame } from "@odoo/hoot-mock";
import { defineMailModels } from "@mail/../tests/mail_test_helpers";
import {
    defineModels,
    fields,
    mockService,
    models,
    MockServer,
    mountView,
    onRpc,
} from "@web/../tests/web_test_helpers";
import { WORK_ORDER_CHANGED } from "@field_work_order/views/live_reload";

class FieldWorkOrder extends models.Model {
    _name = "field.work.order";
    name = fields.Char();
    state = fields.Selection({
        selection: [
            ["scheduled", "Scheduled"],
            ["in_progress", "In Progress"],
        ],
    });
    _records = [
        { id: 1, name: "WO/2030/00001", state: "scheduled" },
        { id: 2, name: "WO/2030/00002", state: "scheduled" },
    ];
}

defineMailModels();
defineModels([FieldWorkOrder]);

/** A bus service stand-in that lets the test deliver a notification. */
function mockBus() {
    const handlers = new Map();
    mockService("bus_service", {
        subscribe(type, callback) {
            handlers.set(type, callback);
        },
        unsubscribe(type) {
            handlers.delete(type);
        },
    });
    return {
        notify(payload) {
            handlers.get(WORK_ORDER_CHANGED)(payload);
        },
        get subscribed() {
            return handlers.has(WORK_ORDER_CHANGED);
        },
    };
}

describe.current.tags("desktop");

test("kanban reloads when a work order changes on the server", async () => {
    const bus = mockBus();
    let loads = 0;
    onRpc("field.work.order", "web_read_group", () => {
        loads++;
    });
    await mountView({
        type: "kanban",
        resModel: "field.work.order",
        groupBy: ["state"],
        arch: `<kanban js_class="field_work_order_kanban">
                <templates><t t-name="card"><field name="name"/></t></templates>
            </kanban>`,
    });
    expect(bus.subscribed).toBe(true);
    expect(".o_kanban_group:eq(0) .o_kanban_record").toHaveCount(2);
    expect(loads).toBe(1);

    // A technician starts order 1: the server writes, then notifies ids only.
    MockServer.env["field.work.order"].write([1], { state: "in_progress" });
    bus.notify({ ids: [1] });
    bus.notify({ ids: [1] }); // bursts are debounced into one reload
    await advanceTime(400);
    await animationFrame();

    expect(loads).toBe(2);
    expect(".o_kanban_group:eq(0) .o_kanban_record").toHaveCount(1);
    expect(".o_kanban_group:eq(1) .o_kanban_record").toHaveText("WO/2030/00001");
});

test("list reloads when a work order changes on the server", async () => {
    const bus = mockBus();
    await mountView({
        type: "list",
        resModel: "field.work.order",
        arch: `<list js_class="field_work_order_list"><field name="name"/><field name="state"/></list>`,
    });
    expect(".o_data_row:eq(0) .o_data_cell[name=state]").toHaveText("Scheduled");

    MockServer.env["field.work.order"].write([1], { state: "in_progress" });
    bus.notify({ ids: [1] });
    await advanceTime(400);
    await animationFrame();

    expect(".o_data_row:eq(0) .o_data_cell[name=state]").toHaveText("In Progress");
});

test("a plain kanban of work orders does not listen", async () => {
    const bus = mockBus();
    await mountView({
        type: "kanban",
        resModel: "field.work.order",
        arch: `<kanban><templates><t t-name="card"><field name="name"/></t></templates></kanban>`,
    });
    expect(bus.subscribed).toBe(false);
});
