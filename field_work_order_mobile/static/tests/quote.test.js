import { expect, test } from "@odoo/hoot";
import { queryAllTexts, queryOne, resize, waitFor } from "@odoo/hoot-dom";
import { animationFrame } from "@odoo/hoot-mock";
import { contains, onRpc } from "@web/../tests/web_test_helpers";
import { defineMailModels } from "@mail/../tests/mail_test_helpers";
import { estimateDue, estimateLines, qrCodeUrl } from "@field_work_order_mobile/app/models/quote";
import { wireTime } from "@field_work_order_mobile/app/store/operation_queue";
import { fakeServer, makeJob, openJob, USER, until } from "@field_work_order_mobile/../tests/helpers/job_app";

/**
 * Extra work quoted on site, the customer's signature, the completion
 * summary and parts marked used: the operations the app queues are exactly
 * those of the sync contract (docs/sync.md), the figures to the cent.
 */

defineMailModels();

/** The pull's price book of the job: the customer's prices, tax rates summed per product. */
function priceBook() {
    return {
        currency: "EUR",
        options: [
            { id: 1, name: "Repair", lines: [{ product_id: 41, name: "Gasket", quantity: 2, price_unit: 12.5, tax_rate: 21 }] },
            {
                id: 2,
                name: "Replace",
                lines: [
                    { product_id: 43, name: "Oven door", quantity: 1, price_unit: 249.99, tax_rate: 21 },
                    { product_id: 44, name: "Safety check", quantity: 1, price_unit: 40, tax_rate: 6 },
                ],
            },
        ],
        products: [
            { id: 41, name: "Gasket", uom: "Units", price_unit: 12.5, tax_rate: 21 },
            { id: 42, name: "Thermostat", uom: "Units", price_unit: 35.2, tax_rate: 21 },
            { id: 43, name: "Oven door", uom: "Units", price_unit: 249.99, tax_rate: 21 },
            { id: 44, name: "Safety check", uom: "Units", price_unit: 40, tax_rate: 6 },
        ],
    };
}

function workingJob(values = {}) {
    const started = wireTime(new Date(Date.now() - 1800 * 1000));
    return makeJob({
        state: "in_progress",
        date_started: started,
        labor: [{ id: 61, user_id: USER.id, user_name: USER.name, date_start: started, date_end: false, duration: 0, description: false }],
        quotes: [],
        price_book: priceBook(),
        payment: false,
        ...values,
    });
}

/** A finger stroke across the signature pad. */
function drawOn(canvas) {
    const box = canvas.getBoundingClientRect();
    const point = (x, y) => ({
        clientX: box.left + x * box.width,
        clientY: box.top + y * box.height,
        pointerId: 1,
        pointerType: "touch",
        isPrimary: true,
        bubbles: true,
        buttons: 1,
        pressure: 0.5,
    });
    canvas.dispatchEvent(new PointerEvent("pointerdown", point(0.1, 0.5)));
    for (let i = 1; i <= 10; i++) {
        canvas.dispatchEvent(new PointerEvent("pointermove", point(0.1 + i * 0.07, 0.5 + (i % 2 ? -0.2 : 0.2))));
    }
    const up = point(0.8, 0.5);
    canvas.dispatchEvent(new PointerEvent("pointerup", up));
    document.dispatchEvent(new PointerEvent("pointerup", up));
}

test("quote totals: per line, taxes rounded to the cent, as the server rounds them", () => {
    const lines = [
        { quantity: 3, price_unit: 19.99, tax_rate: 21 }, // 59.97, tax 12.5937 -> 12.59
        { quantity: 1, price_unit: 40, tax_rate: 6 }, // 40.00, tax 2.40
        { quantity: 0.5, price_unit: 33.33, tax_rate: 0 }, // 16.665 -> 16.67
    ];
    expect(estimateLines(lines)).toEqual({ untaxed: 116.64, tax: 14.99, total: 131.63 });
    expect(estimateLines([])).toEqual({ untaxed: 0, tax: 0, total: 0 });

    // What the customer owes on the phone: the approved option at its quoted total, the parts
    // used beyond it at the price book's prices (2 gaskets quoted, 3 used: one is billed).
    const job = workingJob({
        materials: [
            { id: 21, product_id: 41, product_name: "Gasket", product_uom_qty: 2, quantity_used: 3, uom: "Units", lot: false },
            { id: 22, product_id: 42, product_name: "Thermostat", product_uom_qty: 1, quantity_used: 1, uom: "Units", lot: false },
        ],
        quotes: [
            {
                id: 5, name: "Q/0005", state: "approved", validity_date: false, amount_total: 30.25,
                approved_option_id: 9, signer_name: "Marie",
                options: [{ id: 9, name: "Repair", amount_untaxed: 25, amount_tax: 5.25, amount_total: 30.25,
                    lines: [{ product_id: 41, name: "Gasket", quantity: 2, price_unit: 12.5, price_subtotal: 25, price_total: 30.25 }] }],
            },
        ],
    });
    // 30.25 + gasket 12.50 + 2.63 tax + thermostat 35.20 + 7.39 tax = 87.97
    expect(estimateDue(job)).toEqual({ amount: 87.97, priced: true });
    expect(qrCodeUrl("https://shop.example.com/my/invoices/7?access_token=a&b")).toBe(
        "/report/barcode/?barcode_type=QR&value=https%3A%2F%2Fshop.example.com%2Fmy%2Finvoices%2F7%3Faccess_token%3Da%26b&width=240&height=240"
    );
});

