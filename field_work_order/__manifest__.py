{
    "name": "Field Work Orders",
    "version": "18.0.1.0.0",
    "category": "Services/Field Service",
    "summary": "Work orders for service jobs: scheduling, execution, proof, verification",
    "author": "Field Work Order contributors",
    "website": "https://github.com/field-work-order/field-work-order",
    "license": "LGPL-3",
    "development_status": "Beta",
    "maintainers": [],
    "depends": ["mail", "stock", "account"],
    "data": [
        "security/field_work_order_security.xml",
        "security/ir.model.access.csv",
        "data/ir_sequence_data.xml",
        "wizard/field_work_order_rework_views.xml",
        "views/field_work_order_views.xml",
        "views/field_work_order_job_type_views.xml",
        "views/res_config_settings_views.xml",
        "views/field_work_order_menus.xml",
    ],
    "demo": ["demo/field_work_order_demo.xml"],
    "assets": {
        "web.assets_backend": [
            "field_work_order/static/src/**/*",
        ],
        "web.assets_tests": [
            "field_work_order/static/tests/tours/**/*",
        ],
        "web.assets_unit_tests": [
            "field_work_order/static/tests/**/*.test.js",
        ],
    },
    "application": True,
    "installable": True,
}
