import { registry } from "@web/core/registry";

/** A photo as the phone's camera would hand it over: a 2400x1600 JPEG file. */
export async function cameraFile() {
    const canvas = document.createElement("canvas");
    canvas.width = 2400;
    canvas.height = 1600;
    const ctx = canvas.getContext("2d");
    ctx.fillStyle = "#2e6da4";
    ctx.fillRect(0, 0, 2400, 1600);
    ctx.fillStyle = "#f5d142";
    ctx.fillRect(600, 400, 1200, 800);
    const blob = await new Promise((resolve) => canvas.toBlob(resolve, "image/jpeg", 0.9));
    return new File([blob], "before.jpg", { type: "image/jpeg" });
}

/** A finger stroke across the signature canvas. */
export function drawOn(canvas) {
    const box = canvas.getBoundingClientRect();
    const point = (x, y) => ({
        clientX: box.left + x * box.width,
        clientY: box.top + y * box.height,
        pointerId: 1,
        pointerType: "touch",
        isPrimary: true,
        bubbles: true,
        buttons: 1,
        pressure: 0.5,
    });
    canvas.dispatchEvent(new PointerEvent("pointerdown", point(0.1, 0.5)));
    for (let i = 1; i <= 10; i++) {
        canvas.dispatchEvent(new PointerEvent("pointermove", point(0.1 + i * 0.07, 0.5 + (i % 2 ? -0.2 : 0.2))));
    }
    const up = point(0.8, 0.5);
    canvas.dispatchEvent(new PointerEvent("pointerup", up));
    document.dispatchEvent(new PointerEvent("pointerup", up));
}

/** Fails the tour when the screen scrolls sideways or a control is too small for a thumb (44 px). */
export function checkPhoneLayout() {
    const width = document.documentElement.clientWidth;
    if (document.documentElement.scrollWidth > width) {
        throw new Error(`The page scrolls sideways: ${document.documentElement.scrollWidth}px wide on a ${width}px screen`);
    }
    for (const el of document.querySelectorAll(".o_fwo_app .btn, .o_fwo_check, .o_fwo_app .form-control")) {
        const box = el.getBoundingClientRect();
        if (box.width && box.height < 44) {
            throw new Error(`Too small to tap (${Math.round(box.height)}px high): ${el.outerHTML.slice(0, 120)}`);
        }
        if (box.right > width + 1) {
            throw new Error(`Off screen (right edge at ${Math.round(box.right)}px): ${el.outerHTML.slice(0, 120)}`);
        }
    }
}

/** The signature dialog on a phone: the signer's name empty, a pad at least 180 px tall. */
export function checkSignatureDialog() {
    const name = document.querySelector(".modal input.o_fwo_signer_name");
    if (name.value) {
        throw new Error(`The signer's name starts filled in: ${name.value}`);
    }
    const pad = document.querySelector(".modal canvas.o_web_sign_signature").getBoundingClientRect();
    if (pad.height < 180 || pad.right > document.documentElement.clientWidth + 1) {
        throw new Error(`The signature pad is ${Math.round(pad.width)}x${Math.round(pad.height)} px`);
    }
}

/* A technician's job in the app, on a phone: My Jobs, today's route, start, photo, material
   by search, checklist, note, signature, complete; everything sent. */
