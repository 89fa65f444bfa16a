import { registry } from "@web/core/registry";
import { stepUtils } from "@web_tour/tour_service/tour_utils";

/* A dispatcher opens the app (the dispatch board) and goes to the status kanban: it lists
   the done order waiting for verification (FWO-TOUR-DONE, created by the test) in the Done
   column; the end states are folded. */
registry.category("web_tour.tours").add("field_work_order_board_tour", {
    url: "/odoo",
    steps: () => [
        stepUtils.showAppsMenuItem(),
        {
            content: "Open the Field Service app",
            trigger: ".o_app[data-menu-xmlid='field_work_order.field_work_order_menu_root']",
            run: "click",
        },
        {
            content: "The app opens on the dispatch board; the status kanban is one click away",
            trigger: ".o_fwo_dispatch .o_fwo_dispatch_kanban",
            run: "click",
        },
        {
            content: "The kanban of all orders to do, not only the dispatcher's own",
            trigger: ".o_control_panel:has(.o_searchview_facet:contains('To Do')):not(:has(.o_searchview_facet:contains('My Orders')))",
        },
        {
            content: "Verified and Cancelled are folded",
            trigger: ".o_kanban_group.o_column_folded:contains('Verified') ~ .o_kanban_group.o_column_folded:contains('Cancelled')",
        },
        {
            content: "The done order waits in the Done column",
            trigger: ".o_kanban_group:not(.o_column_folded):has(.o_column_title:contains('Done')) .o_kanban_record:contains('FWO-TOUR-DONE'):contains('Board Customer')",
            run: "click",
        },
        {
            content: "Verify it",
            trigger: ".o_form_view:contains('FWO-TOUR-DONE') button[name='action_verify']",
            run: "click",
        },
        {
            content: "The order is verified",
            trigger: ".o_statusbar_status .o_arrow_button_current:contains('Verified')",
        },
    ],
});
