import { Component, useState } from "@odoo/owl";
import { Dialog } from "@web/core/dialog/dialog";
import { NameAndSignature } from "@web/core/signature/name_and_signature";

/** The customer's signature, opening on drawing, with the signer's name. */
export class SignatureDialog extends Component {
    static template = "field_work_order_mobile.SignatureDialog";
    static components = { Dialog, NameAndSignature };
    static props = { defaultName: { type: String, optional: true }, onSign: Function, close: Function };

    setup() {
        this.signature = useState({ name: this.props.defaultName || "", isSignatureEmpty: true });
    }

    async confirm() {
        const dataUrl = this.signature.getSignatureImage();
        await this.props.onSign(dataUrl.split(",", 2)[1], this.signature.name.trim());
        this.props.close();
    }
}
