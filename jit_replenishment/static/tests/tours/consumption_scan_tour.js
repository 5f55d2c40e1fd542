/** @odoo-module **/

import { registry } from "@web/core/registry";

const line = (product) => `.o_jit_scan_line:contains('${product}')`;

// An operator picks the location by typing its barcode, scans two products
// by typing their barcodes (as a hand scanner does, ending with Enter), is
// told about an unknown barcode, and undoes the first scan.
registry.category("web_tour.tours").add("jit_consumption_scan", {
    steps: () => [
        {
            content: "Scan the location's barcode",
            trigger: ".o_jit_scan_location_code",
            run: "edit TOUR-SHELF && press Enter",
        },
        {
            content: "The location is set",
            trigger: ".o_jit_scan_location_name:contains('Tour Shelf')",
        },
        {
            content: "Type the bolt's barcode",
            trigger: ".o_jit_scan_code",
            run: "edit TOUR-BOLT",
        },
        {
            content: "Two bolts",
            trigger: ".o_jit_scan_plus",
            run: "click",
        },
        {
            content: "Validate",
            trigger: ".o_jit_scan_validate:enabled",
            run: "click",
        },
        {
            content: "The bolt scan is listed with its undo",
            trigger: `${line("Tour Bolt")}:contains('2') .o_jit_scan_undo`,
        },
        {
            content: "An unknown barcode",
            trigger: ".o_jit_scan_code",
            run: "edit NO-SUCH-CODE && press Enter",
        },
        {
            content: "Told what was wrong",
            trigger: ".o_jit_scan_error:contains('NO-SUCH-CODE')",
        },
        {
            content: "Scan the nut like a hand scanner: code and Enter",
            trigger: ".o_jit_scan_code",
            run: "edit TOUR-NUT && press Enter",
        },
        {
            content: "The nut scan is listed",
            trigger: `${line("Tour Nut")} .o_jit_scan_undo`,
        },
        {
            content: "Undo the bolts",
            trigger: `${line("Tour Bolt")} .o_jit_scan_undo`,
            run: "click",
        },
        {
            content: "The bolt scan is undone",
            trigger: `${line("Tour Bolt")} .badge:contains('Undone')`,
        },
        {
            content: "Its undo is listed",
            trigger: `.o_jit_scan_line:contains('Undo: back to')`,
        },
    ],
});
