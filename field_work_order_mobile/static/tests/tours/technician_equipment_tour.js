import { registry } from "@web/core/registry";
import { cameraFile, checkPhoneLayout } from "@field_work_order_mobile/../tests/tours/technician_app_tour";

/** Chooses the option of a `<select>` by its label, as a finger on the phone's picker would. */
function chooseOption(label) {
    return function () {
        const option = [...this.anchor.options].find((o) => o.textContent.trim() === label);
        if (!option) {
            throw new Error(`No option "${label}" in ${this.anchor.outerHTML.slice(0, 200)}`);
        }
        this.anchor.value = option.value;
        this.anchor.dispatchEvent(new Event("change", { bubbles: true }));
    };
}

/** Types into an input the way the keyboard does: the value, then an input event. */
function typeIn(value) {
    return function () {
        this.anchor.value = value;
        this.anchor.dispatchEvent(new Event("input", { bubbles: true }));
    };
}

/** Waits until the app's queue is empty and no sync runs (the server answered every operation). */
async function queueSent() {
    const store = odoo.__WOWL_DEBUG__.root.store;
    for (let i = 0; i < 300; i++) {
        if (!store.queue.operations.length && !store.running) {
            return;
        }
        await new Promise((resolve) => setTimeout(resolve, 100));
    }
    throw new Error(`Still queued: ${store.queue.operations.map((op) => `${op.type} ${op.status}`).join(", ")}`);
}

/* Issue #21 on a phone: the unit found by its serial, its warranty and last visits; two readings
   (one out of range, red at once); a unit found on site added; a part and a photo tagged to units;
   complete. Everything sent. */
registry.category("web_tour.tours").add("field_work_order_mobile_equipment", {
    url: "/field-service",
    steps: () => [
        {
            content: "Open the job under way",
            trigger: ".o_fwo_section_today .o_fwo_job_card:contains('Greenleaf Tour Bakery')",
            run: "click",
        },
        {
            content: "The job's unit, under warranty, with its last visit",
            trigger: ".o_fwo_unit_card:contains('Rooftop condenser') .o_fwo_warranty_active",
        },
        {
            trigger: ".o_fwo_unit_card:contains('Rooftop condenser') .o_fwo_last_visit",
            run: checkPhoneLayout,
        },
        {
            content: "Scan / find a unit",
            trigger: ".o_fwo_job .o_fwo_find_unit",
            run: "click",
        },
        {
            content: "Type the serial on the label",
            trigger: ".o_fwo_unit_search",
            run: "edit c-4471",
        },
        {
            trigger: ".o_fwo_unit_open:enabled",
            run: "click",
        },
        {
            content: "The unit's page: warranty with its end date, where it is",
            trigger: ".o_fwo_unit_screen .o_fwo_warranty_active:contains('Under warranty until')",
        },
        {
            trigger: ".o_fwo_unit_screen .o_fwo_unit_location:contains('Roof, east side')",
        },
        {
            content: "... and its last visit with the pressure read then, out of range",
            trigger: ".o_fwo_unit_screen .o_fwo_visit:first .o_fwo_reading_out:contains('Suction pressure')",
        },
        {
            trigger: ".o_fwo_unit_screen .o_fwo_visit:first .o_fwo_visit_part:contains('Tour Capacitor')",
            run: checkPhoneLayout,
        },
        {
            content: "Back to the job",
            trigger: ".o_fwo_unit_screen .o_fwo_back",
            run: "click",
        },
        {
            content: "Readings of the condenser",
            trigger: ".o_fwo_unit_card:contains('Rooftop condenser') .o_fwo_readings_open",
            run: "click",
        },
        {
            content: "Suction pressure 95 psi: above 60–80, red at once",
            trigger: ".o_fwo_reading_field[data-name='Suction pressure'] input",
            run: typeIn("95"),
        },
        {
            trigger: ".o_fwo_reading_field[data-name='Suction pressure'] .o_fwo_reading_flag",
        },
        {
            trigger: ".o_fwo_reading_field[data-name='Suction pressure'] input.is-invalid",
        },
        {
            content: "Supply air 14 °C: in range",
            trigger: ".o_fwo_reading_field[data-name='Supply air'] input",
            run: typeIn("14"),
        },
        {
            trigger: ".o_fwo_reading_field[data-name='Supply air']:not(:has(.o_fwo_reading_flag)) input:not(.is-invalid)",
            run: checkPhoneLayout,
        },
        {
            trigger: ".o_fwo_readings_save",
            run: "click",
        },
        {
            content: "Both readings on the unit, the pressure flagged",
            trigger: ".o_fwo_unit_card:contains('Rooftop condenser') .o_fwo_reading_out:contains('Suction pressure')",
        },
        {
            trigger: ".o_fwo_unit_card:contains('Rooftop condenser') .o_fwo_reading:not(.o_fwo_reading_out):contains('Supply air')",
        },
        {
            content: "A unit found on site",
            trigger: ".o_fwo_add_unit",
            run: "click",
        },
        {
            trigger: ".o_fwo_unit_name_input",
            run: "edit Walk-in freezer evaporator",
        },
        {
            trigger: ".o_fwo_unit_serial_input",
            run: "edit EV-2090",
        },
        {
            trigger: ".o_fwo_unit_location_input",
            run: "edit Back room",
        },
        {
            trigger: ".o_fwo_unit_save",
            run: "click",
        },
        {
            content: "It shows at once",
            trigger: ".o_fwo_unit_card:contains('Walk-in freezer evaporator'):contains('EV-2090')",
        },
        {
            content: "The planned fan motor goes into the new unit",
            trigger: ".o_fwo_material_line:contains('Tour Fan Motor') select.o_fwo_part_unit",
            run: chooseOption("Walk-in freezer evaporator"),
        },
        {
            trigger: ".o_fwo_material_line:contains('Tour Fan Motor') .o_fwo_part_used",
            run: "click",
        },
        {
            trigger: ".o_fwo_material_line:contains('Tour Fan Motor') .o_fwo_line_unit:contains('Walk-in freezer evaporator')",
        },
        {
            content: "A photo of the condenser",
            trigger: "select.o_fwo_photo_unit",
            run: chooseOption("Rooftop condenser"),
        },
        {
            trigger: ".o_fwo_photo_input",
            async run() {
                const dt = new DataTransfer();
                dt.items.add(await cameraFile());
                this.anchor.files = dt.files;
                this.anchor.dispatchEvent(new Event("change", { bubbles: true }));
            },
        },
        {
            trigger: ".o_fwo_thumb:contains('Rooftop condenser') img",
        },
        {
            content: "Everything sent and pulled back",
            trigger: ".o_fwo_status:not(:has(.o_fwo_failed)) .o_fwo_pending.text-bg-light",
        },
        {
            trigger: ".o_fwo_unit_card:contains('Walk-in freezer evaporator'):not(:has(.badge.text-bg-warning))",
        },
        {
            trigger: ".o_fwo_unit_card:contains('Rooftop condenser') .o_fwo_reading_out:not(:has(.badge))",
        },
        {
            content: "Complete",
            trigger: ".o_fwo_next_step.o_fwo_step_complete",
            run: "click",
        },
        {
            trigger: ".o_fwo_complete_confirm",
            run: "click",
        },
        {
            trigger: ".o_fwo_completed",
        },
        {
            content: "The completion is sent: the phone's queue is empty",
            trigger: ".o_fwo_status:not(:has(.o_fwo_failed))",
            run: queueSent,
        },
    ],
});
