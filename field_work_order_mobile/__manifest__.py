{
    "name": "Field Work Orders: Technician App and Sync",
    "version": "18.0.1.0.0",
    "category": "Services/Field Service",
    "summary": "Offline-safe, exactly-once sync API for technicians' phones and integrators",
    "author": "Field Work Order contributors",
    "website": "https://github.com/field-work-order/field-work-order",
    "license": "LGPL-3",
    "development_status": "Beta",
    "maintainers": [],
    "depends": ["field_work_order"],
    "data": [
        "security/ir.model.access.csv",
        "views/res_config_settings_views.xml",
    ],
    "installable": True,
}
