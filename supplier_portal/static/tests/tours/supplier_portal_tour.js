/** @odoo-module **/

import { registry } from "@web/core/registry";

const line = (product) => `tr:has(#product_name:contains('${product}'))`;

// A vendor signed in on its RFQ: proposes another date for one line,
// confirms the other, sends.
registry.category("web_tour.tours").add("supplier_portal_vendor_answer", {
    steps: () => [
        {
            content: "Propose for the bracket",
            trigger: `${line("SP Bracket")} label:contains('Propose')`,
            run: "click",
        },
        {
            content: "A date three weeks ahead",
            trigger: `${line("SP Bracket")} input[type=date]`,
            run() {
                const day = new Date(Date.now() + 21 * 86400000);
                this.anchor.value = day.toISOString().slice(0, 10);
            },
        },
        {
            content: "A comment",
            trigger: `${line("SP Bracket")} input[name^=note_]`,
            run: "edit Tooling change in week 2",
        },
        {
            content: "Confirm the hinge as ordered",
            trigger: `${line("SP Hinge")} label:contains('Confirm')`,
            run: "click",
        },
        {
            content: "Send the answers",
            trigger: "#sp_send",
            run: "click",
            expectUnloadPage: true,
        },
        {
            content: "Thanked",
            trigger: "#sp_notice",
        },
        {
            content: "The bracket waits for the buyer",
            trigger: `${line("SP Bracket")} .badge:contains('Proposal sent, waiting for the buyer')`,
        },
        {
            content: "The hinge is confirmed",
            trigger: `${line("SP Hinge")} .badge:contains('Confirmed')`,
        },
    ],
});

// The buyer accepts the proposal from the order form and sees it confirmed.
registry.category("web_tour.tours").add("supplier_portal_buyer_accepts", {
    steps: () => [
        {
            content: "The order tells there are proposals",
            trigger: ".o_form_view .alert-info:contains('The vendor proposed')",
        },
        {
            content: "Accept the proposals",
            trigger: "button[name=action_vendor_proposals_accept]",
            run: "click",
        },
        {
            content: "The order is confirmed",
            trigger: ".o_statusbar_status button.o_arrow_button_current:contains('Purchase Order')",
        },
    ],
});
