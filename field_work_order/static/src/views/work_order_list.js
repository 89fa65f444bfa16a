import { registry } from "@web/core/registry";
import { listView } from "@web/views/list/list_view";
import { ListController } from "@web/views/list/list_controller";
import { useWorkOrderLiveReload } from "./live_reload";

export class WorkOrderListController extends ListController {
    setup() {
        super.setup();
        useWorkOrderLiveReload(() => this.model);
    }
}

registry.category("views").add("field_work_order_list", {
    ...listView,
    Controller: WorkOrderListController,
});
