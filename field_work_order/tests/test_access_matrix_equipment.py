"""The access matrix's rows of customer equipment: units, readings, the order's units and
the units' tags, the QR label sheet and the address its codes open."""

from urllib.parse import quote, urlparse

from .access_matrix import (
    READERS,
    Call,
    Http,
    allow,
    count,
    exists,
    observe_fields,
    write,
)
from .common import PNG

UNIT = "field.work.order.equipment"
READING = "field.work.order.reading"
APP = ("A", "H", "B")
SEEN_BY = (*READERS, "B")  # every internal user of the company sees its units and readings


def _unit_create(name, partner, serial):
    return Call(
        UNIT, "create", lambda t: [{
            "name": name, "partner_id": partner(t).id, "serial_number": serial,
            "company_id": t.c1.id,
        }],
        observe=count(UNIT, lambda t: [("serial_number", "=", serial)]), expect=(1,),
        names=("work orders", "dispatcher"),
    )


class Redirect(Http):
    """A GET of the label's address: an allowed role is sent on to its own screen of the unit
    (``target(t, role)``: path and fragment), a denied one to none."""

    def __init__(self, url, target):
        super().__init__(url)
        self.target = target


def _label_target(record):
    def target(t, role):
        unit = record(t)
        if role == "P":
            return f"/my/equipment/{unit.id}", ""
        if role in APP:
            return "/field-service", f"/equipment/{unit.id}"
        return f"/odoo/action-field_work_order.field_work_order_equipment_action/{unit.id}", ""
    return target


def _label_report(record):
    context = quote('{"force_report_rendering": true}')
    return lambda t: (f"/report/pdf/field_work_order.report_equipment_label_sheet/"
                      f"{record(t).id}?context={context}")


def _counts(t, role, result):
    expected = (0, 0) if role == "D2" else (2, 1)
    return [(r["fwo_equipment_count"], r["fwo_site_equipment_count"]) for r in result] == [expected]


