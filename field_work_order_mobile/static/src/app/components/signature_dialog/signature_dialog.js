import { Component, useState } from "@odoo/owl";
import { _t } from "@web/core/l10n/translation";
import { Dialog } from "@web/core/dialog/dialog";
import { NameAndSignature } from "@web/core/signature/name_and_signature";

/**
 * Width / height of the drawing pad: on a 360 px phone it is about 200 px
 * tall, room for a finger (Odoo's default of 3 leaves about 110 px).
 */
export const SIGNATURE_RATIO = 1.6;

/**
 * The customer's signature: the pad opens on drawing, and the signer types
 * their own name (it starts empty: the site contact is not always the one
 * signing). `summary` says what they sign for, e.g. a quote's option.
 */
export class SignatureDialog extends Component {
    static template = "field_work_order_mobile.SignatureDialog";
    static components = { Dialog, NameAndSignature };
    static props = {
        title: { type: String, optional: true },
        summary: { type: String, optional: true },
        onSign: Function,
        close: Function,
    };
    static defaultProps = { title: _t("Customer signature") };

    setup() {
        this.signature = useState({ name: "", isSignatureEmpty: true });
        this.ratio = SIGNATURE_RATIO;
    }

    async confirm() {
        const dataUrl = this.signature.getSignatureImage();
        await this.props.onSign(dataUrl.split(",", 2)[1], this.signature.name.trim());
        this.props.close();
    }
}
