import { registry } from "@web/core/registry";

registry.category("web_tour.tours").add("field_work_order_portal_equipment_tour", {
    url: "/my/equipment",
    steps: () => [
        {
            content: "Find the unit by its serial number",
            trigger: ".fwo_portal_unit_search input[name='search']",
            run: "edit B-1001",
        },
        {
            trigger: ".fwo_portal_unit_search button[type='submit']",
            run: "click",
        },
        {
            content: "Open the unit, the only one found",
            trigger:
                ".fwo_portal_units a.fwo_portal_unit:only-child:has(.fwo_portal_unit_name:contains('Roof Boiler'))",
            run: "click",
        },
        {
            content: "Its two visits and its warranty",
            trigger: ".fwo_portal_unit_visit_count:contains('2')",
        },
        {
            trigger: ".fwo_portal_unit_warranty_end:contains('Until')",
        },
        {
            content: "Request a visit for the unit",
            trigger: "a.fwo_portal_unit_request",
            run: "click",
        },
        {
            content: "The form is about the unit",
            trigger: ".fwo_portal_request_unit:contains('Roof Boiler')",
        },
        {
            content: "Describe the job",
            trigger: "textarea[name='description']",
            run: "edit The boiler loses pressure.",
        },
        {
            content: "Send the request",
            trigger: "button.fwo_portal_submit",
            run: "click",
        },
        {
            content: "The request is confirmed, with its unit",
            trigger: ".fwo_portal_requested:contains('we received your request')",
        },
        {
            trigger: ".fwo_portal_order_units:contains('Roof Boiler')",
        },
    ],
});
