"""The access matrix (issue #9): who may do what, asked over the real RPC routes.

Each addon tests the rows of its own models and routes: ``field_work_order``'s
tests the order, its actions, lines, agreements and downloads
(``test_access_matrix_*.py``), ``field_work_order_mobile``'s the sync API and
the app's route. This module holds what they share: the roles, the row
builders and ``AccessMatrixCase`` (the users, orders and agreements of the
matrix, and the cell runner).

Every cell of a row is one operation done by one role through a real
route of the test server, never through ``sudo()``: ORM calls go through
``/xmlrpc/2/object`` and again through ``/jsonrpc`` (``execute_kw`` with the
user's login and password), reports and downloads through a web session.
A cell passes when an allowed call returns and its effect is there (the new
value, the new state, the created record), or when a denied call fails with
an access error and changes nothing. docs/security.md prints the same table.

Roles (one company C1 unless said):

- ``A``: technician, lead of the orders (``user_id``);
- ``H``: technician helping on the orders (in ``technician_ids``, not lead);
- ``B``: technician not on the orders;
- ``D``: dispatcher of C1;
- ``X``: accountant (internal user + Invoicing's Billing group);
- ``D2``: dispatcher of another company (C2 only);
- ``P``: portal user;
- ``none``: no login (no credentials over RPC, no session over HTTP).

Each cell runs inside a savepoint rolled back afterwards, so the cells do not
see each other's changes; the runner checks that after each rollback.
"""


import base64
import io
import json
import logging
import xmlrpc.client
from datetime import timedelta
from pathlib import Path
from urllib.parse import quote, urlparse

from PIL import Image

from odoo import fields
from odoo.tests import HttpCase, new_test_user

from .common import PNG, serve_report_assets

_logger = logging.getLogger(__name__)

ROLES = ("A", "H", "B", "D", "X", "D2", "P", "none")
READERS = ("A", "H", "D", "X")
WORKERS = ("A", "H", "D")  # who works on the orders: the named-denial checks apply to them
RPC = ("xmlrpc", "jsonrpc")
HTTP = ("http",)
ACCESS = ("AccessError", "AccessDenied")
# Context keys a caller may send to pass for the server's own writes or a device time: the
# ones of the issue and the ones the code uses internally (which only server code can make).
ISSUE_CONTEXT = {"fwo_transition": True, "fwo_at": "2021-01-01 00:00:00"}
FORGED_CONTEXT = {
    **ISSUE_CONTEXT, "fwo_trusted": "trusted", "fwo_device_time": "2021-01-01 00:00:00",
}
# XML-RPC fault codes of /xmlrpc/2 (odoo/addons/base/controllers/rpc.py).
FAULT_KINDS = {2: "UserError", 3: "AccessDenied", 4: "AccessError"}
USER_ERRORS = {"UserError", "ValidationError", "MissingError", "RedirectWarning"}


def allow(*roles, skip=()):
    """{role: allowed} for every role but ``skip``: True for ``roles``."""
    return {role: role in roles for role in ROLES if role not in skip}


def _value(record, name):
    """A field's value in a comparable form: ids for relations, strings for dates and datetimes."""
    field = record._fields[name]
    value = record[name]
    if field.type == "many2one":
        return value.id
    if field.type in ("one2many", "many2many"):
        return tuple(sorted(value.ids))
    if field.type == "datetime":
        return fields.Datetime.to_string(value) if value else False
    if field.type == "date":
        return fields.Date.to_string(value) if value else False
    return value


def ago(**delta):
    """A wire-format UTC time ``delta`` ago: a technician's device time must not be ahead."""
    return fields.Datetime.to_string(fields.Datetime.now() - timedelta(**delta))


def resolve(obj, t):
    return obj(t) if callable(obj) else obj


