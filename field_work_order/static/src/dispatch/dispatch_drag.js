import { onWillUnmount, useState } from "@odoo/owl";

const THRESHOLD_PX = 4; // less than this is a click, not a drag
export const LANE_SELECTOR = ".o_fwo_dispatch_lane";

/** The lane under the pointer (touch pointers stay captured by the element they started on). */
export function laneAt(ev) {
    const fromTarget = ev.pointerType !== "touch" && ev.target?.closest?.(LANE_SELECTOR);
    if (fromTarget) {
        return fromTarget;
    }
    const element = document.elementFromPoint(ev.clientX, ev.clientY);
    return element?.closest(LANE_SELECTOR) || null;
}

/** How far across ``lane`` the pointer is, from 0 to 1. */
export function laneFraction(lane, ev) {
    const rect = lane.getBoundingClientRect();
    return Math.max(0, Math.min((ev.clientX - rect.left) / rect.width, 1));
}

/**
 * Pointer-event dragging for the board's blocks and queue entries.
 *
 * ``start(ev, payload)`` on a pointerdown arms a drag; past a few pixels it is one,
 * ``onMove(drag, ev)`` follows the pointer, and releasing calls ``onDrop(drag, ev)``
 * once. A drag swallows the click that follows it; Escape cancels it.
 */
export function useBoardDrag({ onMove, onDrop }) {
    const state = useState({ drag: null });
    let armed = null;
    let swallowClick = false;

    const stop = () => {
        window.removeEventListener("pointermove", move);
        window.removeEventListener("pointerup", up);
        window.removeEventListener("pointercancel", cancel);
        window.removeEventListener("keydown", escape);
        document.body.classList.remove("o_fwo_dispatch_dragging");
        armed = null;
        state.drag = null;
    };
    const move = (ev) => {
        if (!armed) {
            return;
        }
        if (!state.drag) {
            const distance = Math.hypot(ev.clientX - armed.x, ev.clientY - armed.y);
            if (distance < THRESHOLD_PX) {
                return;
            }
            state.drag = { ...armed.payload, preview: null };
            document.body.classList.add("o_fwo_dispatch_dragging");
        }
        onMove(state.drag, ev);
    };
    const up = (ev) => {
        const drag = state.drag;
        stop();
        if (drag) {
            swallowClick = true;
            setTimeout(() => (swallowClick = false));
            onDrop(drag, ev);
        }
    };
    const cancel = () => stop();
    const escape = (ev) => ev.key === "Escape" && stop();

    onWillUnmount(stop);

    return {
        state,
        start(ev, payload) {
            if (ev.button !== 0 || ev.target.closest("button, a, input")) {
                return;
            }
            stop();
            armed = { x: ev.clientX, y: ev.clientY, payload };
            window.addEventListener("pointermove", move);
            window.addEventListener("pointerup", up);
            window.addEventListener("pointercancel", cancel);
            window.addEventListener("keydown", escape);
        },
        /** True once for the click that ends a drag. */
        swallowsClick() {
            const swallow = swallowClick;
            swallowClick = false;
            return swallow;
        },
    };
}
