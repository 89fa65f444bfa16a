import { registry } from "@web/core/registry";

/** The customer approves the second option of a sent quote on the order's portal page. */
registry.category("web_tour.tours").add("field_work_order_quote_portal_tour", {
    steps: () => [
        {
            content: "The quote's options side by side, with their totals",
            trigger: ".fwo_portal_quote_sent .fwo_portal_option:contains('Repair') .fwo_portal_option_total:contains('122.40')",
        },
        {
            content: "Approve the second option",
            trigger: ".fwo_portal_option:contains('Replace'):has(.fwo_portal_option_total:contains('198.72')) .fwo_portal_option_approve",
            run: "click",
        },
        {
            content: "The signer's name starts empty",
            trigger: ".modal.show .o_web_sign_name_input",
            run() {
                if (this.anchor.value) {
                    throw new Error(`The signer's name is filled in: "${this.anchor.value}"`);
                }
            },
        },
        {
            // The pad appears with the first letter (a person types slower than the tour).
            content: "Start typing the name",
            trigger: ".modal.show .o_web_sign_name_input",
            run: "edit C",
        },
        {
            content: "Type the name to sign",
            trigger: ".modal.show .o_web_sign_name_and_signature:has(canvas.o_web_sign_signature) .o_web_sign_name_input",
            run: "edit Carla Customer",
        },
        {
            content: "The signature pad is large enough to sign with a finger",
            trigger: ".modal.show canvas.o_web_sign_signature",
            run() {
                const { height, width } = this.anchor.getBoundingClientRect();
                if (height < 180) {
                    throw new Error(`The signature pad is ${width}x${height} px: under 180 px tall`);
                }
            },
        },
        {
            content: "Approve and sign",
            trigger: ".modal.show .o_portal_sign_submit:enabled",
            run: "click",
        },
        {
            content: "The approval is confirmed",
            trigger: ".fwo_portal_message_quote_approved",
        },
        {
            content: "The chosen option is marked approved",
            trigger: ".fwo_portal_quote.fwo_portal_quote_approved .fwo_portal_option:contains('Replace') .fwo_portal_option_approved",
        },
    ],
});

/** The customer declines a sent quote with a reason. */
registry.category("web_tour.tours").add("field_work_order_quote_portal_decline_tour", {
    steps: () => [
        {
            content: "Decline the quote",
            trigger: ".fwo_portal_quote_sent .fwo_portal_quote_decline",
            run: "click",
        },
        {
            content: "A reason is required",
            trigger: ".modal.show .fwo_quote_decline_form textarea[name='reason']",
            run: "edit We will replace the whole unit next year.",
        },
        {
            trigger: ".modal.show .fwo_quote_decline_form.fwo_quote_decline_ready .fwo_quote_decline_submit",
            run: "click",
        },
        {
            content: "The answer is recorded",
            trigger: ".fwo_portal_message_quote_declined",
        },
        {
            trigger: ".fwo_portal_quote_declined .fwo_portal_quote_declined_reason:contains('next year')",
        },
    ],
});
