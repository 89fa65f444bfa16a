{
    "name": "Field Work Orders: test rules",
    "version": "18.0.1.0.0",
    "category": "Hidden/Tests",
    "summary": "Test only: changes the state machine while a setting is on, to show clients follow it",
    "author": "Field Work Order contributors",
    "website": "https://github.com/field-work-order/field-work-order",
    "license": "LGPL-3",
    "depends": ["field_work_order"],
    "installable": True,
}
