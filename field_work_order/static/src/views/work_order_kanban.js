import { registry } from "@web/core/registry";
import { kanbanView } from "@web/views/kanban/kanban_view";
import { KanbanController } from "@web/views/kanban/kanban_controller";
import { useWorkOrderLiveReload } from "./live_reload";

export class WorkOrderKanbanController extends KanbanController {
    setup() {
        super.setup();
        useWorkOrderLiveReload(() => this.model);
    }
}

registry.category("views").add("field_work_order_kanban", {
    ...kanbanView,
    Controller: WorkOrderKanbanController,
});
