import { onWillUnmount } from "@odoo/owl";
import { useService } from "@web/core/utils/hooks";
import { debounce } from "@web/core/utils/timing";

export const WORK_ORDER_CHANGED = "field_work_order/changed";

/**
 * Reload the view's records when the server says work orders changed.
 *
 * The notification carries only ids; the data itself is re-read through the
 * ORM, so record rules decide what the user sees.
 */
export function useWorkOrderLiveReload(getModel) {
    const busService = useService("bus_service");
    const reload = debounce(() => {
        const model = getModel();
        const root = model.root;
        if (root && root.editedRecord) {
            return; // never drop a line the dispatcher is editing
        }
        model.load();
    }, 300);
    busService.subscribe(WORK_ORDER_CHANGED, reload);
    onWillUnmount(() => {
        busService.unsubscribe(WORK_ORDER_CHANGED, reload);
        reload.cancel();
    });
}