ROWS = [
    # --- units -----------------------------------------------------------------
    ("equipment: read a unit at the orders' site", Call(
        UNIT, "read", lambda t: [[t.unit.id], ["name", "serial_number", "warranty_end"]],
        check=lambda t, role, result: [(r["name"], r["serial_number"]) for r in result]
        == [("Matrix Condenser", "MX-1")], names=("equipment",),
    ), allow(*SEEN_BY)),
    ("equipment: read the portal user's own unit", Call(
        UNIT, "read", lambda t: [[t.unit_p.id], ["name"]],
        check=lambda t, role, result: [r["name"] for r in result] == ["Matrix Water Heater"],
        names=("equipment",),
    ), allow(*SEEN_BY, "P")),
    ("equipment: add a unit at the orders' site", _unit_create(
        "matrix: unit found on site", lambda t: t.customer, "MX-NEW"), allow("A", "H", "D")),
    ("equipment: add a unit at another customer's site", _unit_create(
        "matrix: unit elsewhere", lambda t: t.customer2, "MX-ELSEWHERE"), allow("D")),
    ("equipment: write the location and the notes", write(
        lambda t: t.unit, {"location_note": "Roof, west side", "note": "<p>Guard loose</p>"},
        model=UNIT, names=("work orders",),
    ), allow("A", "H", "D")),
    ("equipment: write the warranty end", write(
        lambda t: t.unit, {"warranty_end": "2040-01-01"}, model=UNIT,
    ), allow("D")),
    ("equipment: write the owner", write(
        lambda t: t.unit, lambda t: {"partner_id": t.customer2.id}, ["partner_id"], model=UNIT,
        expect=lambda t, role: (t.customer2.id,),
    ), allow("D")),
    ("equipment: write the serial number", write(
        lambda t: t.unit, {"serial_number": "FORGED"}, model=UNIT,
    ), allow("D")),
    ("equipment: retire (action_archive)", Call(
        UNIT, "action_archive", lambda t: [[t.unit.id]],
        observe=observe_fields(lambda t: t.unit, ["active"]),
        expect=(False,), check=lambda t, role, result: result is True, names=("active",),
    ), allow("D")),
    ("equipment: action_unarchive (a retired unit back in service)", Call(
        UNIT, "action_unarchive", lambda t: [[t.unit_retired.id]],
        observe=observe_fields(lambda t: t.unit_retired, ["active"]),
        expect=(True,), check=lambda t, role, result: result is True, names=("active",),
    ), allow("D")),
    ("equipment: action_share (Odoo's Share wizard: the portal link by email)", Call(
        UNIT, "action_share", [], lambda t: {"context": {"active_id": t.unit.id, "active_model": UNIT}},
        check=lambda t, role, result: result.get("res_model") == "portal.share",
        names=("dispatcher",),
    ), allow("D")),
    ("equipment: unlink", Call(
        UNIT, "unlink", lambda t: [[t.unit.id]],
        observe=exists(lambda t: t.unit), expect=(False,), names=("dispatcher",),
    ), allow("D")),
    *((f"equipment: {method} ({what})", Call(
        UNIT, method, lambda t: [[t.unit.id]],
        check=lambda t, role, result, model=model: result.get("res_model") == model,
        names=("equipment",),
    ), allow(*SEEN_BY)) for method, what, model in (
        ("action_view_orders", "its visits", "field.work.order"),
        ("action_view_readings", "its graph", READING),
        ("action_view_materials", "parts replaced", "field.work.order.material"),
        ("action_view_photos", "its photos", "field.work.order.photo"),
    )),
    ("contact: read its equipment counts", Call(
        "res.partner", "read",
        lambda t: [[t.customer.id], ["fwo_equipment_count", "fwo_site_equipment_count"]],
        check=_counts, names=("equipment",),
    ), allow(*SEEN_BY, "D2")),
    # --- readings --------------------------------------------------------------
    ("reading: read a unit's reading", Call(
        READING, "read", lambda t: [[t.reading.id], ["value", "out_of_range"]],
        check=lambda t, role, result: [(r["value"], r["out_of_range"]) for r in result]
        == [(85.0, True)], names=("reading",),
    ), allow(*SEEN_BY)),
    ("reading: record a reading (open order)", Call(
        READING, "create", lambda t: [{
            "work_order_id": t.o_prog.id, "equipment_id": t.unit.id,
            "definition_id": t.definition.id, "value": 70.0,
        }],
        observe=count(READING, lambda t: [("work_order_id", "=", t.o_prog.id)]), expect=(2,),
        names=("reading",),
    ), allow("A", "H", "D")),
    ("reading: record a reading (done order)", Call(
        READING, "create", lambda t: [{
            "work_order_id": t.o_done.id, "equipment_id": t.unit.id, "name": "Amps", "value": 5.0,
        }],
        observe=count(READING, lambda t: [("work_order_id", "=", t.o_done.id)]), expect=(1,),
        names=("dispatcher",),
    ), allow("D")),
    ("reading: change the value", write(
        lambda t: t.reading, {"value": 70.0}, model=READING,
    ), allow("A", "H", "D")),
    ("reading: change the expected range", write(
        lambda t: t.reading, {"min_value": 0.0}, model=READING,
    ), allow()),
    ("reading: delete a reading (open order)", Call(
        READING, "unlink", lambda t: [[t.reading.id]],
        observe=exists(lambda t: t.reading), expect=(False,), names=("reading",),
    ), allow("A", "H", "D")),
    ("job type: add a measurement", Call(
        "field.work.order.job.type.reading", "create", lambda t: [{
            "job_type_id": t.job_type.id, "name": "matrix: supply air", "min_value": 12,
            "max_value": 16,
        }],
        observe=count("field.work.order.job.type.reading",
                      lambda t: [("name", "=", "matrix: supply air")]),
        expect=(1,), names=("job type measurement",),
    ), allow("D")),
    ("job type: set the warranty work", write(
        lambda t: t.job_type, {"warranty_coverage": "labor"}, model="field.work.order.job.type",
        names=("job type", "warranty_coverage"),
    ), allow("D")),
    # --- the order's units and the tags of its lines -----------------------------------
    ("order: set its equipment", write(
        lambda t: t.o_sched, lambda t: {"equipment_ids": [(6, 0, t.unit.ids)]},
        ["equipment_ids"], expect=lambda t, role: ((t.unit.id,),),
    ), allow("D")),
    ("material: tag a used part to a unit", write(
        lambda t: t.planned_line, lambda t: {"equipment_id": t.unit.id}, ["equipment_id"],
        expect=lambda t, role: (t.unit.id,), model="field.work.order.material",
    ), allow("A", "H", "D")),
    ("photo: tag A's photo to a unit", write(
        lambda t: t.photo_open, lambda t: {"equipment_id": t.unit.id}, ["equipment_id"],
        expect=lambda t, role: (t.unit.id,), model="field.work.order.photo",
        names=("dispatcher",),
    ), allow("A", "D")),
    ("checklist: tag an item to a unit", write(
        lambda t: t.required_line, lambda t: {"equipment_id": t.unit.id}, ["equipment_id"],
        expect=lambda t, role: (t.unit.id,), model="field.work.order.checklist.line",
    ), allow("D")),
    # --- the label sheet and its address --------------------------------------------
    ("GET equipment QR label sheet PDF", Http(_label_report(lambda t: t.unit)), allow(*SEEN_BY)),
    ("GET /fwo/equipment/<id> (a unit at the orders' site)", Redirect(
        lambda t: f"/fwo/equipment/{t.unit.id}", _label_target(lambda t: t.unit),
    ), allow(*SEEN_BY)),
    ("GET /fwo/equipment/<id> (the portal user's own unit)", Redirect(
        lambda t: f"/fwo/equipment/{t.unit_p.id}", _label_target(lambda t: t.unit_p),
    ), allow(*SEEN_BY, "P")),
    # --- the customer portal's pages of units ------------------------------------------
    # Internal users on the portal list their own company's units as a customer.
    ("GET /my/equipment (the list: the portal user's own unit)", Http(
        lambda t: "/my/equipment", page=b"Matrix Water Heater",
    ), allow("P")),
    ("GET /my/equipment/<id> (the portal user's own unit)", Http(
        lambda t: f"/my/equipment/{t.unit_p.id}", page=b"Matrix Water Heater",
    ), allow(*SEEN_BY, "P")),
    ("GET /my/equipment/<id> (another customer's unit)", Http(
        lambda t: f"/my/equipment/{t.unit.id}", page=b"Matrix Condenser",
    ), allow(*SEEN_BY)),
]


