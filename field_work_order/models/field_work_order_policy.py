"""The permission policy of work orders and their lines: who may write which field.

Phones, portals and integrators call the ORM over RPC as their user, with any
context they like, so the rules live here and not in the views:

- readonly fields (status, its dates, references...) change only through the
  models' own methods, which mark their writes with ``TRUSTED``;
- technicians write the fields their model lists in ``_fwo_technician_fields``;
- dispatchers write every other field.

The views read the same rules (``is_dispatcher``) and docs/security.md shows
them as a table.
"""

from odoo import _, api, fields, models
from odoo.exceptions import AccessError


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

    def _fwo_check_write(self, vals):
        """Refuse the fields of ``vals`` the current user may not write, naming them.

        Runs before anything is written. Readonly fields are refused for
        everyone outside the models' own methods; the superuser (``sudo()``,
        never reachable over RPC) skips the role check only.
        """
        if self._fwo_trusted():
            return
        system = {name for name in vals if name in self._fields and self._fields[name].readonly}
        if system:
            raise AccessError(_(
                "%(fields)s cannot be edited on %(model)s: the application sets them itself "
                "(through the order's actions: Schedule, Start, Complete, Verify...).",
                fields=self._fwo_field_names(system), model=self._fwo_model_label(),
            ))
        if not self._fwo_restricted():
            return
        refused = set(vals) - self._fwo_technician_fields
        if refused:
            raise AccessError(_(
                "Only a dispatcher can change %(fields)s on %(model)s.",
                fields=self._fwo_field_names(refused), model=self._fwo_model_label(),
            ))

    def _fwo_check_dispatcher(self, what):
        """Refuse ``what`` (a sentence end: "add checklist items") to non-dispatchers."""
        if self._fwo_restricted():
            raise AccessError(_("Only a dispatcher can %(what)s.", what=what))

    def _fwo_model_label(self):
        return self.env["ir.model"]._get(self._name).sudo().name
