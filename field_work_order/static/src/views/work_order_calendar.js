import { _t } from "@web/core/l10n/translation";
import { registry } from "@web/core/registry";
import { calendarView } from "@web/views/calendar/calendar_view";
import { CalendarController } from "@web/views/calendar/calendar_controller";
import { useWorkOrderLiveReload } from "./live_reload";

/**
 * The work orders' calendar: a new order is titled as one, and the calendar shows what the
 * order dialog did once it closes, in the week on screen.
 *
 * Odoo reloads the calendar only when the dialog's Save button is used; an order saved by
 * one of its header buttons (Schedule...) and the dialog then closed stayed off the calendar
 * until the page was reloaded, which shows the current week again.
 */
export class WorkOrderCalendarController extends CalendarController {
    setup() {
        super.setup();
        useWorkOrderLiveReload(() => this.model);
    }

    get editRecordDefaultDisplayText() {
        return _t("New Work Order");
    }

    getQuickCreateFormViewProps(record) {
        return { ...super.getQuickCreateFormViewProps(record), title: _t("New Work Order") };
    }

    async editRecord(record, context = {}, shouldFetchFormViewId = true) {
        const result = await super.editRecord(record, context, shouldFetchFormViewId);
        if (this.model.hasEditDialog) {
            await this.model.load();
        }
        return result;
    }
}

registry.category("views").add("field_work_order_calendar", {
    ...calendarView,
    Controller: WorkOrderCalendarController,
});
