import { Component, onWillStart, onWillUnmount, useState } from "@odoo/owl";
import { router } from "@web/core/browser/router";
import { ConfirmationDialog } from "@web/core/confirmation_dialog/confirmation_dialog";
import { formatDateTime } from "@web/core/l10n/dates";
import { _t } from "@web/core/l10n/translation";
import { RPCError } from "@web/core/network/rpc";
import { registry } from "@web/core/registry";
import { useService } from "@web/core/utils/hooks";
import { debounce } from "@web/core/utils/timing";
import { FormViewDialog } from "@web/views/view_dialogs/form_view_dialog";
import { standardActionServiceProps } from "@web/webclient/actions/action_service";
import { WORK_ORDER_CHANGED } from "@field_work_order/views/live_reload";
import { DispatchQueue } from "./dispatch_queue";
import { LANE_SELECTOR, laneAt, laneFraction, useBoardDrag } from "./dispatch_drag";
import {
    STEP_MINUTES,
    complement,
    fromWire,
    hourWindow,
    insideWishes,
    place,
    snap,
    stars,
    timeAt,
    toWire,
    userZone,
    viewColumns,
    viewRange,
} from "./dispatch_utils";

const { DateTime } = luxon;
const MOVABLE_STATES = ["draft", "scheduled", "on_hold"]; // what action_plan accepts
const MODEL = "field.work.order";

/**
 * The dispatch board: one row per technician and subcontractor over a day or a
 * week, the unplanned queue beside it. Everything it shows comes from
 * ``get_dispatch_board``; every drop is one ``action_plan`` call, and a refusal
 * is the server's own sentence shown on the board.
 */
export class DispatchBoard extends Component {
    static template = "field_work_order.DispatchBoard";
    static components = { DispatchQueue };
    static props = { ...standardActionServiceProps };

    setup() {
        this.orm = useService("orm");
        this.action = useService("action");
        this.dialog = useService("dialog");
        this.zone = userZone();
        const asked = router.current.date && DateTime.fromISO(router.current.date, { zone: this.zone });
        this.state = useState({
            mode: "day",
            day: (asked && asked.isValid ? asked : DateTime.now().setZone(this.zone)).startOf("day"),
            layout: null,
            unplanned: [],
            error: "",
            lastDrop: null,
            suggestions: null,
            suggesting: false,
            route: null,
        });
        this.loads = 0;
        this.drag = useBoardDrag({
            onMove: (drag, ev) => this.onDragMove(drag, ev),
            onDrop: (drag, ev) => this.onDrop(drag, ev),
        });

        const busService = useService("bus_service");
        this.liveReload = debounce(() => (this.drag.state.drag ? this.liveReload() : this.load()), 500);
        busService.subscribe(WORK_ORDER_CHANGED, this.liveReload);
        onWillUnmount(() => {
            busService.unsubscribe(WORK_ORDER_CHANGED, this.liveReload);
            this.liveReload.cancel();
        });
        onWillStart(() => this.load());
    }

    // ------------------------------------------------------------------
    // Data
    // ------------------------------------------------------------------
    get range() {
        return viewRange(this.state.day, this.state.mode);
    }

    async load() {
        const load = ++this.loads;
        const range = this.range;
        let board;
        try {
            board = await this.orm.call(MODEL, "get_dispatch_board", range.map(toWire));
        } catch (error) {
            if (!(error instanceof RPCError)) {
                throw error;
            }
            this.state.error = error.data?.message || error.message;
            return;
        }
        if (load === this.loads) {
            this.state.layout = this.buildLayout(board, range);
            this.state.unplanned = board.unplanned;
        }
    }

