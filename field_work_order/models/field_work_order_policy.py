"""The permission policy of work orders and their lines: who may write which field.

Phones, portals and integrators call the ORM over RPC as their user, with any
context they like, so the rules live here and not in the views:

- readonly fields (status, its dates, references...) change only through the
  models' own methods, which mark their writes with ``TRUSTED``;
- technicians write the fields their model lists in ``_fwo_technician_fields``;
- dispatchers write every other field.

The views read the same rules (``is_dispatcher``) and docs/security.md shows
them as a table.

The same callers send any value of any type: ``_fwo_check_values`` refuses what
the ORM could not store (a text for a number, an unknown field or selection
value, a NUL character, an id out of range...) with a ``ValidationError``
naming the field, before anything is written, and ``rpc_checked`` does the same
for the arguments and record ids of public methods.
"""

import datetime
import functools
import inspect
import math

from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.models import BaseModel, NewId

IMAGE_MAX_BYTES = 64 * 1024 * 1024  # sanity bound of any stored image
INT32_MAX = 2**31 - 1
FLOAT_MAX = 1e15  # beyond this, a quantity or amount is garbage, and rounding loses units
SHOWN_CHARS = 40  # of a refused value quoted in a message


class TrustedValue(str):
    """A context value only server code can make.

    XML-RPC and JSON-RPC deliver plain strings, numbers, lists and dicts: a
    caller can send a context key with any name and value, but never an
    instance of this class. A JSON round trip turns it into a plain string,
    which is refused.

    Equal only to itself: otherwise a caller's context holding the same text
    under the same key would make Odoo keep the caller's environment (it
    reuses an environment whose context compares equal) and the value with it.
    """

    __slots__ = ()
    __hash__ = object.__hash__

    def __eq__(self, other):
        return self is other

    def __ne__(self, other):
        return self is not other


#: Marks the models' own writes of protected fields (``_fwo_trusted``).
TRUSTED = TrustedValue("trusted")


def shown(value):
    """A refused value as a message quotes it: its repr, cut to ``SHOWN_CHARS``."""
    text = repr(value)
    return text if len(text) <= SHOWN_CHARS else text[:SHOWN_CHARS] + "..."


def rpc_checked(method):
    """Refuse arguments ``method`` does not take, and record ids that are not ids.

    Public methods are called over RPC with whatever arguments the caller sends: without
    this, Python's own ``TypeError`` (or PostgreSQL's for an id like ``"abc"``) reaches the
    caller instead of a sentence.
    """
    signature = inspect.signature(method)
    params = list(signature.parameters)[1:]

    @functools.wraps(method)
    def checked(self, *args, **kwargs):
        try:
            signature.bind(self, *args, **kwargs)
        except TypeError:
            if params:
                raise UserError(self.env._(
                    "%(method)s was called with other arguments than the ones it takes: %(params)s.",
                    method=method.__name__, params=", ".join(params),
                )) from None
            raise UserError(self.env._(
                "%(method)s takes no arguments besides the record ids.", method=method.__name__,
            )) from None
        self._fwo_check_ids()
        return method(self, *args, **kwargs)

    return checked