test("two options from the price book, the customer picks the second and signs: quote then quote_approve, one push", async () => {
    await resize({ width: 360, height: 640 });
    onRpc("/web/sign/get_fonts/", () => []); // the signature pad's fonts (the app caches them for offline use)
    const server = fakeServer(workingJob());
    const { store } = await openJob(server);

    await contains(".o_fwo_quote_extra").click();
    expect(".o_fwo_quote_screen").toHaveCount(1);
    expect(queryAllTexts(".o_fwo_book_option")).toEqual(["Repair · €30.25", "Replace · €344.89"]);
    await contains(".o_fwo_book_option:eq(0)").click();
    await contains(".o_fwo_book_option:eq(1)").click();
    expect(".o_fwo_quote_option").toHaveCount(2);
    // Replace: 249.99 + 40.00 = 289.99; taxes 52.50 + 2.40 = 54.90; 344.89
    expect(queryAllTexts(".o_fwo_option_untaxed")).toEqual(["€25.00", "€289.99"]);
    expect(queryAllTexts(".o_fwo_option_tax")).toEqual(["€5.25", "€54.90"]);
    expect(queryAllTexts(".o_fwo_option_total")).toEqual(["€30.25", "€344.89"]);
    expect(".o_fwo_quote_option:eq(1) .o_fwo_estimate").toHaveText("Estimate");

    // A thermostat more in the second option: picked from the price book's products.
    await contains(".o_fwo_quote_option:eq(1) .o_fwo_pick_product").select("42");
    await contains(".o_fwo_quote_option:eq(1) .o_fwo_pick_add").click();
    expect(".o_fwo_quote_option:eq(1) .o_fwo_option_total").toHaveText("€387.48"); // + 35.20 + 7.39

    await contains(".o_fwo_quote_approve").click();
    await contains(".o_fwo_quote_option:eq(1) .o_fwo_option_pick").click();
    await waitFor(".o_dialog .o_fwo_signer_name"); // the pad loads its library first
    expect(".o_dialog .o_fwo_signature_summary").toHaveText("Replace: €387.48");
    expect(".o_dialog .o_fwo_signer_name").toHaveValue(""); // the signer types their own name
    await until(() => document.querySelector(".o_dialog canvas.o_web_sign_signature")?.height, "signature pad");
    const canvas = queryOne(".o_dialog canvas.o_web_sign_signature");
    const box = canvas.getBoundingClientRect();
    expect(box.width <= 360).toBe(true, { message: `pad ${box.width}px wide on a 360 px screen` });
    expect(box.height >= 180).toBe(true, { message: `pad ${box.height}px tall on a 360 px screen` });
    expect(".o_fwo_signature_confirm").not.toBeEnabled();

    server.offline = true; // signed in the basement: both wait on the phone
    await contains(".o_dialog .o_fwo_signer_name").edit("Marie Dupont");
    drawOn(canvas);
    await animationFrame();
    await contains(".o_fwo_signature_confirm:enabled").click();
    await until(() => store.queue.operations.length === 2 && !store.running, "quote and approval queued");

    const [quote, approve] = store.queue.operations;
    expect(quote).toMatchObject({ order_id: 1, type: "quote", status: "pending" });
    expect(quote.payload).toEqual({
        options: [
            { name: "Repair", lines: [{ product_id: 41, quantity: 2 }] },
            { name: "Replace", lines: [{ product_id: 43, quantity: 1 }, { product_id: 44, quantity: 1 }, { product_id: 42, quantity: 1 }] },
        ],
    });
    expect(Object.keys(approve.payload).sort()).toEqual(["option_index", "quote_ref", "signature", "signer_name"]);
    expect(approve).toMatchObject({
        type: "quote_approve",
        payload: { quote_ref: quote.uuid, option_index: 1, signer_name: "Marie Dupont" },
    });
    expect(approve.payload.signature).toMatch(/^iVBORw0KGgo/); // a PNG, base64 without its data: prefix
    // Tried in one push, the quote first: the approval's reference is resolved there.
    expect(server.pushes.at(-1).map((op) => [op.type, op.uuid])).toEqual([
        ["quote", quote.uuid],
        ["quote_approve", approve.uuid],
    ]);

    // Back on the job: the approved option, marked pending and estimated, until the pull.
    expect(".o_fwo_job").toHaveCount(1);
    expect(".o_fwo_quote").toHaveCount(1);
    expect(".o_fwo_quote .o_fwo_quote_state").toHaveText("Approved");
    expect(".o_fwo_quote_approved").toHaveText(/^Replace: €387.48 \(estimate\)/);
    expect(".o_fwo_quote_approved").toHaveText(/Signed by Marie Dupont/);
});

