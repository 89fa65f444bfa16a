import { Component, useState } from "@odoo/owl";
import { _t } from "@web/core/l10n/translation";
import { useService } from "@web/core/utils/hooks";
import { estimateLines, maxOptions, quoteLine, quotePayload } from "@field_work_order_mobile/app/models/quote";
import { newUuid } from "@field_work_order_mobile/app/store/operation_queue";
import { formatMoney } from "@field_work_order_mobile/app/utils/format";
import { SignatureDialog } from "@field_work_order_mobile/app/components/signature_dialog/signature_dialog";

/**
 * Extra work found on site, quoted on the spot: up to three options, each a
 * ready option of the job type's price book or products picked from it,
 * with the customer's prices of the last pull and totals estimated on the
 * phone. The customer approves one option and signs there (`quote` then
 * `quote_approve`), or gets the quote to answer later (`quote` then
 * `quote_send`). The approval refers to the quote by its operation's uuid
 * (`quote_ref`) and to the option by its place (`option_index`): the phone
 * knows no server id before the push.
 */
export class QuoteScreen extends Component {
    static template = "field_work_order_mobile.QuoteScreen";
    static props = { store: Object, job: Object, onBack: Function };

    setup() {
        this.dialog = useService("dialog");
        // Each option: {name, lines, pick}, `pick` being its product picker (product, quantity).
        this.state = useState({ options: [], note: "", picking: false, busy: false });
        this.formatMoney = formatMoney;
    }

    get book() {
        return this.props.job.price_book || { currency: "EUR", options: [], products: [] };
    }

    get currency() {
        return this.book.currency;
    }

    get maxOptions() {
        return maxOptions(this.props.store.rules);
    }

    get full() {
        return this.state.options.length >= this.maxOptions;
    }

    bookTotal(bookOption) {
        return estimateLines(bookOption.lines).total;
    }

    /** One tap: a ready option of the price book, with its products and quantities. */
    addBookOption(bookOption) {
        if (!this.full) {
            this._push(bookOption.name, bookOption.lines.map((line) => quoteLine(line)));
        }
    }

    addEmptyOption() {
        if (!this.full) {
            this._push(_t("Option %(number)s", { number: this.state.options.length + 1 }), []);
        }
    }

    _push(name, lines) {
        this.state.options.push({ name, lines, pick: { productId: "", quantity: 1 } });
    }

    removeOption(index) {
        this.state.options.splice(index, 1);
    }

    /** Adds the product of option `index`'s picker (a product of the price book) with its quantity. */
    addProduct(index) {
        const pick = this.state.options[index].pick;
        const product = this.book.products.find((p) => p.id === Number(pick.productId));
        const quantity = Number(pick.quantity);
        if (!product || !(quantity > 0)) {
            return;
        }
        const lines = this.state.options[index].lines;
        const line = lines.find((l) => l.product_id === product.id);
        if (line) {
            line.quantity = Math.round((line.quantity + quantity) * 1000) / 1000;
        } else {
            lines.push(quoteLine(product, quantity));
        }
        Object.assign(pick, { productId: "", quantity: 1 });
    }

    removeLine(option, lineIndex) {
        option.lines.splice(lineIndex, 1);
    }

    totals(option) {
        return estimateLines(option.lines.map((line) => ({ ...line, quantity: Number(line.quantity) || 0 })));
    }

    /** Every option named, with lines of positive quantities: what the server accepts. */
    get ready() {
        return (
            this.state.options.length > 0 &&
            this.state.options.every(
                (o) => o.name.trim() && o.lines.length && o.lines.every((l) => Number(l.quantity) > 0)
            )
        );
    }

    /** The options as queued: the payload's products and quantities, and the prices shown until the pull. */
    _cleanOptions() {
        return this.state.options.map((option) => ({
            name: option.name.trim(),
            lines: option.lines.map((line) => ({ ...line, quantity: Number(line.quantity) })),
        }));
    }

    /** Queues the quote, then `answer` (its approval or its sending) referring to it; back to the job. */
    async _queue(answer) {
        this.state.busy = true;
        const options = this._cleanOptions();
        const uuid = newUuid();
        await this.props.store.actMany(this.props.job, [
            { uuid, type: "quote", payload: quotePayload(options, this.state.note), display: { options } },
            { type: answer.type, payload: { quote_ref: uuid, ...answer.payload } },
        ]);
        this.props.onBack();
    }

    onApprove() {
        this.state.picking = true;
    }

    /** The customer chose option `index`: they sign for it. */
    onPick(index) {
        const option = this.state.options[index];
        this.dialog.add(SignatureDialog, {
            title: _t("Customer approval"),
            summary: _t("%(option)s: %(total)s", {
                option: option.name.trim(),
                total: formatMoney(this.totals(option).total, this.currency),
            }),
            onSign: (signature, signerName) =>
                this._queue({
                    type: "quote_approve",
                    payload: { option_index: index, signature, signer_name: signerName },
                }),
        });
    }

    onSend() {
        return this._queue({ type: "quote_send", payload: {} });
    }
}
