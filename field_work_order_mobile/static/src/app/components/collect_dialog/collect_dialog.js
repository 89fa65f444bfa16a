import { Component, useState } from "@odoo/owl";
import { _t } from "@web/core/l10n/translation";
import { Dialog } from "@web/core/dialog/dialog";
import { roundCents } from "@field_work_order_mobile/app/models/quote";
import { formatMoney } from "@field_work_order_mobile/app/utils/format";

/** Names of the ways to pay on site; which ones exist is the server's (rules.payment_methods). */
export const PAYMENT_METHOD_LABELS = {
    cash: _t("Cash"),
    cheque: _t("Cheque"),
};

/**
 * Cash or a cheque taken on site: method, amount (the amount due to start
 * with) and a reference (the cheque's number). `limit` is the server's
 * amount due when known: the server refuses more.
 */
export class CollectDialog extends Component {
    static template = "field_work_order_mobile.CollectDialog";
    static components = { Dialog };
    static props = {
        amount: Number,
        currency: String,
        methods: Array,
        limit: [Number, Boolean],
        onCollect: Function,
        close: Function,
    };

    setup() {
        this.state = useState({ method: this.props.methods[0], amount: this.props.amount, reference: "", message: "" });
    }

    methodLabel(method) {
        return PAYMENT_METHOD_LABELS[method] || method;
    }

    get referencePlaceholder() {
        return this.state.method === "cheque" ? _t("Cheque number") : "";
    }

    async confirm() {
        const amount = roundCents(Number(this.state.amount));
        if (!(amount > 0)) {
            this.state.message = _t("Enter the amount collected.");
            return;
        }
        if (this.props.limit !== false && amount > this.props.limit) {
            this.state.message = _t("That is more than the amount due (%(due)s).", {
                due: formatMoney(this.props.limit, this.props.currency),
            });
            return;
        }
        await this.props.onCollect({ amount, method: this.state.method, reference: this.state.reference.trim() });
        this.props.close();
    }
}
