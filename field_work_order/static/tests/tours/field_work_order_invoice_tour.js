import { registry } from "@web/core/registry";

registry.category("web_tour.tours").add("field_work_order_invoice_tour", {
    url: "/odoo/action-field_work_order.field_work_order_action_to_invoice",
    steps: () => [
        {
            content: "Select the order at the north site",
            trigger: ".o_data_row:contains('Tour Site North') .o_list_record_selector input",
            run: "click",
        },
        {
            content: "Select the order at the south site",
            trigger: ".o_data_row:contains('Tour Site South') .o_list_record_selector input",
            run: "click",
        },
        {
            content: "Invoice both",
            trigger: "button[name='action_create_invoices']",
            run: "click",
        },
        {
            content: "One draft invoice for the customer",
            trigger: ".o_form_view .o_statusbar_status .o_arrow_button_current:contains('Draft')",
        },
        {
            content: "It holds the north order...",
            trigger: ".o_form_view .o_data_row textarea:value('Tour Site North')",
        },
        {
            content: "...and the south order",
            trigger: ".o_form_view .o_data_row textarea:value('Tour Site South')",
        },
        {
            content: "Back to its work orders",
            trigger: "button[name='action_view_fwo_orders']:contains('2')",
        },
    ],
});
