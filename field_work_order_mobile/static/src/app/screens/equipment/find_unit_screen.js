import { Component, useState } from "@odoo/owl";
import { _t } from "@web/core/l10n/translation";
import { scanBarcode } from "@web/core/barcode/barcode_dialog";
import { isBarcodeScannerSupported } from "@web/core/barcode/barcode_video_scanner";
import { findUnit, searchUnits } from "@field_work_order_mobile/app/models/equipment";
import { warrantyBadge } from "@field_work_order_mobile/app/utils/format";

/**
 * Scan a unit's QR label (with the camera, where the browser can read codes)
 * or type its serial number: the unit's page, from the pulled data of all
 * the technician's jobs. A partial serial or a name lists the candidates.
 */
export class FindUnitScreen extends Component {
    static template = "field_work_order_mobile.FindUnitScreen";
    static props = { store: Object, onOpen: Function, onBack: Function };

    setup() {
        this.state = useState({ query: "", message: "" });
        this.storeState = useState(this.props.store.state);
        // The camera where the browser reads QR codes itself; typing the serial works everywhere.
        this.canScan = "BarcodeDetector" in globalThis && isBarcodeScannerSupported();
        this.warrantyBadge = warrantyBadge;
    }

    get units() {
        void this.storeState.revision;
        return this.props.store.units;
    }

    get results() {
        return searchUnits(this.units, this.state.query);
    }

    /** Opens the unit of a scanned code or a typed serial, else says none matches. */
    open(text) {
        const unit = findUnit(this.units, text);
        if (unit) {
            this.state.message = "";
            this.props.onOpen(unit.id);
        } else {
            this.state.query = text.trim();
            this.state.message = _t("No unit of your jobs' sites has the serial number or label %(code)s.", {
                code: text.trim(),
            });
        }
    }

    /** Enter in the field: the typed serial, or what a hardware scanner typed. */
    onKey(ev) {
        if (ev.key === "Enter" && this.state.query.trim()) {
            this.open(this.state.query);
        }
    }

    async onScan() {
        const code = await scanBarcode(this.env).catch(() => null);
        if (code) {
            this.open(code);
        }
    }
}
