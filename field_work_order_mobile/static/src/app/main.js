import { whenReady } from "@odoo/owl";
import { mountComponent } from "@web/env";
import { FieldServiceApp } from "./app";

/** Boots the technician app on /field-service (not loaded in unit tests, which mount it themselves). */
(async () => {
    performance.mark("fwo:boot");
    await whenReady();
    await mountComponent(FieldServiceApp, document.body);
})();