    buildLayout(board, range) {
        const parse = (value) => fromWire(value, this.zone);
        const spans = [];
        for (const row of [...board.technicians, ...board.subcontractors]) {
            for (const [a, b] of row.working || []) {
                spans.push([parse(a), parse(b)]);
            }
            for (const order of row.orders) {
                spans.push([parse(order.start), parse(order.end)]);
            }
        }
        const columns = viewColumns(range, this.state.mode, hourWindow(spans, range));
        const reasons = new Map();
        for (const conflict of board.conflicts) {
            for (const id of conflict.order_ids) {
                const key = `${conflict.user_id}:${id}`;
                reasons.set(key, [...(reasons.get(key) || []), conflict.reason]);
            }
        }
        const style = (placed) => `left: ${placed.left}%; width: ${placed.width}%;`;
        const rows = [];
        for (const tech of board.technicians) {
            const working = tech.working.map(([a, b]) => [parse(a), parse(b)]);
            rows.push({
                key: `user-${tech.id}`,
                userId: tech.id,
                resourceId: tech.resource_id || false,
                name: tech.name,
                hours: _t("%(booked)s h / %(available)s h", {
                    booked: tech.booked_hours,
                    available: tech.available_hours,
                }),
                offHours: complement(working, columns)
                    .map(([a, b]) => place(a, b, columns))
                    .filter(Boolean)
                    .map(style),
                timeOff: tech.time_off
                    .map(([a, b, reason]) => {
                        const placed = place(parse(a), parse(b), columns);
                        return placed && { style: style(placed), title: reason || _t("Time off") };
                    })
                    .filter(Boolean),
                ...this.buildBlocks(tech.orders, tech, columns, reasons),
            });
        }
        for (const vendor of board.subcontractors) {
            rows.push({
                key: `vendor-${vendor.id}`,
                userId: false,
                name: vendor.name,
                hours: _t("Subcontractor"),
                offHours: [],
                timeOff: [],
                ...this.buildBlocks(vendor.orders, false, columns, reasons),
            });
        }
        return { columns, rows };
    }

    /** The row's blocks, each on the first track free at its start (overlaps stack). */
    buildBlocks(orders, tech, columns, reasons) {
        const tracks = [];
        const blocks = [];
        for (const order of orders) {
            const start = fromWire(order.start, this.zone);
            const end = fromWire(order.end, this.zone);
            const placed = place(start, end, columns);
            if (!placed) {
                continue;
            }
            let track = tracks.findIndex((busyUntil) => busyUntil <= start);
            if (track < 0) {
                track = tracks.length;
            }
            tracks[track] = end;
            const conflicts = (tech && reasons.get(`${tech.id}:${order.id}`)) || [];
            const time = this.formatSpan(start, end);
            blocks.push({
                ...order,
                startDt: start,
                endDt: end,
                track,
                style: `left: ${placed.left}%; width: ${placed.width}%; --o-fwo-track: ${track};`,
                conflicts,
                time,
                stars: stars(order.priority),
                movable: Boolean(tech) && !order.helper && MOVABLE_STATES.includes(order.state),
                title: [
                    `${order.name} · ${order.partner}`,
                    time,
                    order.address,
                    order.scope,
                    order.helper ? _t("Helper") : "",
                    ...conflicts,
                ]
                    .filter(Boolean)
                    .join("\n"),
                ariaLabel: _t("%(order)s, %(customer)s, %(technician)s, %(time)s", {
                    order: order.name,
                    customer: order.partner,
                    technician: tech ? tech.name : _t("subcontracted"),
                    time,
                }),
            });
        }
        return { blocks, tracks: Math.max(tracks.length, 1) };
    }

    formatSpan(start, end) {
        const day = formatDateTime(start, { showSeconds: false, tz: this.zone });
        const sameDay = start.hasSame(end, "day");
        const until = sameDay
            ? end.toFormat("HH:mm")
            : formatDateTime(end, { showSeconds: false, tz: this.zone });
        return _t("%(start)s to %(end)s", { start: day, end: until });
    }

    // ------------------------------------------------------------------
    // Navigation
    // ------------------------------------------------------------------
    get title() {
        const [start, end] = this.range;
        if (this.state.mode === "day") {
            return start.toLocaleString({ weekday: "long", day: "numeric", month: "long", year: "numeric" });
        }
        return `${start.toLocaleString(DateTime.DATE_MED)} – ${end.minus({ days: 1 }).toLocaleString(DateTime.DATE_MED)}`;
    }

    columnLabel(column) {
        return this.state.mode === "day" ? column.start.toFormat("HH:mm") : column.day.toFormat("ccc d");
    }

    go(days) {
        const step = this.state.mode === "week" ? { weeks: days } : { days };
        this.setDay(this.state.day.plus(step));
    }

