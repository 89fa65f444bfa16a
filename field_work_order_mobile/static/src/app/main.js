import { whenReady } from "@odoo/owl";
import { mountComponent } from "@web/env";
import { session } from "@web/session";
import { user } from "@web/core/user";
import { FieldServiceApp } from "@field_work_order_mobile/app/app";
import { SyncStore } from "@field_work_order_mobile/app/store/sync_store";

/** Boots the technician app on /field-service (not loaded in unit tests, which mount it themselves). */
(async () => {
    performance.mark("fwo:boot");
    const store = new SyncStore({ dbName: session.db, user: { id: user.userId, name: user.name } });
    // The phone's copy, then the first sync, before Odoo's services start: the server
    // prepares the jobs while they start (the app waits for this sync instead of starting one).
    const loaded = store.load();
    const firstSync = loaded.then(() => store.sync());
    firstSync.catch(() => {}); // offline or refused: the status bar says so
    await loaded.catch(() => {}); // the app's start reports a failure
    await whenReady();
    await mountComponent(FieldServiceApp, document.body, { props: { store, firstSync } });
})();