class Call:
    """An ORM method called over RPC as the role's user.

    ``args``/``kwargs``: the call's arguments (or callables of the test).
    ``observe(t)``: what the call changes, read (as the test) before and after.
    ``expect``: the observed value after an allowed call (or a callable of the
    test and the role); a denied call must leave the observed value unchanged.
    ``check(t, role, result)``: more conditions on an allowed call's answer.
    ``names``: a denial of a role in ``named`` must name one of them (a field's
    technical name also matches its label), case-insensitive.
    ``refusals``: the error kinds that count as a denial.
    """

    protocols = RPC

    def __init__(self, model, method, args=(), kwargs=None, *, observe=None, expect=None,
                 check=None, names=(), named=WORKERS, refusals=ACCESS):
        self.model, self.method = model, method
        self.args, self.kwargs = args, kwargs
        self.observe, self.expect, self.check = observe, expect, check
        self.names, self.named, self.refusals = names, named, refusals


class Http:
    """A GET of a URL with the role's web session: a PDF, the bytes of an image, or a page."""

    protocols = HTTP
    observe = None

    def __init__(self, url, content=None, page=None):
        self.url = url
        self.content = content  # callable(t) -> expected bytes; None: a PDF
        self.page = page  # bytes the page must hold, served at the URL itself (no redirect)


class Route:
    """A POST of a portal JSON route with the role's web session (the customer's answer to a
    quote). Allowed: it answers without an ``error`` and ``observe`` reads ``expect``; denied:
    it answers an ``error`` and changes nothing."""

    protocols = ("route",)

    def __init__(self, url, params, *, observe, expect):
        self.url, self.params = url, params
        self.observe, self.expect = observe, expect


# --- builders of common rows -------------------------------------------------
def observe_fields(record, names):
    """``observe`` of fields of ``record(t)``; None when the record is gone."""
    def observe(t):
        rec = record(t).with_env(t.env)
        if not rec.exists():
            return None
        return tuple(_value(rec, name) for name in names)
    return observe


def write(record, vals, fnames=None, *, expect=None, names=None, context=None,
          refusals=ACCESS, model="field.work.order"):
    """``write(vals)`` on ``record(t)``; by default each field must then hold its new value.

    ``vals`` may be a callable of the test: then ``fnames`` names its fields.
    """
    fnames = list(fnames or vals)
    kwargs = {"context": context} if context else None
    return Call(
        model, "write", lambda t: [[record(t).id], resolve(vals, t)], kwargs,
        observe=observe_fields(record, fnames),
        expect=expect if expect is not None else tuple(vals[name] for name in fnames),
        check=lambda t, role, result: result is True,
        names=names if names is not None else tuple(fnames), refusals=refusals,
    )


def action(record, method, *, observe=None, expect=None, check=None, names=("dispatcher",),
           args=(), context=None, refusals=ACCESS):
    """A button of the order ``record(t)``; allowed ones answer True or an action."""
    def answered(t, role, result):
        if result is not True and not (isinstance(result, dict) and result.get("type")):
            return False
        return check(t, role, result) if check else True
    kwargs = {"context": context} if context else None
    return Call(
        "field.work.order", method, lambda t: [[record(t).id], *resolve(args, t)], kwargs,
        observe=observe, expect=expect, check=answered, names=names, refusals=refusals,
    )


def state_of(record):
    return observe_fields(record, ["state"])


def window(res_model):
    """check: the answer opens a window on ``res_model``."""
    return lambda t, role, result: (
        result.get("type") == "ir.actions.act_window" and result.get("res_model") == res_model
    )

def count(model, domain):
    return lambda t: (t.env[model].search_count(domain(t)),)


def exists(record):
    return lambda t: (bool(record(t).with_env(t.env).exists()),)


def report(name):
    context = quote(json.dumps({"force_report_rendering": True}))
    return lambda t: f"/report/pdf/field_work_order.{name}/{t.o_done.id}?context={context}"


def content_bytes(record, fname):
    return lambda t: base64.b64decode(record(t).with_env(t.env)[fname])


