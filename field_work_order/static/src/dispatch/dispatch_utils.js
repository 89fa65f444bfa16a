/**
 * The board's time math, apart from the component so that it can be unit tested.
 *
 * Times travel as UTC "YYYY-MM-DD HH:MM:SS" text (the wire); the board lays them out
 * as luxon DateTimes in the user's zone. A view is a list of columns (the hours of a
 * day, or the days of a week), each a [start, end) span of local time; positions are
 * in column units (2.5 = the middle of the third column).
 */
import { user } from "@web/core/user";

const { DateTime, IANAZone } = luxon;

export const STEP_MINUTES = 15; // the server plans by quarters of an hour
const STEP_MS = STEP_MINUTES * 60 * 1000;
const DEFAULT_HOURS = [7, 19];

/** The user's time zone (their preference), else the browser's. */
export function userZone() {
    return user.tz && IANAZone.isValidZone(user.tz) ? user.tz : "default";
}

export function fromWire(value, zone = userZone()) {
    return DateTime.fromSQL(value, { zone: "utc" }).setZone(zone);
}

export function toWire(dateTime) {
    return dateTime.setZone("utc").toFormat("yyyy-MM-dd HH:mm:ss");
}

/** The nearest quarter of an hour. */
export function snap(dateTime) {
    return DateTime.fromMillis(Math.round(dateTime.toMillis() / STEP_MS) * STEP_MS, {
        zone: dateTime.zone,
    });
}

/** [start, end) of the day or the week (Monday first) holding ``day``. */
export function viewRange(day, mode) {
    const start = mode === "week" ? day.startOf("week") : day.startOf("day");
    return [start, start.plus(mode === "week" ? { weeks: 1 } : { days: 1 })];
}

/**
 * [first hour, last hour) of the day the board shows: 7 to 19, widened to hold
 * every interval (pairs of DateTimes) inside the view range.
 */
export function hourWindow(intervals, [rangeStart, rangeEnd]) {
    let [from, to] = DEFAULT_HOURS;
    for (let [a, b] of intervals) {
        a = a < rangeStart ? rangeStart : a;
        b = b > rangeEnd ? rangeEnd : b;
        if (b <= a) {
            continue;
        }
        from = Math.min(from, a.hour);
        if (!a.hasSame(b, "day")) {
            to = 24;
            if (b > b.startOf("day")) {
                from = 0;
            }
        } else {
            to = Math.max(to, b.hour + (b.minute || b.second ? 1 : 0));
        }
    }
    return [from, to];
}

function atHour(day, hour) {
    return hour >= 24 ? day.plus({ days: 1 }).startOf("day") : day.set({ hour, minute: 0 });
}

/** The columns of a view: one per hour of the window (day), one per day (week). */
export function viewColumns([rangeStart], mode, [from, to]) {
    if (mode === "week") {
        return Array.from({ length: 7 }, (_, i) => {
            const day = rangeStart.plus({ days: i });
            return { start: atHour(day, from), end: atHour(day, to), day };
        });
    }
    return Array.from({ length: to - from }, (_, i) => ({
        start: atHour(rangeStart, from + i),
        end: atHour(rangeStart, from + i + 1),
        day: rangeStart,
    }));
}

/** Where ``dateTime`` falls, in column units; a time between two columns sticks to the next one. */
export function position(dateTime, columns) {
    for (const [i, { start, end }] of columns.entries()) {
        if (dateTime < start) {
            return i;
        }
        if (dateTime < end) {
            return i + (dateTime - start) / (end - start);
        }
    }
    return columns.length;
}

/** The time at ``units`` column units (the inverse of ``position``). */
export function timeAt(units, columns) {
    const i = Math.max(0, Math.min(Math.floor(units), columns.length - 1));
    const fraction = Math.max(0, Math.min(units - i, 1));
    const { start, end } = columns[i];
    return start.plus({ milliseconds: fraction * (end - start) });
}

/** {left, width} in percent of the lane for [a, b); null when nothing of it is shown. */
export function place(a, b, columns) {
    const left = position(a, columns);
    const right = position(b, columns);
    if (right <= left) {
        return null;
    }
    const n = columns.length;
    return { left: (left / n) * 100, width: ((right - left) / n) * 100 };
}

/** The parts of the columns outside ``intervals`` (the non-working time), as [a, b) pairs. */
export function complement(intervals, columns) {
    const sorted = [...intervals].sort((x, y) => x[0] - y[0]);
    const gaps = [];
    for (const { start, end } of columns) {
        let cursor = start;
        for (const [a, b] of sorted) {
            if (b <= cursor || a >= end) {
                continue;
            }
            if (a > cursor) {
                gaps.push([cursor, a]);
            }
            cursor = b > cursor ? b : cursor;
        }
        if (cursor < end) {
            gaps.push([cursor, end]);
        }
    }
    return gaps;
}

/**
 * Whether [start, end) (wire text) suits the customer's wishes: no wishes, or
 * inside one of their intervals.
 */
export function insideWishes(start, end, wishes) {
    const intervals = (wishes && wishes.intervals) || [];
    return !intervals.length || intervals.some(([a, b]) => a <= start && end <= b);
}

/** A priority ("0" to "3") as stars. */
export function stars(priority) {
    return "★".repeat(Number(priority) || 0);
}
