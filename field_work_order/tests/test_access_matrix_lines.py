"""The access matrix's rows of the order's lines: checklist, parts, labor, photos."""

from .access_matrix import (
    WORKERS,
    Call,
    ago,
    allow,
    count,
    exists,
    observe_fields,
)
from .common import PNG

ROWS = [
    # --- lines of the order ------------------------------------------------
    ("checklist: tick the required item", Call(
        "field.work.order.checklist.line", "write",
        lambda t: [[t.required_line.id], {"done": True}],
        observe=observe_fields(lambda t: t.required_line, ["done", "done_by"]),
        expect=lambda t, role: (True, t.users[role].id),
        check=lambda t, role, result: result is True, names=("done",),
    ), allow(*WORKERS)),
    ("checklist: make the required item optional", Call(
        "field.work.order.checklist.line", "write",
        lambda t: [[t.required_line.id], {"required": False}],
        observe=observe_fields(lambda t: t.required_line, ["required"]), expect=(False,),
        names=("required", "dispatcher"),
    ), allow("D")),
    ("checklist: rename an item", Call(
        "field.work.order.checklist.line", "write",
        lambda t: [[t.required_line.id], {"name": "Skip the power check"}],
        observe=observe_fields(lambda t: t.required_line, ["name"]),
        expect=("Skip the power check",), names=("name", "item", "dispatcher"),
    ), allow("D")),
    ("checklist: add an item", Call(
        "field.work.order.checklist.line", "create",
        lambda t: [{"work_order_id": t.o_prog.id, "name": "matrix: extra item"}],
        observe=count("field.work.order.checklist.line",
                       lambda t: [("name", "=", "matrix: extra item")]),
        expect=(1,), names=("dispatcher",),
    ), allow("D")),
    ("checklist: delete the required item", Call(
        "field.work.order.checklist.line", "unlink", lambda t: [[t.required_line.id]],
        observe=exists(lambda t: t.required_line), expect=(False,), names=("dispatcher",),
    ), allow("D")),
    ("material: record the used quantity", Call(
        "field.work.order.material", "write",
        lambda t: [[t.planned_line.id], {"quantity_used": 3}],
        observe=observe_fields(lambda t: t.planned_line, ["quantity_used"]), expect=(3.0,),
        names=("quantity_used",),
    ), allow(*WORKERS)),
    ("material: change the planned quantity", Call(
        "field.work.order.material", "write",
        lambda t: [[t.planned_line.id], {"product_uom_qty": 5}],
        observe=observe_fields(lambda t: t.planned_line, ["product_uom_qty"]), expect=(5.0,),
        names=("product_uom_qty", "planned", "dispatcher"),
    ), allow("D")),
    ("material: add a used part (no planned quantity)", Call(
        "field.work.order.material", "create",
        lambda t: [{"work_order_id": t.o_prog.id, "product_id": t.tape.id, "quantity_used": 1}],
        observe=count("field.work.order.material", lambda t: [
            ("work_order_id", "=", t.o_prog.id), ("product_id", "=", t.tape.id)]),
        expect=(1,), names=("dispatcher",),
    ), allow(*WORKERS)),
    ("material: delete the planned line", Call(
        "field.work.order.material", "unlink", lambda t: [[t.planned_line.id]],
        observe=exists(lambda t: t.planned_line), expect=(False,),
        names=("dispatcher", "planned"),
    ), allow("D")),
    ("labor: describe A's own line", Call(
        "field.work.order.labor", "write",
        lambda t: [[t.labor_a.id], {"description": "Diagnosis"}],
        observe=observe_fields(lambda t: t.labor_a, ["description"]), expect=("Diagnosis",),
        names=("description", "own", "dispatcher"),
    ), allow("A", "D")),
    ("labor: describe H's line", Call(
        "field.work.order.labor", "write",
        lambda t: [[t.labor_h.id], {"description": "Diagnosis"}],
        observe=observe_fields(lambda t: t.labor_h, ["description"]), expect=("Diagnosis",),
        names=("description", "own", "dispatcher"),
    ), allow("H", "D")),
    ("labor: delete H's line", Call(
        "field.work.order.labor", "unlink", lambda t: [[t.labor_h.id]],
        observe=exists(lambda t: t.labor_h), expect=(False,),
        names=("own", "dispatcher"),
    ), allow("H", "D")),
    ("labor: add a line for H", Call(
        "field.work.order.labor", "create", lambda t: [{
            "work_order_id": t.o_prog.id, "user_id": t.tech_h.id,
            "date_start": ago(minutes=3), "date_end": ago(minutes=1),
            "description": "matrix: added line",
        }],
        observe=count("field.work.order.labor", lambda t: [("description", "=", "matrix: added line")]),
        expect=(1,), names=("user_id", "technician", "own", "dispatcher"),
    ), allow("H", "D")),
    ("photo: add a photo", Call(
        "field.work.order.photo", "create",
        lambda t: [{"work_order_id": t.o_prog.id, "image": PNG, "kind": "before",
                    "note": "matrix: added photo"}],
        observe=count("field.work.order.photo", lambda t: [("note", "=", "matrix: added photo")]),
        expect=(1,),
    ), allow(*WORKERS)),
]