class AccessMatrixCase(HttpCase):
    """The matrix's users, orders and agreements; ``check_matrix(rows)`` runs every cell of ``rows``."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        env = cls.env
        serve_report_assets(cls)  # unstyled PDFs: the matrix is about who gets one
        cls.c1 = env.company
        cls.c2 = env["res.company"].create({"name": "Matrix Other Company"})

        def user(login, groups, company=cls.c1, **vals):
            return new_test_user(env, login, groups=groups, password=login, company_id=company.id,
                                 company_ids=[(6, 0, company.ids)], **vals)

        technician = "base.group_user,field_work_order.group_technician"
        cls.tech_a = user("fwo_mx_tech_a", technician, name="Alex Lead")
        cls.tech_h = user("fwo_mx_tech_h", technician, name="Harper Helper")
        cls.tech_b = user("fwo_mx_tech_b", technician, name="Blair Elsewhere")
        cls.disp = user("fwo_mx_disp", "base.group_user,field_work_order.group_dispatcher",
                        name="Dana Dispatcher")
        cls.accountant = user("fwo_mx_acct", "base.group_user,account.group_account_invoice",
                              name="Xavi Accountant")
        cls.disp2 = user("fwo_mx_disp2", "base.group_user,field_work_order.group_dispatcher",
                         company=cls.c2, name="Drew Otherco")
        cls.portal = user("fwo_mx_portal", "base.group_portal", name="Pat Portal")
        cls.users = {
            "A": cls.tech_a, "H": cls.tech_h, "B": cls.tech_b, "D": cls.disp,
            "X": cls.accountant, "D2": cls.disp2, "P": cls.portal,
        }

        Product = env["product.product"]
        hour = env.ref("uom.product_uom_hour")
        cls.labor_product = Product.create({
            "name": "Matrix Technician Hour", "type": "service", "uom_id": hour.id,
            "uom_po_id": hour.id, "list_price": 100.0, "taxes_id": [(5, 0, 0)],
        })
        cls.labor_product2 = Product.create({
            "name": "Matrix Overtime Hour", "type": "service", "uom_id": hour.id,
            "uom_po_id": hour.id, "list_price": 150.0, "taxes_id": [(5, 0, 0)],
        })
        cls.c1.fwo_labor_product_id = cls.labor_product
        cls.part = Product.create({
            "name": "Matrix Filter", "type": "consu", "is_storable": True, "list_price": 10.0,
            "standard_price": 4.0, "taxes_id": [(5, 0, 0)],
        })
        cls.tape = Product.create({"name": "Matrix Tape", "type": "consu", "taxes_id": [(5, 0, 0)]})
        cls.customer = env["res.partner"].create({"name": "Matrix Customer", "is_company": True})
        cls.site2 = env["res.partner"].create({
            "name": "Matrix Customer, Annex", "parent_id": cls.customer.id, "type": "other",
        })
        cls.customer2 = env["res.partner"].create({"name": "Matrix Other Customer"})
        cls.vendor = env["res.partner"].create({"name": "Matrix Subcontractor", "is_company": True})
        JobType = env["field.work.order.job.type"]
        cls.job_type = JobType.create({
            "name": "Matrix Repair", "planned_hours": 2.0,
            "checklist_template_ids": [
                (0, 0, {"name": "Isolate the power", "required": True, "sequence": 1}),
                (0, 0, {"name": "Tidy up", "sequence": 2}),
            ],
            "material_ids": [(0, 0, {"product_id": cls.part.id, "product_uom_qty": 2})],
        })
        cls.job_type2 = JobType.create({"name": "Matrix Inspection"})

        # Stock: A's van is where the orders' parts come from; the warehouse has plenty.
        warehouse = env["stock.warehouse"].search([("company_id", "=", cls.c1.id)], limit=1)
        cls.shelf = env["stock.location"].create({
            "name": "Matrix Shelf", "location_id": warehouse.lot_stock_id.id,
        })
        cls.tech_a.action_fwo_create_van()
        env["stock.quant"]._update_available_quantity(cls.part, warehouse.lot_stock_id, 100)

        cls.signature_png = cls._png((3, 2), (10, 20, 30))
        cls.new_signature = cls._png((4, 2), (200, 20, 30))

        # The orders, taken to their states by the dispatcher and the lead technician.
        Order = env["field.work.order"].with_user(cls.disp)

        def order(**vals):
            return Order.create({
                "partner_id": cls.customer.id, "user_id": cls.tech_a.id,
                "technician_ids": [(4, cls.tech_h.id)], "scheduled_start": "2030-01-15 09:00:00",
                "job_type_id": cls.job_type.id, "unit_number": "1A",
                "access_instructions": "Key box by the door", "site_contact_name": "Sam Site",
                "site_contact_phone": "+1 555 0100", "description": "Noisy unit",
                "safety_requirements": "Gloves", **vals,
            })

        def as_a(rec):
            return rec.with_user(cls.tech_a)

        def closed_labor(rec, tech, hours_ago):
            end = fields.Datetime.now() - timedelta(hours=hours_ago)
            return env["field.work.order.labor"].create({
                "work_order_id": rec.id, "user_id": tech.id,
                "date_start": end - timedelta(hours=2), "date_end": end,
            })

        cls.o_draft = order()
        cls.o_archived = order()
        cls.o_archived.action_archive()
        cls.o_cancel = order()
        cls.o_cancel.action_cancel()
        cls.o_sched, cls.o_prog, cls.o_hold, cls.o_ready, cls.o_done = (order() for _i in range(5))
        cls.o_sub = order(user_id=False, technician_ids=[], subcontractor_id=cls.vendor.id,
                          subcontract_price=500.0)
        (cls.o_sched | cls.o_prog | cls.o_hold | cls.o_ready | cls.o_done | cls.o_sub).action_schedule()
        # The warehouse loaded the van for the done order: 2 parts, of which 1 will be used.
        preparation = cls.o_done.with_env(env).picking_ids
        preparation.move_ids.write({"quantity": 2, "picked": True})
        preparation.button_validate()
        for rec in (cls.o_prog, cls.o_hold, cls.o_ready, cls.o_done):
            as_a(rec).action_start()
        as_a(cls.o_hold).action_hold()
        cls.labor_a = cls.o_prog.with_env(env).labor_ids.filtered(lambda line: line.user_id == cls.tech_a)
        cls.labor_h = closed_labor(cls.o_prog, cls.tech_h, 1)
        cls.required_line = cls.o_prog.with_env(env).checklist_ids.filtered("required")
        cls.planned_line = cls.o_prog.with_env(env).material_ids
        for rec in (cls.o_ready, cls.o_done):
            as_a(rec).checklist_ids.filtered("required").write({"done": True})
        done = as_a(cls.o_done)
        done.material_ids.write({"quantity_used": 1})
        cls.photo = env["field.work.order.photo"].with_user(cls.tech_a).create({
            "work_order_id": cls.o_done.id, "image": PNG, "kind": "after",
        })
        done.write({"signature": cls.signature_png, "signed_by": "Casey Client"})
        closed_labor(cls.o_done, cls.tech_h, 1)
        done.action_complete()
        # Agreements begun three days ago: one visit due, one monthly period begun.
        Agreement = env["field.work.order.agreement"].with_user(cls.disp)
        begun = fields.Date.today() - timedelta(days=3)
        cls.agreement, cls.agreement_pp = (Agreement.create({
            "partner_id": cls.customer.id, "service_partner_ids": [(6, 0, cls.customer.ids)],
            "job_type_id": cls.job_type.id, "interval_number": 1, "interval_type": "month",
            "date_start": begun, "lead_days": 0, **vals,
        }) for vals in ({"name": "Matrix Agreement", "price_type": "none"}, {
            "name": "Matrix Yearly Fee", "price_type": "per_period", "price": 1200.0,
            "product_id": cls.labor_product.id, "invoice_period": "month",
        }))
        (cls.agreement | cls.agreement_pp).action_activate()
        cls.orders = env["field.work.order"].with_context(active_test=False).search(
            [("partner_id", "=", cls.customer.id)])
        env.flush_all()

        for name, value in vars(cls).copy().items():  # read as the test, not as their creator
            if name.startswith(("o_", "labor_", "required_", "planned_", "photo", "agreement")):
                setattr(cls, name, value.with_env(env))

    @staticmethod
    def _png(size, color):
        buffer = io.BytesIO()
        Image.new("RGB", size, color).save(buffer, format="PNG")
        return base64.b64encode(buffer.getvalue()).decode()

    # --- calling -------------------------------------------------------------
    def _credentials(self, role):
        if role == "none":
            return 0, ""
        user = self.users[role]
        return user.id, user.login

    def _xmlrpc(self, role, spec, args, kwargs):
        uid, password = self._credentials(role)
        try:
            return True, self.xmlrpc_object.execute_kw(
                self.env.cr.dbname, uid, password, spec.model, spec.method, args, kwargs or {})
        except xmlrpc.client.Fault as fault:
            kind = FAULT_KINDS.get(fault.faultCode, "crash")
            return False, (kind, fault.faultString)

    def _jsonrpc(self, role, spec, args, kwargs):
        uid, password = self._credentials(role)
        payload = {"jsonrpc": "2.0", "method": "call", "id": 1, "params": {
            "service": "object", "method": "execute_kw",
            "args": [self.env.cr.dbname, uid, password, spec.model, spec.method, args,
                     kwargs or {}],
        }}
        response = self.url_open("/jsonrpc", data=json.dumps(payload),
                                 headers={"Content-Type": "application/json"})
        answer = response.json()
        if "error" not in answer:
            return True, answer.get("result")  # Odoo leaves "result" out for None
        data = answer["error"].get("data", {})
        kind = data.get("name", "").rsplit(".", 1)[-1]
        kind = "UserError" if kind in USER_ERRORS else kind if kind in ACCESS else "crash"
        return False, (kind, data.get("message") or answer["error"].get("message", ""))

    def _get_as(self, role, url):
        if role == "none":
            self.authenticate(None, None)
        else:
            self.authenticate(self.users[role].login, self.users[role].login)
        return self.url_open(url, timeout=60)

    def _post_as(self, role, url, params):
        """A JSON route's answer (its ``result``) to the role's web session."""
        login = None if role == "none" else self.users[role].login
        self.authenticate(login, login)
        response = self.url_open(url, data=json.dumps(
            {"jsonrpc": "2.0", "method": "call", "id": 1, "params": params}),
            headers={"Content-Type": "application/json"}, timeout=60)
        answer = response.json()
        return answer.get("result", {"error": str(answer.get("error"))})

    # --- judging -------------------------------------------------------------
    def _names(self, spec):
        """What a named denial may mention: the given words, and the labels of fields."""
        model = self.env[spec.model]
        words = []
        for name in spec.names:
            words.append(name)
            if name in model._fields:
                words.append(model._fields[name].string)
        return [word.lower() for word in words]

    def _judge_call(self, spec, role, allowed, outcome, before, after):
        ok, payload = outcome
        if allowed:
            if not ok:
                return f"refused: {payload[0]}: {payload[1][:300]}"
            expect = spec.expect(self, role) if callable(spec.expect) else spec.expect
            if spec.observe and expect is not None and after != expect:
                return f"returned {str(payload)[:120]} but the effect is {after!r}, not {expect!r}"
            if spec.check and not spec.check(self, role, payload):
                return f"answer not as expected: {str(payload)[:300]}"
            return None
        if ok:
            return f"allowed (answer {str(payload)[:120]}), effect {before!r} -> {after!r}"
        kind, message = payload
        if kind not in spec.refusals:
            return f"refused with {kind}, not {'/'.join(spec.refusals)}: {message[:300]}"
        if role in spec.named and spec.names:
            words = self._names(spec)
            if not any(word in message.lower() for word in words):
                return f"the {kind} names none of {words}: {message[:300]}"
        if after != before:
            return f"refused but changed {before!r} -> {after!r}"
        return None

    def _judge_http(self, spec, role, allowed, response):
        if spec.page is not None:
            good = (response.status_code == 200 and spec.page in response.content
                    and urlparse(response.url).path == urlparse(spec.url(self)).path)
            what = "the page"
        elif spec.content is None:
            good = (response.status_code == 200 and response.content.startswith(b"%PDF")
                    and response.headers.get("Content-Type", "").startswith("application/pdf"))
            what = "a PDF"
        else:
            good = (response.status_code == 200 and response.content == spec.content(self)
                    and response.headers.get("Content-Type", "").startswith("image/"))
            what = "the image"
        if good == allowed:
            return None
        got = f"{response.status_code} {response.headers.get('Content-Type')} {response.content[:60]!r}"
        return f"{'did not get' if allowed else 'got'} {what}: {got}"

    def _judge_route(self, spec, allowed, answer, before, after):
        refused = isinstance(answer, dict) and "error" in answer
        if allowed and refused:
            return f"refused: {str(answer['error'])[:300]}"
        if allowed and after != spec.expect:
            return f"answered {str(answer)[:120]} but the effect is {after!r}, not {spec.expect!r}"
        if not allowed and not refused:
            return f"allowed (answer {str(answer)[:120]}), effect {before!r} -> {after!r}"
        if not allowed and after != before:
            return f"refused but changed {before!r} -> {after!r}"
        return None

    def _run_cell(self, spec, role, allowed, proto):
        self.cell_started = fields.Datetime.now()
        with self.env.cr.savepoint() as savepoint:
            before = spec.observe(self) if spec.observe else None
            if proto == "http":
                problem = self._judge_http(spec, role, allowed, self._get_as(role, spec.url(self)))
            elif proto == "route":
                answer = self._post_as(role, spec.url(self), resolve(spec.params, self))
                self.env.invalidate_all()
                problem = self._judge_route(spec, allowed, answer, before, spec.observe(self))
            else:
                call = self._xmlrpc if proto == "xmlrpc" else self._jsonrpc
                outcome = call(role, spec, resolve(spec.args, self), resolve(spec.kwargs, self))
                self.env.invalidate_all()
                after = spec.observe(self) if spec.observe else None
                problem = self._judge_call(spec, role, allowed, outcome, before, after)
            savepoint.rollback()
        self.env.invalidate_all()
        if spec.observe and spec.observe(self) != before:
            problem = f"{problem or ''} (not isolated: still {spec.observe(self)!r} after rollback)"
        return problem

    # --- the check -------------------------------------------------------------
    def check_matrix(self, rows):
        """Every cell of ``rows`` over the real routes: one failed subtest per wrong cell."""
        failures, cells = [], 0
        for label, spec, expected in rows:
            for role, allowed in expected.items():
                for proto in spec.protocols:
                    cells += 1
                    with self.subTest(op=label, role=role, proto=proto):
                        problem = self._run_cell(spec, role, allowed, proto)
                        problem = problem and " ".join(problem.split())
                        if problem:
                            failures.append(f"{label} | {role} | {proto} | "
                                            f"{'allowed' if allowed else 'denied'} expected: {problem}")
                            self.fail(problem)
        _logger.info("access matrix, %s.%s: %s rows, %s cells, %s passed, %s failed%s",
                     type(self).__name__, self._testMethodName, len(rows), cells,
                     cells - len(failures), len(failures),
                     "".join(f"\n  {failure}" for failure in failures))


def printed_matrix():
    """The table of docs/security.md's access matrix: {row label: [mark of each role]}."""
    doc = Path(__file__).resolve().parents[2] / "docs" / "security.md"
    text = doc.read_text().split("## The access matrix", 1)[1].split("\n## ", 1)[0]
    printed = {}
    for line in text.splitlines():
        cells = [cell.strip() for cell in line.strip().strip("|").split("|")]
        if len(cells) == len(ROLES) + 1 and set(cells[1:]) <= {"✓", "✗", "—"}:
            printed[cells[0]] = cells[1:]
    return printed


def tested_matrix(rows):
    """``rows`` as docs/security.md prints them."""
    marks = {True: "✓", False: "✗"}
    return {
        label: [marks[expected[role]] if role in expected else "—" for role in ROLES]
        for label, _spec, expected in rows
    }