test("Send to customer: quote then quote_send by reference; the pulled quote shows the server's figures", async () => {
    const server = fakeServer(workingJob());
    const { store } = await openJob(server);
    server.offline = true;

    await contains(".o_fwo_quote_extra").click();
    expect(".o_fwo_quote_send").not.toBeEnabled();
    await contains(".o_fwo_empty_option").click();
    await contains(".o_fwo_option_name").edit("Descale");
    await contains(".o_fwo_pick_product").select("42");
    await contains(".o_fwo_pick_qty").edit("2");
    await contains(".o_fwo_pick_add").click();
    await contains(".o_fwo_quote_note").edit("Valid for a month.");
    await contains(".o_fwo_quote_send").click();
    await until(() => store.queue.operations.length === 2 && !store.running, "quote and sending queued");

    const [quote, send] = store.queue.operations;
    expect(quote.payload).toEqual({
        options: [{ name: "Descale", lines: [{ product_id: 42, quantity: 2 }] }],
        note: "Valid for a month.",
    });
    expect(send).toMatchObject({ type: "quote_send", payload: { quote_ref: quote.uuid } });
    expect(Object.keys(send.payload)).toEqual(["quote_ref"]);
    expect(".o_fwo_quote .o_fwo_quote_state").toHaveText("Sent");
    expect(".o_fwo_quote_option_line").toHaveText("Descale: €85.18"); // 70.40 + 14.78

    // The server's answer comes with the next pull: its quote replaces the phone's.
    server.offline = false;
    server.job = workingJob({
        version: 5,
        quotes: [
            {
                id: 8, name: "Q/0008", state: "sent", validity_date: "2030-02-01", amount_total: 85.18,
                approved_option_id: false, signer_name: false,
                options: [{ id: 12, name: "Descale", amount_untaxed: 70.4, amount_tax: 14.78, amount_total: 85.18, lines: [] }],
            },
        ],
    });
    await store.sync();
    await until(() => !store.queue.operations.length, "pushed and pulled");
    expect(".o_fwo_quote").toHaveCount(1);
    expect(".o_fwo_quote").toHaveText(/^Q\/0008\s*Sent/);
    expect(".o_fwo_quote .badge.text-bg-warning").toHaveCount(0);
});

test("planned parts: one tap marks all used, or part of them; the queued material adds that quantity", async () => {
    const server = fakeServer(
        workingJob({
            materials: [
                { id: 21, product_id: 41, product_name: "Gasket", product_uom_qty: 2, quantity_used: 0, uom: "Units", lot: false },
                { id: 22, product_id: 42, product_name: "Thermostat", product_uom_qty: 3, quantity_used: 1, uom: "Units", lot: "LOT-9" },
                { id: 23, product_id: 43, product_name: "Oven door", product_uom_qty: 1, quantity_used: 1, uom: "Units", lot: false },
            ],
        })
    );
    const { store } = await openJob(server);
    server.offline = true;
    expect(".o_fwo_material_line:eq(2) .o_fwo_part_used").toHaveCount(0); // all used already

    await contains(".o_fwo_material_line:eq(0) .o_fwo_part_used").click();
    await until(() => store.queue.operations.length === 1 && !store.running, "used queued");
    expect(store.queue.operations[0]).toMatchObject({ type: "material", payload: { product_id: 41, quantity: 2 } });
    expect(".o_fwo_material_line:eq(0) .o_fwo_used").toHaveText("2 Units used");
    expect(".o_fwo_material_line:eq(0) .o_fwo_part_used").toHaveCount(0);

    expect(".o_fwo_material_line:eq(1) .o_fwo_part_used").toHaveText("Used (2)");
    await contains(".o_fwo_material_line:eq(1) .o_fwo_part_some").click();
    expect(".o_fwo_part_qty").toHaveValue(2);
    await contains(".o_fwo_part_qty").edit("1");
    await contains(".o_fwo_part_save").click();
    await until(() => store.queue.operations.length === 2 && !store.running, "part queued");
    expect(store.queue.operations[1].payload).toEqual({ product_id: 42, quantity: 1, lot_name: "LOT-9" });
    expect(".o_fwo_material_line:eq(1) .o_fwo_used").toHaveText("2 Units used");
    expect(".o_fwo_material_line:eq(1) .o_fwo_part_used").toHaveText("Used (1)");
});

