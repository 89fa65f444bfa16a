/**
 * Quotes and money on the phone: the device's estimates of what the customer
 * pays, from the prices the last pull brought (`price_book`, `quotes`,
 * `payment`, docs/sync.md). The server prices every quote and invoice itself
 * (pricelist, fiscal position, tax rounding); these figures are only shown
 * until it has answered, marked as estimates.
 */

/** Options in one quote and ways to pay on site, for a phone synced before the server published them. */
const DEFAULT_MAX_OPTIONS = 3;
const DEFAULT_PAYMENT_METHODS = ["cash", "cheque"];

/** How many options a quote may have: the server's limit (sync_reference's rules). */
export function maxOptions(rules) {
    return rules.limits?.quote_options || DEFAULT_MAX_OPTIONS;
}

/** How a technician may take a payment on site: the server's list (rules). */
export function paymentMethods(rules) {
    return rules.payment_methods || DEFAULT_PAYMENT_METHODS;
}

export function roundCents(value) {
    return Math.round((value + Number.EPSILON) * 100) / 100;
}

/**
 * Totals of quote lines `[{quantity, price_unit, tax_rate}]`, rounded per
 * line as Odoo does by default: untaxed, tax and total, to the cent.
 */
export function estimateLines(lines) {
    let untaxed = 0;
    let tax = 0;
    for (const line of lines) {
        const subtotal = roundCents(line.quantity * line.price_unit);
        untaxed += subtotal;
        tax += roundCents((subtotal * (line.tax_rate || 0)) / 100);
    }
    untaxed = roundCents(untaxed);
    tax = roundCents(tax);
    return { untaxed, tax, total: roundCents(untaxed + tax) };
}

/** A price-book line or product as an editable quote line of the device. */
export function quoteLine(source, quantity = source.quantity ?? 1) {
    return {
        product_id: source.product_id ?? source.id,
        name: source.name,
        quantity,
        price_unit: source.price_unit,
        tax_rate: source.tax_rate || 0,
    };
}

/** The `quote` operation's payload: options with their products and quantities, nothing else. */
export function quotePayload(options, note = "") {
    const payload = {
        options: options.map((option) => ({
            name: option.name.trim(),
            lines: option.lines.map((line) => ({ product_id: line.product_id, quantity: line.quantity })),
        })),
    };
    if (note.trim()) {
        payload.note = note.trim();
    }
    return payload;
}

/** What a queued `quote` operation shows on the job until the server's quote comes with a pull. */
export function queuedQuote(op) {
    const options = op.display?.options || op.payload.options;
    return {
        id: `queued-${op.seq}`,
        ref: op.uuid,
        name: op.display?.name || "",
        state: "draft",
        validity_date: false,
        approved_option_id: false,
        signer_name: false,
        queued: true,
        options: options.map((option, index) => {
            const lines = option.lines.map((line) => ({ price_unit: 0, tax_rate: 0, ...line }));
            const totals = estimateLines(lines);
            return {
                id: `queued-${op.seq}-${index}`,
                name: option.name,
                amount_untaxed: totals.untaxed,
                amount_tax: totals.tax,
                amount_total: totals.total,
                lines,
            };
        }),
    };
}

/** The quote a `quote_approve` or `quote_send` operation means: by server id, or by the `quote` op's uuid. */
export function findQuote(quotes, payload) {
    return quotes.findIndex((q) => (payload.quote_ref ? q.ref === payload.quote_ref : q.id === payload.quote_id));
}

/** The approved option of a quote (server id, or its place in a queued quote), or undefined. */
export function approvedOption(quote) {
    if (quote.state !== "approved") {
        return undefined;
    }
    if (quote.approved_index !== undefined) {
        return quote.options[quote.approved_index];
    }
    return quote.options.find((option) => option.id === quote.approved_option_id);
}

/**
 * The device's estimate of what the customer owes for the job, taxes
 * included: the approved options at their quoted totals, plus the parts used
 * beyond what an approved option already bills, at the customer's prices of
 * the price book. Time on site and call-out charges are priced by the server
 * only. `priced` is false when a used part has no price on the phone.
 */
export function estimateDue(job) {
    const quoted = new Map(); // product id -> quantity billed by approved options
    let total = 0;
    for (const quote of job.quotes || []) {
        const option = approvedOption(quote);
        if (!option) {
            continue;
        }
        total += option.amount_total;
        for (const line of option.lines) {
            quoted.set(line.product_id, (quoted.get(line.product_id) || 0) + line.quantity);
        }
    }
    const prices = new Map((job.price_book?.products || []).map((p) => [p.id, p]));
    const lines = [];
    let priced = true;
    for (const material of job.materials || []) {
        const covered = quoted.get(material.product_id) || 0;
        const quantity = material.quantity_used - covered;
        quoted.set(material.product_id, Math.max(covered - material.quantity_used, 0));
        if (quantity <= 0) {
            continue;
        }
        const product = prices.get(material.product_id);
        if (!product) {
            priced = false;
            continue;
        }
        lines.push(quoteLine(product, quantity));
    }
    return { amount: roundCents(total + estimateLines(lines).total), priced };
}

/** Planned parts not (fully) used: they go back to the van, the customer does not pay them. */
export function unusedParts(job) {
    return (job.materials || [])
        .filter((m) => m.product_uom_qty > m.quantity_used)
        .map((m) => ({ ...m, unused: roundQty(m.product_uom_qty - m.quantity_used) }));
}

/** The quantity still planned and not used on a material line. */
export function remainingQty(line) {
    return Math.max(roundQty(line.product_uom_qty - line.quantity_used), 0);
}

function roundQty(value) {
    return Math.round(value * 1000) / 1000;
}

/** `/report/barcode` URL of the QR code of `value` (Odoo renders it; only online). */
export function qrCodeUrl(value, size = 240) {
    return `/report/barcode/?barcode_type=QR&value=${encodeURIComponent(value)}&width=${size}&height=${size}`;
}
