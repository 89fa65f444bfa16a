import { registry } from "@web/core/registry";

// A subcontractor's portal user accepts a job on the portal, does it and marks it done.
registry.category("web_tour.tours").add("field_work_order_subcontract_tour", {
    url: "/my/work-orders",
    steps: () => [
        {
            content: "Open the job assigned to the vendor's company",
            trigger: ".fwo_portal_order:contains('Tour Vendor Customer') a.fwo_portal_ref",
            run: "click",
        },
        {
            content: "The terms of the job: agreed price, safety, materials",
            trigger: ".fwo_portal_subcontract .fwo_portal_price:contains('750.00')",
        },
        {
            trigger: ".fwo_portal_subcontract .fwo_portal_safety:contains('Harness above 2 m')",
        },
        {
            trigger: ".fwo_portal_subcontract .fwo_portal_materials:contains('Tour Cable')",
        },
        {
            content: "Accept it",
            trigger: "button.fwo_portal_accept",
            run: "click",
        },
        {
            content: "Accepted: start the work",
            trigger: ".fwo_portal_subcontract_state:contains('Accepted')",
        },
        {
            trigger: "button.fwo_portal_start",
            run: "click",
        },
        {
            content: "Marking it done before the required item is ticked says what is missing",
            trigger: "button.fwo_portal_done",
            run: "click",
        },
        {
            trigger: ".fwo_portal_subcontract_error:contains('Test the circuit')",
        },
        {
            content: "Tick the required item",
            trigger: ".fwo_portal_checklist li:contains('Test the circuit') button.fwo_portal_tick",
            run: "click",
        },
        {
            trigger: ".fwo_portal_checklist li:contains('Test the circuit') button.btn-success",
        },
        {
            content: "Mark the job as done",
            trigger: "button.fwo_portal_done",
            run: "click",
        },
        {
            content: "The job is done",
            trigger: ".fwo_portal_state:contains('Done')",
        },
    ],
});