    today() {
        this.setDay(DateTime.now().setZone(this.zone));
    }

    onDateChange(ev) {
        const day = DateTime.fromISO(ev.target.value, { zone: this.zone });
        if (day.isValid) {
            this.setDay(day);
        }
    }

    setMode(mode) {
        this.state.mode = mode;
        this.state.route = null;
        return this.load();
    }

    setDay(day) {
        this.state.day = day.startOf("day");
        this.state.route = null;
        return this.load();
    }

    openKanban() {
        return this.action.doAction("field_work_order.field_work_order_action");
    }

    openOrder(orderId) {
        return this.action.doAction({
            type: "ir.actions.act_window",
            res_model: MODEL,
            res_id: orderId,
            views: [[false, "form"]],
            target: "current",
        });
    }

    // ------------------------------------------------------------------
    // Drag and drop
    // ------------------------------------------------------------------
    pointerTime(lane, ev) {
        const columns = this.state.layout.columns;
        return timeAt(laneFraction(lane, ev) * columns.length, columns);
    }

    /** Where the order was before a drop, to undo it (only for orders on a technician's row). */
    findBlock(orderId) {
        for (const row of this.state.layout.rows) {
            const block = row.userId && row.blocks.find((b) => b.id === orderId && !b.helper);
            if (block) {
                return { userId: row.userId, start: block.start, end: block.end };
            }
        }
        return null;
    }

    onBlockPointerDown(ev, row, block) {
        if (!block.movable) {
            return;
        }
        const lane = ev.currentTarget.closest(LANE_SELECTOR);
        const resize = Boolean(ev.target.closest(".o_fwo_dispatch_resize"));
        this.drag.start(ev, {
            kind: resize ? "resize" : "move",
            orderId: block.id,
            name: block.name,
            userId: row.userId,
            start: block.startDt,
            end: block.endDt,
            duration: block.endDt - block.startDt,
            grab: snap(this.pointerTime(lane, ev)) - block.startDt,
            wishes: block.wishes,
            previous: { userId: row.userId, start: block.start, end: block.end },
        });
    }

    onQueuePointerDown(ev, item) {
        this.drag.start(ev, {
            kind: "queue",
            orderId: item.id,
            name: item.name,
            duration: Math.round(item.duration_hours * 3600 * 1000),
            grab: 0,
            wishes: item.wishes,
            previous: this.findBlock(item.id),
        });
    }

    /** The slot a drag would plan with the pointer at ``ev``, or null off the technicians' rows. */
    slotAt(drag, ev) {
        const lane = laneAt(ev);
        const userId = lane && Number(lane.dataset.userId);
        if (!userId) {
            return null;
        }
        const at = this.pointerTime(lane, ev);
        if (drag.kind === "resize") {
            const shortest = drag.start.plus({ minutes: STEP_MINUTES });
            const end = snap(at);
            return { userId: drag.userId, start: drag.start, end: end < shortest ? shortest : end };
        }
        const start = snap(at.minus({ milliseconds: drag.grab }));
        return { userId, start, end: start.plus({ milliseconds: drag.duration }) };
    }

    onDragMove(drag, ev) {
        const slot = this.slotAt(drag, ev);
        const placed = slot && place(slot.start, slot.end, this.state.layout.columns);
        drag.preview = placed && {
            userId: slot.userId,
            style: `left: ${placed.left}%; width: ${placed.width}%;`,
            label: this.formatSpan(slot.start, slot.end),
        };
    }

    onDrop(drag, ev) {
        const slot = this.slotAt(drag, ev);
        if (!slot) {
            return;
        }
        const [start, end] = [toWire(slot.start), toWire(slot.end)];
        const before = drag.previous;
        if (before && before.userId === slot.userId && before.start === start && before.end === end) {
            return;
        }
        return this.planChecked(drag, slot.userId, start, end);
    }

