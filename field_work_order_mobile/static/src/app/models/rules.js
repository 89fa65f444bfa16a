/**
 * The server's rules, as `sync_reference` publishes them (docs/sync.md,
 * "rules"): the states with their labels and kinds (open, closed, working),
 * the state machine, the fields a technician may set, the photo kinds and the
 * limits. The app keeps no copy of them: every decision about a state or a
 * transition reads this table, kept with the reference data on the phone.
 *
 * Before the first sync there is no table: jobs are listed by date under
 * their raw state and nothing can be done on them.
 */
export const NO_RULES = { states: [], transitions: {}, set_fields: [], photo_kinds: [], limits: {} };

/** The description of state `value` (a state the rules do not know counts as open, idle). */
export function stateOf(rules, value) {
    return (
        rules.states.find((state) => state.value === value) || {
            value,
            label: value,
            open: true,
            closed: false,
            working: false,
        }
    );
}

/**
 * The transitions a technician takes from the app on a job in `state`: those
 * run by the people doing the job and sent through sync_push.
 */
export function workerTransitions(rules, state) {
    return Object.entries(rules.transitions)
        .filter(([, transition]) => transition.by === "worker" && transition.sync && transition.from.includes(state))
        .map(([name]) => name);
}

/** The transition that operation type `type` runs, or undefined for other operations. */
export function transitionOf(rules, type) {
    const transition = rules.transitions[type];
    return transition?.sync ? transition : undefined;
}

/** The state transition `transition` leads to from `state` ("to": false leaves it). */
export function targetState(rules, transition, state) {
    return stateOf(rules, transition.to || state);
}

/**
 * How a state is shown: working (labor runs), paused (started, labor
 * stopped), open, closed (done), or ended (neither open nor closed).
 */
export function stateKind(rules, job) {
    const state = stateOf(rules, job.state);
    if (state.working) {
        return "working";
    }
    if (state.open) {
        return job.date_started ? "paused" : "open";
    }
    return state.closed ? "closed" : "ended";
}
