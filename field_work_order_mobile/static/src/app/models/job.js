/**
 * What the technician sees of a job: the order as the server last sent it,
 * plus the operations still waiting in the queue, so that an action shows as
 * done the moment it is safely stored on the phone. Pure functions: the
 * server's copy is never modified, a later pull simply replaces it.
 */
import { parseUtc } from "@field_work_order_mobile/app/utils/format";
import { stateKind, stateOf, targetState, transitionOf } from "@field_work_order_mobile/app/models/rules";
import { findQuote, queuedQuote } from "@field_work_order_mobile/app/models/quote";
import { queuedReading, queuedUnit, unitOf } from "@field_work_order_mobile/app/models/equipment";

function closeLabor(labor, userId, at) {
    return labor.map((l) => (l.user_id === userId && !l.date_end ? { ...l, date_end: at } : l));
}

function openLabor(labor, userId, userName, at, seq) {
    return [
        ...labor,
        { id: `queued-${seq}`, user_id: userId, user_name: userName, date_start: at, date_end: false, queued: true },
    ];
}

/**
 * The job with the pending operations `ops` (in queue order) applied, as the
 * server would apply them under `rules`. `queuedTransitions` names the
 * transitions still waiting to be sent.
 */
export function applyPending(job, ops, user, rules) {
    let view = { ...job, queued: 0, queuedTransitions: [] };
    for (const op of ops) {
        if (op.status !== "pending" || op.order_id !== job.id) {
            continue;
        }
        const transition = transitionOf(rules, op.type);
        view = transition ? applyTransition(view, transition, op, user, rules) : applyOne(view, op, user);
        view.queued++;
    }
    return view;
}

/**
 * The published state machine applied to the job: its target state; the
 * technician's labor opens when the job enters a working state and closes
 * when it leaves one; started when it first works, completed when it closes.
 */
function applyTransition(job, transition, op, user, rules) {
    const from = stateOf(rules, job.state);
    const to = targetState(rules, transition, job.state);
    let labor = job.labor;
    if (from.working && !to.working) {
        labor = closeLabor(labor, user.id, op.at);
    } else if (to.working && !from.working) {
        labor = openLabor(labor, user.id, user.name, op.at, op.seq);
    }
    return {
        ...job,
        state: to.value,
        labor,
        date_started: to.working ? job.date_started || op.at : job.date_started,
        date_completed: to.closed ? op.at : job.date_completed,
        queuedTransitions: [...job.queuedTransitions, op.type],
    };
}

function applyOne(job, op, user) {
    const p = op.payload;
    switch (op.type) {
        case "note":
            return {
                ...job,
                notes: [...job.notes, { id: `queued-${op.seq}`, author: user.name, date: op.at, body: p.body, queued: true }],
            };
        case "checklist":
            return {
                ...job,
                checklist: job.checklist.map((line) =>
                    line.id === p.line_id
                        ? { ...line, done: p.done, done_by: p.done ? user.name : false, done_on: p.done ? op.at : false }
                        : line
                ),
            };
        case "material":
            if (p.line_id !== undefined) {
                // A correction: the line's new used total.
                return {
                    ...job,
                    materials: job.materials.map((m) =>
                        m.id === p.line_id ? { ...m, quantity_used: p.quantity_used, equipment_id: unitOf(p) || m.equipment_id } : m
                    ),
                };
            }
            return { ...job, materials: addMaterial(job.materials, p, op) };
        case "photo":
            return {
                ...job,
                photos: [
                    ...job.photos,
                    {
                        id: `queued-${op.seq}`,
                        kind: p.kind,
                        taken_on: op.at,
                        note: p.note || false,
                        url: `data:image/jpeg;base64,${p.image}`,
                        equipment_id: unitOf(p),
                        queued: true,
                    },
                ],
            };
        case "signature":
            return { ...job, signed_by: p.signed_by, signed_on: op.at, signature_queued: true };
        case "set":
            return { ...job, ...p.fields };
        case "quote":
            return { ...job, quotes: [...(job.quotes || []), queuedQuote(op)] };
        case "quote_approve":
        case "quote_send":
            return { ...job, quotes: answerQuote(job.quotes || [], op) };
        case "equipment_add":
            return {
                ...job,
                equipment: [...(job.equipment || []), queuedUnit(op)],
                equipment_ids: [...(job.equipment_ids || []), op.uuid],
            };
        case "reading":
            return { ...job, readings: [...(job.readings || []), queuedReading(op)] };
        case "collect_payment":
            return {
                ...job,
                collected: [...(job.collected || []), { id: `queued-${op.seq}`, ...p, at: op.at, queued: true }],
            };
        default:
            return job;
    }
}

