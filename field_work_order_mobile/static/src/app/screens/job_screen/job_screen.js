import { Component, onWillUnmount, useState } from "@odoo/owl";
import { _t } from "@web/core/l10n/translation";
import { useService } from "@web/core/utils/hooks";
import { addressLine, mapsUrl, NEXT_STEP, openRequiredItems, secondsOnSite } from "@field_work_order_mobile/app/models/job";
import { formatDuration, formatSlot, formatWhen, PHOTO_KINDS, PRIORITY_LABELS, STATE_LABELS } from "@field_work_order_mobile/app/utils/format";
import { operationLabel } from "@field_work_order_mobile/app/store/sync_store";
import { preparePhoto } from "@field_work_order_mobile/app/utils/photo";
import { CompleteDialog } from "@field_work_order_mobile/app/components/complete_dialog/complete_dialog";
import { MaterialDialog } from "@field_work_order_mobile/app/components/material_dialog/material_dialog";
import { SignatureDialog } from "@field_work_order_mobile/app/components/signature_dialog/signature_dialog";

/** What a technician may change on site (the server's SITE_FIELDS), in the order shown. */
export const SITE_FIELDS = {
    unit_number: _t("Unit"),
    access_instructions: _t("Access instructions"),
    site_contact_name: _t("Site contact"),
    site_contact_phone: _t("Site contact phone"),
};

const STEP_LABELS = {
    start: _t("Start"),
    resume: _t("Resume"),
    complete: _t("Complete"),
};

/** One job: what the technician needs on site, and every action they take there. */
export class JobScreen extends Component {
    static template = "field_work_order_mobile.JobScreen";
    static props = { store: Object, job: Object, onBack: Function };

    setup() {
        this.dialog = useService("dialog");
        this.notification = useService("notification");
        this.storeState = useState(this.props.store.state); // redraw when the store changes
        this.ui = useState({ now: new Date(), photoKind: "before", note: "", busy: false });
        this.site = useState({ editing: false, values: {} });
        this.timer = setInterval(() => (this.ui.now = new Date()), 1000);
        onWillUnmount(() => clearInterval(this.timer));
        Object.assign(this, {
            stateLabels: STATE_LABELS,
            priorityLabels: PRIORITY_LABELS,
            photoKinds: PHOTO_KINDS,
            photoKindList: Object.keys(PHOTO_KINDS),
            siteFields: SITE_FIELDS,
            siteFieldList: Object.keys(SITE_FIELDS),
            formatWhen,
            operationLabel,
        });
    }

    get job() {
        return this.props.job;
    }

    get userId() {
        return this.props.store.user.id;
    }

    get slot() {
        return formatSlot(this.job.scheduled_start, this.job.scheduled_end);
    }

    get address() {
        return addressLine(this.job);
    }

    get mapsUrl() {
        return mapsUrl(this.job);
    }

    get nextStep() {
        return NEXT_STEP[this.job.state] || false;
    }

    get nextStepLabel() {
        return STEP_LABELS[this.nextStep];
    }

    get canWork() {
        return ["in_progress", "on_hold", "scheduled"].includes(this.job.state);
    }

    get timerText() {
        return formatDuration(secondsOnSite(this.job, this.userId, this.ui.now));
    }

    get failed() {
        void this.storeState.revision;
        return this.props.store.failedFor(this.job.id);
    }

    get failedPhotos() {
        return this.failed.filter((op) => op.type === "photo");
    }

    get failedOthers() {
        return this.failed.filter((op) => op.type !== "photo");
    }

    get openRequired() {
        return openRequiredItems(this.job);
    }

    async act(type, payload = {}, display = {}) {
        await this.props.store.act(this.job, type, payload, display);
    }

    async onNextStep() {
        const step = this.nextStep;
        if (step === "complete") {
            return this.onComplete();
        }
        await this.act(step);
    }

    onHold() {
        return this.act("hold");
    }

    /** Tells the office, and the customer if the company sends that email, that you are coming. */
    onMyWay() {
        return this.act("on_my_way");
    }

    onComplete() {
        const missing = this.openRequired;
        if (missing.length) {
            this.notification.add(
                _t("Tick the required checklist items first: %(items)s", {
                    items: missing.map((line) => line.name).join(", "),
                }),
                { type: "warning" }
            );
            return;
        }
        if (this.props.store.state.reference.settings?.signature_required && !this.job.signed_by) {
            this.notification.add(_t("The customer must sign before the job is completed."), { type: "warning" });
            return;
        }
        this.dialog.add(CompleteDialog, {
            job: this.job,
            seconds: secondsOnSite(this.job, this.userId, new Date()),
            onConfirm: () => this.act("complete"),
        });
    }

    async onPhoto(ev) {
        const files = [...ev.target.files];
        ev.target.value = "";
        this.ui.busy = true;
        try {
            for (const file of files) {
                const { image } = await preparePhoto(file);
                await this.act("photo", { image, kind: this.ui.photoKind });
            }
        } finally {
            this.ui.busy = false;
        }
    }

    async onAddNote() {
        const body = this.ui.note.trim();
        if (!body) {
            return;
        }
        await this.act("note", { body });
        this.ui.note = "";
    }

    onToggle(line) {
        if (typeof line.id !== "number") {
            return;
        }
        return this.act("checklist", { line_id: line.id, done: !line.done });
    }

    onAddMaterial() {
        this.dialog.add(MaterialDialog, {
            store: this.props.store,
            onAdd: (payload, display) => this.act("material", payload, display),
        });
    }

    onSign() {
        this.dialog.add(SignatureDialog, {
            defaultName: this.job.site_contact_name || this.job.partner?.name || "",
            onSign: (image, name) => this.act("signature", { image, signed_by: name }),
        });
    }

    onEditSite() {
        this.site.values = Object.fromEntries(this.siteFieldList.map((f) => [f, this.job[f] || ""]));
        this.site.editing = true;
    }

    /** Sends only the fields the technician changed: edits of other fields on the server merge. */
    async onSaveSite() {
        const fields = {};
        for (const name of this.siteFieldList) {
            const value = this.site.values[name].trim() || false;
            if (value !== (this.job[name] || false)) {
                fields[name] = value;
            }
        }
        if (Object.keys(fields).length) {
            await this.act("set", { fields });
        }
        this.site.editing = false;
    }

    /** A refused `set`: each field with the technician's value and the server's. */
    setConflicts(op) {
        if (op.type !== "set") {
            return [];
        }
        const server = this.props.store.jobs.get(op.order_id) || {};
        return Object.entries(op.payload.fields || {}).map(([name, mine]) => ({
            name,
            label: SITE_FIELDS[name] || name,
            mine: mine || "—",
            server: server[name] || "—",
        }));
    }

    onRetry(op) {
        return this.props.store.retry(op.seq);
    }

    onDiscard(op) {
        return this.props.store.discard(op.seq);
    }

    /** What the server has now, shown beside a refused operation. */
    serverValue(op) {
        if (!op.current) {
            return "";
        }
        return _t("On the server: %(state)s (version %(version)s)", {
            state: STATE_LABELS[op.current.state] || op.current.state,
            version: op.current.version,
        });
    }
}