class FieldWorkOrderPolicy(models.AbstractModel):
    _name = "field.work.order.policy"
    _description = "Work Order Permission Policy"

    #: Fields a technician may write (on records the record rules let them write).
    _fwo_technician_fields = frozenset()

    is_dispatcher = fields.Boolean(
        compute="_compute_is_dispatcher",
        default=lambda self: self._fwo_is_dispatcher(),
        help="Technical: the current user plans work orders (views read it to lock fields).",
    )

    @api.depends_context("uid")
    def _compute_is_dispatcher(self):
        self.is_dispatcher = self._fwo_is_dispatcher()

    @api.model
    def _fwo_is_dispatcher(self):
        return self.env.user.has_group("field_work_order.group_dispatcher")

    @api.model
    def _fwo_restricted(self):
        """Whether the technicians' rules apply: not a dispatcher, not the server's own code."""
        return not (self.env.su or self._fwo_trusted() or self._fwo_is_dispatcher())

    @api.model
    def _fwo_trusted(self):
        """Whether this environment runs one of the models' own protected writes."""
        return self.env.context.get("fwo_trusted") is TRUSTED

    def _fwo_as_trusted(self):
        return self.with_context(fwo_trusted=TRUSTED)

    def _fwo_field_names(self, names):
        return ", ".join(
            f"{self._fields[name]._description_string(self.env)} ({name})" for name in sorted(names)
        )

    def _fwo_check_ids(self):
        """Refuse record ids that are not ids (``"abc"``, ``1.5``, a dict...) before any query."""
        bad = [i for i in self._ids if not self._fwo_is_id(i)]
        if bad:
            raise UserError(self.env._(
                "%(value)s is not a record id of %(model)s: ids are positive integers.",
                value=shown(bad[0]), model=self._fwo_model_label(),
            ))

    @api.model
    def _fwo_vals_list(self, vals_list):
        """The ``vals_list`` of a ``create``, refused unless it is a list of value dicts."""
        if not isinstance(vals_list, (list, tuple)):
            vals_list = [vals_list]
        for vals in vals_list:
            self._fwo_check_values(vals)
        return vals_list

    @api.model
    def _fwo_check_values(self, vals):
        """Refuse values the ORM could not store, naming the field; nothing is written yet."""
        if not isinstance(vals, dict):
            raise ValidationError(self.env._(
                "The values of %(model)s must be a dictionary of field names and values, not "
                "%(value)s.", model=self._fwo_model_label(), value=shown(vals),
            ))
        if self.env.su:
            return
        for name, value in vals.items():
            field = self._fields.get(name) if isinstance(name, str) else None
            if field is None:
                raise ValidationError(self.env._(
                    "%(model)s has no field %(name)s.", model=self._fwo_model_label(),
                    name=shown(name),
                ))
            expected = self._fwo_value_problem(field, value)
            if expected:
                raise ValidationError(self.env._(
                    "%(field)s (%(name)s) on %(model)s must be %(expected)s, not %(value)s.",
                    field=field._description_string(self.env), name=name,
                    model=self._fwo_model_label(), expected=expected, value=shown(value),
                ))
            if value and isinstance(field, fields.Image):
                # Every door's size limit is checked at the door; here, what any caller
                # stores must be a photo (no SVG, no PDF named .png).
                self._fwo_image(value, field._description_string(self.env), max_bytes=IMAGE_MAX_BYTES)

    def _fwo_value_problem(self, field, value):
        """What ``field`` expects (a phrase), if ``value`` is not a storable value of it."""
        if value is None or (value is False and field.type != "boolean"):
            return False  # empty
        kind = field.type
        if kind == "boolean":
            return not isinstance(value, bool) and self.env._("true or false")
        if kind == "integer":
            ok = isinstance(value, int) and not isinstance(value, bool) and abs(value) <= INT32_MAX
            return not ok and self.env._("a whole number from %(min)s to %(max)s", min=-INT32_MAX, max=INT32_MAX)
        if kind in ("float", "monetary"):
            ok = (isinstance(value, (int, float)) and not isinstance(value, bool)
                  and math.isfinite(value) and abs(value) < FLOAT_MAX)
            largest = f"{FLOAT_MAX:,.0f}"
            return not ok and self.env._("a number below %(max)s", max=largest)
        if kind in ("char", "text", "html"):
            ok = isinstance(value, str) and "\x00" not in value
            return not ok and self.env._("a text (without NUL characters) or false")
        if kind == "selection":
            ok = isinstance(value, str) and value in field.get_values(self.env)
            return not ok and self.env._("one of %(values)s", values=", ".join(field.get_values(self.env)))
        if kind == "many2one":
            return not self._fwo_is_id(value) and self.env._("a record id (a positive integer) or false")
        if kind in ("one2many", "many2many"):
            return not self._fwo_is_x2many(value) and self.env._(
                "a list of record ids or of commands such as [4, id] or [0, 0, {values}]")
        if kind == "date":
            return not self._fwo_is_date(value, fields.Date.to_date) and self.env._(
                "a date as 'YYYY-MM-DD' or false")
        if kind == "datetime":
            return not self._fwo_is_date(value, fields.Datetime.to_datetime) and self.env._(
                "a UTC date and time as 'YYYY-MM-DD HH:MM:SS' or false")
        if kind in ("binary", "image"):
            return not isinstance(value, (str, bytes)) and self.env._("base64 text or false")
        return False

    @api.model
    def _fwo_is_id(self, value):
        if isinstance(value, (BaseModel, NewId)):
            return True
        return isinstance(value, int) and not isinstance(value, bool) and 0 < value <= INT32_MAX

    @api.model
    def _fwo_is_x2many(self, value):
        if isinstance(value, BaseModel):
            return True
        if not isinstance(value, (list, tuple)):
            return False
        for command in value:
            if self._fwo_is_id(command):
                continue
            if not isinstance(command, (list, tuple)) or not command:
                return False
            code, args = command[0], list(command[1:])
            if code in (0, 1) and len(args) == 2:
                ok = isinstance(args[1], dict) and (code == 0 or self._fwo_is_id(args[0]))
            elif code in (2, 3, 4) and len(args) in (1, 2):
                ok = self._fwo_is_id(args[0])
            elif code == 5:
                ok = len(args) <= 2
            elif code == 6 and len(args) == 2:
                ok = isinstance(args[1], (list, tuple)) and all(map(self._fwo_is_id, args[1]))
            else:
                ok = False
            if isinstance(code, bool) or not ok:
                return False
        return True

    @api.model
    def _fwo_is_date(self, value, convert):
        if isinstance(value, (datetime.date, datetime.datetime)):
            return True
        if not isinstance(value, str):
            return False
        try:
            return value == "" or convert(value) is not None
        except (TypeError, ValueError, OverflowError):
            return False

    def _fwo_check_write(self, vals):
        """Refuse the fields of ``vals`` the current user may not write, naming them.

        Runs before anything is written. Values the ORM could not store are refused
        first, for everyone but the superuser. Readonly fields are refused for
        everyone outside the models' own methods; the superuser (``sudo()``,
        never reachable over RPC) skips the role check only.
        """
        self._fwo_check_ids()
        self._fwo_check_values(vals)
        if self._fwo_trusted():
            return
        system = {name for name in vals if name in self._fields and self._fields[name].readonly}
        if system:
            raise AccessError(self.env._(
                "%(fields)s cannot be edited on %(model)s: the application sets them itself "
                "(through the order's actions: Schedule, Start, Complete, Verify...).",
                fields=self._fwo_field_names(system), model=self._fwo_model_label(),
            ))
        if not self._fwo_restricted():
            return
        refused = set(vals) - self._fwo_technician_fields
        if refused:
            raise AccessError(self.env._(
                "Only a dispatcher can change %(fields)s on %(model)s.",
                fields=self._fwo_field_names(refused), model=self._fwo_model_label(),
            ))

    def _fwo_check_dispatcher(self, what):
        """Refuse ``what`` (a sentence end: "add checklist items") to non-dispatchers."""
        if self._fwo_restricted():
            raise AccessError(self.env._("Only a dispatcher can %(what)s.", what=what))

    def _fwo_model_label(self):
        return self.env["ir.model"]._get(self._name).sudo().name
