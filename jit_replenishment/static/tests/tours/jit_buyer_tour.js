/** @odoo-module **/
// The buyer's path (issue 13): enable JIT on a product, recompute, read the
// proposal, approve it, open the consumption chart. Each click must answer
// with a notification or the record it leads to.
import { registry } from "@web/core/registry";

const PRODUCT = "JIT Tour Spacer";
const ROW = `.o_data_row:contains('${PRODUCT}')`;

registry.category("web_tour.tours").add("jit_replenishment_buyer_path", {
    steps: () => [
        {
            content: "Open the product's JIT tab",
            trigger: ".o_notebook a.nav-link[name=jit]",
            run: "click",
        },
        {
            content: "Enable JIT on the product",
            trigger: "button[name=action_jit_enable]",
            run: "click",
        },
        {
            content: "Confirm",
            trigger: ".modal-footer button.btn-primary",
            run: "click",
        },
        {
            content: "The notification says what happened",
            trigger: ".o_notification:contains('JIT enabled on 1 rule(s) of 1 product(s)')",
        },
        {
            content: "The product's JIT rules open",
            trigger: `${ROW} .o_list_record_selector input`,
            run: "click",
        },
        {
            content: "Recompute the selected rule",
            trigger: "button[name=action_jit_recompute]",
            run: "click",
        },
        {
            content: "The notification counts the rules",
            trigger: ".o_notification:contains('1 rule(s) recomputed: 1 waiting for approval')",
        },
        {
            content: "The list shows the proposal next to the current values",
            trigger: `${ROW} td[name=jit_change_summary]:contains('%')`,
        },
        {
            content: "Open the rule",
            trigger: `${ROW} td.o_list_record_open_form_view`,
            run: "click",
        },
        {
            content: "The form explains the proposal",
            trigger: ".o_form_view div[name=jit_proposal]:contains('waits for a JIT Manager')",
        },
        {
            content: "Approve",
            trigger: ".o_form_view button[name=action_jit_approve]",
            run: "click",
        },
        {
            content: "The approval is confirmed",
            trigger: ".o_notification:contains('1 rule(s) approved')",
        },
        {
            content: "No proposal left, no Approve button",
            trigger: ".o_form_view:not(:has(button[name=action_jit_approve])) .o_field_widget[name=jit_state] .badge:contains('Applied')",
        },
        {
            content: "Open the consumption chart",
            trigger: ".o_form_view button[name=action_view_jit_consumption]",
            run: "click",
        },
        {
            content: "The chart says which product it shows",
            trigger: `.o_graph_view .o_searchview_facet:contains('${PRODUCT}')`,
        },
        {
            content: "And draws consumption, ADU, min and max",
            trigger: ".o_graph_view .o_graph_canvas_container canvas",
        },
    ],
});