registry.category("web_tour.tours").add("field_work_order_mobile_technician_app", {
    url: "/field-service",
    steps: () => [
        {
            content: "My Jobs fits the phone: no sideways scrolling, controls big enough for a thumb",
            trigger: ".o_fwo_section_today .o_fwo_job_card",
            run: checkPhoneLayout,
        },
        {
            content: "Today's route, from My Jobs",
            trigger: ".o_fwo_route_button:contains('1')",
            run: "click",
        },
        {
            content: "The job is the day's one stop, with the link opening the route in the maps",
            trigger: ".o_fwo_route:has(.o_fwo_route_open[href$='/50.850000,4.350000']) .o_fwo_route_stop:contains('App Tour Customer')",
            run: checkPhoneLayout,
        },
        {
            content: "Tapping the stop opens the job",
            trigger: ".o_fwo_route_stop:contains('App Tour Customer')",
            run: "click",
        },
        {
            content: "Back to the route, then to My Jobs",
            trigger: ".o_fwo_job .o_fwo_back:contains('route')",
            run: "click",
        },
        {
            trigger: ".o_fwo_route .o_fwo_back",
            run: "click",
        },
        {
            content: "My Jobs lists today's job with its customer and unit",
            trigger: ".o_fwo_section_today .o_fwo_job_card:contains('App Tour Customer'):contains('Unit 7A')",
            run: "click",
        },
        {
            content: "Safety requirements are shown first",
            trigger: ".o_fwo_safety:contains('Lock out the breaker')",
        },
        {
            content: "The job screen fits the phone too",
            trigger: ".o_fwo_job .o_fwo_checklist",
            run: checkPhoneLayout,
        },
        {
            content: "Leaving for the job: On my way",
            trigger: ".o_fwo_on_my_way:enabled",
            run: "click",
        },
        {
            content: "Sent (no longer pending)",
            trigger: ".o_fwo_status .o_fwo_pending.text-bg-light",
        },
        {
            trigger: ".o_fwo_on_my_way:enabled",
        },
        {
            content: "Start the job",
            trigger: ".o_fwo_next_step.o_fwo_step_start",
            run: "click",
        },
        {
            content: "The job is in progress and its timer runs",
            trigger: ".o_fwo_job .o_fwo_state:contains('In Progress')",
        },
        {
            trigger: ".o_fwo_timer_value",
        },
        {
            content: "Take a 'before' photo",
            trigger: ".o_fwo_photo_input",
            async run() {
                const dt = new DataTransfer();
                dt.items.add(await cameraFile());
                this.anchor.files = dt.files;
                this.anchor.dispatchEvent(new Event("change", { bubbles: true }));
            },
        },
        {
            content: "Its thumbnail appears",
            trigger: ".o_fwo_thumb img",
        },
        {
            content: "Add a material",
            trigger: ".o_fwo_add_material",
            run: "click",
        },
        {
            content: "Search the catalog by name",
            trigger: ".o_fwo_product_search",
            run: "edit Tour Valve",
        },
        {
            content: "The van holds 5 of it",
            trigger: ".o_fwo_product:contains('Tour Valve'):contains('5')",
            run: "click",
        },
        {
            content: "Two of them",
            trigger: ".o_fwo_plus",
            run: "click",
        },
        {
            trigger: ".o_fwo_material_add",
            run: "click",
        },
        {
            content: "The material is on the job",
            trigger: ".o_fwo_material_line:contains('Tour Valve') .o_fwo_used:contains('2')",
        },
        {
            content: "Tick the required checklist item",
            trigger: ".o_fwo_check:contains('Isolate the unit') input",
            run: "click",
        },
        {
            trigger: ".o_fwo_check:contains('Isolate the unit') input:checked",
        },
        {
            content: "Write a note",
            trigger: ".o_fwo_note_input",
            run: "edit Valve replaced, no leak.",
        },
        {
            trigger: ".o_fwo_add_note",
            run: "click",
        },
        {
            trigger: ".o_fwo_note:contains('Valve replaced, no leak.')",
        },
        {
            content: "Ask the customer to sign",
            trigger: ".o_fwo_sign",
            run: "click",
        },
        {
            content: "The pad opens on drawing",
            trigger: ".modal .o_web_sign_draw_button.active",
        },
        {
            content: "The signer types their name: the field starts empty, the pad is tall enough for a finger",
            trigger: ".modal input.o_fwo_signer_name",
            run: checkSignatureDialog,
        },
        {
            trigger: ".modal input.o_fwo_signer_name",
            run: "edit Carla Customer",
        },
        {
            content: "The customer signs",
            trigger: ".modal canvas",
            run() {
                drawOn(this.anchor);
            },
        },
        {
            trigger: ".o_fwo_signature_confirm:enabled",
            run: "click",
        },
        {
            trigger: ".o_fwo_signed:contains('Carla Customer')",
        },
        {
            content: "Complete",
            trigger: ".o_fwo_next_step.o_fwo_step_complete",
            run: "click",
        },
        {
            content: "The summary counts the parts and the photo",
            trigger: ".modal .o_fwo_summary_parts:contains('1')",
        },
        {
            trigger: ".modal .o_fwo_summary_photos:contains('1')",
        },
        {
            trigger: ".o_fwo_complete_confirm",
            run: "click",
        },
        {
            content: "Done, and nothing left to send",
            trigger: ".o_fwo_completed",
        },
        {
            trigger: ".o_fwo_status:not(:has(.o_fwo_failed)) .o_fwo_pending.text-bg-light",
        },
        {
            content: "Back to My Jobs: the job is in Recently done",
            trigger: ".o_fwo_back",
            run: "click",
        },
        {
            trigger: ".o_fwo_section_done .o_fwo_job_card:contains('App Tour Customer')",
        },
    ],
});