class EquipmentRows:
    """What the equipment's rows need: units, a reading and a tagged photo (built in the test,
    rolled back with it), and the judging of the label's redirects."""

    def _build_equipment(self):
        env = self.env
        self.definition = env["field.work.order.job.type.reading"].create({
            "job_type_id": self.job_type.id, "name": "Suction pressure", "uom": "psi",
            "min_value": 60, "max_value": 80,
        })
        Unit = env[UNIT].with_user(self.disp)
        self.unit = Unit.create({
            "name": "Matrix Condenser", "partner_id": self.customer.id, "serial_number": "MX-1",
            "install_date": "2021-05-01", "warranty_end": "2031-03-31",
        }).with_env(env)
        self.unit_p = Unit.create({
            "name": "Matrix Water Heater", "partner_id": self.portal.partner_id.id,
        }).with_env(env)
        self.unit_retired = Unit.create({
            "name": "Matrix Old Boiler", "partner_id": self.customer.id, "active": False,
        }).with_env(env)
        Unit.create({"name": "Matrix Annex Boiler", "partner_id": self.customer.id,
                     "service_partner_id": self.site2.id})
        self.reading = env[READING].with_user(self.tech_a).create({
            "work_order_id": self.o_prog.id, "equipment_id": self.unit.id,
            "definition_id": self.definition.id, "value": 85.0,
        }).with_env(env)
        self.photo_open = env["field.work.order.photo"].with_user(self.tech_a).create({
            "work_order_id": self.o_prog.id, "image": PNG, "kind": "before",
        }).with_env(env)
        env.flush_all()

    def _judge_http(self, spec, role, allowed, response):
        if not isinstance(spec, Redirect):
            return super()._judge_http(spec, role, allowed, response)
        first = response.history[0] if response.history else response
        location = urlparse(first.headers.get("Location", ""))
        sent = (location.path, location.fragment)
        good = first.status_code in (302, 303) and sent == spec.target(self, role)
        if good == allowed:
            return None
        return f"{'not sent' if allowed else 'sent'} to the unit: {first.status_code} {sent}"
