/** @odoo-module **/
// Copyright 2026 JIT Replenishment Suite
// License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).

import { Component, onWillStart, onWillUnmount, useRef, useState } from "@odoo/owl";
import { deserializeDateTime, formatDateTime } from "@web/core/l10n/dates";
import { _t } from "@web/core/l10n/translation";
import { ConnectionLostError, RPCError } from "@web/core/network/rpc";
import { registry } from "@web/core/registry";
import { useService } from "@web/core/utils/hooks";
import { standardActionServiceProps } from "@web/webclient/actions/action_service";

const MODEL = "jit.consumption";
const STORAGE_KEY = "jit_replenishment.scan_location";

/** A key per scan attempt: kept while the answer is unknown (lost
 * connection), so that validating again never records the scan twice. */
function newKey() {
    if (window.crypto && window.crypto.randomUUID) {
        return window.crypto.randomUUID();
    }
    return `${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 12)}`;
}

export class ConsumptionScan extends Component {
    static template = "jit_replenishment.ConsumptionScan";
    static props = { ...standardActionServiceProps };

    setup() {
        this.orm = useService("orm");
        this.notification = useService("notification");
        this.productInput = useRef("product");
        this.locationInput = useRef("location");
        this.video = useRef("video");
        this.state = useState({
            locations: [],
            location: null,
            locationCode: "",
            code: "",
            quantity: 1,
            busy: false,
            error: "",
            scans: [],
            camera: null, // "location" or "product" while the camera is on
        });
        this.pending = null; // {signature, key} of a scan whose answer was lost
        this.cameraSupported = "BarcodeDetector" in window && !!navigator.mediaDevices;
        onWillStart(async () => {
            const [locations, scans] = await Promise.all([
                this.orm.call(MODEL, "scan_locations", []),
                this.orm.call(MODEL, "recent_scans", []),
            ]);
            this.state.locations = locations;
            this.state.scans = scans;
            const saved = Number(window.localStorage.getItem(STORAGE_KEY));
            this.state.location = locations.find((loc) => loc.id === saved) || null;
        });
        onWillUnmount(() => this.stopCamera());
    }

    formatDate(value) {
        return formatDateTime(deserializeDateTime(value));
    }

    // --- location ------------------------------------------------------
    setLocation(location) {
        this.state.location = location;
        this.state.error = "";
        window.localStorage.setItem(STORAGE_KEY, String(location.id));
        this.focusProduct();
    }

    onLocationSelect(ev) {
        const id = Number(ev.target.value);
        const location = this.state.locations.find((loc) => loc.id === id);
        if (location) {
            this.setLocation(location);
        }
    }

    async onLocationKeydown(ev) {
        if (ev.key === "Enter") {
            await this.findLocation(this.state.locationCode);
        }
    }

    async findLocation(code) {
        if (!code.trim()) {
            return;
        }
        try {
            this.setLocation(await this.orm.call(MODEL, "find_location", [code.trim()]));
            this.state.locationCode = "";
        } catch (error) {
            this.showError(error);
        }
    }

    changeLocation() {
        this.state.location = null;
        window.localStorage.removeItem(STORAGE_KEY);
    }

    // --- quantity --------------------------------------------------------
    increment(step) {
        const current = Number(String(this.state.quantity).replace(",", ".")) || 0;
        this.state.quantity = Math.max(1, Math.round((current + step) * 1000) / 1000);
    }

    // --- scan ------------------------------------------------------------
    focusProduct() {
        setTimeout(() => this.productInput.el && this.productInput.el.focus());
    }

    async onProductKeydown(ev) {
        if (ev.key === "Enter") {
            ev.preventDefault();
            await this.validate();
        }
    }

    async validate() {
        const { location, code, quantity } = this.state;
        if (this.state.busy || !location) {
            return;
        }
        const signature = JSON.stringify([location.id, code.trim(), String(quantity)]);
        if (!this.pending || this.pending.signature !== signature) {
            this.pending = { signature, key: newKey() };
        }
        this.state.busy = true;
        try {
            const scan = await this.orm.call(MODEL, "scan", [
                code.trim(),
                quantity,
                location.id,
                this.pending.key,
            ]);
            this.pending = null;
            this.state.error = "";
            this.state.code = "";
            this.state.quantity = 1;
            this.notification.add(
                _t("%(quantity)s %(uom)s %(product)s consumed from %(location)s.", {
                    quantity: scan.quantity,
                    uom: scan.uom,
                    product: scan.product,
                    location: scan.location,
                }),
                { type: "success" }
            );
            await this.loadScans();
        } catch (error) {
            if (!(error instanceof ConnectionLostError)) {
                this.pending = null; // refused: a corrected scan is a new one
            }
            this.showError(error);
        } finally {
            this.state.busy = false;
            this.focusProduct();
        }
    }

    async undo(scan) {
        try {
            const back = await this.orm.call(MODEL, "action_undo", [[scan.id]]);
            this.notification.add(
                _t("Undone: %(quantity)s %(uom)s %(product)s back to %(location)s.", {
                    quantity: back.quantity,
                    uom: back.uom,
                    product: back.product,
                    location: back.location_dest,
                }),
                { type: "info" }
            );
            this.state.error = "";
        } catch (error) {
            this.showError(error);
        }
        await this.loadScans();
    }

    async loadScans() {
        this.state.scans = await this.orm.call(MODEL, "recent_scans", []);
    }

    showError(error) {
        let message;
        if (error instanceof ConnectionLostError) {
            message = _t(
                "Connection lost: nothing is known about this scan yet. Validate " +
                    "again when the connection is back; it will not be recorded twice."
            );
        } else if (error instanceof RPCError) {
            message = (error.data && error.data.message) || error.message;
        } else {
            throw error;
        }
        // Shown at the top of the page (a toast would cover it on a phone).
        this.state.error = message;
    }

    // --- camera (BarcodeDetector) ------------------------------------------
    async startCamera(target) {
        this.stopCamera();
        this.state.camera = target;
        try {
            this.stream = await navigator.mediaDevices.getUserMedia({
                video: { facingMode: "environment" },
            });
        } catch {
            this.state.camera = null;
            this.state.error = _t("The camera is not available: type or scan the code.");
            return;
        }
        const detector = new window.BarcodeDetector();
        this.video.el.srcObject = this.stream;
        await this.video.el.play();
        this.cameraTimer = setInterval(async () => {
            const codes = await detector.detect(this.video.el).catch(() => []);
            if (codes.length) {
                const value = codes[0].rawValue;
                const kind = this.state.camera;
                this.stopCamera();
                if (kind === "location") {
                    await this.findLocation(value);
                } else {
                    this.state.code = value;
                    this.focusProduct();
                }
            }
        }, 300);
    }

    stopCamera() {
        clearInterval(this.cameraTimer);
        if (this.stream) {
            this.stream.getTracks().forEach((track) => track.stop());
            this.stream = null;
        }
        this.state.camera = null;
    }
}

registry.category("actions").add("jit_replenishment.consumption_scan", ConsumptionScan);
