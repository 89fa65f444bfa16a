import { registry } from "@web/core/registry";

registry.category("web_tour.tours").add("field_work_order_dispatcher_tour", {
    url: "/odoo/action-field_work_order.field_work_order_action",
    steps: () => [
        {
            content: "Create a work order",
            trigger: ".o-kanban-button-new",
            run: "click",
        },
        {
            content: "Choose the customer",
            trigger: ".o_field_widget[name='partner_id'] input",
            run: "edit Tour Customer",
        },
        {
            trigger: ".o-autocomplete--dropdown-item > a:contains('Tour Customer')",
            run: "click",
        },
        {
            content: "Describe the job",
            trigger: ".o_field_widget[name='description'] textarea",
            run: "edit Boiler makes a knocking noise.",
        },
        {
            content: "Assign the lead technician",
            trigger: ".o_field_widget[name='user_id'] input",
            run: "edit Tour Technician",
        },
        {
            trigger: ".o-autocomplete--dropdown-item > a:contains('Tour Technician')",
            run: "click",
        },
        {
            content: "Pick the start of the slot",
            trigger: ".o_field_widget[name='scheduled_start'] input",
            run: "edit 01/15/2030 09:00:00",
        },
        {
            content: "Leave the date field",
            trigger: ".o_field_widget[name='unit_number'] input",
            run: "edit 2B",
        },
        {
            content: "Schedule it",
            trigger: "button[name='action_schedule']",
            run: "click",
        },
        {
            content: "The order is scheduled",
            trigger: ".o_statusbar_status .o_arrow_button_current:contains('Scheduled')",
        },
    ],
});

registry.category("web_tour.tours").add("field_work_order_technician_tour", {
    url: "/odoo/action-field_work_order.field_work_order_action_my",
    steps: () => [
        {
            content: "Open my order",
            trigger: ".o_kanban_record:contains('Tour Customer')",
            run: "click",
        },
        {
            content: "Start the job",
            trigger: "button[name='action_start']",
            run: "click",
        },
        {
            trigger: ".o_statusbar_status .o_arrow_button_current:contains('In Progress')",
        },
        {
            content: "Open the checklist",
            trigger: ".o_notebook a[name='checklist']",
            run: "click",
        },
        {
            content: "Tick the required item",
            trigger: ".o_field_widget[name='checklist_ids'] .o_data_row:contains('Bleed the radiators') .o_boolean_toggle input",
            run: "click",
        },
        {
            content: "Complete the job",
            trigger: "button[name='action_complete']",
            run: "click",
        },
        {
            content: "The order is done",
            trigger: ".o_statusbar_status .o_arrow_button_current:contains('Done')",
        },
    ],
});

/* The technician's day on a 360 px phone: big action buttons, the checklist as cards. */
registry.category("web_tour.tours").add("field_work_order_phone_tour", {
    url: "/odoo/action-field_work_order.field_work_order_action_my",
    steps: () => [
        {
            content: "Open my next job",
            trigger: ".o_kanban_record:contains('Phone Customer')",
            run: "click",
        },
        {
            content: "Start the job with the big button",
            trigger: ".o_fwo_phone_actions button[name='action_start']",
            run: "click",
        },
        {
            content: "The job is in progress",
            trigger: ".o_form_view:has(.o_statusbar_status button[data-value='in_progress'][aria-checked='true'])",
        },
        {
            content: "Open the checklist",
            trigger: ".o_notebook .nav-link:contains('Checklist')",
            run: "click",
        },
        {
            content: "Tick the required item with a thumb",
            trigger: ".o_field_widget[name='checklist_ids'] .o_kanban_record:contains('Close the valve') .o_boolean_toggle",
            run: "click",
        },
        {
            trigger: ".o_field_widget[name='checklist_ids'] .o_kanban_record:contains('Close the valve') .o_boolean_toggle input:checked",
        },
        {
            content: "Complete the job",
            trigger: ".o_fwo_phone_actions button[name='action_complete']",
            run: "click",
        },
        {
            content: "The job is done",
            trigger: ".o_form_view:has(.o_statusbar_status button[data-value='done'][aria-checked='true'])",
        },
    ],
});
