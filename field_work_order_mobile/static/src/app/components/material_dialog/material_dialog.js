import { Component, useState } from "@odoo/owl";
import { _t } from "@web/core/l10n/translation";
import { Dialog } from "@web/core/dialog/dialog";
import { scanBarcode } from "@web/core/barcode/barcode_dialog";
import { isBarcodeScannerSupported } from "@web/core/barcode/barcode_video_scanner";
import { unitTag } from "@field_work_order_mobile/app/models/equipment";

const MAX_RESULTS = 30;

/** Products of the cached catalog matching a name, internal reference or barcode. */
function searchProducts(products, query) {
    const needle = query.trim().toLowerCase();
    if (!needle) {
        return products.filter((p) => p.van_qty > 0).slice(0, MAX_RESULTS);
    }
    const exact = products.filter((p) => p.barcode === query.trim() || (p.default_code || "").toLowerCase() === needle);
    const rest = products.filter(
        (p) =>
            !exact.includes(p) &&
            [p.name, p.default_code, p.barcode].some((v) => v && v.toLowerCase().includes(needle))
    );
    return [...exact, ...rest].slice(0, MAX_RESULTS);
}

/**
 * Adds a used part: search or scan (camera, or a hardware scanner typing
 * into the search field and pressing Enter), quantity stepper, lot picker
 * for tracked products, the van's stock beside each product.
 */
export class MaterialDialog extends Component {
    static template = "field_work_order_mobile.MaterialDialog";
    static components = { Dialog };
    static props = {
        store: Object,
        onAdd: Function,
        close: Function,
        product: { type: Object, optional: true }, // a planned part: its lot is asked for
        quantity: { type: Number, optional: true },
        units: { type: Array, optional: true }, // the job's units: the part may be for one of them
        unit: { type: String, optional: true }, // the unit chosen already (a select's value)
    };

    setup() {
        this.state = useState({ query: "", product: null, quantity: 1, lot: "", message: "", unit: this.props.unit || "" });
        this.canScan = isBarcodeScannerSupported();
        this.storeState = useState(this.props.store.state);
        if (this.props.product) {
            this.select(this.props.product);
            this.state.quantity = this.props.quantity || 1;
        }
    }

    get reference() {
        return this.storeState.reference;
    }

    get results() {
        return searchProducts(this.reference.products, this.state.query);
    }

    lotsOf(product) {
        const inVan = new Map(
            this.reference.stock.filter((s) => s.product_id === product.id && s.lot_id).map((s) => [s.lot_id, s.quantity])
        );
        return this.reference.lots
            .filter((lot) => lot.product_id === product.id)
            .map((lot) => ({ ...lot, van_qty: inVan.get(lot.id) || 0 }));
    }

    select(product) {
        this.state.product = product;
        this.state.quantity = 1;
        const lots = product.tracking !== "none" ? this.lotsOf(product) : [];
        this.state.lot = lots.length === 1 ? lots[0].name : "";
        this.state.message = "";
    }

    /** Enter in the search field: what a hardware scanner sends after a barcode. */
    onSearchKey(ev) {
        if (ev.key === "Enter") {
            this.pickCode(this.state.query);
        }
    }

    pickCode(code) {
        const value = (code || "").trim();
        const product = this.reference.products.find((p) => p.barcode === value || p.default_code === value);
        if (product) {
            this.select(product);
        } else {
            this.state.query = value;
            this.state.message = _t("No product with barcode or reference %(code)s in the catalog.", { code: value });
        }
    }

    async onScan() {
        const code = await scanBarcode(this.env).catch(() => null);
        if (code) {
            this.pickCode(code);
        }
    }

    step(delta) {
        const step = this.state.product?.tracking === "serial" ? 1 : delta;
        this.state.quantity = Math.max(1, Math.round((Number(this.state.quantity) + step) * 1000) / 1000);
    }

    async add() {
        const product = this.state.product;
        const quantity = Number(this.state.quantity);
        if (!(quantity > 0)) {
            this.state.message = _t("Enter a quantity above zero.");
            return;
        }
        if (product.tracking !== "none" && !this.state.lot.trim()) {
            this.state.message = _t("%(product)s is tracked: choose or type its lot/serial number.", {
                product: product.name,
            });
            return;
        }
        const payload = { product_id: product.id, quantity, ...unitTag(this.state.unit) };
        if (product.tracking !== "none") {
            payload.lot_name = this.state.lot.trim();
        }
        await this.props.onAdd(payload, { product_name: product.name, uom: product.uom });
        this.props.close();
    }
}
