import { Component, useState } from "@odoo/owl";
import { useService } from "@web/core/utils/hooks";
import { estimateDue, paymentMethods, qrCodeUrl, roundCents, unusedParts } from "@field_work_order_mobile/app/models/quote";
import { formatMoney } from "@field_work_order_mobile/app/utils/format";
import { CollectDialog, PAYMENT_METHOD_LABELS } from "@field_work_order_mobile/app/components/collect_dialog/collect_dialog";

/** What the invoice says once the server has it (`payment` of the pull); paid covers not yet reconciled. */
const PAID_STATES = ["paid", "in_payment"];

/**
 * After Complete, or on a done job: what the customer owes and how they pay
 * it before the van leaves. The amount due and the QR code of the invoice's
 * payment page come from the server (the pull's `payment`); until then the
 * phone shows its own estimate. Cash or a cheque taken on site is queued as
 * `collect_payment`. Planned parts not used are listed: they go back to the
 * van and are not billed.
 */
export class CompletionSummary extends Component {
    static template = "field_work_order_mobile.CompletionSummary";
    static props = { store: Object, job: Object };

    setup() {
        this.dialog = useService("dialog");
        this.storeState = useState(this.props.store.state);
        this.formatMoney = formatMoney;
    }

    get job() {
        return this.props.job;
    }

    get payment() {
        return this.job.payment || false;
    }

    get currency() {
        return this.payment.currency || this.job.price_book?.currency || "EUR";
    }

    get paid() {
        return Boolean(this.payment) && PAID_STATES.includes(this.payment.payment_state);
    }

    /** Cash and cheques taken on this phone and not yet in a pull's `payment`. */
    get collected() {
        return this.job.collected || [];
    }

    get collectedTotal() {
        return roundCents(this.collected.reduce((sum, c) => sum + c.amount, 0));
    }

    get estimate() {
        return estimateDue(this.job);
    }

    /** The server's amount due, less what was collected since; else the phone's estimate. */
    get amountDue() {
        const due = this.payment ? this.payment.amount_due : this.estimate.amount;
        return Math.max(roundCents(due - this.collectedTotal), 0);
    }

    /** The completion and its invoice reached the server, and the phone can load the QR code. */
    get showQr() {
        return Boolean(this.payment?.payment_url) && this.storeState.online && this.amountDue > 0;
    }

    get qrUrl() {
        return qrCodeUrl(this.payment.payment_url);
    }

    /** Done on the server and pulled, and still no invoice: the office invoices this job later. */
    get invoicedLater() {
        return !this.payment && !this.job.queued && this.storeState.online;
    }

    get canCollect() {
        return !this.paid && this.amountDue > 0;
    }

    get unused() {
        return unusedParts(this.job);
    }

    methodLabel(method) {
        return PAYMENT_METHOD_LABELS[method] || method;
    }

    onCollect() {
        this.dialog.add(CollectDialog, {
            amount: this.amountDue,
            currency: this.currency,
            methods: paymentMethods(this.props.store.rules),
            limit: this.payment ? this.amountDue : false,
            onCollect: (payload) => this.props.store.act(this.job, "collect_payment", payload),
        });
    }
}