test("completion summary: estimate before the sync, then the amount due with the QR code, cash collected, Paid", async () => {
    const job = workingJob({
        state: "done",
        date_completed: wireTime(),
        labor: [],
        checklist: [],
        materials: [
            { id: 21, product_id: 41, product_name: "Gasket", product_uom_qty: 2, quantity_used: 1, uom: "Units", lot: false },
        ],
    });
    const server = fakeServer(job);
    const { store } = await openJob(server);
    server.offline = true; // no payment from the server yet, and no signal to load a QR code
    await store.sync().catch(() => {});
    await animationFrame();

    expect(".o_fwo_completion .o_fwo_amount_due").toHaveText("€15.13"); // 12.50 + 2.63
    expect(".o_fwo_completion .o_fwo_estimate").toHaveText("Estimate");
    expect(".o_fwo_qr_later").toHaveText("QR code after sync");
    expect(".o_fwo_payment_qr").toHaveCount(0);
    expect(".o_fwo_unused_line").toHaveCount(1);
    expect(".o_fwo_unused_line").toHaveText(/^Gasket\s*1 Units$/);

    // Synced: the invoice's amount due and the QR code of its payment page.
    const url = "https://fsm.example.com/my/invoices/77?access_token=tok-1";
    server.offline = false;
    server.job = {
        ...job,
        version: 6,
        payment: {
            invoice_id: 77, invoice_name: "INV/2030/00077", amount_total: 187.37, amount_due: 187.37,
            currency: "EUR", payment_state: "not_paid", payment_url: url,
        },
    };
    await store.sync();
    await animationFrame();
    expect(".o_fwo_completion .o_fwo_amount_due").toHaveText("€187.37");
    expect(".o_fwo_completion .o_fwo_estimate").toHaveCount(0);
    expect(".o_fwo_invoice_name").toHaveText("INV/2030/00077");
    // The QR code's image is /report/barcode of the URL (qrCodeUrl, above; Hoot stubs images); a tap opens the page.
    expect(".o_fwo_payment_link .o_fwo_payment_qr").toHaveCount(1);
    expect(".o_fwo_payment_link").toHaveAttribute("href", url);

    // Cash on site: collect_payment with the amount due prefilled.
    server.offline = true;
    await contains(".o_fwo_collect").click();
    expect(".o_fwo_collect_amount").toHaveValue(187.37);
    await contains(".o_fwo_collect_amount").edit("200");
    await contains(".o_fwo_collect_confirm").click();
    expect(".o_fwo_collect_message").toHaveText("That is more than the amount due (€187.37).");
    await contains(".o_fwo_collect_amount").edit("100");
    await contains(".o_fwo_method_cheque").click();
    await contains(".o_fwo_collect_reference").edit("CHQ 0042");
    await contains(".o_fwo_collect_confirm").click();
    await until(() => store.queue.operations.length === 1 && !store.running, "collect queued");
    expect(store.queue.operations[0]).toMatchObject({
        type: "collect_payment",
        payload: { amount: 100, method: "cheque", reference: "CHQ 0042" },
    });
    expect(".o_fwo_completion .o_fwo_amount_due").toHaveText("€87.37");
    expect(".o_fwo_collected").toHaveText(/Collected on site: €100.00 \(Cheque, CHQ 0042\)/);
    expect(".o_fwo_payment_qr").toHaveCount(0); // offline: no QR code to load
    expect(".o_fwo_qr_later").toHaveCount(1);

    // Paid online meanwhile, and the collected cheque refused as too much: the pull says Paid.
    server.offline = false;
    server.answer = (op) => ({ uuid: op.uuid, status: "error", message: "Nothing is due.", version: 7 });
    server.job = { ...server.job, version: 7, payment: { ...server.job.payment, amount_due: 0, payment_state: "paid" } };
    await store.sync();
    await animationFrame();
    expect(".o_fwo_paid").toHaveText("Paid");
    expect(".o_fwo_collect").toHaveCount(0);
    expect(".o_fwo_refused").toHaveText(/^Payment collected on site: refused by the server\s*Nothing is due\./);
});
