import { registry } from "@web/core/registry";

// A 4x4 red PNG: a real image the request form accepts.
const PNG =
    "iVBORw0KGgoAAAANSUhEUgAAAAQAAAAECAIAAAAmkwkpAAAAFElEQVR4nGO8o6HBAANMDEgANwcAPFABNItyfxYAAAAASUVORK5CYII=";

registry.category("web_tour.tours").add("field_work_order_portal_request_tour", {
    url: "/my",
    steps: () => [
        {
            content: "Open the work orders from the portal home",
            trigger: ".o_portal_index_card:not(.d-none) a[href='/my/work-orders']",
            run: "click",
        },
        {
            content: "Request a visit",
            trigger: "a.fwo_portal_new_request",
            run: "click",
        },
        {
            content: "Choose the service location",
            trigger: "select[name='service_partner_id']",
            run: "selectByLabel Side Street",
        },
        {
            trigger: "input[name='unit_number']",
            run: "edit 3A",
        },
        {
            content: "Describe the job",
            trigger: "textarea[name='description']",
            run: "edit Water drips from the ceiling.",
        },
        {
            content: "Add a photo",
            trigger: "input[name='photos']",
            run() {
                const bytes = Uint8Array.from(atob(PNG), (c) => c.charCodeAt(0));
                const transfer = new DataTransfer();
                transfer.items.add(new File([bytes], "ceiling.png", { type: "image/png" }));
                this.anchor.files = transfer.files;
                this.anchor.dispatchEvent(new Event("change", { bubbles: true }));
            },
        },
        {
            content: "Send the request",
            trigger: "button.fwo_portal_submit",
            run: "click",
        },
        {
            content: "The request is confirmed",
            trigger: ".fwo_portal_requested:contains('we received your request')",
        },
        {
            content: "It waits to be scheduled",
            trigger: ".fwo_portal_step_current:contains('Requested')",
        },
    ],
});

registry.category("web_tour.tours").add("field_work_order_portal_done_tour", {
    url: "/my/work-orders",
    steps: () => [
        {
            content: "Open the finished order",
            trigger: "tr.fwo_portal_order:has(.fwo_portal_state:contains('Done')) a.fwo_portal_ref",
            run: "click",
        },
        {
            content: "The job is done",
            trigger: ".fwo_portal_step_done:contains('Done')",
        },
        {
            content: "Download the signed service report",
            trigger: "a.fwo_portal_download[href*='report_type=pdf'][href*='download=true']",
            run: "click",
        },
        {
            content: "Write to the office",
            trigger: "#chatterRoot:shadow .o-mail-Composer-input",
            run: "edit Thanks, the heating works again.",
        },
        {
            trigger: "#chatterRoot:shadow .o-mail-Composer-send:enabled",
            run: "click",
        },
        {
            content: "The message is in the order's history",
            trigger: "#chatterRoot:shadow .o-mail-Message:contains('Thanks, the heating works again.')",
        },
    ],
});
