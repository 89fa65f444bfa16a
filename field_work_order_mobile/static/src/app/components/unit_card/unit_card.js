import { Component, useState } from "@odoo/owl";
import { _t } from "@web/core/l10n/translation";
import { outOfRange, unitReadings } from "@field_work_order_mobile/app/models/equipment";
import { formatRange, formatReading, formatWhen, warrantyBadge } from "@field_work_order_mobile/app/utils/format";

/**
 * A unit of the job: its warranty, its last visit, this visit's readings,
 * and the form recording them from the job type's measurements. A value
 * outside a measurement's range turns red as it is typed.
 */
export class UnitCard extends Component {
    static template = "field_work_order_mobile.UnitCard";
    static props = {
        unit: Object,
        job: Object,
        canWork: Boolean,
        onOpen: Function,
        onReadings: Function,
    };

    setup() {
        this.state = useState({ open: false, values: {}, message: "" });
        Object.assign(this, { formatRange, formatReading, formatWhen });
    }

    get unit() {
        return this.props.unit;
    }

    get warranty() {
        return warrantyBadge(this.unit);
    }

    get lastVisit() {
        return [...(this.unit.history || [])].sort((a, b) => (b.date || "").localeCompare(a.date || ""))[0];
    }

    get definitions() {
        return this.props.job.reading_definitions || [];
    }

    get readings() {
        return unitReadings(this.props.job, this.unit.id);
    }

    isOut(definition) {
        return outOfRange(definition, this.state.values[definition.id]);
    }

    onOpenForm() {
        this.state.values = Object.fromEntries(this.definitions.map((d) => [d.id, ""]));
        this.state.message = "";
        this.state.open = true;
    }

    /** The filled measurements, each a finite number (the server refuses anything else). */
    async onSave() {
        const entries = [];
        for (const definition of this.definitions) {
            const raw = String(this.state.values[definition.id] ?? "").trim().replace(",", ".");
            if (!raw) {
                continue;
            }
            const value = Number(raw);
            if (!Number.isFinite(value)) {
                this.state.message = _t("%(name)s: enter a number.", { name: definition.name });
                return;
            }
            entries.push({ definition, value });
        }
        if (!entries.length) {
            this.state.message = _t("Enter at least one reading.");
            return;
        }
        await this.props.onReadings(this.unit, entries);
        this.state.open = false;
    }
}
