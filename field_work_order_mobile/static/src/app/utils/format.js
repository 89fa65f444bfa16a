import { _t } from "@web/core/l10n/translation";
import { user } from "@web/core/user";
import { deserializeDateTime, formatDateTime } from "@web/core/l10n/dates";

export const PRIORITY_LABELS = {
    0: _t("Normal"),
    1: _t("High"),
    2: _t("Urgent"),
    3: _t("Emergency"),
};

/** Names of the photo kinds; which kinds exist is the server's (rules.photo_kinds). */
export const PHOTO_KIND_LABELS = {
    before: _t("Before"),
    after: _t("After"),
    other: _t("Other"),
};

/** Human words for an operation type (transitions included), on buttons and refusals. */
const OPERATION_LABELS = {
    start: _t("Start"),
    hold: _t("Hold"),
    on_my_way: _t("On my way"),
    resume: _t("Resume"),
    complete: _t("Complete"),
    note: _t("Note"),
    material: _t("Material"),
    labor: _t("Labor"),
    photo: _t("Photo"),
    signature: _t("Signature"),
    checklist: _t("Checklist"),
    set: _t("Site details"),
    quote: _t("Quote"),
    quote_approve: _t("Quote approval"),
    quote_send: _t("Quote sent to the customer"),
    collect_payment: _t("Payment collected on site"),
    equipment_add: _t("New unit"),
    reading: _t("Reading"),
};

/** Names of a quote's states (the server's selection on field.work.order.quote). */
export const QUOTE_STATE_LABELS = {
    draft: _t("Draft"),
    sent: _t("Sent"),
    approved: _t("Approved"),
    declined: _t("Declined"),
    expired: _t("Expired"),
};

/** "€1,234.50" in the user's language; `currency` is an ISO code ("EUR"). */
export function formatMoney(amount, currency = "EUR") {
    const locale = (user.lang || "en_US").replace("_", "-");
    try {
        return new Intl.NumberFormat(locale, { style: "currency", currency: currency || "EUR" }).format(amount);
    } catch {
        return `${amount.toFixed(2)} ${currency}`; // an unknown code
    }
}

export function operationLabel(type) {
    return OPERATION_LABELS[type] || type;
}

/** A server UTC datetime in the phone's time zone, or "". */
export function formatWhen(value) {
    return value ? formatDateTime(deserializeDateTime(value)) : "";
}

/** "Tue 3 Dec, 09:00 – 11:00": a job's slot. */
export function formatSlot(start, end) {
    if (!start) {
        return _t("Not scheduled");
    }
    const from = deserializeDateTime(start);
    const day = from.toFormat("ccc d LLL");
    const time = (d) => d.toLocaleString(luxon.DateTime.TIME_SIMPLE);
    if (!end) {
        return `${day}, ${time(from)}`;
    }
    const to = deserializeDateTime(end);
    return to.hasSame(from, "day") ? `${day}, ${time(from)} – ${time(to)}` : `${day}, ${time(from)} – ${formatDateTime(to)}`;
}

/** A server UTC datetime as a time of day in time zone `tz`, without seconds ("9:00 AM"). */
export function formatTimeIn(value, tz) {
    return value ? deserializeDateTime(value, { tz }).toLocaleString(luxon.DateTime.TIME_SIMPLE) : "";
}

/** "Monday 14 January": a "YYYY-MM-DD" day. */
export function formatDayLong(day) {
    return luxon.DateTime.fromISO(day).toFormat("cccc d LLLL");
}

/** "3 Mar 2027": a "YYYY-MM-DD" day in the user's language, or "". */
export function formatDay(day) {
    return day ? luxon.DateTime.fromISO(day).toLocaleString(luxon.DateTime.DATE_MED) : "";
}

/** A unit's warranty as its badge shows it: under warranty until, ended, or none recorded. */
export function warrantyBadge(unit) {
    if (unit.under_warranty) {
        return {
            kind: "active",
            label: unit.warranty_end
                ? _t("Under warranty until %(date)s", { date: formatDay(unit.warranty_end) })
                : _t("Under warranty"),
        };
    }
    if (unit.warranty_end) {
        return { kind: "ended", label: _t("Warranty ended %(date)s", { date: formatDay(unit.warranty_end) }) };
    }
    return { kind: "none", label: _t("No warranty recorded") };
}

/** "12.5 psi": a reading's value with its unit of measure. */
export function formatReading(value, uom) {
    return uom ? `${value} ${uom}` : String(value);
}

/** "60–80 psi": a measurement's expected range, or "". */
export function formatRange(definition) {
    return definition.has_range ? formatReading(`${definition.min_value}–${definition.max_value}`, definition.uom) : "";
}

/** A server UTC datetime ("YYYY-MM-DD HH:MM:SS") as a Date, or null. */
export function parseUtc(value) {
    return value ? new Date(value.replace(" ", "T") + "Z") : null;
}

export function formatDuration(seconds) {
    const h = Math.floor(seconds / 3600);
    const m = Math.floor((seconds % 3600) / 60);
    const s = seconds % 60;
    return `${h}:${String(m).padStart(2, "0")}:${String(s).padStart(2, "0")}`;
}
