import { registry } from "@web/core/registry";

registry.category("web_tour.tours").add("field_work_order_quote_tour", {
    url: "/odoo/action-field_work_order.field_work_order_quote_action",
    steps: () => [
        {
            content: "Quote extra work",
            trigger: ".o_list_button_add",
            run: "click",
        },
        {
            content: "On my order",
            trigger: ".o_field_widget[name='work_order_id'] input",
            run: "edit FWO-QUOTE-TOUR",
        },
        {
            trigger: ".o-autocomplete--dropdown-item > a:contains('FWO-QUOTE-TOUR')",
            run: "click",
        },
        {
            content: "Add an option",
            trigger: ".o_field_widget[name='option_ids'] .o_field_x2many_list_row_add a",
            run: "click",
        },
        {
            content: "Name it",
            trigger: ".modal .o_field_widget[name='name'] input",
            run: "edit Replace",
        },
        {
            content: "Add a line",
            trigger: ".modal .o_field_widget[name='line_ids'] .o_field_x2many_list_row_add a",
            run: "click",
        },
        {
            content: "Pick the product",
            trigger: ".modal .o_data_row .o_field_widget[name='product_id'] input",
            run: "edit Tour Valve",
        },
        {
            trigger: ".o-autocomplete--dropdown-item > a:contains('Tour Valve')",
            run: "click",
        },
        {
            content: "Two of them",
            trigger: ".modal .o_data_row .o_field_widget[name='quantity'] input",
            run: "edit 2",
        },
        {
            content: "Leave the quantity",
            trigger: ".modal .o_field_widget[name='name'] input",
            run: "click",
        },
        {
            content: "The customer's price, and the option's total with taxes",
            trigger: ".modal .o_field_widget[name='amount_total']:contains('92.00')",
        },
        {
            content: "Keep the option",
            trigger: ".modal .o_form_button_save",
            run: "click",
        },
        {
            trigger: ".o_field_widget[name='option_ids'] .o_data_row:contains('Replace'):contains('92.00')",
        },
        {
            content: "Save the quote",
            trigger: ".o_form_button_save",
            run: "click",
        },
        {
            content: "Offer it to the customer",
            trigger: ".o_statusbar_buttons button[name='action_send']",
            run: "click",
        },
        {
            content: "The quote is sent",
            trigger: ".o_statusbar_status .o_arrow_button_current:contains('Sent')",
        },
    ],
});

registry.category("web_tour.tours").add("field_work_order_quote_phone_tour", {
    url: "/odoo/action-field_work_order.field_work_order_quote_action",
    steps: () => [
        {
            content: "Open the quote",
            trigger: ".o_data_row:contains('FWO-QUOTE-PHONE') .o_data_cell, .o_kanban_record:contains('FWO-QUOTE-PHONE')",
            run: "click",
        },
        {
            content: "Both options, with their totals, one under the other",
            trigger: ".o_field_widget[name='option_ids'] .o_kanban_record:contains('Replace'):contains('198.72')",
        },
        {
            trigger: ".o_field_widget[name='option_ids'] .o_kanban_record:contains('Repair'):contains('122.40')",
            run() {
                const overflow = document.documentElement.scrollWidth - window.innerWidth;
                if (overflow > 0) {
                    throw new Error(`The quote is ${overflow} px wider than the phone's screen.`);
                }
            },
        },
        {
            content: "Offer it to the customer with the big button",
            trigger: ".o_fwo_phone_actions button[name='action_send']",
            run: "click",
        },
        {
            content: "The quote is sent",
            trigger: ".o_form_view:has(.o_statusbar_status button[data-value='sent'][aria-checked='true'])",
        },
    ],
});
