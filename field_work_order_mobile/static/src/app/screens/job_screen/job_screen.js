import { Component, onWillUnmount, useState } from "@odoo/owl";
import { _t } from "@web/core/l10n/translation";
import { useService } from "@web/core/utils/hooks";
import { addressLine, mapsUrl, openRequiredItems, secondsOnSite } from "@field_work_order_mobile/app/models/job";
import { stateKind, stateOf, targetState, workerTransitions } from "@field_work_order_mobile/app/models/rules";
import {
    formatDuration,
    formatMoney,
    formatSlot,
    formatWhen,
    operationLabel,
    PHOTO_KIND_LABELS,
    QUOTE_STATE_LABELS,
} from "@field_work_order_mobile/app/utils/format";
import { approvedOption, remainingQty } from "@field_work_order_mobile/app/models/quote";
import { CompletionSummary } from "@field_work_order_mobile/app/components/completion_summary/completion_summary";
import { preparePhoto } from "@field_work_order_mobile/app/utils/photo";
import { CompleteDialog } from "@field_work_order_mobile/app/components/complete_dialog/complete_dialog";
import { MaterialDialog } from "@field_work_order_mobile/app/components/material_dialog/material_dialog";
import { SignatureDialog } from "@field_work_order_mobile/app/components/signature_dialog/signature_dialog";
import { UnitCard } from "@field_work_order_mobile/app/components/unit_card/unit_card";
import { jobUnits, unitRef, unitTag } from "@field_work_order_mobile/app/models/equipment";

/** Names of the site fields; which fields a technician may change is the server's (rules.set_fields). */
const SITE_FIELD_LABELS = {
    unit_number: _t("Unit"),
    access_instructions: _t("Access instructions"),
    site_contact_name: _t("Site contact"),
    site_contact_phone: _t("Site contact phone"),
};

/**
 * How the transitions look, in the order their buttons come: the first one
 * the rules allow is the big button, the others are below it. Which ones
 * show is the server's (models/rules.js); a transition not listed here shows
 * last, under its name.
 */
const ACTION_STYLES = {
    start: { colour: "primary" },
    resume: { colour: "primary" },
    complete: { colour: "success" },
    hold: { colour: "secondary" },
    on_my_way: { colour: "primary", icon: "fa-car" },
};
const ACTION_ORDER = Object.keys(ACTION_STYLES);

/** One job: what the technician needs on site, and every action they take there. */
export class JobScreen extends Component {
    static template = "field_work_order_mobile.JobScreen";
    static components = { CompletionSummary, UnitCard };
    static props = {
        store: Object,
        job: Object,
        onBack: Function,
        onQuote: { type: Function, optional: true },
        onUnit: { type: Function, optional: true },
        onFindUnit: { type: Function, optional: true },
        backLabel: { type: String, optional: true },
    };

    setup() {
        this.dialog = useService("dialog");
        this.notification = useService("notification");
        this.storeState = useState(this.props.store.state); // redraw when the store changes
        this.ui = useState({ now: new Date(), photoKind: false, note: "", busy: false });
        this.site = useState({ editing: false, values: {} });
        // The part whose quantity is being entered: marked partly used, or its used quantity corrected.
        this.part = useState({ lineId: false, quantity: 0, correcting: false });
        // The unit a part or the next photo is for (a select's value, "" for none), and the new unit's form.
        this.tags = useState({ photo: "", parts: {} });
        this.newUnit = useState({ open: false, name: "", serial: "", location: "", message: "" });
        this.timer = setInterval(() => (this.ui.now = new Date()), 1000);
        onWillUnmount(() => clearInterval(this.timer));
        Object.assign(this, { formatMoney, formatWhen, operationLabel, remainingQty });
    }

    get rules() {
        void this.storeState.reference;
        return this.props.store.rules;
    }

    get jobState() {
        return stateOf(this.rules, this.job.state);
    }

    /** working, paused, open, closed or ended: the badge's colour. */
    get stateKind() {
        return stateKind(this.rules, this.job);
    }

    get siteFieldList() {
        return this.rules.set_fields;
    }

    siteFieldLabel(name) {
        return SITE_FIELD_LABELS[name] || name;
    }

    /** The kind of the next photo: the technician's choice, else the first kind the server takes. */
    get photoKind() {
        return this.ui.photoKind || this.rules.photo_kinds[0];
    }

    photoKindLabel(kind) {
        return PHOTO_KIND_LABELS[kind] || kind;
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

    /** The buttons: the transitions the rules let the technician take now, in ACTION_STYLES' order. */
    get actions() {
        const rank = (name) => (ACTION_ORDER.includes(name) ? ACTION_ORDER.indexOf(name) : ACTION_ORDER.length);
        return workerTransitions(this.rules, this.job.state)
            .sort((a, b) => rank(a) - rank(b))
            .map((name) => ({
                name,
                label: operationLabel(name),
                colour: ACTION_STYLES[name]?.colour || "primary",
                icon: ACTION_STYLES[name]?.icon,
                sending: this.job.queuedTransitions.includes(name),
            }));
    }

    /** Lines, photos, notes and site details can be changed while the job is open and has a next step. */
    get canWork() {
        return this.jobState.open && this.actions.length > 0;
    }

    /** The timer of the technician's time on the job, once they have some, while it is open. */
    get showTimer() {
        return this.jobState.open && this.job.labor.some((line) => line.user_id === this.userId);
    }

    /** Why there is no button: nothing the technician can do in this state. */
    get idleMessage() {
        return _t("Nothing to do on this job while it is %(state)s.", { state: this.jobState.label });
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

    /**
     * A transition closing the job goes through the last checks and the
     * summary first; any other is queued at once (on my way tells the office,
     * and the customer if the company sends that email).
     */
    onAction(name) {
        if (targetState(this.rules, this.rules.transitions[name], this.job.state).closed) {
            return this.onClose(name);
        }
        return this.act(name);
    }

    onClose(name) {
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
            onConfirm: () => this.act(name),
        });
    }

