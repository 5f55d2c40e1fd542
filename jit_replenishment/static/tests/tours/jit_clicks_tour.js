/** @odoo-module **/
// Every button of the JIT screens answers (guide: "click every button you
// add and check that it answers"): Reject and Approve (form and list),
// SLA "Compute Now", the Simulate wizard's "Enable JIT", "Backfill", the
// reports' drill-downs and the settings' "Consumption Locations".
// Each tour fails if one of them stops answering with a notification, a
// dialog, the records it leads to or a visible change of state.
import { registry } from "@web/core/registry";

const WAITING = "Clicks Waiting Bolt";
const APPLIED = "Clicks Applied Nut";
const WASHER = "Clicks Washer";
const row = (name) => `.o_data_row:contains('${name}')`;
// A pivot with data of its own (an empty one shows sample figures).
const REAL_PIVOT = ".o_pivot_view:not(:has(.o_view_nocontent)):not(:has(.o_view_sample_data)) .o_pivot";
// The report lists (told apart from the moves list they open).
const COST_LIST = ".o_list_view:has(th[data-name=cost_total])";
const KPI_LIST = ".o_list_view:has(th[data-name=demanded_qty])";
const menu = (xmlid) => `[data-menu-xmlid='jit_replenishment.${xmlid}']`;

// Select one row once the list holds no selection (a header button's action
// reloads the list and clears it).
function selectRow(name) {
    return [
        {
            content: "No row selected",
            trigger: ".o_list_view:not(:has(.o_data_row_selected)) .o_data_row",
        },
        {
            content: `Select ${name}`,
            trigger: `${row(name)} .o_list_record_selector input`,
            run: "click",
        },
        {
            content: `${name} is selected`,
            trigger: `.o_data_row_selected:contains('${name}')`,
        },
    ];
}

function openMenu(xmlid, content) {
    return [
        { content: "Open the JIT menu", trigger: menu("menu_jit_root"), run: "click" },
        { content, trigger: menu(xmlid), run: "click" },
    ];
}

// JIT Manager: Approve / Reject (list and form), SLA, Backfill, the reports.
registry.category("web_tour.tours").add("jit_replenishment_clicks_manager", {
    steps: () => [
        // --- 1. Approve / Reject on a selection without waiting rule -------
        ...selectRow(APPLIED),
        {
            content: "Approve the applied rule",
            trigger: ".o_control_panel button[name=action_jit_approve]",
            run: "click",
        },
        {
            content: "Refused, naming how many rules were not waiting",
            trigger:
                ".o_notification:contains('Nothing approved'):contains('None of the 1 selected rule(s) is waiting for approval')",
        },
        { content: "Close it", trigger: ".o_notification_close", run: "click" },
        ...selectRow(APPLIED),
        {
            content: "Reject the applied rule",
            trigger: ".o_control_panel button[name=action_jit_reject]",
            run: "click",
        },
        {
            content: "Refused too",
            trigger:
                ".o_notification:contains('Nothing rejected'):contains('None of the 1 selected rule(s) is waiting for approval')",
        },
        {
            content: "The applied rule stays applied",
            trigger: `${row(APPLIED)} td[name=jit_state]:contains('Applied')`,
        },
        { content: "Close it", trigger: ".o_notification_close", run: "click" },
        // --- 1. Reject on the waiting rule's form ---------------------------
        {
            content: "Open the waiting rule",
            trigger: `${row(WAITING)} td.o_list_record_open_form_view`,
            run: "click",
        },
        {
            content: "The form shows the proposal waiting",
            trigger: ".o_form_view div[name=jit_proposal]:contains('waits for a JIT Manager')",
        },
        {
            content: "Reject",
            trigger: ".o_form_view button[name=action_jit_reject]",
            run: "click",
        },
        {
            content: "The rejection is confirmed",
            trigger: ".o_notification:contains('1 rule(s) rejected')",
        },
        {
            content: "Rejected, no Approve or Reject button left",
            trigger:
                ".o_form_view:not(:has(button[name=action_jit_reject])):not(:has(button[name=action_jit_approve])) .o_field_widget[name=jit_state] .badge:contains('Rejected')",
        },
        // --- 2. SLA "Compute Now" -------------------------------------------
        ...openMenu("menu_jit_sla_contract", "Open the SLA contracts"),
        {
            content: "Open the vendor's contract",
            trigger: ".o_data_row:contains('Clicks Vendor') td.o_data_cell",
            run: "click",
        },
        {
            content: "Compute now",
            trigger: ".o_form_view button[name=action_compute_sla]",
            run: "click",
        },
        {
            content: "The notification names the vendor and why there is no figure",
            trigger:
                ".o_notification:contains('Clicks Vendor: no SLA figures, because no purchase line was due')",
        },
        {
            content: "Open the periods",
            trigger: ".o_form_view button[name=action_view_scores]",
            run: "click",
        },
        {
            content: "The graph of the vendor's periods",
            trigger: ".o_graph_view .o_searchview_facet:contains('Clicks Vendor')",
        },
        // --- 4. Backfill ----------------------------------------------------
        ...openMenu("menu_jit_snapshot_backfill", "Open the backfill"),
        {
            content: "Backfill",
            trigger: ".modal button[name=action_backfill]",
            run: "click",
        },
        {
            content: "The notification says which days were recorded",
            trigger: ".o_notification:contains('Inventory snapshots recorded from')",
        },
        {
            content: "The carrying cost of those days opens",
            trigger: ".o_breadcrumb:contains('Carrying Cost since')",
        },
        {
            content: "With figures (not the sample shown when there is no snapshot)",
            trigger: `${REAL_PIVOT} td.o_pivot_cell_value`,
        },
        // --- 5. Drill-downs: carrying cost ----------------------------------
        {
            content: "Click the total carrying cost (all months)",
            trigger: `${REAL_PIVOT} tbody tr:first-child td.o_pivot_cell_value:last-child`,
            run: "click",
        },
        {
            content: "The rows behind it",
            trigger: `${COST_LIST} ${row("Clicks")} button[name=action_view_records]`,
            run: "click",
        },
        {
            content: "The moves behind the row, with their date, origin and destination",
            trigger:
                ".o_list_view:has(th[data-name=date]):has(th[data-name=location_id]):has(th[data-name=location_dest_id]) .o_data_row:contains('Clicks')",
        },
        { content: "Back to the rows", trigger: ".o_breadcrumb .o_back_button a", run: "click" },
        {
            content: "Click a row itself (not its button)",
            trigger: `${COST_LIST} ${row("Clicks")} td[name=product_id]`,
            run: "click",
        },
        {
            content: "Its moves open as well",
            trigger:
                ".o_list_view:has(th[data-name=location_dest_id]) .o_data_row:contains('Clicks')",
        },
        // --- 5. Drill-downs: KPIs -------------------------------------------
        ...openMenu("menu_jit_kpi", "Open the JIT KPIs"),
        {
            content: "Click a KPI",
            trigger: `${REAL_PIVOT} td.o_pivot_cell_value`,
            run: "click",
        },
        {
            content: "Open the record behind a row",
            trigger: `${KPI_LIST} .o_data_row button[name=action_view_records]`,
            run: "click",
        },
        {
            content: "The rule, delivery or order opens",
            trigger: ".o_form_view .o_form_sheet",
        },
        { content: "Back to the rows", trigger: ".o_breadcrumb .o_back_button a", run: "click" },
        {
            content: "Click a row itself (not its button)",
            trigger: `${KPI_LIST} .o_data_row td[name=date]`,
            run: "click",
        },
        {
            content: "Its record opens as well",
            trigger: ".o_form_view .o_form_sheet",
        },
    ],
});