    /** Plan, asking first when the slot is outside the customer's wishes. */
    planChecked(drag, userId, start, end) {
        if (insideWishes(start, end, drag.wishes)) {
            return this.plan(drag, userId, start, end);
        }
        this.dialog.add(ConfirmationDialog, {
            title: _t("Outside the customer's wishes"),
            body: _t("%(order)s: the customer asked for %(wishes)s. Plan it for %(slot)s anyway?", {
                order: drag.name,
                wishes: drag.wishes.label || _t("other times"),
                slot: this.formatSpan(fromWire(start, this.zone), fromWire(end, this.zone)),
            }),
            confirmLabel: _t("Plan anyway"),
            confirm: () => this.plan(drag, userId, start, end),
            cancel: () => {},
        });
    }

    /**
     * One ``action_plan`` call; the board is read again whatever the answer.
     *
     * Undo re-plans a moved order to its previous technician and slot. An order
     * planned from the queue was a draft: it is now scheduled (its parts prepared,
     * the customer told), and planning cannot make it a draft again, so that drop
     * offers no undo (the order's form can cancel it).
     */
    async plan(drag, userId, start, end, { undo = false } = {}) {
        this.state.error = "";
        try {
            await this.orm.call(MODEL, "action_plan", [[drag.orderId], userId, start, end]);
            this.state.lastDrop =
                !undo && drag.previous ? { orderId: drag.orderId, name: drag.name, ...drag.previous } : null;
        } catch (error) {
            if (!(error instanceof RPCError)) {
                throw error;
            }
            this.state.error = error.data?.message || error.message;
        }
        await this.load();
    }

    undo() {
        const last = this.state.lastDrop;
        return last && this.plan(last, last.userId, last.start, last.end, { undo: true });
    }

    onBlockClick(block) {
        if (!this.drag.swallowsClick()) {
            this.openOrder(block.id);
        }
    }

    onBlockKeydown(ev, block) {
        if (ev.key === "Enter") {
            this.openOrder(block.id);
        }
    }

    // ------------------------------------------------------------------
    // Suggestions, routes, time off
    // ------------------------------------------------------------------
    technicianName(userId) {
        return this.state.layout.rows.find((row) => row.userId === userId)?.name || "";
    }

    async suggest(item) {
        this.state.suggesting = item.id;
        this.state.error = "";
        const now = DateTime.now();
        try {
            const slots = await this.orm.call(MODEL, "action_suggest_slots", [
                [item.id],
                toWire(now),
                toWire(now.plus({ days: 7 })),
            ]);
            this.state.route = null;
            this.state.suggestions = {
                item,
                slots: slots.map((slot) => ({
                    ...slot,
                    technician: this.technicianName(slot.user_id),
                    time: this.formatSpan(fromWire(slot.start, this.zone), fromWire(slot.end, this.zone)),
                })),
            };
        } catch (error) {
            if (!(error instanceof RPCError)) {
                throw error;
            }
            this.state.error = error.data?.message || error.message;
        } finally {
            this.state.suggesting = false;
        }
    }

    pickSlot(slot) {
        const { item } = this.state.suggestions;
        this.state.suggestions = null;
        const drag = { orderId: item.id, name: item.name, wishes: item.wishes, previous: this.findBlock(item.id) };
        return this.planChecked(drag, slot.user_id, slot.start, slot.end);
    }

    async showRoute(row) {
        this.state.error = "";
        try {
            const route = await this.orm.call(MODEL, "get_route", [row.userId, this.state.day.toISODate()]);
            this.state.suggestions = null;
            this.state.route = {
                ...route,
                name: row.name,
                stops: route.stops.map((stop) => ({
                    ...stop,
                    time: this.formatSpan(fromWire(stop.start, this.zone), fromWire(stop.end, this.zone)),
                })),
            };
        } catch (error) {
            if (!(error instanceof RPCError)) {
                throw error;
            }
            this.state.error = error.data?.message || error.message;
        }
    }

    /** Odoo's own time off form, for this technician, on the day shown. */
    addTimeOff(row) {
        const day = this.state.day;
        this.dialog.add(FormViewDialog, {
            resModel: "resource.calendar.leaves",
            title: _t("Time off of %(technician)s", { technician: row.name }),
            context: {
                default_resource_id: row.resourceId,
                default_date_from: toWire(day.set({ hour: 8 })),
                default_date_to: toWire(day.set({ hour: 17 })),
            },
            onRecordSaved: () => this.load(),
        });
    }
}

registry.category("actions").add("field_work_order_dispatch", DispatchBoard);