    async onPhoto(ev) {
        const files = [...ev.target.files];
        ev.target.value = "";
        this.ui.busy = true;
        try {
            const maxBytes = this.rules.limits.photo_max_mb * 1024 * 1024;
            for (const file of files) {
                const image = await preparePhoto(file);
                if ((image.length * 3) / 4 > maxBytes) {
                    this.notification.add(
                        _t("This photo is larger than %(mb)s MB, the most Odoo accepts.", {
                            mb: this.rules.limits.photo_max_mb,
                        }),
                        { type: "warning" }
                    );
                    continue;
                }
                await this.act("photo", { image, kind: this.photoKind, ...unitTag(this.tags.photo) });
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

    onAddMaterial(product = undefined, quantity = undefined, unit = "") {
        this.dialog.add(MaterialDialog, {
            store: this.props.store,
            product,
            quantity,
            unit,
            units: this.units,
            onAdd: (payload, display) => this.act("material", payload, display),
        });
    }

    /**
     * A planned part used, in full (`quantity` omitted: what is left of the
     * plan) or in part: one `material` operation adding that quantity. A
     * tracked part without its lot opens the part's dialog for the lot.
     */
    onPartUsed(line, quantity = remainingQty(line)) {
        this.part.lineId = false;
        if (!(quantity > 0)) {
            return;
        }
        const product = this.props.store.state.reference.products.find((p) => p.id === line.product_id);
        if (product && product.tracking !== "none" && !line.lot) {
            return this.onAddMaterial(product, quantity, this.partUnit(line));
        }
        const payload = { product_id: line.product_id, quantity, ...unitTag(this.partUnit(line)) };
        if (line.lot) {
            payload.lot_name = line.lot;
        }
        return this.act("material", payload, { product_name: line.product_name, uom: line.uom });
    }

    /** The unit a planned part is used for: the technician's choice, else the line's own unit. */
    partUnit(line) {
        return this.tags.parts[line.id] ?? (line.equipment_id ? String(line.equipment_id) : "");
    }

    onPartSome(line) {
        Object.assign(this.part, { lineId: line.id, quantity: remainingQty(line), correcting: false });
    }

    /** A used quantity entered by mistake: the input, prefilled with what the line says was used. */
    onCorrect(line) {
        Object.assign(this.part, { lineId: line.id, quantity: line.quantity_used, correcting: true });
    }

    /** One `material` operation setting the line's used quantity to the new total. */
    onCorrectSave(line) {
        const quantity = this.part.quantity;
        this.part.lineId = false;
        if (!(quantity >= 0) || quantity === line.quantity_used) {
            return;
        }
        return this.act("material", { line_id: line.id, quantity_used: quantity }, { product_name: line.product_name, uom: line.uom });
    }

    /** Planned parts can be marked used while the job can be worked on and the line is the server's. */
    canMarkUsed(line) {
        return this.canWork && typeof line.id === "number" && remainingQty(line) > 0;
    }

    /** Used parts can be corrected on the same terms (the server refuses it once the job is done). */
    canCorrect(line) {
        return this.canWork && typeof line.id === "number" && line.quantity_used > 0;
    }

    /** The units the job is about (those added on this phone included). */
    get units() {
        return jobUnits(this.job);
    }

    /** The other units in service at the site, to look at. */
    get siteUnits() {
        const own = new Set(this.job.equipment_ids || []);
        return (this.job.equipment || []).filter((unit) => unit.active && !own.has(unit.id));
    }

    unitName(unitId) {
        return (this.job.equipment || []).find((unit) => unit.id === unitId)?.name || "";
    }

    /** One `reading` operation per value, sent together; the range goes with it for the screen. */
    onReadings(unit, entries) {
        return this.props.store.actMany(
            this.job,
            entries.map(({ definition, value }) => ({
                type: "reading",
                payload: { ...unitRef(unit.id), name: definition.name, value, definition_id: definition.id },
                display: { definition },
            }))
        );
    }

    onNewUnit() {
        Object.assign(this.newUnit, { open: true, name: "", serial: "", location: "", message: "" });
    }

    /** A unit found on site: queued `equipment_add`, shown and usable at once under its operation's uuid. */
    async onSaveUnit() {
        const name = this.newUnit.name.trim();
        if (!name) {
            this.newUnit.message = _t("Give the unit a name.");
            return;
        }
        const payload = { name };
        const serial = this.newUnit.serial.trim();
        const location = this.newUnit.location.trim();
        if (serial) {
            payload.serial_number = serial;
        }
        if (location) {
            payload.location_note = location;
        }
        await this.act("equipment_add", payload);
        this.newUnit.open = false;
    }

    get quotes() {
        return this.job.quotes || [];
    }

    /** Quoting extra work: on a job under way whose pull brought a price book. */
    get canQuote() {
        const book = this.job.price_book;
        return Boolean(
            this.props.onQuote && this.canWork && this.jobState.working && book && (book.options.length || book.products.length)
        );
    }

    quoteStateLabel(quote) {
        return QUOTE_STATE_LABELS[quote.state] || quote.state;
    }

    approvedOptionOf(quote) {
        return approvedOption(quote);
    }

    get currency() {
        return this.job.price_book?.currency || this.job.payment?.currency || "EUR";
    }

    /** The signer types their own name: the site contact is not always the one who signs. */
    onSign() {
        this.dialog.add(SignatureDialog, {
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
            label: this.siteFieldLabel(name),
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
            state: stateOf(this.rules, op.current.state).label,
            version: op.current.version,
        });
    }
}
