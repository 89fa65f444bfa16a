import { registry } from "@web/core/registry";

/* A dispatcher plans on the board (TestDispatchTour makes the people and orders; the
   day comes in the URL). Technicians' rows are found by name, orders by customer. */
const row = (name) => `.o_fwo_dispatch_row:has(.o_fwo_dispatch_name:contains('${name}'))`;
const cell = (name, time) => `${row(name)} .o_fwo_dispatch_cell[data-time='${time}']`;
const block = (customer) => `.o_fwo_dispatch_block:contains('${customer}')`;

/** Drop the step's element a few pixels into ``target``: at that cell's hour, snapped. */
function dropAt(target) {
    return async (helpers) => {
        await helpers.drag_and_drop(target, { position: { left: 3, top: 10 }, relative: true });
    };
}

registry.category("web_tour.tours").add("field_work_order_dispatch_tour", {
    steps: () => [
        {
            content: "The board shows the technicians and the queue",
            trigger: `.o_fwo_dispatch ${row("Carl Board")} .o_fwo_dispatch_time_off[title='Training']`,
        },
        {
            content: "Drop the queued order on Alice at 10:00",
            trigger: ".o_fwo_dispatch_queue_item:contains('Queue Customer')",
            run: dropAt(cell("Alice Board", "10:00")),
        },
        {
            content: "It is on Alice's row, out of the queue; a draft's drop offers no undo",
            trigger: `${row("Alice Board")} ${block("Queue Customer")}[data-state='scheduled'][aria-label*='10:00 to 12:00']`,
        },
        {
            trigger: ".o_fwo_dispatch_queue:not(:has(.o_fwo_dispatch_queue_item:contains('Queue Customer')))",
        },
        {
            trigger: ".o_fwo_dispatch:not(:has(.o_fwo_dispatch_undo))",
        },
        {
            content: "Move Alice's 13:00-15:00 order to Bob, two hours later (grabbed in its middle)",
            trigger: `${row("Alice Board")} ${block("Moved Customer")}`,
            run: dropAt(cell("Bob Board", "16:00")),
        },
        {
            content: "It is Bob's now",
            trigger: `${row("Bob Board")} ${block("Moved Customer")}[aria-label*='15:00 to 17:00']`,
        },
        {
            trigger: `${row("Alice Board")}:not(:has(${block("Moved Customer")}))`,
        },
        {
            content: "Carl is off all day: the drop is refused, the server's reason shown",
            trigger: ".o_fwo_dispatch_queue_item:contains('Refused Customer')",
            run: dropAt(cell("Carl Board", "10:00")),
        },
        {
            trigger: ".o_fwo_dispatch_error:contains('Carl Board is off from'):contains('Training')",
        },
        {
            trigger: ".o_fwo_dispatch_queue_item:contains('Refused Customer')",
        },
        {
            content: "Move Bob's 08:00 order to 11:00",
            trigger: `${row("Bob Board")} ${block("Undone Customer")}`,
            run: dropAt(cell("Bob Board", "12:00")),
        },
        {
            trigger: `${row("Bob Board")} ${block("Undone Customer")}[aria-label*='11:00 to 13:00']`,
        },
        {
            content: "Undo it",
            trigger: ".o_fwo_dispatch_undo",
            run: "click",
        },
        {
            content: "The undo is spent; the order is back on Bob",
            trigger: `.o_fwo_dispatch:not(:has(.o_fwo_dispatch_undo)) ${row("Bob Board")} ${block("Undone Customer")}[aria-label*='08:00 to 10:00']`,
        },
        {
            content: "Bob's route: his two stops in order, neither on the map",
            trigger: `${row("Bob Board")} .o_fwo_dispatch_route`,
            run: "click",
        },
        {
            trigger: ".o_fwo_dispatch_route_panel:contains('Bob Board') .o_fwo_dispatch_stop:contains('Undone Customer') + .o_fwo_dispatch_stop:contains('Moved Customer'):contains('No coordinates')",
        },
        {
            content: "Suggestions for the refused order",
            trigger: ".o_fwo_dispatch_queue_item:contains('Refused Customer') .o_fwo_dispatch_suggest",
            run: "click",
        },
        {
            trigger: ".o_fwo_dispatch_panel:contains('Slots for') .o_fwo_dispatch_slot:contains('Travel: 0 min')",
        },
        {
            content: "Record Alice's time off for the day",
            trigger: `${row("Alice Board")} .o_fwo_dispatch_time_off_button`,
            run: "click",
        },
        {
            trigger: ".modal .o_field_widget[name='name'] input",
            run: "edit Dentist",
        },
        {
            trigger: ".modal .o_form_button_save",
            run: "click",
        },
        {
            content: "Her row is hatched; her order there is marked, with the reason",
            trigger: `${row("Alice Board")} .o_fwo_dispatch_time_off[title='Dentist']`,
        },
        {
            trigger: `${row("Alice Board")} ${block("Queue Customer")}.o_fwo_dispatch_conflict[title*='falls in time off']`,
        },
        {
            content: "The week shows the same orders, a column a day",
            trigger: ".o_fwo_dispatch_week",
            run: "click",
        },
        {
            trigger: `.o_fwo_dispatch[data-mode='week'] ${row("Bob Board")} ${block("Undone Customer")}`,
        },
    ],
});
