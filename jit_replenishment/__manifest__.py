# Copyright 2026 JIT Replenishment Suite
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
{
    "name": "JIT Replenishment",
    "summary": "Consumption-driven reordering rules, supplier SLA and carrying-cost "
    "reports for just-in-time purchasing",
    "version": "18.0.1.0.0",
    "category": "Inventory/Purchase",
    "website": "https://github.com/jit-replenishment/jit-replenishment",
    "author": "JIT Replenishment Suite",
    "maintainers": ["jit-replenishment"],
    "license": "LGPL-3",
    "development_status": "Alpha",
    "application": False,
    "installable": True,
    "depends": ["stock", "purchase_stock", "mail"],
    "external_dependencies": {"python": ["jit_core", "numpy"]},
    "data": [
        "security/jit_replenishment_security.xml",
        "security/ir.model.access.csv",
        "data/jit_profile_data.xml",
        "data/mail_template_data.xml",
        "views/jit_profile_views.xml",
        "views/jit_run_views.xml",
        "views/stock_warehouse_orderpoint_views.xml",
        "views/product_views.xml",
        "views/res_config_settings_views.xml",
        "views/purchase_order_views.xml",
        "report/jit_consumption_report_views.xml",
        "views/menus.xml",
        "data/ir_cron_data.xml",
    ],
    "demo": ["demo/jit_demo.xml"],
}
