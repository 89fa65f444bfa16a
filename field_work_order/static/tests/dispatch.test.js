import { describe, expect, test } from "@odoo/hoot";
import {
    complement,
    fromWire,
    hourWindow,
    insideWishes,
    place,
    position,
    snap,
    timeAt,
    toWire,
    viewColumns,
    viewRange,
} from "@field_work_order/dispatch/dispatch_utils";

const { DateTime } = luxon;
const ZONE = "Europe/Brussels";
const at = (text) => DateTime.fromISO(text, { zone: ZONE });

describe.current.tags("desktop");

test("wire times are UTC; the board works in the user's zone", () => {
    const local = fromWire("2030-01-14 09:00:00", ZONE);
    expect(local.toFormat("yyyy-MM-dd HH:mm")).toBe("2030-01-14 10:00"); // UTC+1 in winter
    expect(toWire(at("2030-07-15T10:00"))).toBe("2030-07-15 08:00:00"); // UTC+2 in summer
});

test("drops snap to the nearest quarter of an hour", () => {
    expect(snap(at("2030-01-14T10:07:29")).toFormat("HH:mm")).toBe("10:00");
    expect(snap(at("2030-01-14T10:07:31")).toFormat("HH:mm")).toBe("10:15");
    expect(snap(at("2030-01-14T23:53")).toFormat("yyyy-MM-dd HH:mm")).toBe("2030-01-15 00:00");
});

test("a day shows 7:00-19:00, widened to what it holds; a block is placed in percent", () => {
    const range = viewRange(at("2030-01-14T15:00"), "day");
    expect(hourWindow([], range)).toEqual([7, 19]);
    expect(hourWindow([[at("2030-01-14T06:30"), at("2030-01-14T19:15")]], range)).toEqual([6, 20]);
    // Intervals outside the range do not widen it.
    expect(hourWindow([[at("2030-01-13T02:00"), at("2030-01-13T03:00")]], range)).toEqual([7, 19]);

    const columns = viewColumns(range, "day", [7, 19]);
    expect(columns.length).toBe(12);
    expect(columns[3].start.toFormat("HH:mm")).toBe("10:00");
    expect(place(at("2030-01-14T10:00"), at("2030-01-14T12:00"), columns)).toEqual({
        left: 25,
        width: (2 / 12) * 100,
    });
    expect(place(at("2030-01-14T20:00"), at("2030-01-14T21:00"), columns)).toBe(null);
    // Where the pointer is and the time there are inverses.
    expect(position(at("2030-01-14T10:30"), columns)).toBe(3.5);
    expect(timeAt(3.5, columns).toFormat("HH:mm")).toBe("10:30");
});

test("a week has a column per day, Monday first", () => {
    const range = viewRange(at("2030-01-16T12:00"), "week");
    const columns = viewColumns(range, "week", [8, 18]);
    expect(columns.map((c) => c.day.toISODate())).toEqual([
        "2030-01-14", "2030-01-15", "2030-01-16", "2030-01-17", "2030-01-18", "2030-01-19", "2030-01-20",
    ]);
    // Tuesday 13:00 is half-way through the second day's 8-18 window.
    expect(position(at("2030-01-15T13:00"), columns)).toBe(1.5);
    // The night between two days sticks to the next morning.
    expect(position(at("2030-01-15T22:00"), columns)).toBe(2);
});

test("non-working time is the columns less the working intervals", () => {
    const range = viewRange(at("2030-01-14T00:00"), "day");
    const columns = viewColumns(range, "day", [7, 19]);
    const working = [
        [at("2030-01-14T08:00"), at("2030-01-14T12:00")],
        [at("2030-01-14T13:00"), at("2030-01-14T17:00")],
    ];
    const gaps = complement(working, columns).map(([a, b]) => `${a.toFormat("HH:mm")}-${b.toFormat("HH:mm")}`);
    expect(gaps).toEqual(["07:00-08:00", "12:00-13:00", "17:00-18:00", "18:00-19:00"]);
});

test("a slot suits the wishes when there are none or it is inside one", () => {
    const wishes = {
        label: "Mornings",
        intervals: [["2030-01-14 08:00:00", "2030-01-14 11:00:00"]],
    };
    expect(insideWishes("2030-01-14 09:00:00", "2030-01-14 10:00:00", wishes)).toBe(true);
    expect(insideWishes("2030-01-14 10:00:00", "2030-01-14 12:00:00", wishes)).toBe(false);
    expect(insideWishes("2030-01-14 10:00:00", "2030-01-14 12:00:00", false)).toBe(true);
    expect(insideWishes("2030-01-14 10:00:00", "2030-01-14 12:00:00", undefined)).toBe(true);
    expect(insideWishes("2030-01-14 10:00:00", "2030-01-14 12:00:00", { label: "Any", intervals: [] })).toBe(true);
});
