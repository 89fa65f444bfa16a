import { registry } from "@web/core/registry";

let shownWeek = null;

/** Click (press and release, as a mouse does) the week view at ``time`` on ``day`` ("wed"). */
function clickSlot(day, time) {
    const lane = document.querySelector(`.fc-timegrid-slot-lane[data-time="${time}"]`);
    lane.scrollIntoView({ block: "center" });
    const column = document.querySelector(`.fc-timegrid-col.fc-day-${day}`).getBoundingClientRect();
    const row = lane.getBoundingClientRect();
    const position = {
        bubbles: true,
        which: 1,
        button: 0,
        clientX: column.x + column.width / 2,
        clientY: row.y + row.height / 2,
    };
    lane.dispatchEvent(new MouseEvent("mousedown", position));
    lane.dispatchEvent(new MouseEvent("mouseup", position));
}

/** The same weekday next week, "YYYY-MM-DD" (a day of the week the tour works in). */
function nextWeekDay() {
    const day = new Date();
    day.setDate(day.getDate() + 7);
    const pad = (n) => String(n).padStart(2, "0");
    return `${day.getFullYear()}-${pad(day.getMonth() + 1)}-${pad(day.getDate())}`;
}

function checkWeek() {
    const week = document.querySelector(".o_calendar_header .badge").textContent.trim();
    const day = nextWeekDay();
    if (week !== shownWeek || !document.querySelector(`.fc-col-header-cell[data-date='${day}']`)) {
        throw new Error(`The calendar left ${shownWeek} (${day}) for ${week}.`);
    }
}

function newOrderSteps(day, customer) {
    return [
        {
            content: `Click ${day} at 10:00 of the week shown`,
            trigger: ".o_calendar_renderer .fc-timegrid-slot-lane[data-time='10:00:00']",
            run: () => clickSlot(day, "10:00:00"),
        },
        {
            content: "The dialog is titled as a work order, not as Odoo's generic event",
            trigger: ".modal .modal-title:contains('New Work Order')",
        },
        {
            content: "Choose the customer",
            trigger: ".modal .o_field_widget[name='partner_id'] input",
            run: `edit ${customer}`,
        },
        {
            trigger: `.o-autocomplete--dropdown-item > a:contains('${customer}')`,
            run: "click",
        },
    ];
}

registry.category("web_tour.tours").add("field_work_order_calendar_tour", {
    url: "/odoo/action-field_work_order.field_work_order_action?view_type=calendar",
    steps: () => [
        {
            content: "The work orders' week",
            trigger: ".o_calendar_renderer .fc-timeGridWeek-view",
        },
        {
            content: "Go to next week",
            trigger: ".o_calendar_button_next",
            run: "click",
        },
        {
            content: "Remember the week shown",
            trigger: `.fc-col-header-cell[data-date='${nextWeekDay()}']`,
            run() {
                shownWeek = document.querySelector(".o_calendar_header .badge").textContent.trim();
            },
        },
        // An order saved with the dialog's Save button.
        ...newOrderSteps("wed", "Calendar Customer"),
        {
            content: "Save it",
            trigger: ".modal .o_form_button_save",
            run: "click",
        },
        {
            content: "The order is on the calendar at once",
            trigger: "body:not(:has(.modal)) .o_calendar_renderer .fc-event:contains('Calendar Customer')",
        },
        {
            content: "In the same week",
            trigger: ".o_calendar_header .badge",
            run: checkWeek,
        },
        // An order saved by a header button (Schedule), the dialog then closed.
        ...newOrderSteps("thu", "Second Customer"),
        {
            content: "Assign the lead technician",
            trigger: ".modal .o_field_widget[name='user_id'] input",
            run: "edit Tom Able",
        },
        {
            trigger: ".o-autocomplete--dropdown-item > a:contains('Tom Able')",
            run: "click",
        },
        {
            content: "Schedule it from the dialog",
            trigger: ".modal button[name='action_schedule']",
            run: "click",
        },
        {
            content: "Scheduled",
            trigger: ".modal .o_statusbar_status .o_arrow_button_current:contains('Scheduled')",
        },
        {
            content: "Close the dialog",
            trigger: ".modal .modal-header .btn-close",
            run: "click",
        },
        {
            content: "The scheduled order is on the calendar at once",
            trigger: "body:not(:has(.modal)) .o_calendar_renderer .fc-event:contains('Second Customer')",
        },
        {
            content: "Still the same week, the first order too",
            trigger: ".o_calendar_renderer .fc-event:contains('Calendar Customer')",
            run: checkWeek,
        },
        // Cards: two technicians named T are told apart, times without seconds.
        {
            content: "Open the cards",
            trigger: ".o_switch_view.o_kanban",
            run: "click",
        },
        {
            content: "Tom Able's card names him",
            trigger: ".o_kanban_record:contains('Able Street') .o_fwo_lead:contains('Tom Able')",
        },
        {
            content: "Tom Baker's card names him, times without seconds",
            trigger: ".o_kanban_record:contains('Baker Street') .o_fwo_lead:contains('Tom Baker')",
            run() {
                const times = [
                    ...document.querySelectorAll(".o_kanban_record .fa-clock-o[title='Scheduled']"),
                ].map((icon) => icon.parentElement.textContent.trim());
                const minutes = (text) => /\d:\d\d/.test(text) && !/\d:\d\d:\d\d/.test(text);
                if (times.length !== 4 || !times.every(minutes)) {
                    throw new Error(`Scheduled times on the cards: ${times.join(", ")}`);
                }
            },
        },
    ],
});