/** A quote approved or sent on the phone: shown so until the server's quote comes with a pull. */
function answerQuote(quotes, op) {
    const p = op.payload;
    const index = findQuote(quotes, p);
    if (index < 0) {
        return quotes;
    }
    const quote = { ...quotes[index], queued: true };
    if (op.type === "quote_send") {
        quote.state = "sent";
    } else {
        const byIndex = p.option_index !== undefined;
        quote.state = "approved";
        quote.approved_option_id = byIndex ? quote.options[p.option_index]?.id : p.option_id;
        quote.approved_index = byIndex ? p.option_index : undefined;
        quote.signer_name = p.signer_name;
    }
    return quotes.map((q, i) => (i === index ? quote : q));
}

function addMaterial(materials, payload, op) {
    // The server's rule: the line of that product and lot, else (with a lot) an unused line without
    // one; a part for a unit goes into that unit's line or an unused untagged one, a part without a
    // unit never into a unit's line.
    const lot = payload.lot_name || false;
    const unit = unitOf(payload);
    const sameProduct = (m) =>
        m.product_id === payload.product_id &&
        ((m.equipment_id || false) === unit || Boolean(unit && !m.equipment_id && !m.quantity_used));
    let index = materials.findIndex((m) => sameProduct(m) && m.lot === lot);
    if (index < 0 && lot) {
        index = materials.findIndex((m) => sameProduct(m) && !m.lot && !m.quantity_used);
    }
    if (index >= 0) {
        const line = materials[index];
        const updated = {
            ...line,
            quantity_used: line.quantity_used + payload.quantity,
            lot: line.lot || lot,
            equipment_id: unit || line.equipment_id || false,
        };
        return materials.map((m, i) => (i === index ? updated : m));
    }
    return [
        ...materials,
        {
            id: `queued-${op.seq}`,
            product_id: payload.product_id,
            product_name: op.display?.product_name || "",
            product_uom_qty: 0,
            quantity_used: payload.quantity,
            uom: op.display?.uom || "",
            lot,
            equipment_id: unit,
            queued: true,
        },
    ];
}

/** Start of the local day of `now`, and of the next one. */
function dayBounds(now) {
    const start = new Date(now);
    start.setHours(0, 0, 0, 0);
    const end = new Date(start);
    end.setDate(end.getDate() + 1);
    return [start, end];
}

/**
 * My Jobs' three lists: today (what is under way, and what is planned
 * today or overdue), upcoming, and recently done (last 14 days). Jobs
 * neither open nor closed (cancelled) only show while something of theirs
 * is still queued.
 */
export function groupJobs(jobs, rules, now = new Date(), query = "") {
    const todayEnd = dayBounds(now)[1];
    const recent = new Date(now.getTime() - 14 * 24 * 3600 * 1000);
    const needle = query.trim().toLowerCase();
    const groups = { today: [], upcoming: [], done: [] };
    for (const job of jobs) {
        if (needle && !searchText(job).includes(needle)) {
            continue;
        }
        const start = parseUtc(job.scheduled_start);
        const kind = stateKind(rules, job);
        if (kind === "working" || kind === "paused") {
            groups.today.push(job);
        } else if (kind === "open") {
            if (start && start >= todayEnd) {
                groups.upcoming.push(job);
            } else if (start) {
                groups.today.push(job);
            } else {
                groups.upcoming.push(job);
            }
        } else if (kind === "closed") {
            const completed = parseUtc(job.date_completed) || start;
            if (!completed || completed >= recent) {
                groups.done.push(job);
            }
        } else if (job.queued) {
            groups.today.push(job);
        }
    }
    const byStart = (a, b) => (a.scheduled_start || "9").localeCompare(b.scheduled_start || "9") || a.id - b.id;
    groups.today.sort((a, b) => Number(b.priority) - Number(a.priority) || byStart(a, b));
    groups.upcoming.sort(byStart);
    groups.done.sort((a, b) => (b.date_completed || "").localeCompare(a.date_completed || ""));
    return groups;
}

function searchText(job) {
    const a = job.service_address || {};
    return [job.name, job.partner?.name, a.name, a.street, a.street2, a.city, a.zip, job.unit_number, job.description, job.job_type]
        .filter(Boolean)
        .join(" ")
        .toLowerCase();
}

/** One line of address for the list and the maps link. */
export function addressLine(job) {
    const a = job.service_address || {};
    return [a.street, a.street2, [a.zip, a.city].filter(Boolean).join(" "), a.country].filter(Boolean).join(", ");
}

export function mapsUrl(job) {
    return `https://www.google.com/maps/search/?api=1&query=${encodeURIComponent(addressLine(job))}`;
}

/** Seconds the technician has been on this job so far (closed labor plus the open one). */
export function secondsOnSite(job, userId, now = new Date()) {
    let total = 0;
    for (const line of job.labor || []) {
        if (line.user_id !== userId) {
            continue;
        }
        const start = parseUtc(line.date_start);
        const end = line.date_end ? parseUtc(line.date_end) : now;
        if (start && end > start) {
            total += (end - start) / 1000;
        }
    }
    return Math.floor(total);
}

/** Required checklist items not ticked: they block Complete on the device. */
export function openRequiredItems(job) {
    return (job.checklist || []).filter((line) => line.required && !line.done);
}