// JIT Buyer: the Simulate wizard's "Enable JIT".
registry.category("web_tour.tours").add("jit_replenishment_clicks_simulate", {
    steps: () => [
        {
            content: "Open the Actions menu of the product",
            trigger: ".o_cp_action_menus button:has(.fa-cog)",
            run: "click",
        },
        {
            content: "Simulate JIT",
            trigger: ".o-dropdown--menu .o-dropdown-item:contains('Simulate JIT')",
            run: "click",
        },
        {
            content: "Simulate",
            trigger: ".modal-footer button[name=action_simulate]",
            run: "click",
        },
        {
            content: "The product's line",
            trigger: `.modal ${row(WASHER)}`,
        },
        {
            content: "The charts fit the dialog",
            trigger: ".modal .o_field_widget[name=chart] img",
            run() {
                const img = document.querySelector(".modal .o_field_widget[name=chart] img");
                const body = document.querySelector(".modal .modal-body");
                const [right, limit] = [
                    img.getBoundingClientRect().right,
                    body.getBoundingClientRect().right,
                ];
                if (right > limit + 1) {
                    throw new Error(`The chart ends at ${right}px, the dialog at ${limit}px`);
                }
            },
        },
        {
            content: "Tick the product (ticked already where JIT wins)",
            trigger: `.modal ${row(WASHER)} td[name=selected] input`,
            run() {
                const input = document.querySelector(
                    ".modal .o_data_row td[name=selected] input"
                );
                if (!input.checked) {
                    input.click();
                }
            },
        },
        {
            content: "Ticked",
            trigger: `.modal ${row(WASHER)} td[name=selected] input:checked`,
        },
        {
            content: "Enable JIT",
            trigger: ".modal-footer button[name=action_enable_jit]",
            run: "click",
        },
        {
            content: "The notification says what the recompute did",
            trigger:
                ".o_notification:contains('JIT is on for 1 product(s)'):contains('rule(s) recomputed')",
        },
        {
            content: "The product's JIT rules open",
            trigger: `.o_list_view ${row(WASHER)}`,
        },
    ],
});

// Administrator: the settings' "Consumption Locations".
registry.category("web_tour.tours").add("jit_replenishment_clicks_settings", {
    steps: () => [
        {
            content: "Open the Inventory settings",
            trigger: ".settings_tab .tab[data-key=stock]",
            run: "click",
        },
        {
            content: "Consumption Locations",
            trigger: ".o_setting_box button:contains('Consumption Locations')",
            run: "click",
        },
        {
            content: "One line per warehouse, with where its scans go",
            trigger:
                ".o_list_view .o_data_row:has(td[name=jit_consumption_destination_id]:contains('Production'))",
        },
    ],
});
