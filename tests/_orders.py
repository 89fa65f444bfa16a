"""Test data made as admin over XML-RPC: customers, products, scheduled work orders."""

import uuid
from datetime import datetime, timedelta, timezone

WIRE = "%Y-%m-%d %H:%M:%S"


def make_world(admin):
    """A customer and a product for one test (unique names)."""
    tag = uuid.uuid4().hex[:8]
    return {
        "customer": admin("res.partner", "create", {"name": f"Sync customer {tag}"}),
        "product": admin("product.product", "create", {"name": f"Seal {tag}", "type": "consu"}),
    }


def make_order(admin, odoo, world, tech_id, hours_ago=5, checklist=("Isolate power",), **vals):
    """A scheduled order of ``tech_id``, created and scheduled ``hours_ago`` hours ago (device
    times of offline work are refused when older than the order or its last status change).

    ``checklist`` items are names or dicts of checklist line values; ``vals`` are more order
    values (``material_ids``...)."""
    order_id = admin("field.work.order", "create", {
        "partner_id": world["customer"], "user_id": tech_id,
        "scheduled_start": (datetime.now(timezone.utc) + timedelta(days=1)).strftime(WIRE),
        "checklist_ids": [(0, 0, item if isinstance(item, dict) else {"name": item})
                          for item in checklist],
        **vals,
    })
    admin("field.work.order", "action_schedule", [order_id])
    with odoo.pg() as conn, conn.cursor() as cr:
        cr.execute("UPDATE field_work_order SET create_date = (now() AT TIME ZONE 'UTC') "
                   "- make_interval(hours => %s), date_last_state_update = (now() AT TIME ZONE "
                   "'UTC') - make_interval(hours => %s) WHERE id = %s",
                   [hours_ago, hours_ago, order_id])
    return order_id


def read(admin, model, ids, fields):
    return admin(model, "read", ids, fields)
