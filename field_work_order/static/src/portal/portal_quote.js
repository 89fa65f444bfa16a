import publicWidget from "@web/legacy/js/public/public_widget";
import { rpc } from "@web/core/network/rpc";
import { _t } from "@web/core/l10n/translation";
import { redirect } from "@web/core/utils/urls";

/**
 * The decline dialog of a quote on the order's portal page: posts the reason to the
 * quote's decline route (the order's link is in the form's URL), then shows the page again.
 */
publicWidget.registry.FwoQuoteDecline = publicWidget.Widget.extend({
    selector: ".fwo_quote_decline_form",
    events: { submit: "_onSubmit" },

    start() {
        // The button waits for this widget: before it, a submit would be the browser's own
        // (a page reload with the reason in its address, and nothing declined).
        this.el.querySelector(".fwo_quote_decline_submit").disabled = false;
        this.el.classList.add("fwo_quote_decline_ready");
        return this._super(...arguments);
    },

    async _onSubmit(ev) {
        ev.preventDefault();
        const form = ev.currentTarget;
        const error = form.querySelector(".fwo_quote_error");
        const button = form.querySelector(".fwo_quote_decline_submit");
        button.disabled = true;
        let data;
        try {
            data = await rpc(form.dataset.url, { reason: form.querySelector("textarea").value });
        } catch {
            data = { error: _t("The answer could not be sent: check your connection and try again.") };
        }
        if (data.redirect_url) {
            redirect(data.redirect_url);
            return;
        }
        error.textContent = data.error;
        error.classList.remove("d-none");
        button.disabled = false;
    },
});
