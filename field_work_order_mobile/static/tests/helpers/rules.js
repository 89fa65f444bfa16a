/**
 * The rules sync_reference publishes today (field_work_order's TRANSITIONS
 * and states): what the tests' fake servers send. A test changes its own
 * copy to show the app follows the server.
 */
export function publishedRules() {
    const worker = (from, to) => ({ from, to, by: "worker", sync: true });
    const dispatcher = (from, to) => ({ from, to, by: "dispatcher", sync: false });
    const open = ["draft", "scheduled", "in_progress", "on_hold"];
    return {
        states: [
            { value: "draft", label: "Draft", open: true, closed: false, working: false },
            { value: "scheduled", label: "Scheduled", open: true, closed: false, working: false },
            { value: "in_progress", label: "In Progress", open: true, closed: false, working: true },
            { value: "on_hold", label: "On Hold", open: true, closed: false, working: false },
            { value: "done", label: "Done", open: false, closed: true, working: false },
            { value: "verified", label: "Verified", open: false, closed: true, working: false },
            { value: "cancelled", label: "Cancelled", open: false, closed: false, working: false },
        ],
        transitions: {
            schedule: dispatcher(["draft"], "scheduled"),
            start: worker(["scheduled"], "in_progress"),
            on_my_way: worker(["scheduled", "on_hold"], false),
            hold: worker(["in_progress"], "on_hold"),
            resume: worker(["on_hold"], "in_progress"),
            complete: worker(["in_progress"], "done"),
            verify: dispatcher(["done"], "verified"),
            rework: dispatcher(["done"], "in_progress"),
            cancel: dispatcher(open, "cancelled"),
            reset_draft: dispatcher(["cancelled"], "draft"),
        },
        set_fields: ["unit_number", "access_instructions", "site_contact_name", "site_contact_phone"],
        photo_kinds: ["before", "after", "other"],
        limits: { max_text: 10000, max_push: 500, max_quantity: 1e9, photo_max_mb: 10, clock_skew_seconds: 300 },
    };
}
