# Copyright 2026 JIT Replenishment Suite
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
{
    "name": "JIT Supplier Portal",
    "summary": "Vendors confirm, reject or counter-propose purchase orders in the "
    "portal and see the demand coming their way",
    "version": "18.0.1.0.0",
    "category": "Inventory/Purchase",
    "website": "https://github.com/jit-replenishment/jit-replenishment",
    "author": "JIT Replenishment Suite",
    "maintainers": ["jit-replenishment"],
    "license": "LGPL-3",
    "development_status": "Alpha",
    "application": False,
    "installable": True,
    "depends": ["portal", "purchase", "jit_replenishment"],
    "data": [
        "security/ir.model.access.csv",
        "data/mail_activity_type_data.xml",
        "data/mail_template_data.xml",
        "views/res_partner_views.xml",
        "views/purchase_order_views.xml",
        "views/portal_templates.xml",
    ],
    "assets": {
        "web.assets_tests": ["supplier_portal/static/tests/tours/*.js"],
    },
    "demo": [],
}
