import { Component } from "@odoo/owl";
import { Dialog } from "@web/core/dialog/dialog";
import { formatDuration } from "@field_work_order_mobile/app/utils/format";

/** The last look before Complete: time on site, parts, photos, open checklist items. */
export class CompleteDialog extends Component {
    static template = "field_work_order_mobile.CompleteDialog";
    static components = { Dialog };
    static props = { job: Object, seconds: Number, onConfirm: Function, close: Function };

    get duration() {
        return formatDuration(this.props.seconds);
    }

    get parts() {
        return this.props.job.materials.filter((m) => m.quantity_used > 0);
    }

    get openItems() {
        return this.props.job.checklist.filter((line) => !line.done);
    }

    async confirm() {
        await this.props.onConfirm();
        this.props.close();
    }
}
