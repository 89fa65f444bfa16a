/**
 * The customer's units on the phone (docs/sync.md, "equipment"): each job
 * brings the units of its site and its own, with their last visits, and the
 * job type's measurements. A unit added on site exists on the phone before
 * the server knows it: its id is then the uuid of its `equipment_add`
 * operation, which later operations name as `equipment_ref`.
 */

/** A unit added on the phone and not yet on the server. */
export function isQueuedUnit(unit) {
    return typeof unit.id === "string";
}

/** How an operation's payload names `unitId`: the server's id, or the uuid of the operation adding it. */
export function unitRef(unitId) {
    return typeof unitId === "string" ? { equipment_ref: unitId } : { equipment_id: unitId };
}

/** The unit an operation's payload names, as the phone knows it (an id or a local uuid), or false. */
export function unitOf(payload) {
    return payload.equipment_ref || payload.equipment_id || false;
}

/** The unit that a queued `equipment_add` shows until the pull brings the server's. */
export function queuedUnit(op) {
    const p = op.payload;
    return {
        id: op.uuid,
        name: p.name,
        serial_number: p.serial_number || false,
        product_id: p.product_id || false,
        product_name: false,
        manufacturer: false,
        location_note: p.location_note || false,
        install_date: false,
        warranty_end: false,
        under_warranty: false,
        active: true,
        history: [],
        queued: true,
    };
}

/**
 * Every unit the pulled jobs bring, by id. A unit at several jobs' sites
 * comes with each of them, its last visits leaving that job out: its
 * history here is all of them together, newest first.
 */
export function unitsById(jobs) {
    const units = new Map();
    for (const job of jobs) {
        for (const unit of job.equipment || []) {
            const known = units.get(unit.id);
            if (!known) {
                units.set(unit.id, { ...unit, history: [...(unit.history || [])] });
                continue;
            }
            const seen = new Set(known.history.map((visit) => visit.order_id));
            known.history.push(...(unit.history || []).filter((visit) => !seen.has(visit.order_id)));
        }
    }
    for (const unit of units.values()) {
        unit.history.sort((a, b) => (b.date || "").localeCompare(a.date || ""));
    }
    return units;
}

/** The units job `job` is about, in the order the server lists them. */
export function jobUnits(job) {
    const byId = new Map((job.equipment || []).map((unit) => [unit.id, unit]));
    return (job.equipment_ids || []).map((id) => byId.get(id)).filter(Boolean);
}

/**
 * The unit a typed or scanned text designates: a QR label's URL (ending
 * `/equipment/<id>`), else a serial number (case and spaces ignored).
 */
export function findUnit(units, text) {
    const value = (text || "").trim();
    if (!value) {
        return undefined;
    }
    const url = /\/equipment\/(\d+)\/?(?:[?#].*)?$/.exec(value);
    if (url) {
        return units.get(Number(url[1]));
    }
    const serial = value.replace(/\s+/g, "").toLowerCase();
    return [...units.values()].find((unit) => (unit.serial_number || "").replace(/\s+/g, "").toLowerCase() === serial);
}

/** Units whose name or serial contains `text`, for the find screen's list. */
export function searchUnits(units, text) {
    const needle = (text || "").trim().toLowerCase();
    if (!needle) {
        return [];
    }
    return [...units.values()].filter((unit) =>
        [unit.name, unit.serial_number, unit.manufacturer, unit.location_note].some(
            (value) => value && value.toLowerCase().includes(needle)
        )
    );
}

/** A value outside the measurement's expected range (the server's rule, applied at once on the phone). */
export function outOfRange(definition, value) {
    if (!definition.has_range || value === "" || value === null || value === undefined) {
        return false;
    }
    const number = Number(value);
    return Number.isFinite(number) && (number < definition.min_value || number > definition.max_value);
}

/** The job's readings of unit `unitId`, the server's and the queued ones. */
export function unitReadings(job, unitId) {
    return (job.readings || []).filter((reading) => reading.equipment_id === unitId);
}

/** The reading a queued `reading` operation shows until the pull brings the server's. */
export function queuedReading(op) {
    const p = op.payload;
    const definition = op.display?.definition || { has_range: false, min_value: 0, max_value: 0, uom: false };
    return {
        id: `queued-${op.seq}`,
        equipment_id: unitOf(p),
        name: p.name,
        value: p.value,
        uom: definition.uom || false,
        min_value: definition.min_value,
        max_value: definition.max_value,
        has_range: definition.has_range,
        out_of_range: outOfRange(definition, p.value),
        taken_on: op.at,
        queued: true,
    };
}

/** The unit id a `<select>` value stands for ("" for none): the server's number, or a local uuid. */
export function unitFromValue(value) {
    if (!value) {
        return false;
    }
    return /^\d+$/.test(value) ? Number(value) : value;
}

/** The payload's tag naming unit `value` (a select's value), or nothing when none is chosen. */
export function unitTag(value) {
    const unitId = unitFromValue(value);
    return unitId ? unitRef(unitId) : {};
}
