import { registry } from "@web/core/registry";
import {
    checkPhoneLayout,
    checkSignatureDialog,
    drawOn,
} from "@field_work_order_mobile/../tests/tours/technician_app_tour";

/** The QR code on the completion summary: Odoo's barcode image of the invoice's absolute payment URL. */
async function checkPaymentQr() {
    const img = this.anchor;
    await img.decode().catch(() => {}); // loaded (or failed: checked below)
    const src = new URL(img.getAttribute("src"), location.origin);
    const value = src.searchParams.get("value") || "";
    if (src.pathname !== "/report/barcode/" || src.searchParams.get("barcode_type") !== "QR") {
        throw new Error(`Not a QR code of Odoo's barcode route: ${src}`);
    }
    if (!new RegExp(`^${location.origin}/my/invoices/\\d+\\?access_token=`).test(value)) {
        throw new Error(`The QR code is not the invoice's payment page: ${value}`);
    }
    if (!img.complete || !img.naturalWidth) {
        throw new Error("The QR code image did not load");
    }
    checkPhoneLayout();
}

/* Extra work on a phone: a planned part used in one tap, two options from the job type's price
   book, the customer picks the second and signs, complete; the summary shows the invoice's QR. */
registry.category("web_tour.tours").add("field_work_order_mobile_quote_and_pay", {
    url: "/field-service",
    steps: () => [
        {
            content: "Open the job under way",
            trigger: ".o_fwo_section_today .o_fwo_job_card:contains('Quote Tour Customer')",
            run: "click",
        },
        {
            content: "The planned valve was used: one tap",
            trigger: ".o_fwo_material_line:contains('Quote Tour Valve') .o_fwo_part_used",
            run: "click",
        },
        {
            trigger: ".o_fwo_material_line:contains('Quote Tour Valve') .o_fwo_used:contains('1')",
        },
        {
            content: "Quote extra work",
            trigger: ".o_fwo_quote_extra",
            run: "click",
        },
        {
            content: "First option from the price book",
            trigger: ".o_fwo_book_option:contains('Patch')",
            run: "click",
        },
        {
            content: "Second option from the price book",
            trigger: ".o_fwo_book_option:contains('Refit')",
            run: "click",
        },
        {
            content: "Both options, stacked on the phone, with their totals",
            trigger: ".o_fwo_quote_option:eq(1) .o_fwo_option_total",
            run: checkPhoneLayout,
        },
        {
            content: "The customer approves",
            trigger: ".o_fwo_quote_approve:enabled",
            run: "click",
        },
        {
            content: "... the second option",
            trigger: ".o_fwo_quote_option:eq(1) .o_fwo_option_pick",
            run: "click",
        },
        {
            content: "The pad opens on drawing",
            trigger: ".modal .o_web_sign_draw_button.active",
        },
        {
            content: "The signer's name starts empty; the pad is tall enough",
            trigger: ".modal input.o_fwo_signer_name",
            run: checkSignatureDialog,
        },
        {
            trigger: ".modal input.o_fwo_signer_name",
            run: "edit Carla Customer",
        },
        {
            content: "The customer signs",
            trigger: ".modal canvas.o_web_sign_signature",
            run() {
                drawOn(this.anchor);
            },
        },
        {
            trigger: ".o_fwo_signature_confirm:enabled",
            run: "click",
        },
        {
            content: "Back on the job: the quote is approved with the second option",
            trigger: ".o_fwo_quote_approved:contains('Refit')",
        },
        {
            content: "Sent, and the server's quote pulled",
            trigger: ".o_fwo_quote:not(:has(.badge.text-bg-warning)) .o_fwo_quote_state:contains('Approved')",
        },
        {
            trigger: ".o_fwo_status:not(:has(.o_fwo_failed)) .o_fwo_pending.text-bg-light",
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
            content: "Done: the summary shows the amount due and the QR code of the invoice's payment page",
            trigger: ".o_fwo_completion .o_fwo_invoice_name",
        },
        {
            trigger: ".o_fwo_completion .o_fwo_payment_qr",
            run: checkPaymentQr,
        },
        {
            content: "The parts of the unchosen work were never planned; none of the approved ones were used",
            trigger: ".o_fwo_completion .o_fwo_unused_line:contains('Quote Tour Filter')",
        },
    ],
});
